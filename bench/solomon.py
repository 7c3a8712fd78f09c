"""Solomon VRPTW benchmark: PyVRP (samband.planning.solomon) against an OR-Tools baseline.

Not a test. Runs each instance with both solvers for the same time limit, on one core
(run it with e.g. ``taskset -c 0``; PyVRP and OR-Tools' routing search are single-threaded),
and compares the double-precision distance with the best-known routes of the ``.sol``
files (recomputed in double precision). Every route set is checked independently
(``check_routes``); an infeasible answer is counted as a failure, not a gap.

    .venv/bin/python bench/solomon.py --seconds 10 [--subset C101,R101] [--out FILE]

Needs the ``bench`` extra (``pip install -e '.[bench]'``) for OR-Tools.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from samband.planning import solomon

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench" / "solomon"


@dataclass
class Row:
    name: str
    best_known: float
    pyvrp: float | None
    ortools: float | None
    pyvrp_errors: int
    ortools_errors: int


def solve_ortools(inst: solomon.Instance, seconds: float) -> list[list[int]]:
    """The OR-Tools routing baseline: time dimension, capacity, guided local search."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    scale = solomon.SCALE
    n = len(inst.x)
    dist = [[round(inst.dist(i, j) * scale) for j in range(n)] for i in range(n)]
    # travel + service at the origin, rounded up so integer feasibility implies exact
    # feasibility (as in samband.planning.solomon)
    time_m = [
        [
            math.ceil(inst.dist(i, j) * scale - 1e-9) + math.ceil(inst.service[i] * scale)
            for j in range(n)
        ]
        for i in range(n)
    ]
    manager = pywrapcp.RoutingIndexManager(n, inst.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)

    def d_cb(a: int, b: int) -> int:
        return dist[manager.IndexToNode(a)][manager.IndexToNode(b)]

    def t_cb(a: int, b: int) -> int:
        return time_m[manager.IndexToNode(a)][manager.IndexToNode(b)]

    def q_cb(a: int) -> int:
        return inst.demand[manager.IndexToNode(a)]

    d_idx = routing.RegisterTransitCallback(d_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(d_idx)
    t_idx = routing.RegisterTransitCallback(t_cb)
    horizon = math.floor(inst.due[0] * scale)
    routing.AddDimension(t_idx, horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for node in range(1, n):
        idx = manager.NodeToIndex(node)
        time_dim.CumulVar(idx).SetRange(
            math.ceil(inst.ready[node] * scale), math.floor(inst.due[node] * scale)
        )
    for v in range(inst.vehicles):
        time_dim.CumulVar(routing.Start(v)).SetRange(math.ceil(inst.ready[0] * scale), horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(math.ceil(inst.ready[0] * scale), horizon)
    q_idx = routing.RegisterUnaryTransitCallback(q_cb)
    routing.AddDimensionWithVehicleCapacity(q_idx, 0, [inst.capacity] * inst.vehicles, True, "load")

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return []
    routes = []
    for v in range(inst.vehicles):
        idx = routing.Start(v)
        route = []
        while not routing.IsEnd(idx):
            node = manager.IndexToNode(idx)
            if node:
                route.append(node)
            idx = sol.Value(routing.NextVar(idx))
        if route:
            routes.append(route)
    return routes


def run(names: list[str], folder: Path, seconds: float, with_ortools: bool) -> list[Row]:
    rows = []
    for name in names:
        inst = solomon.read_instance(folder / f"{name}.txt")
        best = solomon.distance(inst, solomon.parse_solution((folder / f"{name}.sol").read_text()))
        started = time.perf_counter()
        res = solomon.solve(inst, seconds)
        p_err = len(solomon.check_routes(inst, res.routes))
        o_dist, o_err = None, 0
        if with_ortools:
            o_routes = solve_ortools(inst, seconds)
            o_err = len(solomon.check_routes(inst, o_routes)) if o_routes else 1
            o_dist = solomon.distance(inst, o_routes) if o_routes and not o_err else None
        rows.append(Row(name, best, None if p_err else res.distance, o_dist, p_err, o_err))
        print(
            f"{name}: best {best:.2f}  pyvrp {res.distance:.2f}  ortools "
            f"{'-' if o_dist is None else f'{o_dist:.2f}'}  "
            f"({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
    return rows


def gap(value: float | None, best: float) -> float | None:
    return None if value is None else 100.0 * (value - best) / best


def table(rows: list[Row], seconds: float) -> str:
    def fmt(x: float | None, digits: int = 2) -> str:
        return "infeasible" if x is None else f"{x:.{digits}f}"

    lines = [
        f"Solomon VRPTW, {seconds:g} s per instance and solver, one core; distances in double "
        "precision; gap = (distance − best known) / best known.",
        "",
        "| instance | best known | PyVRP | gap % | OR-Tools | gap % |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r.name} | {r.best_known:.2f} | {fmt(r.pyvrp)} | {fmt(gap(r.pyvrp, r.best_known))} "
            f"| {fmt(r.ortools)} | {fmt(gap(r.ortools, r.best_known))} |"
        )
    for label, attr in (("PyVRP", "pyvrp"), ("OR-Tools", "ortools")):
        gaps = [gap(getattr(r, attr), r.best_known) for r in rows]
        ok = [g for g in gaps if g is not None]
        failed = len(gaps) - len(ok)
        if ok:
            lines.append(
                f"\n{label}: mean gap {statistics.fmean(ok):.2f} %, worst {max(ok):.2f} %, "
                f"{failed} infeasible/failed of {len(rows)}"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--subset", help="comma-separated instance names, e.g. C101,R101")
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--out", type=Path, help="also write the markdown table here")
    parser.add_argument("--no-ortools", action="store_true")
    args = parser.parse_args()
    if args.subset:
        names = [n.strip().upper() for n in args.subset.split(",") if n.strip()]
    else:
        names = sorted(p.stem for p in args.dir.glob("*.txt"))
    rows = run(names, args.dir, args.seconds, not args.no_ortools)
    md = table(rows, args.seconds)
    print(md)
    if args.out:
        args.out.write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
