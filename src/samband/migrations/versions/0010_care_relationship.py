"""The care relationship as the law shapes it (issue 10): one open episode per patient,
shared-record consent on the episode, blocks (spärr); page forms sent once (form_submissions)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_STATES_SQL = "state IN ('candidate', 'assessed', 'consented', 'planned', 'at_home')"


def upgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(sa.Column("shared_records_consent", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column(
                "shared_records_consent_at",
                samband.models.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("shared_records_consent_by_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_episodes_shared_records_consent_by_id_users"),
            "users",
            ["shared_records_consent_by_id"],
            ["id"],
        )
    op.create_index(
        "uq_episodes_one_open_per_patient",
        "episodes",
        ["patient_id"],
        unique=True,
        postgresql_where=sa.text(OPEN_STATES_SQL),
        sqlite_where=sa.text(OPEN_STATES_SQL),
    )
    op.create_table(
        "record_blocks",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("lifted_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lifted_by_id", sa.Uuid(), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_record_blocks_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by_id"], ["users.id"], name=op.f("fk_record_blocks_lifted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_record_blocks_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_record_blocks_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_blocks")),
    )
    op.create_index(
        op.f("ix_record_blocks_patient_id"), "record_blocks", ["patient_id"], unique=False
    )

    op.create_table(
        "form_submissions",
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("form_id", name=op.f("pk_form_submissions")),
    )
    op.create_index(op.f("ix_form_submissions_at"), "form_submissions", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_form_submissions_at"), table_name="form_submissions")
    op.drop_table("form_submissions")
    op.drop_index(op.f("ix_record_blocks_patient_id"), table_name="record_blocks")
    op.drop_table("record_blocks")
    op.drop_index("uq_episodes_one_open_per_patient", table_name="episodes")
    with op.batch_alter_table("episodes") as batch:
        batch.drop_constraint(
            op.f("fk_episodes_shared_records_consent_by_id_users"), type_="foreignkey"
        )
        batch.drop_column("shared_records_consent_by_id")
        batch.drop_column("shared_records_consent_at")
        batch.drop_column("shared_records_consent")
