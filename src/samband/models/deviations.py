"""Deviations (avvikelser) across organisations, issue 14."""

from __future__ import annotations
