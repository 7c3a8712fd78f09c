"""The `samband` command, run in-process against a SQLite file of its own.

These tests use their own temporary database (also when SAMBAND_TEST_DATABASE_URL points at
PostgreSQL): the commands commit, and the shared test database must stay empty.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from samband.cli import app
from samband.config import get_settings
from samband.db import make_engine
from samband.demo import DEMO_PASSWORD
from samband.models import AuditEvent, User
from samband.pathways.definition import SHIPPED
from samband.security.passwords import verify_password

runner = CliRunner()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SAMBAND_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def upgraded(database_url: str) -> str:
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    return database_url


@pytest.fixture
def with_org(upgraded: str) -> str:
    result = run(
        "orgs",
        "add",
        "INF-FALUN",
        "--name",
        "Infektionskliniken Falun",
        "--kind",
        "hospital_clinic",
        "--authority-name",
        "Region Dalarna",
    )
    assert result.exit_code == 0, result.output
    return upgraded


def run(*args: str, input: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=input)


def failed_cleanly(result: Result) -> bool:
    """Exit status 1 through typer.Exit, not an uncaught exception (no traceback)."""
    return result.exit_code == 1 and isinstance(result.exception, SystemExit)


class TestHelp:
    def test_lists_every_command(self) -> None:
        result = run("--help")

        assert result.exit_code == 0
        for command in ("serve", "demo", "db", "orgs", "users", "audit", "pathways"):
            assert command in result.output


class TestDb:
    def test_upgrade_creates_the_tables(self, database_url: str) -> None:
        result = run("db", "upgrade")

        assert result.exit_code == 0, result.output
        engine = make_engine(database_url)
        tables = set(inspect(engine).get_table_names())
        engine.dispose()
        assert {"organisations", "users", "patients", "episodes", "audit_events"} <= tables
        assert "alembic_version" in tables

    def test_upgrade_twice_is_harmless(self, upgraded: str) -> None:
        assert run("db", "upgrade").exit_code == 0

    def test_check_passes_when_models_and_migrations_agree(self, upgraded: str) -> None:
        result = run("db", "check")

        assert result.exit_code == 0, result.output
        assert "agree" in result.output

    def test_check_on_a_database_that_is_behind_says_so(self, database_url: str) -> None:
        result = run("db", "check")

        assert failed_cleanly(result)
        assert "samband db upgrade" in result.stderr


class TestOrgs:
    def test_list_on_an_empty_database(self, upgraded: str) -> None:
        result = run("orgs", "list", "--json")

        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == []

    def test_list_json_gives_code_name_kind_and_authority(self, with_org: str) -> None:
        result = run("orgs", "list", "--json")

        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == [
            {
                "code": "INF-FALUN",
                "name": "Infektionskliniken Falun",
                "kind": "hospital_clinic",
                "authority_kind": "region",
                "authority": "Region Dalarna",
                "units": [],
            }
        ]

    def test_list_as_a_table(self, with_org: str) -> None:
        result = run("orgs", "list")

        assert result.exit_code == 0
        header, row = result.stdout.splitlines()
        assert header.split() == ["code", "name", "kind", "authority"]
        assert row.startswith("INF-FALUN")

    def test_add_an_unknown_kind_lists_the_kinds(self, upgraded: str) -> None:
        result = run(
            "orgs", "add", "X1", "--name", "X", "--kind", "hospital", "--authority-name", "R"
        )

        assert failed_cleanly(result)
        assert "municipal_home_health_care" in result.stderr

    def test_add_a_code_twice(self, with_org: str) -> None:
        result = run(
            "orgs",
            "add",
            "INF-FALUN",
            "--name",
            "X",
            "--kind",
            "mobile_team",
            "--authority-name",
            "R",
        )

        assert failed_cleanly(result)
        assert "INF-FALUN already exists" in result.stderr

    def test_without_a_database_schema_says_what_to_do(self, database_url: str) -> None:
        result = run("orgs", "list")

        assert failed_cleanly(result)
        assert "samband db upgrade" in result.stderr


class TestUsersAdd:
    def add(self, *extra: str, password: str = "long-enough-1") -> Result:  # noqa: S107
        return run(
            "users",
            "add",
            "anna.lind",
            "--role",
            "physician",
            "--organisation",
            "INF-FALUN",
            "--password-stdin",
            *extra,
            input=password + "\n",
        )

    def test_creates_the_user_with_a_hashed_password(self, with_org: str) -> None:
        result = self.add("--name", "Anna Lind", "--skill", "iv_therapy", "--skill", "picc_care")

        assert result.exit_code == 0, result.output
        assert "anna.lind" in result.stdout
        engine = make_engine(with_org)
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.username == "anna.lind")).one()
            assert user.full_name == "Anna Lind"
            assert user.role == "physician"
            assert user.skills == ["iv_therapy", "picc_care"]
            assert user.password_hash != "long-enough-1"
            assert verify_password(user.password_hash, "long-enough-1")
        engine.dispose()

    def test_the_access_log_records_it_without_an_actor(self, with_org: str) -> None:
        result = self.add("--skill", "iv_therapy")

        assert result.exit_code == 0, result.output
        engine = make_engine(with_org)
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.username == "anna.lind")).one()
            row = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "user_create")
            ).one()
            assert (row.user_id, row.resource_type, row.resource_id) == (None, "user", str(user.id))
            assert (row.method, row.path, row.allowed) == ("CLI", "samband users add", True)
            assert "role: physician" in (row.reason or "")
            assert "long-enough-1" not in (row.reason or "")
        engine.dispose()

    def test_unknown_role_lists_the_roles(self, with_org: str) -> None:
        result = run(
            "users",
            "add",
            "bo",
            "--role",
            "doctor",
            "--organisation",
            "INF-FALUN",
            "--password-stdin",
            input="long-enough-1\n",
        )

        assert failed_cleanly(result)
        assert "unknown role 'doctor'" in result.stderr
        assert "registered_nurse" in result.stderr

    def test_unknown_organisation_lists_the_codes(self, with_org: str) -> None:
        result = run(
            "users",
            "add",
            "bo",
            "--role",
            "physician",
            "--organisation",
            "NOPE",
            "--password-stdin",
            input="long-enough-1\n",
        )

        assert failed_cleanly(result)
        assert "NOPE" in result.stderr
        assert "INF-FALUN" in result.stderr

    def test_short_password(self, with_org: str) -> None:
        result = self.add(password="short")

        assert failed_cleanly(result)
        assert "at least 8 characters" in result.stderr

    def test_taken_username(self, with_org: str) -> None:
        assert self.add().exit_code == 0

        result = self.add()

        assert failed_cleanly(result)
        assert "taken" in result.stderr

    def test_unknown_unit(self, with_org: str) -> None:
        result = self.add("--unit", "NO-UNIT")

        assert failed_cleanly(result)
        assert "no unit with the code NO-UNIT" in result.stderr

    def test_invalid_username_names_the_field(self, with_org: str) -> None:
        result = run(
            "users",
            "add",
            "Anna Lind",
            "--role",
            "physician",
            "--organisation",
            "INF-FALUN",
            "--password-stdin",
            input="long-enough-1\n",
        )

        assert failed_cleanly(result)
        assert "username" in result.stderr

    def test_without_a_terminal_asks_for_password_stdin(self, with_org: str) -> None:
        result = run("users", "add", "bo", "--role", "physician", "--organisation", "INF-FALUN")

        assert failed_cleanly(result)
        assert "--password-stdin" in result.stderr

    def test_a_failed_add_creates_nothing(self, with_org: str) -> None:
        self.add("--unit", "NO-UNIT")

        engine = make_engine(with_org)
        with Session(engine) as session:
            assert session.scalars(select(User)).all() == []
        engine.dispose()


class TestPathways:
    def test_list_shows_the_shipped_pathways(self) -> None:
        result = run("pathways", "list")

        assert result.exit_code == 0, result.output
        for key in ("opat", "copd", "heart-failure", "palliative"):
            assert key in result.stdout

    def test_check_accepts_the_shipped_files(self) -> None:
        result = run("pathways", "check")

        assert result.exit_code == 0, result.output
        assert "ok  opat.yaml" in result.stdout

    def test_check_a_folder_with_a_valid_copy(self, tmp_path: Path) -> None:
        (tmp_path / "opat.yaml").write_text((SHIPPED / "opat.yaml").read_text())

        result = run("pathways", "check", str(tmp_path))

        assert result.exit_code == 0, result.output

    def test_check_names_the_file_and_field_that_is_wrong(self, tmp_path: Path) -> None:
        text = (SHIPPED / "opat.yaml").read_text()
        assert "registered_nurse" in text
        (tmp_path / "broken.yaml").write_text(text.replace("registered_nurse", "wizard", 1))

        result = run("pathways", "check", str(tmp_path))

        assert failed_cleanly(result)
        assert "broken.yaml" in result.stderr
        assert "wizard" in result.stderr

    def test_check_reports_yaml_that_does_not_parse(self, tmp_path: Path) -> None:
        (tmp_path / "bad.yaml").write_text("key: [unclosed\n")

        result = run("pathways", "check", str(tmp_path))

        assert failed_cleanly(result)
        assert "bad.yaml: not valid YAML" in result.stderr

    def test_check_an_empty_folder(self, tmp_path: Path) -> None:
        result = run("pathways", "check", str(tmp_path))

        assert failed_cleanly(result)
        assert "no *.yaml files" in result.stderr


class TestAuditSample:
    @pytest.fixture
    def events(self, upgraded: str) -> list[uuid.UUID]:
        """30 accesses over the last 30 days, one a day."""
        now = datetime.now(UTC)
        engine = make_engine(upgraded)
        with Session(engine) as session:
            rows = [
                AuditEvent(
                    at=now - timedelta(days=day),
                    username=f"user{day}",
                    role="registered_nurse",
                    organisation_code="INF-FALUN",
                    patient_id=uuid.uuid4(),
                    action="read",
                    resource_type="patient",
                    allowed=day % 5 != 0,
                )
                for day in range(30)
            ]
            session.add_all(rows)
            session.commit()
            ids = [row.id for row in rows]
        engine.dispose()
        return ids

    def sample(self, *args: str) -> list[dict[str, object]]:
        result = run("audit", "sample", "--json", *args)
        assert result.exit_code == 0, result.output
        rows: list[dict[str, object]] = json.loads(result.stdout)
        return rows

    def test_draws_n_distinct_logged_accesses(self, events: list[uuid.UUID]) -> None:
        rows = self.sample("--n", "5")

        assert len(rows) == 5
        ids = {uuid.UUID(str(r["id"])) for r in rows}
        assert len(ids) == 5
        assert ids <= set(events)
        assert {"username", "role", "organisation", "patient_id", "action", "allowed"} <= set(
            rows[0]
        )

    def test_draws_only_allowed_accesses_and_all_if_asked_for_more(
        self, events: list[uuid.UUID]
    ) -> None:
        rows = self.sample("--n", "100")

        assert len(rows) == 24  # 30 accesses, every fifth one denied
        assert all(r["allowed"] for r in rows)

    def test_too_large_a_sample_is_refused_with_the_limit(self, events: list[uuid.UUID]) -> None:
        result = run("audit", "sample", "--n", "1000000")

        assert failed_cleanly(result)
        assert "n must be between" in result.stderr

    def test_since_limits_the_period(self, events: list[uuid.UUID]) -> None:
        since = (datetime.now(UTC) - timedelta(days=9, hours=12)).date().isoformat()

        rows = self.sample("--n", "100", "--since", since)

        assert 6 <= len(rows) <= 9  # about ten days, every fifth one denied

    def test_the_same_seed_draws_the_same_sample(self, events: list[uuid.UUID]) -> None:
        first = self.sample("--n", "10", "--seed", "7")
        second = self.sample("--n", "10", "--seed", "7")

        assert {r["id"] for r in first} == {r["id"] for r in second}

    def test_as_a_table(self, events: list[uuid.UUID]) -> None:
        result = run("audit", "sample", "--n", "3")

        assert result.exit_code == 0, result.output
        assert "3 accesses drawn" in result.stdout

    def test_an_invalid_date(self, upgraded: str) -> None:
        result = run("audit", "sample", "--since", "2025-13-01")

        assert failed_cleanly(result)
        assert "YYYY-MM-DD" in result.stderr


class TestDemo:
    def test_loads_once_prints_the_logins_and_the_password_works(self, database_url: str) -> None:
        first = run("demo", "--no-serve")
        second = run("demo", "--no-serve")

        assert first.exit_code == 0, first.output
        assert "demo data loaded" in first.stdout
        assert "lakare.anna" in first.stdout
        assert DEMO_PASSWORD in first.stdout
        assert second.exit_code == 0, second.output
        assert "already loaded" in second.stdout
        codes = [o["code"] for o in json.loads(run("orgs", "list", "--json").stdout)]
        assert "INF-FALUN" in codes
        assert len(codes) == len(set(codes))
        engine = make_engine(database_url)
        with Session(engine) as session:
            user = session.scalars(select(User).where(User.username == "lakare.anna")).one()
            assert verify_password(user.password_hash, DEMO_PASSWORD)
        engine.dispose()
        assert run("db", "check").exit_code == 0
