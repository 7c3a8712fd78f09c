"""Pydantic shapes of care requests (vårdbegäran, remiss; FHIR Task)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from samband.carerequests.lifecycle import UNANSWERED, CareRequestKind, CareRequestState
from samband.kit.schemas import Text
from samband.kit.time import utcnow

if TYPE_CHECKING:
    from samband.models import CareRequest


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class CareRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    episode_id: uuid.UUID
    to_organisation_id: uuid.UUID = Field(description="the receiving organisation")
    kind: CareRequestKind
    message: Text | None = None
    answer_within_hours: int = Field(
        default=24, ge=1, le=24 * 30, description="the receiver should answer within this time"
    )


class CareRequestTransition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: CareRequestState
    reason: Text | None = Field(
        default=None, description="needed to decline or cancel; shown to the other organisation"
    )


class MedicationLine(BaseModel):
    drug: str
    dose: str
    route: str
    schedule: str
    given_by: str
    supplied_by: str
    days: int | None = None


class HistoryEntry(BaseModel):
    state: str
    at: datetime
    by: str | None = None
    by_name: str | None = None
    organisation: str | None = None
    reason: str | None = None
    # the catalogue key a page words ``reason`` by (e.g. carerequest.episode_ended)
    reason_key: str | None = None


class CareRequestRead(BaseModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    kind: str
    from_organisation_id: uuid.UUID
    to_organisation_id: uuid.UUID
    state: str
    message: str | None
    answer_by: datetime | None
    overdue: bool = Field(description="sent or received, and not answered by answer_by")
    care_plan_version: int | None
    medication_snapshot: list[MedicationLine]
    # issue 14 (medadmin): the medication list's version sent and the one the receiver
    # acknowledged (GET /api/v1/care-requests/{id}/medication-list: the current one)
    medication_list_version: int | None = None
    medication_acknowledged_version: int | None = None
    decline_reason: str | None
    history: list[HistoryEntry]
    created_at: datetime
    created_by_id: uuid.UUID
    updated_at: datetime | None
    updated_by_id: uuid.UUID | None

    @classmethod
    def of(cls, request: CareRequest, patient_id: uuid.UUID) -> CareRequestRead:
        overdue = (
            request.state in UNANSWERED
            and request.answer_by is not None
            and request.answer_by < utcnow()
        )
        history: list[Any] = request.history or []
        return cls(
            id=request.id,
            episode_id=request.episode_id,
            patient_id=patient_id,
            kind=request.kind,
            from_organisation_id=request.from_organisation_id,
            to_organisation_id=request.to_organisation_id,
            state=request.state,
            message=request.message,
            answer_by=request.answer_by,
            overdue=overdue,
            care_plan_version=request.care_plan_version,
            medication_snapshot=[
                MedicationLine.model_validate(m) for m in request.medication_snapshot
            ],
            medication_list_version=request.medication_list_version,
            medication_acknowledged_version=request.medication_acknowledged_version,
            decline_reason=request.decline_reason,
            history=[HistoryEntry.model_validate(h) for h in history],
            created_at=request.created_at,
            created_by_id=request.created_by_id,
            updated_at=request.updated_at,
            updated_by_id=request.updated_by_id,
        )
