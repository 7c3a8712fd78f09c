"""The rules for samples and laboratory results (issue 14, docs/samples-and-results.md).

- **Sample orders** come from the care plan: an activity with ``samples`` orders them on its
  days (``orders.py``); each plan version syncs them (``sync_orders``: new ones made, ones
  the plan no longer has cancelled unless taken). A person may also order by hand. An order
  is due on its episode day (day 1: the day the patient went home), shown on that day's
  visit, and marked taken (who, when).
- **Results** are entered by hand (``enter``) or received as FHIR R4 laboratory
  Observations (``receive_fhir``): the test (``loinc.py``), the value in its UCUM unit
  (another unit is refused, naming the right one), when the sample was taken, the reference
  range given or the test's default, H/L against it. Exactly once per sending organisation
  by identifier (FHIR ``identifier``, the API's ``client_id``): the same one again stores
  nothing and answers the stored result; with other content it is refused (409). A result
  is linked to the open sample order of its test, and an order still waiting is then taken.
- **Permissions**: ``LAB_RESULT_WRITE`` (physicians and registered nurses) orders, marks
  taken and enters; reading is ``PATIENT_READ`` through the care relationship to the
  episode's record. Device accounts hold no ``LAB_RESULT_WRITE``: a laboratory system
  integration posts with an API token of an account of the hospital's organisation that
  does. Every read and write is in the access log; outsiders get 404 with a refused row.
- **Discharge criteria from data**: ``evaluate`` (one episode, logged) and ``round_data`` (the
  round's episodes, one query per kind) run ``criteria.py`` over the results and the
  temperatures of the vital signs.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from samband.episodes.access import episode_for, not_found
from samband.episodes.states import OPEN_STATES, Kind, State
from samband.kit.errors import Conflict, InvalidInput, not_visible, problem
from samband.kit.time import STOCKHOLM, utcnow
from samband.labresults import criteria, loinc, orders, repository
from samband.labresults.fhir import ParsedLab, Rendered
from samband.labresults.schemas import (
    LabResultCreate,
    LabResultRead,
    OrderStatus,
    SampleOrderCreate,
    SampleTaken,
    Source,
)
from samband.models import Episode, Visit
from samband.models.labresults import LabResult, SampleOrder
from samband.observations.schemas import Status as ObservationStatus
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import require_patient_access, visibility

RESOURCE = "lab_result"
ORDER_RESOURCE = "sample_order"
FUTURE_SLACK = timedelta(minutes=10)  # clocks differ a little
LINK_DAYS = 1  # a result answers an open order due within a day of when it was taken


@dataclass(frozen=True)
class Stored:
    result: LabResult
    created: bool  # False: the identifier was sent before; nothing new was stored


@dataclass(frozen=True)
class OrderView:
    order: SampleOrder
    due_date: date | None
    results: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True)
class EpisodeLab:
    """An episode's results by test (oldest first) and its criteria evaluated."""

    results: dict[str, list[LabResult]]
    evaluations: list[criteria.Evaluation]


# -- helpers -------------------------------------------------------------------------------------


def start_date(episode: Episode) -> date | None:
    """Day 1 of the episode: the day the patient went home (else the planned day)."""
    if episode.started_at is not None:
        return episode.started_at.astimezone(STOCKHOLM).date()
    return episode.planned_home_date


def read(result: LabResult) -> LabResultRead:
    return LabResultRead(
        id=result.id,
        patient_id=result.patient_id,
        episode_id=result.episode_id,
        test=result.test,
        loinc=result.loinc,
        value=result.value,
        unit=result.unit,
        ref_low=result.ref_low,
        ref_high=result.ref_high,
        flag=result.flag,
        taken_at=result.taken_at,
        received_at=result.created_at,
        source=Source(result.source),
        status=result.status,
        sample_order_id=result.sample_order_id,
        identifier=result.identifier,
        recorded_by_id=result.recorded_by_id,
        note=result.note,
    )


def rendered(result: LabResult) -> Rendered:
    return Rendered(
        id=result.id,
        patient_id=result.patient_id,
        test=result.test,
        code=result.loinc,
        value=result.value,
        unit=result.unit,
        ref_low=result.ref_low,
        ref_high=result.ref_high,
        flag=result.flag,
        taken_at=result.taken_at,
        received_at=result.created_at,
        status=result.status,
        identifier=result.identifier,
        note=result.note,
    )


def require_writer(ctx: Context, patient_id: uuid.UUID | None) -> None:
    """The role may order samples and enter results (else 403, the refusal logged)."""
    actor = ctx.actor
    if not actor.can(Permission.LAB_RESULT_WRITE):
        ctx.log.record(
            patient_id=patient_id,
            action="create",
            resource_type=RESOURCE,
            allowed=False,
            reason=f"role {actor.role} lacks {Permission.LAB_RESULT_WRITE.value}",
        )
        actor.require(Permission.LAB_RESULT_WRITE)


def _rank(episode: Episode) -> tuple[bool, bool]:
    return (episode.state == State.AT_HOME, episode.kind == Kind.HOSPITAL_AT_HOME.value)


def _open_episode(ctx: Context, patient_id: uuid.UUID, field_name: str) -> Episode:
    found = repository.open_episodes_of_patient(
        ctx.session, patient_id, [s.value for s in OPEN_STATES]
    )
    if not found:
        raise Conflict(
            problem("labresults.no_open_episode", field=field_name, patient_id=str(patient_id))
        )
    return max(found, key=_rank)


# -- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Incoming:
    test: loinc.Test
    code: str
    value: float
    unit: str
    ref_low: float | None
    ref_high: float | None
    taken_at: datetime
    identifier: str | None
    status: str
    source: Source
    sample_order_id: uuid.UUID | None
    note: str | None
    where: str  # how fields are named in errors: "" (the API) or a FHIRPath base

    def named(self, name: str) -> str:
        if not self.where:
            return name
        return f"{self.where}.{_FHIR_PATHS.get(name, name)}"

    def digest(self) -> str:
        values = {
            "test": self.test.key,
            "value": float(self.value),
            "ref_low": self.ref_low,
            "ref_high": self.ref_high,
            "taken_at": self.taken_at.astimezone(STOCKHOLM).isoformat(),
            "status": self.status,
        }
        text = json.dumps(values, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


_FHIR_PATHS = {"taken_at": "effectiveDateTime", "client_id": "identifier", "value": "valueQuantity"}


def _test_of(key: str) -> loinc.Test:
    test = loinc.TESTS.get(key.lower()) or loinc.by_code(key)
    if test is None:
        raise InvalidInput(
            problem(
                "labresults.unknown_test",
                field="test",
                test=key,
                known=", ".join(f"{t.key} ({t.loinc})" for t in loinc.TESTS.values()),
            )
        )
    return test


def enter(ctx: Context, data: LabResultCreate) -> Stored:
    """A result entered by hand (``POST /api/v1/lab-results``, the result page)."""
    if data.episode_id is None and data.patient_id is None:
        raise InvalidInput(problem("labresults.name_episode", field="episode_id"))
    require_writer(ctx, data.patient_id)
    if data.episode_id is not None:
        episode = episode_for(
            ctx,
            data.episode_id,
            permission=Permission.LAB_RESULT_WRITE,
            action="create",
            resource_type=RESOURCE,
            lock=True,
        )
        if data.patient_id is not None and data.patient_id != episode.patient_id:
            raise InvalidInput(
                problem(
                    "labresults.not_episode_of_patient",
                    field="episode_id",
                    episode_id=str(episode.id),
                )
            )
    else:
        assert data.patient_id is not None  # noqa: S101 - checked above
        require_patient_access(
            ctx,
            data.patient_id,
            permission=Permission.LAB_RESULT_WRITE,
            action="create",
            resource_type=RESOURCE,
        )
        episode = _open_episode(ctx, data.patient_id, "patient_id")
    test = _test_of(data.test)
    if not loinc.unit_accepted(test, data.unit):
        raise InvalidInput(
            problem(
                "labresults.wrong_unit",
                field="unit",
                unit=data.unit,
                test=test.key,
                expected=test.unit,
            )
        )
    low, high = data.ref_low, data.ref_high
    if low is None and high is None:  # the test's default range
        low, high = test.ref_low, test.ref_high
    incoming = _Incoming(
        test=test,
        code=test.loinc if data.test.lower() == test.key else data.test,
        value=data.value,
        unit=test.unit,
        ref_low=low,
        ref_high=high,
        taken_at=data.taken_at,
        identifier=data.client_id,
        status="final",
        source=Source.MANUAL,
        sample_order_id=data.sample_order_id,
        note=data.note,
        where="",
    )
    return _store(ctx, episode, incoming)


def receive_fhir(ctx: Context, parsed: Sequence[ParsedLab]) -> list[Stored]:
    """Laboratory Observations read from FHIR (``fhir.parse``), all or nothing: patients named
    by personnummer looked up, access checked and logged per patient, each result stored in
    the patient's open episode."""
    require_writer(ctx, None)
    numbers = {p.personnummer for p in parsed if p.personnummer is not None}
    found = repository.patient_ids_by_personnummer(ctx.session, numbers)
    checked: dict[uuid.UUID, Episode] = {}
    out: list[Stored] = []
    for item in parsed:
        patient_id = item.subject_id
        if patient_id is None and item.personnummer is not None:
            patient_id = found.get(item.personnummer)
            if patient_id is None:
                ctx.log.record(
                    patient_id=None,
                    action="create",
                    resource_type=RESOURCE,
                    allowed=False,
                    reason="no such patient (personnummer)",
                )
                number = item.personnummer
                raise not_visible(
                    f"patient with personnummer {number[:8]}-{number[8:]}",
                    field=f"{item.base}.subject",
                )
        assert patient_id is not None  # noqa: S101 - fhir.parse requires a subject
        if patient_id not in checked:
            require_patient_access(
                ctx,
                patient_id,
                permission=Permission.LAB_RESULT_WRITE,
                action="create",
                resource_type=RESOURCE,
                subject=f"patient {patient_id}",
            )
            checked[patient_id] = _open_episode(ctx, patient_id, f"{item.base}.subject")
        test = loinc.TESTS[item.test]
        incoming = _Incoming(
            test=test,
            code=item.code,
            value=item.value,
            unit=item.unit,
            ref_low=item.ref_low,
            ref_high=item.ref_high,
            taken_at=item.taken_at,
            identifier=item.identifier,
            status=item.status,
            source=Source.FHIR,
            sample_order_id=None,
            note=None,
            where=item.base,
        )
        out.append(_store(ctx, checked[patient_id], incoming))
    return out


def _store(ctx: Context, episode: Episode, item: _Incoming) -> Stored:
    session, actor = ctx.session, ctx.actor
    now = utcnow()
    if not loinc.plausible(item.test, item.value):
        lo, hi = item.test.bounds
        raise InvalidInput(
            problem(
                "labresults.implausible",
                field=item.named("value"),
                test=item.test.key,
                value=item.value,
                unit=item.test.unit,
                low=lo,
                high=hi,
            )
        )
    if item.ref_low is not None and item.ref_high is not None and item.ref_low > item.ref_high:
        raise InvalidInput(problem("labresults.range_upside_down", field=item.named("ref_low")))
    if item.taken_at > now + FUTURE_SLACK:
        raise InvalidInput(
            problem("labresults.taken_in_future", field=item.named("taken_at"), at=item.taken_at)
        )
    digest = item.digest()
    if item.identifier is not None:
        earlier = repository.by_identifier(session, actor.organisation_id, [item.identifier])
        stored = earlier.get(item.identifier)
        if stored is not None:
            return _replayed(stored, digest, item)
    order = _order_for(ctx, episode, item)
    result = LabResult(
        id=uuid.uuid4(),
        patient_id=episode.patient_id,
        episode_id=episode.id,
        test=item.test.key,
        loinc=item.code,
        value=float(item.value),
        unit=item.test.unit,
        ref_low=item.ref_low,
        ref_high=item.ref_high,
        flag=loinc.flag(item.value, item.ref_low, item.ref_high),
        taken_at=item.taken_at,
        source=item.source.value,
        status=item.status,
        sample_order_id=order.id if order else None,
        identifier=item.identifier,
        content_hash=digest,
        source_organisation_id=actor.organisation_id,
        recorded_by_id=actor.user_id,
        note=item.note,
        created_at=now,
    )
    if not repository.add_result(session, result):
        winner = repository.by_identifier(session, actor.organisation_id, [item.identifier or ""])
        if item.identifier is None or item.identifier not in winner:  # pragma: no cover
            raise Conflict(problem("labresults.sent_concurrently", field=item.named("client_id")))
        return _replayed(winner[item.identifier], digest, item)
    if order is not None and order.status == OrderStatus.ORDERED:
        order.status = OrderStatus.TAKEN.value
        order.taken_at = item.taken_at
        session.flush()
    return Stored(result, True)


def _replayed(stored: LabResult, digest: str, item: _Incoming) -> Stored:
    if stored.content_hash != digest:
        raise Conflict(
            problem(
                "labresults.identifier_reused",
                field=item.named("client_id"),
                identifier=item.identifier,
                result_id=str(stored.id),
            ),
            lab_result_id=str(stored.id),
        )
    return Stored(stored, False)


def _order_for(ctx: Context, episode: Episode, item: _Incoming) -> SampleOrder | None:
    """The order a result answers: the one named, else the open order of its test (an order
    of the episode with the test, not cancelled, without a result of that test yet) due
    within ``LINK_DAYS`` of the day the sample was taken, the nearest first."""
    session = ctx.session
    if item.sample_order_id is not None:
        named = repository.get_order_for_update(session, item.sample_order_id)
        if named is None or named.episode_id != episode.id:
            raise InvalidInput(
                problem(
                    "labresults.order_of_other_episode",
                    field="sample_order_id",
                    order_id=str(item.sample_order_id),
                )
            )
        if item.test.key not in named.tests:
            raise InvalidInput(
                problem(
                    "labresults.order_without_test",
                    field="sample_order_id",
                    test=item.test.key,
                    tests=list(named.tests),
                )
            )
        return named
    candidates = [
        o
        for o in repository.orders_for_update(session, episode.id)
        if o.status != OrderStatus.CANCELLED and item.test.key in o.tests
    ]
    if not candidates:
        return None
    answered = repository.result_ids_of_orders(session, [o.id for o in candidates])
    tests_answered = {
        r.sample_order_id: r.test
        for r in repository.results_of_episodes(session, [episode.id])
        if r.sample_order_id in answered and r.test == item.test.key
    }
    open_ = [o for o in candidates if o.id not in tests_answered]
    if not open_:
        return None
    start = start_date(episode)
    if start is None:
        return None
    day = orders.day_of(start, item.taken_at.astimezone(STOCKHOLM).date())
    near = [o for o in open_ if abs(o.day - day) <= LINK_DAYS]
    return min(near, key=lambda o: (abs(o.day - day), o.day)) if near else None


def get(ctx: Context, result_id: uuid.UUID) -> LabResult:
    """One result (access checked and logged); 404 when unknown or not in the caller's care."""
    result = repository.get(ctx.session, result_id)
    if result is None:
        raise not_found(ctx, "lab result", result_id, action="read", resource_type=RESOURCE)
    require_patient_access(
        ctx,
        result.patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=RESOURCE,
        resource_id=result.id,
        subject=f"lab result {result.id}",
        episode_id=result.episode_id,
    )
    return result


def exists(ctx: Context, result_id: uuid.UUID) -> bool:
    """Whether an id is a lab result's (the FHIR read serves lab results and vital signs by
    one id space; the access is checked by ``get``)."""
    return repository.get(ctx.session, result_id) is not None


def results_of_episode(ctx: Context, episode_id: uuid.UUID) -> list[LabResult]:
    episode = episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="list", resource_type=RESOURCE
    )
    return repository.results_of_episodes(ctx.session, [episode.id])


def episode_results(ctx: Context, episode_id: uuid.UUID) -> list[LabResultRead]:
    """The episode's results, oldest sample first (access checked and logged): for the
    discharge summary and the API."""
    return [read(r) for r in results_of_episode(ctx, episode_id)]


# -- sample orders -------------------------------------------------------------------------------


def sync_orders(ctx: Context, episode: Episode, content: dict[str, object], version: int) -> None:
    """Make the sample orders of a care-plan version (called by the care plan, in its
    transaction, on the locked episode): new ones are made, changed tests updated, orders
    the plan no longer has cancelled unless already taken. Orders made by hand stay."""
    activities = content.get("activities")
    planned = orders.planned(activities if isinstance(activities, list) else [])
    wanted = {(p.activity_key, p.day): p for p in planned}
    existing = repository.orders_for_update(ctx.session, episode.id)
    have = {(o.activity_key, o.day): o for o in existing}
    now = utcnow()
    for key, order in have.items():
        if order.activity_key.startswith("manual-"):
            continue
        plan = wanted.get(key)
        if plan is None:
            if order.status == OrderStatus.ORDERED:
                order.status = OrderStatus.CANCELLED.value
                order.cancelled_at = now
            continue
        if order.status == OrderStatus.CANCELLED:
            order.status = OrderStatus.ORDERED.value
            order.cancelled_at = None
        if order.status == OrderStatus.ORDERED and list(order.tests) != list(plan.tests):
            order.tests = list(plan.tests)
            order.plan_version = version
    for key, plan in wanted.items():
        if key in have:
            continue
        ctx.session.add(
            SampleOrder(
                episode_id=episode.id,
                patient_id=episode.patient_id,
                activity_key=plan.activity_key,
                day=plan.day,
                tests=list(plan.tests),
                plan_version=version,
                status=OrderStatus.ORDERED.value,
                ordered_by_id=ctx.actor.user_id,
                created_at=now,
            )
        )
    ctx.session.flush()


def order(ctx: Context, episode_id: uuid.UUID, data: SampleOrderCreate) -> OrderView:
    """Samples ordered by hand for a day of the episode."""
    require_writer(ctx, None)
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.LAB_RESULT_WRITE,
        action="create",
        resource_type=ORDER_RESOURCE,
        lock=True,
    )
    if episode.state not in OPEN_STATES:
        raise Conflict(problem("labresults.episode_closed", field="episode_id"))
    try:
        tests = loinc.expand(data.tests)
    except loinc.UnknownTest as exc:
        raise InvalidInput(
            problem(
                "labresults.unknown_sample", field="tests", key=str(exc), known=loinc.known_keys()
            )
        ) from None
    start = start_date(episode) or utcnow().astimezone(STOCKHOLM).date()
    day = orders.day_of(start, data.due_date)
    if day < 1 or day > orders.MAX_DAY:
        raise InvalidInput(problem("labresults.due_outside_episode", field="due_date", start=start))
    existing = repository.orders_for_update(ctx.session, episode.id)
    number = 1 + sum(1 for o in existing if o.activity_key.startswith("manual-"))
    made = SampleOrder(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        activity_key=f"manual-{number}",
        day=day,
        tests=tests,
        plan_version=None,
        status=OrderStatus.ORDERED.value,
        ordered_by_id=ctx.actor.user_id,
        note=data.note,
        created_at=utcnow(),
    )
    repository.add(ctx.session, made)
    return OrderView(made, orders.due_date(start, day) if start_date(episode) else None)


def mark_taken(ctx: Context, order_id: uuid.UUID, data: SampleTaken) -> OrderView:
    """The samples of an order are taken (who, when)."""
    require_writer(ctx, None)
    found = repository.get_order(ctx.session, order_id)
    if found is None:
        raise not_found(
            ctx, "sample order", order_id, action="update", resource_type=ORDER_RESOURCE
        )
    episode = episode_for(
        ctx,
        found.episode_id,
        permission=Permission.LAB_RESULT_WRITE,
        action="update",
        resource_type=ORDER_RESOURCE,
        resource_id=found.id,
        lock=True,
    )
    locked = repository.get_order_for_update(ctx.session, order_id)
    assert locked is not None  # noqa: S101 - orders are never deleted
    if locked.status == OrderStatus.CANCELLED:
        raise Conflict(problem("labresults.order_cancelled", field="order_id"))
    if locked.status == OrderStatus.TAKEN and locked.taken_by_id is not None:
        raise Conflict(problem("labresults.already_taken", field="order_id", at=locked.taken_at))
    now = utcnow()
    at = data.taken_at or now
    if at > now + FUTURE_SLACK:
        raise InvalidInput(problem("labresults.taken_in_future", field="taken_at", at=at))
    locked.status = OrderStatus.TAKEN.value
    locked.taken_at = at
    locked.taken_by_id = ctx.actor.user_id
    if data.note:
        locked.note = data.note
    ctx.session.flush()
    return _order_views(ctx, episode, [locked])[0]


def orders_of_episode(ctx: Context, episode_id: uuid.UUID) -> list[OrderView]:
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.PATIENT_READ,
        action="list",
        resource_type=ORDER_RESOURCE,
    )
    return _order_views(ctx, episode, repository.orders_of_episodes(ctx.session, [episode.id]))


def _order_views(ctx: Context, episode: Episode, rows: list[SampleOrder]) -> list[OrderView]:
    start = start_date(episode)
    linked = repository.result_ids_of_orders(ctx.session, [o.id for o in rows])
    return [
        OrderView(o, orders.due_date(start, o.day) if start else None, linked.get(o.id, []))
        for o in rows
    ]


def due_on_visits(ctx: Context, visits: Sequence[Visit]) -> dict[uuid.UUID, list[OrderView]]:
    """The sample orders to take at each visit: the open orders of the visit's episode due
    on the visit's day, shown on the visit of the order's activity that day (else on the
    day's first visit of the episode). Episodes whose record the caller may not read are
    left out. One query per kind, whatever the number of visits."""
    session = ctx.session
    episode_ids = {v.episode_id for v in visits}
    readable = repository.readable_episodes(session, episode_ids, visibility(ctx))
    if not readable or ctx.actor.is_social_services:
        return {}
    episodes = repository.episodes(session, readable)
    rows = [
        o
        for o in repository.orders_of_episodes(session, readable)
        if o.status == OrderStatus.ORDERED
    ]
    by_day: dict[tuple[uuid.UUID, date], list[Visit]] = {}
    for visit in sorted(visits, key=lambda v: (v.window_start, v.id)):
        if visit.episode_id in readable:
            by_day.setdefault((visit.episode_id, visit.date), []).append(visit)
    out: dict[uuid.UUID, list[OrderView]] = {}
    for row in rows:
        start = start_date(episodes[row.episode_id])
        if start is None:
            continue
        due = orders.due_date(start, row.day)
        day_visits = by_day.get((row.episode_id, due), [])
        if not day_visits:
            continue
        chosen = next((v for v in day_visits if v.activity_key == row.activity_key), day_visits[0])
        out.setdefault(chosen.id, []).append(OrderView(row, due))
    return out


# -- discharge criteria from data ----------------------------------------------------------------


def _points(results: Sequence[LabResult]) -> dict[str, list[criteria.Point]]:
    out: dict[str, list[criteria.Point]] = {}
    for r in results:
        if r.status == "entered_in_error":
            continue
        out.setdefault(r.test, []).append(criteria.Point(r.taken_at, r.value))
    return out


def _lab_of(
    ctx: Context, episode_ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, EpisodeLab]:
    session = ctx.session
    results = repository.results_of_episodes(session, episode_ids)
    plans = repository.current_plan_contents(session, episode_ids)
    temps = repository.temperatures(
        session,
        episode_ids,
        now - timedelta(hours=criteria.AFEBRILE_HOURS),
        ObservationStatus.ENTERED_IN_ERROR.value,
    )
    by_episode: dict[uuid.UUID, list[LabResult]] = {}
    for r in results:
        by_episode.setdefault(r.episode_id, []).append(r)
    out: dict[uuid.UUID, EpisodeLab] = {}
    for episode_id in episode_ids:
        mine = by_episode.get(episode_id, [])
        content = plans.get(episode_id, (0, {}))[1]
        texts = content.get("discharge_criteria")
        evaluations = criteria.evaluate(
            [t for t in texts if isinstance(t, str)] if isinstance(texts, list) else [],
            criteria.given_rules(content),
            _points(mine),
            [criteria.Point(at, value) for at, value in temps.get(episode_id, [])],
            now,
        )
        grouped: dict[str, list[LabResult]] = {}
        for r in mine:
            grouped.setdefault(r.test, []).append(r)
        out[episode_id] = EpisodeLab(grouped, evaluations)
    return out


def evaluate(ctx: Context, episode_id: uuid.UUID) -> EpisodeLab:
    """The episode's results and its discharge criteria evaluated (access checked, logged)."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="discharge_criteria",
    )
    return _lab_of(ctx, [episode.id], utcnow())[episode.id]


def round_data(ctx: Context, episodes: Sequence[Episode]) -> dict[uuid.UUID, EpisodeLab]:
    """The round's patients: for each episode whose record the caller may read (the others
    are left out), its results and criteria. Logs nothing: the round logs its patients."""
    if not episodes or ctx.actor.is_social_services:
        return {}
    readable = repository.readable_episodes(ctx.session, [e.id for e in episodes], visibility(ctx))
    ids = [e.id for e in episodes if e.id in readable]
    return _lab_of(ctx, ids, utcnow()) if ids else {}
