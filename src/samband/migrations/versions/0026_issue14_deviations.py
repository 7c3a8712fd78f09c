"""Deviations across organisations, and their link to a pilot's log (issue 14)

The deviations and their measures; the user's patient safety role (chief physician, MAS),
told of a deviation that may need a Lex Maria report.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


UTC = samband.models.base.UTCDateTime


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("patient_safety_role", sa.String(length=20), nullable=True))
    op.create_table(
        "deviations",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=True),
        sa.Column("pathway", sa.String(length=40), nullable=True),
        sa.Column("reported_by_id", sa.Uuid(), nullable=False),
        sa.Column("reporter_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("concerned_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("occurred_at", UTC(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("consequence", sa.String(length=12), nullable=False),
        sa.Column("immediate_action", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("investigator_id", sa.Uuid(), nullable=True),
        sa.Column("investigation_started_at", UTC(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Uuid(), nullable=True),
        sa.Column("answered_at", UTC(timezone=True), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=True),
        sa.Column("closed_by_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", UTC(timezone=True), nullable=True),
        sa.Column("lex_maria", sa.Boolean(), nullable=False),
        sa.Column("lex_maria_reason", sa.Text(), nullable=True),
        sa.Column("lex_maria_flagged_by_id", sa.Uuid(), nullable=True),
        sa.Column("lex_maria_flagged_at", UTC(timezone=True), nullable=True),
        sa.Column("lex_maria_decision", sa.String(length=14), nullable=True),
        sa.Column("lex_maria_reported_on", sa.Date(), nullable=True),
        sa.Column("lex_maria_decision_reason", sa.Text(), nullable=True),
        sa.Column("lex_maria_decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("lex_maria_decided_at", UTC(timezone=True), nullable=True),
        sa.Column("pilot_log_entry_id", sa.Uuid(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        _fk("deviations", "patient_id", "patients"),
        _fk("deviations", "episode_id", "episodes"),
        _fk("deviations", "reported_by_id", "users"),
        _fk("deviations", "reporter_organisation_id", "organisations"),
        _fk("deviations", "concerned_organisation_id", "organisations"),
        _fk("deviations", "investigator_id", "users"),
        _fk("deviations", "answered_by_id", "users"),
        _fk("deviations", "closed_by_id", "users"),
        _fk("deviations", "lex_maria_flagged_by_id", "users"),
        _fk("deviations", "lex_maria_decided_by_id", "users"),
        _fk("deviations", "pilot_log_entry_id", "pilot_log_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deviations")),
    )
    with op.batch_alter_table("deviations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deviations_patient_id"), ["patient_id"])
        batch_op.create_index(batch_op.f("ix_deviations_episode_id"), ["episode_id"])
        batch_op.create_index(
            "ix_deviations_concerned_status", ["concerned_organisation_id", "status"]
        )
        batch_op.create_index(
            "ix_deviations_reporter_status", ["reporter_organisation_id", "status"]
        )
    op.create_table(
        "deviation_measures",
        sa.Column("deviation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        _fk("deviation_measures", "deviation_id", "deviations"),
        _fk("deviation_measures", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deviation_measures")),
    )
    with op.batch_alter_table("deviation_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deviation_measures_deviation_id"), ["deviation_id"])


def downgrade() -> None:
    with op.batch_alter_table("deviation_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deviation_measures_deviation_id"))
    op.drop_table("deviation_measures")
    with op.batch_alter_table("deviations", schema=None) as batch_op:
        batch_op.drop_index("ix_deviations_reporter_status")
        batch_op.drop_index("ix_deviations_concerned_status")
        batch_op.drop_index(batch_op.f("ix_deviations_episode_id"))
        batch_op.drop_index(batch_op.f("ix_deviations_patient_id"))
    op.drop_table("deviations")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("patient_safety_role")
