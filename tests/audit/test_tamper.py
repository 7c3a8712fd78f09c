"""Tampering with the access log through the database, as its owner, and `samband audit
verify` naming every row changed, inserted, removed or backdated (issue 10, finding 4).

Each test gets a database of its own with a chain written by the service, on SQLite (a
file migrated from scratch, copied per test) and on PostgreSQL when
SAMBAND_TEST_DATABASE_URL points there (a database ``<its name>_tamper`` made from a
migrated template, dropped afterwards): the owner role runs the migrations and tampers, the
service role (samband_app) writes and verifies. The CLI runs for real (typer's CliRunner).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from samband import migrate
from samband.audit import chain
from samband.cli import app as cli
from samband.config import get_settings
from samband.db import make_engine, make_sessionmaker, unit_of_work
from samband.kit.time import utcnow
from samband.models import AuditChainHead, AuditEvent
from samband.security.context import AccessLog
from tests.conftest import APP_ROLE, app_role_url, postgres_admin

EVENTS = AuditEvent.__table__
HEADS = AuditChainHead.__table__
PG_URL = os.environ.get("SAMBAND_TEST_DATABASE_URL", "")
ON_POSTGRESQL = PG_URL.startswith("postgresql")
BATCHES = (3, 4, 5)  # three requests' entries: seq 1-3, 4-7, 8-12

runner = CliRunner()


# -- the databases ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tamper") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection=connection)
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def postgresql_template() -> Iterator[str]:
    """A migrated, granted database to copy for each test (CREATE DATABASE … TEMPLATE)."""
    if not ON_POSTGRESQL:
        pytest.skip("PostgreSQL: set SAMBAND_TEST_DATABASE_URL")
    name = f"{make_url(PG_URL).database}_tamper_template"
    with postgres_admin(PG_URL) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    notes = migrate.upgrade_and_grant(url, APP_ROLE)
    assert not [n for n in notes if "does not exist" in n], notes
    yield name
    with postgres_admin(PG_URL) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class LogDatabase:
    """A database with an access log written by the service: who is who, and the rows."""

    dialect: str
    owner_url: str
    app_url: str
    checkpoints: Path
    rows: list[tuple[int, str]] = field(default_factory=list)  # (seq, id) as written
    _engines: list[Engine] = field(default_factory=list)

    def engine(self, url: str) -> Engine:
        engine = make_engine(url)
        self._engines.append(engine)
        return engine

    def owner(self) -> Engine:
        return self.engine(self.owner_url)

    def id_at(self, seq: int) -> str:
        return dict(self.rows)[seq]

    def write(self, *sizes: int) -> None:
        """Requests' entries written as the service writes them (AccessLog.write)."""
        factory = make_sessionmaker(self.engine(self.app_url))
        for size in sizes:
            with unit_of_work(factory) as session:
                log = AccessLog()
                for _ in range(size):
                    log.record(
                        patient_id=uuid.uuid4(),
                        action="read",
                        resource_type="patient",
                        allowed=True,
                    )
                log.write(session, None, method="GET", path="/api/v1/patients", status_code=None)
        with unit_of_work(factory) as session:
            found = session.execute(select(EVENTS.c.seq, EVENTS.c.id).order_by(EVENTS.c.seq))
            self.rows = [(seq, str(row_id)) for seq, row_id in found]

    def bypass(self, connection: Any) -> None:
        """The owner switches the log's triggers off (for this connection, on PostgreSQL)."""
        if self.dialect == "postgresql":
            connection.execute(text("SET session_replication_role = replica"))
        else:
            for trigger in (
                "audit_events_no_update",
                "audit_events_no_delete",
                "audit_events_no_replace",
                "audit_chain_head_forward",
            ):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))

    def dispose(self) -> None:
        for engine in self._engines:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def log_db(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[LogDatabase]:
    if request.param == "sqlite":
        path = tmp_path / "log.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        database = LogDatabase("sqlite", url, url, tmp_path / "checkpoints")
        dropped = None
    else:
        template = request.getfixturevalue("postgresql_template")
        dropped = f"{make_url(PG_URL).database}_tamper"
        with postgres_admin(PG_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{dropped}" TEMPLATE "{template}"')
        owner = make_url(PG_URL).set(database=dropped).render_as_string(hide_password=False)
        database = LogDatabase("postgresql", owner, app_role_url(owner), tmp_path / "checkpoints")
    monkeypatch.setenv("SAMBAND_DATABASE_URL", database.app_url)
    monkeypatch.setenv("SAMBAND_AUDIT_CHECKPOINT_DIR", str(database.checkpoints))
    monkeypatch.delenv("SAMBAND_MIGRATION_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    database.write(*BATCHES)
    yield database
    database.dispose()
    get_settings.cache_clear()
    if dropped:
        with postgres_admin(PG_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')


# -- the command -----------------------------------------------------------------------------------


@dataclass
class Verdict:
    exit_code: int
    report: dict[str, Any]

    @property
    def named(self) -> set[tuple[str, int | None, str | None]]:
        """(kind, seq, id) of every problem."""
        return {(p["kind"], p["seq"], p["id"]) for p in self.report["problems"]}

    @property
    def kinds_by_seq(self) -> set[tuple[str, int | None]]:
        return {(p["kind"], p["seq"]) for p in self.report["problems"]}


def verify(*args: str) -> Verdict:
    result = runner.invoke(cli, ["audit", "verify", "--json", *args])
    assert result.exit_code in (0, 1), result.output
    return Verdict(result.exit_code, json.loads(result.stdout))


def checkpoint(*args: str) -> dict[str, Any]:
    result = runner.invoke(cli, ["audit", "checkpoint", *args])
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


# -- the tests -------------------------------------------------------------------------------------


class TestUntouched:
    def test_the_log_as_written_is_intact(self, log_db: LogDatabase) -> None:
        verdict = verify()

        assert verdict.exit_code == 0
        assert verdict.report["intact"] is True
        assert (verdict.report["rows"], verdict.report["last_seq"]) == (12, 12)
        assert [seq for seq, _ in log_db.rows] == list(range(1, 13))

    def test_the_human_report(self, log_db: LogDatabase) -> None:
        result = runner.invoke(cli, ["audit", "verify"])

        assert result.exit_code == 0, result.output
        assert "12 rows (seq 1–12)" in result.stdout
        assert "intact" in result.stdout


class TestChanged:
    def test_an_updated_row_is_named(self, log_db: LogDatabase) -> None:
        with log_db.owner().begin() as owner:
            log_db.bypass(owner)
            owner.execute(update(EVENTS).where(EVENTS.c.seq == 5).values(allowed=False))

        verdict = verify()

        assert verdict.exit_code == 1
        assert verdict.named == {(chain.CHANGED, 5, log_db.id_at(5))}

    @pytest.mark.parametrize(
        "switch_off",
        [
            "ALTER TABLE audit_events DISABLE TRIGGER ALL",
            "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
        ],
    )
    def test_an_update_with_the_trigger_disabled_is_named(
        self, log_db: LogDatabase, switch_off: str
    ) -> None:
        if log_db.dialect != "postgresql":
            pytest.skip("PostgreSQL's ALTER TABLE … DISABLE TRIGGER")
        later = utcnow() - timedelta(days=3)
        with log_db.owner().begin() as owner:
            owner.execute(text(switch_off))
            owner.execute(update(EVENTS).where(EVENTS.c.seq == 2).values(at=later))
            owner.execute(text("ALTER TABLE audit_events ENABLE TRIGGER ALL"))

        verdict = verify()

        assert (chain.CHANGED, 2, log_db.id_at(2)) in verdict.named
        assert verdict.kinds_by_seq <= {(chain.CHANGED, 2), (chain.BACKDATED, 2)}

    def test_a_row_rewritten_with_its_hash_recomputed_is_named(self, log_db: LogDatabase) -> None:
        with log_db.owner().begin() as owner:
            row = dict(owner.execute(select(EVENTS).where(EVENTS.c.seq == 6)).one()._mapping)
            row["reason"] = "nothing happened here"
            log_db.bypass(owner)
            owner.execute(
                update(EVENTS)
                .where(EVENTS.c.seq == 6)
                .values(reason=row["reason"], row_hash=chain.row_hash(row))
            )

        verdict = verify()

        assert verdict.named == {
            (chain.CHANGED, 6, log_db.id_at(6)),
            (chain.INSERTED, 7, log_db.id_at(7)),  # its link to 6 is broken
        }

    def test_a_rebuilt_chain_is_named_against_a_checkpoint(self, log_db: LogDatabase) -> None:
        """An owner who rewrites a row and every hash after it, and the head, leaves a chain
        that is whole in itself: only a checkpoint taken before shows it."""
        taken = checkpoint()
        assert taken["seq"] == 12
        with log_db.owner().begin() as owner:
            rows = [
                dict(r._mapping)
                for r in owner.execute(select(EVENTS).where(EVENTS.c.seq >= 4).order_by("seq"))
            ]
            rows[0]["allowed"] = False
            previous = rows[0]["prev_hash"]
            log_db.bypass(owner)
            for row in rows:
                row["prev_hash"] = previous
                previous = row["row_hash"] = chain.row_hash(row)
                owner.execute(
                    update(EVENTS)
                    .where(EVENTS.c.id == row["id"])
                    .values(allowed=row["allowed"], prev_hash=row["prev_hash"], row_hash=previous)
                )
            owner.execute(update(HEADS).values(row_hash=previous))

        assert verify("--no-checkpoint-dir").exit_code == 0
        verdict = verify()
        assert verdict.exit_code == 1
        assert verdict.named == {(chain.CHANGED_BEFORE_CHECKPOINT, 12, log_db.id_at(12))}


class TestRemoved:
    def test_a_deleted_row_in_the_middle_is_named(self, log_db: LogDatabase) -> None:
        with log_db.owner().begin() as owner:
            log_db.bypass(owner)
            owner.execute(delete(EVENTS).where(EVENTS.c.seq == 6))

        verdict = verify()

        assert verdict.exit_code == 1
        assert verdict.named == {(chain.REMOVED, 6, None)}

    def test_the_newest_rows_deleted_are_named_by_the_head_table(self, log_db: LogDatabase) -> None:
        with log_db.owner().begin() as owner:
            log_db.bypass(owner)
            owner.execute(delete(EVENTS).where(EVENTS.c.seq >= 10))

        verdict = verify()

        assert verdict.exit_code == 1
        assert verdict.named == {(chain.REMOVED_AT_END, s, None) for s in (10, 11, 12)}

    def test_the_newest_rows_deleted_with_the_head_are_named_by_a_checkpoint(
        self, log_db: LogDatabase, tmp_path: Path
    ) -> None:
        kept_apart = tmp_path / "mailed-to-the-auditor.jsonl"
        checkpoint("--file", str(kept_apart))
        checkpoint()  # and in SAMBAND_AUDIT_CHECKPOINT_DIR
        with log_db.owner().begin() as owner:
            log_db.bypass(owner)
            owner.execute(delete(EVENTS).where(EVENTS.c.seq >= 11))
            nine_ten = owner.execute(select(EVENTS.c.row_hash).where(EVENTS.c.seq == 10))
            owner.execute(update(HEADS).values(seq=10, row_hash=nine_ten.scalar_one()))

        assert verify("--no-checkpoint-dir").exit_code == 0  # the head agrees now
        for args in ((), ("--no-checkpoint-dir", "--checkpoint", str(kept_apart))):
            verdict = verify(*args)
            assert verdict.exit_code == 1
            assert verdict.named == {(chain.REMOVED_AT_END, s, None) for s in (11, 12)}

    def test_the_head_row_deleted(self, log_db: LogDatabase) -> None:
        with log_db.owner().begin() as owner:
            if log_db.dialect == "postgresql":
                log_db.bypass(owner)
            else:
                owner.execute(text("DROP TRIGGER audit_chain_head_no_delete"))
            owner.execute(delete(HEADS))

        verdict = verify()

        assert verdict.exit_code == 1
        assert verdict.named == {(chain.HEAD, None, None)}

    def test_truncate_is_refused(self, log_db: LogDatabase) -> None:
        statement = (
            "TRUNCATE audit_events CASCADE"
            if log_db.dialect == "postgresql"
            else "DELETE FROM audit_events"  # SQLite's TRUNCATE
        )
        with pytest.raises(DBAPIError, match="append-only"), log_db.owner().begin() as owner:
            owner.execute(text(statement))
        if log_db.dialect == "postgresql":
            with (
                pytest.raises(DBAPIError, match="permission denied"),
                log_db.engine(log_db.app_url).begin() as service,
            ):
                service.execute(text("TRUNCATE audit_events"))

        assert verify().exit_code == 0

    def test_a_truncate_past_the_triggers_is_named(self, log_db: LogDatabase) -> None:
        with log_db.owner().begin() as owner:
            log_db.bypass(owner)
            if log_db.dialect == "postgresql":
                owner.execute(text("TRUNCATE audit_events CASCADE"))
            else:
                owner.execute(text("DELETE FROM audit_events"))

        verdict = verify()

        assert verdict.exit_code == 1
        assert verdict.named == {(chain.REMOVED_AT_END, s, None) for s in range(1, 13)}


class TestInserted:
    def test_a_forged_backdated_row_is_named(self, log_db: LogDatabase) -> None:
        forged = uuid.uuid4()
        with log_db.owner().begin() as owner:
            owner.execute(
                insert(EVENTS).values(
                    id=forged,
                    at=utcnow() - timedelta(days=40),
                    username="nurse.anna",
                    patient_id=uuid.uuid4(),
                    action="read",
                    resource_type="patient",
                    allowed=True,
                    emergency=False,
                )
            )

        verdict = verify()

        assert verdict.exit_code == 1
        assert verdict.named == {(chain.INSERTED, None, str(forged))}

    def test_a_forged_row_linked_into_the_chain_is_named(self, log_db: LogDatabase) -> None:
        """A forger who computes the hash and moves the head still cannot backdate the row."""
        row: dict[str, Any] = {name: None for name in chain.CONTENT_COLUMNS}
        row.update(
            id=uuid.uuid4(),
            at=utcnow() - timedelta(days=40),
            username="nurse.anna",
            action="read",
            resource_type="patient",
            allowed=True,
            emergency=False,
        )
        with log_db.owner().begin() as owner:
            head = owner.execute(select(HEADS.c.seq, HEADS.c.row_hash, HEADS.c.logged_at)).one()
            new_head = chain.link([row], chain.Head(*head), utcnow())
            owner.execute(insert(EVENTS).values(**row))
            owner.execute(update(HEADS).values(seq=new_head.seq, row_hash=new_head.row_hash))

        verdict = verify()

        assert verdict.named == {(chain.BACKDATED, 13, str(row["id"]))}

    def test_a_row_appended_after_the_head_is_named(self, log_db: LogDatabase) -> None:
        row: dict[str, Any] = {name: None for name in chain.CONTENT_COLUMNS}
        row.update(id=uuid.uuid4(), at=utcnow(), action="read", resource_type="patient")
        row.update(allowed=True, emergency=False)
        with log_db.owner().begin() as owner:
            head = owner.execute(select(HEADS.c.seq, HEADS.c.row_hash, HEADS.c.logged_at)).one()
            chain.link([row], chain.Head(*head), utcnow())
            owner.execute(insert(EVENTS).values(**row))

        verdict = verify()

        assert verdict.named == {(chain.INSERTED, 13, str(row["id"]))}

    def test_insert_or_replace_is_refused(self, log_db: LogDatabase) -> None:
        """SQLite's INSERT OR REPLACE (PostgreSQL's INSERT … ON CONFLICT DO UPDATE) would
        rewrite a row: refused, for a row with the same id and for one at the same seq."""
        victim = log_db.id_at(4)
        with log_db.owner().begin() as owner:
            row = dict(owner.execute(select(EVENTS).where(EVENTS.c.seq == 4)).one()._mapping)
        row.update(allowed=False)
        if log_db.dialect == "sqlite":
            attempts = [
                insert(EVENTS).prefix_with("OR REPLACE").values(**row),
                insert(EVENTS).prefix_with("OR REPLACE").values(**{**row, "id": uuid.uuid4()}),
            ]
        else:
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            attempts = [
                pg_insert(EVENTS)
                .values(**row)
                .on_conflict_do_update(index_elements=["id"], set_={"allowed": False})
            ]
        for attempt in attempts:
            with pytest.raises(DBAPIError, match="append-only"), log_db.owner().begin() as owner:
                owner.execute(attempt)

        verdict = verify()
        assert verdict.exit_code == 0
        assert (4, victim) in log_db.rows

    def test_insert_or_replace_past_the_trigger_is_named(self, log_db: LogDatabase) -> None:
        if log_db.dialect != "sqlite":
            pytest.skip("SQLite's INSERT OR REPLACE")
        with log_db.owner().begin() as owner:
            row = dict(owner.execute(select(EVENTS).where(EVENTS.c.seq == 4)).one()._mapping)
            log_db.bypass(owner)
            owner.execute(text("PRAGMA recursive_triggers=OFF"))
            owner.execute(
                insert(EVENTS).prefix_with("OR REPLACE").values(**{**row, "allowed": False})
            )

        verdict = verify()

        assert verdict.named == {(chain.CHANGED, 4, log_db.id_at(4))}


@pytest.mark.parametrize("log_db", ["postgresql"], indirect=True)
class TestTheServiceRole:
    """The role the service connects as cannot switch the log's protections off."""

    @pytest.mark.parametrize(
        "statement",
        [
            "SET session_replication_role = replica",
            "ALTER TABLE audit_events DISABLE TRIGGER ALL",
            "TRUNCATE audit_events",
            "UPDATE audit_events SET allowed = false",
            "DELETE FROM audit_events",
            "DELETE FROM audit_chain_head",
            "UPDATE audit_chain_head SET seq = 3",
            "DROP TRIGGER audit_events_no_truncate ON audit_events",
        ],
    )
    def test_refused(self, log_db: LogDatabase, statement: str) -> None:
        service = log_db.engine(log_db.app_url)
        with service.connect() as connection:
            assert connection.execute(text("SELECT current_user")).scalar_one() == APP_ROLE
        with pytest.raises(DBAPIError), service.begin() as connection:
            connection.execute(text(statement))

        assert verify().exit_code == 0


class TestTheCommands:
    def test_a_bad_checkpoint_file_is_an_error_not_a_verdict(
        self, log_db: LogDatabase, tmp_path: Path
    ) -> None:
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"seq": 3}\n')

        for args in (["--checkpoint", str(bad)], ["--checkpoint", str(tmp_path / "none")]):
            result = runner.invoke(cli, ["audit", "verify", *args])
            assert result.exit_code == 2
            assert "error:" in result.stderr

    def test_a_checkpoint_of_a_broken_chain_is_refused(self, log_db: LogDatabase) -> None:
        with log_db.owner().begin() as owner:
            log_db.bypass(owner)
            owner.execute(delete(EVENTS).where(EVENTS.c.seq == 12))

        result = runner.invoke(cli, ["audit", "checkpoint"])

        assert result.exit_code == 1
        assert "run `samband audit verify`" in result.stderr
        assert not log_db.checkpoints.exists()

    def test_upgrade_and_grant_as_the_owner(
        self, log_db: LogDatabase, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """`db upgrade` runs as SAMBAND_MIGRATION_DATABASE_URL and grants the service's role
        (idempotent: again, and through `db grant`)."""
        monkeypatch.setenv("SAMBAND_MIGRATION_DATABASE_URL", log_db.owner_url)
        get_settings.cache_clear()
        for command in (["db", "upgrade"], ["db", "grant"], ["db", "grant"]):
            result = runner.invoke(cli, command)
            assert result.exit_code == 0, result.output
        if log_db.dialect == "sqlite":
            assert "nothing to grant" in result.stdout
        else:
            assert f"granted {APP_ROLE}" in result.stdout
        log_db.write(1)
        assert verify().exit_code == 0

    def test_the_chain_id_cannot_be_swapped_to_dodge_the_checkpoints(
        self, log_db: LogDatabase, tmp_path: Path
    ) -> None:
        kept_apart = tmp_path / "auditor.jsonl"
        checkpoint("--file", str(kept_apart))
        with log_db.owner().begin() as owner:
            log_db.bypass(owner)
            owner.execute(update(HEADS).values(chain_id=uuid.uuid4()))

        verdict = verify("--checkpoint", str(kept_apart))

        assert verdict.kinds_by_seq == {
            (chain.INSERTED, 1),  # the first row does not link to the new id
            (chain.FOREIGN_CHECKPOINT, 12),  # the auditor's checkpoint is of "another" chain
        }

    def test_checkpoints_of_other_databases_in_the_folder_are_skipped(
        self, log_db: LogDatabase
    ) -> None:
        log_db.checkpoints.mkdir(parents=True)
        other = chain.Checkpoint(40, "e" * 64, chain_id=str(uuid.uuid4()))
        (log_db.checkpoints / "checkpoints.jsonl").write_text(json.dumps(other.to_json()) + "\n")

        result = runner.invoke(cli, ["audit", "verify"])

        assert result.exit_code == 0, result.output
        assert "note: skipped 1 checkpoints of other chains" in result.stdout


@pytest.mark.parametrize("log_db", ["postgresql"], indirect=True)
class TestWritersDoNotDeadlock:
    def test_a_user_locked_for_update_while_the_log_names_them(self, log_db: LogDatabase) -> None:
        """A holds user X FOR UPDATE (an administrator editing the account) and then logs;
        B logs an access by X meanwhile. B waits for X before it takes the chain's head,
        so A can take the head: both commit (no deadlock)."""
        import threading
        import time

        from tests.factories import make_organisation, make_user

        factory = make_sessionmaker(log_db.engine(log_db.app_url))
        with unit_of_work(factory) as session:
            organisation = make_organisation(session)
            x, admin = make_user(session, organisation), make_user(session, organisation)
            x_id, admin_id, org_id = x.id, admin.id, organisation.id

        def rows(user_id: uuid.UUID) -> list[dict[str, Any]]:
            row: dict[str, Any] = {name: None for name in chain.CONTENT_COLUMNS}
            row.update(id=uuid.uuid4(), at=utcnow(), user_id=user_id, organisation_id=org_id)
            row.update(action="read", resource_type="patient", allowed=True, emergency=False)
            return [row]

        from samband.audit import ledger
        from samband.models import User

        errors: list[BaseException] = []

        def b_logs_x() -> None:
            try:
                with unit_of_work(factory) as session:
                    ledger.append(session, rows(x_id))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        with unit_of_work(factory) as a:
            a.execute(select(User.id).where(User.id == x_id).with_for_update())
            b = threading.Thread(target=b_logs_x)
            b.start()
            time.sleep(0.5)  # let B reach its wait
            ledger.append(a, rows(admin_id))
        b.join(timeout=30)

        assert errors == []
        assert verify().exit_code == 0
        assert verify().report["last_seq"] == 14
