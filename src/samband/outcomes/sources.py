"""The report's histories, from both sources, in the vocabulary of ``outcomes.history``.

- **Imported history** (``imported_episodes`` / ``imported_events``): the rows as they were
  imported. Follow-up after discharge is what the file says (nothing: none happened). No
  staff time, alerts, care requests or questionnaires (``None``: the data does not exist).
- **Live episodes**: each ``transition`` on the timeline becomes the event of the same name
  (candidate … withdrawn: the state machine's states are the import's events). A readmission
  through the emergency department (``use_reserved_bed: false``) is also an ``ed_visit`` at
  the same moment. Done visits are ``visit_done`` (when they ended). The staff time of the
  newest published day plan of each date is split per visit into travel (to it, and back to
  base after the day's last stop), waiting and time at the patient; the distance is the
  travel time at the plan's speed. Alerts, care requests and questionnaire answers are read
  as they are. The platform does not learn of readmissions, ED visits or deaths after
  discharge, so ``follow_up_known`` is false.
- **Physician support** (``physician_data``, live only): the physician requests asked or
  answered in the period, the physician visits done, the hospital stays that reach into it,
  and the fixed physicians of the patients concerned (their changes and today's), with the
  organisations by code and each row's enrolment or episode (pathway, type, responsible
  organisation) for the report's filters.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, as_utc
from samband.models import DayPlan
from samband.outcomes import physicians, repository
from samband.outcomes.history import (
    EVENTS,
    AlertRecord,
    CareRequestRecord,
    Event,
    History,
    QuestionnaireRecord,
    StaffBlock,
)
from samband.planning.problem import ProblemError, parse_clock

DEFAULT_SPEED_KMH = 40.0
ANSWERS = ("accepted", "declined")

# Histories are read from this long before the period: an imported episode with no event in
# the period can still have days at home in it (no end recorded yet) or bed-days freed (the
# expected stay runs on after its last event).
LOOKBACK = timedelta(days=90)


def imported(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    pathways: Collection[str] = (),
    types: Collection[str] = (),
    organisation_ids: Collection[uuid.UUID] | None = None,
) -> list[History]:
    orgs = repository.organisations(session)
    out = []
    for episode, events in repository.imported_in(
        session,
        start,
        end,
        pathways=pathways,
        types=types,
        organisation_ids=organisation_ids,
    ):
        org = orgs.get(episode.organisation_id) if episode.organisation_id else None
        out.append(
            History(
                episode=episode.external_id,
                source="import",
                pathway=episode.pathway,
                type=episode.type,
                events=tuple(Event(event, as_utc(at)) for event, at in events),
                organisation=org.code if org else None,
                authority=org.authority_name if org else None,
                follow_up_known=True,
            )
        )
    return out


def live(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    pathways: Collection[str] = (),
    types: Collection[str] = (),
    organisation_ids: Collection[uuid.UUID] | None = None,
    settings_answer_hours: float = 24,
    plans_from: datetime | None = None,
    step: Callable[[], None] = lambda: None,
) -> list[History]:
    """Live episodes that existed in [start, end); staff time from the day plans of
    [plans_from (default start), end)."""
    rows = repository.live_in(
        session, start, end, pathways=pathways, types=types, organisation_ids=organisation_ids
    )
    ids = [episode.id for episode, _ in rows]
    step()
    transitions = repository.transitions(session, ids)
    visits = repository.done_visits(session, ids)
    step()
    staff = _staff_blocks(session, plans_from or start, end, set(ids))
    step()
    alerts = repository.alerts(session, ids)
    requests = repository.care_requests(session, ids)
    answers = repository.questionnaires(session, ids)
    step()
    out = []
    for episode, org in rows:
        events: list[Event] = []
        for t in transitions[episode.id]:
            if t.to_state not in EVENTS:
                continue
            at = as_utc(t.at)
            data = t.data or {}
            if t.to_state == "readmitted" and data.get("route") == "emergency_department":
                events.append(Event("ed_visit", at))
            expected = data.get("death_expected") if t.to_state == "deceased" else None
            events.append(Event(t.to_state, at, death_expected=expected))
        events += [Event("visit_done", as_utc(at)) for at in visits[episode.id]]
        out.append(
            History(
                episode=str(episode.id),
                source="live",
                pathway=episode.pathway,
                type=episode.type,
                events=tuple(events),
                organisation=org.code,
                authority=org.authority_name,
                staff=tuple(staff.get(episode.id, ())),
                alerts=tuple(
                    AlertRecord(as_utc(raised), severity, as_utc(ack) if ack else None)
                    for raised, severity, ack in alerts[episode.id]
                ),
                care_requests=tuple(
                    _care_request(r, settings_answer_hours) for r in requests[episode.id]
                ),
                questionnaires=tuple(
                    QuestionnaireRecord(
                        as_utc(q.answered_at),
                        {k: v for k, v in (q.answers or {}).items() if isinstance(v, int)},
                    )
                    for q in answers[episode.id]
                ),
                follow_up_known=False,
            )
        )
    return out


def _care_request(request: Any, default_hours: float) -> CareRequestRecord:
    sent = as_utc(request.created_at)
    answered = cancelled = None
    for entry in request.history or []:
        state, at = entry.get("state"), entry.get("at")
        if not isinstance(at, str):
            continue
        try:
            when = as_utc(datetime.fromisoformat(at))
        except ValueError:
            continue
        if state in ANSWERS and answered is None:
            answered = when
        elif state == "cancelled" and cancelled is None:
            cancelled = when
    answer_by = (
        as_utc(request.answer_by) if request.answer_by else sent + timedelta(hours=default_hours)
    )
    return CareRequestRecord(sent, answer_by, answered, cancelled)


def _minutes(value: Any) -> float | None:
    try:
        return parse_clock(value, "time") / 60
    except ProblemError:
        return None


def _staff_blocks(
    session: Session, start: datetime, end: datetime, episodes: set[uuid.UUID]
) -> dict[uuid.UUID, list[StaffBlock]]:
    """Staff time per visit from the published day plans of the period's dates."""
    first_day = start.astimezone(STOCKHOLM).date()
    last_day = (end - timedelta(microseconds=1)).astimezone(STOCKHOLM).date()
    plans = repository.published_plans(session, first_day, last_day)
    parts: list[tuple[DayPlan, str, float, float, float]] = []  # plan, visit, travel, wait, at
    for plan in plans:
        for f in plan.fixed or []:
            s, e = _minutes(f.get("start")), _minutes(f.get("end"))
            if s is not None and e is not None:
                parts.append((plan, str(f.get("visit")), 0.0, 0.0, max(0.0, e - s)))
        for route in (plan.solution or {}).get("routes", []):
            stops = route.get("stops") or []
            previous = _minutes(route.get("leave"))
            for index, stop in enumerate(stops):
                arrival = _minutes(stop.get("arrival"))
                begin, finish = _minutes(stop.get("start")), _minutes(stop.get("end"))
                if arrival is None or begin is None or finish is None:
                    continue
                travel = max(0.0, arrival - previous) if previous is not None else 0.0
                if index == len(stops) - 1:
                    back = _minutes(route.get("back"))
                    if back is not None:
                        travel += max(0.0, back - finish)
                parts.append(
                    (
                        plan,
                        str(stop.get("visit")),
                        travel,
                        max(0.0, begin - arrival),
                        finish - begin,
                    )
                )
                previous = finish
    visit_ids = []
    for _, visit, *_rest in parts:
        try:
            visit_ids.append(uuid.UUID(visit))
        except ValueError:
            continue
    visits = repository.visits_for_staff_time(session, visit_ids)
    out: dict[uuid.UUID, list[StaffBlock]] = defaultdict(list)
    for plan, visit, travel, waiting, at_patient in parts:
        try:
            found = visits.get(uuid.UUID(visit))
        except ValueError:
            continue
        if found is None or found[0] not in episodes:
            continue
        episode_id, role, org = found
        speed = float(
            ((plan.problem or {}).get("travel") or {}).get("speed_kmh") or DEFAULT_SPEED_KMH
        )
        out[episode_id].append(
            StaffBlock(
                day=plan.date,
                role=role,
                authority_kind=org.authority_kind,
                authority=org.authority_name,
                organisation=org.code,
                travel_min=travel,
                waiting_min=waiting,
                at_patient_min=at_patient,
                travel_km=travel / 60 * speed,
            )
        )
    return out


def histories(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    source: str = "all",
    pathways: Sequence[str] = (),
    types: Sequence[str] = (),
    organisation_ids: Collection[uuid.UUID] | None = None,
    answer_hours: float = 24,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[History]:
    """Both sources for a period (read from ``LOOKBACK`` before it)."""
    steps = (1 if source in ("all", "import") else 0) + (4 if source in ("all", "live") else 0)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress("reading", done, steps)

    if progress:
        progress("reading", 0, steps)
    out: list[History] = []
    if source in ("all", "import"):
        out += imported(
            session,
            start - LOOKBACK,
            end,
            pathways=pathways,
            types=types,
            organisation_ids=organisation_ids,
        )
        step()
    if source in ("all", "live"):
        out += live(
            session,
            start - LOOKBACK,
            end,
            pathways=pathways,
            types=types,
            organisation_ids=organisation_ids,
            settings_answer_hours=answer_hours,
            plans_from=start,
            step=step,
        )
    return out


def physician_data(session: Session, start: datetime, end: datetime) -> physicians.Data:
    """The rows of the physician-support indicators of [start, end) (outcomes.physicians)."""
    codes = {k: o.code for k, o in repository.organisations(session).items()}
    requests = repository.physician_requests(session, start, end)
    # a visit's date is Swedish; one day either side catches a visit done around midnight
    first_day = start.astimezone(STOCKHOLM).date() - timedelta(days=1)
    last_day = end.astimezone(STOCKHOLM).date() + timedelta(days=1)
    visits = repository.physician_visits_done(session, first_day, last_day)
    stays = repository.hospital_stays(session, start, end)
    episode_ids = {r.episode_id for r in requests if r.episode_id is not None}
    episode_ids |= {v.episode_id for v, _ in visits}
    episode_ids |= {s.episode_id for s in stays if s.episode_id is not None}
    facts = repository.episode_facts(session, sorted(episode_ids))

    def episode(episode_id: uuid.UUID | None) -> physicians.EpisodeInfo | None:
        found = facts.get(episode_id) if episode_id is not None else None
        if found is None:
            return None
        pathway, kind, organisation_id = found
        return physicians.EpisodeInfo(pathway, kind, codes.get(organisation_id))

    def user(user_id: uuid.UUID | None) -> str | None:
        return str(user_id) if user_id is not None else None

    patients = sorted({r.patient_id for r in requests} | {v.patient_id for v, _ in visits})
    changes = repository.fixed_physician_changes(session, patients)
    current = repository.fixed_physicians(session, patients)
    return physicians.Data(
        requests=tuple(
            physicians.Request(
                asked_at=as_utc(r.created_at),
                urgency=r.urgency,
                status=r.status,
                due_at=as_utc(r.due_at),
                answered_at=as_utc(r.answered_at) if r.answered_at else None,
                answer_kind=r.answer_kind,
                answered_by=user(r.answered_by_id),
                patient=str(r.patient_id),
                asking_organisation=codes.get(r.asking_organisation_id, "?"),
                physician_organisation=codes.get(r.physician_organisation_id)
                if r.physician_organisation_id
                else None,
                episode=episode(r.episode_id),
            )
            for r in requests
        ),
        visits=tuple(
            physicians.Visit(
                done_at=as_utc(v.ended_at or v.started_at or v.window_start),
                minutes=_visit_minutes(v.started_at, v.ended_at, v.duration_min),
                organisation=codes.get(v.organisation_id, "?"),
                physician=user(v.assigned_user_id),
                patient=str(v.patient_id),
                booked=booked,
                episode=episode(v.episode_id),
            )
            for v, booked in visits
        ),
        stays=tuple(
            physicians.Stay(
                admitted_at=as_utc(s.admitted_at),
                notice_sent_at=as_utc(s.admission_notice_sent_at)
                if s.admission_notice_sent_at
                else None,
                ready_on=s.ready_for_discharge_on,
                discharged_at=as_utc(s.discharged_at) if s.discharged_at else None,
                hospital=codes.get(s.hospital_organisation_id, "?"),
                patient=str(s.patient_id),
                episode=episode(s.episode_id),
            )
            for s in stays
        ),
        fixed={
            str(p): physicians.FixedPhysician(
                changes=tuple(
                    physicians.Change(as_utc(at), user(before), user(after))
                    for at, before, after in changes.get(p, [])
                ),
                current=user(current.get(p)),
            )
            for p in patients
        },
    )


def _visit_minutes(started: datetime | None, ended: datetime | None, planned: int | None) -> float:
    """The recorded time at the patient (start to end), else the planned duration."""
    if started is not None and ended is not None and ended >= started:
        return (as_utc(ended) - as_utc(started)).total_seconds() / 60
    return float(planned or 0)
