"""Apply and check Alembic migrations from code (the CLI and the tests use this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | None = None, connection: Connection | None = None) -> None:
    command.upgrade(alembic_config(url, connection), "head")


def check(url: str | None = None) -> None:
    """Raise if the models and the migrations disagree (alembic check)."""
    command.check(alembic_config(url))


# -- the service's role on PostgreSQL (docs/deployment.md, decision 0009) -----------------------

# audit_events: read and append only. audit_chain_head: read and move forwards (its trigger
# refuses backwards). alembic_version: read only. Every other table: read and write.
APPEND_ONLY_TABLES = {
    "audit_events": "SELECT, INSERT",
    "audit_chain_head": "SELECT, UPDATE",
    "alembic_version": "SELECT",
}


def grant_app_role(connection: Connection, role: str) -> list[str]:
    """Give the service's role exactly what it needs, run by the owner after every upgrade
    (idempotent; new tables are covered the next time): USAGE on the schema; SELECT,
    INSERT, UPDATE, DELETE on every table, but only SELECT and INSERT on the access log and
    SELECT and UPDATE on its chain head; USAGE and SELECT on sequences; never TRUNCATE,
    TRIGGER or REFERENCES. The role is created (LOGIN, no password) when it does not exist
    and the owner may create roles.

    Returns notes for a person: what was done, and anything that leaves the log open to
    change (the service connecting as the owner, a superuser role, one that owns the tables).
    SQLite has no roles: nothing to do."""
    if connection.dialect.name != "postgresql":
        return []
    from sqlalchemy import text

    quote = connection.dialect.identifier_preparer.quote
    me, schema, may_create = connection.execute(
        text(
            "SELECT current_user, current_schema(), "
            "rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
    ).one()
    if role == me:
        return [
            f"the service's role {role} is the owner that runs the migrations: it could change "
            "the access log; connect the service as another role (docs/deployment.md)"
        ]
    notes = []
    found = connection.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).one_or_none()
    if found is None:
        if not may_create:
            return [
                f"the role {role} does not exist and {me} may not create roles: create it "
                f"(CREATE ROLE {quote(role)} LOGIN PASSWORD '…') and run `samband db grant`"
            ]
        from sqlalchemy.exc import ProgrammingError

        try:
            with connection.begin_nested():
                connection.execute(text(f"CREATE ROLE {quote(role)} LOGIN"))
            notes.append(f"created the role {role} (LOGIN, no password: set one)")
        except ProgrammingError:  # created meanwhile by another upgrade
            pass
    elif found.rolsuper:
        notes.append(
            f"the role {role} is a superuser: it can change the access log anyway "
            f"(ALTER ROLE {quote(role)} NOSUPERUSER)"
        )
    target, where = quote(role), quote(schema)
    statements = [
        f"GRANT USAGE ON SCHEMA {where} TO {target}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {target}",
        f"REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA {where} FROM {target}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {target}",
    ]
    tables = set(
        connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :schema"), {"schema": schema}
        ).scalars()
    )
    for table, allowed in APPEND_ONLY_TABLES.items():
        if table in tables:
            name = f"{where}.{quote(table)}"
            statements.append(f"REVOKE ALL ON {name} FROM {target}")
            statements.append(f"GRANT {allowed} ON {name} TO {target}")
    for statement in statements:
        connection.execute(text(statement))
    owners = connection.execute(
        text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relname IN ('audit_events', 'audit_chain_head') "
            "AND pg_has_role(:role, c.relowner, 'USAGE')"
        ),
        {"schema": schema, "role": role},
    ).scalars()
    notes.extend(
        f"the role {role} owns (or is a member of the owner of) {table}: it can disable its "
        f"triggers; make another role the owner (ALTER TABLE {table} OWNER TO …)"
        for table in owners
    )
    return notes


def upgrade_and_grant(url: str, role: str) -> list[str]:
    """Upgrade as the owner (``url``), then grant the service's role what it needs, in one
    transaction: the notes of ``grant_app_role``."""
    from samband.db import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            upgrade(connection=connection)
            return grant_app_role(connection, role)
    finally:
        engine.dispose()
