"""Sample orders and laboratory results (issue 14)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sample_orders",
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("activity_key", sa.String(length=60), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("tests", sa.JSON(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ordered_by_id", sa.Uuid(), nullable=False),
        sa.Column("taken_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("taken_by_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("cancelled_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_sample_orders_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["ordered_by_id"], ["users.id"], name=op.f("fk_sample_orders_ordered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_sample_orders_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"], ["users.id"], name=op.f("fk_sample_orders_taken_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_orders")),
        sa.UniqueConstraint(
            "episode_id", "activity_key", "day", name=op.f("uq_sample_orders_episode_id")
        ),
    )
    op.create_index(
        op.f("ix_sample_orders_episode_id"), "sample_orders", ["episode_id"], unique=False
    )
    op.create_index(
        op.f("ix_sample_orders_patient_id"), "sample_orders", ["patient_id"], unique=False
    )
    op.create_table(
        "lab_results",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("test", sa.String(length=30), nullable=False),
        sa.Column("loinc", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("ref_low", sa.Float(), nullable=True),
        sa.Column("ref_high", sa.Float(), nullable=True),
        sa.Column("flag", sa.String(length=2), nullable=True),
        sa.Column("taken_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sample_order_id", sa.Uuid(), nullable=True),
        sa.Column("identifier", sa.String(length=250), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_lab_results_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_lab_results_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_lab_results_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sample_order_id"],
            ["sample_orders.id"],
            name=op.f("fk_lab_results_sample_order_id_sample_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["source_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_lab_results_source_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_results")),
        sa.UniqueConstraint(
            "source_organisation_id",
            "identifier",
            name=op.f("uq_lab_results_source_organisation_id"),
        ),
    )
    op.create_index(
        "ix_lab_results_episode_test",
        "lab_results",
        ["episode_id", "test", "taken_at"],
        unique=False,
    )
    op.create_index(op.f("ix_lab_results_patient_id"), "lab_results", ["patient_id"], unique=False)
    op.create_index(
        op.f("ix_lab_results_sample_order_id"), "lab_results", ["sample_order_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_lab_results_sample_order_id"), table_name="lab_results")
    op.drop_index(op.f("ix_lab_results_patient_id"), table_name="lab_results")
    op.drop_index("ix_lab_results_episode_test", table_name="lab_results")
    op.drop_table("lab_results")
    op.drop_index(op.f("ix_sample_orders_patient_id"), table_name="sample_orders")
    op.drop_index(op.f("ix_sample_orders_episode_id"), table_name="sample_orders")
    op.drop_table("sample_orders")
