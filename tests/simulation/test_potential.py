from __future__ import annotations

import copy
from typing import Any

import pytest

from samband.simulation.potential import (
    DEFAULT_BED_DAY_SEK,
    DEFAULT_EMERGENCY_VISIT_SEK,
    PotentialError,
    load_potential,
    parse_potential,
)
from tests.simulation.helpers import EXAMPLES


def _file() -> dict[str, Any]:
    return {
        "name": "test region",
        "added_costs_sek": [10_000_000, 20_000_000],
        "groups": [
            {
                "name": "most ill elderly",
                "population": {"base": 400_000, "share": 0.14},
                "coverage": 0.5,
                "baseline": {"bed_days_per_person": 3, "emergency_visits_per_person": 1.2},
                "effects": {"bed_days": [0.25, 0.70], "emergency_visits": [0.20, 0.30]},
            },
            {
                "name": "heart failure",
                "population": {"count": [1000, 2000]},
                "baseline": {"emergency_visits_per_person": 0.5},
                "effects": {"emergency_visits": 0.25},
            },
            {"name": "published", "reductions": {"bed_days": 100}},
        ],
    }


def _error(raw: Any) -> str:
    with pytest.raises(PotentialError) as info:
        parse_potential(raw)
    return str(info.value)


class TestArithmetic:
    def test_worked_by_hand(self) -> None:
        calc = parse_potential(_file())
        ill, hf, published = calc.groups
        # 400 000 × 0.14 = 56 000 persons, half of them reached: 28 000
        assert ill.persons == pytest.approx((56_000, 56_000))
        assert ill.reached == pytest.approx((28_000, 28_000))
        # bed-days: 28 000 × 3 × 0.25 = 21 000 … 28 000 × 3 × 0.70 = 58 800
        assert ill.bed_days_saved == pytest.approx((21_000, 58_800))
        # ED visits: 28 000 × 1.2 × 0.20 = 6 720 … × 0.30 = 10 080
        assert ill.emergency_visits_saved == pytest.approx((6_720, 10_080))
        # 21 000 × 8 900 + 6 720 × 3 500 = 186 900 000 + 23 520 000 = 210 420 000
        # 58 800 × 8 900 + 10 080 × 3 500 = 523 320 000 + 35 280 000 = 558 600 000
        assert ill.costs_saved(calc.unit_costs) == pytest.approx((210_420_000, 558_600_000))
        # heart failure: 1 000 … 2 000 × 0.5 × 0.25 = 125 … 250 visits, × 3 500 SEK
        assert hf.bed_days_saved == (0.0, 0.0)
        assert hf.emergency_visits_saved == pytest.approx((125, 250))
        assert hf.costs_saved(calc.unit_costs) == pytest.approx((437_500, 875_000))
        # given reductions are taken as they are: 100 bed-days × 8 900
        assert published.reached is None
        assert published.costs_saved(calc.unit_costs) == pytest.approx((890_000, 890_000))

        assert calc.bed_days_saved == pytest.approx((21_100, 58_900))
        assert calc.emergency_visits_saved == pytest.approx((6_845, 10_330))
        # 210 420 000 + 437 500 + 890 000 = 211 747 500; 558 600 000 + 875 000 + 890 000
        assert calc.costs_saved == pytest.approx((211_747_500, 560_365_000))
        # net: the low end less the highest added cost, the high end less the lowest
        assert calc.net_saving == pytest.approx((191_747_500, 550_365_000))

    def test_default_unit_costs_are_the_kpp_2017_values(self) -> None:
        calc = parse_potential(_file())
        assert calc.unit_costs.bed_day_sek == DEFAULT_BED_DAY_SEK == 8_900
        assert calc.unit_costs.emergency_visit_sek == DEFAULT_EMERGENCY_VISIT_SEK == 3_500
        assert calc.unit_costs.price_year == 2017
        assert "footnote 78" in calc.unit_costs.source

    def test_own_unit_costs(self) -> None:
        raw = _file()
        raw["unit_costs"] = {"bed_day_sek": 10_000, "emergency_visit_sek": 4_000}
        raw["groups"] = [raw["groups"][2]]
        calc = parse_potential(raw)
        assert calc.costs_saved == (1_000_000, 1_000_000)
        assert calc.unit_costs.source == "as given"

    def test_vastra_gotaland_example_reproduces_the_stated_arithmetic(self) -> None:
        text = (EXAMPLES / "potential-vastra-gotaland.yaml").read_text(encoding="utf-8")
        calc = load_potential(text)
        assert calc.bed_days_saved == (171_000, 171_000)
        assert calc.emergency_visits_saved == (23_000, 23_000)
        # 171 000 × 8 900 + 23 000 × 3 500 = 1 521 900 000 + 80 500 000
        assert calc.costs_saved == (1_602_400_000, 1_602_400_000)
        assert calc.net_saving == (1_550_400_000, 1_550_400_000)
        # "reducerade kostnader motsvarande 1,5 miljarder kronor": 1.55 billion net
        assert 1.5e9 <= calc.net_saving[0] < 1.6e9

    def test_ranges_example(self) -> None:
        calc = load_potential((EXAMPLES / "potential-ranges.yaml").read_text(encoding="utf-8"))
        # 66 000 … 110 000 × 10 × 0.25 … 0.70
        assert calc.groups[0].bed_days_saved == pytest.approx((165_000, 770_000))
        # 200 000 × 0.5 × 0.20 … 0.30
        assert calc.groups[1].emergency_visits_saved == pytest.approx((20_000, 30_000))

    def test_to_dict(self) -> None:
        out = parse_potential(_file()).to_dict()
        assert out["total"]["net_saving_sek"] == pytest.approx(
            {"low": 191_747_500, "high": 550_365_000}
        )
        assert out["groups"][2]["persons"] is None


class TestErrors:
    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            (lambda r: r.pop("groups"), "potential file: missing field 'groups'"),
            (lambda r: r.update(group=[]), "unknown field 'group'; did you mean 'groups'?"),
            (
                lambda r: r["groups"][0]["effects"].update(bed_days=25),
                "groups[0] 'most ill elderly'.effects.bed_days: 25 is above 1; give the share "
                "avoided as a fraction",
            ),
            (
                lambda r: r["groups"][0]["effects"].update(bed_days=[25, 70]),
                "has a value above 1",
            ),
            (
                lambda r: r["groups"][0]["effects"].update(bed_days=[0.7, 0.25]),
                "effects.bed_days: low 0.7 is above high 0.25",
            ),
            (
                lambda r: r["groups"][0]["effects"].pop("bed_days"),
                "missing effects.bed_days",
            ),
            (
                lambda r: r["groups"][1]["effects"].update(bed_days=0.3),
                "missing baseline.bed_days_per_person",
            ),
            (
                lambda r: r["groups"][0]["population"].update(share=14),
                "population.share: must be at most 1",
            ),
            (
                lambda r: r["groups"][0]["population"].update(count=5),
                "give either count, or base and share",
            ),
            (
                lambda r: r["groups"][0]["population"].pop("share"),
                "give count (persons), or base",
            ),
            (
                lambda r: r["groups"][2].update(population={"count": 3}),
                "give either reductions",
            ),
            (
                lambda r: r["groups"].append(copy.deepcopy(r["groups"][2])),
                "group name 'published' is used more than once",
            ),
            (lambda r: r.update(added_costs_sek=-5), "added_costs_sek: must be at least 0"),
            (
                lambda r: r.update(unit_costs={"bed_day_sek": "lots"}),
                "unit_costs.bed_day_sek: expected a number",
            ),
            (
                lambda r: r["groups"][0].update(coverage=[0.5, 0.2]),
                "coverage: low 0.5 is above high 0.2",
            ),
        ],
    )
    def test_fields(self, change: Any, expected: str) -> None:
        raw = _file()
        change(raw)
        assert expected in _error(raw)

    def test_yaml_errors(self) -> None:
        with pytest.raises(PotentialError, match="potential file is not valid YAML"):
            load_potential("groups: [\n")
        with pytest.raises(PotentialError, match="expected a mapping"):
            load_potential("just text")
