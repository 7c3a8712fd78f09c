"""The care request's life cycle (FHIR Task status, simplified). Pure: no database, no web.

sent ──► received ──► accepted ──► completed
  │          │  └──► declined
  └──────────┴──► accepted | declined
sent | received | accepted ──► cancelled (by the sender)
"""

from __future__ import annotations

from enum import StrEnum


class CareRequestKind(StrEnum):
    HOME_HEALTH_CARE = "home_health_care"
    HOME_CARE = "home_care"
    PRIMARY_CARE_REFERRAL = "primary_care_referral"
    REHABILITATION = "rehabilitation"


class CareRequestState(StrEnum):
    SENT = "sent"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


S = CareRequestState

NEXT: dict[CareRequestState, frozenset[CareRequestState]] = {
    S.SENT: frozenset({S.RECEIVED, S.ACCEPTED, S.DECLINED, S.CANCELLED}),
    S.RECEIVED: frozenset({S.ACCEPTED, S.DECLINED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.COMPLETED, S.CANCELLED}),
    S.DECLINED: frozenset(),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Who makes the transition: the receiving organisation answers, the sender cancels.
BY_RECEIVER = frozenset({S.RECEIVED, S.ACCEPTED, S.DECLINED, S.COMPLETED})
BY_SENDER = frozenset({S.CANCELLED})
NEEDS_REASON = frozenset({S.DECLINED, S.CANCELLED})
# Open: the receiving organisation still has (or is asked to take) a part in the episode.
OPEN = frozenset({S.SENT, S.RECEIVED, S.ACCEPTED})
# Not answered yet: counts towards "overdue".
UNANSWERED = frozenset({S.SENT, S.RECEIVED})

# Which organisation kinds may receive which kind of request.
FITS: dict[CareRequestKind, tuple[str, ...]] = {
    # issue 14: a nursing home (särskilt boende) or a short-term place (korttidsplats) nurses
    # its residents as home health care does at home (docs/palliative-care.md)
    CareRequestKind.HOME_HEALTH_CARE: (
        "municipal_home_health_care",
        "nursing_home",
        "short_term_place",
    ),
    CareRequestKind.HOME_CARE: ("municipal_home_care",),
    CareRequestKind.PRIMARY_CARE_REFERRAL: ("primary_care_centre",),
    CareRequestKind.REHABILITATION: ("primary_care_centre", "municipal_home_health_care"),
}

# The receiving organisation's role on the episode, by its kind.
PARTICIPANT_ROLE: dict[str, str] = {
    "municipal_home_health_care": "home_health_care",
    "municipal_home_care": "home_care",
    "primary_care_centre": "primary_care",
    "nursing_home": "home_health_care",  # issue 14
    "short_term_place": "home_health_care",
}


def allowed_next(state: str) -> list[str]:
    """The states a request in ``state`` may move to, in a stable order."""
    try:
        current = CareRequestState(state)
    except ValueError:
        return []
    return sorted(s.value for s in NEXT[current])


def can_move(state: str, target: CareRequestState) -> bool:
    return target.value in allowed_next(state)
