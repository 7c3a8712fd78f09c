"""The `samband` command (typer): one module of sub-commands per domain.

``base`` holds the application and what the commands share (one transaction a command,
errors printed with what to do). Importing a module adds its commands; the order below is
the order ``samband --help`` lists them in.
"""

# isort: off
from samband.cli import (  # noqa: F401 - each adds its commands to the app
    db,
    serve,
    demo,
    organisations,
    audit,
    pathways,
    planning,
    jobs,
    news2,
    simulate,
    alerts,
    requests,
    doses,
    outcomes,
)

# isort: on
from samband.cli.base import app

__all__ = ["app"]
