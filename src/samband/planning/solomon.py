"""Solomon VRPTW instances: read them, read best-known routes, solve with PyVRP, check.

Distances are Euclidean in double precision (Samband's convention; CVRPLIB's ``Cost``
lines truncate to one decimal). PyVRP needs integers, so distances and times are scaled by
``SCALE``: the distance matrix is rounded, the duration matrix rounded *up*, so every
integer arrival time is at least the exact one and a route that is on time in integers is
on time in double precision too. The distance reported is recomputed in double precision
from the routes found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

SCALE = 1000
TOLERANCE = 1e-6


class InstanceError(ValueError):
    """A Solomon file that cannot be read; the message says where."""


@dataclass(frozen=True)
class Instance:
    name: str
    vehicles: int
    capacity: int
    x: tuple[float, ...]  # index 0 is the depot
    y: tuple[float, ...]
    demand: tuple[int, ...]
    ready: tuple[float, ...]
    due: tuple[float, ...]
    service: tuple[float, ...]

    @property
    def customers(self) -> int:
        return len(self.x) - 1

    def dist(self, i: int, j: int) -> float:
        return math.hypot(self.x[i] - self.x[j], self.y[i] - self.y[j])


@dataclass(frozen=True)
class Result:
    instance: str
    distance: float
    routes: list[list[int]]


def parse_instance(text: str, name: str | None = None) -> Instance:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InstanceError("the instance is empty")
    try:
        head = next(i for i, ln in enumerate(lines) if ln.upper().startswith("NUMBER"))
        vehicles, capacity = (int(t) for t in lines[head + 1].split()[:2])
        first = next(i for i, ln in enumerate(lines) if ln.upper().startswith("CUST NO"))
    except (StopIteration, ValueError, IndexError):
        raise InstanceError(
            "not a Solomon instance: expected a VEHICLE section with NUMBER and CAPACITY "
            "and a CUSTOMER section"
        ) from None
    rows: list[list[float]] = []
    for lineno, ln in enumerate(lines[first + 1 :], start=first + 2):
        parts = ln.split()
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise InstanceError(f"customer line {lineno}: not numbers: {ln!r}") from None
        if len(values) != 7:
            raise InstanceError(f"customer line {lineno}: expected 7 columns, got {len(values)}")
        if int(values[0]) != len(rows):
            raise InstanceError(
                f"customer line {lineno}: expected customer {len(rows)}, got {parts[0]}"
            )
        if values[5] < values[4]:
            raise InstanceError(f"customer {parts[0]}: due date before ready time")
        rows.append(values)
    if len(rows) < 2:
        raise InstanceError("the instance has no customers")
    return Instance(
        name=name or lines[0],
        vehicles=vehicles,
        capacity=capacity,
        x=tuple(r[1] for r in rows),
        y=tuple(r[2] for r in rows),
        demand=tuple(int(r[3]) for r in rows),
        ready=tuple(r[4] for r in rows),
        due=tuple(r[5] for r in rows),
        service=tuple(r[6] for r in rows),
    )


def read_instance(path: Path) -> Instance:
    return parse_instance(path.read_text(encoding="utf-8"), path.stem)


def parse_solution(text: str) -> list[list[int]]:
    """The routes of a CVRPLIB ``.sol`` file (``Route #k: c1 c2 ...``)."""
    routes = []
    for ln in text.splitlines():
        if ln.strip().lower().startswith("route"):
            _, _, rest = ln.partition(":")
            routes.append([int(t) for t in rest.split()])
    return routes


def distance(inst: Instance, routes: list[list[int]]) -> float:
    """Total Euclidean length in double precision, depot to depot."""
    total = 0.0
    for r in routes:
        path = [0, *r, 0]
        total += sum(inst.dist(a, b) for a, b in zip(path, path[1:], strict=False))
    return total


def check_routes(inst: Instance, routes: list[list[int]]) -> list[str]:
    """Independent feasibility check in double precision; one message per broken rule."""
    errors: list[str] = []
    seen: set[int] = set()
    if len(routes) > inst.vehicles:
        errors.append(f"{len(routes)} routes, but only {inst.vehicles} vehicles")
    for k, r in enumerate(routes, start=1):
        load = sum(inst.demand[c] for c in r if 0 < c <= inst.customers)
        if load > inst.capacity:
            errors.append(f"route {k}: load {load} exceeds capacity {inst.capacity}")
        t, here = inst.ready[0], 0
        for c in r:
            if not 0 < c <= inst.customers:
                errors.append(f"route {k}: no customer {c}")
                continue
            if c in seen:
                errors.append(f"customer {c} visited twice")
            seen.add(c)
            t = max(t + inst.dist(here, c), inst.ready[c])
            if t > inst.due[c] + TOLERANCE:
                errors.append(f"route {k}: customer {c} served at {t:.4f} > due {inst.due[c]}")
            t += inst.service[c]
            here = c
        t += inst.dist(here, 0)
        if t > inst.due[0] + TOLERANCE:
            errors.append(f"route {k}: back at the depot at {t:.4f} > {inst.due[0]}")
    missing = sorted(set(range(1, inst.customers + 1)) - seen)
    if missing:
        errors.append(f"customers not visited: {missing}")
    return errors


def to_problem_data(inst: Instance, scale: int = SCALE) -> pyvrp.ProblemData:
    xy = np.column_stack([inst.x, inst.y])
    exact = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1)) * scale
    dist = np.rint(exact).astype(np.int64)
    dur = np.ceil(exact - 1e-9).astype(np.int64)  # never shorter than the exact time
    np.fill_diagonal(dur, 0)

    def s(v: float, up: bool) -> int:
        return int(math.ceil(v * scale) if up else math.floor(v * scale))

    return pyvrp.ProblemData(
        locations=[pyvrp.Location(x, y) for x, y in zip(inst.x, inst.y, strict=True)],
        clients=[
            pyvrp.Client(
                location=i,
                delivery=[inst.demand[i]],
                service_duration=s(inst.service[i], True),
                tw_early=s(inst.ready[i], True),
                tw_late=s(inst.due[i], False),
            )
            for i in range(1, len(inst.x))
        ],
        depots=[
            pyvrp.Depot(location=0, tw_early=s(inst.ready[0], True), tw_late=s(inst.due[0], False))
        ],
        vehicle_types=[
            pyvrp.VehicleType(
                num_available=inst.vehicles,
                capacity=[inst.capacity],
                tw_early=s(inst.ready[0], True),
                tw_late=s(inst.due[0], False),
            )
        ],
        distance_matrices=[dist],
        duration_matrices=[dur],
    )


def solve(inst: Instance, seconds: float, seed: int = 0) -> Result:
    """Solve with PyVRP for ``seconds``; raise ``InstanceError`` if no feasible routes exist."""
    data = to_problem_data(inst)
    res = pyvrp.solve(data, MaxRuntime(seconds), seed=seed, collect_stats=False, display=False)
    best = res.best
    if not best.is_feasible():
        raise InstanceError(f"{inst.name}: no feasible solution found in {seconds} s")
    routes = [[a.idx + 1 for a in r.schedule() if a.is_client()] for r in best.routes()]
    routes = [r for r in routes if r]
    return Result(instance=inst.name, distance=distance(inst, routes), routes=routes)
