"""Palliative care at home: symptom assessments, expected death, next of kin follow-up (issue 14)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = samband.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "symptom_assessments",
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("scale", sa.String(length=20), nullable=False),
        sa.Column("assessed_at", UTC(timezone=True), nullable=False),
        sa.Column("assessed_by", sa.String(length=20), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("tiredness", sa.Integer(), nullable=False),
        sa.Column("drowsiness", sa.Integer(), nullable=False),
        sa.Column("nausea", sa.Integer(), nullable=False),
        sa.Column("lack_of_appetite", sa.Integer(), nullable=False),
        sa.Column("shortness_of_breath", sa.Integer(), nullable=False),
        sa.Column("depression", sa.Integer(), nullable=False),
        sa.Column("anxiety", sa.Integer(), nullable=False),
        sa.Column("wellbeing", sa.Integer(), nullable=False),
        sa.Column("other_problem", sa.String(length=200), nullable=True),
        sa.Column("other_score", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("alert_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_symptom_assessments_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_symptom_assessments_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_symptom_assessments_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_symptom_assessments")),
    )
    with op.batch_alter_table("symptom_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_symptom_assessments_episode_at", ["episode_id", "assessed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_symptom_assessments_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "expected_deaths",
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=False),
        sa.Column("decided_at", UTC(timezone=True), nullable=False),
        sa.Column("no_resuscitation", sa.Boolean(), nullable=False),
        sa.Column("no_hospital_transfer", sa.Boolean(), nullable=False),
        sa.Column("conversation_on", sa.Date(), nullable=False),
        sa.Column("conversation_with", sa.String(length=300), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("died_at", UTC(timezone=True), nullable=True),
        sa.Column("confirmed_by_id", sa.Uuid(), nullable=True),
        sa.Column("confirmed_by_role", sa.String(length=40), nullable=True),
        sa.Column("physician_confirmed_by_id", sa.Uuid(), nullable=True),
        sa.Column("physician_confirmed_at", UTC(timezone=True), nullable=True),
        sa.Column("care_after_death", sa.JSON(), nullable=False),
        sa.Column("relatives_present", sa.Boolean(), nullable=True),
        sa.Column("death_note", sa.Text(), nullable=True),
        sa.Column("followup_on", sa.Date(), nullable=True),
        sa.Column("followup_by", sa.String(length=200), nullable=True),
        sa.Column("followup_held_at", UTC(timezone=True), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_expected_deaths_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_expected_deaths_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_expected_deaths_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_expected_deaths_confirmed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["physician_confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_expected_deaths_physician_confirmed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expected_deaths")),
        sa.UniqueConstraint("episode_id", name=op.f("uq_expected_deaths_episode_id")),
    )
    with op.batch_alter_table("expected_deaths", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expected_deaths_patient_id"), ["patient_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("expected_deaths")
    with op.batch_alter_table("symptom_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_symptom_assessments_patient_id"))
        batch_op.drop_index("ix_symptom_assessments_episode_at")
    op.drop_table("symptom_assessments")
