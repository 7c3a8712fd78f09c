"""Palliative care at home (issue 14)."""
