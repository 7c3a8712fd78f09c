"""The rules for the documented agreement (care plan): versions and acknowledgements.

Every change is a new version; versions are never changed afterwards. A version is
acknowledged by the patient (or a next of kin, recorded by staff) and by each participating
organisation for itself. Only the current version can be acknowledged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from samband.careplans import repository
from samband.careplans.schemas import (
    AcknowledgementCreate,
    CarePlanContent,
    CarePlanCreate,
    CarePlanUpdate,
)
from samband.episodes.access import child_of_episode, episode_for, record_event, require_open
from samband.kit.errors import Conflict, InvalidInput, NotFound, problem
from samband.kit.i18n import Msg, msg
from samband.kit.time import utcnow
from samband.labresults import service as labresults
from samband.models import CarePlan, CarePlanAcknowledgement, CarePlanVersion, Episode
from samband.pathways.definition import registry
from samband.security.context import Context
from samband.security.roles import Permission

RESOURCE = "care_plan"
PATIENT_PARTIES = frozenset({"patient", "next_of_kin"})


@dataclass(frozen=True)
class PlanView:
    """A plan with its current version, that version's acknowledgements and who is missing."""

    plan: CarePlan
    version: CarePlanVersion
    acknowledgements: list[CarePlanAcknowledgement]
    organisations_to_acknowledge: list[uuid.UUID]

    @property
    def acknowledged_by_patient(self) -> bool:
        return any(a.party in PATIENT_PARTIES for a in self.acknowledgements)


def template_content(pathway_key: str) -> CarePlanContent:
    """The pathway's plan template as the content of a first version."""
    pathway = registry().get(pathway_key)
    if pathway is None:
        raise InvalidInput(
            problem("careplan.no_template", field="from_template", pathway=pathway_key)
        )
    return CarePlanContent.model_validate(pathway.plan_template.model_dump())


def create(ctx: Context, data: CarePlanCreate) -> PlanView:
    episode = episode_for(
        ctx,
        data.episode_id,
        permission=Permission.CARE_PLAN_WRITE,
        action="create",
        resource_type=RESOURCE,
        lock=True,
    )
    require_open(episode, msg("doing.make_care_plan"))
    existing = repository.for_episode(ctx.session, episode.id)
    if existing is not None:
        raise Conflict(
            problem(
                "careplan.exists",
                care_plan_id=str(existing.id),
                version=existing.current_version,
            ),
            care_plan_id=str(existing.id),
        )
    if data.content is not None:
        content = data.content
    elif data.from_template:
        content = template_content(episode.pathway)
    else:
        raise InvalidInput(problem("careplan.content_missing", field="content"))
    _check_organisations(ctx, episode, content)
    plan = CarePlan(episode_id=episode.id, current_version=0)
    repository.add(ctx.session, plan)
    _add_version(ctx, episode, plan, content, data.change_note)
    return _view(ctx, plan)


def list_for_episode(ctx: Context, episode_id: uuid.UUID) -> list[PlanView]:
    episode = episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="list", resource_type=RESOURCE
    )
    plan = repository.for_episode(ctx.session, episode.id)
    return [] if plan is None else [_view(ctx, plan)]


def get(ctx: Context, care_plan_id: uuid.UUID) -> PlanView:
    plan, _episode = _load(ctx, care_plan_id, permission=Permission.PATIENT_READ, action="read")
    return _view(ctx, plan)


def update(ctx: Context, care_plan_id: uuid.UUID, data: CarePlanUpdate) -> PlanView:
    plan, episode = _load(
        ctx, care_plan_id, permission=Permission.CARE_PLAN_WRITE, action="update", lock=True
    )
    require_open(episode, msg("doing.change_care_plan"))
    if data.base_version != plan.current_version:
        raise Conflict(
            problem(
                "careplan.changed",
                field="base_version",
                current=plan.current_version,
                yours=data.base_version,
            ),
            current_version=plan.current_version,
        )
    _check_organisations(ctx, episode, data.content)
    _add_version(ctx, episode, plan, data.content, data.change_note)
    return _view(ctx, plan)


def list_versions(ctx: Context, care_plan_id: uuid.UUID) -> list[CarePlanVersion]:
    plan, _episode = _load(
        ctx, care_plan_id, permission=Permission.PATIENT_READ, action="list_versions"
    )
    return repository.versions(ctx.session, plan.id)


def get_version(ctx: Context, care_plan_id: uuid.UUID, number: int) -> CarePlanVersion:
    plan, _episode = _load(
        ctx, care_plan_id, permission=Permission.PATIENT_READ, action="read_version"
    )
    return _version(ctx, plan, number)


def acknowledgements_of(ctx: Context, version: CarePlanVersion) -> list[CarePlanAcknowledgement]:
    """For a version already read through get_version / list_versions (access checked)."""
    return repository.acknowledgements(ctx.session, version.id)


def acknowledge(
    ctx: Context, care_plan_id: uuid.UUID, number: int, data: AcknowledgementCreate
) -> CarePlanAcknowledgement:
    plan, episode = _load(
        ctx,
        care_plan_id,
        permission=Permission.CARE_PLAN_ACKNOWLEDGE,
        action="acknowledge",
        lock=True,
    )
    require_open(episode, msg("doing.acknowledge_care_plan"))
    version = _version(ctx, plan, number)
    if number != plan.current_version:
        raise Conflict(
            problem("careplan.version_not_current", version=number, current=plan.current_version),
            current_version=plan.current_version,
        )
    actor = ctx.actor
    if data.party == "organisation":
        if actor.organisation_id not in repository.participant_organisations(
            ctx.session, episode.id
        ):
            raise Conflict(
                problem("careplan.not_participant", organisation=actor.organisation_code)
            )
        organisation_id: uuid.UUID | None = actor.organisation_id
        name = data.name or actor.full_name
        who = f"organisation {actor.organisation_code}"
    else:
        if data.name is None:
            raise InvalidInput(
                problem("careplan.name_missing", field="name", party=_party(data.party))
            )
        organisation_id, name, who = None, data.name, data.party.replace("_", " ")
    for existing in repository.acknowledgements(ctx.session, version.id):
        if existing.party == data.party and existing.organisation_id == organisation_id:
            raise Conflict(
                problem(
                    "careplan.already_acknowledged",
                    who=_party(data.party)
                    if organisation_id is None
                    else msg("careplan_party.organisation", code=actor.organisation_code),
                    version=number,
                    name=existing.name or "–",
                    at=existing.at,
                )
            )
    acknowledgement = CarePlanAcknowledgement(
        version_id=version.id,
        party=data.party,
        organisation_id=organisation_id,
        name=name,
        recorded_by_id=actor.user_id,
        at=utcnow(),
    )
    repository.add(ctx.session, acknowledgement)
    record_event(
        ctx,
        episode,
        "care_plan.acknowledged",
        reason=f"{who} acknowledged version {number} of the care plan",
        data={
            "care_plan_id": str(plan.id),
            "version": number,
            "party": data.party,
            "organisation_id": str(organisation_id) if organisation_id else None,
            "name": name,
        },
    )
    return acknowledgement


def _party(party: str) -> Msg:
    if party == "patient":
        return msg("careplan_party.patient")
    return msg("careplan_party.next_of_kin")


def _load(
    ctx: Context,
    care_plan_id: uuid.UUID,
    *,
    permission: Permission,
    action: str,
    lock: bool = False,
) -> tuple[CarePlan, Episode]:
    """The plan and its episode, with the caller's access checked and logged; locked (and
    read again: another version may have been added) for a change."""
    return child_of_episode(
        ctx,
        care_plan_id,
        what="care plan",
        load=repository.get,
        load_for_update=repository.get_for_update,
        permission=permission,
        action=action,
        resource_type=RESOURCE,
        lock=lock,
    )


def _version(ctx: Context, plan: CarePlan, number: int) -> CarePlanVersion:
    version = repository.version(ctx.session, plan.id, number)
    if version is None:
        raise NotFound(
            problem(
                "careplan.no_version",
                care_plan_id=str(plan.id),
                version=number,
                current=plan.current_version,
            )
        )
    return version


def _add_version(
    ctx: Context,
    episode: Episode,
    plan: CarePlan,
    content: CarePlanContent,
    change_note: str | None,
) -> CarePlanVersion:
    number = plan.current_version + 1
    version = CarePlanVersion(
        care_plan_id=plan.id,
        number=number,
        content=content.model_dump(mode="json"),
        change_note=change_note,
        created_by_id=ctx.actor.user_id,
        created_at=utcnow(),
    )
    repository.add(ctx.session, version)
    plan.current_version = number
    record_event(
        ctx,
        episode,
        "care_plan.version",
        reason=change_note or ("care plan made" if number == 1 else "care plan changed"),
        data={"care_plan_id": str(plan.id), "version": number},
    )
    ctx.session.flush()
    # issue 14: the plan's sample orders (activities with samples) follow every version
    labresults.sync_orders(ctx, episode, version.content, number)
    return version


def _check_organisations(ctx: Context, episode: Episode, content: CarePlanContent) -> None:
    """An activity's organisation must take part in the episode and be of the stated kind."""
    participants: dict[uuid.UUID, str] | None = None
    for index, activity in enumerate(content.activities):
        if activity.organisation_id is None:
            continue
        if participants is None:
            participants = repository.participant_organisations(ctx.session, episode.id)
        field = f"content.activities.{index}.organisation_id"
        kind = participants.get(activity.organisation_id)
        if kind is None:
            raise InvalidInput(
                problem(
                    "careplan.activity_organisation_absent",
                    field=field,
                    activity=activity.key,
                    organisation_id=str(activity.organisation_id),
                )
            )
        if kind != activity.organisation_kind:
            raise InvalidInput(
                problem(
                    "careplan.activity_organisation_kind",
                    field=field,
                    activity=activity.key,
                    organisation_id=str(activity.organisation_id),
                    kind=msg(f"kind.{kind}"),
                    stated=msg(f"kind.{activity.organisation_kind}"),
                )
            )


def _view(ctx: Context, plan: CarePlan) -> PlanView:
    version = repository.version(ctx.session, plan.id, plan.current_version)
    if version is None:  # pragma: no cover - a plan is created with its first version
        raise NotFound(
            problem(
                "careplan.no_version",
                care_plan_id=str(plan.id),
                version=plan.current_version,
                current=plan.current_version,
            )
        )
    acknowledgements = repository.acknowledgements(ctx.session, version.id)
    acknowledged = {a.organisation_id for a in acknowledgements if a.party == "organisation"}
    participants = repository.participant_organisations(ctx.session, plan.episode_id)
    return PlanView(
        plan=plan,
        version=version,
        acknowledgements=acknowledgements,
        organisations_to_acknowledge=[o for o in participants if o not in acknowledged],
    )
