"""An independent check of a plan against its problem.

``check`` recomputes everything from the problem (travel times from the travel model, not
from the plan) and returns one message per broken rule; an empty list means the plan keeps
every hard constraint. It shares no code with the solver beyond the data types and the
travel model, so the tests and benchmarks can trust it.

Rules: every visit appears exactly once (in a route or as unassigned), staff and visits
exist, each staff member has at most one route, the staff member has every skill the
visit needs, service starts inside the visit's window, ends ``duration_min`` later, no stop
is reached before the previous one ended plus the travel between them, the route starts
no earlier than the shift and is back at the end location no later than the shift end, a
route lasts at most ``max_minutes``, and ``travel_minutes`` is the total travel.
"""

from __future__ import annotations

from samband.planning.plan import Plan
from samband.planning.problem import Problem, format_clock
from samband.planning.travel import GreatCircleTravel, TravelModel


def check(problem: Problem, plan: Plan, travel: TravelModel | None = None) -> list[str]:
    model = travel if travel is not None else GreatCircleTravel(problem.travel)
    visits = {v.id: v for v in problem.visits}
    staff = {s.id: s for s in problem.staff}
    errors: list[str] = []
    seen: dict[str, str] = {}

    def place(visit_id: str, where: str) -> None:
        if visit_id not in visits:
            errors.append(f"{where}: unknown visit {visit_id!r}")
        elif visit_id in seen:
            errors.append(f"visit {visit_id!r} appears twice ({seen[visit_id]} and {where})")
        else:
            seen[visit_id] = where

    total_travel = 0
    routed_staff: set[str] = set()
    for route in plan.routes:
        who = route.staff
        if who not in staff:
            errors.append(f"route of unknown staff member {who!r}")
            continue
        if who in routed_staff:
            errors.append(f"staff member {who!r} has more than one route")
        routed_staff.add(who)
        s = staff[who]
        if not route.stops:
            continue
        here, clock = s.start, s.shift_start
        first_leave: int | None = None
        for stop in route.stops:
            where = f"route {who!r}, visit {stop.visit!r}"
            place(stop.visit, where)
            v = visits.get(stop.visit)
            if v is None:
                continue
            t = model.seconds(here, v.location)
            total_travel += t
            if first_leave is None:
                first_leave = stop.arrival - t
            if not v.skills <= s.skills:
                missing = ", ".join(sorted(v.skills - s.skills))
                errors.append(f"{where}: staff member lacks skill(s) {missing}")
            if stop.arrival < clock + t:
                errors.append(
                    f"{where}: arrives {format_clock(stop.arrival)}, but cannot be there before "
                    f"{format_clock(clock + t)}"
                )
            if stop.start < stop.arrival:
                errors.append(f"{where}: starts before arriving")
            if not v.window_start <= stop.start <= v.window_end:
                errors.append(
                    f"{where}: starts {format_clock(stop.start)}, outside its window "
                    f"{format_clock(v.window_start)}-{format_clock(v.window_end)}"
                )
            if stop.end != stop.start + v.duration:
                errors.append(
                    f"{where}: lasts {(stop.end - stop.start) // 60} min, not {v.duration_min}"
                )
            here, clock = v.location, stop.end
        t_back = model.seconds(here, s.end)
        total_travel += t_back
        back = clock + t_back
        if back > s.shift_end:
            errors.append(
                f"route {who!r}: back {format_clock(back)}, after the shift ends "
                f"{format_clock(s.shift_end)}"
            )
        if first_leave is not None and first_leave < s.shift_start:
            errors.append(f"route {who!r}: leaves {format_clock(first_leave)}, before the shift")
        if s.max_minutes is not None and first_leave is not None:
            minutes = (back - first_leave) / 60
            if minutes > s.max_minutes:
                errors.append(f"route {who!r}: works {minutes:.0f} min, more than {s.max_minutes}")
    for u in plan.unassigned:
        place(u.visit, "unassigned")
        if not u.code.strip():
            errors.append(f"unassigned visit {u.visit!r} has no reason")
    for visit_id in visits:
        if visit_id not in seen:
            errors.append(f"visit {visit_id!r} is neither in a route nor unassigned")
    if total_travel % 60 == 0 and plan.travel_minutes != total_travel // 60:
        errors.append(f"travel_minutes is {plan.travel_minutes}, recomputed {total_travel // 60}")
    elif total_travel % 60 and abs(plan.travel_minutes - total_travel / 60) > 1:
        errors.append(
            f"travel_minutes is {plan.travel_minutes}, recomputed {total_travel / 60:.1f}"
        )
    return errors
