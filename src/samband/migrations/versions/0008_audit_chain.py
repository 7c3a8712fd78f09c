"""The access log as a hash chain (issue 10); owner vs service role on PostgreSQL

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

audit_events gets its place in a hash chain (seq, logged_at, prev_hash, row_hash; decision
0009) and audit_chain_head holds the chain's newest seq and hash. Rows that exist already
are chained in the order they happened (at, id), with logged_at = at.

The database refuses more than before:
- PostgreSQL: TRUNCATE of audit_events (UPDATE and DELETE were refused by 0002); the head
  may only move forwards, to a row that exists, and is never removed. The privileges of the
  service's role (SELECT and INSERT only on audit_events) are granted after every upgrade
  by `samband db upgrade` (samband.migrate.grant_app_role), not here: they depend on the
  deployment's role name.
- SQLite: INSERT OR REPLACE (a BEFORE INSERT trigger refuses a row whose id or seq exists;
  with recursive_triggers the REPLACE's delete is refused as well); the same rules for the
  head as on PostgreSQL.
"""

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import samband.models.base
from samband.audit import chain

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "the access log is append-only"
HEAD_RULE = "the head of the access log chain only moves forwards, to a row that exists"
BATCH = 5000

# audit_events as it is at this revision (not the model: later revisions may change it)
events = sa.table(
    "audit_events",
    sa.column("id", sa.Uuid()),
    sa.column("at", samband.models.base.UTCDateTime()),
    sa.column("user_id", sa.Uuid()),
    sa.column("username", sa.String()),
    sa.column("role", sa.String()),
    sa.column("organisation_id", sa.Uuid()),
    sa.column("organisation_code", sa.String()),
    sa.column("unit_id", sa.Uuid()),
    sa.column("unit_code", sa.String()),
    sa.column("patient_id", sa.Uuid()),
    sa.column("action", sa.String()),
    sa.column("resource_type", sa.String()),
    sa.column("resource_id", sa.String()),
    sa.column("allowed", sa.Boolean()),
    sa.column("emergency", sa.Boolean()),
    sa.column("reason", sa.Text()),
    sa.column("method", sa.String()),
    sa.column("path", sa.String()),
    sa.column("status_code", sa.Integer()),
    sa.column("seq", sa.BigInteger()),
    sa.column("logged_at", samband.models.base.UTCDateTime()),
    sa.column("prev_hash", sa.String()),
    sa.column("row_hash", sa.String()),
)
heads = sa.table(
    "audit_chain_head",
    sa.column("id", sa.Integer()),
    sa.column("chain_id", sa.Uuid()),
    sa.column("seq", sa.BigInteger()),
    sa.column("row_hash", sa.String()),
    sa.column("logged_at", samband.models.base.UTCDateTime()),
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.add_column("audit_events", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.add_column(
        "audit_events",
        sa.Column("logged_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("row_hash", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_audit_events_seq"), "audit_events", ["seq"], unique=True)
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chain_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("logged_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )

    # chain the rows there are, with the append-only trigger out of the way meanwhile
    if postgresql:
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
    chain_id = uuid.uuid4()
    head = _backfill(chain.Head(seq=0, row_hash=chain.genesis(str(chain_id))))
    if postgresql:
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    else:
        op.execute(_sqlite_refusal("UPDATE"))
    op.execute(
        heads.insert().values(
            id=1,
            chain_id=chain_id,
            seq=head.seq,
            row_hash=head.row_hash,
            logged_at=head.logged_at,
        )
    )

    if postgresql:
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _backfill(head: chain.Head) -> chain.Head:
    """Chain the existing rows after ``head`` in the order they happened, BATCH at a time."""
    bind = op.get_bind()
    columns = [events.c[name] for name in chain.CONTENT_COLUMNS]
    change = (
        sa.update(events)
        .where(events.c.id == sa.bindparam("b_id"))
        .values(
            seq=sa.bindparam("b_seq"),
            logged_at=sa.bindparam("b_logged_at"),
            prev_hash=sa.bindparam("b_prev_hash"),
            row_hash=sa.bindparam("b_row_hash"),
        )
    )
    after: tuple[Any, Any] | None = None
    while True:
        query = sa.select(*columns)
        if after is not None:
            at, row_id = after
            query = query.where(
                sa.or_(events.c.at > at, sa.and_(events.c.at == at, events.c.id > row_id))
            )
        found = bind.execute(query.order_by(events.c.at, events.c.id).limit(BATCH)).all()
        if not found:
            return head
        rows = [dict(row._mapping) for row in found]
        for row in rows:
            # written when it happened, as far as anyone knows
            head = chain.link([row], head, row["at"])
        bind.execute(
            change,
            [
                {
                    "b_id": row["id"],
                    "b_seq": row["seq"],
                    "b_logged_at": row["logged_at"],
                    "b_prev_hash": row["prev_hash"],
                    "b_row_hash": row["row_hash"],
                }
                for row in rows
            ],
        )
        after = (found[-1].at, found[-1].id)


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
    )
    op.execute(
        f"""
        CREATE FUNCTION audit_chain_head_forward() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'UPDATE' THEN
                RAISE EXCEPTION '{HEAD_RULE}: % is refused', TG_OP;
            END IF;
            IF NEW.id <> OLD.id OR NEW.chain_id <> OLD.chain_id OR NEW.seq < OLD.seq THEN
                RAISE EXCEPTION '{HEAD_RULE} (from % to %)', OLD.seq, NEW.seq;
            END IF;
            IF NEW.seq > 0 AND NOT EXISTS (
                SELECT 1 FROM audit_events WHERE seq = NEW.seq AND row_hash = NEW.row_hash
            ) THEN
                RAISE EXCEPTION '{HEAD_RULE}: no row at seq % with that hash', NEW.seq;
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql;
        """  # noqa: S608 - constants only
    )
    op.execute(
        "CREATE TRIGGER audit_chain_head_forward BEFORE INSERT OR UPDATE OR DELETE "
        "ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward()"
    )
    op.execute(
        "CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward()"
    )


def _sqlite_refusal(action: str) -> str:
    """0002's trigger refusing UPDATE or DELETE of audit_events."""
    return (
        f"CREATE TRIGGER audit_events_no_{action.lower()} BEFORE {action} ON audit_events "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
    )


def _sqlite_triggers() -> None:
    op.execute(
        "CREATE TRIGGER audit_events_no_replace BEFORE INSERT ON audit_events "  # noqa: S608
        "WHEN EXISTS (SELECT 1 FROM audit_events WHERE id = NEW.id) "
        "OR (NEW.seq IS NOT NULL AND EXISTS (SELECT 1 FROM audit_events WHERE seq = NEW.seq)) "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}: a row with this id or seq exists'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head "  # noqa: S608
        "WHEN NEW.id <> OLD.id OR NEW.chain_id <> OLD.chain_id OR NEW.seq < OLD.seq "
        "OR (NEW.seq > 0 AND NOT EXISTS (SELECT 1 FROM audit_events "
        "WHERE seq = NEW.seq AND row_hash = NEW.row_hash)) "
        f"BEGIN SELECT RAISE(ABORT, '{HEAD_RULE}'); END"
    )
    for action in ("INSERT", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_chain_head_no_{action.lower()} BEFORE {action} "
            f"ON audit_chain_head BEGIN SELECT RAISE(ABORT, '{HEAD_RULE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.drop_table("audit_chain_head")  # its triggers with it
        op.execute("DROP FUNCTION audit_chain_head_forward()")
    else:
        op.execute("DROP TRIGGER audit_events_no_replace")
        op.drop_table("audit_chain_head")
    op.drop_index(op.f("ix_audit_events_seq"), table_name="audit_events")
    for name in ("row_hash", "prev_hash", "logged_at", "seq"):
        op.drop_column("audit_events", name)
