"""The text reports of `samband simulate` and `samband potential`: lines to print. Pure.

``simulation_lines`` gives the scenario, the means with their 95 % confidence intervals and
the Erlang-B check; ``potential_lines`` the groups' ranges, the totals and the net saving.
(The JSON form of both is their results' ``to_dict()``.)
"""

from __future__ import annotations

from collections.abc import Callable

from samband.kit.table import table_lines
from samband.simulation.model import SimulationResult
from samband.simulation.potential import Potential

Format = Callable[[float], str]


def sek_int(value: float) -> str:
    """``12 345``: a whole number with a space between the thousands."""
    return f"{value:,.0f}".replace(",", " ")


def msek(value: float) -> str:
    """Millions of kronor with one decimal: ``1 538.5``."""
    return f"{value / 1e6:,.1f}".replace(",", " ")


def pct(share: float) -> str:
    return f"{100 * share:.1f} %"


def num(value: float) -> str:
    return f"{value:,.1f}".replace(",", " ")


def span_text(low: float, high: float, fmt: Format) -> str:
    """``low – high``, or one figure when both ends read the same."""
    return fmt(low) if fmt(low) == fmt(high) else f"{fmt(low)} – {fmt(high)}"


def simulation_lines(result: SimulationResult) -> list[str]:
    s = result.scenario
    metrics = result.metrics()
    lines = [
        s.name,
        f"{s.places} places · {s.horizon_days} days measured after {s.warmup_days} days of "
        f"warm-up · {len(result.replications)} replications · seed {s.seed}",
    ]
    if s.travel is not None:
        line = f"travel: {s.travel.minutes_per_visit:.1f} min a visit"
        if s.travel.area is not None:
            a = s.travel.area
            line += (
                f" (planner's great-circle model: random points within {a.radius_km:g} km of "
                f"{a.centre.lat:g}, {a.centre.lon:g}; × {a.travel.road_factor:g} at "
                f"{a.travel.speed_kmh:g} km/h)"
            )
        lines.append(line)

    def row(label: str, name: str, fmt: Format) -> dict[str, str] | None:
        e = metrics.get(name)
        if e is None:
            return None
        ci = "—" if e.low is None or e.high is None else f"{fmt(e.low)} – {fmt(e.high)}"
        return {"": label, "mean": fmt(e.mean), "95 % CI": ci}

    rows = [
        row("occupancy", "occupancy", pct),
        row("turned away", "turned_away_share", pct),
        row("arrivals", "arrivals", num),
        row("turned away (patients)", "turned_away", num),
        row("patient-days", "patient_days", num),
        row("visits a day", "visits_per_day", num),
        row("staff utilisation", "utilisation", pct),
    ]
    roles = [r.role for r in result.replications[0].roles]
    rows += [row(f"  {role}", f"utilisation.{role}", pct) for role in roles]
    rows.append(row("overtime, minutes a day", "overtime_minutes_per_day", num))
    rows += [row(f"  {role}", f"overtime_minutes_per_day.{role}", num) for role in roles]
    rows += [
        row(f"  per {role} on duty", f"overtime_minutes_per_staff_day.{role}", num)
        for role in roles
    ]
    rows.append(row("days with overtime", "days_with_overtime_share", pct))
    lines.append("")
    lines += table_lines(["", "mean", "95 % CI"], [r for r in rows if r is not None])
    turned = metrics["turned_away_share"]
    if turned.low is None:
        verdict = "one replication: no confidence interval to compare with"
    elif turned.contains(result.erlang_b):
        verdict = "inside the 95 % CI"
    else:
        verdict = "outside the 95 % CI"
    lines += [
        "",
        f"Erlang-B: {pct(result.erlang_b)} turned away for an offered load of "
        f"{result.offered_load:.2f} on {s.places} places ({verdict}).",
        "Erlang-B holds for Poisson arrivals and any distribution of stays: a check on the model.",
    ]
    return lines


def potential_lines(calc: Potential) -> list[str]:
    u = calc.unit_costs
    lines = [
        calc.name,
        f"unit costs: {sek_int(u.bed_day_sek)} SEK a bed-day, "
        f"{sek_int(u.emergency_visit_sek)} SEK an emergency visit ({u.price_year} prices; "
        f"{u.source})",
        "",
    ]
    rows: list[dict[str, str]] = []
    for g in calc.groups:
        reached = g.reached
        rows.append(
            {
                "group": g.name,
                "persons reached": "—" if reached is None else span_text(*reached, sek_int),
                "bed-days saved": span_text(*g.bed_days_saved, sek_int),
                "emergency visits saved": span_text(*g.emergency_visits_saved, sek_int),
                "costs saved, MSEK": span_text(*g.costs_saved(u), msek),
            }
        )
    rows.append(
        {
            "group": "total",
            "persons reached": "",
            "bed-days saved": span_text(*calc.bed_days_saved, sek_int),
            "emergency visits saved": span_text(*calc.emergency_visits_saved, sek_int),
            "costs saved, MSEK": span_text(*calc.costs_saved, msek),
        }
    )
    lines += table_lines(list(rows[0]), rows)
    lines += [
        "",
        f"added costs of the new care, MSEK: {span_text(*calc.added_costs_sek, msek)}",
        f"net saving a year, MSEK: {span_text(*calc.net_saving, msek)}",
    ]
    return lines
