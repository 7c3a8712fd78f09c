"""Physician visits (issue 13, decision 0019): bookable slots, bookings, planned reviews."""
