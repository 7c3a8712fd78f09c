"""The on-call roster (jour/beredskap): who covers which hours, per organisation and unit."""
