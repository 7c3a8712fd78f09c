"""Medication administration (digital signing of doses), issue 14."""

from __future__ import annotations
