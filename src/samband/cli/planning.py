"""`samband plan`: solve a day's visit plan, or a Solomon VRPTW instance."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from samband.cli.base import fail, group, read_input

plan_app = group("plan", "Visit planning and routing: solve a day's plan, Solomon VRPTW instances.")

SecondsOption = Annotated[
    float, typer.Option("--seconds", min=0.1, max=3600, help="Time the solver may use (seconds).")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed of the solver.")]


@plan_app.command("solve")
def plan_solve(
    problem_file: Annotated[Path, typer.Argument(help="The planning problem (JSON).")],
    seconds: SecondsOption = 5.0,
    seed: SeedOption = 0,
    osrm_url: Annotated[
        str | None,
        typer.Option(
            "--osrm-url",
            help="OSRM routing server for travel times (default: SAMBAND_OSRM_URL; "
            "none: the embedded great-circle model).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Independent searches at once, one core each; the best plan is kept "
            "(default: the machine's cores, at most 2).",
        ),
    ] = None,
    allow_unknown_skills: Annotated[
        bool,
        typer.Option(
            "--allow-unknown-skills",
            help="Report visits needing a skill nobody has as unassigned instead of refusing "
            "the problem.",
        ),
    ] = False,
) -> None:
    """Plan a day's visits (docs/planning-format.md) and print the plan as JSON."""
    from samband.config import get_settings
    from samband.planning.osrm import OSRMError, OSRMTravel
    from samband.planning.problem import ProblemError, load_problem, require_known_skills
    from samband.planning.solver import PlanningError, PyVRPSolver

    text = read_input(problem_file)
    try:
        problem = load_problem(text)
        if not allow_unknown_skills:
            require_known_skills(problem)
    except ProblemError as exc:
        fail(f"{problem_file}: {exc}")
    url = osrm_url or get_settings().osrm_url
    try:
        travel = OSRMTravel(url).prepare_problem(problem) if url else None
        cores = workers if workers is not None else min(2, os.cpu_count() or 1)
        plan = PyVRPSolver(travel, workers=cores).solve(problem, seconds, seed)
    except OSRMError as exc:
        fail(str(exc))
    except PlanningError as exc:  # a bug, but still no traceback and no broken plan
        fail(str(exc))
    typer.echo(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2))


@plan_app.command("vrptw")
def plan_vrptw(
    instance_file: Annotated[Path, typer.Argument(help="A Solomon-format VRPTW instance.")],
    seconds: SecondsOption = 10.0,
    seed: SeedOption = 0,
) -> None:
    """Solve a Solomon VRPTW instance; print {"instance", "distance", "routes"} as JSON."""
    from samband.planning.solomon import InstanceError, parse_instance, solve

    text = read_input(instance_file)
    try:
        result = solve(parse_instance(text, instance_file.stem), seconds, seed)
    except InstanceError as exc:
        fail(f"{instance_file}: {exc}")
    typer.echo(
        json.dumps(
            {"instance": result.instance, "distance": result.distance, "routes": result.routes}
        )
    )
