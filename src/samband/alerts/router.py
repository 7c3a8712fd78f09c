"""HTTP for alerts: the command centre's list, an alert with what caused it, and its life
cycle (acknowledge, record the action, close)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from samband.alerts import service
from samband.alerts.rules import Kind, Status, allowed_moves
from samband.alerts.schemas import (
    AdmissionRefused,
    AlertAcknowledge,
    AlertActionCreate,
    AlertCauseRead,
    AlertClose,
    AlertDetail,
    AlertRead,
    Severity,
    reason_fields,
)
from samband.deps import ContextDep
from samband.kit.errors import Problem
from samband.kit.stored import dump_params
from samband.observations.schemas import ObservationRead

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this"},
    404: {"description": "no such alert, or no care relationship with the patient"},
    409: {"description": "not allowed in the alert's status; the allowed moves are listed"},
}


@router.get("", response_model=list[AlertRead], responses=_REFUSALS)
def list_alerts(
    ctx: ContextDep,
    alert_status: Annotated[
        list[Status] | None,
        Query(alias="status", description="default: open, acknowledged and action_taken"),
    ] = None,
    patient_id: uuid.UUID | None = None,
    episode_id: uuid.UUID | None = None,
    severity: Annotated[list[Severity] | None, Query()] = None,
    kind: Annotated[list[Kind] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AlertRead]:
    """Alerts of the patients you may see, the most severe first, then the oldest. With
    `patient_id`, that patient's alerts (404 without a care relationship)."""
    if patient_id is not None and episode_id is None:
        views = service.alerts_of_patient(ctx, patient_id)
        wanted = set(alert_status or [s for s in Status if s != Status.CLOSED])
        views = [
            v
            for v in views
            if v.alert.status in wanted
            and (not severity or v.alert.severity in severity)
            and (not kind or v.alert.kind in kind)
        ][offset : offset + limit]
    else:
        views = service.list_alerts(
            ctx,
            statuses=alert_status,
            patient_id=patient_id,
            episode_id=episode_id,
            severities=severity,
            kinds=kind,
            limit=limit,
            offset=offset,
        )
    return [_read(v) for v in views]


@router.get("/{alert_id}", response_model=AlertDetail, responses=_REFUSALS)
def get_alert(ctx: ContextDep, alert_id: uuid.UUID) -> AlertDetail:
    """The alert, its history, whom it notified, and the measurements that caused it."""
    detail = service.get(ctx, alert_id)
    return AlertDetail(
        **_read(detail.view).model_dump(),
        observations=[ObservationRead.of(o, [detail.view.alert.id]) for o in detail.observations],
    )


@router.post("/{alert_id}/acknowledge", response_model=AlertRead, responses=_REFUSALS)
def acknowledge_alert(ctx: ContextDep, alert_id: uuid.UUID, data: AlertAcknowledge) -> AlertRead:
    """I have seen it and I am on it: the alert stops escalating."""
    return _read(service.acknowledge(ctx, alert_id, data))


@router.post(
    "/{alert_id}/action",
    response_model=AlertRead,
    responses=_REFUSALS
    | {
        status.HTTP_409_CONFLICT: {
            "model": AdmissionRefused,
            "description": "not allowed in the alert's status, or a direct admission refused "
            "because no reserved bed is free: the refusal and the alternative (the emergency "
            "department) are recorded on the alert",
        }
    },
)
def record_action(
    ctx: ContextDep, alert_id: uuid.UUID, data: AlertActionCreate
) -> AlertRead | JSONResponse:
    """Record what was done (an open alert is acknowledged with it). `direct_admission`
    readmits the patient to a free reserved bed of `ward_unit_id`; when none is free the
    answer is 409 and the refusal, with the emergency department as the alternative, is
    kept on the alert."""
    result = service.record_action(ctx, alert_id, data)
    read = _read(result.view)
    if result.refused is not None:
        why = result.refused
        if isinstance(why, Problem):
            refused = AdmissionRefused(
                detail=why.text("en"),
                alert=read,
                **reason_fields(why.code, dump_params(why.params)),
            )
        else:
            refused = AdmissionRefused(detail=why, alert=read)
        return JSONResponse(refused.model_dump(mode="json"), status_code=status.HTTP_409_CONFLICT)
    return read


@router.post("/{alert_id}/close", response_model=AlertRead, responses=_REFUSALS)
def close_alert(ctx: ContextDep, alert_id: uuid.UUID, data: AlertClose) -> AlertRead:
    """Close an alert whose action is recorded."""
    return _read(service.close(ctx, alert_id, data))


def _read(view: service.AlertView) -> AlertRead:
    a, p = view.alert, view.patient
    return AlertRead(
        id=a.id,
        patient_id=a.patient_id,
        patient_name=f"{p.given_name} {p.family_name}",
        episode_id=a.episode_id,
        kind=Kind(a.kind),
        severity=a.severity,  # type: ignore[arg-type]
        reason=a.reason,
        **reason_fields(a.reason_code, a.reason_params),
        status=Status(a.status),
        allowed_moves=allowed_moves(a.status),
        trigger_count=a.trigger_count,
        created_at=a.created_at,
        last_triggered_at=a.last_triggered_at,
        acknowledged_by_id=a.acknowledged_by_id,
        acknowledged_at=a.acknowledged_at,
        action=a.action,  # type: ignore[arg-type]
        action_note=a.action_note,
        action_by_id=a.action_by_id,
        action_at=a.action_at,
        admission=a.admission,
        closed_by_id=a.closed_by_id,
        closed_at=a.closed_at,
        close_note=a.close_note,
        escalation_level=a.escalation_level,
        escalated_at=a.escalated_at,
        due_at=a.due_at,
        notified=list(a.notified or []),
        history=list(a.history or []),
        causes=[
            AlertCauseRead(
                at=c.at,
                severity=c.severity,  # type: ignore[arg-type]
                reason=c.reason,
                **reason_fields(c.reason_code, c.reason_params),
                observation_set_id=c.observation_set_id,
                expected_at=c.expected_at,
            )
            for c in view.causes
        ],
    )
