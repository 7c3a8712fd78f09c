"""Capacity simulation of a hospital-at-home service and the regional potential calculator.

Pure modules (no database, no web): ``scenario`` reads and validates a scenario file,
``model`` runs it in SimPy, ``erlang`` is the Erlang-B loss formula it is checked against,
``stats`` the confidence intervals and ``potential`` the regional potential calculator.
The formats and the model's assumptions are in ``docs/simulation.md``.
"""
