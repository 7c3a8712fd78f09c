"""HTTP for vital signs: the JSON API (/api/v1/observations) and FHIR R4 (/fhir/R4).

Parse, call the service, shape the answer. FHIR bodies are read raw and parsed by the pure
``fhir`` module, so a malformed one is answered with an OperationOutcome, not a 500.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from samband.deps import ContextDep
from samband.observations import fhir, service
from samband.observations.schemas import (
    ObservationConfirm,
    ObservationRead,
    Spo2ScaleRead,
    Spo2ScaleSet,
)

router = APIRouter(prefix="/api/v1", tags=["observations"])
fhir_router = APIRouter(prefix="/fhir/R4", tags=["fhir"])

REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this"},
    404: {"description": "no such patient or set, or no care relationship with the patient"},
    409: {"description": "the client_id was used for other values, or no open episode"},
}
REPLAYED = "Idempotent-Replayed"
AwareDatetimeQuery = Annotated[
    AwareDatetime | None, Query(description="with a time zone, e.g. 2030-03-06T08:00:00+01:00")
]


@router.get("/observations", response_model=list[ObservationRead], responses=REFUSALS)
def list_observations(
    ctx: ContextDep,
    patient_id: uuid.UUID | None = None,
    episode_id: uuid.UUID | None = None,
    since: AwareDatetimeQuery = None,
    until: AwareDatetimeQuery = None,
    needs_confirmation: bool | None = Query(
        default=None, description="true: the sets with a value awaiting confirmation"
    ),
    include_entered_in_error: bool = False,
    limit: int = Query(default=service.LIST_LIMIT, ge=1, le=service.LIST_LIMIT),
) -> list[ObservationRead]:
    """A patient's or an episode's sets measured in [since, until], oldest first, with
    NEWS2 and the alerts each caused; or (without either) the sets awaiting confirmation
    of the patients you may see."""
    views = service.search(
        ctx,
        patient_id=patient_id,
        episode_id=episode_id,
        since=since,
        until=until,
        needs_confirmation=needs_confirmation,
        include_entered_in_error=include_entered_in_error,
        limit=limit,
    )
    return [read_view(v) for v in views]


@router.get("/observations/{observation_id}", response_model=ObservationRead, responses=REFUSALS)
def get_observation(ctx: ContextDep, observation_id: uuid.UUID) -> ObservationRead:
    return read_view(service.get(ctx, observation_id))


@router.post(
    "/observations/{observation_id}/confirm", response_model=ObservationRead, responses=REFUSALS
)
def confirm_observation(
    ctx: ContextDep, observation_id: uuid.UUID, data: ObservationConfirm
) -> ObservationRead:
    """Confirm a flagged set's values (it becomes final), or mark a set entered in error
    (it no longer counts in trends or the missed-measurement check)."""
    return read_view(service.confirm(ctx, observation_id, data))


@router.get("/episodes/{episode_id}/spo2-scale", response_model=Spo2ScaleRead, responses=REFUSALS)
def get_spo2_scale(ctx: ContextDep, episode_id: uuid.UUID) -> Spo2ScaleRead:
    """The SpO2 scale NEWS2 uses for the episode (1 unless a physician set 2)."""
    return _scale(service.spo2_scale(ctx, episode_id))


@router.put("/episodes/{episode_id}/spo2-scale", response_model=Spo2ScaleRead, responses=REFUSALS)
def set_spo2_scale(ctx: ContextDep, episode_id: uuid.UUID, data: Spo2ScaleSet) -> Spo2ScaleRead:
    """A physician sets the episode's SpO2 scale (2: hypercapnic respiratory failure, target
    88-92 %). Sets measured afterwards are scored with it; the decision is on the timeline."""
    return _scale(service.set_spo2_scale(ctx, episode_id, data))


def read_view(view: service.ObservationView) -> ObservationRead:
    return ObservationRead.of(view.observation, view.alert_ids)


def _scale(found: service.Spo2Scale) -> Spo2ScaleRead:
    decision = found.decision
    return Spo2ScaleRead(
        episode_id=found.episode_id,
        scale=found.scale,
        reason=decision.reason if decision else None,
        decided_by_id=decision.decided_by_id if decision else None,
        decided_at=decision.created_at if decision else None,
    )


# -- FHIR R4 ----------------------------------------------------------------------------------


async def _fhir_body(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "")
    if content_type and "json" not in content_type.lower():
        raise fhir.FhirUnsupported(
            f"send FHIR JSON ({fhir.MEDIA_TYPE} or application/json), not {content_type}"
        )
    return await request.body()


FhirBody = Annotated[bytes, Depends(_fhir_body)]


def fhir_request(resource: str) -> dict[str, Any]:
    schema = {
        "type": "object",
        "required": ["resourceType"],
        "properties": {"resourceType": {"type": "string", "enum": [resource]}},
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                fhir.MEDIA_TYPE: {"schema": schema},
                "application/json": {"schema": schema},
            },
        }
    }


FHIR_ANSWERS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {fhir.MEDIA_TYPE: {}}}
    for code, text in {
        403: "your role may not do this (OperationOutcome)",
        404: "no such patient, or no care relationship (OperationOutcome)",
        409: "the identifier was used for other values (OperationOutcome)",
        415: "not FHIR JSON (OperationOutcome)",
        422: "not a valid FHIR resource, a value that cannot be right, or an unsupported "
        "code (OperationOutcome)",
    }.items()
}


def fhir_answer(content: dict[str, Any], status_code: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(
        content, status_code=status_code, media_type=fhir.MEDIA_TYPE, headers=headers
    )


@fhir_router.get("/Observation/{observation_id}", response_model=None, responses=FHIR_ANSWERS)
def fhir_read_observation(ctx: ContextDep, observation_id: uuid.UUID) -> JSONResponse:
    """A stored set as a vital-signs panel Observation, or a laboratory result as a
    laboratory Observation (issue 14)."""
    from samband.labresults import fhir as lab_fhir
    from samband.labresults import service as labresults

    if labresults.exists(ctx, observation_id):
        found = labresults.get(ctx, observation_id)
        return fhir_answer(lab_fhir.render(labresults.rendered(found)))
    return fhir_answer(fhir.render(read_view(service.get(ctx, observation_id))))
