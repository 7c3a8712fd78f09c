"""HTTP for deviations (avvikelser) across organisations (issue 14, docs/deviations.md)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter, status
from fastapi.responses import Response

from samband.deps import ContextDep
from samband.deviations import service
from samband.deviations import summary as summaries
from samband.deviations.schemas import (
    Box,
    Category,
    Consequence,
    DeviationAnswer,
    DeviationClose,
    DeviationCreate,
    DeviationInvestigate,
    DeviationRead,
    HistoryEntry,
    LexMariaDecision,
    LexMariaFlag,
    LexMariaRead,
    MeasureRead,
    Organisation,
    PatientSafetyRole,
    PatientSafetyRoleRead,
    PatientSafetyRoleSet,
    Person,
    PilotLink,
    Status,
    Summary,
    SummaryRow,
)
from samband.kit.schemas import Limit, Offset, Page
from samband.security.context import Context

router = APIRouter(prefix="/api/v1", tags=["deviations"])


def _person(v: service.DeviationView, user_id: uuid.UUID | None) -> Person | None:
    name = v.name(user_id)
    return Person(user_id=user_id, name=name) if user_id and name is not None else None


def _organisation(o: Any) -> Organisation:
    return Organisation(id=o.id, code=o.code, name=o.name)


def read_of(v: service.DeviationView) -> DeviationRead:
    d = v.deviation
    history: list[Any] = d.history or []
    return DeviationRead(
        id=d.id,
        reference=v.reference,
        patient_id=d.patient_id,
        patient_name=v.patient_name,
        episode_id=d.episode_id,
        pathway=d.pathway,
        category=Category(d.category),
        occurred_at=d.occurred_at,
        description=d.description,
        consequence=Consequence(d.consequence),
        immediate_action=d.immediate_action,
        reported_by=_person(v, d.reported_by_id) or Person(user_id=d.reported_by_id, name=""),
        reporter_organisation=_organisation(v.reporter_organisation),
        concerned_organisation=_organisation(v.concerned_organisation),
        cross_organisation=v.cross_organisation,
        status=Status(d.status),
        investigator=_person(v, d.investigator_id),
        investigation_started_at=d.investigation_started_at,
        answer=d.answer,
        answered_by=_person(v, d.answered_by_id),
        answered_at=d.answered_at,
        measures=[
            MeasureRead(id=m.id, what=m.what, responsible=m.responsible, due_on=m.due_on)
            for m in d.measures
        ],
        closing_note=d.closing_note,
        closed_by=_person(v, d.closed_by_id),
        closed_at=d.closed_at,
        lex_maria=LexMariaRead(
            flagged=d.lex_maria,
            reason=d.lex_maria_reason,
            flagged_by=_person(v, d.lex_maria_flagged_by_id),
            flagged_at=d.lex_maria_flagged_at,
            decision=d.lex_maria_decision,  # type: ignore[arg-type]
            reported_on=d.lex_maria_reported_on,
            decision_reason=d.lex_maria_decision_reason,
            decided_by=_person(v, d.lex_maria_decided_by_id),
            decided_at=d.lex_maria_decided_at,
            responsible=[Person(user_id=u.id, name=u.full_name) for u in v.responsible],
            no_responsible=v.no_responsible,
        ),
        pilot_log_entry_id=d.pilot_log_entry_id,
        history=[HistoryEntry.model_validate(h) for h in history if isinstance(h, dict)],
        may_handle=v.may_handle,
        created_at=d.created_at,
        updated_at=d.updated_at,
    )


def _read(ctx: Context, deviation: Any) -> DeviationRead:
    return read_of(service.view(ctx, deviation))


@router.post("/deviations", response_model=DeviationRead, status_code=status.HTTP_201_CREATED)
def report_deviation(ctx: ContextDep, data: DeviationCreate) -> DeviationRead:
    """Report a deviation about a patient (and an episode of theirs): category, what happened,
    when, the consequence for the patient, the immediate action, and the organisation it
    concerns (yours by default, or one taking part in the episode: a samverkansavvikelse).
    Needs ``deviation:report`` and a care relationship with the patient. The concerned
    organisation's handlers are notified; ``lex_maria`` (with ``lex_maria_reason``) also
    tells its chief physician / MAS."""
    return _read(ctx, service.report(ctx, data))


@router.get("/deviations", response_model=Page[DeviationRead])
def list_deviations(
    ctx: ContextDep,
    box: Box | None = None,
    status: Status | None = None,
    category: Category | None = None,
    consequence: Consequence | None = None,
    lex_maria: bool | None = None,
    pathway: str | None = None,
    patient_id: uuid.UUID | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[DeviationRead]:
    """``concerning``: deviations concerning your organisation (to handle); ``reported``:
    reported by your organisation; none: both. Open first (flagged for Lex Maria first),
    then the latest."""
    rows, total = service.search(
        ctx,
        box=box,
        status=status.value if status else None,
        category=category.value if category else None,
        consequence=consequence.value if consequence else None,
        lex_maria=lex_maria,
        pathway=pathway,
        patient_id=patient_id,
        limit=limit,
        offset=offset,
    )
    return Page(items=[read_of(v) for v in rows], total=total, limit=limit, offset=offset)


def _row(row: summaries.Row) -> SummaryRow:
    return SummaryRow(
        key=row.key,
        name=row.name,
        total=row.total,
        by_status=dict(row.by_status),
        by_consequence=dict(row.by_consequence),
        lex_maria=row.lex_maria,
        closed=row.closed,
        days_to_close_median=row.days_to_close_median,
    )


def summary_of(
    found: summaries.Summary, period_from: dt.date | None, period_to: dt.date | None
) -> Summary:
    return Summary(
        period_from=period_from,
        period_to=period_to,
        total=_row(found.total),
        by_pathway=[_row(r) for r in found.by_pathway],
        by_organisation=[_row(r) for r in found.by_organisation],
        by_category=[_row(r) for r in found.by_category],
    )


@router.get("/deviations/summary", response_model=Summary)
def deviation_summary(
    ctx: ContextDep,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    pathway: str | None = None,
    organisation_id: uuid.UUID | None = None,
    category: Category | None = None,
) -> Summary:
    """Counts per pathway, concerned organisation and category (status, consequence, Lex
    Maria flagged, median days to close) of the deviations reported in the period (local
    dates, both included). No patient data: ``directory:read`` (analysts too)."""
    found = service.summarise(
        ctx,
        period_from=period_from,
        period_to=period_to,
        pathway=pathway,
        organisation_id=organisation_id,
        category=category.value if category else None,
    )
    return summary_of(found, period_from, period_to)


@router.get("/deviations/summary.csv", response_class=Response)
def deviation_summary_csv(
    ctx: ContextDep,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    pathway: str | None = None,
    organisation_id: uuid.UUID | None = None,
    category: Category | None = None,
) -> Response:
    """The summary as CSV: ``group,key,name,total,status_*,consequence_*,lex_maria,
    days_to_close_median`` (groups: total, pathway, organisation, category)."""
    found = service.summarise(
        ctx,
        period_from=period_from,
        period_to=period_to,
        pathway=pathway,
        organisation_id=organisation_id,
        category=category.value if category else None,
    )
    return Response(
        summaries.to_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="samband-deviations.csv"'},
    )


@router.get("/deviations/{deviation_id}", response_model=DeviationRead)
def get_deviation(ctx: ContextDep, deviation_id: uuid.UUID) -> DeviationRead:
    """A deviation, for the staff of the reporting and of the concerned organisation."""
    return read_of(service.get(ctx, deviation_id))


@router.post("/deviations/{deviation_id}/investigate", response_model=DeviationRead)
def investigate_deviation(
    ctx: ContextDep, deviation_id: uuid.UUID, data: DeviationInvestigate | None = None
) -> DeviationRead:
    """The concerned organisation's handler starts the investigation (reported →
    investigating); the caller is the investigator. Another step: 409."""
    return _read(ctx, service.investigate(ctx, deviation_id, data or DeviationInvestigate()))


@router.post("/deviations/{deviation_id}/answer", response_model=DeviationRead)
def answer_deviation(
    ctx: ContextDep, deviation_id: uuid.UUID, data: DeviationAnswer
) -> DeviationRead:
    """The answer with its measures (what, responsible, due_on): investigating → answered.
    The reporter and the reporting organisation's handlers are notified."""
    return _read(ctx, service.answer(ctx, deviation_id, data))


@router.post("/deviations/{deviation_id}/close", response_model=DeviationRead)
def close_deviation(
    ctx: ContextDep, deviation_id: uuid.UUID, data: DeviationClose
) -> DeviationRead:
    """Close an answered deviation with a closing note (answered → closed)."""
    return _read(ctx, service.close(ctx, deviation_id, data))


@router.post("/deviations/{deviation_id}/lex-maria", response_model=DeviationRead)
def flag_lex_maria(ctx: ContextDep, deviation_id: uuid.UUID, data: LexMariaFlag) -> DeviationRead:
    """Flag that the deviation may need a Lex Maria report (with the reason); the concerned
    organisation's chief physician / MAS are notified (none registered: ``no_responsible``)."""
    return _read(ctx, service.flag_lex_maria(ctx, deviation_id, data))


@router.post("/deviations/{deviation_id}/lex-maria/decision", response_model=DeviationRead)
def decide_lex_maria(
    ctx: ContextDep, deviation_id: uuid.UUID, data: LexMariaDecision
) -> DeviationRead:
    """The concerned organisation's decision: ``reported`` to IVO on ``reported_on``, or
    ``not_reported`` with the ``reason``."""
    return _read(ctx, service.decide_lex_maria(ctx, deviation_id, data))


@router.post("/deviations/{deviation_id}/pilot-link", response_model=DeviationRead)
def link_pilot(ctx: ContextDep, deviation_id: uuid.UUID, data: PilotLink) -> DeviationRead:
    """Log the deviation as a barrier (classification, a description without patient data)
    in a pilot your organisation takes part in (``pilot:write``)."""
    return _read(ctx, service.link_pilot(ctx, deviation_id, data))


@router.put("/users/{user_id}/patient-safety-role", response_model=PatientSafetyRoleRead)
def set_patient_safety_role(
    ctx: ContextDep, user_id: uuid.UUID, data: PatientSafetyRoleSet
) -> PatientSafetyRoleRead:
    """An administrator sets the user's patient safety role: ``chief_physician`` (a region's
    organisation) or ``mas`` (a municipality's), or null."""
    user = service.set_patient_safety_role(ctx, user_id, data.role)
    role = user.patient_safety_role
    return PatientSafetyRoleRead(user_id=user.id, role=PatientSafetyRole(role) if role else None)
