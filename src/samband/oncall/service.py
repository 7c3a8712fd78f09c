"""The on-call roster's rules (decision 0014).

- ``covering``: who covers a moment, per role: the unit's roster first, else its
  organisation's. No access check and no logging: escalation calls it inside its own
  transaction, and a roster holds no patient data.
- Read (``on_call``, ``roster``, ``find_gaps``): ``oncall:read``, every staff role that works
  with patients, and administrators; any organisation's roster (a municipal nurse must find
  the hospital's physician on call). Analysts, auditors and devices may not.
- Write (``create_entries``, ``replace_entry``, ``delete_entry``): ``oncall:manage``
  (coordinators, administrators), one's own organisation only; another organisation's unit
  or entry is "not found". A batch is written whole or not at all.
- ``gaps``: hours with nobody on call for a role; ``overview_warnings`` turns the next week's
  into warnings for the overview.
- ``contacts_by_hour`` / ``contacts_now``: the person and number covering each time band of
  an episode (its responsible unit, and the home health care taking part), for the
  patient's copy, the tablet and the alert page. A band without cover shows the unit's
  number and says there is no named person: never blank.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from samband.kit.errors import InvalidInput, NotFound, problem
from samband.kit.i18n import msg
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import Episode, OnCallEntry, Organisation, Unit, User
from samband.oncall import repository, rules
from samband.oncall.schemas import EntriesCreate, EntryCreate, EntryWrite
from samband.security.context import Context
from samband.security.roles import Permission

WARNING_DAYS = 7


@dataclass(frozen=True)
class Cover:
    role: str  # "physician" | "registered_nurse"
    user_id: uuid.UUID | None
    name: str
    phone: str | None
    email: str | None
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None
    slot: str  # weekday_day | weekday_evening | night | weekend
    until: datetime  # when this cover ends (UTC)


@dataclass(frozen=True)
class Gap:
    role: str
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None
    start: datetime  # UTC
    end: datetime  # UTC

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class EntryView:
    entry: OnCallEntry
    name: str
    phone: str | None
    email: str | None


# -- resolving ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None


def _scope(
    session: Session, unit_id: uuid.UUID | None, organisation_id: uuid.UUID | None
) -> _Scope | None:
    if unit_id is not None:
        unit = repository.unit(session, unit_id)
        if unit is None or (
            organisation_id is not None and unit.organisation_id != organisation_id
        ):
            return None
        return _Scope(unit.organisation_id, unit.id)
    if organisation_id is not None:
        if repository.organisation(session, organisation_id) is None:
            return None
        return _Scope(organisation_id, None)
    return None


class _Resolver:
    """The entries of a scope for a period, loaded once, and who covers each instance."""

    def __init__(
        self,
        session: Session,
        scope: _Scope,
        first: date,
        last: date,
        roles: Sequence[str],
        slots: Sequence[str] | None = None,
    ) -> None:
        self.session = session
        self.scope = scope
        units = [scope.unit_id, None] if scope.unit_id else [None]
        self.entries = repository.entries_in_force(
            session, scope.organisation_id, units, first=first, last=last, roles=roles, slots=slots
        )
        self._users: dict[uuid.UUID, User] | None = None

    def entry(self, role: str, instance: rules.SlotInstance) -> OnCallEntry | None:
        mine = [e for e in self.entries if e.role == role]
        if self.scope.unit_id is not None:
            found = rules.winner([e for e in mine if e.unit_id == self.scope.unit_id], instance)
            if found is not None:
                return found
        return rules.winner([e for e in mine if e.unit_id is None], instance)

    def users(self) -> dict[uuid.UUID, User]:
        if self._users is None:
            ids = {e.user_id for e in self.entries if e.user_id is not None}
            self._users = repository.users(self.session, ids)
        return self._users

    def cover(self, role: str, instance: rules.SlotInstance) -> Cover | None:
        entry = self.entry(role, instance)
        if entry is None:
            return None
        view = _view(entry, self.users())
        return Cover(
            role=role,
            user_id=entry.user_id,
            name=view.name,
            phone=view.phone,
            email=view.email,
            organisation_id=entry.organisation_id,
            unit_id=entry.unit_id,
            slot=instance.slot,
            until=instance.end,
        )


def _view(entry: OnCallEntry, users: dict[uuid.UUID, User]) -> EntryView:
    user = users.get(entry.user_id) if entry.user_id else None
    return EntryView(
        entry=entry,
        name=(user.full_name if user else None) or entry.name or "",
        phone=entry.phone or (user.phone if user else None),
        email=entry.email or (user.email if user else None),
    )


def _local_date(at: datetime) -> date:
    return as_utc(at).astimezone(STOCKHOLM).date()


def covering(
    session: Session,
    *,
    unit_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    at: datetime,
    role: str | None = None,
) -> list[Cover]:
    """Who is on call at ``at``, one Cover per role covered (physician first): the unit's
    roster first, else its organisation's. A role nobody covers is left out; an unknown
    unit or organisation gives []. No access check, no logging (decision 0014)."""
    scope = _scope(session, unit_id, organisation_id)
    if scope is None:
        return []
    instance = rules.slot_at(as_utc(at))
    roles = [role] if role else list(rules.ROLES)
    resolver = _Resolver(session, scope, instance.day, instance.day, roles, [instance.slot])
    found = [resolver.cover(r, instance) for r in roles]
    return [c for c in found if c is not None]


def fallback_phone(
    session: Session, *, unit_id: uuid.UUID | None = None, organisation_id: uuid.UUID | None = None
) -> str | None:
    """The number to call when nobody is named: the unit's, else its organisation's."""
    if unit_id is not None:
        unit = repository.unit(session, unit_id)
        if unit is not None:
            return unit.phone or unit.organisation.phone
    if organisation_id is not None:
        organisation = repository.organisation(session, organisation_id)
        if organisation is not None:
            return organisation.phone
    return None


def gaps(
    session: Session,
    *,
    organisation_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    start: datetime,
    end: datetime,
    roles: Sequence[str] | None = None,
) -> list[Gap]:
    """The stretches of [start, end) with nobody on call for a role (the unit's roster, else
    its organisation's), adjacent slots merged; clipped to [start, end)."""
    scope = _scope(session, unit_id, organisation_id)
    if scope is None:
        return []
    start, end = as_utc(start), as_utc(end)
    spans = rules.instances(start, end)
    if not spans:
        return []
    wanted = list(roles or rules.ROLES)
    resolver = _Resolver(session, scope, spans[0].day, spans[-1].day, wanted)
    found: list[Gap] = []
    for role in wanted:
        empty = [i for i in spans if resolver.entry(role, i) is None]
        for span in rules.merge(empty):
            found.append(
                Gap(
                    role=role,
                    organisation_id=scope.organisation_id,
                    unit_id=scope.unit_id,
                    start=max(span.start, start),
                    end=min(span.end, end),
                )
            )
    return found


# -- reading, with the caller ----------------------------------------------------------------


@dataclass(frozen=True)
class OnCallNow:
    at: datetime
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None
    slot: str
    covers: list[Cover]
    uncovered: list[tuple[str, str | None]]  # (role, the number to call instead)


def _read_scope(
    ctx: Context, unit_id: uuid.UUID | None, organisation_id: uuid.UUID | None
) -> _Scope:
    ctx.actor.require(Permission.ONCALL_READ)
    if unit_id is None and organisation_id is None:
        unit_id, organisation_id = ctx.actor.unit_id, ctx.actor.organisation_id
        if unit_id is not None:
            organisation_id = None
    scope = _scope(ctx.session, unit_id, organisation_id)
    if scope is None:
        if unit_id:
            raise NotFound(problem("oncall.unit_not_found", field="unit_id", unit_id=unit_id))
        raise NotFound(
            problem(
                "oncall.organisation_not_found",
                field="organisation_id",
                organisation_id=organisation_id,
            )
        )
    return scope


def _aware(at: datetime | None) -> datetime:
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise InvalidInput(problem("oncall.time_zone_missing", field="at", at=at.isoformat()))
    return as_utc(at)


def on_call(
    ctx: Context,
    *,
    unit_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> OnCallNow:
    """Who covers the moment (default now) for the unit or organisation (default the
    caller's own), each role; the roles nobody covers, with the number to call instead."""
    moment = _aware(at)
    scope = _read_scope(ctx, unit_id, organisation_id)
    covers = covering(
        ctx.session, unit_id=scope.unit_id, organisation_id=scope.organisation_id, at=moment
    )
    covered = {c.role for c in covers}
    phone = fallback_phone(
        ctx.session, unit_id=scope.unit_id, organisation_id=scope.organisation_id
    )
    return OnCallNow(
        at=moment,
        organisation_id=scope.organisation_id,
        unit_id=scope.unit_id,
        slot=rules.slot_at(moment).slot,
        covers=covers,
        uncovered=[(r, phone) for r in rules.ROLES if r not in covered],
    )


def roster(
    ctx: Context,
    *,
    unit_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    include_past: bool = False,
) -> list[EntryView]:
    """One roster's entries (the unit's, or the organisation's own with no unit), those not
    yet ended unless ``include_past``."""
    scope = _read_scope(ctx, unit_id, organisation_id)
    since = None if include_past else _local_date(utcnow())
    entries = repository.roster(ctx.session, scope.organisation_id, scope.unit_id, since=since)
    users = repository.users(ctx.session, {e.user_id for e in entries if e.user_id})
    return [_view(e, users) for e in entries]


def find_gaps(
    ctx: Context,
    *,
    unit_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    start: datetime | None = None,
    days: int = WARNING_DAYS,
) -> list[Gap]:
    moment = _aware(start)
    scope = _read_scope(ctx, unit_id, organisation_id)
    return gaps(
        ctx.session,
        organisation_id=scope.organisation_id,
        unit_id=scope.unit_id,
        start=moment,
        end=moment + timedelta(days=days),
    )


# -- writing ------------------------------------------------------------------------------------


def _write_scope(
    ctx: Context, organisation_id: uuid.UUID | None, unit_id: uuid.UUID | None, field: str
) -> _Scope:
    own = ctx.actor.organisation_id
    if organisation_id is not None and organisation_id != own:
        raise NotFound(
            problem(
                "oncall.organisation_not_writable",
                field=f"{field}organisation_id",
                organisation_id=organisation_id,
            )
        )
    if unit_id is not None:
        unit = repository.unit(ctx.session, unit_id)
        if unit is None or unit.organisation_id != own:
            raise NotFound(problem("oncall.unit_not_own", field=f"{field}unit_id", unit_id=unit_id))
    return _Scope(own, unit_id)


def _check(
    ctx: Context, scope: _Scope, data: EntryWrite, field: str, users: dict[uuid.UUID, User]
) -> None:
    """The rules of one entry: 422 with the field and what to do, before anything is written."""
    if data.ends_on is not None and data.ends_on < data.starts_on:
        raise InvalidInput(
            problem(
                "oncall.ends_before_start",
                field=f"{field}ends_on",
                ends_on=data.ends_on,
                starts_on=data.starts_on,
            )
        )
    if data.user_id is None and data.name is None:
        raise InvalidInput(problem("oncall.nobody_named", field=f"{field}user_id"))
    if data.user_id is not None and data.name is not None:
        raise InvalidInput(problem("oncall.user_and_name", field=f"{field}name"))
    user = users.get(data.user_id) if data.user_id else None
    if data.user_id is not None:
        if user is None or user.organisation_id != scope.organisation_id or not user.active:
            raise InvalidInput(
                problem("oncall.user_not_member", field=f"{field}user_id", user_id=data.user_id)
            )
        if user.role not in rules.ROLES:
            raise InvalidInput(
                problem(
                    "oncall.not_clinician",
                    field=f"{field}user_id",
                    name=user.full_name,
                    role=msg(f"role.{user.role}"),
                )
            )
        if data.role == rules.PHYSICIAN and user.role != rules.PHYSICIAN:
            raise InvalidInput(
                problem("oncall.not_physician", field=f"{field}user_id", name=user.full_name)
            )
    if not (data.phone or (user and user.phone)):
        if user:
            raise InvalidInput(
                problem("oncall.user_without_phone", field=f"{field}phone", name=user.full_name)
            )
        raise InvalidInput(problem("oncall.no_phone", field=f"{field}phone"))


def create_entries(ctx: Context, data: EntriesCreate) -> list[EntryView]:
    """Write the entries, all or none."""
    ctx.actor.require(Permission.ONCALL_MANAGE)
    scopes: list[_Scope] = []
    for i, item in enumerate(data.entries):
        scopes.append(_write_scope(ctx, item.organisation_id, item.unit_id, f"entries[{i}]."))
    users = repository.users(
        ctx.session, {item.user_id for item in data.entries if item.user_id is not None}
    )
    for i, (item, scope) in enumerate(zip(data.entries, scopes, strict=True)):
        _check(ctx, scope, item, f"entries[{i}].", users)
    now = utcnow()
    made = []
    for item, scope in zip(data.entries, scopes, strict=True):
        entry = OnCallEntry(
            organisation_id=scope.organisation_id,
            unit_id=scope.unit_id,
            created_at=now,
            created_by_id=ctx.actor.user_id,
            **_fields(item),
        )
        repository.add(ctx.session, entry)
        made.append(entry)
    return [_view(e, users) for e in made]


def create_entry(ctx: Context, data: EntryCreate) -> EntryView:
    return create_entries(ctx, EntriesCreate(entries=[data]))[0]


def _fields(item: EntryWrite) -> dict[str, object]:
    return {
        "role": item.role.value,
        "slot": item.slot.value,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
        "user_id": item.user_id,
        "name": item.name,
        "phone": item.phone,
        "email": item.email,
    }


def _own_entry(ctx: Context, entry_id: uuid.UUID) -> OnCallEntry:
    ctx.actor.require(Permission.ONCALL_MANAGE)
    entry = repository.entry(ctx.session, entry_id, lock=True)
    if entry is None or entry.organisation_id != ctx.actor.organisation_id:
        raise NotFound(problem("oncall.entry_not_found", entry_id=entry_id))
    return entry


def replace_entry(ctx: Context, entry_id: uuid.UUID, data: EntryWrite) -> EntryView:
    """Change an entry: who, when, the slot or the role (its roster stays)."""
    entry = _own_entry(ctx, entry_id)
    users = repository.users(ctx.session, {data.user_id} if data.user_id else set())
    _check(ctx, _Scope(entry.organisation_id, entry.unit_id), data, "", users)
    for key, value in _fields(data).items():
        setattr(entry, key, value)
    entry.updated_by_id = ctx.actor.user_id
    entry.updated_at = utcnow()
    ctx.session.flush()
    return _view(entry, users)


def delete_entry(ctx: Context, entry_id: uuid.UUID) -> None:
    repository.delete(ctx.session, _own_entry(ctx, entry_id))


# -- the overview's warning ---------------------------------------------------------------------


@dataclass(frozen=True)
class RosterWarning:
    """A gap in a roster over the next week: a text key and its parameters."""

    key: str
    params: dict[str, str]
    role: str
    start: datetime
    end: datetime

    def text(self, lang: str = "sv") -> str:
        template = GAP_TEXT[1 if lang == "en" else 0]
        params = dict(self.params)
        role = rules.role_text(self.role, lang)
        params["role"] = role.lower() if lang == "en" else role
        return template.format(**params)


GAP_KEY = "oncall.warning.gap"
GAP_TEXT = (
    "{role} saknas i jourlistan för {scope}: {start}–{end} ({hours} tim.{more}).",
    "No {role} on the on-call roster of {scope}: {start}–{end} ({hours} h{more}).",
)


def _clock(at: datetime) -> str:
    return at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def overview_warnings(ctx: Context, *, now: datetime | None = None) -> list[RosterWarning]:
    """For the overview: each of the caller's organisation's units (or the organisation,
    without units) with a stretch of the next 7 days that has nobody on call for a role.
    One warning per unit and role, naming the first gap (and how many more). Nothing for a
    role without ``oncall:read``."""
    if not ctx.actor.can(Permission.ONCALL_READ):
        return []
    start = as_utc(now) if now else utcnow()
    end = start + timedelta(days=WARNING_DAYS)
    organisation = repository.organisation(ctx.session, ctx.actor.organisation_id)
    if organisation is None:
        return []
    units: list[Unit | None] = list(repository.units_of(ctx.session, organisation.id)) or [None]
    warnings: list[RosterWarning] = []
    for unit in units:
        found = gaps(
            ctx.session,
            organisation_id=organisation.id,
            unit_id=unit.id if unit else None,
            start=start,
            end=end,
        )
        scope = unit.name if unit else organisation.name
        for role in rules.ROLES:
            mine = [g for g in found if g.role == role]
            if not mine:
                continue
            first = mine[0]
            hours = sum(g.hours for g in mine)
            warnings.append(
                RosterWarning(
                    key=GAP_KEY,
                    params={
                        "scope": scope,
                        "start": _clock(first.start),
                        "end": _clock(first.end),
                        "hours": f"{hours:.0f}",
                        "more": f", +{len(mine) - 1}" if len(mine) > 1 else "",
                    },
                    role=role,
                    start=first.start,
                    end=first.end,
                )
            )
    return warnings


# -- the contacts of an episode, per time band -------------------------------------------------


@dataclass(frozen=True)
class ContactLine:
    """Who to call in one time band for one organisation: the person on call and their
    number, or (``named`` False) the unit's number and no named person."""

    slot: str
    role: str
    organisation_id: uuid.UUID
    organisation_name: str
    unit_id: uuid.UUID | None
    place: str  # the unit's name, else the organisation's
    name: str | None  # None: nobody named on the roster
    phone: str | None
    user_id: uuid.UUID | None
    start: datetime  # the band's occurrence resolved (UTC)
    end: datetime

    @property
    def named(self) -> bool:
        return self.name is not None

    def when(self, lang: str = "sv") -> str:
        return rules.slot_text(self.slot, lang)

    def who(self, lang: str = "sv") -> str:
        role = rules.role_text(self.role, lang)
        if self.name:
            return f"{self.name} – {role.lower()}, {self.place}"
        nobody = "ingen namngiven person" if lang != "en" else "no named person"
        return f"{self.place} – {role.lower()} ({nobody})"


@dataclass(frozen=True)
class _Party:
    organisation: Organisation
    unit: Unit | None
    roles: tuple[str, ...]


def _parties(session: Session, episode: Episode, roles: Sequence[str] | None) -> list[_Party]:
    """The responsible unit (physician and nurse on call), then each municipal home health
    care taking part (its nurse on call)."""
    parties: list[_Party] = []
    unit = repository.unit(session, episode.responsible_unit_id)
    if unit is not None:
        parties.append(_Party(unit.organisation, unit, rules.ROLES))
    for organisation in repository.home_health_participants(session, episode.id):
        if unit is not None and organisation.id == unit.organisation_id:
            continue
        parties.append(_Party(organisation, None, (rules.NURSE,)))
    if roles is not None:
        parties = [
            _Party(p.organisation, p.unit, tuple(r for r in p.roles if r in roles)) for p in parties
        ]
    return [p for p in parties if p.roles]


def _lines(session: Session, party: _Party, bands: list[rules.SlotInstance]) -> list[ContactLine]:
    scope = _Scope(party.organisation.id, party.unit.id if party.unit else None)
    first, last = min(b.day for b in bands), max(b.day for b in bands)
    resolver = _Resolver(session, scope, first, last, party.roles)
    place = party.unit.name if party.unit else party.organisation.name
    phone = (party.unit.phone if party.unit else None) or party.organisation.phone
    lines = []
    for band in bands:
        for role in party.roles:
            cover = resolver.cover(role, band)
            lines.append(
                ContactLine(
                    slot=band.slot,
                    role=role,
                    organisation_id=party.organisation.id,
                    organisation_name=party.organisation.name,
                    unit_id=scope.unit_id,
                    place=place,
                    name=cover.name if cover else None,
                    phone=(cover.phone if cover else None) or phone,
                    user_id=cover.user_id if cover else None,
                    start=band.start,
                    end=band.end,
                )
            )
    return lines


def contacts_by_hour(
    session: Session,
    episode: Episode,
    *,
    at: datetime | None = None,
    roles: Sequence[str] | None = None,
) -> list[ContactLine]:
    """Per time band (weekday day, evening, night, weekend; each band's current or next
    occurrence from ``at``, default now): who covers it and their number, for the episode's
    responsible unit and each home health care taking part. No access check, no logging:
    the caller has checked access to the episode."""
    bands = rules.next_of_each(as_utc(at) if at else utcnow())
    lines: list[ContactLine] = []
    for party in _parties(session, episode, roles):
        lines.extend(_lines(session, party, bands))
    return lines


def contacts_now(
    session: Session,
    episode: Episode,
    *,
    at: datetime | None = None,
    roles: Sequence[str] | None = None,
) -> list[ContactLine]:
    """Who to call at this moment (default now), as ``contacts_by_hour`` resolves it."""
    band = rules.slot_at(as_utc(at) if at else utcnow())
    lines: list[ContactLine] = []
    for party in _parties(session, episode, roles):
        lines.extend(_lines(session, party, [band]))
    return lines


# -- for the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageScopes:
    organisation: Organisation
    units: list[Unit]
    staff: list[User]  # who can be chosen (own organisation's physicians and nurses)


def page_scopes(ctx: Context) -> PageScopes:
    """The caller's organisation, its units and its physicians and nurses."""
    ctx.actor.require(Permission.ONCALL_READ)
    organisation = repository.organisation(ctx.session, ctx.actor.organisation_id)
    if organisation is None:  # pragma: no cover - the actor's organisation exists
        raise NotFound(problem("oncall.own_organisation_missing"))
    return PageScopes(
        organisation=organisation,
        units=list(repository.units_of(ctx.session, organisation.id)),
        staff=list(repository.staff_of(ctx.session, organisation.id)),
    )


def scope_names(
    ctx: Context, *, unit_id: uuid.UUID | None, organisation_id: uuid.UUID
) -> tuple[str, str | None]:
    """(the organisation's name, the unit's name or None), for headings."""
    organisation = repository.organisation(ctx.session, organisation_id)
    unit = repository.unit(ctx.session, unit_id) if unit_id else None
    return (organisation.name if organisation else "", unit.name if unit else None)


@dataclass(frozen=True)
class CallNow:
    """Whom to call in a role now: the person on call, or (``name`` None) the unit's number."""

    role: str
    name: str | None
    phone: str | None
    until: datetime | None


def physician_now(session: Session, unit_id: uuid.UUID, *, at: datetime | None = None) -> CallNow:
    """The physician on call for the unit now (its roster, else its organisation's); without
    one, the unit's number and no name (the alert page's "call the physician")."""
    covers = covering(session, unit_id=unit_id, at=at or utcnow(), role=rules.PHYSICIAN)
    if covers:
        cover = covers[0]
        phone = cover.phone or fallback_phone(session, unit_id=unit_id)
        return CallNow(rules.PHYSICIAN, cover.name, phone, cover.until)
    return CallNow(rules.PHYSICIAN, None, fallback_phone(session, unit_id=unit_id), None)
