from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from samband.episodes import statemachine as sm
from samband.episodes.states import CLOSED_STATES, OPEN_STATES, State

CRITERIA = ("stable", "home_ok", "support")
REQUIRED = ("stable", "home_ok")


def facts(state: State, role: str = "physician", **kwargs: object) -> sm.Facts:
    base = sm.Facts(state=state, actor_role=role, criteria=CRITERIA, required_criteria=REQUIRED)
    return replace(base, **kwargs)  # type: ignore[arg-type]


class TestStructure:
    def test_closed_states_have_no_way_out(self) -> None:
        for state in CLOSED_STATES:
            assert sm.allowed_targets(state) == []

    def test_every_open_state_can_be_withdrawn(self) -> None:
        for state in OPEN_STATES:
            assert State.WITHDRAWN in sm.allowed_targets(state)

    @given(st.sampled_from(list(State)), st.sampled_from(list(State)))
    def test_a_missing_transition_is_refused_with_the_allowed_ones(
        self, source: State, target: State
    ) -> None:
        verdict = sm.check(target, facts(source, reason="r"))
        if sm.find(source, target) is None:
            assert not verdict.allowed
            assert verdict.reasons[0].code in ("transition.not_allowed", "transition.from_closed")
            assert "cannot go to" in verdict.reasons[0].text("en")


class TestAssessment:
    def test_only_a_physician_decides(self) -> None:
        verdict = sm.check(
            State.ASSESSED,
            facts(
                State.CANDIDATE,
                role="registered_nurse",
                eligible=True,
                answers=dict.fromkeys(CRITERIA, True),
            ),
        )
        assert verdict.wrong_role
        assert verdict.reasons[0].code == "transition.wrong_role"
        assert "physician" in verdict.reasons[0].text("en")
        assert "läkare" in verdict.reasons[0].text("sv")

    def test_every_criterion_must_be_answered(self) -> None:
        verdict = sm.check(
            State.ASSESSED, facts(State.CANDIDATE, eligible=True, answers={"stable": True})
        )
        assert not verdict.allowed
        assert verdict.reasons[0].code == "assessment.criteria_missing"
        assert "home_ok" in verdict.reasons[0].text("en")
        assert "support" in verdict.reasons[0].text("en")

    def test_eligible_despite_an_unmet_required_criterion_is_refused(self) -> None:
        answers = {"stable": True, "home_ok": False, "support": True}
        verdict = sm.check(State.ASSESSED, facts(State.CANDIDATE, eligible=True, answers=answers))
        (unmet,) = [r for r in verdict.reasons if r.code == "assessment.required_unmet"]
        assert "home_ok" in unmet.text("en")

    def test_unmet_optional_criterion_still_eligible(self) -> None:
        answers = {"stable": True, "home_ok": True, "support": False}
        assert sm.check(
            State.ASSESSED, facts(State.CANDIDATE, eligible=True, answers=answers)
        ).allowed

    def test_not_eligible_needs_a_reason(self) -> None:
        answers = dict.fromkeys(CRITERIA, False)
        refused = sm.check(
            State.NOT_ELIGIBLE, facts(State.CANDIDATE, eligible=False, answers=answers)
        )
        assert not refused.allowed
        allowed = sm.check(
            State.NOT_ELIGIBLE,
            facts(State.CANDIDATE, eligible=False, answers=answers, reason="unstable"),
        )
        assert allowed.allowed


class TestGoingHome:
    def ready(self) -> sm.Facts:
        return facts(
            State.PLANNED,
            role="registered_nurse",
            has_care_plan=True,
            plan_has_discharge_criteria=True,
            plan_acknowledged_by_patient=True,
        )

    def test_ready_patient_may_go_home(self) -> None:
        assert sm.check(State.AT_HOME, self.ready()).allowed

    def test_each_open_blocking_item_is_named(self) -> None:
        f = replace(
            self.ready(), blocking_items_open=("Medication list reconciled", "PICC line placed")
        )
        verdict = sm.check(State.AT_HOME, f)
        assert [r.code for r in verdict.reasons[:2]] == ["checklist.item_not_done"] * 2
        assert [r.text("en") for r in verdict.reasons[:2]] == [
            "checklist item 'Medication list reconciled' not done",
            "checklist item 'PICC line placed' not done",
        ]

    def test_missing_care_request_and_acknowledgement_are_named(self) -> None:
        f = replace(
            self.ready(),
            care_requests_missing=("municipal_home_health_care",),
            plan_acknowledged_by_patient=False,
        )
        reasons = sm.check(State.AT_HOME, f).reasons
        assert [r.code for r in reasons] == [
            "carerequest.none_accepted",
            "transition.plan_not_acknowledged",
        ]
        assert reasons[0].text("en") == "no accepted care request to municipal home health care"
        assert reasons[0].text("sv") == "Ingen accepterad vårdbegäran till kommunal hemsjukvård"

    def test_discharge_is_for_physicians(self) -> None:
        assert sm.check(State.DISCHARGED, facts(State.AT_HOME, role="registered_nurse")).wrong_role
        assert sm.check(State.DISCHARGED, facts(State.AT_HOME, role="physician")).allowed

    def test_readmission_needs_a_ward_and_a_reason(self) -> None:
        verdict = sm.check(State.READMITTED, facts(State.AT_HOME, role="registered_nurse"))
        assert len(verdict.reasons) == 2
        ok = facts(State.AT_HOME, role="registered_nurse", reason="NEWS2 7", ward_unit_given=True)
        assert sm.check(State.READMITTED, ok).allowed


class TestPlanning:
    def test_plan_needs_contact_physician_and_criteria(self) -> None:
        verdict = sm.check(State.PLANNED, facts(State.CONSENTED, role="coordinator"))
        assert len(verdict.reasons) == 3
        f = facts(
            State.CONSENTED,
            role="coordinator",
            has_care_plan=True,
            plan_has_discharge_criteria=True,
            has_care_contact=True,
            has_responsible_physician=True,
        )
        assert sm.check(State.PLANNED, f).allowed


class TestProblems:
    """The guards answer with problems: a code, the parameters, a text in each language."""

    def test_criteria_are_named_by_their_text(self) -> None:
        f = facts(
            State.CANDIDATE,
            eligible=True,
            answers={"stable": True},
            criterion_texts={"home_ok": "The home is suitable", "support": "Support at home"},
        )
        (missing,) = sm.check(State.ASSESSED, f).reasons
        assert missing.code == "assessment.criteria_missing"
        assert missing.field == "answers"
        assert missing.text("en") == (
            "answer every eligibility criterion; missing: The home is suitable, Support at home"
        )
        assert missing.text("sv").startswith("Besvara alla kriterier; saknas: ")

    @given(st.sampled_from(list(State)), st.sampled_from(list(State)))
    def test_every_refusal_has_a_text_in_both_languages(self, source: State, target: State) -> None:
        for role in ("physician", "registered_nurse", "coordinator"):
            for reason in sm.check(target, facts(source, role=role)).reasons:
                for lang in ("sv", "en"):
                    text = reason.text(lang)
                    assert text != reason.code
                    assert "{" not in text, text
