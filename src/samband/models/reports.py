"""A report made as a job (issue 11): who asked for it, with what parameters, its status and,
once made, the file itself.

The report is made AS the person who asked (their permissions, their care relationships,
their access-log rows), by the job ``reports.render``; only that person may read the row or
download the file. The file is kept until ``expires_at`` (then refused, and deleted by the
next ``reports.render`` job).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class ReportFile(IdMixin, CreatedMixin, Base):
    __tablename__ = "report_files"
    __table_args__ = (
        Index("ix_report_files_user_created", "user_id", "created_at"),
        Index("ix_report_files_expires_at", "expires_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))  # outcomes
    format: Mapped[str] = mapped_column(String(10))  # csv | html | pdf | parquet
    # {"from", "to", "pathway", "type", "organisation", "trace", "language"}
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20))  # queued | running | done | failed
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # the file (loaded only when asked for: a list of reports never reads the bytes)
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    media_type: Mapped[str | None] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
