"""Pilots on the pages: new log kinds (enablers, unintended effects, patient stories) (issue 14)

``pilot_log_entries.kind`` widens to 20 characters ("unintended_effect"); ``classification``
may be empty (a patient story has none); ``phase`` (barriers and enablers: start | scale),
``valence`` (unintended effects: positive | negative) and ``told_by`` (patient stories) are
new; ``pilots.language`` says which language the pilot's texts are written in (the pages
mark them so). No patient data (docs/pilots.md).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=5), server_default="sv", nullable=False)
        )
    with op.batch_alter_table("pilot_log_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=12), type_=sa.String(length=20)
        )
        batch_op.alter_column("classification", existing_type=sa.String(length=12), nullable=True)
        batch_op.add_column(sa.Column("phase", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("valence", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("told_by", sa.String(length=12), nullable=True))


def downgrade() -> None:
    # the new kinds do not fit the old column: they leave with the columns that carry them
    op.execute(
        "DELETE FROM pilot_log_entries WHERE kind NOT IN ('observation', 'barrier')"
        " OR classification IS NULL"
    )
    with op.batch_alter_table("pilot_log_entries", schema=None) as batch_op:
        batch_op.drop_column("told_by")
        batch_op.drop_column("valence")
        batch_op.drop_column("phase")
        batch_op.alter_column("classification", existing_type=sa.String(length=12), nullable=False)
        batch_op.alter_column(
            "kind", existing_type=sa.String(length=20), type_=sa.String(length=12)
        )
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.drop_column("language")
