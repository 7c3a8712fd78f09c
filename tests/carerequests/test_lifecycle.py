from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from samband.carerequests import lifecycle
from samband.carerequests.lifecycle import CareRequestKind, CareRequestState

S = CareRequestState


class TestLifecycle:
    def test_every_state_is_reachable_from_sent(self) -> None:
        seen, todo = {S.SENT}, [S.SENT]
        while todo:
            for nxt in lifecycle.NEXT[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert seen == set(S)

    def test_finished_states_go_nowhere(self) -> None:
        for state in (S.DECLINED, S.COMPLETED, S.CANCELLED):
            assert lifecycle.allowed_next(state) == []

    def test_unknown_state_goes_nowhere(self) -> None:
        assert lifecycle.allowed_next("lost") == []

    @given(st.sampled_from(list(S)), st.sampled_from(list(S)))
    def test_can_move_agrees_with_the_table(self, source: S, target: S) -> None:
        assert lifecycle.can_move(source.value, target) == (target in lifecycle.NEXT[source])
        # Nothing ever goes back to sent, and every move is made by exactly one side.
        assert not lifecycle.can_move(source.value, S.SENT)
        if lifecycle.can_move(source.value, target):
            assert (target in lifecycle.BY_RECEIVER) != (target in lifecycle.BY_SENDER)

    def test_every_kind_has_receivers_with_a_participant_role(self) -> None:
        for kind in CareRequestKind:
            assert lifecycle.FITS[kind]
            for org_kind in lifecycle.FITS[kind]:
                assert org_kind in lifecycle.PARTICIPANT_ROLE
