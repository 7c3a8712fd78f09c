"""Medication administration: doses to sign, as-needed doses and their effect, paper signing lists read back, the care request's medication list version (issue 14)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = samband.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "medication_delegations",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("delegate_id", sa.Uuid(), nullable=False),
        sa.Column("delegated_by_id", sa.Uuid(), nullable=False),
        sa.Column("routes", sa.JSON(), nullable=False),
        sa.Column("medication_ids", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("revoked_at", UTC(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_medication_delegations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["users.id"], name=op.f("fk_medication_delegations_delegate_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["delegated_by_id"],
            ["users.id"],
            name=op.f("fk_medication_delegations_delegated_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["users.id"],
            name=op.f("fk_medication_delegations_revoked_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_delegations")),
    )
    with op.batch_alter_table("medication_delegations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_medication_delegations_delegate_id"), ["delegate_id"], unique=False
        )

    op.create_table(
        "scheduled_doses",
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("medication_id", sa.Uuid(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("due_at", UTC(timezone=True), nullable=False),
        sa.Column("window_start", UTC(timezone=True), nullable=False),
        sa.Column("window_end", UTC(timezone=True), nullable=False),
        sa.Column("drug", sa.String(length=200), nullable=False),
        sa.Column("dose", sa.String(length=100), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=False),
        sa.Column("given_by", sa.String(length=40), nullable=False),
        sa.Column("by_staff", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancelled_at", UTC(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("alert_id", sa.Uuid(), nullable=True),
        sa.Column("alerted_at", UTC(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_scheduled_doses_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_scheduled_doses_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["medication_id"],
            ["medications.id"],
            name=op.f("fk_scheduled_doses_medication_id_medications"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_scheduled_doses_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_doses")),
    )
    with op.batch_alter_table("scheduled_doses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scheduled_doses_episode_day", ["episode_id", "local_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_scheduled_doses_medication_id"), ["medication_id"], unique=False
        )
        batch_op.create_index(
            "ix_scheduled_doses_one_per_time",
            ["medication_id", "due_at"],
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        )
        batch_op.create_index(
            batch_op.f("ix_scheduled_doses_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index("ix_scheduled_doses_window_end", ["window_end"], unique=False)

    op.create_table(
        "dose_administrations",
        sa.Column("episode_id", sa.Uuid(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("medication_id", sa.Uuid(), nullable=False),
        sa.Column("scheduled_dose_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("given_at", UTC(timezone=True), nullable=False),
        sa.Column("drug", sa.String(length=200), nullable=False),
        sa.Column("dose", sa.String(length=100), nullable=False),
        sa.Column("route", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("indication", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("signed_by_id", sa.Uuid(), nullable=False),
        sa.Column("entered_by_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("delegation_id", sa.Uuid(), nullable=True),
        sa.Column("followup_due_at", UTC(timezone=True), nullable=True),
        sa.Column("followup_effect", sa.String(length=20), nullable=True),
        sa.Column("followup_note", sa.Text(), nullable=True),
        sa.Column("followup_at", UTC(timezone=True), nullable=True),
        sa.Column("followup_by_id", sa.Uuid(), nullable=True),
        sa.Column("followup_alerted_at", UTC(timezone=True), nullable=True),
        sa.Column("error_reason", sa.Text(), nullable=True),
        sa.Column("error_at", UTC(timezone=True), nullable=True),
        sa.Column("error_by_id", sa.Uuid(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["medication_delegations.id"],
            name=op.f("fk_dose_administrations_delegation_id_medication_delegations"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_dose_administrations_entered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["episodes.id"],
            name=op.f("fk_dose_administrations_episode_id_episodes"),
        ),
        sa.ForeignKeyConstraint(
            ["error_by_id"], ["users.id"], name=op.f("fk_dose_administrations_error_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["followup_by_id"],
            ["users.id"],
            name=op.f("fk_dose_administrations_followup_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["medication_id"],
            ["medications.id"],
            name=op.f("fk_dose_administrations_medication_id_medications"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_dose_administrations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_dose_administrations_patient_id_patients"),
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_dose_id"],
            ["scheduled_doses.id"],
            name=op.f("fk_dose_administrations_scheduled_dose_id_scheduled_doses"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["users.id"], name=op.f("fk_dose_administrations_signed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dose_administrations")),
    )
    with op.batch_alter_table("dose_administrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dose_administrations_episode_given", ["episode_id", "given_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dose_administrations_medication_id"), ["medication_id"], unique=False
        )
        batch_op.create_index(
            "ix_dose_administrations_one_valid",
            ["scheduled_dose_id"],
            unique=True,
            sqlite_where=sa.text("status = 'valid'"),
            postgresql_where=sa.text("status = 'valid'"),
        )
        batch_op.create_index(
            batch_op.f("ix_dose_administrations_patient_id"), ["patient_id"], unique=False
        )

    with op.batch_alter_table("care_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("medication_list_version", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("medication_acknowledged_version", sa.Integer(), nullable=True)
        )
        batch_op.add_column(sa.Column("medication_acknowledgements", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("care_requests", schema=None) as batch_op:
        batch_op.drop_column("medication_acknowledgements")
        batch_op.drop_column("medication_acknowledged_version")
        batch_op.drop_column("medication_list_version")
    with op.batch_alter_table("dose_administrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dose_administrations_patient_id"))
        batch_op.drop_index("ix_dose_administrations_one_valid")
        batch_op.drop_index(batch_op.f("ix_dose_administrations_medication_id"))
        batch_op.drop_index("ix_dose_administrations_episode_given")
    op.drop_table("dose_administrations")
    with op.batch_alter_table("scheduled_doses", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_doses_window_end")
        batch_op.drop_index(batch_op.f("ix_scheduled_doses_patient_id"))
        batch_op.drop_index("ix_scheduled_doses_one_per_time")
        batch_op.drop_index(batch_op.f("ix_scheduled_doses_medication_id"))
        batch_op.drop_index("ix_scheduled_doses_episode_day")
    op.drop_table("scheduled_doses")
    with op.batch_alter_table("medication_delegations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medication_delegations_delegate_id"))
    op.drop_table("medication_delegations")
