"""Day plans solved off the request path (issue 11)

A day plan is solved by the job ``dayplans.solve``: the request makes the plan row
(``solve_status`` queued) and answers at once; the job writes ``solving``, then ``done`` with
the routes, or ``failed`` with ``solve_error``. ``solve_ticket`` names the request the job
answers (a newer replan supersedes it). Plans made before this migration are ``done``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("day_plans", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("solve_status", sa.String(length=20), nullable=False, server_default="done")
        )
        batch_op.add_column(sa.Column("solve_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("solve_ticket", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("solve_requested_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "solve_started_at", samband.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("solved_at", samband.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_day_plans_solve_requested_by_id_users"),
            "users",
            ["solve_requested_by_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("day_plans", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_day_plans_solve_requested_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("solved_at")
        batch_op.drop_column("solve_started_at")
        batch_op.drop_column("solve_requested_by_id")
        batch_op.drop_column("solve_ticket")
        batch_op.drop_column("solve_error")
        batch_op.drop_column("solve_status")
