"""The routing chain (pure): the first level with somebody, the next level on escalation,
and the stage and time a request is at, read from its history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from samband.physicianrequests import routing
from samband.physicianrequests.routing import Target

A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def t(stage: int, user: uuid.UUID | None, name: str | None = None) -> Target:
    return Target(stage=stage, user_id=user, name=name, phone="070", organisation_id=None)


class TestFirst:
    def test_the_fixed_physician_when_there(self) -> None:
        assert routing.first([t(0, A), t(1, B), None, None]).user_id == A

    def test_else_the_first_on_call(self) -> None:
        found = routing.first([None, None, t(2, C), None])
        assert found is not None
        assert found.via == routing.Via.ORGANISATION_ON_CALL

    def test_nobody(self) -> None:
        assert routing.first([None, None, None, None]) is None


class TestNextAfter:
    def test_the_next_later_level(self) -> None:
        found = routing.next_after([t(0, A), t(1, B), t(2, C), None], 0, user_id=A, name=None)
        assert found is not None
        assert (found.stage, found.user_id) == (1, B)

    def test_the_same_person_on_the_next_level_is_skipped(self) -> None:
        found = routing.next_after([t(0, A), t(1, A), t(2, C), None], 0, user_id=A, name=None)
        assert found is not None
        assert found.user_id == C

    def test_a_named_person_without_account_is_compared_by_name(self) -> None:
        chain = [None, t(1, None, "Dr Extern"), t(2, None, "Dr Extern"), t(3, B)]
        found = routing.next_after(chain, 1, user_id=None, name="Dr Extern")
        assert found is not None
        assert found.user_id == B

    def test_no_further_level(self) -> None:
        assert routing.next_after([t(0, A), t(1, B), None, None], 1, user_id=B, name=None) is None

    def test_from_nobody_the_first_with_somebody(self) -> None:
        found = routing.next_after(
            [None, t(1, B), None, None], routing.NO_STAGE, user_id=None, name=None
        )
        assert found is not None
        assert found.user_id == B


class TestHistory:
    asked = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def test_the_latest_routing_gives_stage_and_time(self) -> None:
        history = [
            {"at": "2026-03-02T09:00:00+00:00", "event": "asked"},
            {"at": "2026-03-02T09:00:00+00:00", "event": "routed", "stage": 0, "to": str(A)},
            {"at": "2026-03-02T15:00:00+00:00", "event": "escalated", "stage": 1, "to": str(B)},
            {"at": "2026-03-02T15:10:00+00:00", "event": "participant_added"},
        ]
        assert routing.current_stage(history) == 1
        assert routing.level_since(history, self.asked) == datetime(2026, 3, 2, 15, tzinfo=UTC)
        assert routing.routed_users(history) == {str(A), str(B)}

    def test_without_a_routing_it_is_when_asked(self) -> None:
        assert routing.current_stage([]) == routing.NO_STAGE
        assert routing.level_since([], self.asked) == self.asked

    def test_events(self) -> None:
        history = [{"at": "2026-03-02T09:00:00+00:00", "event": "no_further_level"}]
        assert routing.has_event(history, "no_further_level")
        assert not routing.has_event(history, "answered")
