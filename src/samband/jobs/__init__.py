"""The job queue (decision 0013): work that must not run on the request path — notification
deliveries with retries, the periodic alert tick, day-plan solves, long reports.

- ``queue.defer`` enqueues a job in the *same transaction* as the change that asks for it:
  on PostgreSQL into procrastinate's table (``procrastinate_defer_jobs_v1``), on the
  embedded SQLite default into ``local_jobs``. A rolled-back request defers nothing.
- ``queue.task`` registers a task (a plain function of a sessionmaker and JSON arguments);
  ``queue.periodic`` a task that runs once per interval however many processes run.
- On PostgreSQL ``samband worker`` runs procrastinate's worker (``worker.py``); with SQLite
  the app process runs the jobs itself (``local.py``), as it does for ``samband serve``.
- ``queue.run_pending`` runs the due jobs now, in this process, through the same protocol
  (the tests, ``samband jobs run``).
"""
