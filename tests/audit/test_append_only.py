from __future__ import annotations

import pytest
from sqlalchemy import Engine, delete, insert, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import AuditEvent
from tests.conftest import APP_ROLE


class TestAuditLogIsAppendOnly:
    def _event(self, session: Session) -> AuditEvent:
        event = AuditEvent(
            at=utcnow(), action="read", resource_type="patient", allowed=True, patient_id=None
        )
        session.add(event)
        session.flush()
        return event

    @pytest.mark.parametrize("statement", ["update", "delete"])
    def test_the_database_refuses_changes(self, session: Session, statement: str) -> None:
        """As the service: on PostgreSQL its role has no UPDATE or DELETE privilege; on
        SQLite (no roles) the triggers refuse."""
        event = self._event(session)
        query = (
            update(AuditEvent).where(AuditEvent.id == event.id).values(allowed=False)
            if statement == "update"
            else delete(AuditEvent).where(AuditEvent.id == event.id)
        )
        postgresql = session.get_bind().dialect.name == "postgresql"
        savepoint = session.begin_nested()
        with pytest.raises(DBAPIError, match="permission denied" if postgresql else "append-only"):
            session.execute(query)
        savepoint.rollback()

    @pytest.mark.parametrize("statement", ["update", "delete"])
    def test_the_owner_is_refused_too(self, owner_engine: Engine, statement: str) -> None:
        if owner_engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no roles: the test above is the owner")
        table = AuditEvent.__table__
        with owner_engine.connect() as connection:
            connection.begin()  # rolled back when the connection closes
            row = {"at": utcnow(), "action": "read", "resource_type": "patient"}
            connection.execute(insert(table).values(**row, allowed=True, emergency=False))
            query = update(table).values(allowed=False) if statement == "update" else delete(table)
            with pytest.raises(DBAPIError, match="append-only"):
                connection.execute(query)


class TestTheSuiteRunsAsTheService:
    def test_postgresql_tests_connect_as_the_app_role(self, session: Session) -> None:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite has no roles")

        assert session.execute(text("SELECT current_user")).scalar_one() == APP_ROLE
