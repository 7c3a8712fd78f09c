"""HTTP for vital signs: the JSON API (/api/v1/observations) and FHIR R4 (/fhir/R4).

Parse, call the service, shape the answer. FHIR bodies are read raw and parsed by the pure
``fhir`` module, so a malformed one is answered with an OperationOutcome, not a 500.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from samband.deps import ContextDep
from samband.observations import fhir, service
from samband.observations.schemas import (
    BatchItemRead,
    BatchRead,
    ObservationBatch,
    ObservationConfirm,
    ObservationCreate,
    ObservationRead,
    Spo2ScaleRead,
    Spo2ScaleSet,
)

router = APIRouter(prefix="/api/v1", tags=["observations"])
fhir_router = APIRouter(prefix="/fhir/R4", tags=["fhir"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this"},
    404: {"description": "no such patient or set, or no care relationship with the patient"},
    409: {"description": "the client_id was used for other values, or no open episode"},
}
REPLAYED = "Idempotent-Replayed"
AwareDatetimeQuery = Annotated[
    AwareDatetime | None, Query(description="with a time zone, e.g. 2030-03-06T08:00:00+01:00")
]


@router.post(
    "/observations",
    response_model=ObservationRead,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "a duplicate, stored before under its client_id"}, **_REFUSALS},
)
def create_observation(
    ctx: ContextDep, data: ObservationCreate, response: Response
) -> ObservationRead:
    """Take in one measurement occasion: stored, scored (NEWS2), flagged if implausible,
    and its alerts raised. 201 when stored; 200 with the stored set (same id) when its
    `client_id` was sent before: nothing new is stored."""
    result = service.ingest_one(ctx, data)
    if not result.created:
        response.status_code = status.HTTP_200_OK
        response.headers[REPLAYED] = "true"
    return _read(result.view)


@router.post("/observations/batch", response_model=BatchRead, responses=_REFUSALS)
def create_observations(ctx: ContextDep, data: ObservationBatch) -> Response:
    """Take in up to 1000 sets, all or nothing: one bad item (its field named, e.g.
    `items.3.spo2`) and nothing is stored. Items already stored under their `client_id`
    are answered as `duplicate` with the stored set."""
    results = service.ingest(ctx, data.items)
    # serialised here: FastAPI would dump the answer to a dict and validate it again
    # against BatchRead before writing it (a thousand sets: some 10 ms for nothing)
    answer = BatchRead(
        created=sum(r.created for r in results),
        duplicates=sum(not r.created for r in results),
        items=[
            BatchItemRead(
                index=index,
                result="created" if r.created else "duplicate",
                observation=_read(r.view),
            )
            for index, r in enumerate(results)
        ],
    )
    return Response(answer.model_dump_json(), media_type="application/json")


@router.get("/observations", response_model=list[ObservationRead], responses=_REFUSALS)
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
    return [_read(v) for v in views]


@router.get("/observations/{observation_id}", response_model=ObservationRead, responses=_REFUSALS)
def get_observation(ctx: ContextDep, observation_id: uuid.UUID) -> ObservationRead:
    return _read(service.get(ctx, observation_id))


@router.post(
    "/observations/{observation_id}/confirm", response_model=ObservationRead, responses=_REFUSALS
)
def confirm_observation(
    ctx: ContextDep, observation_id: uuid.UUID, data: ObservationConfirm
) -> ObservationRead:
    """Confirm a flagged set's values (it becomes final), or mark a set entered in error
    (it no longer counts in trends or the missed-measurement check)."""
    return _read(service.confirm(ctx, observation_id, data))


@router.get("/episodes/{episode_id}/spo2-scale", response_model=Spo2ScaleRead, responses=_REFUSALS)
def get_spo2_scale(ctx: ContextDep, episode_id: uuid.UUID) -> Spo2ScaleRead:
    """The SpO2 scale NEWS2 uses for the episode (1 unless a physician set 2)."""
    return _scale(service.spo2_scale(ctx, episode_id))


@router.put("/episodes/{episode_id}/spo2-scale", response_model=Spo2ScaleRead, responses=_REFUSALS)
def set_spo2_scale(ctx: ContextDep, episode_id: uuid.UUID, data: Spo2ScaleSet) -> Spo2ScaleRead:
    """A physician sets the episode's SpO2 scale (2: hypercapnic respiratory failure, target
    88-92 %). Sets measured afterwards are scored with it; the decision is on the timeline."""
    return _scale(service.set_spo2_scale(ctx, episode_id, data))


def _read(view: service.ObservationView) -> ObservationRead:
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


def _fhir_request(resource: str) -> dict[str, Any]:
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


_FHIR_ANSWERS: dict[int | str, dict[str, Any]] = {
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


def _fhir(content: dict[str, Any], status_code: int = 200, **headers: str) -> JSONResponse:
    return JSONResponse(
        content, status_code=status_code, media_type=fhir.MEDIA_TYPE, headers=headers
    )


@fhir_router.post(
    "/Observation",
    response_model=None,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=_fhir_request("Observation"),
    responses={200: {"description": "already stored under this identifier"}, **_FHIR_ANSWERS},
)
def fhir_create_observation(ctx: ContextDep, body: FhirBody) -> JSONResponse:
    """A vital-signs Observation (one measurement occasion; a panel's components are one
    set). 201 with the stored set as an Observation; 200 when its `identifier` was sent
    before (nothing new is stored)."""
    occasion = fhir.parse_observation(fhir.load_json(body))
    result = service.ingest_fhir(ctx, [occasion])[0]
    read = _read(result.view)
    return _fhir(
        fhir.render(read),
        status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        Location=f"Observation/{read.id}/_history/1",
        ETag='W/"1"',
    )


@fhir_router.post(
    "",
    response_model=None,
    openapi_extra=_fhir_request("Bundle"),
    responses={200: {"description": "a transaction-response Bundle"}, **_FHIR_ANSWERS},
)
def fhir_transaction(ctx: ContextDep, body: FhirBody) -> JSONResponse:
    """A transaction Bundle of Observation POSTs, all or nothing. Observations of one
    patient with the same effective time (and device) are one measurement occasion, scored
    together."""
    occasions, entries = fhir.parse_transaction(fhir.load_json(body))
    results = service.ingest_fhir(ctx, occasions)
    per_entry: list[tuple[ObservationRead, bool] | None] = [None] * entries
    for occasion, result in zip(occasions, results, strict=True):
        read = _read(result.view)
        for entry in occasion.entries:
            per_entry[entry] = (read, result.created)
    return _fhir(fhir.transaction_response([e for e in per_entry if e is not None]))


@fhir_router.get("/Observation/{observation_id}", response_model=None, responses=_FHIR_ANSWERS)
def fhir_read_observation(ctx: ContextDep, observation_id: uuid.UUID) -> JSONResponse:
    """A stored set as a vital-signs panel Observation."""
    return _fhir(fhir.render(_read(service.get(ctx, observation_id))))
