"""Learning follow-up of pilots (expeditioner): docs/pilots.md."""
