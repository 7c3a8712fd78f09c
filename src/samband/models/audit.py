"""The access log (HSLF-FS 2016:40 4 kap. 9 §): who accessed which patient's data, and how.

The rows form a hash chain (decision 0009): each row carries its place in the chain (seq),
the previous row's hash and a hash over its own content and that link, computed by
samband.audit.chain. audit_chain_head holds the newest row's seq and hash."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, IdMixin


class AuditEvent(IdMixin, Base):
    """Append-only: the database refuses UPDATE, DELETE, TRUNCATE and REPLACE, and the
    service's database role may only SELECT and INSERT. Written only by
    samband.audit.ledger.append (through AccessLog.write)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # what a user was already logged as shown in a period (the overview, issue 11)
        Index("ix_audit_events_user_resource_at", "user_id", "resource_type", "at"),
    )

    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    organisation_code: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    # No foreign key: an attempt on an id that does not exist is logged too.
    patient_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(20))  # read | create | update | transition | ...
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    allowed: Mapped[bool]
    emergency: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str | None] = mapped_column(String(300))
    status_code: Mapped[int | None] = mapped_column(Integer)
    # The chain (decision 0009). Nullable on purpose: a row written around the chain is
    # kept, and `samband audit verify` names it ("inserted"), rather than refused.
    seq: Mapped[int | None] = mapped_column(BigInteger, index=True, unique=True)
    logged_at: Mapped[datetime | None]  # when the row was written, under the chain's lock
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class AuditChainHead(Base):
    """One row: the newest access-log row's seq and hash, updated in the transaction that
    writes the rows (locked FOR UPDATE first, so the chain stays one line). The database
    refuses to move it backwards, or to a row that does not exist. chain_id names this
    database's chain in checkpoints."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    chain_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seq: Mapped[int] = mapped_column(BigInteger)
    row_hash: Mapped[str] = mapped_column(String(64))
    logged_at: Mapped[datetime | None]
