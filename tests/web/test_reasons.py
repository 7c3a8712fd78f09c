from __future__ import annotations

import pytest

from samband.episodes import statemachine as sm
from samband.episodes.states import State
from samband.planning.solver import REASON_COULD_NOT_FIT
from samband.visits.service import NO_COORDINATES
from samband.web.reasons import reason_text


class TestReasonsInSwedish:
    @pytest.mark.parametrize(
        ("english", "swedish"),
        [
            (
                "checklist item 'Medication list reconciled' not done",
                "Checklistpunkten ”Läkemedelslistan avstämd” är inte klar",
            ),
            (
                "no accepted care request to municipal home health care",
                "Ingen accepterad vårdbegäran till kommunal hemsjukvård",
            ),
            (
                "only a physician may move an episode to 'discharged'",
                "Bara läkare får flytta episoden till ”Utskriven”",
            ),
            (
                "an episode that is 'candidate' cannot go to 'at_home'; allowed: assessed",
                "En episod som är ”Kandidat” kan inte gå till ”Hemma”",
            ),
        ],
    )
    def test_known_reasons_are_translated(self, english: str, swedish: str) -> None:
        assert reason_text(english, "sv") == swedish
        assert reason_text(english, "en") == english

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
        untranslated = [r for r in reasons if reason_text(r, "sv") == r]
        assert not untranslated


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
