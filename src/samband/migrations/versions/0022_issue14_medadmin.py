"""Medication administration: doses to sign, as-needed doses and their effect, paper signing lists read back, the care request's medication list version (issue 14)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 00:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import samband.models.base  # noqa: F401

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
