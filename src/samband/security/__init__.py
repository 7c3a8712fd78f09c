"""Authentication, permissions, care relationships and the access log."""
