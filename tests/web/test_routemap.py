"""The day plan map's geometry (web/routemap.py): projection, fitting, spreading markers,
and the map of routes built from them. Pure: no database, no app."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.web import routemap
from samband.web.routemap import RouteIn, StopIn, build, fit, polyline, scale_bar, spread, style

FALUN = (60.6065, 15.6355)
HOSPITAL = (60.6163, 15.6525)
SLATTA = (60.6150, 15.6010)
INGARVET = (60.6180, 15.6620)

# points around Dalarna (a county: up to ~150 km across)
lat = st.floats(min_value=59.8, max_value=61.2, allow_nan=False)
lon = st.floats(min_value=13.0, max_value=16.5, allow_nan=False)
points = st.lists(st.tuples(lat, lon), min_size=1, max_size=30)


def _parse(points_attr: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in points_attr.split())]


class TestFit:
    @given(points)
    def test_every_point_lies_inside_the_margin(self, pts: list[tuple[float, float]]) -> None:
        frame = fit(pts, 800, 460, 40)

        for point in pts:
            x, y = frame.project(point)
            assert 40 - 1e-6 <= x <= 760 + 1e-6
            assert 40 - 1e-6 <= y <= 420 + 1e-6

    @given(points)
    def test_the_points_are_centred(self, pts: list[tuple[float, float]]) -> None:
        frame = fit(pts, 800, 460, 40)

        xs, ys = zip(*(frame.project(p) for p in pts), strict=True)

        assert (min(xs) + max(xs)) / 2 == pytest.approx(400, abs=1e-6)
        assert (min(ys) + max(ys)) / 2 == pytest.approx(230, abs=1e-6)

    def test_a_wide_area_fills_the_width_and_a_tall_one_the_height(self) -> None:
        wide = fit([(60.60, 15.50), (60.61, 15.70)], 800, 460, 40)
        tall = fit([(60.50, 15.60), (60.70, 15.61)], 800, 460, 40)

        assert [round(wide.project(p)[0], 6) for p in [(60.60, 15.50), (60.61, 15.70)]] == [
            40,
            760,
        ]
        assert sorted(round(tall.project(p)[1], 6) for p in [(60.50, 15.60), (60.70, 15.61)]) == [
            40,
            420,
        ]

    def test_north_is_up_and_east_is_right(self) -> None:
        frame = fit([FALUN, HOSPITAL, SLATTA], 800, 460, 40)

        (fx, fy), (hx, hy), (sx, _) = (frame.project(p) for p in (FALUN, HOSPITAL, SLATTA))

        assert hy < fy  # the hospital is north of Kim's home
        assert sx < fx < hx  # Slätta is west of the centre, the hospital east

    @given(st.tuples(lat, lon), st.tuples(lat, lon))
    def test_a_km_east_and_a_km_north_are_the_same_length(
        self, a: tuple[float, float], b: tuple[float, float]
    ) -> None:
        frame = fit([a, b], 800, 460, 40)
        middle = (a[0] + b[0]) / 2
        km_north = (middle + 1 / routemap.KM_PER_DEGREE, a[1])
        km_east = (middle, a[1] + 1 / (routemap.KM_PER_DEGREE * math.cos(math.radians(middle))))
        origin = frame.project((middle, a[1]))

        north = origin[1] - frame.project(km_north)[1]
        east = frame.project(km_east)[0] - origin[0]

        assert north == pytest.approx(east, rel=1e-9)
        assert north == pytest.approx(frame.units_per_km, rel=1e-9)

    def test_one_place_is_in_the_middle_and_shows_at_least_a_km(self) -> None:
        frame = fit([FALUN, FALUN], 800, 460, 40)

        assert frame.project(FALUN) == pytest.approx((400, 230))
        assert frame.units_per_km * routemap.MIN_SPAN_KM == pytest.approx(380)

    def test_no_points_or_no_room_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="at least one point"):
            fit([], 800, 460, 40)
        with pytest.raises(ValueError, match="no room"):
            fit([FALUN], 80, 46, 40)


class TestSpread:
    @given(
        st.lists(
            st.tuples(st.floats(0, 800), st.floats(0, 460)),
            min_size=1,
            max_size=12,
        ),
        st.integers(min_value=2, max_value=9),
    )
    def test_markers_at_one_place_end_up_a_marker_apart(
        self, others: list[tuple[float, float]], n: int
    ) -> None:
        # n markers at exactly one place: each pair ends at least one marker's size apart
        place = (400.0, 230.0)
        positions = [place] * n + [p for p in others if math.dist(p, place) >= 22]

        moved = spread(positions, 22)

        ring = moved[:n]
        for i in range(n):
            for j in range(i + 1, n):
                assert math.dist(ring[i], ring[j]) >= 22 - 1e-9
        assert all(math.dist(p, place) <= 22 * 2 for p in ring)

    def test_a_single_marker_stays_where_it_is(self) -> None:
        assert spread([(10.0, 10.0), (100.0, 100.0)], 22) == [(10.0, 10.0), (100.0, 100.0)]

    def test_close_markers_are_spread_in_order_from_the_top(self) -> None:
        moved = spread([(100.0, 100.0), (101.0, 100.0)], 20)

        assert moved[0] == pytest.approx((100, 85))  # the first above the place
        assert moved[1] == pytest.approx((100, 115))  # the second below it


class TestHelpers:
    def test_polyline_to_a_tenth(self) -> None:
        assert polyline([(1.234, 5.0), (10.05, 20.96)]) == "1.2,5.0 10.1,21.0"

    def test_styles_differ_in_colour_and_dash(self) -> None:
        styles = [style(i) for i in range(len(routemap.PALETTE))]

        assert len(set(styles)) == len(styles)
        assert style(0) == style(len(routemap.PALETTE) * len(routemap.DASHES))

    def test_the_scale_bar_is_a_round_length_that_fits(self) -> None:
        frame = fit([FALUN, INGARVET, SLATTA], 800, 460, 40)

        km, length = scale_bar(frame, 200)

        assert km in routemap.SCALE_STEPS_KM
        assert length <= 200
        assert length == pytest.approx(km * frame.units_per_km)
        assert (
            routemap.SCALE_STEPS_KM[routemap.SCALE_STEPS_KM.index(km) + 1] * frame.units_per_km
            > 200
        )


class TestBuild:
    def test_one_polyline_per_route_from_start_through_the_stops_to_the_end(self) -> None:
        routes = [
            RouteIn(
                "Eva",
                HOSPITAL,
                HOSPITAL,
                [StopIn(FALUN, "1 Kim"), StopIn(SLATTA, "2 Sven")],
                start_title="Start: Eva",
                end_title="Slut: Eva",
            ),
            RouteIn("Fredrik", HOSPITAL, INGARVET, [StopIn(INGARVET, "1 Göran")]),
        ]

        drawn = build(routes, [StopIn(SLATTA, "Ej planerat: Sven"), StopIn(None, "no home")])

        assert drawn is not None
        assert [r.name for r in drawn.routes] == ["Eva", "Fredrik"]
        eva, fredrik = drawn.routes
        assert len(_parse(eva.points)) == 4  # start, Kim, Sven, end
        assert _parse(eva.points)[0] == _parse(eva.points)[-1]
        assert [(s.number, s.title) for s in eva.stops] == [(1, "1 Kim"), (2, "2 Sven")]
        assert len(_parse(fredrik.points)) == 3
        assert (eva.colour, eva.dash) == style(0)
        assert (fredrik.colour, fredrik.dash) == style(1)
        assert drawn.stop_count == 3
        assert [u.title for u in drawn.unassigned] == ["Ej planerat: Sven"]
        assert drawn.not_drawn == 1

    def test_a_shared_base_is_one_place_with_every_title(self) -> None:
        routes = [
            RouteIn("Eva", HOSPITAL, HOSPITAL, [StopIn(FALUN, "1")], "Start: Eva", "Slut: Eva"),
            RouteIn("Karin", HOSPITAL, FALUN, [StopIn(SLATTA, "1")], "Start: Karin", "Slut: Karin"),
        ]

        drawn = build(routes)

        assert drawn is not None
        assert sorted(p.titles for p in drawn.places) == [
            ("Slut: Karin",),
            ("Start: Eva", "Slut: Eva", "Start: Karin"),
        ]

    def test_stops_at_one_home_do_not_hide_each_other_but_the_line_goes_there(self) -> None:
        routes = [RouteIn("Eva", None, None, [StopIn(FALUN, "1"), StopIn(FALUN, "2")])]

        drawn = build(routes, [StopIn(FALUN, "left out")], marker=22)

        assert drawn is not None
        (route,) = drawn.routes
        line = _parse(route.points)
        assert line[0] == line[1]  # both legs end at the home itself
        markers = [(m.x, m.y) for m in (*route.stops, *drawn.unassigned)]
        assert min(math.dist(a, b) for a in markers for b in markers if a != b) >= 21.9
        assert len(set(markers)) == 3

    def test_a_stop_keeps_its_number_when_an_earlier_one_has_no_coordinates(self) -> None:
        drawn = build([RouteIn("Eva", FALUN, FALUN, [StopIn(None, "1"), StopIn(SLATTA, "2")])])

        assert drawn is not None
        assert [s.number for s in drawn.routes[0].stops] == [2]
        assert drawn.not_drawn == 1

    def test_nothing_with_coordinates_gives_no_map(self) -> None:
        assert build([RouteIn("Eva", None, None, [StopIn(None, "1")])]) is None
        assert build([]) is None
