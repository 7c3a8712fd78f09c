"""The discharge summary (utskrivningsinformation) (issue 14)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "discharge_summaries",
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("composed_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("follow_up", sa.JSON(), nullable=False),
        sa.Column("assessment", sa.Text(), nullable=True),
        sa.Column("advice", sa.Text(), nullable=True),
        sa.Column("amends_id", sa.Uuid(), nullable=True),
        sa.Column("amendment_reason", sa.Text(), nullable=True),
        sa.Column("signed_by_id", sa.Uuid(), nullable=True),
        sa.Column("signed_by_name", sa.String(length=200), nullable=True),
        sa.Column("signed_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent", sa.JSON(), nullable=False),
        sa.Column("sent_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amends_id"],
            ["discharge_summaries.id"],
            name=op.f("fk_discharge_summaries_amends_id_discharge_summaries"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_discharge_summaries_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_discharge_summaries_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_discharge_summaries_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_discharge_summaries_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["users.id"], name=op.f("fk_discharge_summaries_signed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_discharge_summaries_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discharge_summaries")),
        sa.UniqueConstraint("episode_id", "version", name="one_per_version"),
    )
    with op.batch_alter_table("discharge_summaries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discharge_summaries_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_discharge_summaries_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discharge_summaries_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("discharge_summaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discharge_summaries_status"))
        batch_op.drop_index(batch_op.f("ix_discharge_summaries_patient_id"))
        batch_op.drop_index(batch_op.f("ix_discharge_summaries_episode_id"))
    op.drop_table("discharge_summaries")
