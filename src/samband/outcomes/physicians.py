"""The physician-support indicators (issue 13, docs/indicators.md "Physician support"):
physician requests and their time to answer, physician home visits, continuity with the
fixed physician, the admission notices and the days past ready-for-discharge. Pure: no
database, no web; ``sources.physician_data`` reads the rows.

These count requests, visits, contacts and hospital stays, not episodes: their groups are
their own (``urgency=…``, ``asking_organisation=…``, ``physician_organisation=…``,
``hospital=…``, and ``all``), and they list no episode ids (``--trace`` shows none).

The period is the report's (``indicators.Period``): ``[start, end)``, with ``until`` the end
or the moment the report is made, whichever is earlier; ``as_of`` the moment it is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from samband.kit.time import STOCKHOLM
from samband.outcomes.indicators import Period, Value, quantile

URGENCIES = ("acute", "same_day", "planned")
NOT_AN_ANSWER = "forwarded"  # "forwarded to …" passes the request on; it does not answer it
NOTICE_WITHIN = timedelta(hours=24)  # lag (2017:612): the admission notice within 24 hours

REQUESTS = (
    "physician_requests",
    "physician_requests_cancelled",
    "physician_requests_answered",
    "physician_request_answer_minutes_median",
    "physician_request_answer_minutes_p90",
    "physician_requests_answered_within_limit",
    "physician_requests_answered_within_limit_share",
    "physician_requests_unanswered",
    "physician_requests_unanswered_overdue",
)
VISITS = (
    "physician_home_visits",
    "physician_home_visits_booked",
    "physician_consultation_minutes",
)
CONTINUITY = (
    "physician_contacts",
    "physician_contacts_with_fixed_physician",
    "physician_contacts_without_fixed_physician",
    "physician_continuity_share",
)
STAYS = (
    "hospital_stays_admitted",
    "admission_notices_within_24h",
    "admission_notices_within_24h_share",
    "days_past_ready_for_discharge",
    "hospital_stays_past_ready_for_discharge",
)
NAMES = REQUESTS + VISITS + CONTINUITY + STAYS


@dataclass(frozen=True)
class EpisodeInfo:
    """The enrolment or episode a row was made in: what the report's filters look at."""

    pathway: str
    type: str
    organisation: str | None  # the responsible unit's organisation (code)


@dataclass(frozen=True)
class Request:
    """A physician request: ``asked_at`` its ``created_at``; organisations by code."""

    asked_at: datetime
    urgency: str  # acute | same_day | planned
    status: str  # open | answered | cancelled
    due_at: datetime
    answered_at: datetime | None
    answer_kind: str | None
    answered_by: str | None  # the physician's user id
    patient: str
    asking_organisation: str
    physician_organisation: str | None
    episode: EpisodeInfo | None = None

    @property
    def answered(self) -> bool:
        """Answered by a physician: status answered, a time, and not just forwarded."""
        return (
            self.status == "answered"
            and self.answered_at is not None
            and self.answer_kind != NOT_AN_ANSWER
        )

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled" and not self.answered

    @property
    def minutes(self) -> float | None:
        if not self.answered or self.answered_at is None:
            return None
        return (self.answered_at - self.asked_at).total_seconds() / 60

    @property
    def within_limit(self) -> bool:
        return self.answered and self.answered_at is not None and self.answered_at <= self.due_at

    def organisations(self) -> set[str]:
        return {self.asking_organisation} | (
            {self.physician_organisation} if self.physician_organisation else set()
        )


@dataclass(frozen=True)
class Visit:
    """A physician visit that was done (role ``physician``, status done)."""

    done_at: datetime  # when it ended (or started, or its window opened)
    minutes: float  # ended − started when both are recorded, else the planned duration
    organisation: str  # the organisation that made it (the primary care centre)
    physician: str | None  # the user who made it
    patient: str
    booked: bool  # made from a booked slot
    episode: EpisodeInfo | None = None


@dataclass(frozen=True)
class Stay:
    """An inpatient stay of a patient cared for at home (lag 2017:612)."""

    admitted_at: datetime
    notice_sent_at: datetime | None
    ready_on: date | None  # utskrivningsklar, a Swedish date
    discharged_at: datetime | None
    hospital: str  # the admitting organisation (code)
    patient: str
    episode: EpisodeInfo | None = None

    def organisations(self) -> set[str]:
        org = self.episode.organisation if self.episode else None
        return {self.hospital} | ({org} if org else set())


@dataclass(frozen=True)
class Change:
    """A change of a patient's fixed physician (``patient_assignments``)."""

    at: datetime
    from_user: str | None
    to_user: str | None


@dataclass(frozen=True)
class FixedPhysician:
    """A patient's fixed physician over time: the changes (oldest first) and today's."""

    changes: tuple[Change, ...] = ()
    current: str | None = None

    def at(self, moment: datetime) -> str | None:
        """Who it was at ``moment``: the last change at or before it; before the first
        change, whom that change replaced; with no change recorded, today's."""
        before = [c for c in self.changes if c.at <= moment]
        if before:
            return before[-1].to_user
        if self.changes:
            return self.changes[0].from_user
        return self.current


@dataclass(frozen=True)
class Data:
    requests: tuple[Request, ...] = ()
    visits: tuple[Visit, ...] = ()
    stays: tuple[Stay, ...] = ()
    fixed: Mapping[str, FixedPhysician] = field(default_factory=dict)


@dataclass(frozen=True)
class Contact:
    """A physician contact: an answered request or a physician visit done."""

    at: datetime
    patient: str
    physician: str
    organisation: str | None


# -- filters --------------------------------------------------------------------------------


def keep(
    data: Data,
    *,
    pathways: Sequence[str] = (),
    types: Sequence[str] = (),
    organisations: Sequence[str] = (),
) -> Data:
    """What the report's filters keep. A pathway or type keeps the rows made in an
    enrolment or episode of that pathway or type (rows made in none are left out); an
    organisation keeps the requests it asked or was asked, the visits it made, and the stays
    in its hospital or of its patients (the episode's responsible organisation)."""

    def episode_ok(e: EpisodeInfo | None) -> bool:
        if not pathways and not types:
            return True
        if e is None:
            return False
        return (not pathways or e.pathway in pathways) and (not types or e.type in types)

    def orgs_ok(found: set[str]) -> bool:
        return not organisations or bool(found & set(organisations))

    return replace(
        data,
        requests=tuple(
            r for r in data.requests if episode_ok(r.episode) and orgs_ok(r.organisations())
        ),
        visits=tuple(v for v in data.visits if episode_ok(v.episode) and orgs_ok({v.organisation})),
        stays=tuple(s for s in data.stays if episode_ok(s.episode) and orgs_ok(s.organisations())),
    )


# -- the computation --------------------------------------------------------------------------


@dataclass
class _Out:
    group: str
    values: list[Value] = field(default_factory=list)

    def add(self, name: str, value: float | None, note: str | None = None) -> None:
        assert name in NAMES, name  # noqa: S101 - a typo in this module
        self.values.append(Value(name, self.group, value, note if value is None else None))

    def share(self, name: str, num: int, den: int, why: str) -> None:
        self.add(name, num / den if den else None, None if den else why)


def _stat(values: Sequence[float], q: float) -> float | None:
    return quantile(values, q) if values else None


def _requests(out: _Out, cohort: Sequence[Request], p: Period) -> None:
    """The requests asked in the period (``cohort``): answers known when the report is made;
    unanswered as at the end of the period."""
    answered = [r for r in cohort if r.answered]
    minutes = [m for r in answered if (m := r.minutes) is not None]
    # the share's denominator: not cancelled, and decided (answered, or its limit passed
    # when the report is made); a request still open within its limit is not judged yet
    decided = [r for r in cohort if not r.cancelled and (r.answered or p.as_of > r.due_at)]
    within = [r for r in cohort if r.within_limit]
    unanswered = [
        r
        for r in cohort
        if not r.cancelled
        and not (r.answered and r.answered_at is not None and r.answered_at < p.until)
    ]
    overdue = [r for r in unanswered if r.due_at < p.until]
    out.add("physician_requests", len(cohort))
    out.add("physician_requests_cancelled", sum(1 for r in cohort if r.cancelled))
    out.add("physician_requests_answered", len(answered))
    why = "no request asked in the period was answered"
    out.add("physician_request_answer_minutes_median", _stat(minutes, 0.5), why)
    out.add("physician_request_answer_minutes_p90", _stat(minutes, 0.9), why)
    out.add("physician_requests_answered_within_limit", len(within))
    out.share(
        "physician_requests_answered_within_limit_share",
        len(within),
        len(decided),
        "no request asked in the period has an answer or a passed limit yet",
    )
    out.add("physician_requests_unanswered", len(unanswered))
    out.add("physician_requests_unanswered_overdue", len(overdue))


def _visits(out: _Out, visits: Sequence[Visit]) -> None:
    out.add("physician_home_visits", len(visits))
    out.add("physician_home_visits_booked", sum(1 for v in visits if v.booked))
    out.add("physician_consultation_minutes", sum(v.minutes for v in visits))


def _continuity(
    out: _Out, contacts: Sequence[Contact], fixed: Mapping[str, FixedPhysician]
) -> None:
    none = FixedPhysician()
    by_fixed = [c for c in contacts if fixed.get(c.patient, none).at(c.at) == c.physician]
    without = [c for c in contacts if fixed.get(c.patient, none).at(c.at) is None]
    out.add("physician_contacts", len(contacts))
    out.add("physician_contacts_with_fixed_physician", len(by_fixed))
    out.add("physician_contacts_without_fixed_physician", len(without))
    out.share(
        "physician_continuity_share",
        len(by_fixed),
        len(contacts),
        "no physician contact in the period",
    )


def _local(moment: datetime) -> date:
    return moment.astimezone(STOCKHOLM).date()


def days_past_ready(stay: Stay, p: Period) -> int:
    """The days past ready-for-discharge that fall in the period: the Swedish dates ``d``
    with ready < d ≤ the discharge date (the report's date while still in hospital), and
    ``d`` in the period (its last date at most the report's)."""
    if stay.ready_on is None:
        return 0
    last = _local(stay.discharged_at) if stay.discharged_at is not None else _local(p.as_of)
    last = min(last, p.days.end - timedelta(days=1), _local(p.as_of))
    first = max(stay.ready_on + timedelta(days=1), p.days.first)
    return max(0, (last - first).days + 1)


def _stays(out: _Out, stays: Sequence[Stay], p: Period) -> None:
    admitted = [s for s in stays if s.admitted_at in p]
    within = [
        s
        for s in admitted
        if s.notice_sent_at is not None and s.notice_sent_at <= s.admitted_at + NOTICE_WITHIN
    ]
    decided = [
        s
        for s in admitted
        if s.notice_sent_at is not None or p.as_of > s.admitted_at + NOTICE_WITHIN
    ]
    days = [days_past_ready(s, p) for s in stays]
    out.add("hospital_stays_admitted", len(admitted))
    out.add("admission_notices_within_24h", len(within))
    out.share(
        "admission_notices_within_24h_share",
        len(within),
        len(decided),
        "no stay admitted in the period has a notice sent or its 24 hours passed yet",
    )
    out.add("days_past_ready_for_discharge", sum(days))
    out.add("hospital_stays_past_ready_for_discharge", sum(1 for d in days if d > 0))


def contacts(data: Data, p: Period) -> list[Contact]:
    """The physician contacts in the period: requests answered in it and physician visits
    done in it, whose physician is recorded."""
    out = [
        Contact(r.answered_at, r.patient, r.answered_by, r.physician_organisation)
        for r in data.requests
        if r.answered
        and r.answered_at is not None
        and r.answered_by is not None
        and p.start <= r.answered_at < p.until
    ]
    out += [
        Contact(v.done_at, v.patient, v.physician, v.organisation)
        for v in data.visits
        if v.physician is not None and p.start <= v.done_at < p.until
    ]
    return out


def _ordered(found: Iterable[str], first: Sequence[str] = ()) -> list[str]:
    values = set(found)
    return [v for v in first if v in values] + sorted(values - set(first))


def groups(data: Data, p: Period) -> list[str]:
    """The groups these indicators have, in the CSV's order (after ``all``)."""
    cohort = [r for r in data.requests if r.asked_at in p]
    visits = [v for v in data.visits if p.start <= v.done_at < p.until]
    centres = {r.physician_organisation for r in cohort if r.physician_organisation}
    centres |= {v.organisation for v in visits}
    centres |= {c.organisation for c in contacts(data, p) if c.organisation}
    return (
        [f"urgency={u}" for u in _ordered((r.urgency for r in cohort), URGENCIES)]
        + [f"asking_organisation={c}" for c in _ordered(r.asking_organisation for r in cohort)]
        + [f"physician_organisation={c}" for c in _ordered(centres)]
        + [f"hospital={c}" for c in _ordered(s.hospital for s in data.stays)]
    )


def _group_filter(group: str) -> tuple[str, str]:
    kind, _, value = group.partition("=")
    return kind, value


def compute(data: Data | None, p: Period, *, live: bool = True) -> tuple[list[str], list[Value]]:
    """(the groups after ``all``, the values of every group). ``live=False`` (the report
    reads imported history only) or no data read: every indicator NA in ``all``."""
    if not live or data is None:
        note = (
            "no physician requests, visits or hospital stays: imported history has none"
            if not live
            else "physician requests, visits and hospital stays were not read"
        )
        return [], [Value(name, "all", None, note) for name in NAMES]
    cohort = [r for r in data.requests if r.asked_at in p]
    visits = [v for v in data.visits if p.start <= v.done_at < p.until]
    every = contacts(data, p)
    extra = groups(data, p)
    values: list[Value] = []
    for group in ["all", *extra]:
        out = _Out(group)
        kind, value = _group_filter(group)
        if kind == "all":
            _requests(out, cohort, p)
            _visits(out, visits)
            _continuity(out, every, data.fixed)
            _stays(out, data.stays, p)
        elif kind == "urgency":
            _requests(out, [r for r in cohort if r.urgency == value], p)
        elif kind == "asking_organisation":
            _requests(out, [r for r in cohort if r.asking_organisation == value], p)
        elif kind == "physician_organisation":
            _requests(out, [r for r in cohort if r.physician_organisation == value], p)
            _visits(out, [v for v in visits if v.organisation == value])
            _continuity(out, [c for c in every if c.organisation == value], data.fixed)
        elif kind == "hospital":
            _stays(out, [s for s in data.stays if s.hospital == value], p)
        values += out.values
    return extra, values


__all__ = [
    "NAMES",
    "URGENCIES",
    "Change",
    "Contact",
    "Data",
    "EpisodeInfo",
    "FixedPhysician",
    "Request",
    "Stay",
    "Visit",
    "compute",
    "contacts",
    "days_past_ready",
    "groups",
    "keep",
]
