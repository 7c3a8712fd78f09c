"""Physician requests (läkarkontakt, avrop): a nurse asks a physician about a patient."""
