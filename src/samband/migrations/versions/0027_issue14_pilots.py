"""Pilots on the pages: new log kinds (enablers, unintended effects, patient stories) (issue 14)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import samband.models.base  # noqa: F401

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
