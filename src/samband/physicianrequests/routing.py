"""Who a physician request goes to, and who next when it is not answered. Pure: no database.

The **chain** is the order of levels at a moment (the service resolves each from the patient
and the on-call rosters; a level with nobody is None):

0. ``fixed_physician``: the patient's fixed physician, in the agreement's office hours only;
1. ``on_call``: the physician on call of the physicians' organisation (the fixed
   physician's unit or organisation, else the patient's primary care centre, else the unit
   responsible for an open hospital-at-home episode);
2. ``organisation_on_call``: the physician on call of the agreement's
   ``on_call_organisation``;
3. ``organisation_on_call``: the physician on call of the unit responsible for an open
   hospital-at-home episode.

A new request goes to the first level with somebody (``first``); nobody at all is
``nobody`` (the nurse is given the number to call). An escalation goes to the first level
*after* the current one whose person is not the one who has it now (``next_after``).
The stage a request is at and since when are read from its history (``current_stage``,
``level_since``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Via(StrEnum):
    FIXED_PHYSICIAN = "fixed_physician"
    ON_CALL = "on_call"
    ORGANISATION_ON_CALL = "organisation_on_call"
    FORWARDED = "forwarded"
    NOBODY = "nobody"


# the stage of each level of the chain (its index)
FIXED, ON_CALL, AGREEMENT_ON_CALL, HOSPITAL_ON_CALL = 0, 1, 2, 3
STAGE_VIA = {
    FIXED: Via.FIXED_PHYSICIAN,
    ON_CALL: Via.ON_CALL,
    AGREEMENT_ON_CALL: Via.ORGANISATION_ON_CALL,
    HOSPITAL_ON_CALL: Via.ORGANISATION_ON_CALL,
}
NO_STAGE = -1  # routed to nobody yet

# the history events that give the request to somebody (or nobody): a level starts
ROUTING_EVENTS = ("routed", "escalated", "forwarded")


@dataclass(frozen=True)
class Target:
    """A person a request can go to: a user, or a named person of a roster without an
    account (name and phone only)."""

    stage: int
    user_id: uuid.UUID | None
    name: str | None
    phone: str | None
    organisation_id: uuid.UUID | None

    @property
    def via(self) -> Via:
        return STAGE_VIA[self.stage]

    def same_person(self, user_id: uuid.UUID | None, name: str | None) -> bool:
        if self.user_id is not None or user_id is not None:
            return self.user_id == user_id
        return bool(self.name) and self.name == name


Chain = Sequence[Target | None]


def first(chain: Chain) -> Target | None:
    """Where a new request goes: the first level with somebody."""
    return next((t for t in chain if t is not None), None)


def next_after(
    chain: Chain, stage: int, *, user_id: uuid.UUID | None, name: str | None
) -> Target | None:
    """The next level for an unanswered request at ``stage`` held by (``user_id``,
    ``name``): the first later level with somebody else."""
    for target in chain:
        if target is None or target.stage <= stage:
            continue
        if target.same_person(user_id, name):
            continue
        return target
    return None


def current_stage(history: Sequence[Any]) -> int:
    """The stage of the latest routing (a forward keeps the stage it was forwarded from)."""
    for entry in reversed(history):
        if isinstance(entry, dict) and entry.get("event") in ROUTING_EVENTS:
            stage = entry.get("stage")
            if isinstance(stage, int):
                return stage
    return NO_STAGE


def level_since(history: Sequence[Any], asked_at: datetime) -> datetime:
    """When the current level got the request (its latest routing), else when it was asked."""
    for entry in reversed(history):
        if isinstance(entry, dict) and entry.get("event") in ROUTING_EVENTS and entry.get("at"):
            found = datetime.fromisoformat(str(entry["at"]))
            return found if found.tzinfo else found.replace(tzinfo=asked_at.tzinfo)
    return asked_at


def has_event(history: Sequence[Any], event: str) -> bool:
    return any(isinstance(e, dict) and e.get("event") == event for e in history)


def routed_users(history: Sequence[Any]) -> set[str]:
    """Every user the request is or was routed or forwarded to (ids as text)."""
    return {
        str(e["to"])
        for e in history
        if isinstance(e, dict) and e.get("event") in ROUTING_EVENTS and e.get("to")
    }


def written_in(history: Sequence[Any], event: str) -> str | None:
    """The language the texts of the latest ``event`` (asked, answered) were written in, when
    the history knows it."""
    for entry in reversed(history):
        if isinstance(entry, dict) and entry.get("event") == event:
            found = entry.get("lang")
            return str(found) if found else None
    return None
