"""The trend charts' geometry (web/trendchart.py, pure): the time axis for an episode of one to
thirty days in Europe/Stockholm, nice value ticks, gaps, markers; and the charts on the
patient page (web/vitals.py), one point per measurement."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from samband.kit.ticks import nice_step
from samband.kit.time import utcnow
from samband.monitoring import intake
from samband.observations.schemas import ObservationCreate
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from samband.web import trendchart
from samband.web.trendchart import (
    MarkIn,
    Measure,
    Reading,
    SeriesIn,
    build,
    format_number,
    time_domain,
    time_step,
    time_ticks,
    value_range,
)
from tests.observations.world import HIGH, NORMAL, make_world
from tests.web.test_overview import login

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PULSE = Measure(40, 120, (51, 90), floor=0)
START = datetime(2030, 3, 4, 9, 15, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)  # type: ignore[misc]


def seconds(a: datetime, b: datetime) -> float:
    """b - a in real seconds (aware datetimes of one zone subtract as wall clocks)."""
    return (b.astimezone(UTC) - a.astimezone(UTC)).total_seconds()


def readings(values: list[float | None], every: timedelta = timedelta(hours=8)) -> list[Reading]:
    return [Reading(START + i * every, v) for i, v in enumerate(values)]


class TestTimeAxis:
    @pytest.mark.parametrize(
        ("days", "step_hours"),
        [(0.25, 1), (1, 6), (2, 12), (3, 12), (5, 24), (7, 24), (14, 48), (30, 120)],
    )
    def test_the_step_grows_with_the_episode(self, days: float, step_hours: int) -> None:
        start = local(2030, 3, 4, 9, 0)

        assert time_step(start, start + timedelta(days=days)) == step_hours

    @given(
        days=st.floats(min_value=0.25, max_value=30),
        start_minute=st.integers(min_value=0, max_value=60 * 24 * 365),
    )
    def test_at_most_seven_ticks_inside_the_span_in_order(
        self, days: float, start_minute: int
    ) -> None:
        start = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(minutes=start_minute)
        end = start + timedelta(days=days)

        ticks = time_ticks(start, end, STOCKHOLM)

        assert 1 <= len(ticks) <= 7
        positions = [t.pos for t in ticks]
        assert positions == sorted(positions)
        assert all(0 <= p <= 1 for p in positions)

    def test_a_day_is_marked_every_six_hours_with_the_date_at_midnight(self) -> None:
        start = local(2030, 3, 5, 9, 30)

        ticks = time_ticks(start, start + timedelta(days=1), STOCKHOLM)

        assert [t.label for t in ticks] == ["12:00", "18:00", "6/3", "06:00"]
        assert ticks[0].pos == pytest.approx(2.5 / 24)

    def test_a_month_is_marked_at_local_midnights_every_five_days(self) -> None:
        start = local(2030, 3, 1, 14, 0)
        end = local(2030, 3, 31, 14, 0)  # summer time from 31 March: 30 days less an hour

        ticks = time_ticks(start, end, STOCKHOLM)

        assert [t.label for t in ticks] == ["2/3", "7/3", "12/3", "17/3", "22/3", "27/3"]
        # 27 March 2030 is before summer time: midnight in +01:00
        assert ticks[-1].pos == pytest.approx(
            seconds(start, local(2030, 3, 27)) / seconds(start, end)
        )

    def test_ticks_stay_on_local_midnight_across_summer_time(self) -> None:
        start = local(2030, 3, 29, 12, 0)  # summer time starts 31 March 02:00
        end = start.astimezone(UTC) + timedelta(days=5)

        ticks = time_ticks(start, end, STOCKHOLM)

        span = seconds(start, end)
        days = [local(2030, 3, 30), local(2030, 3, 31), local(2030, 4, 1), local(2030, 4, 2)]
        expected = [seconds(start, d) / span for d in days]
        assert [t.label for t in ticks] == ["30/3", "31/3", "1/4", "2/4", "3/4"]
        assert [t.pos for t in ticks[:4]] == pytest.approx(expected)
        # 31 March is 23 hours long: the ticks after it are an hour closer, not at 01:00
        assert (ticks[2].pos - ticks[1].pos) * span == pytest.approx(23 * 3600)

    def test_a_short_episode_is_shown_over_at_least_six_hours(self) -> None:
        end = local(2030, 3, 4, 10, 0)

        start, shown_end = time_domain(end - timedelta(minutes=20), end)

        assert (start, shown_end) == (end - timedelta(hours=6), end)  # equal instants
        assert start.tzinfo is UTC

    def test_times_without_a_zone_are_refused(self) -> None:
        with pytest.raises(ValueError, match="no time zone"):
            time_domain(datetime(2030, 3, 4), datetime(2030, 3, 5, tzinfo=UTC))  # noqa: DTZ001


class TestValueAxis:
    @pytest.mark.parametrize(
        ("span", "step_min", "step"),
        [(80, 1, 20), (16, 1, 5), (3.5, 0.5, 1), (1.2, 0.5, 0.5), (3, 1, 1), (0.2, 1, 1)],
    )
    def test_nice_steps(self, span: float, step_min: float, step: float) -> None:
        assert nice_step(span, 5, step_min) == step

    @given(
        st.lists(st.floats(min_value=20, max_value=250, allow_nan=False), min_size=0, max_size=40)
    )
    def test_the_axis_holds_every_value_and_the_usual_range_in_few_ticks(
        self, values: list[float]
    ) -> None:
        low, high, step = value_range(values, PULSE)

        assert low <= min([40, *values])
        assert high >= max([120, *values])
        assert 1 <= (high - low) / step <= 6 + 1e-9
        assert abs(low / step - round(low / step)) < 1e-9

    def test_spo2_never_goes_above_100_nor_a_score_below_0(self) -> None:
        assert value_range([97, 99, 100], Measure(86, 100, (96, 100), 0, 100))[1] == 100
        assert value_range([0, 3], Measure(0, 8, (0, 4), 0, 20))[0] == 0

    def test_decimal_comma(self) -> None:
        assert format_number(37.5, 0.5, decimal_comma=True) == "37,5"
        assert format_number(38.0, 0.5) == "38.0"
        assert format_number(90.0, 10) == "90"


class TestBuild:
    def chart(self, values: list[float | None], **kw: object) -> trendchart.Chart:
        series = [SeriesIn("pulse", readings(values))]
        end = START + timedelta(days=3)
        return build(PULSE, series, start=START, end=end, tz=STOCKHOLM, **kw)  # type: ignore[arg-type]

    def test_one_point_per_value(self) -> None:
        chart = self.chart([72, 80, None, 95, 101])

        assert chart.count == 4
        assert [p.value for p in chart.series[0].points] == [72, 80, 95, 101]

    @given(st.lists(st.floats(min_value=10, max_value=300, allow_nan=False), min_size=1))
    def test_every_point_lies_in_the_plot(self, values: list[float]) -> None:
        chart = self.chart(values[:9])  # 9 readings, 8 hours apart, fit in the 3 days

        for point in chart.series[0].points:
            assert chart.left <= point.x <= chart.right
            assert chart.top <= point.y <= chart.bottom

    def test_higher_values_are_drawn_higher(self) -> None:
        points = self.chart([60, 80, 100]).series[0].points

        assert points[0].y > points[1].y > points[2].y

    def test_a_missing_value_breaks_the_line(self) -> None:
        chart = self.chart([72, 80, None, 95, 101])

        assert len(chart.series[0].segments) == 2
        assert [len(s.split()) for s in chart.series[0].segments] == [2, 2]

    def test_a_long_pause_breaks_the_line_and_a_lone_point_has_no_line(self) -> None:
        every_8h = self.chart([72, 80, 95], max_gap=timedelta(hours=6))
        within = self.chart([72, 80, 95], max_gap=timedelta(hours=12))

        assert every_8h.series[0].segments == []
        assert every_8h.count == 3
        assert len(within.series[0].segments) == 1

    def test_the_normal_range_is_shaded_and_values_outside_are_marked(self) -> None:
        chart = self.chart([72, 101, 45])

        assert chart.band is not None
        top, bottom = chart.band
        y90 = chart.series[0].points[0].y  # 72 lies inside
        assert top < y90 < bottom
        assert [p.out_of_range for p in chart.series[0].points] == [False, True, True]

    def test_markers_at_their_time_and_readings_outside_the_episode_left_out(self) -> None:
        series = [SeriesIn("pulse", readings([70, 72]) + [Reading(START - timedelta(days=9), 80)])]
        marks = [
            MarkIn(START + timedelta(hours=36), "high", "NEWS2 8"),
            MarkIn(START - timedelta(days=9), "low", "before"),
        ]

        chart = build(
            PULSE, series, start=START, end=START + timedelta(days=3), tz=STOCKHOLM, marks=marks
        )

        assert chart.count == 2
        assert [(m.severity, m.title) for m in chart.marks] == [("high", "NEWS2 8")]
        assert chart.marks[0].x == pytest.approx(chart.left + chart.plot_width / 2, abs=0.01)

    def test_acvpu_has_a_row_per_letter_with_a_at_the_top(self) -> None:
        measure = Measure(0, 4, (0, 0), categories=("A", "C", "V", "P", "U"))
        series = [SeriesIn("consciousness", readings([0, 0, 1]))]

        chart = build(measure, series, start=START, end=START + timedelta(days=1), tz=STOCKHOLM)

        assert [t.label for t in chart.y_ticks] == ["A", "C", "V", "P", "U"]
        ys = [t.pos for t in chart.y_ticks]
        assert ys == sorted(ys)
        points = chart.series[0].points
        assert points[0].y == ys[0]
        assert points[2].y == ys[1]
        assert chart.band is not None
        assert chart.band[0] < ys[0] < chart.band[1] < ys[1]
        assert [p.out_of_range for p in points] == [False, False, True]


class TestOnThePatientPage:
    def test_a_chart_per_vital_sign_and_news2_with_a_point_per_set(
        self, client: TestClient, session: Session
    ) -> None:
        world = make_world(session, started=utcnow() - timedelta(days=3))
        ctx = Context(session=session, actor=actor_of(world.nurse), log=AccessLog())
        now = utcnow()
        sets = [
            {**NORMAL, "pulse": 70 + i} if i != 3 else {"temperature": 37.4}  # one partial set
            for i in range(5)
        ] + [HIGH]
        for i, values in enumerate(sets):
            intake.ingest_one(
                ctx,
                ObservationCreate(
                    patient_id=world.patient.id,
                    measured_at=now - timedelta(hours=60 - 10 * i),
                    source="visit",
                    **values,
                ),
            )
        session.flush()
        login(client, session, world.nurse)

        page = client.get(f"/patients/{world.patient.id}").text

        figures = dict(
            re.findall(r'<figure class="trend" id="trend-([a-z_0-9]+)">(.*?)</figure>', page, re.S)
        )
        assert list(figures) == [
            "news2",
            "respiratory_rate",
            "spo2",
            "blood_pressure",
            "pulse",
            "temperature",
            "consciousness",
        ]

        def points(key: str) -> int:
            return len(re.findall(r'<circle class="point', figures[key]))

        assert points("pulse") == 5  # the partial set has no pulse
        assert points("temperature") == 6
        assert points("news2") == 6
        assert points("blood_pressure") == 5  # systolic only: no diastolic was sent
        pulse = figures["pulse"]
        assert 'role="img"' in pulse
        assert re.search(r'aria-label="Puls \(/min\): 5 mätningar, ', pulse)
        assert "<title>Puls (/min): 5 mätningar" in pulse
        assert 'class="normal"' in pulse
        assert "<details" in pulse
        assert pulse.count("<tr>") == 6
        # the high set raised an alert: a marker on every chart
        assert all('class="mark mark-high"' in f for f in figures.values())
        assert "NEWS2 <strong>8</strong>" in page
