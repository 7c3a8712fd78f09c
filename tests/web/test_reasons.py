from __future__ import annotations

from samband.episodes import statemachine as sm
from samband.episodes.states import State
from samband.web.reasons import reason_text


class TestStateMachineReasonsInSwedish:
    """The state machine's reasons are problems: the catalogue words them (no patterns)."""

    def test_known_reasons_are_worded_in_swedish(self) -> None:
        home = sm.Facts(
            state=State.PLANNED,
            actor_role="registered_nurse",
            has_care_plan=True,
            plan_has_discharge_criteria=True,
            plan_acknowledged_by_patient=True,
            blocking_items_open=("Medication list reconciled",),
            care_requests_missing=("municipal_home_health_care",),
        )
        texts = [r.text("sv") for r in sm.check(State.AT_HOME, home).reasons]
        assert texts == [
            "Checklistpunkten ”Läkemedelslistan avstämd” är inte klar",
            "Ingen accepterad vårdbegäran till kommunal hemsjukvård",
        ]
        (role,) = sm.check(
            State.DISCHARGED, sm.Facts(state=State.AT_HOME, actor_role="registered_nurse")
        ).reasons
        assert role.text("sv") == "Bara dessa roller får flytta episoden till ”Utskriven”: läkare"
        (closed,) = sm.check(
            State.AT_HOME, sm.Facts(state=State.CANDIDATE, actor_role="physician")
        ).reasons
        assert closed.text("sv").startswith("En episod som är ”Kandidat” kan inte gå till ”Hemma”")

    def test_every_reason_the_state_machine_gives_has_a_swedish_text(self) -> None:
        facts = [
            sm.Facts(
                state=State.CANDIDATE,
                actor_role="physician",
                criteria=("a",),
                required_criteria=("a",),
                answers={"b": True},
            ),
            sm.Facts(
                state=State.CANDIDATE,
                actor_role="physician",
                criteria=("a",),
                required_criteria=("a",),
                answers={"a": False},
                eligible=True,
            ),
            sm.Facts(
                state=State.CANDIDATE,
                actor_role="physician",
                criteria=("a",),
                answers={"a": False},
                eligible=False,
            ),
            sm.Facts(state=State.ASSESSED, actor_role="physician"),
            sm.Facts(state=State.CONSENTED, actor_role="physician"),
            sm.Facts(
                state=State.PLANNED,
                actor_role="physician",
                blocking_items_open=("Medication list reconciled",),
                care_requests_missing=("municipal_home_health_care",),
            ),
            sm.Facts(state=State.AT_HOME, actor_role="physician"),
        ]
        targets = [
            State.ASSESSED,
            State.ASSESSED,
            State.NOT_ELIGIBLE,
            State.CONSENTED,
            State.PLANNED,
            State.AT_HOME,
            State.READMITTED,
        ]
        reasons = [r for f, t in zip(facts, targets, strict=True) for r in sm.check(t, f).reasons]
        reasons += sm.check(
            State.DECLINED, sm.Facts(state=State.ASSESSED, actor_role="physician")
        ).reasons
        reasons += sm.check(
            State.DISCHARGED, sm.Facts(state=State.AT_HOME, actor_role="coordinator")
        ).reasons
        reasons += sm.check(
            State.AT_HOME, sm.Facts(state=State.CANDIDATE, actor_role="physician")
        ).reasons
        assert len(reasons) >= 14
        swedish = [r.text("sv") for r in reasons]
        assert all(
            text != r.code and "{" not in text for text, r in zip(swedish, reasons, strict=True)
        )
        assert all(text != r.text("en") for text, r in zip(swedish, reasons, strict=True))


class TestAlertAndMeasurementReasonsInSwedish:
    """The alerts' reasons and the plausibility messages, made by the pure modules themselves,
    so a change of their wording shows here."""


def test_a_medication_visit_alert_in_swedish() -> None:

    unstaffed = reason_text(
        "IV dose visit on 2026-12-04 15:30–16:30 (Give IV antibiotics): not staffed in the "
        "published day plan: nobody of these organisations has a shift with time left on "
        "2026-12-04 (add shifts with POST /api/v1/shifts)",
        "sv",
    )
    missed = reason_text(
        "IV dose visit on 2026-12-04 07:30–08:30 (Give IV antibiotics): marked missed", "sv"
    )

    assert unstaffed.startswith(
        "Läkemedelsbesök (iv) 2026-12-04 kl. 15:30–16:30 (Ge iv-antibiotika)"
    )
    assert "inte bemannat i den publicerade dagsplanen: Ingen i personalen" in unstaffed
    assert missed.endswith("markerat missat")
