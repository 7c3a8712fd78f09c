"""Sample orders and laboratory results, issue 14."""

from __future__ import annotations
