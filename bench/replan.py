"""Re-planning a published day: how many visits already announced to patients move.

Not a test. For each generated hospital-at-home day (``bench/hah_days.py``) the planner
makes the day's plan, which is then "published": every visit it serves is announced to the
patient with its staff member and start time (``announced`` in the problem format). Then
something happens, and the day is planned again with the announcements:

- ``new patient``: a patient comes home during the day with IV antibiotics twice a day
  (13:30 and 19:30, ± 30 min, priority 1) and an urgent visit (15:00–16:00, priority 1);
- ``readmission``: the patient with the most visits that day goes back to the ward and
  their visits are cancelled (the time is freed, nothing new must fit).

Reported per day and event: the visits announced, how many of them moved (another staff
member, more than 15 minutes from the announced time, or left out; ``plan.moved``), and,
for comparison, how many would move if the day were simply solved again without the
announcements (the same moved measure against the same announcements); the new visits
served and the priority-1 visits left out in both re-plans. Every plan is re-checked
(``samband.planning.check``).

    .venv/bin/python bench/replan.py --sizes 100,300 --seeds 1,2,3 --seconds 10 --jobs 2
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hah_days import generate  # noqa: E402

from samband.planning.check import check  # noqa: E402
from samband.planning.plan import Plan, moved  # noqa: E402
from samband.planning.problem import format_clock, parse_problem  # noqa: E402
from samband.planning.solver import PyVRPSolver  # noqa: E402

HOME = {"lat": 60.6125, "lon": 15.6275}  # the new patient, near Falun's centre
EVENTS = ("new patient", "readmission")


def _solve(raw: dict[str, Any], seconds: float, seed: int) -> tuple[Plan, list[str]]:
    problem = parse_problem(raw)
    plan = PyVRPSolver().solve(problem, seconds, seed)
    errors = check(problem, plan)
    if errors:
        raise SystemExit(f"plan fails the check: {errors[:3]}")
    return plan, moved(problem, plan)


def _published(raw: dict[str, Any], plan: Plan) -> dict[str, Any]:
    announced = copy.deepcopy(raw)
    where = {stop.visit: (r.staff, stop.start) for r in plan.routes for stop in r.stops}
    for v in announced["visits"]:
        if v["id"] in where:
            staff, start = where[v["id"]]
            v["announced"] = {"staff": staff, "start": format_clock(start)}
    return announced


def _event(published: dict[str, Any], event: str) -> tuple[dict[str, Any], list[str]]:
    day = copy.deepcopy(published)
    if event == "new patient":
        new = [
            {
                "id": f"new{i}",
                "patient": "p-new",
                "location": HOME,
                "window": window,
                "duration_min": 30,
                "skills": skills,
                "priority": 1,
            }
            for i, (window, skills) in enumerate(
                [
                    (["13:00", "14:00"], ["nurse", "iv_therapy"]),
                    (["19:00", "20:00"], ["nurse", "iv_therapy"]),
                    (["15:00", "16:00"], ["nurse"]),
                ]
            )
        ]
        day["visits"].extend(new)
        return day, [str(v["id"]) for v in new]
    counts = Counter(v["patient"] for v in day["visits"])
    patient = max(counts, key=lambda p: (counts[p], p))
    day["visits"] = [v for v in day["visits"] if v["patient"] != patient]
    return day, []


def _strip(raw: dict[str, Any]) -> dict[str, Any]:
    plain = copy.deepcopy(raw)
    for v in plain["visits"]:
        v.pop("announced", None)
    return plain


def measure(task: tuple[int, int, float]) -> list[dict[str, Any]]:
    size, seed, seconds = task
    raw = generate(size, seed)
    first, _ = _solve(raw, seconds, seed)
    published = _published(raw, first)
    rows = []
    for event in EVENTS:
        day, new_ids = _event(published, event)
        problem = parse_problem(day)
        kept_plan, moved_ids = _solve(day, seconds, seed)
        naive_plan, _ = _solve(_strip(day), seconds, seed)
        naive_moved = moved(problem, naive_plan)  # against the same announcements
        priority = {v.id: v.priority for v in problem.visits}

        def served_new(plan: Plan, ids: list[str] = new_ids) -> int:
            left = {u.visit for u in plan.unassigned}
            return sum(1 for i in ids if i not in left)

        def p1_left(plan: Plan, priority: dict[str, int] = priority) -> int:
            return sum(1 for u in plan.unassigned if priority[u.visit] == 1)

        rows.append(
            {
                "size": size,
                "seed": seed,
                "event": event,
                "announced": sum(1 for v in problem.visits if v.announced is not None),
                "moved": len(moved_ids),
                "moved_naive": len(naive_moved),
                "new_served": f"{served_new(kept_plan)}/{len(new_ids)}" if new_ids else "–",
                "new_served_naive": f"{served_new(naive_plan)}/{len(new_ids)}" if new_ids else "–",
                "p1_left": p1_left(kept_plan),
                "p1_left_naive": p1_left(naive_plan),
            }
        )
        print(rows[-1], file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,300")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    tasks = [
        (int(size), int(seed), args.seconds)
        for size in args.sizes.split(",")
        for seed in args.seeds.split(",")
    ]
    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rows = [r for chunk in pool.map(measure, tasks) for r in chunk]
    else:
        rows = [r for t in tasks for r in measure(t)]
    lines = [
        f"Re-planning a published day, {args.seconds:g} s per solve, one core per solve. "
        "Moved: announced visits with another staff member, more than 15 min from the "
        "announced time, or left out.",
        "",
        "| visits | seed | event | announced | moved (re-plan) | moved (solved afresh) "
        "| new visits served (re-plan / afresh) | priority-1 left out (re-plan / afresh) |",
        "| ---: | ---: | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']} | {r['seed']} | {r['event']} | {r['announced']} | {r['moved']} "
            f"| {r['moved_naive']} | {r['new_served']} / {r['new_served_naive']} "
            f"| {r['p1_left']} / {r['p1_left_naive']} |"
        )
    total = sum(r["announced"] for r in rows)
    lines += [
        "",
        f"In all: {sum(r['moved'] for r in rows)} of {total} announced visits moved in the "
        f"re-plans, against {sum(r['moved_naive'] for r in rows)} when solved afresh.",
    ]
    md = "\n".join(lines) + "\n"
    print(md)
    if args.out:
        args.out.write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
