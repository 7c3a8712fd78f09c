"""A report as the API takes and shows it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samband.kit.schemas import NAME, ReadModel

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), NAME]


class ReportKind(StrEnum):
    OUTCOMES = "outcomes"


class ReportFormat(StrEnum):
    CSV = "csv"
    HTML = "html"
    PDF = "pdf"
    PARQUET = "parquet"


class EpisodeType(StrEnum):
    ADMISSION_AVOIDANCE = "admission_avoidance"
    EARLY_SUPPORTED_DISCHARGE = "early_supported_discharge"


class Language(StrEnum):
    SV = "sv"
    EN = "en"


class ReportCreate(BaseModel):
    """The outcome report of a period (Swedish dates, both included), as on /outcomes."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: ReportKind = ReportKind.OUTCOMES
    format: ReportFormat
    first_day: date = Field(alias="from", description="The first day, YYYY-MM-DD.")
    last_day: date = Field(alias="to", description="The last day (included), YYYY-MM-DD.")
    pathway: Code | None = Field(default=None, description="Only this pathway (its key).")
    type: EpisodeType | None = None
    organisation: Code | None = Field(
        default=None, description="Only this responsible organisation (its code)."
    )
    trace: bool = Field(
        default=False,
        description="List the episode ids behind each number (only those you may see; "
        "needs patient:read; csv, html and parquet).",
    )
    language: Language = Language.SV


class ReportRead(ReadModel):
    id: uuid.UUID
    kind: str
    format: str
    parameters: dict[str, Any]
    status: str  # queued | running | done | failed
    error: str | None
    attempts: int
    media_type: str | None
    filename: str | None
    size: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime
    file_url: str | None = Field(
        default=None, description="Where the file is downloaded from, once it is done."
    )
