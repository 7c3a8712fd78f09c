"""The discharge summary (utskrivningsinformation), issue 14."""

from __future__ import annotations
