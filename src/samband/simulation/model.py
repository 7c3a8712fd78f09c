"""The capacity model: a SimPy simulation of a hospital-at-home service.

One replication (``run_replication``):

- Patients of each pathway arrive as a Poisson process (exponential gaps, ``arrivals_per_day``).
- A patient who finds a place free takes it (a ``simpy.Resource`` with ``places`` slots) and
  keeps it for a stay drawn from the pathway's length-of-stay distribution; one who finds
  every place taken is **turned away** (counted, no queue: a loss system).
- Every calendar day a patient is at home for any part of — the day they come home and the
  day they are discharged included — they get the pathway's visits. A visit's work is its
  duration plus one travel leg (``travel.minutes_per_visit``), charged to the pathway's role
  on that day.
- A day's staff minutes per role are the sum of its shifts (count × minutes, a shift counted
  on the day it starts). The work of a role on a day is one pool: any staff member of the
  role can make any of its visits. Work beyond the pool is **overtime** of that day and
  role, shared equally by the role's staff on duty (``overtime_minutes_per_staff_day``).
  This is a daily balance of minutes, not a timetable: time windows and routes are the
  planner's work (``samband.planning``).

The run lasts ``warmup_days + horizon_days`` from an empty service; everything is counted
over the last ``horizon_days`` only. A patient belongs to the measured period by the time
they arrive. Replication ``i`` draws from child ``i`` of ``numpy.random.SeedSequence(seed)``
and, within it, each pathway has its own stream for arrival gaps and one for stays; a stay
is drawn for every arrival, admitted or not. So two scenarios that differ only in their
places or staff see the very same patients (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import simpy

from samband.simulation.erlang import erlang_b
from samband.simulation.scenario import Pathway, Scenario
from samband.simulation.stats import Estimate, estimate

EPSILON = 1e-9


@dataclass(frozen=True)
class RoleResult:
    role: str
    visits: int
    work_minutes: float  # visit durations + travel
    available_minutes: float
    overtime_minutes: float  # Σ over days of max(0, work − available)
    staff_days: int  # staff of the role on duty, summed over the days

    @property
    def utilisation(self) -> float | None:
        """Work / available minutes; above 1 when the role works overtime on average."""
        return self.work_minutes / self.available_minutes if self.available_minutes else None

    @property
    def overtime_minutes_per_staff_day(self) -> float | None:
        return self.overtime_minutes / self.staff_days if self.staff_days else None


@dataclass(frozen=True)
class ReplicationResult:
    index: int
    days: int
    places: int
    arrivals: dict[str, int]  # by pathway, arrivals in the measured period
    turned_away: dict[str, int]
    patient_days: float  # time at home within the measured period, in days
    max_occupied: int
    roles: tuple[RoleResult, ...]
    days_with_overtime: int

    @property
    def total_arrivals(self) -> int:
        return sum(self.arrivals.values())

    @property
    def total_turned_away(self) -> int:
        return sum(self.turned_away.values())

    @property
    def admitted(self) -> int:
        return self.total_arrivals - self.total_turned_away

    @property
    def turned_away_share(self) -> float:
        """Turned away / arrivals (0 when nobody arrived)."""
        return self.total_turned_away / self.total_arrivals if self.total_arrivals else 0.0

    @property
    def occupancy(self) -> float:
        """Mean places in use / places, over the measured period."""
        return self.patient_days / (self.places * self.days)

    @property
    def utilisation(self) -> float | None:
        available = sum(r.available_minutes for r in self.roles)
        return sum(r.work_minutes for r in self.roles) / available if available else None

    @property
    def overtime_minutes_per_day(self) -> float:
        return sum(r.overtime_minutes for r in self.roles) / self.days

    def metrics(self) -> dict[str, float]:
        """The figures that are averaged over replications, by name (see ``METRICS``)."""
        out: dict[str, float] = {
            "occupancy": self.occupancy,
            "turned_away_share": self.turned_away_share,
            "arrivals": float(self.total_arrivals),
            "admitted": float(self.admitted),
            "turned_away": float(self.total_turned_away),
            "patient_days": self.patient_days,
        }
        if self.roles:
            out["visits_per_day"] = sum(r.visits for r in self.roles) / self.days
            if self.utilisation is not None:
                out["utilisation"] = self.utilisation
            out["overtime_minutes_per_day"] = self.overtime_minutes_per_day
            out["days_with_overtime_share"] = self.days_with_overtime / self.days
            for r in self.roles:
                if r.utilisation is not None:
                    out[f"utilisation.{r.role}"] = r.utilisation
                out[f"overtime_minutes_per_day.{r.role}"] = r.overtime_minutes / self.days
                per_staff = r.overtime_minutes_per_staff_day
                if per_staff is not None:
                    out[f"overtime_minutes_per_staff_day.{r.role}"] = per_staff
        return out


@dataclass(frozen=True)
class SimulationResult:
    scenario: Scenario
    replications: tuple[ReplicationResult, ...]

    @property
    def offered_load(self) -> float:
        return self.scenario.offered_load

    @property
    def erlang_b(self) -> float:
        """Erlang-B's turned-away share for the scenario's places and offered load."""
        return erlang_b(self.scenario.places, self.offered_load)

    def metrics(self) -> dict[str, Estimate]:
        """Each figure's mean and 95 % confidence interval over the replications."""
        rows = [r.metrics() for r in self.replications]
        names = [name for name in rows[0] if all(name in row for row in rows)]
        return {name: estimate([row[name] for row in rows]) for name in names}

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        metrics = self.metrics()
        turned = metrics["turned_away_share"]
        return {
            "scenario": s.name,
            "places": s.places,
            "horizon_days": s.horizon_days,
            "warmup_days": s.warmup_days,
            "replications": len(self.replications),
            "seed": s.seed,
            "travel_minutes_per_visit": s.travel.minutes_per_visit if s.travel else None,
            "metrics": {name: e.to_dict() for name, e in metrics.items()},
            "erlang_b": {
                "offered_load": self.offered_load,
                "places": s.places,
                "turned_away_share": self.erlang_b,
                "within_ci": turned.contains(self.erlang_b),
            },
            "per_replication": [
                {"index": r.index, **r.metrics(), "max_occupied": r.max_occupied}
                for r in self.replications
            ],
        }


class _Occupancy:
    """The time-integral of places in use, clipped to the measured period."""

    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end
        self.occupied = 0
        self.maximum = 0
        self.last = 0.0
        self.area = 0.0

    def _advance(self, now: float) -> None:
        lo, hi = max(self.last, self.start), min(now, self.end)
        if hi > lo:
            self.area += self.occupied * (hi - lo)
        self.last = now

    def change(self, now: float, delta: int) -> None:
        self._advance(now)
        self.occupied += delta
        if now >= self.start:
            self.maximum = max(self.maximum, self.occupied)

    def close(self) -> None:
        self._advance(self.end)


def run_replication(
    scenario: Scenario, seed: np.random.SeedSequence, index: int = 0
) -> ReplicationResult:
    """Simulate one replication of ``scenario`` from ``seed``."""
    env = simpy.Environment()
    places = simpy.Resource(env, capacity=scenario.places)
    start = float(scenario.warmup_days)
    end = float(scenario.warmup_days + scenario.horizon_days)
    total_days = scenario.warmup_days + scenario.horizon_days
    travel = scenario.travel.minutes_per_visit if scenario.travel else 0.0
    roles = scenario.roles
    work = {role: np.zeros(total_days) for role in roles}
    visits = {role: np.zeros(total_days, dtype=np.int64) for role in roles}
    occupancy = _Occupancy(start, end)
    arrivals = {p.name: 0 for p in scenario.pathways}
    turned_away = {p.name: 0 for p in scenario.pathways}

    def patient(
        pathway: Pathway, stay: float, request: simpy.resources.resource.Request
    ) -> Generator[simpy.Event, Any, None]:
        discharge = env.now + stay
        if pathway.visits_per_day and pathway.role is not None:
            role_work, role_visits = work[pathway.role], visits[pathway.role]
            day_work = sum(pathway.visit_minutes) + pathway.visits_per_day * travel
            day = math.floor(env.now)
            while True:
                role_work[day] += day_work
                role_visits[day] += pathway.visits_per_day
                day += 1
                if day >= discharge or day >= end:
                    break
                yield env.timeout(day - env.now)
        yield env.timeout(max(0.0, discharge - env.now))
        occupancy.change(env.now, -1)
        places.release(request)

    def arrivals_of(
        pathway: Pathway, gaps: np.random.Generator, stays: np.random.Generator
    ) -> Generator[simpy.Event, Any, None]:
        mean_gap = 1.0 / pathway.arrivals_per_day
        while True:
            yield env.timeout(float(gaps.exponential(mean_gap)))
            if env.now >= end:
                return
            stay = pathway.length_of_stay.sample(stays)  # drawn even if turned away (CRN)
            measured = env.now >= start
            if measured:
                arrivals[pathway.name] += 1
            if places.count < places.capacity:
                request = places.request()  # granted at once: a place is free
                occupancy.change(env.now, +1)
                env.process(patient(pathway, stay, request))
            elif measured:
                turned_away[pathway.name] += 1

    streams = seed.spawn(2 * len(scenario.pathways))
    for i, pathway in enumerate(scenario.pathways):
        gaps = np.random.default_rng(streams[2 * i])
        stays = np.random.default_rng(streams[2 * i + 1])
        env.process(arrivals_of(pathway, gaps, stays))
    env.run(until=end)
    occupancy.close()

    role_results = []
    overtime_days = np.zeros(scenario.horizon_days, dtype=bool)
    measured_days = range(scenario.warmup_days, total_days)
    for role in roles:
        available = np.array([scenario.available_minutes(role, d) for d in measured_days])
        heads = sum(
            s.count
            for d in measured_days
            for s in scenario.shifts
            if s.role == role and s.works_on(d)
        )
        role_work = work[role][scenario.warmup_days :]
        excess = np.maximum(role_work - available, 0.0)
        overtime_days |= excess > EPSILON
        role_results.append(
            RoleResult(
                role=role,
                visits=int(visits[role][scenario.warmup_days :].sum()),
                work_minutes=float(role_work.sum()),
                available_minutes=float(available.sum()),
                overtime_minutes=float(excess.sum()),
                staff_days=heads,
            )
        )
    return ReplicationResult(
        index=index,
        days=scenario.horizon_days,
        places=scenario.places,
        arrivals=arrivals,
        turned_away=turned_away,
        patient_days=occupancy.area,
        max_occupied=occupancy.maximum,
        roles=tuple(role_results),
        days_with_overtime=int(overtime_days.sum()),
    )


def simulate(
    scenario: Scenario, *, replications: int | None = None, seed: int | None = None
) -> SimulationResult:
    """Run the scenario's replications (or ``replications``) from its seed (or ``seed``)."""
    if replications is not None or seed is not None:
        scenario = replace(
            scenario,
            replications=scenario.replications if replications is None else replications,
            seed=scenario.seed if seed is None else seed,
        )
    if scenario.replications < 1:
        raise ValueError(f"replications must be at least 1, got {scenario.replications}")
    children = np.random.SeedSequence(scenario.seed).spawn(scenario.replications)
    results = tuple(run_replication(scenario, child, i) for i, child in enumerate(children))
    return SimulationResult(scenario, results)
