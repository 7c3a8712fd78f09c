"""The visits' tests plan 6 March 2030: that date is "today" for the rule that a visit is
started on its own date (a test of that rule sets another date)."""

from __future__ import annotations

from datetime import date

import pytest

from samband.visits import dayplans, service

TODAY = date(2030, 3, 6)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "local_today", lambda: TODAY)
    monkeypatch.setattr(dayplans, "local_today", lambda: TODAY)
