from __future__ import annotations

import pytest

from samband.episodes import statemachine as sm
from samband.episodes.states import State
from samband.planning.solver import REASON_COULD_NOT_FIT
from samband.visits.service import NO_COORDINATES
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


class TestVisitAndDayPlanReasonsInSwedish:
    @pytest.mark.parametrize(
        ("english", "swedish"),
        [
            (
                "no staff member has the skill(s) iv_therapy, registered_nurse",
                "Ingen i personalen har kompetensen: iv-behandling, sjuksköterska",
            ),
            (
                "no single staff member has all the skills picc_care, wound_care",
                "Ingen enskild person har alla kompetenserna: PICC-skötsel, sårvård",
            ),
            (
                "window 19:30-20:30 (+30 min) is outside every shift of the staff with the "
                "skills, travel included",
                "Tidsfönstret 19:30-20:30 (+30 min) ligger utanför arbetspassen för all personal "
                "med rätt kompetens, restiden inräknad",
            ),
            (
                "nobody of these organisations has a shift with time left on 2030-03-06 "
                "(add shifts with POST /api/v1/shifts)",
                "Ingen i personalen har ett arbetspass med tid kvar 2030-03-06; lägg till "
                "arbetspass och planera om",
            ),
            (
                "a started visit cannot be marked missed; allowed now: cancelled, done",
                "Ett besök som är påbörjat kan inte markeras som missat; möjligt nu: inställt, "
                "klart",
            ),
            (
                "a done visit cannot be marked started; allowed now: none (it is finished)",
                "Ett besök som är klart kan inte markeras som påbörjat; möjligt nu: inga "
                "(besöket är avslutat)",
            ),
            (
                "a user with the role 'assistant_nurse' may not do this (episode:update)",
                "Rollen undersköterska får inte göra detta (episode:update)",
            ),
        ],
    )
    def test_known_reasons_are_translated(self, english: str, swedish: str) -> None:
        assert reason_text(english, "sv") == swedish
        assert reason_text(english, "en") == english

    def test_the_planners_fixed_reasons_have_a_swedish_text(self) -> None:
        for english in (REASON_COULD_NOT_FIT, NO_COORDINATES, "its window is not on this date"):
            assert reason_text(english, "sv") != english, english


class TestAlertAndMeasurementReasonsInSwedish:
    """The alerts' reasons and the plausibility messages, made by the pure modules themselves,
    so a change of their wording shows here."""

    def test_news2_limit_and_missed_reasons(self) -> None:
        from datetime import UTC, datetime, timedelta
        from zoneinfo import ZoneInfo

        from samband.alerts import rules
        from samband.pathways.definition import AlertLimit

        news2 = rules.news2_trigger(
            6,
            "medium",
            {"respiratory_rate": 2, "pulse": 2, "spo2": 0, "temperature": 2},
            ["on_oxygen"],
        )
        limits = rules.limit_trigger(
            {"temperature": 38.6, "weight_gain": 2.4},
            [
                AlertLimit(parameter="temperature", op=">=", value=38.5, severity="high"),
                AlertLimit(parameter="weight_gain", op=">", value=2, within_hours=72),
            ],
        )
        missed = rules.missed_trigger(
            datetime(2030, 3, 6, 7, 0, tzinfo=UTC),
            ZoneInfo("Europe/Stockholm"),
            timedelta(minutes=90),
            repeated=True,
        )
        assert news2 is not None
        assert limits is not None

        assert reason_text(news2.reason, "sv") == (
            "NEWS2 6 (medel): andningsfrekvens 2, puls 2, temperatur 2; ofullständig, ej mätt: "
            "syrgas"
        )
        assert reason_text(limits.reason, "sv") == (
            "Gräns i vårdplanen: temperatur 38,6 °C ≥ 38,5 °C; viktökning 2,4 kg på 72 h > 2 kg"
        )
        assert reason_text(missed.reason, "sv") == (
            "Den schemalagda mätningen 2030-03-06 kl. 08:00 kom inte inom 90 minuter; även "
            "mätningen före uteblev"
        )

    @pytest.mark.parametrize(
        ("field", "value", "swedish"),
        [
            ("spo2", 101, "Värdet för SpO2, 101%, är omöjligt; tillåtet 20% till 100%"),
            ("temperature", 98.6, "Temperaturen 98,6 ser ut att vara i °F (37,0 °C)"),
            (
                "pulse",
                0,
                "Värdet för puls, 0 /min, är omöjligt (lämna fältet tomt om inget mättes)",
            ),
            ("systolic_bp", 20, "Värdet för systoliskt blodtryck, 20 mmHg, är omöjligt"),
        ],
    )
    def test_impossible_values(self, field: str, value: float, swedish: str) -> None:
        from samband.observations import plausibility

        message = plausibility.impossible(field, value)

        assert message is not None
        assert reason_text(message, "sv").startswith(swedish)

    def test_implausible_values_and_swapped_pressures(self) -> None:
        from samband.observations import plausibility

        low = plausibility.implausible("pulse", 35)
        high = plausibility.implausible("temperature", 41.5)
        swapped = plausibility.blood_pressure_problem(110, 120)
        assert low is not None
        assert high is not None
        assert swapped is not None

        assert reason_text(low, "sv") == (
            "Värdet för puls, 35 /min, är ovanligt lågt (under 40 /min): bekräfta värdet"
        )
        assert reason_text(high, "sv") == (
            "Värdet för temperatur, 41,5 °C, är ovanligt högt (över 41 °C): bekräfta värdet"
        )
        assert reason_text(swapped, "sv").startswith(
            "Det diastoliska blodtrycket 120 mmHg är inte lägre än det systoliska 110 mmHg"
        )


def test_a_medication_visit_alert_in_swedish() -> None:
    from samband.web.reasons import reason_text

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
