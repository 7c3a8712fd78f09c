"""Pydantic shapes of the access log (HSLF-FS 2016:40 4 kap. 9 §) and its review."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from samband.kit.schemas import ReadModel, Text


class AuditEventRead(ReadModel):
    """One access, or attempted access, to patient data."""

    id: uuid.UUID
    at: datetime
    user_id: uuid.UUID | None
    username: str | None
    role: str | None
    organisation_id: uuid.UUID | None
    organisation_code: str | None
    unit_id: uuid.UUID | None
    unit_code: str | None
    patient_id: uuid.UUID | None
    action: str
    resource_type: str
    resource_id: str | None
    allowed: bool
    emergency: bool
    reason: str | None
    method: str | None
    path: str | None
    status_code: int | None


class ExtractEntry(BaseModel):
    """A line of the patient's access-log extract (loggutdrag)."""

    at: datetime
    organisation_code: str | None
    organisation_name: str | None
    unit_code: str | None
    unit_name: str | None
    action: str
    resource_type: str
    emergency: bool


class ExtractOrganisation(BaseModel):
    code: str | None
    name: str | None
    accesses: int
    first_at: datetime
    last_at: datetime


class AuditExtractRead(BaseModel):
    """Which organisations and units accessed the patient's data, how, and when (oldest
    first). Denied attempts are not accesses and are left out."""

    patient_id: uuid.UUID
    personnummer: str
    # the care provider (vårdgivare) whose log this is, e.g. "Region Dalarna"
    care_provider: str
    generated_at: datetime
    organisations: list[ExtractOrganisation]
    entries: list[ExtractEntry]


class AuditSampleRead(BaseModel):
    """A random sample of allowed accesses (emergency ones included) for the systematic
    review the law requires."""

    n: int
    seed: int | None
    since: datetime | None
    until: datetime | None
    items: list[AuditEventRead]
    # the review marks of the sampled rows that have one
    reviews: list[AuditReviewRead] = []


class EmergencyAccessAuditRead(BaseModel):
    """An emergency access (nödåtkomst), for the auditor's review."""

    id: uuid.UUID
    user_id: uuid.UUID
    username: str
    role: str
    organisation_code: str
    patient_id: uuid.UUID
    reason: str
    created_at: datetime
    expires_at: datetime
    reviewed: bool
    reviewed_by_id: uuid.UUID | None
    reviewed_at: datetime | None
    review_note: str | None


class EmergencyAccessReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Text


ReviewKind = Literal["sample", "relationship_start", "block_override"]
FlaggedKind = Literal["relationship_start", "block_override"]


class AuditReviewCreate(BaseModel):
    """Mark an access-log row reviewed, with a note. The row itself never changes."""

    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID
    note: Text


class AuditReviewRead(ReadModel):
    """A review mark: which row, from which list (the sample, a new care relationship, an
    overridden block), by whom, when, and the note."""

    id: uuid.UUID
    event_id: uuid.UUID
    kind: ReviewKind
    reviewed_by_id: uuid.UUID
    reviewed_at: datetime
    note: str


class FlaggedEventRead(BaseModel):
    """A row to review, with its review mark once it has one."""

    event: AuditEventRead
    review: AuditReviewRead | None


AuditSampleRead.model_rebuild()
