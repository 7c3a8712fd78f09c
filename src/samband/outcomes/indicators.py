"""The common indicator set, computed from episode histories. Pure: no database, no web.

Every indicator is defined in ``docs/indicators.md`` (numerator, denominator, period,
exclusions, source); the names below are the stable ids used in the CSV. ``compute`` answers
for one population of histories (a group); ``Value.value`` is ``None`` where the data does not
exist, with ``note`` saying why (never a 0 standing in for "unknown").

Period semantics (docs/indicators.md): times are compared in UTC; the period is
[start, end). An episode's *outcome* indicators (length of stay, readmissions, ED visits,
deaths, escalations, questionnaires) belong to the period its stay at home **ended** in;
*starts* to the period of the first ``at_home``; the candidate funnel to the period of the
episode's **first event**; patient-days, bed-days freed, visits, staff time, alerts and care
requests are **clipped to the period** (each day, visit, plan, alert or request where it
happened). Open intervals (still at home) run up to ``as_of`` (when the report is made).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from samband.kit.i18n import translate
from samband.kit.time import STOCKHOLM
from samband.outcomes.config import PathwaySettings, Settings, UnitCosts
from samband.outcomes.history import History, Interval, StaffBlock, Timeline, walk

DAY = timedelta(days=1)
FAR = datetime(9000, 1, 1, tzinfo=UTC)  # "not ended" when intervals are compared


@dataclass(frozen=True)
class Indicator:
    """An indicator of docs/indicators.md. Its name and its section's name are in the
    catalogue (``indicator.<name>``, ``indicator.section.<section>``, Swedish and English)."""

    name: str
    unit: str  # count | days | share | hours | minutes | km | SEK | score | per day
    section: str  # activity | stay | outcome | funnel | work | safety | cost | physician

    def text(self, lang: str) -> str:
        return translate(f"indicator.{self.name}", lang)

    def section_text(self, lang: str) -> str:
        return translate(f"indicator.section.{self.section}", lang)

    @property
    def title(self) -> str:
        """The English name (the CSV-side reports: HTML, PDF)."""
        return self.text("en")


def _i(name: str, unit: str, section: str) -> Indicator:
    return Indicator(name, unit, section)


ACTIVITY, STAY, OUTCOME, FUNNEL, WORK, SAFETY, COST, PHYSICIAN = (
    "activity",
    "stay",
    "outcome",
    "funnel",
    "work",
    "safety",
    "cost",
    "physician",
)
SECTIONS = (ACTIVITY, STAY, OUTCOME, FUNNEL, WORK, SAFETY, COST, PHYSICIAN)
INDICATORS: tuple[Indicator, ...] = (
    _i("episodes_started", "count", ACTIVITY),
    _i("episodes_ended", "count", ACTIVITY),
    _i("episodes_ended_discharged", "count", ACTIVITY),
    _i("episodes_ended_readmitted", "count", ACTIVITY),
    _i("episodes_ended_deceased", "count", ACTIVITY),
    _i("episodes_ended_withdrawn", "count", ACTIVITY),
    _i("patient_days_at_home", "days", STAY),
    _i("care_days_at_home", "days", STAY),
    _i("bed_days_freed", "days", STAY),
    _i("length_of_stay_median_days", "days", STAY),
    _i("length_of_stay_p25_days", "days", STAY),
    _i("length_of_stay_p75_days", "days", STAY),
    _i("escalations_during_episode", "count", OUTCOME),
    _i("escalation_rate_during_episode", "share", OUTCOME),
    _i("readmissions_during_episode", "count", OUTCOME),
    _i("readmission_rate_during_episode", "share", OUTCOME),
    _i("readmissions_within_30_days", "count", OUTCOME),
    _i("readmission_rate_within_30_days", "share", OUTCOME),
    _i("ed_visits_during_episode", "count", OUTCOME),
    _i("ed_visits_within_30_days", "count", OUTCOME),
    _i("deaths_during_episode", "count", OUTCOME),
    _i("deaths_expected", "count", OUTCOME),
    _i("deaths_unexpected", "count", OUTCOME),
    _i("deaths_within_30_days", "count", OUTCOME),
    _i("candidates", "count", FUNNEL),
    _i("candidates_not_eligible", "count", FUNNEL),
    _i("candidates_not_assessed", "count", FUNNEL),
    _i("candidates_eligible", "count", FUNNEL),
    _i("eligible_went_home", "count", FUNNEL),
    _i("eligible_went_home_share", "share", FUNNEL),
    _i("eligible_not_home_declined", "count", FUNNEL),
    _i("eligible_not_home_withdrawn", "count", FUNNEL),
    _i("eligible_not_home_deceased", "count", FUNNEL),
    _i("eligible_not_home_waiting", "count", FUNNEL),
    _i("visits_done", "count", WORK),
    _i("visits_per_patient_day", "per day", WORK),
    _i("staff_hours_total", "hours", WORK),
    _i("staff_hours_travel", "hours", WORK),
    _i("staff_hours_at_patient", "hours", WORK),
    _i("staff_hours_waiting", "hours", WORK),
    _i("staff_share_travel", "share", WORK),
    _i("staff_share_at_patient", "share", WORK),
    _i("staff_share_waiting", "share", WORK),
    _i("travel_km", "km", WORK),
    _i("alerts_raised", "count", SAFETY),
    _i("alerts_high", "count", SAFETY),
    _i("alerts_medium", "count", SAFETY),
    _i("alerts_low", "count", SAFETY),
    _i("alerts_acknowledged_share", "share", SAFETY),
    _i("alert_minutes_to_acknowledge_median", "minutes", SAFETY),
    _i("alert_minutes_to_acknowledge_p90", "minutes", SAFETY),
    _i("care_requests_sent", "count", SAFETY),
    _i("care_requests_answered_in_time", "count", SAFETY),
    _i("care_requests_answered_in_time_share", "share", SAFETY),
    _i("care_request_hours_to_answer_median", "hours", SAFETY),
    _i("questionnaires_answered", "count", SAFETY),
    _i("questionnaire_response_share", "share", SAFETY),
    _i("patient_felt_safe_share", "share", SAFETY),
    _i("patient_safety_score_mean", "score", SAFETY),
    _i("patient_experience_score_mean", "score", SAFETY),
    _i("cost_bed_days_freed_sek", "SEK", COST),
    _i("cost_ed_visits_avoided_sek", "SEK", COST),
    _i("cost_ed_visits_during_episode_sek", "SEK", COST),
    _i("cost_staff_region_sek", "SEK", COST),
    _i("cost_staff_municipality_sek", "SEK", COST),
    _i("cost_travel_region_sek", "SEK", COST),
    _i("cost_travel_municipality_sek", "SEK", COST),
    _i("region_savings_sek", "SEK", COST),
    _i("region_costs_sek", "SEK", COST),
    _i("region_net_before_staff_sek", "SEK", COST),
    _i("region_net_sek", "SEK", COST),
    _i("municipality_costs_sek", "SEK", COST),
    _i("municipality_net_sek", "SEK", COST),
    # physician support (issue 13): computed by outcomes/physicians.py, groups of their own
    _i("physician_requests", "count", PHYSICIAN),
    _i("physician_requests_cancelled", "count", PHYSICIAN),
    _i("physician_requests_answered", "count", PHYSICIAN),
    _i("physician_request_answer_minutes_median", "minutes", PHYSICIAN),
    _i("physician_request_answer_minutes_p90", "minutes", PHYSICIAN),
    _i("physician_requests_answered_within_limit", "count", PHYSICIAN),
    _i("physician_requests_answered_within_limit_share", "share", PHYSICIAN),
    _i("physician_requests_unanswered", "count", PHYSICIAN),
    _i("physician_requests_unanswered_overdue", "count", PHYSICIAN),
    _i("physician_home_visits", "count", PHYSICIAN),
    _i("physician_home_visits_booked", "count", PHYSICIAN),
    _i("physician_consultation_minutes", "minutes", PHYSICIAN),
    _i("physician_contacts", "count", PHYSICIAN),
    _i("physician_contacts_with_fixed_physician", "count", PHYSICIAN),
    _i("physician_contacts_without_fixed_physician", "count", PHYSICIAN),
    _i("physician_continuity_share", "share", PHYSICIAN),
    _i("hospital_stays_admitted", "count", PHYSICIAN),
    _i("admission_notices_within_24h", "count", PHYSICIAN),
    _i("admission_notices_within_24h_share", "share", PHYSICIAN),
    _i("days_past_ready_for_discharge", "days", PHYSICIAN),
    _i("hospital_stays_past_ready_for_discharge", "count", PHYSICIAN),
)
BY_NAME = {i.name: i for i in INDICATORS}


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, timezone-aware
    end: datetime  # exclusive
    as_of: datetime  # now: open intervals end here

    @property
    def until(self) -> datetime:
        return min(self.end, self.as_of)

    def __contains__(self, at: datetime | None) -> bool:
        return at is not None and self.start <= at < self.end

    @property
    def days(self) -> _Days:
        """The local dates of the period (a day plan belongs to it by its date)."""
        return _Days(self.start.astimezone(STOCKHOLM).date(), self.end.astimezone(STOCKHOLM).date())


@dataclass(frozen=True)
class _Days:
    first: date
    end: date  # exclusive

    def __contains__(self, day: date) -> bool:
        return self.first <= day < self.end


@dataclass(frozen=True)
class Params:
    settings: Settings
    registry_days: Mapping[str, float]  # the pathway YAMLs' expected_inpatient_days
    year: int  # the costs' year: the year the period starts
    _cache: dict[tuple[str | None, ...], object] = field(
        default_factory=dict, compare=False, repr=False
    )

    def pathway(self, key: str) -> PathwaySettings:
        found = self._cache.get(("pathway", key))
        if not isinstance(found, PathwaySettings):
            found = self._cache[("pathway", key)] = self.settings.pathway(
                key, dict(self.registry_days)
            )
        return found

    def costs(self, authority: str | None, organisation: str | None) -> UnitCosts:
        found = self._cache.get(("costs", authority, organisation))
        if not isinstance(found, UnitCosts):
            found = self._cache[("costs", authority, organisation)] = self.settings.costs_for(
                self.year, authority, organisation
            )
        return found


@dataclass(frozen=True)
class Value:
    indicator: str
    group: str
    value: float | None
    note: str | None = None
    episodes: tuple[str, ...] = ()


@dataclass
class Episode:
    """A history with its timeline read (``walk``) once."""

    history: History
    timeline: Timeline
    problems: int = 0

    @property
    def id(self) -> str:
        return self.history.episode


def prepare(histories: Iterable[History]) -> list[Episode]:
    out = []
    for h in histories:
        t, problems = walk(h.events)
        out.append(Episode(h, t, len(problems)))
    return out


# -- interval arithmetic ------------------------------------------------------------------------


def _closed(interval: Interval, as_of: datetime) -> tuple[datetime, datetime]:
    start, end = interval
    return start, min(end, as_of) if end is not None else as_of


def _days(intervals: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime) -> float:
    total = 0.0
    for a, b in intervals:
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            total += (hi - lo) / DAY
    return total


def _subtract(
    spans: list[tuple[datetime, datetime]], cuts: Iterable[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    for c0, c1 in cuts:
        out = []
        for a, b in spans:
            if c1 <= a or c0 >= b:
                out.append((a, b))
                continue
            if c0 > a:
                out.append((a, c0))
            if c1 < b:
                out.append((c1, b))
        spans = out
    return spans


def home_spans(t: Timeline, as_of: datetime) -> list[tuple[datetime, datetime]]:
    return [_closed(i, as_of) for i in t.home]


def freed_spans(e: Episode, params: Params) -> list[tuple[datetime, datetime]] | None:
    """The time a hospital bed was not needed thanks to the episode (None: the pathway has no
    expected inpatient stay configured). Early supported discharge: the planned stay counted
    from admission (the first event), minus the time in hospital before going home and after
    readmissions; admission avoidance: the expected stay counted from going home, minus
    readmissions. Nothing after a death. Not clipped to ``as_of`` here."""
    t = e.timeline
    if not t.went_home:
        return []
    days = params.pathway(e.history.pathway).expected_inpatient_days
    if days is None:
        return None
    home_at = t.started_at
    assert home_at is not None  # noqa: S101 - went_home
    window_start = (t.first_at or home_at) if e.history.type != "admission_avoidance" else home_at
    spans = [(window_start, window_start + timedelta(days=days))]
    cuts: list[tuple[datetime, datetime]] = [(window_start, home_at)]
    cuts += [(a, b or FAR) for a, b in t.hospital]
    if t.died_at is not None:
        cuts.append((t.died_at, FAR))
    return _subtract(spans, cuts)


def midnights(
    intervals: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime
) -> int:
    """Care days (vårddygn) of the intervals within [start, end): the Swedish midnights they
    contain (a stay from 08:00 one day to 08:00 four days later has 4; one of a few hours, 0).
    A midnight is counted once even when two stays touch it."""
    days: set[date] = set()
    for a, b in intervals:
        lo, hi = max(a, start), min(b, end)
        if hi <= lo:
            continue
        day = lo.astimezone(STOCKHOLM).date()
        last = hi.astimezone(STOCKHOLM)
        while (midnight := datetime.combine(day, datetime.min.time(), tzinfo=STOCKHOLM)) < last:
            if midnight >= lo:
                days.add(day)
            day += DAY
    return len(days)


def length_of_stay(t: Timeline) -> float:
    return sum((b - a) / DAY for a, b in t.home if b is not None)


def quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (type 7: numpy's default, Excel's
    PERCENTILE.INC)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


# -- the computation -----------------------------------------------------------------------------


@dataclass
class _Out:
    group: str
    values: list[Value] = field(default_factory=list)

    def add(
        self,
        name: str,
        value: float | None,
        episodes: Iterable[str] = (),
        note: str | None = None,
    ) -> None:
        assert name in BY_NAME, name  # noqa: S101 - a typo in this module
        self.values.append(Value(name, self.group, value, note, tuple(sorted(set(episodes)))))

    def share(
        self, name: str, num: int | float, den: int | float, episodes: Iterable[str], why: str
    ) -> None:
        if den:
            self.add(name, num / den, episodes)
        else:
            self.add(name, None, note=why)


def _coverage(eps: Sequence[Episode], known: Callable[[History], bool], what: str) -> str | None:
    n = sum(1 for e in eps if known(e.history))
    if n == len(eps):
        return None
    return f"computed from {n} of {len(eps)} episodes; the others have no {what}"


def _stat(values: Sequence[float], q: float | None = None) -> float | None:
    if not values:
        return None
    if q is None:
        return sum(values) / len(values)
    return quantile(values, q)


def compute(
    episodes: Sequence[Episode], period: Period, params: Params, group: str = "all"
) -> list[Value]:
    out = _Out(group)
    p = period
    follow = timedelta(days=params.settings.follow_up_days)

    # -- activity --
    started = [e for e in episodes if e.timeline.started_at in p]
    ended = [e for e in episodes if e.timeline.ended_after_home and e.timeline.ended_at in p]
    out.add("episodes_started", len(started), (e.id for e in started))
    out.add("episodes_ended", len(ended), (e.id for e in ended))
    for how in ("discharged", "readmitted", "deceased", "withdrawn"):
        these = [e for e in ended if e.timeline.ended_by == how]
        out.add(f"episodes_ended_{how}", len(these), (e.id for e in these))

    # -- stay at home and bed-days --
    days = {e.id: _days(home_spans(e.timeline, p.until), p.start, p.until) for e in episodes}
    out.add("patient_days_at_home", sum(days.values()), (k for k, v in days.items() if v > 0))
    care_days = {
        e.id: midnights(home_spans(e.timeline, p.until), p.start, p.until) for e in episodes
    }
    out.add("care_days_at_home", sum(care_days.values()), (k for k, v in care_days.items() if v))
    freed: dict[str, tuple[Episode, float]] = {}
    unknown_pathways = set()
    for e in episodes:
        spans = freed_spans(e, params)
        if spans is None:
            unknown_pathways.add(e.history.pathway)
            continue
        freed[e.id] = (e, _days(spans, p.start, p.until))
    freed_total = sum(d for _, d in freed.values())
    freed_ids = [k for k, (_, d) in freed.items() if d > 0]
    went_home = [e for e in episodes if e.timeline.went_home]
    freed_known = not (
        unknown_pathways and all(e.history.pathway in unknown_pathways for e in went_home)
    )
    if not freed_known:
        out.add(
            "bed_days_freed",
            None,
            note="no expected inpatient stay for pathway "
            + ", ".join(sorted(unknown_pathways))
            + " (set pathways.<key>.expected_inpatient_days in the outcomes config)",
        )
    else:
        note = (
            "leaves out pathway " + ", ".join(sorted(unknown_pathways)) + ": no expected "
            "inpatient stay configured"
            if unknown_pathways
            else None
        )
        out.add("bed_days_freed", freed_total, freed_ids, note)
    stays = [length_of_stay(e.timeline) for e in ended]
    why_no_stay = "no episode ended in the period"
    for name, q in (
        ("length_of_stay_median_days", 0.5),
        ("length_of_stay_p25_days", 0.25),
        ("length_of_stay_p75_days", 0.75),
    ):
        out.add(name, _stat(stays, q), (e.id for e in ended), None if stays else why_no_stay)

    # -- escalations, readmissions, deaths (episodes ended in the period) --
    escalated = [e for e in ended if e.timeline.readmissions or e.timeline.ed_visits]
    readmitted = [e for e in ended if e.timeline.readmissions]
    out.add("escalations_during_episode", len(escalated), (e.id for e in escalated))
    out.share(
        "escalation_rate_during_episode",
        len(escalated),
        len(ended),
        (e.id for e in ended),
        why_no_stay,
    )
    out.add(
        "readmissions_during_episode",
        sum(len(e.timeline.readmissions) for e in ended),
        (e.id for e in readmitted),
    )
    out.share(
        "readmission_rate_during_episode",
        len(readmitted),
        len(ended),
        (e.id for e in ended),
        why_no_stay,
    )
    discharged = [e for e in ended if e.timeline.ended_by == "discharged"]
    known = [e for e in discharged if e.history.follow_up_known]

    def within(e: Episode, event: str) -> list[datetime]:
        end = e.timeline.ended_at
        assert end is not None  # noqa: S101 - ended
        return [f.at for f in e.timeline.after if f.event == event and f.at - end <= follow]

    no_follow = (
        "no follow-up after discharge: live episodes do not learn of later readmissions, ED "
        "visits or deaths (import them)"
        if discharged
        else "no episode was discharged in the period"
    )
    note = _coverage(discharged, lambda h: h.follow_up_known, "follow-up after discharge")
    back = [e for e in known if within(e, "readmitted")]
    if known:
        out.add("readmissions_within_30_days", len(back), (e.id for e in back), note)
        out.add(
            "readmission_rate_within_30_days", len(back) / len(known), (e.id for e in known), note
        )
    else:
        out.add("readmissions_within_30_days", None, note=no_follow)
        out.add("readmission_rate_within_30_days", None, note=no_follow)
    ed_during = sum(len(e.timeline.ed_visits) for e in ended)
    out.add("ed_visits_during_episode", ed_during, (e.id for e in ended if e.timeline.ed_visits))
    if known:
        ed_after = [(e, len(within(e, "ed_visit"))) for e in known]
        out.add(
            "ed_visits_within_30_days",
            sum(n for _, n in ed_after),
            (e.id for e, n in ed_after if n),
            note,
        )
    else:
        out.add("ed_visits_within_30_days", None, note=no_follow)
    died = [e for e in ended if e.timeline.ended_by == "deceased"]

    def expected(e: Episode) -> bool:
        flag = e.timeline.death_expected
        return flag if flag is not None else params.pathway(e.history.pathway).deaths_expected

    out.add("deaths_during_episode", len(died), (e.id for e in died))
    out.add(
        "deaths_expected", sum(1 for e in died if expected(e)), (e.id for e in died if expected(e))
    )
    out.add(
        "deaths_unexpected",
        sum(1 for e in died if not expected(e)),
        (e.id for e in died if not expected(e)),
    )
    if known:
        dead = [e for e in known if within(e, "deceased")]
        out.add("deaths_within_30_days", len(dead), (e.id for e in dead), note)
    else:
        out.add("deaths_within_30_days", None, note=no_follow)

    # -- the candidate funnel (episodes whose first event is in the period) --
    cohort = [e for e in episodes if e.timeline.first_at in p]
    not_eligible = [e for e in cohort if e.timeline.eligible is False]
    not_assessed = [e for e in cohort if e.timeline.eligible is None]
    eligible = [e for e in cohort if e.timeline.eligible]
    home = [e for e in eligible if e.timeline.went_home]
    out.add("candidates", len(cohort), (e.id for e in cohort))
    out.add("candidates_not_eligible", len(not_eligible), (e.id for e in not_eligible))
    out.add("candidates_not_assessed", len(not_assessed), (e.id for e in not_assessed))
    out.add("candidates_eligible", len(eligible), (e.id for e in eligible))
    out.add("eligible_went_home", len(home), (e.id for e in home))
    out.share(
        "eligible_went_home_share",
        len(home),
        len(eligible),
        (e.id for e in eligible),
        "no eligible candidate in the period",
    )
    for reason in ("declined", "withdrawn", "deceased"):
        these = [e for e in eligible if not e.timeline.went_home and e.timeline.ended_by == reason]
        out.add(f"eligible_not_home_{reason}", len(these), (e.id for e in these))
    waiting = [e for e in eligible if not e.timeline.went_home and e.timeline.ended_at is None]
    out.add("eligible_not_home_waiting", len(waiting), (e.id for e in waiting))

    # -- visits and staff time --
    visits = {e.id: sum(1 for at in e.timeline.visits if at in p) for e in episodes}
    n_visits = sum(visits.values())
    out.add("visits_done", n_visits, (k for k, v in visits.items() if v))
    # per care day (vårddygn: a midnight at home), not per 24 hours at home: a stay that began
    # an hour before the report would otherwise divide the day's visits by 1/24 (docs)
    out.share(
        "visits_per_patient_day",
        n_visits,
        sum(care_days.values()),
        (k for k, v in care_days.items() if v),
        "no care day (midnight at home) in the period",
    )
    blocks = _staff(out, episodes, p)
    _alerts(out, episodes, p)
    _care_requests(out, episodes, p)
    _questionnaires(out, ended)
    _costs(out, ended, started, freed, blocks, freed_known, params)
    return out.values


def _staff(out: _Out, episodes: Sequence[Episode], p: Period) -> list[tuple[Episode, StaffBlock]]:
    blocks = [(e, b) for e in episodes for b in e.history.staff or () if b.day in p.days]
    why = (
        "no staff time: imported history has none, and live episodes get it from published "
        "day plans"
    )
    names = (
        "staff_hours_total",
        "staff_hours_travel",
        "staff_hours_at_patient",
        "staff_hours_waiting",
        "staff_share_travel",
        "staff_share_at_patient",
        "staff_share_waiting",
        "travel_km",
    )
    if not blocks:
        for name in names:
            out.add(name, None, note=why)
        return blocks
    note = _coverage(episodes, lambda h: h.staff is not None, "staff time (imported history)")
    ids = [e.id for e, _ in blocks]
    travel = sum(b.travel_min for _, b in blocks) / 60
    at_patient = sum(b.at_patient_min for _, b in blocks) / 60
    waiting = sum(b.waiting_min for _, b in blocks) / 60
    total = travel + at_patient + waiting
    out.add("staff_hours_total", total, ids, note)
    out.add("staff_hours_travel", travel, ids, note)
    out.add("staff_hours_at_patient", at_patient, ids, note)
    out.add("staff_hours_waiting", waiting, ids, note)
    for name, part in (
        ("staff_share_travel", travel),
        ("staff_share_at_patient", at_patient),
        ("staff_share_waiting", waiting),
    ):
        out.share(name, part, total, ids, "no staff time in the period")
    out.add("travel_km", sum(b.travel_km for _, b in blocks), ids, note)
    return blocks


def _alerts(out: _Out, episodes: Sequence[Episode], p: Period) -> None:
    known = [e for e in episodes if e.history.alerts is not None]
    names = (
        "alerts_raised",
        "alerts_high",
        "alerts_medium",
        "alerts_low",
        "alerts_acknowledged_share",
        "alert_minutes_to_acknowledge_median",
        "alert_minutes_to_acknowledge_p90",
    )
    if not known:
        for name in names:
            out.add(name, None, note="no alert data: imported history has none")
        return
    note = _coverage(episodes, lambda h: h.alerts is not None, "alert data (imported history)")
    alerts = [(e, a) for e in known for a in e.history.alerts or () if a.raised_at in p]
    out.add("alerts_raised", len(alerts), (e.id for e, _ in alerts), note)
    for severity in ("high", "medium", "low"):
        these = [e.id for e, a in alerts if a.severity == severity]
        out.add(f"alerts_{severity}", len(these), these, note)
    acked = [(e, a) for e, a in alerts if a.acknowledged_at is not None]
    out.share(
        "alerts_acknowledged_share",
        len(acked),
        len(alerts),
        (e.id for e, _ in alerts),
        "no alert raised in the period",
    )
    minutes = [
        (a.acknowledged_at - a.raised_at).total_seconds() / 60
        for _, a in acked
        if a.acknowledged_at is not None
    ]
    why = "no alert raised in the period was acknowledged"
    for name, q in (
        ("alert_minutes_to_acknowledge_median", 0.5),
        ("alert_minutes_to_acknowledge_p90", 0.9),
    ):
        out.add(name, _stat(minutes, q), (e.id for e, _ in acked), note if minutes else why)


def _care_requests(out: _Out, episodes: Sequence[Episode], p: Period) -> None:
    known = [e for e in episodes if e.history.care_requests is not None]
    names = (
        "care_requests_sent",
        "care_requests_answered_in_time",
        "care_requests_answered_in_time_share",
        "care_request_hours_to_answer_median",
    )
    if not known:
        for name in names:
            out.add(name, None, note="no care requests: imported history has none")
        return
    note = _coverage(
        episodes, lambda h: h.care_requests is not None, "care requests (imported history)"
    )
    sent = [(e, r) for e in known for r in e.history.care_requests or () if r.sent_at in p]
    # a request cancelled before its deadline without an answer is left out
    counted = [
        (e, r)
        for e, r in sent
        if not (
            r.answered_at is None and r.cancelled_at is not None and r.cancelled_at < r.answer_by
        )
    ]
    in_time = [
        (e, r) for e, r in counted if r.answered_at is not None and r.answered_at <= r.answer_by
    ]
    out.add("care_requests_sent", len(sent), (e.id for e, _ in sent), note)
    out.add("care_requests_answered_in_time", len(in_time), (e.id for e, _ in in_time), note)
    out.share(
        "care_requests_answered_in_time_share",
        len(in_time),
        len(counted),
        (e.id for e, _ in counted),
        "no care request sent in the period",
    )
    hours = [
        (r.answered_at - r.sent_at).total_seconds() / 3600
        for _, r in sent
        if r.answered_at is not None
    ]
    out.add(
        "care_request_hours_to_answer_median",
        _stat(hours, 0.5),
        (e.id for e, r in sent if r.answered_at is not None),
        note if hours else "no care request sent in the period was answered",
    )


def _questionnaires(out: _Out, ended: Sequence[Episode]) -> None:
    known = [e for e in ended if e.history.questionnaires is not None]
    names = (
        "questionnaires_answered",
        "questionnaire_response_share",
        "patient_felt_safe_share",
        "patient_safety_score_mean",
        "patient_experience_score_mean",
    )
    if not known:
        why = (
            "no questionnaire data: imported history has none"
            if ended
            else "no episode ended in the period"
        )
        for name in names:
            out.add(name, None, note=why)
        return
    note = _coverage(ended, lambda h: h.questionnaires is not None, "questionnaire (imported)")
    answered = [e for e in known if e.history.questionnaires]
    responses = [r for e in answered for r in e.history.questionnaires or ()]
    out.add("questionnaires_answered", len(answered), (e.id for e in answered), note)
    out.share(
        "questionnaire_response_share",
        len(answered),
        len(known),
        (e.id for e in known),
        "no episode ended in the period",
    )
    safe = [r.answers["felt_safe"] for r in responses if "felt_safe" in r.answers]
    why = "no answer to the question 'felt safe'"
    ids = [e.id for e in answered]
    out.share("patient_felt_safe_share", sum(1 for x in safe if x >= 4), len(safe), ids, why)
    out.add("patient_safety_score_mean", _stat(safe), ids, None if safe else why)
    every = [x for r in responses for x in r.answers.values()]
    out.add(
        "patient_experience_score_mean",
        _stat(every),
        ids,
        None if every else "no questionnaire answered",
    )


def _costs(
    out: _Out,
    ended: Sequence[Episode],
    started: Sequence[Episode],
    freed: Mapping[str, tuple[Episode, float]],
    blocks: Sequence[tuple[Episode, StaffBlock]],
    freed_known: bool,
    params: Params,
) -> None:
    def costs(e: Episode) -> UnitCosts:
        return params.costs(e.history.authority, e.history.organisation)

    bed = sum(d * costs(e).bed_day for e, d in freed.values())
    avoided_ids, avoided = [], 0.0
    for e in started:
        n = params.pathway(e.history.pathway).ed_visits_avoided_per_episode
        if n:
            avoided += n * costs(e).emergency_visit
            avoided_ids.append(e.id)
    ed_ids = [e.id for e in ended if e.timeline.ed_visits]
    ed = sum(len(e.timeline.ed_visits) * costs(e).emergency_visit for e in ended)
    if freed_known:
        out.add("cost_bed_days_freed_sek", bed, (k for k, (_, d) in freed.items() if d > 0))
    else:
        out.add("cost_bed_days_freed_sek", None, note="bed-days freed are not known")
    out.add("cost_ed_visits_avoided_sek", avoided, avoided_ids)
    out.add("cost_ed_visits_during_episode_sek", ed, ed_ids)

    staff: dict[str, float] = {"region": 0.0, "municipality": 0.0}
    travel: dict[str, float] = {"region": 0.0, "municipality": 0.0}
    ids: dict[str, set[str]] = {"region": set(), "municipality": set()}
    unpriced: set[str] = set()
    for e, b in blocks:
        c = params.costs(b.authority, b.organisation)
        hour = c.hour(b.role)
        kind = b.authority_kind if b.authority_kind in staff else "region"
        if hour is None:
            unpriced.add(b.role)
            hour = 0.0
        staff[kind] += (b.travel_min + b.waiting_min + b.at_patient_min) / 60 * hour
        travel[kind] += b.travel_km * c.travel_per_km
        ids[kind].add(e.id)
    no_staff = "no staff time (see staff_hours_total)"
    note = f"no hour cost for role {', '.join(sorted(unpriced))}" if unpriced else None
    for kind in ("region", "municipality"):
        if blocks:
            out.add(f"cost_staff_{kind}_sek", staff[kind], ids[kind], note)
            out.add(f"cost_travel_{kind}_sek", travel[kind], ids[kind])
        else:
            out.add(f"cost_staff_{kind}_sek", None, note=no_staff)
            out.add(f"cost_travel_{kind}_sek", None, note=no_staff)

    savings = bed + avoided
    all_ids = {k for k, (_, d) in freed.items() if d > 0} | set(avoided_ids) | set(ed_ids)
    if freed_known:
        out.add("region_savings_sek", savings, all_ids - set(ed_ids))
        out.add("region_net_before_staff_sek", savings - ed, all_ids)
    else:
        out.add("region_savings_sek", None, note="bed-days freed are not known")
        out.add("region_net_before_staff_sek", None, note="bed-days freed are not known")
    if blocks:
        region_costs = ed + staff["region"] + travel["region"]
        out.add("region_costs_sek", region_costs, set(ed_ids) | ids["region"])
        if freed_known:
            out.add("region_net_sek", savings - region_costs, all_ids | ids["region"])
        else:
            out.add("region_net_sek", None, note="bed-days freed are not known")
        municipal = staff["municipality"] + travel["municipality"]
        out.add("municipality_costs_sek", municipal, ids["municipality"])
        out.add("municipality_net_sek", -municipal, ids["municipality"])
    else:
        why = "the staff costs are not known: " + no_staff
        for name in (
            "region_costs_sek",
            "region_net_sek",
            "municipality_costs_sek",
            "municipality_net_sek",
        ):
            out.add(name, None, note=why)
