"""HTTP for the daily round: parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from samband.deps import ContextDep
from samband.kit.time import STOCKHOLM
from samband.labresults import loinc
from samband.models import ObservationSet, Round, RoundNote, User
from samband.rounds import service
from samband.rounds.schemas import (
    AlertBrief,
    AlertSummaryRead,
    CriterionRead,
    LabPointRead,
    LabTrendRead,
    LatestSetRead,
    News2Point,
    PersonRead,
    RoundListRead,
    RoundNoteCreate,
    RoundNoteRead,
    RoundParticipant,
    RoundPatientRead,
    RoundRead,
    RoundUpdate,
    RuleEvaluationRead,
    SelfReportRead,
    VisitSummaryRead,
)

router = APIRouter(prefix="/api/v1", tags=["rounds"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this (e.g. only a physician discharges)"},
    404: {"description": "no such round or episode, or no care relationship"},
    409: {"description": "the decision's transition is not allowed now; nothing was saved"},
}


@router.get("/rounds", response_model=RoundListRead)
def open_round(
    ctx: ContextDep,
    unit_id: Annotated[uuid.UUID, Query(description="a hospital clinic, ward or mobile team unit")],
    day: Annotated[
        date | None, Query(alias="date", description="default: today in Europe/Stockholm")
    ] = None,
) -> RoundListRead:
    """The unit's round on that day with its patients at home (the round is made the first
    time it is opened). Lists only the patients your organisation may see."""
    return _list(service.round_list(ctx, unit_id, day))


@router.get("/rounds/{round_id}", response_model=RoundListRead, responses=_REFUSALS)
def get_round(ctx: ContextDep, round_id: uuid.UUID) -> RoundListRead:
    return _list(service.get_round_list(ctx, round_id))


@router.patch("/rounds/{round_id}", response_model=RoundRead, responses=_REFUSALS)
def update_round(ctx: ContextDep, round_id: uuid.UUID, data: RoundUpdate) -> RoundRead:
    """Set the round's video meeting link (`null` removes it)."""
    return _round(service.update_round(ctx, round_id, data))


@router.post(
    "/rounds/{round_id}/notes",
    response_model=RoundNoteRead,
    status_code=status.HTTP_201_CREATED,
    responses=_REFUSALS,
)
def add_note(ctx: ContextDep, round_id: uuid.UUID, data: RoundNoteCreate) -> RoundNoteRead:
    """A structured note (situation, assessment, decision, participants, discharge criteria
    met). `discharge` discharges the patient (physician only); `readmit` readmits them to
    `ward_unit_id` (a reserved bed unless `use_reserved_bed` is false); `change_plan` is
    recorded (change the care plan next); `continue` changes nothing else. If the decision's
    transition is refused, nothing is saved."""
    return _note(service.add_note(ctx, round_id, data))


@router.get("/round-notes", response_model=list[RoundNoteRead], responses=_REFUSALS)
def list_round_notes(
    ctx: ContextDep, episode_id: Annotated[uuid.UUID, Query()]
) -> list[RoundNoteRead]:
    """The episode's round notes, newest first."""
    return [_note(note) for note in service.notes_for_episode(ctx, episode_id)]


def _round(round_: Round) -> RoundRead:
    return RoundRead(
        id=round_.id,
        unit_id=round_.unit_id,
        unit_name=round_.unit.name,
        day=round_.day,
        video_url=round_.video_url,
        created_by_id=round_.created_by_id,
        created_at=round_.created_at,
    )


def _note(note: RoundNote) -> RoundNoteRead:
    return RoundNoteRead(
        id=note.id,
        round_id=note.round_id,
        round_day=note.round.day,
        episode_id=note.episode_id,
        situation=note.situation,
        assessment=note.assessment,
        decision=note.decision,  # type: ignore[arg-type]
        decision_note=note.decision_note,
        transition_to=note.transition_to,
        participants=[RoundParticipant.model_validate(p) for p in note.participants],
        criteria_met=list(note.criteria_met),
        plan_version=note.plan_version,
        created_by_id=note.created_by_id,
        created_by_name=note.created_by.full_name,
        created_at=note.created_at,
    )


def _person(user: User | None) -> PersonRead | None:
    return PersonRead(id=user.id, full_name=user.full_name) if user else None


def _list(view: service.RoundList) -> RoundListRead:
    return RoundListRead(
        round=_round(view.round),
        patients=[
            RoundPatientRead(
                episode_id=p.episode.id,
                patient_id=p.patient.id,
                patient_name=f"{p.patient.given_name} {p.patient.family_name}",
                state=p.episode.state,
                episode_day=p.day,
                pathway=p.episode.pathway,
                pathway_title=p.pathway_title,
                care_contact=_person(p.care_contact),
                responsible_physician=_person(p.physician),
                plan_version=p.plan_version,
                discharge_criteria=[_criterion(c) for c in p.criteria],
                latest_note=_note(p.latest_note) if p.latest_note else None,
                **_monitoring(p.monitoring),
                lab_results=_lab(p.lab) if p.monitoring is not None else None,
            )
            for p in view.patients
        ],
    )


NOT_SHOWN = "not shown: your organisation may not read this episode's record"


def _criterion(c: service.Criterion) -> CriterionRead:
    """issue 14: a data criterion carries its evaluation (labresults.criteria)."""
    e = c.evaluation
    if e is None or e.status is None:
        return CriterionRead(criterion=c.text, met=c.met)
    return CriterionRead(
        criterion=c.text,
        met=c.met,
        data=True,
        status=e.status.value,
        rules=[
            RuleEvaluationRead(rule=r.rule, status=r.status.value, why=r.why.text("en"))
            for r in e.rules
        ],
    )


def _lab(lab: service.EpisodeLab | None) -> list[LabTrendRead]:
    """issue 14: the episode's results per test, in the table's order."""
    if lab is None:
        return []
    out = []
    for key, test in loinc.TESTS.items():
        results = lab.results.get(key)
        if not results:
            continue
        latest = results[-1]
        out.append(
            LabTrendRead(
                test=key,
                loinc=test.loinc,
                unit=test.unit,
                ref_low=latest.ref_low,
                ref_high=latest.ref_high,
                results=[
                    LabPointRead(
                        id=r.id,
                        taken_at=r.taken_at.astimezone(STOCKHOLM),
                        value=r.value,
                        flag=r.flag,
                    )
                    for r in results
                ],
            )
        )
    return out


def _point(s: ObservationSet) -> News2Point:
    return News2Point(
        observation_id=s.id,
        measured_at=s.measured_at.astimezone(STOCKHOLM),
        news2=s.news2_total or 0,
        risk=s.news2_risk,
    )


def _monitoring(m: service.Monitoring | None) -> dict[str, Any]:
    if m is None:
        return {"monitoring_shown": False, "monitoring_not_shown": NOT_SHOWN}
    latest, alert, visits, report = m.latest, m.alerts.most_severe, m.visits, m.self_report
    return {
        "monitoring_shown": True,
        "news2_trend": [_point(s) for s in m.trend],
        "trend_hours": m.trend_hours,
        "latest_set": LatestSetRead(
            **_point(latest.set).model_dump(),
            source=latest.set.source,
            partial=latest.set.news2_partial,
            stale=latest.stale,
            stale_after_minutes=int(latest.stale_after.total_seconds() // 60),
        )
        if latest
        else None,
        "open_alerts": AlertSummaryRead(
            total=m.alerts.total,
            unacknowledged=m.alerts.unacknowledged,
            by_severity=m.alerts.by_severity,
            most_severe=AlertBrief(
                id=alert.id,
                kind=alert.kind,
                severity=alert.severity,
                status=alert.status,
                reason=alert.reason,
                created_at=alert.created_at,
                link=f"/alerts/{alert.id}",
            )
            if alert
            else None,
        ),
        "visits": VisitSummaryRead(
            day=visits.day,
            done=visits.done,
            planned=visits.planned,
            missed=visits.missed,
            cancelled=visits.cancelled,
            next_at=visits.next_at.astimezone(STOCKHOLM) if visits.next_at else None,
        ),
        "latest_self_report": SelfReportRead(
            observation_id=report.id,
            measured_at=report.measured_at.astimezone(STOCKHOLM),
            news2=report.news2_total,
            symptoms=report.symptoms,
        )
        if report
        else None,
    }
