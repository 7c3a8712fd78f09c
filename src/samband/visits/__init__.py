"""The day's home visits: expanded from care plans, added ad hoc, planned and routed."""
