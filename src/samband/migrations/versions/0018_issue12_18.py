"""Alert reasons as codes with parameters (issue 12)

An alert's reason (``alerts.reason``) and each cause's (``alert_causes.reason``) were stored
as English sentences, so a Swedish page showed "care plan limit: temperature 38.6 °C ≥ 38.5 °C"
in English. They are now kept as a catalogue code and its parameters (decision 0017,
``kit/stored.py``): this migration adds ``reason_code`` and ``reason_params`` to both tables
and rewrites the reasons it recognises (NEWS2, care-plan limits, missed measurements). The
English text stays in ``reason`` (the API's ``reason``); a sentence no pattern knows keeps no
code and is shown as written.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("alerts", "alert_causes")
PARAMETERS = {
    "respiratory rate": "respiratory_rate",
    "spo2": "spo2",
    "on oxygen": "on_oxygen",
    "systolic bp": "systolic_bp",
    "diastolic bp": "diastolic_bp",
    "pulse": "pulse",
    "consciousness": "consciousness",
    "temperature": "temperature",
    "weight": "weight",
    "weight gain": "weight_gain",
    "NEWS2": "news2_total",
}
RISKS = {"high", "medium", "low-medium", "low"}
NEWS2 = re.compile(r"^NEWS2 (\d+) \(([a-z-]+)\): (.*?)(?:; partial, not measured: (.+))?$")
MISSED = re.compile(
    r"^the scheduled measurement of (\d{4}-\d\d-\d\d) (\d\d:\d\d) did not arrive within "
    r"(\d+) minutes(; the measurement before it was missed too)?$"
)
LIMIT_PART = re.compile(
    r"^(NEWS2|weight gain|[a-z][a-z0-9]*(?: [a-z]+)?) (-?[\d.]+)(?: ?(%|[^\s\d(][^\s]*))?"
    r"(?: in (\d+) h)? (≥|>|≤|<) (-?[\d.]+)(?: ?(%|[^\s\d(][^\s]*))?(?: \((.*)\))?$"
)


def _msg(key: str, **params: Any) -> dict[str, Any]:
    return {"msg": key, "params": params}


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _parameter(name: str) -> dict[str, Any] | None:
    key = PARAMETERS.get(name) or PARAMETERS.get(name.replace("_", " "))
    return _msg(f"alert.param.{key}") if key else None


def _quantity(number: str, unit: str | None) -> Any:
    return _msg("alert.quantity", value=_number(number), unit=unit) if unit else _number(number)


def _news2(match: re.Match[str]) -> tuple[str, dict[str, Any]] | None:
    total, risk, scored_text, missing_text = match.groups()
    if risk not in RISKS:
        return None
    scored = []
    for part in filter(None, scored_text.split(", ")):
        found = re.match(r"^(.+) (\d+)$", part)
        what = _parameter(found[1]) if found else None
        if found is None or what is None:
            return None
        scored.append(_msg("alert.scored", what=what, points=int(found[2])))
    params: dict[str, Any] = {
        "total": int(total),
        "risk": _msg(f"alert.risk.{risk}"),
        "scored": scored,
    }
    if not missing_text:
        return "alert.news2", params
    missing = [_parameter(name) for name in missing_text.split(", ")]
    if any(m is None for m in missing):
        return None
    return "alert.news2_partial", {**params, "missing": missing}


def _limit(text: str) -> tuple[str, dict[str, Any]] | None:
    parts = []
    for part in text.split("; "):
        found = LIMIT_PART.match(part)
        what = _parameter(found[1]) if found else None
        if found is None or what is None:
            return None
        _, value, unit, hours, op_, limit, limit_unit, note = found.groups()
        params: dict[str, Any] = {
            "what": what,
            "value": _quantity(value, unit),
            "op": op_,
            "limit": _quantity(limit, limit_unit or unit),
        }
        key = "alert.limit_part"
        if hours:
            key += "_within"
            params["hours"] = int(hours)
        if note:
            key += "_noted"
            params["note"] = {"source": note}
        parts.append(_msg(key, **params))
    return "alert.limit", {"limits": parts}


def reason_of(text: str) -> tuple[str, dict[str, Any]] | None:
    """The code and parameters of an English reason as the services wrote them, or None."""
    if found := NEWS2.match(text):
        return _news2(found)
    if found := MISSED.match(text):
        day, clock, minutes, again = found.groups()
        code = "alert.missed_again" if again else "alert.missed"
        return code, {"day": day, "time": clock, "minutes": int(minutes)}
    if text.startswith("care plan limit: "):
        return _limit(text.removeprefix("care plan limit: "))
    return None


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("reason_code", sa.String(length=60), nullable=True))
            batch.add_column(sa.Column("reason_params", sa.JSON(), nullable=True))
    bind = op.get_bind()
    for table in TABLES:
        rows = sa.table(
            table,
            sa.column("id", sa.Uuid()),
            sa.column("reason", sa.Text()),
            sa.column("reason_code", sa.String()),
            sa.column("reason_params", sa.JSON()),
        )
        for row_id, text in bind.execute(sa.select(rows.c.id, rows.c.reason)).tuples():
            found = reason_of(text or "")
            if found is None:
                continue
            code, params = found
            bind.execute(
                rows.update()
                .where(rows.c.id == row_id)
                .values(reason_code=code, reason_params=params)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("reason_params")
            batch.drop_column("reason_code")
