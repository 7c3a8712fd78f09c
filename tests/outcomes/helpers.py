"""Small hand-built histories for the indicator tests: times in Swedish local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from samband.kit.time import STOCKHOLM
from samband.outcomes import config
from samband.outcomes.history import Event, History
from samband.outcomes.indicators import Params, Period, Value, compute, prepare
from samband.outcomes.report import period_of

# the pathway YAMLs' expected inpatient days
REGISTRY_DAYS = {"opat": 7.0, "copd": 5.0, "heart-failure": 6.0}
AS_OF = datetime(2025, 6, 1, tzinfo=UTC)


def at(text: str) -> datetime:
    """'2025-03-03 08:00' in Swedish local time, as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM).astimezone(UTC)


def history(
    episode: str,
    pathway: str,
    kind: str,
    *events: tuple[str, str],
    source: str = "import",
    **extra: object,
) -> History:
    return History(
        episode=episode,
        source=source,
        pathway=pathway,
        type=kind,
        events=tuple(Event(e, at(t)) for e, t in events),
        **extra,  # type: ignore[arg-type]
    )


def params(settings: config.Settings | None = None, year: int = 2025) -> Params:
    return Params(settings or config.load(), REGISTRY_DAYS, year)


def march() -> Period:
    return period_of(date(2025, 3, 1), date(2025, 3, 31), AS_OF)


def values(
    histories: list[History],
    period: Period | None = None,
    p: Params | None = None,
    group: str = "all",
) -> dict[str, Value]:
    out = compute(prepare(histories), period or march(), p or params(), group)
    return {v.indicator: v for v in out}


def close(a: float | None, b: float) -> bool:
    return a is not None and abs(a - b) < 1e-9


ESD, AA = "early_supported_discharge", "admission_avoidance"
DAY = timedelta(days=1)
