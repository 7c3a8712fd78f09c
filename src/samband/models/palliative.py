"""Palliative care at home: symptom assessments (ESAS-r), expected death, next of kin
follow-up (issue 14)."""

from __future__ import annotations
