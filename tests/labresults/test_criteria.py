"""The pure evaluator of discharge criteria (labresults/criteria.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samband.labresults import criteria
from samband.labresults.criteria import Point, Status

NOW = datetime(2030, 3, 6, 12, 0, tzinfo=UTC)


def crp(*values: float) -> list[Point]:
    return [Point(NOW - timedelta(days=len(values) - i), v) for i, v in enumerate(values)]


def temps(*values: float, every_hours: float = 13) -> list[Point]:
    return [Point(NOW - timedelta(hours=every_hours * i), v) for i, v in enumerate(values)]


class TestCrpFalling:
    def test_too_few_results_lack_data(self) -> None:
        assert criteria.crp_falling(crp(120)).status == Status.NO_DATA
        assert criteria.crp_falling([]).status == Status.NO_DATA

    def test_falling_below_the_previous_and_the_first(self) -> None:
        found = criteria.crp_falling(crp(120, 80))
        assert found.status == Status.MET
        assert "120 → 80 mg/L" in found.why.text("en")

    def test_rising_again_is_not_met(self) -> None:
        found = criteria.crp_falling(crp(120, 80, 95))
        assert found.status == Status.NOT_MET
        assert "80 → 95" in found.why.text("sv")

    def test_barely_below_the_first_is_not_met(self) -> None:
        # 100 → 120 → 95: below the previous but only 5 % below the first
        assert criteria.crp_falling(crp(100, 120, 95)).status == Status.NOT_MET

    @given(st.lists(st.floats(min_value=0, max_value=1000), min_size=2, max_size=8))
    def test_met_only_when_the_latest_is_below_the_previous(self, values: list[float]) -> None:
        found = criteria.crp_falling(crp(*values))
        if found.status == Status.MET:
            assert values[-1] < values[-2]
            assert values[-1] <= values[0] * 0.9


class TestAfebrile:
    def test_four_measurements_under_38_reaching_back_36_hours_are_met(self) -> None:
        found = criteria.afebrile(temps(37.2, 37.6, 37.0, 36.9), NOW)
        assert found.status == Status.MET
        assert "37.6 °C, 4 measurements" in found.why.text("en")
        assert "37,6 °C" in found.why.text("sv")

    def test_one_fever_is_not_met(self) -> None:
        assert criteria.afebrile(temps(37.2, 38.0), NOW).status == Status.NOT_MET

    def test_too_few_or_too_recent_lack_data(self) -> None:
        assert criteria.afebrile(temps(37.0, 37.1), NOW).status == Status.NO_DATA
        recent = temps(37.0, 37.1, 37.2, 37.0, every_hours=2)
        assert criteria.afebrile(recent, NOW).status == Status.NO_DATA
        assert criteria.afebrile([], NOW).status == Status.NO_DATA

    def test_temperatures_older_than_48_hours_do_not_count(self) -> None:
        old = [Point(NOW - timedelta(hours=50), 39.5)]
        assert criteria.afebrile(old + temps(37.0, 37.1, 37.2, 37.0), NOW).status == Status.MET


class TestRules:
    def test_rules_are_recognised_in_english_and_swedish(self) -> None:
        assert criteria.recognise("Afebrile for 48 hours and CRP falling") == [
            "crp_falling",
            "afebrile_48h",
        ]
        assert criteria.recognise("Feberfri 48 h") == ["afebrile_48h"]
        assert criteria.recognise("Sjunkande CRP") == ["crp_falling"]
        assert criteria.recognise("CRP under 50") == ["crp_below_50"]
        assert criteria.recognise("PICC line removed") == []

    def test_given_rules_win_over_the_text(self) -> None:
        assert criteria.rules_of("CRP sjunker", {"CRP sjunker": ["crp_below_50"]}) == [
            "crp_below_50"
        ]

    def test_a_criterion_is_met_only_when_every_rule_is(self) -> None:
        [evaluation] = criteria.evaluate(
            ["Afebrile for 48 hours and CRP falling"],
            {},
            {"crp": crp(120, 80)},
            temps(37.2, 37.6, 37.0, 36.9),
            NOW,
        )
        assert evaluation.status == Status.MET
        [partial] = criteria.evaluate(
            ["Afebrile for 48 hours and CRP falling"], {}, {"crp": crp(120, 80)}, [], NOW
        )
        assert partial.status == Status.NO_DATA
        [manual] = criteria.evaluate(["Line removed"], {}, {}, [], NOW)
        assert manual.status is None
        assert not manual.is_data

    def test_below_rule(self) -> None:
        assert criteria.evaluate_rule("crp_below_50", {"crp": crp(60, 40)}, [], NOW).status == (
            Status.MET
        )
        assert criteria.evaluate_rule("crp_below_50", {"crp": crp(60)}, [], NOW).status == (
            Status.NOT_MET
        )
        assert not criteria.valid_rule("nonsense_below_5")
        assert criteria.valid_rule("crp_below_50")
