"""Plans follow the patient (issue 11)

A visit says which medication route it gives (``visits.medication_route``: its windows come
from the medication list, an unstaffed or missed one raises an alert); a day plan can be out
of date (``day_plans.out_of_date_at``, ``out_of_date_reasons``) when visits it holds were
cancelled because the patient's episode ended (docs/decisions/0015).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("medication_route", sa.String(length=40), nullable=True))
    with op.batch_alter_table("day_plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "out_of_date_at", samband.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("out_of_date_reasons", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("day_plans", schema=None) as batch_op:
        batch_op.drop_column("out_of_date_reasons")
        batch_op.drop_column("out_of_date_at")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("medication_route")
