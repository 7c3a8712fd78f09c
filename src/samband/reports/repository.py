"""The reports' queries."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, undefer

from samband.models import Organisation, ReportFile, User


def add(session: Session, report: ReportFile) -> None:
    session.add(report)
    session.flush()


def of_user(
    session: Session, report_id: uuid.UUID, user_id: uuid.UUID, *, content: bool = False
) -> ReportFile | None:
    """One report, only if ``user_id`` asked for it."""
    query = select(ReportFile).where(ReportFile.id == report_id, ReportFile.user_id == user_id)
    if content:
        query = query.options(undefer(ReportFile.content))
    return session.scalars(query).one_or_none()


def list_of_user(
    session: Session, user_id: uuid.UUID, now: datetime, limit: int
) -> list[ReportFile]:
    """The user's reports not yet expired, newest first (without their bytes)."""
    return list(
        session.scalars(
            select(ReportFile)
            .where(ReportFile.user_id == user_id, ReportFile.expires_at > now)
            .order_by(ReportFile.created_at.desc(), ReportFile.id)
            .limit(limit)
        )
    )


def for_job(session: Session, report_id: uuid.UUID) -> ReportFile | None:
    return session.scalars(
        select(ReportFile).where(ReportFile.id == report_id).with_for_update()
    ).one_or_none()


def user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def organisation_exists(session: Session, code: str) -> bool:
    return bool(session.scalar(select(exists().where(Organisation.code == code))))


def delete_expired(session: Session, now: datetime) -> int:
    result = session.execute(delete(ReportFile).where(ReportFile.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
