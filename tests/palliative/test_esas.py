"""The ESAS-r scoring and limits (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.palliative import esas
from samband.pathways.definition import SymptomLimit, registry

ITEM = st.integers(min_value=0, max_value=10)
SCORES = st.fixed_dictionaries({item: ITEM for item in esas.ITEMS})


def flat(value: int, **overrides: int) -> dict[str, int]:
    return {**{item: value for item in esas.ITEMS}, **overrides}


class TestTotal:
    @given(SCORES)
    def test_the_total_is_the_sum_of_the_nine_and_lies_in_0_to_90(
        self, scores: dict[str, int]
    ) -> None:
        total = esas.total(scores)
        assert total == sum(scores.values())
        assert 0 <= total <= 90

    def test_the_extremes(self) -> None:
        assert esas.total(flat(0)) == 0
        assert esas.total(flat(10)) == 90

    @pytest.mark.parametrize("bad", [-1, 11, 2.5, None, True])
    def test_an_item_out_of_range_is_named(self, bad: object) -> None:
        scores: dict[str, object] = {**flat(1), "nausea": bad}
        assert esas.invalid_items(scores) == ["nausea"]
        with pytest.raises(ValueError, match="nausea"):
            esas.total(scores)  # type: ignore[arg-type]

    def test_a_missing_item_is_named(self) -> None:
        scores = flat(1)
        del scores["wellbeing"]
        assert esas.invalid_items(scores) == ["wellbeing"]


LIMITS = registry()["palliative"].symptom_assessment.alert_limits  # type: ignore[union-attr]


class TestLimits:
    def test_the_pathway_ships_the_limits(self) -> None:
        assert [(lim.item, lim.value, lim.rise) for lim in LIMITS] == [
            ("any", 7, False),
            ("pain", 3, True),
            ("total", 40, False),
        ]

    def test_under_every_limit_nothing(self) -> None:
        assert esas.crossed(flat(4), LIMITS, flat(4)) == []
        assert esas.severity([]) is None

    def test_any_item_at_7_names_that_item(self) -> None:
        found = esas.crossed(flat(1, anxiety=7), LIMITS)
        assert [(c.item, c.value) for c in found] == [("anxiety", 7)]
        assert esas.severity(found) == "medium"

    def test_pain_up_3_since_last_but_not_without_a_previous_one(self) -> None:
        assert esas.crossed(flat(2, pain=5), LIMITS) == []
        found = esas.crossed(flat(2, pain=5), LIMITS, flat(2, pain=2))
        assert [(c.item, c.value, c.limit.rise) for c in found] == [("pain", 3, True)]
        assert esas.crossed(flat(2, pain=4), LIMITS, flat(2, pain=2)) == []

    def test_total_40_is_high(self) -> None:
        found = esas.crossed(flat(5), LIMITS)  # 45, no single item over 6
        assert [c.item for c in found] == ["total"]
        assert esas.severity(found) == "high"

    def test_a_strict_limit(self) -> None:
        limit = SymptomLimit(item="nausea", op=">", value=5)
        assert esas.crossed(flat(0, nausea=5), [limit]) == []
        assert len(esas.crossed(flat(0, nausea=6), [limit])) == 1

    @given(SCORES, SCORES)
    def test_a_rise_limit_of_0_sees_every_item_not_falling(
        self, now: dict[str, int], before: dict[str, int]
    ) -> None:
        limit = SymptomLimit(item="any", value=0, rise=True)
        found = {c.item for c in esas.crossed(now, [limit], before)}
        assert found == {item for item in esas.ITEMS if now[item] >= before[item]}
