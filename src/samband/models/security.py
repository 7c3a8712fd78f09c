"""Login attempts: what the login throttle counts (issue 10). Kept in the database, so the
wait holds across every process of the app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, IdMixin


class LoginAttempt(IdMixin, Base):
    """One try to log in (page or API), successful or not. Refusals during a wait are not
    attempts (the password was not checked); they are in the access log as login_locked."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    at: Mapped[datetime]
    # the name tried, as typed (at most 80 characters kept); also names no account
    username: Mapped[str] = mapped_column(String(80))
    # the client's address as the server sees it (behind a proxy: X-Forwarded-For, when the
    # proxy is trusted)
    address: Mapped[str | None] = mapped_column(String(64))
    success: Mapped[bool]


class FormSubmission(Base):
    """A page form that was sent: each rendered form carries a one-time ``form_id``
    (``{{ csrf_field() }}``), claimed here when it is posted, so a double-click acts once
    (issue 10). Rows older than a day are removed as new ones come."""

    __tablename__ = "form_submissions"

    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
