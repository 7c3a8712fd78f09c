"""The auditor's review marks and per-care-provider log (issue 10)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

audit_reviews: an access-log row marked as reviewed (from the review sample, or a new care
relationship or an overridden block to review), by whom, when, with a note. One mark per
event. The log itself (audit_events) stays append-only: a mark is a row of its own.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_reviews",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reviewed_by_id", sa.Uuid(), nullable=False),
        sa.Column("reviewed_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_events.id"], name=op.f("fk_audit_reviews_event_id_audit_events")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_audit_reviews_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_reviews")),
        sa.UniqueConstraint("event_id", name=op.f("uq_audit_reviews_event_id")),
    )


def downgrade() -> None:
    op.drop_table("audit_reviews")
