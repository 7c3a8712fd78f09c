"""Alerts from remote monitoring: NEWS2, care-plan limits, missed measurements, escalation."""
