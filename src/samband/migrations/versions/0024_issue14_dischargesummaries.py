"""The discharge summary (utskrivningsinformation) (issue 14)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import samband.models.base  # noqa: F401

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
