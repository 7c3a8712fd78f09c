"""Observations: vital signs taken at home and their NEWS2 scores."""
