"""`samband news2`: score vital-sign sets read from standard input."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

from samband.cli.base import fail, group

news2_app = group("news2", "NEWS2 (RCP National Early Warning Score 2): score vital signs.")

_NEWS2_EXAMPLE = '[{"respiratory_rate": 18, "spo2": 95, "on_oxygen": false, "pulse": 80}]'


@news2_app.command("score")
def news2_score() -> None:
    """Score a JSON list of vital-sign sets read from standard input (docs/news2.md).

    Prints a JSON list in the same order: total, risk, partial, parameters, missing,
    monitoring and red_score for each set, or {"error": ...} for a set that cannot be scored
    (the others are still scored, and the exit status is 0)."""
    from samband.observations.news2 import News2InputError, parse_set, score

    try:
        text = sys.stdin.read()
    except UnicodeDecodeError:
        fail("standard input is not UTF-8 text")
    if not text.strip():
        fail(f"standard input is empty; give a JSON list of vital-sign sets, e.g. {_NEWS2_EXAMPLE}")
    try:
        sets = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(
            f"standard input is not valid JSON: {exc.msg} (line {exc.lineno}, column "
            f"{exc.colno}); give a list of vital-sign sets, e.g. {_NEWS2_EXAMPLE}"
        )
    except RecursionError:
        fail("standard input is nested too deeply to be a list of vital-sign sets")
    if not isinstance(sets, list):
        hint = " (put a single set in [ ])" if isinstance(sets, dict) else ""
        fail(f"standard input must be a JSON list of vital-sign sets{hint}, e.g. {_NEWS2_EXAMPLE}")
    results: list[dict[str, Any]] = []
    for raw in sets:
        try:
            news2 = score(parse_set(raw))
        except News2InputError as exc:
            results.append({"error": str(exc)})
            continue
        results.append(
            {
                "total": news2.total,
                "risk": news2.risk,
                "partial": news2.partial,
                "parameters": news2.parameters,
                "missing": list(news2.missing),
                "monitoring": news2.monitoring,
                "red_score": news2.red_score,
            }
        )
    typer.echo(json.dumps(results, ensure_ascii=False, indent=2))
