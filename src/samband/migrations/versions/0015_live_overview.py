"""The live overview (issue 11): indexes for the change feed and the access log's period.

- ``observation_sets.created_at``, ``alerts.created_at`` / ``updated_at`` and
  ``episodes.updated_at``: each app process asks every 1-2 s what changed since its cursor
  (``samband.live``), one query per kind; without these every question scans the table.
- ``audit_events (user_id, resource_type, at)``: which patients a user was already logged as
  shown on the overview in the period (SAMBAND_OVERVIEW_LOG_MINUTES).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_observation_sets_created_at", "observation_sets", ["created_at"]),
    ("ix_alerts_created_at", "alerts", ["created_at"]),
    ("ix_alerts_updated_at", "alerts", ["updated_at"]),
    ("ix_episodes_updated_at", "episodes", ["updated_at"]),
    ("ix_audit_events_user_resource_at", "audit_events", ["user_id", "resource_type", "at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
