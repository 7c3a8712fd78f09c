"""Writing a report (pure): the CSV's numbers, the SVG charts, the settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from samband.outcomes import config, render, svg
from samband.outcomes.indicators import INDICATORS
from samband.outcomes.report import Figure, build
from tests.outcomes.helpers import AS_OF, params
from tests.outcomes.test_indicators import MONTH


class TestNumbers:
    @pytest.mark.parametrize(
        ("value", "text"),
        [(None, "NA"), (3, "3"), (3.0, "3"), (2.5, "2.5"), (1 / 3, "0.333"), (-0.0001, "0")],
    )
    def test_csv_number(self, value: float | None, text: str) -> None:
        assert render.number(value) == text

    def test_people_see_shares_in_per_cent_and_no_data_for_none(self) -> None:
        assert render.shown(0.25, "share") == "25.0 %"
        assert render.shown(None, "count") == "no data"


class TestReport:
    def test_rows_group_by_group_with_all_first(self) -> None:
        from datetime import date

        report = build(MONTH, date(2025, 3, 1), date(2025, 3, 31), params(), as_of=AS_OF)
        text = render.to_csv(report)
        lines = text.splitlines()

        assert lines[0] == "indicator,group,value"
        assert lines[1] == "episodes_started,all,4"
        assert report.groups == [
            "all",
            "pathway=copd",
            "pathway=heart-failure",
            "pathway=opat",
            "type=admission_avoidance",
            "type=early_supported_discharge",
        ]
        # one row per indicator and group; the physician support's (not read here: NA) in all
        episodes = [i for i in INDICATORS if i.section != "physician"]
        physician = [i for i in INDICATORS if i.section == "physician"]
        assert len(lines) == 1 + len(report.groups) * len(episodes) + len(physician)
        assert "physician_request_answer_minutes_median,all,NA" in lines


class TestSvg:
    def test_a_chart_with_negative_values_is_valid_svg(self) -> None:
        import xml.etree.ElementTree as ET  # noqa: S405 - our own output

        figure = Figure(
            "x", "Net <per> authority", "SEK", ("Region", "Kommun"), (("SEK", (1e6, -2e5)),)
        )

        root = ET.fromstring(svg.render(figure))  # noqa: S314 - our own output

        assert root.tag.endswith("svg")
        assert len([e for e in root.iter() if e.tag.endswith("rect")]) == 2


class TestSettings:
    def test_the_shipped_defaults(self) -> None:
        s = config.load()
        costs = s.costs_for(2025)

        assert (costs.bed_day, costs.emergency_visit, costs.price_year) == (8900, 3500, 2017)
        assert s.follow_up_days == 30

    def test_the_most_specific_override_wins(self, tmp_path: Path) -> None:
        path = tmp_path / "c.yaml"
        path.write_text(
            "unit_costs:\n  overrides:\n"
            "    - {organisation: HSV, travel_per_km: 9}\n"
            "    - {authority: Falu kommun, travel_per_km: 7,\n"
            "       staff_hour: {registered_nurse: 600}}\n",
            encoding="utf-8",
        )
        s = config.load(path)

        assert s.costs_for(2025, "Falu kommun", "HSV").travel_per_km == 9
        assert s.costs_for(2025, "Falu kommun", "OTHER").travel_per_km == 7
        assert s.costs_for(2025, "Falu kommun", "HSV").hour("registered_nurse") == 600
        assert s.costs_for(2025, "Region Dalarna", "INF").travel_per_km == 5

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("follow_up_days: 0\n", "follow_up_days"),
            ("unit_costs: {default: {bed_day: x}}\n", "unit_costs.default.bed_day"),
            ("pathways: {opat: {colour: red}}\n", "pathways.opat.colour"),
            ("- a list\n", "must be a mapping"),
            ("a: [\n", "not valid YAML"),
        ],
    )
    def test_a_bad_file_says_where(self, tmp_path: Path, text: str, says: str) -> None:
        path = tmp_path / "c.yaml"
        path.write_text(text, encoding="utf-8")

        with pytest.raises(config.ConfigError, match=says.replace(".", r"\.")):
            config.load(path)
