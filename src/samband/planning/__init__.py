"""Visit planning and routing: the day's home visits assigned and routed to mobile staff.

The modules here are pure (no SQLAlchemy, no FastAPI): ``problem`` reads and validates a
planning problem, ``travel`` estimates travel times, ``solver`` turns a problem into a
``plan.Plan`` (PyVRP behind the ``Solver`` protocol), ``check`` verifies a plan on its own,
and ``solomon`` reads and solves the Solomon VRPTW benchmark instances.
"""
