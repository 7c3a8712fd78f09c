"""HTTP for taking in vital signs: the JSON API (``POST /api/v1/observations``, ``…/batch``)
and FHIR R4 (``POST /fhir/R4/Observation``, a transaction Bundle). Parse, call
``monitoring.intake`` (the observations store and score, the alerts decide), shape the
answer. Reading sets is ``observations/router.py``; its answer shapes are shared.
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from samband.deps import ContextDep
from samband.labresults import fhir as lab_fhir
from samband.labresults import service as labresults
from samband.monitoring import intake
from samband.observations import fhir
from samband.observations.router import (
    FHIR_ANSWERS,
    REFUSALS,
    REPLAYED,
    FhirBody,
    fhir_answer,
    fhir_request,
    read_view,
)
from samband.observations.schemas import (
    BatchItemRead,
    BatchRead,
    ObservationBatch,
    ObservationCreate,
    ObservationRead,
)

router = APIRouter(prefix="/api/v1", tags=["observations"])
fhir_router = APIRouter(prefix="/fhir/R4", tags=["fhir"])


@router.post(
    "/observations",
    response_model=ObservationRead,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "a duplicate, stored before under its client_id"}, **REFUSALS},
)
def create_observation(
    ctx: ContextDep, data: ObservationCreate, response: Response
) -> ObservationRead:
    """Take in one measurement occasion: stored, scored (NEWS2), flagged if implausible,
    and its alerts raised. 201 when stored; 200 with the stored set (same id) when its
    `client_id` was sent before: nothing new is stored."""
    result = intake.ingest_one(ctx, data)
    if not result.created:
        response.status_code = status.HTTP_200_OK
        response.headers[REPLAYED] = "true"
    return read_view(result.view)


@router.post("/observations/batch", response_model=BatchRead, responses=REFUSALS)
def create_observations(ctx: ContextDep, data: ObservationBatch) -> Response:
    """Take in up to 1000 sets, all or nothing: one bad item (its field named, e.g.
    `items.3.spo2`) and nothing is stored. Items already stored under their `client_id`
    are answered as `duplicate` with the stored set."""
    results = intake.ingest(ctx, data.items)
    # serialised here: FastAPI would dump the answer to a dict and validate it again
    # against BatchRead before writing it (a thousand sets: some 10 ms for nothing)
    answer = BatchRead(
        created=sum(r.created for r in results),
        duplicates=sum(not r.created for r in results),
        items=[
            BatchItemRead(
                index=index,
                result="created" if r.created else "duplicate",
                observation=read_view(r.view),
            )
            for index, r in enumerate(results)
        ],
    )
    return Response(answer.model_dump_json(), media_type="application/json")


# -- FHIR R4 ----------------------------------------------------------------------------------


@fhir_router.post(
    "/Observation",
    response_model=None,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=fhir_request("Observation"),
    responses={200: {"description": "already stored under this identifier"}, **FHIR_ANSWERS},
)
def fhir_create_observation(ctx: ContextDep, body: FhirBody) -> JSONResponse:
    """A vital-signs Observation (one measurement occasion; a panel's components are one
    set). 201 with the stored set as an Observation; 200 when its `identifier` was sent
    before (nothing new is stored)."""
    raw = fhir.load_json(body)
    if lab_fhir.is_laboratory(raw):  # issue 14: a laboratory result (labresults)
        stored = labresults.receive_fhir(ctx, [lab_fhir.parse(raw)])[0]
        lab = labresults.rendered(stored.result)
        return fhir_answer(
            lab_fhir.render(lab),
            status.HTTP_201_CREATED if stored.created else status.HTTP_200_OK,
            Location=f"Observation/{lab.id}/_history/1",
            ETag='W/"1"',
        )
    occasion = fhir.parse_observation(raw)
    result = intake.ingest_fhir(ctx, [occasion])[0]
    read = read_view(result.view)
    return fhir_answer(
        fhir.render(read),
        status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        Location=f"Observation/{read.id}/_history/1",
        ETag='W/"1"',
    )


@fhir_router.post(
    "",
    response_model=None,
    openapi_extra=fhir_request("Bundle"),
    responses={200: {"description": "a transaction-response Bundle"}, **FHIR_ANSWERS},
)
def fhir_transaction(ctx: ContextDep, body: FhirBody) -> JSONResponse:
    """A transaction Bundle of Observation POSTs, all or nothing. Observations of one
    patient with the same effective time (and device) are one measurement occasion, scored
    together."""
    raw = fhir.load_json(body)
    labs = lab_fhir.parse_transaction(raw)  # issue 14: laboratory results (labresults)
    if labs is not None:
        stored = labresults.receive_fhir(ctx, labs)
        return fhir_answer(
            lab_fhir.transaction_response(
                [(labresults.rendered(s.result), s.created) for s in stored]
            )
        )
    occasions, entries = fhir.parse_transaction(raw)
    results = intake.ingest_fhir(ctx, occasions)
    per_entry: list[tuple[ObservationRead, bool] | None] = [None] * entries
    for occasion, result in zip(occasions, results, strict=True):
        read = read_view(result.view)
        for entry in occasion.entries:
            per_entry[entry] = (read, result.created)
    return fhir_answer(fhir.transaction_response([e for e in per_entry if e is not None]))
