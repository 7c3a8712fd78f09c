"""Reports made as jobs (issue 11)

``report_files``: a report someone asked for (``POST /api/v1/reports``, the outcomes page's
"Beställ rapport"), made by the job ``reports.render`` as that person: its parameters, its
status (queued → running → done | failed, with why), and once done the file itself (bytes,
media type, name, size) until it expires.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = samband.models.base.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "report_files",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("started_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_report_files_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_files")),
    )
    op.create_index(
        "ix_report_files_user_created", "report_files", ["user_id", "created_at"], unique=False
    )
    op.create_index("ix_report_files_expires_at", "report_files", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_report_files_expires_at", table_name="report_files")
    op.drop_index("ix_report_files_user_created", table_name="report_files")
    op.drop_table("report_files")
