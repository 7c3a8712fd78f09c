"""The dose check as a periodic job and a command: registered with the job queue, and
`samband doses tick` for cron; the tick makes tomorrow's doses and skips episodes not at
home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from samband.config import get_settings
from samband.medadmin import periodic
from samband.models import Alert
from samband.models.medadmin import ScheduledDose
from tests.factories import make_medication
from tests.medadmin.helpers import World, build, local


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


class TestTick:
    def test_the_periodic_job_is_registered(self) -> None:
        from samband.jobs import tasks as _tasks  # noqa: F401
        from samband.jobs.queue import TASKS

        assert "medadmin.tick" in TASKS

    def test_the_tick_makes_the_coming_doses_once(
        self, session: Session, session_factory: sessionmaker[Session], world: World
    ) -> None:
        medication = make_medication(session, world.episode, by=world.physician)
        medication.created_at = local(2026, 3, 4, 6)
        session.flush()
        first = periodic.run_checks(session_factory, local(2026, 3, 4, 7))
        assert first.made == 6  # 08, 14, 20 today and tomorrow
        assert periodic.run_checks(session_factory, local(2026, 3, 4, 7, 1)).made == 0
        days = {d.local_date for d in session.scalars(select(ScheduledDose))}
        assert len(days) == 2

    def test_not_at_home_no_doses_and_no_alerts(
        self, session: Session, session_factory: sessionmaker[Session], world: World
    ) -> None:
        medication = make_medication(session, world.episode, by=world.physician)
        medication.created_at = local(2026, 3, 4, 6)
        world.episode.state = "readmitted"
        session.flush()
        result = periodic.run_checks(session_factory, local(2026, 3, 4, 21))
        assert (result.made, result.unsigned) == (0, 0)
        assert session.scalars(select(Alert).where(Alert.kind == "unsigned_dose")).first() is None


class TestCommand:
    def test_doses_tick_from_cron(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from samband.cli import app

        monkeypatch.setenv("SAMBAND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        get_settings.cache_clear()
        runner = CliRunner()
        try:
            assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
            result = runner.invoke(app, ["doses", "tick", "--now", "2030-03-06T16:05:00+01:00"])
            naive = runner.invoke(app, ["doses", "tick", "--now", "2030-03-06T16:05:00"])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        answer = json.loads(result.output)
        assert (answer["unsigned"], answer["errors"]) == (0, [])
        assert naive.exit_code == 1
        assert "time zone" in naive.output
