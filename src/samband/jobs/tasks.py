"""Imports every module that registers tasks (``samband.jobs.queue.task``), and sets the
periodic ones from the settings."""

from __future__ import annotations

from samband.alerts import periodic as _alerts  # noqa: F401
from samband.config import get_settings
from samband.jobs.queue import periodic
from samband.medadmin import periodic as _medadmin  # noqa: F401
from samband.notifications import service as _notifications  # noqa: F401
from samband.physicianrequests import periodic as _physician_requests  # noqa: F401
from samband.reports import jobs as _reports  # noqa: F401
from samband.visits import jobs as _dayplans  # noqa: F401

periodic("alerts.tick", get_settings().alert_tick_seconds)
# unanswered physician requests go to the next level as often as the alerts are checked
periodic("physicianrequests.tick", get_settings().alert_tick_seconds)
# doses not signed in their window, as-needed effects not followed up (issue 14)
periodic("medadmin.tick", get_settings().alert_tick_seconds)
