"""Staff shifts: who works when and from where on a date (the day plans' staff).

A planner (``episode:update``) sets a shift for a staff member of their own organisation, in
local time (Europe/Stockholm); one shift per person and date, so a new one replaces the old.
Shifts are for active care staff (``StaffRole``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samband.kit.errors import InvalidInput, NotFound, problem
from samband.kit.i18n import msg
from samband.kit.time import local_today, utcnow
from samband.models import StaffShift, User
from samband.planning.problem import parse_clock
from samband.security.context import Context
from samband.security.roles import Permission
from samband.visits import repository
from samband.visits.schedule import local_to_utc
from samband.visits.schemas import ShiftCreate, StaffRole

STAFF_ROLES = frozenset(r.value for r in StaffRole)


@dataclass(frozen=True)
class ShiftView:
    shift: StaffShift
    user: User


def save_shift(ctx: Context, data: ShiftCreate) -> ShiftView:
    """Set a staff member's shift on a date (replacing the one they had)."""
    ctx.actor.require(Permission.EPISODE_UPDATE)
    user = repository.get_user(ctx.session, data.user_id)
    if user is None or user.organisation_id != ctx.actor.organisation_id:
        raise NotFound(problem("shift.staff_not_found", field="user_id", user=str(data.user_id)))
    if user.role not in STAFF_ROLES or not user.active:
        raise InvalidInput(
            problem(
                "shift.not_care_staff",
                field="user_id",
                name=user.full_name,
                role=msg(f"role.{user.role}"),
                roles=[msg(f"role.{r}") for r in sorted(STAFF_ROLES)],
            )
        )
    lo = parse_clock(data.start, "start") // 60
    hi = parse_clock(data.end, "end") // 60
    if hi <= lo:
        raise InvalidInput(
            problem("shift.ends_before_start", field="end", start=data.start, end=data.end)
        )
    end_location = data.end_location or data.start_location
    shift = repository.shift_of(ctx.session, user.id, data.date)
    now = utcnow()
    if shift is None:
        shift = StaffShift(
            user_id=user.id,
            organisation_id=user.organisation_id,
            date=data.date,
            created_by_id=ctx.actor.user_id,
            created_at=now,
        )
    else:
        shift.updated_by_id = ctx.actor.user_id
        shift.updated_at = now
    shift.start = local_to_utc(data.date, lo)
    shift.end = local_to_utc(data.date, hi)
    shift.start_lat, shift.start_lon = data.start_location.lat, data.start_location.lon
    shift.end_lat, shift.end_lon = end_location.lat, end_location.lon
    shift.max_minutes = data.max_minutes
    repository.add(ctx.session, shift)
    return ShiftView(shift, user)


def list_shifts(ctx: Context, day: date | None) -> list[ShiftView]:
    """The date's shifts of your organisation's staff."""
    ctx.actor.require(Permission.PATIENT_READ)
    rows = repository.shifts(ctx.session, [ctx.actor.organisation_id], day or local_today())
    return [ShiftView(shift, user) for shift, user in rows]
