"""HTTP for the outcome follow-up: the patient's trygghet questionnaire at discharge."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.models import QuestionnaireResponse
from samband.outcomes import service
from samband.outcomes.schemas import QuestionnaireCreate, QuestionnaireRead

router = APIRouter(prefix="/api/v1/episodes", tags=["outcomes"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this"},
    404: {"description": "no such episode, or no care relationship with the patient"},
    409: {"description": "already answered, or the patient has not been at home"},
}


@router.post(
    "/{episode_id}/questionnaire",
    response_model=QuestionnaireRead,
    status_code=status.HTTP_201_CREATED,
    responses=_REFUSALS,
)
def record_questionnaire(
    ctx: ContextDep, episode_id: uuid.UUID, data: QuestionnaireCreate
) -> QuestionnaireRead:
    """The patient's answers to the trygghet questionnaire (docs/indicators.md), entered on
    the tablet at home or by staff for the patient; once per episode, after going home."""
    return _read(service.record_questionnaire(ctx, episode_id, data))


@router.get("/{episode_id}/questionnaire", response_model=QuestionnaireRead, responses=_REFUSALS)
def get_questionnaire(ctx: ContextDep, episode_id: uuid.UUID) -> QuestionnaireRead:
    """The episode's answers (404 if not answered yet)."""
    return _read(service.get_questionnaire(ctx, episode_id))


def _read(response: QuestionnaireResponse) -> QuestionnaireRead:
    answers = dict(response.answers or {})
    comment = answers.pop("comment", None)
    return QuestionnaireRead(
        id=response.id,
        episode_id=response.episode_id,
        questionnaire=response.questionnaire,
        answered_at=response.answered_at,
        answered_by=response.answered_by,
        answers={k: v for k, v in answers.items() if isinstance(v, int)},
        comment=comment if isinstance(comment, str) else None,
        recorded_by_id=response.recorded_by_id,
    )
