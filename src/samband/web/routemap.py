"""The day plan's map, drawn without map tiles: the geometry of an inline SVG of the routes.

Pure: no SQLAlchemy, no FastAPI, no texts of its own (the page passes each marker's title in
the user's language). Nothing is loaded from the internet, so the map works offline and
leaks no patient's home to a tile server.

- **Projection.** Equirectangular: x grows with longitude times cos(mid-latitude), y with
  latitude (north up, SVG's y grows downwards). Over a town or a county a kilometre east and
  a kilometre north are then the same length on the map. The bounding box of every point is
  fitted into the view box with a margin, keeping the aspect ratio, and centred.
- **Markers at one place.** Several visits at one address (three IV doses and a line check
  at the same patient's) would hide one another: markers nearer to each other than a
  marker's size are spread on a small circle around the first of them. The route's line
  still goes to the place itself.
- **Styles.** Each route has a colour (4.5:1 or more against white: white numbers on it are
  readable and its line stands out, WCAG 1.4.11) and a dash pattern, so the routes are told
  apart in grey print and by people who do not see colour; the page's legend names them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LatLon = tuple[float, float]
XY = tuple[float, float]

KM_PER_DEGREE = 111.32  # one degree of latitude (and of longitude at the equator)
MIN_SPAN_KM = 1.0  # a map of one place (or a few close ones) shows at least this much
WIDTH, HEIGHT, MARGIN, MARKER = 800.0, 460.0, 40.0, 22.0
# Colours with at least 4.5:1 contrast against white, told apart also in grey by DASHES.
PALETTE = (
    "#0b4f8a",  # blue
    "#b3401a",  # red-orange
    "#17603a",  # green
    "#8e2a6b",  # plum
    "#5b3fa8",  # violet
    "#7a5200",  # brown
    "#0e6b78",  # teal
    "#3d4451",  # slate
)
DASHES = ("", "10 5", "3 4", "12 4 3 4")
SCALE_STEPS_KM = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)


def style(index: int) -> tuple[str, str]:
    """The colour and dash pattern ('' = solid) of the index-th route."""
    return PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]


@dataclass(frozen=True)
class Frame:
    """An equirectangular projection fitted to a view box of ``width`` × ``height``."""

    width: float
    height: float
    lat_max: float
    lon_min: float
    kx: float  # cos(mid-latitude): how much shorter a degree of longitude is
    scale: float  # view-box units per degree of latitude
    x0: float
    y0: float

    def project(self, point: LatLon) -> XY:
        lat, lon = point
        return (
            self.x0 + (lon - self.lon_min) * self.kx * self.scale,
            self.y0 + (self.lat_max - lat) * self.scale,
        )

    @property
    def units_per_km(self) -> float:
        return self.scale / KM_PER_DEGREE


def fit(
    points: Iterable[LatLon],
    width: float = WIDTH,
    height: float = HEIGHT,
    margin: float = MARGIN,
) -> Frame:
    """The projection that fits every point inside the view box, ``margin`` from its edges."""
    pts = list(points)
    if not pts:
        raise ValueError("a map needs at least one point")
    inner_w, inner_h = width - 2 * margin, height - 2 * margin
    if inner_w <= 0 or inner_h <= 0:
        raise ValueError(f"the margin {margin} leaves no room in {width} x {height}")
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    lat_min, lat_max = min(lats), max(lats)
    lon_min, lon_max = min(lons), max(lons)
    kx = math.cos(math.radians((lat_min + lat_max) / 2))
    span_x = (lon_max - lon_min) * kx
    span_y = lat_max - lat_min
    # never zoom in further than MIN_SPAN_KM across the shorter side
    scales = [min(inner_w, inner_h) / (MIN_SPAN_KM / KM_PER_DEGREE)]
    if span_x > 0:
        scales.append(inner_w / span_x)
    if span_y > 0:
        scales.append(inner_h / span_y)
    scale = min(scales)
    return Frame(
        width=width,
        height=height,
        lat_max=lat_max,
        lon_min=lon_min,
        kx=kx,
        scale=scale,
        x0=margin + (inner_w - span_x * scale) / 2,
        y0=margin + (inner_h - span_y * scale) / 2,
    )


def spread(positions: Sequence[XY], size: float = MARKER) -> list[XY]:
    """Move markers (of diameter ``size``) off one another: each position nearer than
    ``size`` to the first of an earlier group joins it, and a group of n > 1 is laid out on a
    circle around that first position, at least ``size`` apart. Single markers stay put."""
    groups: list[list[int]] = []
    for i, (x, y) in enumerate(positions):
        for group in groups:
            gx, gy = positions[group[0]]
            if math.hypot(x - gx, y - gy) < size:
                group.append(i)
                break
        else:
            groups.append([i])
    result = list(positions)
    for group in groups:
        n = len(group)
        if n == 1:
            continue
        cx, cy = positions[group[0]]
        # the chord between neighbours on the circle, 2 r sin(pi / n), is at least `size`
        radius = max(0.75 * size, 1.02 * size / (2 * math.sin(math.pi / n)))
        for k, i in enumerate(group):
            angle = -math.pi / 2 + 2 * math.pi * k / n
            result[i] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return result


def polyline(points: Sequence[XY]) -> str:
    """The ``points`` attribute of an SVG polyline, to a tenth of a unit."""
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def scale_bar(frame: Frame, longest: float) -> tuple[float, float]:
    """A round length in km and its length on the map, no longer than ``longest`` units."""
    km = SCALE_STEPS_KM[0]
    for step in SCALE_STEPS_KM:
        if step * frame.units_per_km <= longest:
            km = step
    return km, km * frame.units_per_km


# -- the map of a day plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class StopIn:
    location: LatLon | None  # None: the patient's home has no coordinates
    title: str


@dataclass(frozen=True)
class RouteIn:
    name: str
    start: LatLon | None  # where the shift starts and ends (None: not known)
    end: LatLon | None
    stops: Sequence[StopIn]
    start_title: str = ""
    end_title: str = ""


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    title: str
    number: int = 0  # the stop's place in its route (1, 2, …); 0 for an unassigned visit
    colour: str = ""


@dataclass(frozen=True)
class MapRoute:
    name: str
    colour: str
    dash: str
    points: str  # the polyline: start, the stops in order, end
    stops: tuple[Marker, ...]


@dataclass(frozen=True)
class Place:
    """Where one or more shifts start or end (a base or a staff member's home)."""

    x: float
    y: float
    titles: tuple[str, ...]


@dataclass(frozen=True)
class RouteMap:
    width: float
    height: float
    routes: tuple[MapRoute, ...]
    places: tuple[Place, ...]
    unassigned: tuple[Marker, ...]
    scale_km: float
    scale_length: float
    not_drawn: int  # stops and unassigned visits without coordinates

    @property
    def stop_count(self) -> int:
        return sum(len(r.stops) for r in self.routes)


def build(
    routes: Sequence[RouteIn],
    unassigned: Sequence[StopIn] = (),
    *,
    width: float = WIDTH,
    height: float = HEIGHT,
    margin: float = MARGIN,
    marker: float = MARKER,
) -> RouteMap | None:
    """The map of the routes and the unassigned visits; None if nothing has coordinates."""
    located: list[LatLon] = []
    for route in routes:
        located += [p for p in (route.start, route.end) if p is not None]
        located += [s.location for s in route.stops if s.location is not None]
    located += [u.location for u in unassigned if u.location is not None]
    if not located:
        return None
    frame = fit(located, width, height, margin)

    # every marker, then spread together: two routes may visit the same home
    pending: list[tuple[int, int, XY, str]] = []  # (route or -1, number, position, title)
    not_drawn = 0
    lines: list[str] = []
    for r, route in enumerate(routes):
        path: list[XY] = []
        if route.start is not None:
            path.append(frame.project(route.start))
        for number, stop in enumerate(route.stops, start=1):
            if stop.location is None:
                not_drawn += 1
                continue
            xy = frame.project(stop.location)
            path.append(xy)
            pending.append((r, number, xy, stop.title))
        if route.end is not None:
            path.append(frame.project(route.end))
        lines.append(polyline(path))
    for item in unassigned:
        if item.location is None:
            not_drawn += 1
            continue
        pending.append((-1, 0, frame.project(item.location), item.title))

    moved = spread([p[2] for p in pending], marker)
    by_route: list[list[Marker]] = [[] for _ in routes]
    loose: list[Marker] = []
    for (r, number, _, title), (x, y) in zip(pending, moved, strict=True):
        colour = style(r)[0] if r >= 0 else ""
        point = Marker(round(x, 1), round(y, 1), title, number, colour)
        (by_route[r] if r >= 0 else loose).append(point)

    map_routes = tuple(
        MapRoute(route.name, *style(r), lines[r], tuple(by_route[r]))
        for r, route in enumerate(routes)
    )
    km, length = scale_bar(frame, width / 4)
    return RouteMap(
        width=width,
        height=height,
        routes=map_routes,
        places=_places(routes, frame),
        unassigned=tuple(loose),
        scale_km=km,
        scale_length=round(length, 1),
        not_drawn=not_drawn,
    )


def _places(routes: Sequence[RouteIn], frame: Frame) -> tuple[Place, ...]:
    """Shift starts and ends, one marker per place however many shifts use it."""
    titles: dict[tuple[float, float], list[str]] = {}
    for route in routes:
        for location, title in ((route.start, route.start_title), (route.end, route.end_title)):
            if location is None:
                continue
            x, y = frame.project(location)
            key = (round(x, 1), round(y, 1))
            entry = titles.setdefault(key, [])
            if title and title not in entry:
                entry.append(title)
    return tuple(Place(x, y, tuple(t)) for (x, y), t in titles.items())
