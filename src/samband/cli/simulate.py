"""`samband simulate` and `samband potential`: capacity simulation and the regional
potential calculator (the reports' text is written by ``samband.simulation.report``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from samband.cli.base import FormatOption, app, choice, echo_lines, fail, read_input


@app.command()
def simulate(
    scenario_file: Annotated[Path, typer.Argument(help="The scenario (YAML, docs/simulation.md).")],
    replications: Annotated[
        int | None,
        typer.Option("--replications", min=1, max=10_000, help="Override the scenario's."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Override the scenario's seed.")
    ] = None,
    output: FormatOption = "text",
) -> None:
    """Simulate a hospital-at-home service (SimPy): occupancy, patients turned away, staff
    utilisation and overtime, with 95 % confidence intervals over replications."""
    from samband.simulation.model import simulate as run
    from samband.simulation.report import simulation_lines
    from samband.simulation.scenario import ScenarioError, load_scenario

    choice("format", output, ["text", "json"])
    text = read_input(scenario_file)
    try:
        result = run(load_scenario(text), replications=replications, seed=seed)
    except ScenarioError as exc:
        fail(f"{scenario_file}: {exc}")
    if output == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    echo_lines(simulation_lines(result))


@app.command()
def potential(
    potential_file: Annotated[
        Path, typer.Argument(help="Target groups, effects and unit costs (YAML).")
    ],
    output: FormatOption = "text",
) -> None:
    """The regional potential calculator: bed-days, emergency visits and costs saved a year,
    as low–high ranges (docs/simulation.md)."""
    from samband.simulation.potential import PotentialError, load_potential
    from samband.simulation.report import potential_lines

    choice("format", output, ["text", "json"])
    text = read_input(potential_file)
    try:
        calc = load_potential(text)
    except PotentialError as exc:
        fail(f"{potential_file}: {exc}")
    if output == "json":
        typer.echo(json.dumps(calc.to_dict(), ensure_ascii=False, indent=2))
        return
    echo_lines(potential_lines(calc))
