"""Engine and sessions: one session, one transaction, per request or command."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    ColumnElement,
    Engine,
    String,
    Table,
    Text,
    TypeDecorator,
    any_,
    bindparam,
    cast,
    column,
    create_engine,
    event,
    func,
    insert,
    literal_column,
    select,
    values,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(engine: Engine) -> None:
    """Foreign keys on, and let SQLAlchemy (not pysqlite) decide where transactions begin,
    so SAVEPOINTs work (the recipe from SQLAlchemy's SQLite documentation).

    Every transaction is ``BEGIN IMMEDIATE``: it takes the database's write lock at once, so
    writers take turns (waiting up to 30 s) instead of two deferred transactions that both
    read and then both want to write, where SQLite answers one with "database is locked"
    at once. The access log's chain needs exactly that order (decision 0009). Recursive
    triggers on: an ``INSERT OR REPLACE`` then fires the access log's DELETE trigger too."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA recursive_triggers=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction for a command: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# -- many rows at once -----------------------------------------------------------------------------


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def among(session: Session, column: Any, values: Collection[Any]) -> Any:
    """``column IN (values)``; on PostgreSQL ``column = ANY(:array)``: one parameter instead
    of one per value (the driver parses every placeholder of a statement in Python)."""
    ordered = list(values)
    if _dialect(session) == "postgresql":
        # texts as text[], not varchar(n)[]: a cast to varchar(n) is a function per element,
        # which a generic plan may evaluate again for every row it filters
        item = postgresql.TEXT() if isinstance(column.type, String) else column.type
        array = bindparam(None, ordered, type_=postgresql.ARRAY(item))
        return column == any_(array)
    return column.in_(ordered)


def given_rows(
    session: Session, name: str, columns: Sequence[tuple[str, Any]], rows: Sequence[Sequence[Any]]
) -> Any:
    """Rows sent with the statement, to join or correlate with as a table ``name`` of
    ``columns`` ((name, type) pairs). On PostgreSQL ``unnest`` of one array per column (a
    fixed statement, one parameter per column); elsewhere a ``VALUES`` common table
    expression."""
    if _dialect(session) == "postgresql":
        arrays = []
        for index, (key, column_type) in enumerate(columns):
            item = column_type.impl if isinstance(column_type, TypeDecorator) else column_type
            item = postgresql.TEXT() if isinstance(item, String) else item
            data = [row[index] for row in rows]
            arrays.append(bindparam(f"{name}_{key}", data, type_=postgresql.ARRAY(item)))
        return func.unnest(*arrays).table_valued(*[k for k, _ in columns]).render_derived(name)
    given = values(*[column(key, column_type) for key, column_type in columns], name=name)
    return given.data([tuple(row) for row in rows]).cte(name)


@lru_cache(maxsize=64)
def _defaults(table: Table) -> tuple[tuple[str, Any], ...]:
    """(column, default) for each column: a value, a callable, or None."""
    found = []
    for each in table.columns:
        default: Any = each.default
        plain = default is not None and (default.is_scalar or default.is_callable)
        found.append((each.key, default.arg if plain else None))  # not SQL expressions
    return tuple(found)


def _complete(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """Every column of the table, with the column's Python-side default where not given."""
    full = dict(row)
    if len(full) < len(table.columns):
        for key, default in _defaults(table):
            if key not in full:
                full[key] = default(None) if callable(default) else default
    return full


@lru_cache(maxsize=64)
def _recordset_insert(
    table: Table, skip_conflicts_on: tuple[str, ...], returning: str | None
) -> Any:
    """``INSERT INTO table SELECT … FROM json_populate_recordset(NULL::table, :rows)``: the
    rows as one JSON document, turned into rows of the table's own column types by
    PostgreSQL. Built once per table and options."""
    names = [c.key for c in table.columns]
    record: ColumnElement[Any] = literal_column(
        f"NULL::{postgresql.dialect().identifier_preparer.format_table(table)}"
    )
    rows_in = (
        func.json_populate_recordset(record, cast(bindparam("rows", type_=Text), JSON))
        .table_valued(*names)
        # by name (AS given), not AS given(a, b, …): that list renames the record's columns
        # by position, and a column added by a later migration is last in the table but
        # not in the model
        .alias("given")
    )
    statement: Any = postgresql.insert(table).from_select(
        names, select(*[rows_in.c[n] for n in names])
    )
    if skip_conflicts_on:
        statement = statement.on_conflict_do_nothing(index_elements=list(skip_conflicts_on))
    if returning:
        statement = statement.returning(table.c[returning])
    return statement


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    skip_conflicts_on: Sequence[str] | None = None,
    returning: str | None = None,
) -> list[Any]:
    """INSERT many rows in one statement, in the session's transaction, bypassing the ORM.

    - ``skip_conflicts_on``: columns of a unique constraint; a row that would break it is
      skipped (``ON CONFLICT (...) DO NOTHING``) instead of failing the statement;
    - ``returning``: a column whose values of the rows *actually inserted* are returned.

    On PostgreSQL the rows go in as one JSON document (``INSERT … SELECT … FROM
    json_populate_recordset(NULL::table, :rows)``): a fixed statement with one parameter,
    so neither SQLAlchemy nor psycopg handles thousands of placeholders in Python, and
    PostgreSQL converts the values to the columns' types (ids and times as text, a naive
    time taken as UTC, numbers as JSON numbers: an integer column needs an int). Elsewhere
    (SQLite) a plain multi-row INSERT. Rows get the columns' Python-side defaults (e.g. a
    new UUID id) where a value is not given.
    """
    if not rows:
        return []
    complete = [_complete(table, row) for row in rows]
    statement: Any
    if _dialect(session) == "postgresql":
        # orjson writes ids and times (ISO 8601 with the offset) itself, ~15x faster than json
        document = orjson.dumps(complete, option=orjson.OPT_NAIVE_UTC).decode()
        statement = _recordset_insert(table, tuple(skip_conflicts_on or ()), returning)
        result = session.execute(statement, {"rows": document})
        return list(result.scalars()) if returning else []
    if _dialect(session) == "sqlite":
        statement = sqlite.insert(table)
        if skip_conflicts_on:
            statement = statement.on_conflict_do_nothing(index_elements=list(skip_conflicts_on))
    else:  # pragma: no cover - PostgreSQL and SQLite are the databases Samband runs on
        statement = insert(table)
    if returning:
        statement = statement.returning(table.c[returning])
        return list(session.scalars(statement, complete))
    session.execute(statement, complete)
    return []
