"""Small shared pieces: errors, time, identity numbers."""
