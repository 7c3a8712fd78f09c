"""``python -m samband`` is the ``samband`` command."""

from samband.cli import app

app()
