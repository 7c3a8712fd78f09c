"""Medication administration: doses to sign at the visit (issue 14)."""
