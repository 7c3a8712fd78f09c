"""The discharge summary's content made from an episode's plain data (pure: no database, no
web). The result is JSON-able and language-neutral: kinds, codes and values, worded by the
catalogue when shown (``text.py``).

- **The course**: the pathway and type, the dates at home, the reason the episode began, the
  counts (visits done and missed, alerts, round decisions, readmissions) and a timeline: the
  visits done per day, every alert with what was done about it, every round decision, going
  home, readmission and discharge.
- **The medications**: the list at discharge (active now), each marked *started* (added after
  the patient went home), *changed* (its dose, route or schedule changed during the episode,
  from → to) or *unchanged*; and the medications *stopped* during the episode with the
  reason. "The list at the start" is what was active when the patient went home.
- **The results**: as given (the lab results' service), newest first per code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# what the summary shows of a medication's change during the episode
CHANGE_FIELDS = ("dose", "route", "schedule")


@dataclass(frozen=True)
class EpisodeFacts:
    pathway: str
    type: str
    state: str
    started_at: datetime | None
    ended_at: datetime | None
    reason: str | None  # why the episode began (the candidate's flag)
    end_reason: str | None
    planned_home_date: date | None = None


@dataclass(frozen=True)
class EventFact:
    at: datetime
    kind: str
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VisitFact:
    day: date
    what: str
    status: str  # planned | assigned | started | done | missed | cancelled


@dataclass(frozen=True)
class AlertFact:
    at: datetime
    kind: str
    severity: str
    reason: str
    status: str
    reason_code: str | None = None
    reason_params: dict[str, Any] | None = None
    action: str | None = None
    action_note: str | None = None


@dataclass(frozen=True)
class RoundFact:
    at: datetime
    decision: str  # continue | change_plan | discharge | readmit
    assessment: str
    note: str | None = None


@dataclass(frozen=True)
class MedicationFact:
    drug: str
    dose: str
    route: str
    schedule: str
    status: str  # active | stopped
    created_at: datetime
    updated_at: datetime | None = None
    stop_reason: str | None = None
    note: str | None = None
    # the "medication.changed" events: (at, {field: [before, after]})
    changes: tuple[tuple[datetime, dict[str, Any]], ...] = ()


@dataclass(frozen=True)
class ResultFact:
    at: datetime
    code: str | None  # LOINC
    name: str
    value: str  # as reported (a number as text, or a text result)
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    flag: str | None = None  # H | L | N | A …
    numeric: float | None = None


def _iso(at: datetime | date | None) -> str | None:
    return at.isoformat() if at is not None else None


def course(
    episode: EpisodeFacts,
    events: Sequence[EventFact],
    visits: Sequence[VisitFact],
    alerts: Sequence[AlertFact],
    rounds: Sequence[RoundFact],
) -> dict[str, Any]:
    timeline: list[dict[str, Any]] = []
    readmissions = 0
    for e in events:
        if e.kind != "transition":
            continue
        if e.to_state == "at_home":
            timeline.append({"at": _iso(e.at), "kind": "home", "text": e.reason})
        elif e.to_state == "readmitted":
            readmissions += 1
            timeline.append(
                {
                    "at": _iso(e.at),
                    "kind": "readmission",
                    "text": e.reason,
                    "route": e.data.get("route"),
                }
            )
        elif e.to_state == "discharged":
            timeline.append({"at": _iso(e.at), "kind": "discharged", "text": e.reason})
        elif e.to_state == "deceased":
            timeline.append({"at": _iso(e.at), "kind": "deceased", "text": e.reason})
    per_day: dict[date, list[str]] = defaultdict(list)
    done = missed = 0
    for v in visits:
        if v.status == "done":
            done += 1
            per_day[v.day].append(v.what)
        elif v.status == "missed":
            missed += 1
    for day, whats in per_day.items():
        timeline.append(
            {
                "at": day.isoformat(),
                "kind": "visits",
                "count": len(whats),
                "what": sorted(set(whats)),
            }
        )
    for a in alerts:
        timeline.append(
            {
                "at": _iso(a.at),
                "kind": "alert",
                "severity": a.severity,
                "alert_kind": a.kind,
                "text": a.reason,
                "reason_code": a.reason_code,
                "reason_params": a.reason_params or {},
                "action": a.action,
                "action_note": a.action_note,
                "status": a.status,
            }
        )
    for r in rounds:
        timeline.append(
            {
                "at": _iso(r.at),
                "kind": "round",
                "decision": r.decision,
                "text": r.assessment,
                "note": r.note,
            }
        )
    timeline.sort(key=lambda item: str(item["at"]))
    home_from = episode.started_at.date() if episode.started_at else None
    home_to = episode.ended_at.date() if episode.ended_at else None
    days = (home_to - home_from).days + 1 if home_from and home_to else None
    return {
        "pathway": episode.pathway,
        "type": episode.type,
        "state": episode.state,
        "home_from": _iso(home_from),
        "home_to": _iso(home_to),
        "days_at_home": days,
        "reason": episode.reason,
        "end_reason": episode.end_reason,
        "visits_done": done,
        "visits_missed": missed,
        "alerts": len(alerts),
        "rounds": len(rounds),
        "readmissions": readmissions,
        "timeline": timeline,
    }


def medications(started_at: datetime | None, meds: Sequence[MedicationFact]) -> dict[str, Any]:
    """The list at discharge with what changed since the patient went home, and what was
    stopped. Without a date of going home, every medication counts as on the list at the
    start."""

    def during(at: datetime | None) -> bool:
        return at is not None and started_at is not None and at > started_at

    at_discharge: list[dict[str, Any]] = []
    stopped: list[dict[str, Any]] = []
    at_start = 0
    for m in sorted(meds, key=lambda m: (m.drug.casefold(), m.created_at)):
        started = during(m.created_at)
        if not started:
            at_start += 1
        changed: dict[str, list[Any]] = {}
        for at, change in sorted(m.changes, key=lambda c: c[0]):
            if started or not during(at):
                continue  # a change before going home, or to a drug started at home
            for name in CHANGE_FIELDS:
                if name in change and isinstance(change[name], list | tuple) and change[name]:
                    before, after = change[name][0], change[name][-1]
                    first = changed.get(name, [before, after])[0]
                    changed[name] = [first, after]
        changed = {k: v for k, v in changed.items() if v[0] != v[1]}
        row: dict[str, Any] = {
            "drug": m.drug,
            "dose": m.dose,
            "route": m.route,
            "schedule": m.schedule,
            "note": m.note,
            "change": "started" if started else ("changed" if changed else "unchanged"),
            "changes": changed,
            "since": _iso(m.created_at) if started else None,
        }
        if m.status == "stopped":
            if started and not during(m.updated_at):  # pragma: no cover - clocks disagree
                continue
            stopped.append(
                {
                    **row,
                    "change": "stopped",
                    "started_at_home": started,
                    "reason": m.stop_reason,
                    "at": _iso(m.updated_at),
                }
            )
        else:
            at_discharge.append(row)
    return {
        "at_discharge": at_discharge,
        "stopped": stopped,
        "at_start": at_start,
        "started": sum(1 for r in at_discharge if r["change"] == "started"),
        "changed": sum(1 for r in at_discharge if r["change"] == "changed"),
    }


def results(found: Sequence[ResultFact], *, available: bool = True) -> dict[str, Any]:
    """The results, grouped by what was measured (code, else name), each group newest first;
    ``available``: False when the results' service is not there (the summary says so)."""
    groups: dict[str, list[ResultFact]] = defaultdict(list)
    for r in found:
        groups[r.code or r.name].append(r)
    rows: list[dict[str, Any]] = []
    for key in sorted(groups, key=lambda k: groups[k][0].name.casefold()):
        for r in sorted(groups[key], key=lambda r: r.at, reverse=True):
            rows.append(
                {
                    "at": _iso(r.at),
                    "code": r.code,
                    "name": r.name,
                    "value": r.value,
                    "numeric": r.numeric,
                    "unit": r.unit,
                    "low": r.low,
                    "high": r.high,
                    "flag": r.flag or _flag(r),
                }
            )
    return {"available": available, "items": rows}


def _flag(r: ResultFact) -> str | None:
    if r.numeric is None:
        return None
    if r.low is not None and r.numeric < r.low:
        return "L"
    if r.high is not None and r.numeric > r.high:
        return "H"
    return None


def compose(
    episode: EpisodeFacts,
    *,
    events: Sequence[EventFact],
    visits: Sequence[VisitFact],
    alerts: Sequence[AlertFact],
    rounds: Sequence[RoundFact],
    meds: Sequence[MedicationFact],
    lab: Sequence[ResultFact],
    lab_available: bool = True,
    list_from: datetime | None = None,
) -> dict[str, Any]:
    """The whole generated content of a summary. ``list_from``: when the list at the start
    was taken (going home: the later of the episode's start and its move home)."""
    return {
        "course": course(episode, events, visits, alerts, rounds),
        "medications": medications(list_from or episode.started_at, meds),
        "results": results(lab, available=lab_available),
    }


def follow_up_items(raw: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Follow-up items as stored: what (required), who (organisation or role), when."""
    return [
        {"what": str(i["what"]), "who": i.get("who") or None, "when": i.get("when") or None}
        for i in raw
        if i.get("what")
    ]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str | None = None


@dataclass(frozen=True)
class SummaryData:
    """A summary as the page, the PDF and the FHIR document show it: plain values."""

    id: str
    episode_id: str
    version: int
    status: str  # draft | signed | superseded
    content: dict[str, Any]
    composed_at: datetime
    created_at: datetime
    follow_up: list[dict[str, Any]]
    assessment: str | None
    advice: str | None
    patient_id: str
    patient_name: str
    personnummer: str
    identifier_kind: str
    organisation_id: str
    organisation_code: str
    organisation_name: str
    unit_name: str | None
    author: Person | None
    signer: Person | None
    signed_at: datetime | None
    amends_id: str | None = None
    amendment_reason: str | None = None
    sent_to: tuple[str, ...] = ()
