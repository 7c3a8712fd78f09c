"""The shapes of the outcomes API: the patient's trygghet questionnaire."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from samband.kit.schemas import FREE_TEXT, ReadModel
from samband.outcomes.questionnaire import KEYS, NAME, SCALE, answer_problems

Comment = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), FREE_TEXT
]


class AnsweredBy(StrEnum):
    PATIENT = "patient"
    NEXT_OF_KIN = "next_of_kin"
    STAFF_ON_BEHALF = "staff_on_behalf"  # staff read the questions and entered the answers


class QuestionnaireCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: dict[str, StrictInt] = Field(
        description=f"question → {SCALE[0]} (does not agree at all) .. {SCALE[1]} (agrees "
        f"completely); questions: {', '.join(KEYS)}; felt_safe is required",
        examples=[{"felt_safe": 5, "knew_whom_to_call": 4}],
        max_length=len(KEYS),
    )
    comment: Comment | None = None
    answered_by: AnsweredBy = AnsweredBy.PATIENT
    answered_at: AwareDatetime | None = Field(
        default=None, description="when it was answered (default: now)"
    )

    @field_validator("answers", mode="before")
    @classmethod
    def _answers(cls, value: Any) -> Any:
        """Every problem with the answers at once, each at its question (``answers.<key>``),
        with its code: the API answers the codes, a page shows them in the reader's language
        (``ctx["problem"]``, read by app.py and web/base.parse_form)."""
        if not isinstance(value, dict):
            return value  # pydantic says it is not an object
        _, problems = answer_problems(value)
        if problems:
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(p.code, p.text("en"), {"problem": p}),
                        loc=(p.field or "",),
                        input=value.get(p.field or ""),
                    )
                    for p in problems
                ],
            )
        return value


class QuestionnaireRead(ReadModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    questionnaire: str = NAME
    answered_at: datetime
    answered_by: str
    answers: dict[str, int]
    comment: str | None = None
    recorded_by_id: uuid.UUID
