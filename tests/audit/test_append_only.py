from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import AuditEvent


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
        event = self._event(session)
        query = (
            update(AuditEvent).where(AuditEvent.id == event.id).values(allowed=False)
            if statement == "update"
            else delete(AuditEvent).where(AuditEvent.id == event.id)
        )
        savepoint = session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(query)
        savepoint.rollback()
