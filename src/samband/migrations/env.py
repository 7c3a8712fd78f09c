"""Alembic environment: the URL comes from the caller (samband.migrate) or SAMBAND_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from samband.config import get_settings
from samband.db import make_engine
from samband.models import Base

config = context.config
target_metadata = Base.metadata


def _ours(name: str | None, type_: str, _parent: object) -> bool:
    """What Alembic compares: everything but procrastinate's own schema (the job queue on
    PostgreSQL, created by migration 0012 from procrastinate's shipped SQL)."""
    return not (type_ == "table" and name is not None and name.startswith("procrastinate"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_ours,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url()
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=get_settings().resolved_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
