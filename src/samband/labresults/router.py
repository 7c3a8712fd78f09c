"""HTTP for samples and results (issue 14). FHIR laboratory Observations come in through the
existing FHIR endpoints (``monitoring/router.py``) and are read back by
``GET /fhir/R4/Observation/{id}`` (``observations/router.py``)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from samband.deps import ContextDep
from samband.labresults import loinc, service
from samband.labresults.criteria import Evaluation
from samband.labresults.schemas import (
    CriterionEvaluationRead,
    LabResultCreate,
    LabResultRead,
    RuleRead,
    SampleOrderCreate,
    SampleOrderRead,
    SampleTaken,
    TestInfo,
)

router = APIRouter(prefix="/api/v1", tags=["samples and results"])

REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this"},
    404: {"description": "no such episode, order or result, or no care relationship"},
    409: {"description": "the client_id was used for other values, or no open episode"},
    422: {"description": "an unknown test, a wrong unit (the right one named), a bad value"},
}


def order_read(view: service.OrderView) -> SampleOrderRead:
    o = view.order
    return SampleOrderRead(
        id=o.id,
        episode_id=o.episode_id,
        patient_id=o.patient_id,
        activity_key=o.activity_key,
        day=o.day,
        due_date=view.due_date,
        tests=list(o.tests),
        status=o.status,  # type: ignore[arg-type]
        plan_version=o.plan_version,
        taken_at=o.taken_at,
        taken_by_id=o.taken_by_id,
        results=view.results,
    )


def evaluation_read(evaluation: Evaluation) -> CriterionEvaluationRead:
    return CriterionEvaluationRead(
        criterion=evaluation.text,
        data=evaluation.is_data,
        status=evaluation.status.value if evaluation.status else None,
        rules=[
            RuleRead(rule=r.rule, status=r.status.value, why=r.why.text("en"))
            for r in evaluation.rules
        ],
    )


@router.get("/lab-tests", response_model=list[TestInfo])
def list_tests(ctx: ContextDep) -> list[TestInfo]:
    """The laboratory tests Samband takes: key, LOINC code, UCUM unit, default range."""
    from samband.security.roles import Permission

    ctx.actor.require(Permission.PATIENT_READ)
    return [
        TestInfo(
            key=t.key,
            loinc=t.loinc,
            display=t.display,
            unit=t.unit,
            ref_low=t.ref_low,
            ref_high=t.ref_high,
            also_received_as=list(t.aliases),
        )
        for t in loinc.TESTS.values()
    ]


@router.post(
    "/lab-results",
    response_model=LabResultRead,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "sent before under its client_id"}, **REFUSALS},
)
def create_result(ctx: ContextDep, data: LabResultCreate, response: Response) -> LabResultRead:
    """Enter a result by hand: the unit must be the test's UCUM unit; the reference range is
    the test's default unless given; linked to the open sample order of its test."""
    stored = service.enter(ctx, data)
    if not stored.created:
        response.status_code = status.HTTP_200_OK
    return service.read(stored.result)


@router.get("/lab-results/{result_id}", response_model=LabResultRead, responses=REFUSALS)
def get_result(ctx: ContextDep, result_id: uuid.UUID) -> LabResultRead:
    return service.read(service.get(ctx, result_id))


@router.get(
    "/episodes/{episode_id}/lab-results", response_model=list[LabResultRead], responses=REFUSALS
)
def list_results(ctx: ContextDep, episode_id: uuid.UUID) -> list[LabResultRead]:
    """The episode's results, oldest sample first."""
    return service.episode_results(ctx, episode_id)


@router.get(
    "/episodes/{episode_id}/sample-orders",
    response_model=list[SampleOrderRead],
    responses=REFUSALS,
)
def list_orders(ctx: ContextDep, episode_id: uuid.UUID) -> list[SampleOrderRead]:
    """The episode's sample orders (from the care plan, and by hand), by day."""
    return [order_read(v) for v in service.orders_of_episode(ctx, episode_id)]


@router.post(
    "/episodes/{episode_id}/sample-orders",
    response_model=SampleOrderRead,
    status_code=status.HTTP_201_CREATED,
    responses=REFUSALS,
)
def create_order(
    ctx: ContextDep, episode_id: uuid.UUID, data: SampleOrderCreate
) -> SampleOrderRead:
    """Order samples by hand for a day of the episode."""
    return order_read(service.order(ctx, episode_id, data))


@router.post("/sample-orders/{order_id}/taken", response_model=SampleOrderRead, responses=REFUSALS)
def take_order(ctx: ContextDep, order_id: uuid.UUID, data: SampleTaken) -> SampleOrderRead:
    """The order's samples are taken (by you, now unless taken_at is given)."""
    return order_read(service.mark_taken(ctx, order_id, data))


@router.get(
    "/episodes/{episode_id}/discharge-criteria",
    response_model=list[CriterionEvaluationRead],
    responses=REFUSALS,
)
def discharge_criteria(ctx: ContextDep, episode_id: uuid.UUID) -> list[CriterionEvaluationRead]:
    """The care plan's discharge criteria, each data criterion evaluated: met / not met /
    not enough data and why. A person still confirms them in the round note."""
    return [evaluation_read(e) for e in service.evaluate(ctx, episode_id).evaluations]
