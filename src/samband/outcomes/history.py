"""An episode's history in one vocabulary, and what its timeline says. Pure: no database.

Both sources end up here: the rows of a historical import (``docs/import-format.md``) and the
live episodes (their state machine's transitions, visits, day plans, alerts and care
requests, mapped by ``outcomes.sources``). ``walk`` reads a history's events in time order
and answers with its ``Timeline`` (when the patient was at home, in hospital, how the episode
ended, what happened after) and every event that does not make sense where it is. The import
uses the problems to refuse a file; the indicators use the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from samband.kit.time import STOCKHOLM

# The event vocabulary of the import (and of the live states, mapped onto it).
EVENTS = (
    "candidate",
    "assessed",
    "not_eligible",
    "consented",
    "declined",
    "planned",
    "at_home",
    "readmitted",
    "ed_visit",
    "visit_done",
    "discharged",
    "deceased",
    "withdrawn",
)
TYPES = ("admission_avoidance", "early_supported_discharge")
# Other names accepted for a type in an imported file.
TYPE_ALIASES = {"early_discharge": "early_supported_discharge"}

# The steps before going home, in the order they happen (equal rank: alternatives).
PRE_HOME_RANK = {
    "candidate": 0,
    "assessed": 1,
    "not_eligible": 1,
    "consented": 2,
    "declined": 2,
    "planned": 3,
}
# Events at the same instant are read in this order (then in the order of the file).
SAME_TIME_ORDER = {
    "candidate": 0,
    "assessed": 1,
    "not_eligible": 1,
    "consented": 2,
    "declined": 2,
    "planned": 3,
    "at_home": 4,
    "visit_done": 5,
    "ed_visit": 6,
    "readmitted": 7,
    "discharged": 8,
    "withdrawn": 9,
    "deceased": 10,
}


@dataclass(frozen=True)
class Event:
    event: str
    at: datetime  # timezone-aware
    # deceased (live episodes): whether the physician recorded the death as expected
    death_expected: bool | None = None
    # the line of the imported file (None: stored earlier, or a live event)
    line: int | None = None


@dataclass(frozen=True)
class StaffBlock:
    """Staff time spent on one visit of a published day plan (minutes): the travel to it (and
    back to base after the day's last stop), the waiting for its window, the visit itself."""

    day: date
    role: str
    authority_kind: str  # region | municipality: who employs the staff member
    authority: str  # e.g. "Falu kommun"
    organisation: str  # the organisation's code
    travel_min: float
    waiting_min: float
    at_patient_min: float
    travel_km: float


@dataclass(frozen=True)
class AlertRecord:
    raised_at: datetime
    severity: str  # low | medium | high
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class CareRequestRecord:
    sent_at: datetime
    answer_by: datetime  # the agreed time to answer
    answered_at: datetime | None  # accepted or declined
    cancelled_at: datetime | None = None


@dataclass(frozen=True)
class QuestionnaireRecord:
    answered_at: datetime
    answers: dict[str, int]  # question key → 1..5


@dataclass(frozen=True)
class History:
    """One episode, from either source. ``None`` for a kind of data means the source does not
    have it (an import has no staff time); an empty tuple means it has it and there was none."""

    episode: str  # the live episode's UUID, or the imported episode's id from the file
    source: str  # live | import
    pathway: str
    type: str
    events: tuple[Event, ...]
    organisation: str | None = None  # the responsible organisation's code
    authority: str | None = None  # its authority, e.g. "Region Dalarna"
    staff: tuple[StaffBlock, ...] | None = None
    alerts: tuple[AlertRecord, ...] | None = None
    care_requests: tuple[CareRequestRecord, ...] | None = None
    questionnaires: tuple[QuestionnaireRecord, ...] | None = None
    # whether events after the episode (readmission, ED visit, death) would be recorded:
    # an import states them; the platform does not learn of them
    follow_up_known: bool = True


Interval = tuple[datetime, datetime | None]  # [start, end); None: not ended


@dataclass(frozen=True)
class Problem:
    index: int  # into the events in time order
    event: Event
    message: str


@dataclass
class Timeline:
    """What the events say, in the order they happened."""

    first_at: datetime | None = None
    home: list[Interval] = field(default_factory=list)  # at home
    # in hospital after going home: readmission stays, also after discharge (end None: not
    # known to have ended)
    hospital: list[Interval] = field(default_factory=list)
    eligible: bool | None = None  # True: assessed (or later steps); False: not_eligible
    ended_at: datetime | None = None
    ended_by: str | None = None  # the event that ended the episode
    died_at: datetime | None = None
    died_during: bool = False  # died during the episode, after going home
    death_expected: bool | None = None
    readmissions: list[datetime] = field(default_factory=list)  # during the episode
    ed_visits: list[datetime] = field(default_factory=list)  # during the episode
    visits: list[datetime] = field(default_factory=list)
    # after the episode ended (discharged, or readmitted for good): the follow-up events
    after: list[Event] = field(default_factory=list)
    # ignored events (an ED visit before the patient went home)
    ignored: list[Event] = field(default_factory=list)

    @property
    def went_home(self) -> bool:
        return bool(self.home)

    @property
    def started_at(self) -> datetime | None:
        return self.home[0][0] if self.home else None

    @property
    def ended_after_home(self) -> bool:
        """Ended after going home (discharged, readmitted, deceased or withdrawn at home)."""
        return self.went_home and self.ended_at is not None


def ordered(events: tuple[Event, ...] | list[Event]) -> list[Event]:
    """Time order; events at the same instant in the care flow's order, then as given."""
    indexed = list(enumerate(events))
    indexed.sort(key=lambda p: (p[1].at, SAME_TIME_ORDER.get(p[1].event, 99), p[0]))
    return [e for _, e in indexed]


def _when(at: datetime) -> str:
    """Swedish local time, as the file would say it."""
    return at.astimezone(STOCKHOLM).isoformat(timespec="minutes")


def walk(events: tuple[Event, ...] | list[Event]) -> tuple[Timeline, list[Problem]]:
    """Read the events (in any order) and return the timeline and the problems.

    The rules (``docs/import-format.md``): the steps before going home come in order and may
    be left out; ``not_eligible``, ``declined``, ``withdrawn`` and ``deceased`` before going
    home end the episode; at home come ``visit_done`` and ``ed_visit``, and the episode ends
    with ``discharged``, ``deceased``, ``withdrawn`` or ``readmitted``; ``at_home`` after
    ``readmitted`` resumes care at home; after ``discharged`` (or a final readmission) only
    follow-up events may come: ``readmitted``, ``ed_visit``, ``deceased``.
    """
    t = Timeline()
    problems: list[Problem] = []
    seq = ordered(events)
    phase = "pre"  # pre | home | readmitted | after | closed
    rank = -1
    last_step = ""
    for index, e in enumerate(seq):
        ev, at = e.event, e.at

        def problem(message: str, index: int = index, e: Event = e) -> None:
            problems.append(Problem(index, e, message))

        if t.first_at is None:
            t.first_at = at
        if ev not in SAME_TIME_ORDER:
            problem(f"unknown event '{ev}'")
            continue
        if phase == "pre":
            if ev in PRE_HOME_RANK:
                if PRE_HOME_RANK[ev] <= rank:
                    problem(
                        f"'{ev}' after '{last_step}': the steps before going home come once "
                        "each, in the order candidate, assessed (or not_eligible), consented "
                        "(or declined), planned"
                    )
                    continue
                rank, last_step = PRE_HOME_RANK[ev], ev
                if ev == "not_eligible":
                    t.eligible = False
                elif ev in ("assessed", "consented", "declined", "planned"):
                    t.eligible = True
                if ev in ("not_eligible", "declined"):
                    t.ended_at, t.ended_by, phase = at, ev, "closed"
            elif ev == "at_home":
                if t.eligible is None:
                    t.eligible = True
                t.home.append((at, None))
                phase = "home"
            elif ev in ("withdrawn", "deceased"):
                t.ended_at, t.ended_by, phase = at, ev, "closed"
                if ev == "deceased":
                    t.died_at, t.death_expected = at, e.death_expected
            elif ev == "ed_visit":
                t.ignored.append(e)
            else:
                problem(f"'{ev}' before the patient went home (no 'at_home' before it)")
            continue

        if phase == "home":
            if ev == "visit_done":
                t.visits.append(at)
            elif ev == "ed_visit":
                t.ed_visits.append(at)
            elif ev in ("readmitted", "discharged", "deceased", "withdrawn"):
                t.home[-1] = (t.home[-1][0], at)
                t.ended_at, t.ended_by = at, ev
                if ev == "readmitted":
                    t.readmissions.append(at)
                    t.hospital.append((at, None))
                    phase = "readmitted"
                elif ev == "discharged":
                    phase = "after"
                else:
                    if ev == "deceased":
                        t.died_at, t.died_during = at, True
                        t.death_expected = e.death_expected
                    phase = "closed"
            elif ev == "at_home":
                problem(f"'at_home' again: the patient is at home since {_when(t.home[-1][0])}")
            else:
                problem(f"'{ev}' after the patient went home ({_when(t.home[-1][0])})")
            continue

        if phase == "readmitted":
            if ev == "at_home":  # care at home resumes
                t.hospital[-1] = (t.hospital[-1][0], at)
                t.home.append((at, None))
                t.ended_at = t.ended_by = None
                phase = "home"
                continue
            # otherwise the readmission ended the episode; what follows is follow-up
            phase = "after"

        if phase == "after":
            if ev in ("readmitted", "ed_visit"):
                t.after.append(e)
                if ev == "readmitted":
                    t.hospital.append((at, None))
            elif ev == "deceased":
                t.after.append(e)
                t.died_at, t.death_expected = at, e.death_expected
                phase = "closed"
            else:
                problem(
                    f"'{ev}' after the episode ended ({t.ended_by} {_when(t.ended_at or at)}); "
                    "only readmitted, ed_visit and deceased may follow"
                )
            continue

        # closed
        what = f"{t.ended_by} {_when(t.ended_at)}" if t.ended_at else "deceased"
        if t.died_at is not None:
            what = f"deceased {_when(t.died_at)}"
        problem(f"'{ev}' after the episode ended ({what})")
    return t, problems
