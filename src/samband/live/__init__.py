"""The live pages (issue 11): a per-process change feed read from the database, fanned out to
the pages' Server-Sent Event streams (docs/decisions/0016-live-overview.md)."""
