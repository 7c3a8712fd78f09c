"""Day-plan reasons as codes with parameters (issue 12)

Why a visit was left out of a day plan (``day_plans.unassigned``) and why a plan's solve
failed are stored as a catalogue code and its parameters, so a page shows them in either
language (decision 0017). This migration adds ``day_plans.solve_problem`` ({"code",
"params"}) and rewrites the reasons stored as English sentences into codes: each entry of
``unassigned`` gets ``code`` and ``params`` (its English ``reason`` is kept). A sentence no
pattern knows keeps no code (it is shown as written).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SKILLS = {"iv_therapy", "picc_care", "wound_care", "sampling"}
ROLES = {
    "physician",
    "registered_nurse",
    "assistant_nurse",
    "physiotherapist",
    "occupational_therapist",
}


def _skills(text: str) -> list[Any]:
    terms: list[Any] = []
    for name in (part.strip() for part in text.split(",")):
        if name in SKILLS:
            terms.append({"msg": f"skill.{name}", "params": {}})
        elif name in ROLES:
            terms.append({"msg": f"role.{name}", "params": {}})
        else:
            terms.append(name)
    return terms


# the sentences visits/service.py and planning/solver.py wrote before issue 12
PATTERNS: list[tuple[re.Pattern[str], str, Any]] = [
    (re.compile(r"^the patient's home has no coordinates"), "planning.no_coordinates", None),
    (re.compile(r"^its window is not on this date$"), "planning.window_not_on_date", None),
    (
        re.compile(r"^nobody of these organisations has a shift with time left on (\S+)"),
        "planning.no_staff_on_shift",
        lambda m: {"date": m[1]},
    ),
    (
        re.compile(r"^no staff member has the skill\(s\) (.+)$"),
        "planning.skill_nobody_has",
        lambda m: {"skills": _skills(m[1])},
    ),
    (
        re.compile(r"^no single staff member has all the skills (.+)$"),
        "planning.skills_not_together",
        lambda m: {"skills": _skills(m[1])},
    ),
    (
        re.compile(r"^window (\S+) \(\+(\d+) min\) is outside every shift"),
        "planning.outside_shifts",
        lambda m: {"window": m[1], "minutes": int(m[2])},
    ),
    (re.compile(r"^could not fit"), "planning.could_not_fit", None),
]


def _coded(entry: dict[str, Any]) -> dict[str, Any]:
    if entry.get("code"):
        return entry
    reason = str(entry.get("reason") or "")
    for pattern, code, params in PATTERNS:
        found = pattern.match(reason)
        if found:
            return {**entry, "code": code, "params": params(found) if params else {}}
    return entry


def _load(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    with op.batch_alter_table("day_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("solve_problem", sa.JSON(), nullable=True))
    plans = sa.table(
        "day_plans",
        sa.column("id", sa.Uuid()),
        sa.column("unassigned", sa.JSON()),
        sa.column("solution", sa.JSON()),
    )
    bind = op.get_bind()
    for plan_id, unassigned, solution in bind.execute(
        sa.select(plans.c.id, plans.c.unassigned, plans.c.solution)
    ):
        entries = _load(unassigned) or []
        coded = [_coded(e) for e in entries]
        solved = _load(solution) or {}
        if isinstance(solved, dict) and isinstance(solved.get("unassigned"), list):
            solved = {**solved, "unassigned": [_coded(e) for e in solved["unassigned"]]}
        if coded != entries or solved != (_load(solution) or {}):
            bind.execute(
                plans.update()
                .where(plans.c.id == plan_id)
                .values(unassigned=coded, solution=solved)
            )


def downgrade() -> None:
    with op.batch_alter_table("day_plans", schema=None) as batch_op:
        batch_op.drop_column("solve_problem")
