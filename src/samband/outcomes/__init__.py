"""Outcome follow-up (issue 6): indicators, historical import, cost model, reports."""
