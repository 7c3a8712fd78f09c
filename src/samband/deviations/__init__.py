"""Deviations (avvikelser) across organisations (issue 14)."""
