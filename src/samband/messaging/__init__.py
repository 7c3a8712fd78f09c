"""Messages between the organisations taking part in a patient's care (issue 13)."""
