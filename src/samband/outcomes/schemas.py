"""The shapes of the outcomes API: the patient's trygghet questionnaire."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, StringConstraints

from samband.kit.schemas import FREE_TEXT, ReadModel
from samband.outcomes.questionnaire import KEYS, NAME, SCALE

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


class QuestionnaireRead(ReadModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    questionnaire: str = NAME
    answered_at: datetime
    answered_by: str
    answers: dict[str, int]
    comment: str | None = None
    recorded_by_id: uuid.UUID
