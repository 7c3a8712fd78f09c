"""The access log's chain in the database (decision 0009): the one place that writes
audit_events, and the queries that read the chain back for `samband audit verify`.

``append`` locks the chain's head (``SELECT … FOR UPDATE`` on the one row of
audit_chain_head; on SQLite every transaction is ``BEGIN IMMEDIATE``, which holds the
database's write lock already), gives the new rows their places after it
(``chain.link``, in Python), inserts them in one statement and moves the head, all in the
caller's transaction. Two transactions writing the log therefore take turns: the chain
stays one line. The lock is held from the write to the commit, which follows it directly.

On PostgreSQL the users the new rows name are locked ``FOR KEY SHARE`` *before* the head,
as the INSERT's foreign-key check would lock them after it: a transaction holding that user
``FOR UPDATE`` (an administrator editing the account) and then waiting for the head would
otherwise deadlock with the head's holder. (Organisations and units, the other references,
are never locked FOR UPDATE; lock them here too if that changes.)
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_, or_, select, update
from sqlalchemy.orm import Session

from samband.audit import chain
from samband.db import insert_rows
from samband.kit.time import utcnow
from samband.models import AuditChainHead, AuditEvent, User

HEAD_ID = 1
EVENTS: Table = AuditEvent.__table__  # type: ignore[assignment]
HEADS: Table = AuditChainHead.__table__  # type: ignore[assignment]
ROW_COLUMNS = [EVENTS.c[name] for name in (*chain.CHAIN_COLUMNS, *chain.CONTENT_COLUMNS)]
BATCH = 5000


class ChainUnavailable(RuntimeError):
    """The chain's head row is missing: the access log cannot be written (a request fails
    rather than write rows nobody can verify)."""


def append(session: Session, rows: Sequence[MutableMapping[str, Any]]) -> None:
    """Write new access-log rows (every content column given) at the end of the chain."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        _share_referenced(session, rows)
    found = session.execute(
        select(HEADS.c.seq, HEADS.c.row_hash, HEADS.c.logged_at)
        .where(HEADS.c.id == HEAD_ID)
        .with_for_update()
    ).one_or_none()
    if found is None:
        raise ChainUnavailable(
            "the access log's chain head (audit_chain_head) is missing: nothing can be logged; "
            "run `samband audit verify`"
        )
    head = chain.link(rows, chain.Head(*found), utcnow())
    insert_rows(session, EVENTS, rows)
    session.execute(
        update(HEADS)
        .where(HEADS.c.id == HEAD_ID)
        .values(seq=head.seq, row_hash=head.row_hash, logged_at=head.logged_at)
    )


def _share_referenced(session: Session, rows: Sequence[MutableMapping[str, Any]]) -> None:
    ids = {row["user_id"] for row in rows if row.get("user_id") is not None}
    if ids:
        session.execute(
            select(User.id).where(User.id.in_(ids)).with_for_update(read=True, key_share=True)
        )


@dataclass(frozen=True)
class HeadRow:
    """The head table's row, and the hash of the access-log row at its seq (None: no row
    there), read in one statement."""

    head: chain.Head
    chain_id: str
    row_hash_at_seq: str | None


def read_head(session: Session) -> HeadRow | None:
    """The chain's head (None: the head row is missing)."""
    at_seq = select(EVENTS.c.row_hash).where(EVENTS.c.seq == HEADS.c.seq).limit(1).scalar_subquery()
    found = session.execute(
        select(HEADS.c.seq, HEADS.c.row_hash, HEADS.c.logged_at, HEADS.c.chain_id, at_seq).where(
            HEADS.c.id == HEAD_ID
        )
    ).one_or_none()
    if found is None:
        return None
    seq, digest, logged_at, chain_id, at_seq_hash = found
    return HeadRow(chain.Head(seq, digest, logged_at), str(chain_id), at_seq_hash)


def chained_rows(session: Session, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Every row with a seq, in (seq, id) order, fetched ``batch`` at a time (keyset
    pagination: constant memory, and no cursor held open between batches)."""
    after: tuple[int, Any] | None = None
    while True:
        query = select(*ROW_COLUMNS).where(EVENTS.c.seq.is_not(None))
        if after is not None:
            seq, row_id = after
            query = query.where(
                or_(EVENTS.c.seq > seq, and_(EVENTS.c.seq == seq, EVENTS.c.id > row_id))
            )
        found = session.execute(query.order_by(EVENTS.c.seq, EVENTS.c.id).limit(batch)).all()
        for row in found:
            yield dict(row._mapping)
        if len(found) < batch:
            return
        after = (found[-1].seq, found[-1].id)


def unchained_rows(session: Session, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Rows without a seq (written around the chain), in id order, ``batch`` at a time."""
    after: Any = None
    while True:
        query = select(*ROW_COLUMNS).where(EVENTS.c.seq.is_(None))
        if after is not None:
            query = query.where(EVENTS.c.id > after)
        found = session.execute(query.order_by(EVENTS.c.id).limit(batch)).all()
        for row in found:
            yield dict(row._mapping)
        if len(found) < batch:
            return
        after = found[-1].id
