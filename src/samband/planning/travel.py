"""Travel times between two points.

The unit is the **second** everywhere in the planner. The embedded default model needs no
server: great-circle (haversine) distance × a road factor, driven at a constant speed.
``GreatCircleTravel.seconds`` rounds the time *up to a whole minute* (a multiple of 60 s):
every time in a plan is then exact to the minute, so a plan printed as "HH:MM" is the plan
that was checked, and a checker that computes travel in exact or rounded minutes never sees
a stop reached sooner than it could be.
"""

from __future__ import annotations

import math
from typing import Protocol

from samband.planning.problem import Point, TravelSettings

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


class TravelModel(Protocol):
    """Travel time in whole seconds from one point to another (a multiple of 60 here)."""

    def seconds(self, a: Point, b: Point) -> int: ...


def great_circle_km(a: Point, b: Point) -> float:
    """Haversine distance in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class GreatCircleTravel:
    """The default model: great-circle km × road_factor at speed_kmh, rounded up to minutes."""

    def __init__(self, settings: TravelSettings) -> None:
        self.speed_kmh = settings.speed_kmh
        self.road_factor = settings.road_factor

    def exact_seconds(self, a: Point, b: Point) -> float:
        return great_circle_km(a, b) * self.road_factor / self.speed_kmh * 3600.0

    def seconds(self, a: Point, b: Point) -> int:
        exact = self.exact_seconds(a, b)
        # a hair of tolerance so that 600.0000000001 s is still 10 minutes
        return int(math.ceil(exact / 60.0 - 1e-9)) * 60 if exact > 0 else 0
