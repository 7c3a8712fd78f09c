"""HTTP for palliative care (issue 14): ESAS-r symptom assessments and their trend, the
expected death, the next of kin's follow-up conversation. Parse, call the service, shape
the answer."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.kit.errors import NotFound, problem
from samband.kit.time import as_utc
from samband.models.palliative import ExpectedDeath, SymptomAssessment
from samband.palliative import esas, service
from samband.palliative.schemas import (
    DeathCreate,
    EnteredInError,
    ExpectedDeathCreate,
    ExpectedDeathRead,
    FollowupPlan,
    SymptomAssessmentCreate,
    SymptomAssessmentRead,
    SymptomTrend,
    TrendPoint,
)
from samband.security.context import Context

router = APIRouter(prefix="/api/v1", tags=["palliative care"])


def read_of(row: SymptomAssessment) -> SymptomAssessmentRead:
    return SymptomAssessmentRead(
        id=row.id,
        patient_id=row.patient_id,
        episode_id=row.episode_id,
        scale=row.scale,
        assessed_at=as_utc(row.assessed_at),
        assessed_by=row.assessed_by,  # type: ignore[arg-type]
        source=row.source,
        recorded_by_id=row.recorded_by_id,
        other_problem=row.other_problem,
        other_score=row.other_score,
        total=row.total,
        note=row.note,
        status=row.status,
        error_reason=row.error_reason,
        alert_ids=[uuid.UUID(str(a)) for a in row.alert_ids or []],
        created_at=as_utc(row.created_at),
        **service.scores_of(row),
    )


def death_read(ctx: Context, row: ExpectedDeath) -> ExpectedDeathRead:
    named = service.names(ctx, [row.decided_by_id])
    return ExpectedDeathRead(
        id=row.id,
        patient_id=row.patient_id,
        episode_id=row.episode_id,
        decided_by_id=row.decided_by_id,
        decided_by_name=named.get(row.decided_by_id),
        decided_at=as_utc(row.decided_at),
        no_resuscitation=row.no_resuscitation,
        no_hospital_transfer=row.no_hospital_transfer,
        conversation_on=row.conversation_on,
        conversation_with=row.conversation_with,
        decision_note=row.decision_note,
        died_at=as_utc(row.died_at) if row.died_at else None,
        confirmed_by_id=row.confirmed_by_id,
        confirmed_by_role=row.confirmed_by_role,
        physician_confirmed_by_id=row.physician_confirmed_by_id,
        physician_confirmed_at=(
            as_utc(row.physician_confirmed_at) if row.physician_confirmed_at else None
        ),
        care_after_death=dict(row.care_after_death or {}),
        relatives_present=row.relatives_present,
        death_note=row.death_note,
        followup_on=row.followup_on,
        followup_by=row.followup_by,
        followup_held_at=as_utc(row.followup_held_at) if row.followup_held_at else None,
        history=list(row.history or []),
    )


@router.post(
    "/episodes/{episode_id}/symptom-assessments",
    response_model=SymptomAssessmentRead,
    status_code=status.HTTP_201_CREATED,
)
def create_symptom_assessment(
    ctx: ContextDep, episode_id: uuid.UUID, data: SymptomAssessmentCreate
) -> SymptomAssessmentRead:
    """Record an ESAS-r assessment: the nine items (pain, tiredness, drowsiness, nausea,
    lack_of_appetite, shortness_of_breath, depression, anxiety, wellbeing), each 0-10, who
    assessed (patient, next_of_kin, staff_assisted), optionally another problem with its
    score. The total (0-90) is the sum of the nine. Crossing the pathway's limits while the
    patient is at home raises a ``symptom`` alert (``alert_ids``)."""
    return read_of(service.record(ctx, episode_id, data))


@router.get(
    "/episodes/{episode_id}/symptom-assessments", response_model=list[SymptomAssessmentRead]
)
def list_symptom_assessments(ctx: ContextDep, episode_id: uuid.UUID) -> list[SymptomAssessmentRead]:
    """The episode's assessments, oldest first (those entered in error are marked)."""
    return [read_of(row) for row in service.assessments(ctx, episode_id)]


@router.get("/episodes/{episode_id}/symptom-assessments/trend", response_model=SymptomTrend)
def symptom_trend(ctx: ContextDep, episode_id: uuid.UUID) -> SymptomTrend:
    """Each item's and the total's values in time order (valid assessments), the latest
    assessment and the pathway's alert limits."""
    found = service.trend(ctx, episode_id)
    rows = found.assessments
    return SymptomTrend(
        episode_id=found.episode_id,
        count=len(rows),
        items={
            item: [TrendPoint(at=as_utc(r.assessed_at), value=getattr(r, item)) for r in rows]
            for item in esas.ITEMS
        },
        total=[TrendPoint(at=as_utc(r.assessed_at), value=r.total) for r in rows],
        latest=read_of(found.latest) if found.latest else None,
        limits=[limit.model_dump() for limit in found.limits],
    )


@router.get("/symptom-assessments/{assessment_id}", response_model=SymptomAssessmentRead)
def get_symptom_assessment(ctx: ContextDep, assessment_id: uuid.UUID) -> SymptomAssessmentRead:
    return read_of(service.get(ctx, assessment_id))


@router.post(
    "/symptom-assessments/{assessment_id}/entered-in-error", response_model=SymptomAssessmentRead
)
def symptom_assessment_in_error(
    ctx: ContextDep, assessment_id: uuid.UUID, data: EnteredInError
) -> SymptomAssessmentRead:
    """Mark a wrong assessment entered in error (with the reason): it leaves the trend."""
    return read_of(service.entered_in_error(ctx, assessment_id, data))


@router.get("/episodes/{episode_id}/expected-death", response_model=ExpectedDeathRead)
def get_expected_death(ctx: ContextDep, episode_id: uuid.UUID) -> ExpectedDeathRead:
    """The documented expected death of the episode (404 when none is documented)."""
    found = service.get_expected_death(ctx, episode_id)
    if found is None:
        raise NotFound(problem("palliative.no_decision_yet"))
    return death_read(ctx, found)


@router.post(
    "/episodes/{episode_id}/expected-death",
    response_model=ExpectedDeathRead,
    status_code=status.HTTP_201_CREATED,
)
def decide_expected_death(
    ctx: ContextDep, episode_id: uuid.UUID, data: ExpectedDeathCreate
) -> ExpectedDeathRead:
    """A physician documents in advance that death is expected: the brytpunktssamtal (on,
    with whom), no resuscitation, no hospital transfer. A new decision replaces the earlier
    one (kept in the history)."""
    return death_read(ctx, service.decide(ctx, episode_id, data))


@router.post("/episodes/{episode_id}/expected-death/death", response_model=ExpectedDeathRead)
def register_expected_death(
    ctx: ContextDep, episode_id: uuid.UUID, data: DeathCreate
) -> ExpectedDeathRead:
    """The death (time, who confirmed it: a physician, or a registered nurse by the local
    routine with the physician's confirmation later; the care after death). Ends the
    episode through its death registration (deceased, death expected)."""
    return death_read(ctx, service.register_death(ctx, episode_id, data))


@router.post(
    "/episodes/{episode_id}/expected-death/physician-confirmation",
    response_model=ExpectedDeathRead,
)
def confirm_expected_death(ctx: ContextDep, episode_id: uuid.UUID) -> ExpectedDeathRead:
    """A physician confirms a death a registered nurse established."""
    return death_read(ctx, service.confirm_by_physician(ctx, episode_id))


@router.post("/episodes/{episode_id}/expected-death/followup", response_model=ExpectedDeathRead)
def plan_bereavement_followup(
    ctx: ContextDep, episode_id: uuid.UUID, data: FollowupPlan
) -> ExpectedDeathRead:
    """Plan (or move) the next of kin's follow-up conversation (efterlevandesamtal)."""
    return death_read(ctx, service.plan_followup(ctx, episode_id, data))


@router.post(
    "/episodes/{episode_id}/expected-death/followup/held", response_model=ExpectedDeathRead
)
def bereavement_followup_held(ctx: ContextDep, episode_id: uuid.UUID) -> ExpectedDeathRead:
    """Mark the follow-up conversation held."""
    return death_read(ctx, service.followup_held(ctx, episode_id))
