"""The daily round (daglig/digital rond): for each unit and day the list of its patients at
home with what matters for the decision, and a structured note per patient whose decision
carries out the episode's transition (discharge, readmission).

Access: a round belongs to a hospital unit. The unit's own organisation may open it, and so
may an organisation that shares the care of one of the unit's patients (e.g. the municipal
home health care joining by video); anyone else gets 404. The list shows only the patients
the caller may see (their care relationship) and logs each of them; a note goes through
``episode_for`` like every other write on an episode.

Each patient also shows what the monitoring knows (``Monitoring``, built by
``samband.monitoring.summary`` as for the patient page): the NEWS2 trend of the last 72 hours,
the latest scored set with its time and whether it is stale for the pathway's schedule, the
active alerts by severity, the round day's visits and the patient's own latest report. They
are read with one query per kind for the whole list. They are the episode's record: a caller
who may see the patient but not this episode's record (another care provider without the
patient's consent, a block, social services) gets ``monitoring=None`` and the pages say it is
not shown to them, never "none".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from samband.episodes import service as episodes
from samband.episodes.access import episode_for, not_found, record_event
from samband.episodes.schemas import TransitionCreate
from samband.episodes.states import State
from samband.kit.errors import Conflict, InvalidInput, not_visible, problem
from samband.kit.i18n import msg
from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.labresults import service as labresults
from samband.labresults.criteria import Evaluation
from samband.labresults.service import EpisodeLab
from samband.models import Episode, Patient, Round, RoundNote, Unit, User
from samband.monitoring import summary
from samband.monitoring.summary import Monitoring
from samband.pathways.definition import registry
from samband.rounds import repository
from samband.rounds.schemas import Decision, RoundNoteCreate, RoundUpdate
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, visibility

# Units whose organisation holds rounds (and takes medical responsibility for episodes).
ROUND_KINDS = {"hospital_clinic", "hospital_ward", "mobile_team"}
# Units that can admit a patient back into a ward bed.
WARD_KINDS = {"hospital_clinic", "hospital_ward"}
# The transition each decision carries out (continue and change_plan carry out none).
TRANSITION_OF = {Decision.DISCHARGE: State.DISCHARGED, Decision.READMIT: State.READMITTED}


@dataclass(frozen=True)
class Criterion:
    text: str
    met: bool  # marked met in the latest round note
    # issue 14: a data criterion evaluated (labresults.criteria); None: a manual one, or the
    # caller may not read the episode's record
    evaluation: Evaluation | None = None


@dataclass(frozen=True)
class RoundPatient:
    episode: Episode
    patient: Patient
    day: int  # day 1 is the day the patient went home, counted to the round's day
    pathway_title: str
    care_contact: User | None
    physician: User | None
    plan_version: int | None
    criteria: list[Criterion]
    latest_note: RoundNote | None
    # None: the caller may not read this episode's record (the page says so)
    monitoring: Monitoring | None = None
    # issue 14: the episode's laboratory results by test (None: not shown, as monitoring)
    lab: EpisodeLab | None = None

    @property
    def criteria_met(self) -> int:
        return sum(1 for c in self.criteria if c.met)


@dataclass(frozen=True)
class RoundList:
    round: Round
    patients: list[RoundPatient] = field(default_factory=list)


@dataclass(frozen=True)
class WardUnit:
    unit: Unit
    free_beds: int
    beds: int


# -- the round ---------------------------------------------------------------------------------


def open_round(ctx: Context, unit_id: uuid.UUID, day: date | None = None) -> Round:
    """The unit's round on that day (today in Europe/Stockholm by default), made on first open."""
    ctx.actor.require(Permission.PATIENT_READ)
    day = day or local_today()
    unit = repository.get_unit(ctx.session, unit_id)
    if unit is None:
        raise not_found(ctx, "unit", unit_id, action="read", resource_type="round")
    if unit.organisation.kind not in ROUND_KINDS:
        raise InvalidInput(
            problem(
                "round.unit_not_hospital",
                field="unit_id",
                unit=unit.name,
                kind=msg(f"kind.{unit.organisation.kind}"),
            )
        )
    _require_unit_access(ctx, unit, action="read", resource_id=unit.id)
    existing = repository.round_of(ctx.session, unit.id, day)
    if existing is not None:
        return existing
    created = Round(unit_id=unit.id, day=day, created_by_id=ctx.actor.user_id)
    repository.add(ctx.session, created)
    return created


def round_list(ctx: Context, unit_id: uuid.UUID, day: date | None = None) -> RoundList:
    """The unit's round on that day with its patients (the round is made on first open)."""
    return _list(ctx, open_round(ctx, unit_id, day))


def get_round_list(ctx: Context, round_id: uuid.UUID) -> RoundList:
    return _list(ctx, _round(ctx, round_id, permission=Permission.PATIENT_READ, action="read"))


def update_round(ctx: Context, round_id: uuid.UUID, data: RoundUpdate) -> Round:
    """Set or remove the round's video meeting link."""
    round_ = _round(ctx, round_id, permission=Permission.EPISODE_UPDATE, action="update")
    changes = data.model_dump(exclude_unset=True)
    if "video_url" in changes:
        round_.video_url = data.video_url
        round_.updated_by_id = ctx.actor.user_id
        round_.updated_at = utcnow()
        ctx.session.flush()
    return round_


def units_for_rounds(ctx: Context) -> list[Unit]:
    """Units the caller may open a round for (their own hospital units, and the units
    responsible for patients whose care they share)."""
    ctx.actor.require(Permission.PATIENT_READ)
    ctx.actor.require_record()
    return repository.units_for_rounds(
        ctx.session, ctx.actor.organisation_id, visibility(ctx), ROUND_KINDS
    )


def ward_units(ctx: Context) -> list[WardUnit]:
    """Units a readmitted patient can go to, with their free reserved beds."""
    ctx.actor.require(Permission.PATIENT_READ)
    return [
        WardUnit(u, free, total)
        for u, free, total in repository.ward_units(ctx.session, WARD_KINDS)
    ]


# -- notes -------------------------------------------------------------------------------------


def add_note(ctx: Context, round_id: uuid.UUID, data: RoundNoteCreate) -> RoundNote:
    """Write the round note of one patient, and carry out its decision. A refused transition
    (403 for the wrong role, 409 for its reasons) refuses the whole note."""
    round_ = _round(ctx, round_id, permission=Permission.PATIENT_READ, action="read")
    episode = episode_for(
        ctx,
        data.episode_id,
        permission=Permission.EPISODE_UPDATE,
        action="update",
        resource_type="round_note",
        lock=True,
    )
    if episode.responsible_unit_id != round_.unit_id:
        raise InvalidInput(problem("round.other_unit", field="episode_id", unit=round_.unit.name))
    if episode.state != State.AT_HOME:
        raise Conflict(
            problem("round.not_at_home", field="decision", state=msg(f"state.{episode.state}"))
        )
    if round_.day > local_today():
        raise Conflict(problem("round.in_future", field="decision", day=round_.day))
    plan = repository.current_plan_version(ctx.session, episode.id)
    criteria = list(plan.content.get("discharge_criteria") or []) if plan else []
    unknown = [c for c in data.criteria_met if c not in criteria]
    if unknown:
        raise InvalidInput(
            problem(
                "round.unknown_criteria",
                field="criteria_met",
                unknown=unknown,
                criteria=criteria or msg("round.no_criteria"),
            )
        )
    if data.decision == Decision.READMIT and data.ward_unit_id is None:
        raise InvalidInput(problem("round.ward_unit_missing", field="ward_unit_id"))
    if data.decision != Decision.READMIT and data.ward_unit_id is not None:
        raise InvalidInput(problem("round.ward_unit_not_wanted", field="ward_unit_id"))

    target = TRANSITION_OF.get(data.decision)
    if target is not None:
        reason = f"Rond {round_.day.isoformat()}: {data.decision_note or data.assessment}"
        episodes.transition(
            ctx,
            episode.id,
            TransitionCreate(
                to=target,
                reason=reason[:2000],
                ward_unit_id=data.ward_unit_id,
                use_reserved_bed=data.use_reserved_bed,
            ),
        )
    note = RoundNote(
        round_id=round_.id,
        episode_id=episode.id,
        situation=data.situation,
        assessment=data.assessment,
        decision=data.decision.value,
        decision_note=data.decision_note,
        transition_to=target.value if target else None,
        participants=[p.model_dump(mode="json") for p in data.participants],
        criteria_met=[c for c in criteria if c in data.criteria_met],
        plan_version=plan.number if plan else None,
        created_by_id=ctx.actor.user_id,
        created_at=utcnow(),
    )
    repository.add(ctx.session, note)
    record_event(
        ctx,
        episode,
        "round.note",
        reason=data.decision_note,
        data={
            "round_id": str(round_.id),
            "day": round_.day.isoformat(),
            "note_id": str(note.id),
            "decision": data.decision.value,
            "transition_to": note.transition_to,
            "criteria_met": note.criteria_met,
        },
    )
    return note


def notes_for_episode(ctx: Context, episode_id: uuid.UUID) -> list[RoundNote]:
    """The episode's round notes, newest first (each with .round, .round.unit, .created_by)."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="round_note",
    )
    return repository.notes_of_episode(ctx.session, episode.id)


# -- helpers -----------------------------------------------------------------------------------


def _round(ctx: Context, round_id: uuid.UUID, *, permission: Permission, action: str) -> Round:
    ctx.actor.require(permission)
    round_ = repository.get_round(ctx.session, round_id)
    if round_ is None:
        raise not_found(ctx, "round", round_id, action=action)
    _require_unit_access(ctx, round_.unit, action=action, resource_id=round_.id)
    return round_


def _require_unit_access(ctx: Context, unit: Unit, *, action: str, resource_id: object) -> None:
    """The unit's own organisation, or one sharing the care of one of its patients."""
    if unit.organisation_id == ctx.actor.organisation_id:
        return
    if repository.shares_patients_of_unit(ctx.session, unit.id, visibility(ctx)):
        return
    ctx.log.record(
        patient_id=None,
        action=action,
        resource_type="round",
        resource_id=resource_id,
        allowed=False,
        reason="no care relationship with the unit's patients",
    )
    raise not_visible(f"round {resource_id}")


def _list(ctx: Context, round_: Round) -> RoundList:
    session = ctx.session
    rows = repository.round_episodes(session, round_, visibility(ctx), State.AT_HOME.value)
    ids = [episode.id for episode, _ in rows]
    plans = repository.current_plan_versions(session, ids)
    notes = repository.latest_notes(session, ids)
    users = repository.users_by_id(
        session,
        {
            user_id
            for episode, _ in rows
            for user_id in (episode.care_contact_id, episode.responsible_physician_id)
            if user_id is not None
        },
    )
    pathways = registry()
    monitoring = summary.summarise(ctx, [episode for episode, _ in rows], round_.day)
    lab = labresults.round_data(ctx, [episode for episode, _ in rows if episode.id in monitoring])
    patients = []
    for episode, patient in rows:
        plan = plans.get(episode.id)
        note = notes.get(episode.id)
        met = set(note.criteria_met) if note else set()
        criteria = list(plan.content.get("discharge_criteria") or []) if plan else []
        pathway = pathways.get(episode.pathway)
        patients.append(
            RoundPatient(
                episode=episode,
                patient=patient,
                day=_episode_day(episode, round_.day),
                pathway_title=pathway.title if pathway else episode.pathway,
                care_contact=users.get(episode.care_contact_id)  # type: ignore[arg-type]
                if episode.care_contact_id
                else None,
                physician=users.get(episode.responsible_physician_id)  # type: ignore[arg-type]
                if episode.responsible_physician_id
                else None,
                plan_version=plan.number if plan else None,
                criteria=_criteria(criteria, met, lab.get(episode.id)),
                latest_note=note,
                monitoring=monitoring.get(episode.id),
                lab=lab.get(episode.id),
            )
        )
    log_listed(ctx, [p.patient.id for p in patients], resource_type="round")
    return RoundList(round=round_, patients=patients)


def _criteria(texts: list[str], met: set[str], lab: EpisodeLab | None) -> list[Criterion]:
    evaluations = {e.text: e for e in lab.evaluations} if lab else {}
    return [
        Criterion(
            text,
            text in met,
            evaluations[text] if text in evaluations and evaluations[text].is_data else None,
        )
        for text in texts
    ]


def _episode_day(episode: Episode, day: date) -> int:
    if episode.started_at is None:
        return 0
    return (day - episode.started_at.astimezone(STOCKHOLM).date()).days + 1
