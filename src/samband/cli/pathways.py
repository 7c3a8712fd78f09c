"""`samband pathways`: list and validate the care pathways' YAML definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from samband.cli.base import fail, group, table

pathways_app = group("pathways", "Care pathways (vårdflöden): the YAML definitions.")


@pathways_app.command("list")
def pathways_list() -> None:
    """List the pathways in force (shipped, plus SAMBAND_PATHWAYS_DIR)."""
    from samband.pathways.definition import PathwayError, registry

    try:
        pathways = registry()
    except PathwayError as exc:
        fail(str(exc))
    table(
        ["key", "title", "episode types"],
        [
            {"key": p.key, "title": p.title, "episode types": ", ".join(p.episode_types)}
            for p in pathways.values()
        ],
    )


@pathways_app.command("check")
def pathways_check(
    directory: Annotated[
        Path | None,
        typer.Argument(help="A folder of pathway YAML files (default: the ones in force)."),
    ] = None,
) -> None:
    """Validate pathway YAML files; exit 1 with what is wrong."""
    from samband.config import get_settings
    from samband.pathways.definition import SHIPPED, PathwayError, load_file

    if directory is not None:
        if not directory.is_dir():
            fail(f"{directory} is not a folder")
        folders = [directory]
    else:
        extra = get_settings().pathways_dir
        folders = [SHIPPED] + ([extra] if extra else [])
    files = [path for folder in folders for path in sorted(folder.glob("*.yaml"))]
    if not files:
        fail(f"no *.yaml files in {', '.join(str(f) for f in folders)}")
    problems = []
    keys: dict[str, Path] = {}
    for path in files:
        try:
            pathway = load_file(path)
        except PathwayError as exc:
            problems.append(str(exc))
            continue
        if pathway.key in keys and directory is not None:
            problems.append(f"{path.name}: key '{pathway.key}' is also used by {keys[pathway.key]}")
        keys[pathway.key] = path
        typer.echo(f"ok  {path.name}  ({pathway.key})")
    if problems:
        for problem in problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1)
