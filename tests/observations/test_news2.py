"""NEWS2 scoring against the RCP NEWS2 (2017) chart: every band edge from both sides, the
risk bands, partial sets, worked examples, and properties of the score and of parse_set."""

from __future__ import annotations

import math
from dataclasses import asdict, replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.observations.news2 import (
    PARAMETERS,
    News2,
    News2InputError,
    VitalSigns,
    parse_set,
    score,
)

# A complete set that scores 0 everywhere; tests change one parameter at a time.
NORMAL = VitalSigns(
    respiratory_rate=16,
    spo2=97,
    spo2_scale=1,
    on_oxygen=False,
    systolic_bp=125,
    pulse=70,
    consciousness="A",
    temperature=36.8,
)


def points(name: str, **fields: Any) -> int:
    """The points of one parameter, with the others normal."""
    return score(replace(NORMAL, **fields)).parameters[name]


# -- the chart, edge by edge ------------------------------------------------------------------


class TestRespiratoryRate:
    @pytest.mark.parametrize(
        ("rate", "expected"),
        [
            (0, 3),
            (8, 3),
            (9, 1),
            (11, 1),
            (12, 0),
            (20, 0),
            (21, 2),
            (24, 2),
            (25, 3),
            (80, 3),
        ],
    )
    def test_bands(self, rate: int, expected: int) -> None:
        assert points("respiratory_rate", respiratory_rate=rate) == expected


class TestSpO2Scale1:
    @pytest.mark.parametrize(
        ("spo2", "expected"),
        [(0, 3), (91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)],
    )
    @pytest.mark.parametrize("on_oxygen", [False, True, None])
    def test_bands_whatever_the_oxygen(
        self, spo2: int, expected: int, on_oxygen: bool | None
    ) -> None:
        assert points("spo2", spo2=spo2, spo2_scale=1, on_oxygen=on_oxygen) == expected


SCALE_2_BELOW_93 = [
    (0, 3),
    (83, 3),
    (84, 2),
    (85, 2),
    (86, 1),
    (87, 1),
    (88, 0),
    (92, 0),
]


class TestSpO2Scale2:
    @pytest.mark.parametrize(
        ("spo2", "expected"),
        [*SCALE_2_BELOW_93, (93, 0), (94, 0), (95, 0), (96, 0), (97, 0), (100, 0)],
    )
    def test_on_air(self, spo2: int, expected: int) -> None:
        assert points("spo2", spo2=spo2, spo2_scale=2, on_oxygen=False) == expected

    @pytest.mark.parametrize(
        ("spo2", "expected"),
        [*SCALE_2_BELOW_93, (93, 1), (94, 1), (95, 2), (96, 2), (97, 3), (100, 3)],
    )
    def test_on_oxygen(self, spo2: int, expected: int) -> None:
        assert points("spo2", spo2=spo2, spo2_scale=2, on_oxygen=True) == expected

    @pytest.mark.parametrize(("spo2", "expected"), [*SCALE_2_BELOW_93, (93, 0), (97, 0)])
    def test_oxygen_unknown_scores_as_on_air(self, spo2: int, expected: int) -> None:
        result = score(replace(NORMAL, spo2=spo2, spo2_scale=2, on_oxygen=None))

        assert result.parameters["spo2"] == expected
        assert result.partial
        assert result.missing == ("on_oxygen",)

    def test_oxygen_still_adds_its_own_2(self) -> None:
        result = score(replace(NORMAL, spo2=97, spo2_scale=2, on_oxygen=True))

        assert result.parameters == {**result.parameters, "spo2": 3, "on_oxygen": 2}
        assert result.total == 5
        assert result.red_score


class TestAirOrOxygen:
    @pytest.mark.parametrize(("on_oxygen", "expected"), [(True, 2), (False, 0)])
    def test_points(self, on_oxygen: bool, expected: int) -> None:
        assert points("on_oxygen", on_oxygen=on_oxygen) == expected


class TestSystolicBP:
    @pytest.mark.parametrize(
        ("bp", "expected"),
        [
            (20, 3),
            (90, 3),
            (91, 2),
            (100, 2),
            (101, 1),
            (110, 1),
            (111, 0),
            (219, 0),
            (220, 3),
            (300, 3),
        ],
    )
    def test_bands(self, bp: int, expected: int) -> None:
        assert points("systolic_bp", systolic_bp=bp) == expected


class TestPulse:
    @pytest.mark.parametrize(
        ("pulse", "expected"),
        [
            (1, 3),
            (40, 3),
            (41, 1),
            (50, 1),
            (51, 0),
            (90, 0),
            (91, 1),
            (110, 1),
            (111, 2),
            (130, 2),
            (131, 3),
            (300, 3),
        ],
    )
    def test_bands(self, pulse: int, expected: int) -> None:
        assert points("pulse", pulse=pulse) == expected


class TestConsciousness:
    @pytest.mark.parametrize(
        ("level", "expected"), [("A", 0), ("C", 3), ("V", 3), ("P", 3), ("U", 3)]
    )
    def test_points(self, level: Any, expected: int) -> None:
        assert points("consciousness", consciousness=level) == expected


class TestTemperature:
    @pytest.mark.parametrize(
        ("celsius", "expected"),
        [
            (25.0, 3),
            (35.0, 3),
            (35.1, 1),
            (36.0, 1),
            (36.1, 0),
            (38.0, 0),
            (38.1, 1),
            (39.0, 1),
            (39.1, 2),
            (45.0, 2),
            (37, 0),  # an int is a temperature too
        ],
    )
    def test_bands(self, celsius: float, expected: int) -> None:
        assert points("temperature", temperature=celsius) == expected

    @pytest.mark.parametrize(
        ("celsius", "expected"),
        [
            (35.04, 3),
            (35.05, 1),  # rounds half up to 35.1
            (36.04, 1),
            (36.05, 0),
            (38.04, 0),
            (38.05, 1),  # the float 38.05 is 38.04999…; still 38.1
            (39.04, 1),
            (39.05, 2),
            (35.0999, 1),
            (38.0499, 0),
        ],
    )
    def test_rounded_half_up_to_one_decimal_first(self, celsius: float, expected: int) -> None:
        assert points("temperature", temperature=celsius) == expected


# -- the aggregate ----------------------------------------------------------------------------


class TestRiskBands:
    @pytest.mark.parametrize(
        ("changes", "total", "risk", "red", "monitoring", "response"),
        [
            ({}, 0, "low", False, "12h", "routine"),
            ({"pulse": 95}, 1, "low", False, "4-6h", "ward-based"),
            (
                {"respiratory_rate": 21, "spo2": 94, "systolic_bp": 105},
                4,
                "low",
                False,
                "4-6h",
                "ward-based",
            ),
            ({"consciousness": "C"}, 3, "low-medium", True, "1h", "key-threshold/urgent-ward"),
            (
                {"consciousness": "C", "pulse": 95},
                4,
                "low-medium",
                True,
                "1h",
                "key-threshold/urgent-ward",
            ),
            (
                {"respiratory_rate": 21, "spo2": 93, "systolic_bp": 105},
                5,
                "medium",
                False,
                "1h",
                "urgent",
            ),
            ({"consciousness": "C", "respiratory_rate": 21}, 5, "medium", True, "1h", "urgent"),
            (
                {"respiratory_rate": 21, "spo2": 93, "on_oxygen": True},
                6,
                "medium",
                False,
                "1h",
                "urgent",
            ),
            (
                {"respiratory_rate": 21, "spo2": 93, "on_oxygen": True, "systolic_bp": 105},
                7,
                "high",
                False,
                "continuous",
                "emergency",
            ),
            ({"consciousness": "U", "pulse": 35}, 6, "medium", True, "1h", "urgent"),
            (
                {"consciousness": "U", "pulse": 35, "temperature": 38.5},
                7,
                "high",
                True,
                "continuous",
                "emergency",
            ),
        ],
    )
    def test_bands(
        self,
        changes: dict[str, Any],
        total: int,
        risk: str,
        red: bool,
        monitoring: str,
        response: str,
    ) -> None:
        result = score(replace(NORMAL, **changes))

        assert (result.total, result.risk, result.red_score) == (total, risk, red)
        assert (result.monitoring, result.response) == (monitoring, response)
        assert not result.partial


class TestWorkedExamples:
    """Sets scored by hand from the chart, parameter by parameter."""

    def test_well_patient(self) -> None:
        result = score(
            VitalSigns(
                respiratory_rate=14,
                spo2=98,
                on_oxygen=False,
                systolic_bp=128,
                pulse=68,
                consciousness="A",
                temperature=36.7,
            )
        )

        assert result == News2(
            total=0,
            risk="low",
            partial=False,
            parameters=dict.fromkeys(PARAMETERS, 0),
            missing=(),
            red_score=False,
            monitoring="12h",
            response="routine",
        )

    def test_septic_patient(self) -> None:
        # RR 26 → 3, SpO2 94 on air → 1, air → 0, BP 88 → 3, pulse 124 → 2, V → 3, 39.4 → 2
        result = score(
            VitalSigns(
                respiratory_rate=26,
                spo2=94,
                on_oxygen=False,
                systolic_bp=88,
                pulse=124,
                consciousness="V",
                temperature=39.4,
            )
        )

        assert result.parameters == {
            "respiratory_rate": 3,
            "spo2": 1,
            "on_oxygen": 0,
            "systolic_bp": 3,
            "pulse": 2,
            "consciousness": 3,
            "temperature": 2,
        }
        assert (result.total, result.risk, result.monitoring) == (14, "high", "continuous")

    def test_copd_patient_on_scale_2(self) -> None:
        # RR 22 → 2, SpO2 90 (scale 2) → 0, oxygen → 2, BP 130 → 0, pulse 96 → 1, A, 37.4 → 0
        copd = VitalSigns(
            respiratory_rate=22,
            spo2=90,
            spo2_scale=2,
            on_oxygen=True,
            systolic_bp=130,
            pulse=96,
            consciousness="A",
            temperature=37.4,
        )

        assert (score(copd).total, score(copd).risk) == (5, "medium")
        # over-oxygenated on scale 2: SpO2 96 on oxygen → 2
        assert (score(replace(copd, spo2=96)).total, score(replace(copd, spo2=96)).risk) == (
            7,
            "high",
        )
        # the same 90% on scale 1 is a 3: the scale must only be used when prescribed
        on_scale_1 = score(replace(copd, spo2_scale=1))
        assert (on_scale_1.total, on_scale_1.risk, on_scale_1.red_score) == (8, "high", True)

    def test_new_confusion_alone(self) -> None:
        result = score(replace(NORMAL, consciousness="C", temperature=38.2))

        assert result.parameters["consciousness"] == 3
        assert result.parameters["temperature"] == 1
        assert (result.total, result.risk, result.monitoring) == (4, "low-medium", "1h")


class TestPartialSets:
    def test_scores_what_is_there(self) -> None:
        result = score(VitalSigns(respiratory_rate=22, pulse=115))

        assert result.parameters == {"respiratory_rate": 2, "pulse": 2}
        assert result.total == 4
        assert result.partial
        assert result.missing == (
            "spo2",
            "on_oxygen",
            "systolic_bp",
            "consciousness",
            "temperature",
        )

    def test_missing_on_oxygen_is_not_scored(self) -> None:
        result = score(replace(NORMAL, on_oxygen=None))

        assert "on_oxygen" not in result.parameters
        assert result.missing == ("on_oxygen",)
        assert result.partial

    def test_scale_2_without_spo2_is_fine(self) -> None:
        result = score(replace(NORMAL, spo2=None, spo2_scale=2, on_oxygen=True))

        assert result.parameters["on_oxygen"] == 2
        assert result.missing == ("spo2",)

    def test_a_single_3_in_a_partial_set_is_still_a_red_score(self) -> None:
        result = score(VitalSigns(systolic_bp=85))

        assert (result.total, result.risk, result.red_score) == (3, "low-medium", True)

    def test_nothing_measured(self) -> None:
        result = score(VitalSigns())

        assert (result.total, result.partial, result.parameters) == (0, True, {})
        assert result.missing == PARAMETERS


# -- parse_set --------------------------------------------------------------------------------

FULL_JSON: dict[str, Any] = {
    "respiratory_rate": 18,
    "spo2": 95,
    "spo2_scale": 1,
    "on_oxygen": False,
    "systolic_bp": 120,
    "pulse": 80,
    "consciousness": "A",
    "temperature": 37.2,
}


class TestParseSet:
    def test_the_documented_form(self) -> None:
        assert parse_set(FULL_JSON) == VitalSigns(
            respiratory_rate=18,
            spo2=95,
            spo2_scale=1,
            on_oxygen=False,
            systolic_bp=120,
            pulse=80,
            consciousness="A",
            temperature=37.2,
        )

    def test_null_and_absent_are_missing(self) -> None:
        assert parse_set({"pulse": 80, "spo2": None, "spo2_scale": None}) == VitalSigns(pulse=80)

    def test_lower_case_acvpu_is_accepted(self) -> None:
        assert parse_set({"consciousness": "c"}).consciousness == "C"

    def test_whole_floats_are_whole_numbers(self) -> None:
        parsed = parse_set({"respiratory_rate": 18.0, "spo2_scale": 2.0, "temperature": 37})

        assert parsed.respiratory_rate == 18
        assert isinstance(parsed.respiratory_rate, int)
        assert parsed.spo2_scale == 2

    def test_scale_2_without_spo2(self) -> None:
        assert parse_set({"spo2_scale": 2, "on_oxygen": True}).spo2_scale == 2

    @pytest.mark.parametrize(
        ("raw", "message"),
        [
            ({"respiratory_rate": 18.5}, "respiratory_rate: 18.5 is not a whole number"),
            ({"respiratory_rate": -1}, "respiratory_rate: -1 breaths/min is not possible"),
            ({"respiratory_rate": 81}, "from 0 to 80 breaths/min"),
            ({"respiratory_rate": "18"}, "respiratory_rate: the text '18' is not a number"),
            ({"spo2": 101}, "spo2: 101% is not possible"),
            ({"spo2": -1}, "from 0 to 100%"),
            ({"spo2": True}, "spo2: true is not a number"),
            ({"spo2_scale": 3}, "spo2_scale: 3 is not a SpO2 scale"),
            ({"spo2_scale": 0}, "use 1 (the default), or 2 only when a physician"),
            ({"spo2_scale": "2"}, "spo2_scale: the text '2' is not a SpO2 scale"),
            ({"spo2_scale": True}, "spo2_scale: true is not a SpO2 scale"),
            ({"on_oxygen": "yes"}, "on_oxygen: the text 'yes' is not true or false"),
            ({"on_oxygen": 1}, "on_oxygen: 1 is not true or false"),
            ({"systolic_bp": 19}, "systolic_bp: 19 mmHg is not possible"),
            ({"systolic_bp": 301}, "from 20 to 300 mmHg"),
            ({"systolic_bp": [120, 80]}, "systolic_bp: a list is not a number"),
            ({"pulse": 0}, "pulse: 0 /min is not possible"),
            ({"pulse": 301}, "from 1 to 300 /min"),
            ({"pulse": False}, "pulse: false is not a number"),
            ({"consciousness": "X"}, "consciousness: the text 'X' is not one of A, C, V, P, U"),
            ({"consciousness": "alert"}, "consciousness: the text 'alert' is not one of"),
            ({"consciousness": 0}, "consciousness: 0 is not one of A, C, V, P, U"),
            ({"temperature": 98.6}, "temperature: 98.6 °C is outside 25–45 °C"),
            ({"temperature": 24.9}, "(not °F)"),
            ({"temperature": "37,2"}, "temperature: the text '37,2' is not a number"),
            ({"temperature": math.nan}, "temperature: nan °C is outside"),
            ({"temperature": math.inf}, "temperature: inf °C is outside"),
            ({"temperature": {"value": 37}}, "temperature: an object is not a number"),
            ({"heart_rate": 80}, "unknown field 'heart_rate'; the fields are: respiratory_rate"),
            ({"temprature": 37.0}, "unknown field 'temprature' (did you mean 'temperature'?)"),
            ({}, "the set has no vital signs; give at least one of"),
            ({"spo2_scale": 2}, "the set has no vital signs"),
            ([], "must be a JSON object"),
            ("pulse 80", "must be a JSON object"),
            (None, "must be a JSON object"),
        ],
    )
    def test_impossible_input_says_what_to_fix(self, raw: object, message: str) -> None:
        with pytest.raises(News2InputError) as caught:
            parse_set(raw)

        assert message in str(caught.value)

    def test_every_problem_is_reported_at_once(self) -> None:
        with pytest.raises(News2InputError) as caught:
            parse_set({"pulse": 0, "spo2": 101, "foo": 1})

        message = str(caught.value)
        assert "pulse: 0" in message
        assert "spo2: 101%" in message
        assert "unknown field 'foo'" in message

    def test_input_error_is_a_value_error(self) -> None:
        assert issubclass(News2InputError, ValueError)

    def test_vital_signs_check_themselves(self) -> None:
        with pytest.raises(News2InputError, match="pulse: 0 /min is not possible"):
            VitalSigns(pulse=0)
        with pytest.raises(News2InputError, match="spo2_scale: 3"):
            VitalSigns(spo2_scale=3)


# -- properties -------------------------------------------------------------------------------

temperatures = st.floats(25, 45, allow_nan=False) | st.integers(25, 45)
MEASURED: dict[str, st.SearchStrategy[Any]] = {
    "respiratory_rate": st.integers(0, 80),
    "spo2": st.integers(0, 100),
    "on_oxygen": st.booleans(),
    "systolic_bp": st.integers(20, 300),
    "pulse": st.integers(1, 300),
    "consciousness": st.sampled_from(["A", "C", "V", "P", "U"]),
    "temperature": temperatures,
}
scales = st.sampled_from([1, 2])
vital_signs = st.builds(
    VitalSigns, spo2_scale=scales, **{k: st.none() | s for k, s in MEASURED.items()}
)
complete_vital_signs = st.builds(VitalSigns, spo2_scale=scales, **MEASURED)


def expected_risk(total: int, red: bool) -> str:
    if total >= 7:
        return "high"
    if total >= 5:
        return "medium"
    return "low-medium" if red else "low"


class TestScoreProperties:
    @given(vital_signs)
    def test_total_is_the_sum_of_its_parts(self, v: VitalSigns) -> None:
        result = score(v)

        assert result.total == sum(result.parameters.values())
        assert 0 <= result.total <= 20
        assert all(0 <= p <= 3 for p in result.parameters.values())
        assert result.parameters.get("on_oxygen", 0) in (0, 2)

    @given(vital_signs)
    def test_every_parameter_is_scored_or_missing(self, v: VitalSigns) -> None:
        result = score(v)

        assert set(result.parameters).isdisjoint(result.missing)
        assert set(result.parameters) | set(result.missing) == set(PARAMETERS)
        assert result.partial == bool(result.missing)
        assert result.missing == tuple(p for p in PARAMETERS if getattr(v, p) is None)

    @given(vital_signs)
    def test_risk_monitoring_and_response_follow_total_and_red_score(self, v: VitalSigns) -> None:
        result = score(v)

        assert result.red_score == (3 in result.parameters.values())
        assert result.risk == expected_risk(result.total, result.red_score)
        expected_monitoring = (
            "continuous"
            if result.total >= 7
            else "1h"
            if result.total >= 5 or result.red_score
            else "4-6h"
            if result.total >= 1
            else "12h"
        )
        assert result.monitoring == expected_monitoring
        if result.total >= 7:
            assert result.response == "emergency"
        elif result.total >= 5:
            assert result.response == "urgent"
        elif result.red_score:
            assert result.response == "key-threshold/urgent-ward"
        else:
            assert result.response == ("ward-based" if result.total else "routine")

    @given(vital_signs)
    def test_scale_1_never_looks_at_oxygen_for_the_spo2_points(self, v: VitalSigns) -> None:
        v = replace(v, spo2_scale=1)

        spo2_points = {
            score(replace(v, on_oxygen=o2)).parameters.get("spo2") for o2 in (True, False, None)
        }

        assert len(spo2_points) == 1

    @given(complete_vital_signs, st.sets(st.sampled_from(PARAMETERS)))
    def test_a_partial_total_is_the_least_the_full_set_can_score(
        self, v: VitalSigns, dropped: set[str]
    ) -> None:
        full = score(v)
        partial = score(replace(v, **dict.fromkeys(dropped)))

        assert partial.total <= full.total
        for name, p in partial.parameters.items():
            assert p <= full.parameters[name]

    @given(vital_signs.filter(lambda v: any(getattr(v, p) is not None for p in PARAMETERS)))
    def test_parse_set_reads_back_what_asdict_writes(self, v: VitalSigns) -> None:
        assert parse_set(asdict(v)) == v


def _side_pairs(
    low: int, high: int, normal_low: int, normal_high: int
) -> st.SearchStrategy[list[int]]:
    """Two values on the same side of the normal band, the first nearer to it."""
    above = st.tuples(st.integers(normal_high, high), st.integers(normal_high, high)).map(sorted)
    below = st.tuples(st.integers(low, normal_low), st.integers(low, normal_low)).map(
        lambda ab: sorted(ab, reverse=True)
    )
    return above | below


class TestMonotonicity:
    """A value further from normal never scores fewer points."""

    @given(_side_pairs(0, 80, 12, 20))
    def test_respiratory_rate(self, pair: list[int]) -> None:
        nearer, further = pair
        assert points("respiratory_rate", respiratory_rate=nearer) <= points(
            "respiratory_rate", respiratory_rate=further
        )

    @given(_side_pairs(20, 300, 111, 219))
    def test_systolic_bp(self, pair: list[int]) -> None:
        nearer, further = pair
        assert points("systolic_bp", systolic_bp=nearer) <= points(
            "systolic_bp", systolic_bp=further
        )

    @given(_side_pairs(1, 300, 51, 90))
    def test_pulse(self, pair: list[int]) -> None:
        nearer, further = pair
        assert points("pulse", pulse=nearer) <= points("pulse", pulse=further)

    @given(st.integers(0, 100), st.integers(0, 100), st.sampled_from([True, False, None]))
    def test_lower_spo2_never_scores_less_on_scale_1(
        self, a: int, b: int, on_oxygen: bool | None
    ) -> None:
        lower, higher = sorted((a, b))
        assert points("spo2", spo2=lower, on_oxygen=on_oxygen) >= points(
            "spo2", spo2=higher, on_oxygen=on_oxygen
        )

    @given(_side_pairs(0, 100, 88, 92))
    def test_spo2_on_scale_2_with_oxygen(self, pair: list[int]) -> None:
        nearer, further = pair
        kw = {"spo2_scale": 2, "on_oxygen": True}
        assert points("spo2", spo2=nearer, **kw) <= points("spo2", spo2=further, **kw)

    @given(st.integers(0, 100), st.integers(0, 100))
    def test_lower_spo2_never_scores_less_on_scale_2_on_air(self, a: int, b: int) -> None:
        lower, higher = sorted((a, b))
        kw = {"spo2_scale": 2, "on_oxygen": False}
        assert points("spo2", spo2=lower, **kw) >= points("spo2", spo2=higher, **kw)

    @given(temperatures, temperatures)
    def test_temperature(self, a: float, b: float) -> None:
        low, high = sorted((a, b))
        if low >= 36.1:  # both above normal (or in it): the higher is further
            assert points("temperature", temperature=low) <= points("temperature", temperature=high)
        elif high <= 38.0:  # both below normal (or in it): the lower is further
            assert points("temperature", temperature=high) <= points("temperature", temperature=low)

    @given(st.sampled_from(["C", "V", "P", "U"]))
    def test_anything_but_alert_is_3(self, level: Any) -> None:
        assert (
            points("consciousness", consciousness=level)
            == 3
            > points("consciousness", consciousness="A")
        )


# -- parse_set properties ---------------------------------------------------------------------

WHOLE = {"respiratory_rate": (0, 80), "spo2": (0, 100), "systolic_bp": (20, 300), "pulse": (1, 300)}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


class TestParseSetProperties:
    @given(st.sampled_from(sorted(WHOLE)), st.data())
    def test_whole_numbers_outside_their_range_are_refused(
        self, name: str, data: st.DataObject
    ) -> None:
        low, high = WHOLE[name]
        value = data.draw(st.integers(max_value=low - 1) | st.integers(min_value=high + 1))

        with pytest.raises(News2InputError, match=f"^{name}: {value}"):
            parse_set({name: value})

    @given(st.sampled_from(sorted(WHOLE)), st.floats().filter(lambda f: not f.is_integer()))
    def test_fractions_are_refused_for_whole_numbers(self, name: str, value: float) -> None:
        with pytest.raises(News2InputError, match=f"^{name}: "):
            parse_set({name: value})

    @given(st.sampled_from([*sorted(WHOLE), "temperature"]), st.booleans() | st.text())
    def test_booleans_and_text_are_not_numbers(self, name: str, value: object) -> None:
        with pytest.raises(News2InputError, match=f"^{name}: .* is not a number"):
            parse_set({name: value})

    @given(st.floats().filter(lambda t: not 25 <= t <= 45))
    def test_impossible_temperatures_are_refused(self, celsius: float) -> None:
        with pytest.raises(News2InputError, match="^temperature: "):
            parse_set({"temperature": celsius})

    @given(st.text().filter(lambda s: s.upper() not in {"A", "C", "V", "P", "U"}))
    def test_consciousness_is_acvpu_only(self, text: str) -> None:
        with pytest.raises(News2InputError, match="^consciousness: "):
            parse_set({"consciousness": text})

    @given(json_values | st.dictionaries(st.sampled_from(sorted(FULL_JSON)), json_values))
    def test_any_json_gives_vital_signs_or_an_input_error(self, raw: object) -> None:
        try:
            parsed: VitalSigns | str = parse_set(raw)
        except News2InputError as exc:
            parsed = str(exc)

        if isinstance(parsed, str):
            assert parsed  # a message, never an empty one
        else:
            assert score(parsed).total >= 0
