"""On-call rosters (issue 11)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

- on_call_entries: who covers which slot (weekday day, evening, night, weekend) in which role
  (physician, registered nurse) for an organisation or one of its units, from a date to a
  date (none: the weekly pattern); decision 0014.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = samband.models.base.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "on_call_entries",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("slot", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", UTC, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR name IS NOT NULL", name=op.f("ck_on_call_entries_who")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_on_call_entries_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_on_call_entries_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_on_call_entries_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_on_call_entries_updated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_on_call_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_on_call_entries")),
    )
    op.create_index(
        "ix_on_call_entries_scope",
        "on_call_entries",
        ["organisation_id", "role", "slot"],
        unique=False,
    )
    op.create_index(
        op.f("ix_on_call_entries_unit_id"), "on_call_entries", ["unit_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_on_call_entries_unit_id"), table_name="on_call_entries")
    op.drop_index("ix_on_call_entries_scope", table_name="on_call_entries")
    op.drop_table("on_call_entries")
