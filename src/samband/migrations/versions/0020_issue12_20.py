"""The patient search ignores accents and case (issue 12)

``patients.search_name``: the patient's given and family name, lower case and without
accents ("Ström" → "strom"), folded in Python (the model keeps it up to date) so that SQLite
and PostgreSQL search alike.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "đ": "d", "ł": "l", "ß": "ss", "þ": "th"})


def _fold(text: str) -> str:
    """As samband.kit.folding.fold at the time of this migration."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_SPECIAL).split())


def upgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_name", sa.String(length=201), nullable=False, server_default="")
        )
    patients = sa.table(
        "patients",
        sa.column("id", sa.Uuid()),
        sa.column("given_name", sa.String()),
        sa.column("family_name", sa.String()),
        sa.column("search_name", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(patients.c.id, patients.c.given_name, patients.c.family_name))
    for row in rows.fetchall():
        bind.execute(
            patients.update()
            .where(patients.c.id == row.id)
            .values(search_name=_fold(f"{row.given_name} {row.family_name}"))
        )


def downgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("search_name")
