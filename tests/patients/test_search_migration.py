"""Migration 0020 folds the names of the patients that exist already, so the search that
ignores accents and case finds them after an upgrade."""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic import command
from sqlalchemy import insert, select, table
from sqlalchemy.sql import column

from samband import migrate
from samband.db import make_engine


def test_existing_patients_get_their_folded_name(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection=connection), "0019")
    patients = table(
        "patients",
        column("id"),
        column("personnummer"),
        column("identifier_kind"),
        column("given_name"),
        column("family_name"),
        column("next_of_kin"),
        column("language"),
        column("interpreter_needed"),
        column("created_at"),
    )
    with engine.begin() as connection:
        connection.execute(
            insert(patients).values(
                id=uuid.uuid4().hex,
                personnummer="196803149829",
                identifier_kind="personnummer",
                given_name="Åsa",
                family_name="Ström",
                next_of_kin="[]",
                language="sv",
                interpreter_needed=False,
                created_at="2026-01-01 00:00:00",
            )
        )
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection=connection), "0020")
    with engine.connect() as connection:
        folded = connection.scalar(select(column("search_name")).select_from(table("patients")))
    assert folded == "asa strom"
    engine.dispose()
