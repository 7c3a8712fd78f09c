"""The rules of the discharge summary (utskrivningsinformation, issue 14).

See docs/discharge-summary.md.

- **Made from the episode** (``create``, ``refresh``): a draft is composed from the episode's
  timeline, visits, alerts, round notes, medications and results (``compose.py``) by a nurse
  or physician of the *responsible* organisation (``discharge_summary:write``); while it is a
  draft it can be made again from the data (the written parts are kept) and edited
  (``update``: assessment, advice, follow-up items). One draft at a time per episode.
- **Signed** (``sign``): by a physician of the responsible organisation
  (``discharge_summary:sign``). Signing freezes the version and records who and when. A
  change after signing is a new version (``amend``, with a reason) copied from the signed
  one; when that is signed the earlier version becomes ``superseded`` and is kept.
- **Sent with the referral** (``send``): a signed summary of a discharged episode goes to the
  organisations of the episode's referral to primary care and care request to home health
  care (not declined or cancelled) and to any home health care or primary care taking part;
  they read it through their care relationship (participants of the episode) and their staff
  are notified. Signed before discharge: sent at discharge (``on_discharge``); signed after:
  sent at signing; an amendment signed later is sent again.
- **Discharged without a signed summary**: allowed. At discharge a draft is made (or the
  draft made again) from the final data, the timeline says the summary is missing, the
  patient page shows "summary missing" and ``missing`` lists and counts these episodes for
  the responsible organisation.

Every read and write is in the access log (``discharge_summary``); an outsider gets 404 with
a refused row (``episodes.access``); a wrong role 403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from samband.dischargesummaries import compose, fhir, pdf, repository
from samband.dischargesummaries.schemas import DischargeSummaryAmend, DischargeSummaryUpdate
from samband.episodes.access import (
    child_of_episode,
    episode_for,
    record_event,
    require_responsible,
    responsible_organisation_id,
)
from samband.kit.errors import Conflict, problem
from samband.kit.i18n import msg
from samband.kit.time import utcnow
from samband.models import Episode, Organisation, Patient
from samband.models.dischargesummaries import DischargeSummary
from samband.notifications import service as notifications
from samband.security.context import Context
from samband.security.roles import Permission

RESOURCE = "discharge_summary"
DRAFT, SIGNED, SUPERSEDED = "draft", "signed", "superseded"
# the episode states in which a summary can be made
SUMMARY_STATES = frozenset({"at_home", "discharged"})
# the care requests the signed summary goes with
SEND_WITH = ("primary_care_referral", "home_health_care")
# participants that get it even without such a request
PARTICIPANT_ROLES = ("home_health_care", "primary_care")
# who is told at the receiving organisation
TELL_ROLES = ("physician", "registered_nurse")


def link(summary_id: uuid.UUID) -> str:
    return f"/discharge-summaries/{summary_id}"


def reference(summary_id: uuid.UUID) -> str:
    """The short reference notifications use: no patient identity."""
    return f"U-{summary_id.hex[:8].upper()}"


# -- reading --------------------------------------------------------------------------------------


def _load(
    ctx: Context,
    summary_id: uuid.UUID,
    *,
    permission: Permission,
    action: str,
    lock: bool = False,
) -> tuple[DischargeSummary, Episode]:
    return child_of_episode(
        ctx,
        summary_id,
        what="discharge summary",
        load=repository.get,
        load_for_update=repository.get_for_update,
        permission=permission,
        action=action,
        resource_type=RESOURCE,
        lock=lock,
    )


def get(ctx: Context, summary_id: uuid.UUID, *, action: str = "read") -> DischargeSummary:
    """A summary, for anyone whose organisation has a care relationship with the episode
    (the responsible organisation and the participants it was sent to)."""
    summary, _ = _load(ctx, summary_id, permission=Permission.PATIENT_READ, action=action)
    return summary


def of_episode(ctx: Context, episode_id: uuid.UUID) -> list[DischargeSummary]:
    """Every version of an episode's summary, newest first."""
    episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="list", resource_type=RESOURCE
    )
    return repository.of_episode(ctx.session, episode_id)


@dataclass(frozen=True)
class Document:
    """Everything a page, the PDF and the FHIR document show of a summary."""

    summary: DischargeSummary
    episode: Episode
    patient: Patient
    organisation: Organisation | None
    unit_name: str | None
    author_name: str | None
    signer_title: str | None
    recipients: list[Organisation]
    versions: list[DischargeSummary]


def document(ctx: Context, summary_id: uuid.UUID, *, action: str = "read") -> Document:
    summary, episode = _load(ctx, summary_id, permission=Permission.PATIENT_READ, action=action)
    return _document(ctx, summary, episode)


def _document(ctx: Context, summary: DischargeSummary, episode: Episode) -> Document:
    session = ctx.session
    patient = repository.patient(session, summary.patient_id)
    assert patient is not None  # noqa: S101 - a foreign key keeps the patient
    unit = repository.unit(session, episode.responsible_unit_id)
    author = repository.user(session, summary.created_by_id)
    signer = repository.user(session, summary.signed_by_id)
    sent_to = [uuid.UUID(d["organisation_id"]) for d in summary.sent]
    orgs = repository.organisations(session, {summary.organisation_id, *sent_to})
    return Document(
        summary=summary,
        episode=episode,
        patient=patient,
        organisation=orgs.get(summary.organisation_id),
        unit_name=unit.name if unit else None,
        author_name=author.full_name if author else None,
        signer_title=signer.role if signer else None,
        recipients=[orgs[i] for i in dict.fromkeys(sent_to) if i in orgs],
        versions=repository.of_episode(session, episode.id),
    )


def plain(doc: Document) -> compose.SummaryData:
    """The document's plain values, for the PDF and the FHIR document."""
    s, patient = doc.summary, doc.patient
    return compose.SummaryData(
        id=str(s.id),
        episode_id=str(s.episode_id),
        version=s.version,
        status=s.status,
        content=s.content or {},
        composed_at=s.composed_at,
        created_at=s.created_at,
        follow_up=list(s.follow_up or []),
        assessment=s.assessment,
        advice=s.advice,
        patient_id=str(patient.id),
        patient_name=f"{patient.given_name} {patient.family_name}",
        personnummer=patient.personnummer,
        identifier_kind=patient.identifier_kind,
        organisation_id=str(s.organisation_id),
        organisation_code=doc.organisation.code if doc.organisation else "",
        organisation_name=doc.organisation.name if doc.organisation else "",
        unit_name=doc.unit_name,
        author=compose.Person(str(s.created_by_id), doc.author_name or "", None)
        if doc.author_name
        else None,
        signer=compose.Person(str(s.signed_by_id), s.signed_by_name or "", doc.signer_title)
        if s.signed_by_id
        else None,
        signed_at=s.signed_at,
        amends_id=str(s.amends_id) if s.amends_id else None,
        amendment_reason=s.amendment_reason,
        sent_to=tuple(o.name for o in doc.recipients),
    )


def pdf_of(ctx: Context, summary_id: uuid.UUID, *, lang: str) -> tuple[bytes, Document]:
    """The summary as a PDF (logged as a print)."""
    doc = document(ctx, summary_id, action="print")
    return pdf.render(plain(doc), lang=lang), doc


def fhir_of(ctx: Context, summary_id: uuid.UUID, *, lang: str = "sv") -> dict[str, Any]:
    """The summary as a FHIR R4 document Bundle (logged as a read)."""
    doc = document(ctx, summary_id)
    return fhir.document(plain(doc), lang=lang)


# -- making and editing a draft ------------------------------------------------------------------


def create(ctx: Context, episode_id: uuid.UUID) -> DischargeSummary:
    """A new draft made from the episode's data."""
    summary_id = uuid.uuid4()
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.DISCHARGE_SUMMARY_WRITE,
        action="create",
        resource_type=RESOURCE,
        resource_id=summary_id,
        lock=True,
    )
    require_responsible(ctx, episode, action="create", doing=msg("doing.write_discharge_summary"))
    if episode.state not in SUMMARY_STATES:
        raise Conflict(
            problem(
                "discharge_summary.episode_state",
                state=msg(f"state.{episode.state}"),
                allowed=[msg(f"state.{s}") for s in sorted(SUMMARY_STATES)],
            )
        )
    versions = repository.of_episode(ctx.session, episode.id)
    if versions:
        latest = versions[0]
        found = (
            problem("discharge_summary.draft_exists", version=latest.version)
            if latest.status == DRAFT
            else problem("discharge_summary.signed_exists", version=latest.version)
        )
        raise Conflict(found, summary_id=str(latest.id))
    return _new_draft(ctx, episode, summary_id=summary_id, version=1)


def _new_draft(
    ctx: Context,
    episode: Episode,
    *,
    summary_id: uuid.UUID,
    version: int,
    amends: DischargeSummary | None = None,
    reason: str | None = None,
) -> DischargeSummary:
    now = utcnow()
    summary = DischargeSummary(
        id=summary_id,
        episode_id=episode.id,
        patient_id=episode.patient_id,
        organisation_id=responsible_organisation_id(ctx, episode),
        version=version,
        status=DRAFT,
        content=_compose(ctx, episode),
        composed_at=now,
        follow_up=list(amends.follow_up) if amends else [],
        assessment=amends.assessment if amends else None,
        advice=amends.advice if amends else None,
        amends_id=amends.id if amends else None,
        amendment_reason=reason,
        sent=[],
        created_by_id=ctx.actor.user_id,
        created_at=now,
    )
    repository.add(ctx.session, summary)
    record_event(
        ctx,
        episode,
        "discharge_summary.amended" if amends else "discharge_summary.draft",
        reason=reason,
        data={"discharge_summary_id": str(summary.id), "version": version},
    )
    return summary


def _editable(
    ctx: Context, summary_id: uuid.UUID, *, permission: Permission, action: str
) -> tuple[DischargeSummary, Episode]:
    summary, episode = _load(ctx, summary_id, permission=permission, action=action, lock=True)
    doing = (
        msg("doing.sign_discharge_summary")
        if permission == Permission.DISCHARGE_SUMMARY_SIGN
        else msg("doing.write_discharge_summary")
    )
    require_responsible(ctx, episode, action=action, doing=doing)
    if summary.status != DRAFT:
        raise Conflict(
            problem(
                "discharge_summary.frozen",
                version=summary.version,
                status=msg(f"discharge_summary.status.{summary.status}"),
            )
        )
    return summary, episode


def _touch(ctx: Context, summary: DischargeSummary) -> None:
    summary.updated_at = utcnow()
    summary.updated_by_id = ctx.actor.user_id


def refresh(ctx: Context, summary_id: uuid.UUID) -> DischargeSummary:
    """Make the draft's content again from the episode's data (what people wrote is kept)."""
    summary, episode = _editable(
        ctx, summary_id, permission=Permission.DISCHARGE_SUMMARY_WRITE, action="update"
    )
    summary.content = _compose(ctx, episode)
    summary.composed_at = utcnow()
    _touch(ctx, summary)
    return summary


def update(ctx: Context, summary_id: uuid.UUID, data: DischargeSummaryUpdate) -> DischargeSummary:
    summary, _ = _editable(
        ctx, summary_id, permission=Permission.DISCHARGE_SUMMARY_WRITE, action="update"
    )
    given = data.model_fields_set
    if "assessment" in given:
        summary.assessment = data.assessment
    if "advice" in given:
        summary.advice = data.advice
    if "follow_up" in given:
        summary.follow_up = compose.follow_up_items(
            [item.model_dump() for item in data.follow_up or []]
        )
    _touch(ctx, summary)
    return summary


# -- signing and amending -----------------------------------------------------------------------


def sign(ctx: Context, summary_id: uuid.UUID) -> DischargeSummary:
    """A physician of the responsible organisation signs the draft: it is frozen. The
    version it amends is superseded. A discharged episode's summary is sent at once."""
    summary, episode = _editable(
        ctx, summary_id, permission=Permission.DISCHARGE_SUMMARY_SIGN, action="sign_summary"
    )
    now = utcnow()
    summary.status = SIGNED
    summary.signed_by_id = ctx.actor.user_id
    summary.signed_by_name = ctx.actor.full_name
    summary.signed_at = now
    _touch(ctx, summary)
    if summary.amends_id is not None:
        earlier = repository.get_for_update(ctx.session, summary.amends_id)
        if earlier is not None and earlier.status == SIGNED:
            earlier.status = SUPERSEDED
    record_event(
        ctx,
        episode,
        "discharge_summary.signed",
        data={"discharge_summary_id": str(summary.id), "version": summary.version},
    )
    if episode.state == "discharged":
        send(ctx, episode, summary, now=now)
    return summary


def amend(ctx: Context, summary_id: uuid.UUID, data: DischargeSummaryAmend) -> DischargeSummary:
    """A new draft version of a signed summary, with the reason; the signed one is kept (and
    stays the one in force until the new one is signed)."""
    summary, episode = _load(
        ctx,
        summary_id,
        permission=Permission.DISCHARGE_SUMMARY_WRITE,
        action="amend",
        lock=True,
    )
    require_responsible(ctx, episode, action="amend", doing=msg("doing.write_discharge_summary"))
    if summary.status != SIGNED:
        raise Conflict(
            problem(
                "discharge_summary.amend_signed_only",
                version=summary.version,
                status=msg(f"discharge_summary.status.{summary.status}"),
            )
        )
    draft = next(
        (s for s in repository.of_episode(ctx.session, episode.id) if s.status == DRAFT), None
    )
    if draft is not None:
        raise Conflict(
            problem("discharge_summary.draft_exists", version=draft.version),
            summary_id=str(draft.id),
        )
    return _new_draft(
        ctx,
        episode,
        summary_id=uuid.uuid4(),
        version=repository.next_version(ctx.session, episode.id),
        amends=summary,
        reason=data.reason,
    )


# -- sending with the referral --------------------------------------------------------------------


def send(
    ctx: Context, episode: Episode, summary: DischargeSummary, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Attach the signed summary to the episode's referral to primary care and care request to
    home health care, and give it to home health care or primary care taking part; their
    staff are told. Returns the deliveries made."""
    now = now or utcnow()
    session = ctx.session
    responsible = responsible_organisation_id(ctx, episode)
    targets: dict[uuid.UUID, dict[str, Any]] = {}
    for request in repository.referrals(session, episode.id, SEND_WITH):
        if request.to_organisation_id == responsible:
            continue
        targets.setdefault(
            request.to_organisation_id,
            {"kind": request.kind, "care_request_id": str(request.id)},
        )
    for participant in repository.participants(session, episode.id):
        if participant.role in PARTICIPANT_ROLES and participant.organisation_id != responsible:
            targets.setdefault(
                participant.organisation_id, {"kind": "participant", "care_request_id": None}
            )
    orgs = repository.organisations(session, targets.keys())
    patient = repository.patient(session, episode.patient_id)
    deliveries: list[dict[str, Any]] = []
    for org_id, target in targets.items():
        org = orgs.get(org_id)
        if org is None or org.kind == "municipal_home_care":
            continue  # social services do not read the medical record
        deliveries.append(
            {
                "organisation_id": str(org_id),
                "organisation": org.code,
                "name": org.name,
                "kind": target["kind"],
                "care_request_id": target["care_request_id"],
                "at": now.isoformat(),
            }
        )
        _tell(ctx, summary, org, patient, now)
    summary.sent = [*summary.sent, *deliveries]
    summary.sent_at = now
    record_event(
        ctx,
        episode,
        "discharge_summary.sent",
        data={
            "discharge_summary_id": str(summary.id),
            "version": summary.version,
            "organisations": [d["organisation"] for d in deliveries],
        },
    )
    return deliveries


def _tell(
    ctx: Context,
    summary: DischargeSummary,
    org: Organisation,
    patient: Patient | None,
    now: datetime,
) -> None:
    """The patient's fixed physician and care contact when they work there, else the
    organisation's physicians and nurses."""
    fixed = [
        u
        for u in (
            repository.user(ctx.session, patient.fixed_physician_id) if patient else None,
            repository.user(ctx.session, patient.fixed_care_contact_id) if patient else None,
        )
        if u is not None and u.organisation_id == org.id and u.active
    ]
    who = [u.id for u in fixed] or repository.staff_to_tell(ctx.session, org.id, TELL_ROLES)
    notifications.notify(
        ctx.session,
        user_ids=who,
        kind="discharge_summary",
        severity="info",
        reference=reference(summary.id),
        link=link(summary.id),
        params={"version": summary.version},
        now=now,
    )


def on_discharge(ctx: Context, episode: Episode) -> dict[str, Any]:
    """Called by the discharge transition (episodes.service): the latest signed summary is
    sent; without one, a draft is made from the final data (or the draft made again) and the
    summary is marked missing. Returns what the transition's timeline line records."""
    versions = repository.of_episode(ctx.session, episode.id)
    signed = next((s for s in versions if s.status == SIGNED), None)
    draft = next((s for s in versions if s.status == DRAFT), None)
    if signed is not None:
        deliveries = send(ctx, episode, signed)
        return {
            "discharge_summary_id": str(signed.id),
            "discharge_summary_sent_to": [d["organisation"] for d in deliveries],
        }
    if draft is not None:
        draft.content = _compose(ctx, episode)
        draft.composed_at = utcnow()
        _touch(ctx, draft)
    else:
        draft = _new_draft(
            ctx,
            episode,
            summary_id=uuid.uuid4(),
            version=repository.next_version(ctx.session, episode.id),
        )
    ctx.log.record(
        patient_id=episode.patient_id,
        action="update",
        resource_type=RESOURCE,
        resource_id=draft.id,
        allowed=True,
        reason="made from the episode's data at discharge",
    )
    return {"discharge_summary_missing": True, "discharge_summary_id": str(draft.id)}


# -- discharged without a signed summary ---------------------------------------------------------


def missing(
    ctx: Context, *, limit: int, offset: int
) -> tuple[list[tuple[Episode, uuid.UUID | None]], int]:
    """The caller's organisation's discharged episodes without a signed summary, counted."""
    ctx.actor.require(Permission.DISCHARGE_SUMMARY_WRITE)
    rows, total = repository.missing(
        ctx.session, ctx.actor.organisation_id, limit=limit, offset=offset
    )
    for episode, _ in rows:
        ctx.log.record(
            patient_id=episode.patient_id,
            action="list",
            resource_type=RESOURCE,
            resource_id=None,
            allowed=True,
        )
    return rows, total


@dataclass(frozen=True)
class Standing:
    """What the patient page says of an episode's summary: ``signed`` (``signed``: the
    version in force; ``draft``: an amendment being written), ``draft``, ``missing``
    (discharged without a signed one; ``draft``: the one made at discharge) or ``none``."""

    state: str
    signed: DischargeSummary | None
    draft: DischargeSummary | None


def standing(ctx: Context, episode: Episode) -> Standing:
    """The caller has read the episode already (the page logged it)."""
    versions = repository.of_episode(ctx.session, episode.id)
    signed = next((s for s in versions if s.status == SIGNED), None)
    draft = next((s for s in versions if s.status == DRAFT), None)
    if signed is not None:
        return Standing(SIGNED, signed, draft)
    if episode.state == "discharged":
        return Standing("missing", None, draft)
    return Standing(DRAFT if draft else "none", None, draft)


def leads(ctx: Context, episode: Episode) -> bool:
    """The caller's organisation is responsible for the episode (writes its summary)."""
    return responsible_organisation_id(ctx, episode) == ctx.actor.organisation_id


def episode_of(ctx: Context, episode_id: uuid.UUID) -> Episode:
    return episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="read", resource_type=RESOURCE
    )


# -- composing -----------------------------------------------------------------------------------


def _compose(ctx: Context, episode: Episode) -> dict[str, Any]:
    session = ctx.session
    events = repository.events(session, episode.id)
    reason = next(
        (e.reason for e in events if e.kind == "transition" and e.to_state == "candidate"), None
    )
    changes: dict[str, list[tuple[datetime, dict[str, Any]]]] = {}
    for e in events:
        if e.kind == "medication.changed" and isinstance(e.data.get("changes"), dict):
            changes.setdefault(str(e.data.get("medication_id")), []).append(
                (e.at, e.data["changes"])
            )
    home = [e.at for e in events if e.kind == "transition" and e.to_state == "at_home"]
    starts = [at for at in (episode.started_at, home[0] if home else None) if at is not None]
    lab, available = _results(ctx, episode.id)
    return compose.compose(
        compose.EpisodeFacts(
            pathway=episode.pathway,
            type=episode.type,
            state=episode.state,
            started_at=episode.started_at,
            ended_at=episode.ended_at,
            reason=reason,
            end_reason=episode.end_reason,
            planned_home_date=episode.planned_home_date,
        ),
        events=[
            compose.EventFact(
                at=e.at,
                kind=e.kind,
                from_state=e.from_state,
                to_state=e.to_state,
                reason=e.reason,
                data=e.data or {},
            )
            for e in events
        ],
        visits=[
            compose.VisitFact(day=v.date, what=v.what, status=v.status)
            for v in repository.visits(session, episode.id)
        ],
        alerts=[
            compose.AlertFact(
                at=a.created_at,
                kind=a.kind,
                severity=a.severity,
                reason=a.reason,
                status=a.status,
                reason_code=a.reason_code,
                reason_params=a.reason_params,
                action=a.action,
                action_note=a.action_note,
            )
            for a in repository.alerts(session, episode.id)
        ],
        rounds=[
            compose.RoundFact(
                at=note.created_at,
                decision=note.decision,
                assessment=note.assessment,
                note=note.decision_note,
            )
            for note, _round in repository.round_notes(session, episode.id)
        ],
        meds=[
            compose.MedicationFact(
                drug=m.drug,
                dose=m.dose,
                route=m.route,
                schedule=m.schedule,
                status=m.status,
                created_at=m.created_at,
                updated_at=m.updated_at,
                stop_reason=m.stop_reason,
                note=m.note,
                changes=tuple(changes.get(str(m.id), [])),
            )
            for m in repository.medications(session, episode.id)
        ],
        lab=lab,
        lab_available=available,
        list_from=max(starts) if starts else None,
    )


def _results(ctx: Context, episode_id: uuid.UUID) -> tuple[list[compose.ResultFact], bool]:
    """The episode's results from the lab results' service (issue 14, area B:
    ``labresults.service.episode_results``, ``LabResultRead`` rows: test key, LOINC, value,
    unit, reference range, flag, taken_at). Its access check runs as the caller's. Without
    that service the summary says results are not available (never "none")."""
    try:
        from samband.labresults import service as labresults
    except ImportError:
        return [], False
    episode_results = getattr(labresults, "episode_results", None)
    if episode_results is None:
        return [], False
    found: list[compose.ResultFact] = []
    for r in episode_results(ctx, episode_id):
        fact = _result_fact(r)
        if fact is not None:
            found.append(fact)
    return found, True


def _value(r: Any, *names: str) -> Any:
    for name in names:
        value = r.get(name) if isinstance(r, dict) else getattr(r, name, None)
        if value is not None:
            return value
    return None


def _result_fact(r: Any) -> compose.ResultFact | None:
    if _value(r, "status") == "entered_in_error":
        return None
    at = _value(r, "effective_at", "taken_at", "measured_at", "at", "created_at")
    if not isinstance(at, datetime):
        return None
    numeric = _value(r, "value_numeric", "value_quantity", "numeric", "value")
    number = float(numeric) if isinstance(numeric, int | float) else None
    text = _value(r, "value_text", "value_string", "text")
    value = str(text) if text is not None else (_number_text(number) if number is not None else "")
    code = _value(r, "loinc", "code", "loinc_code")
    name = _value(r, "test", "display", "name", "label") or code or "?"
    low = _value(r, "reference_low", "low", "ref_low", "range_low")
    high = _value(r, "reference_high", "high", "ref_high", "range_high")
    return compose.ResultFact(
        at=at,
        code=str(code) if code is not None else None,
        name=str(name),
        value=value,
        unit=_value(r, "unit", "ucum_unit", "units"),
        low=float(low) if isinstance(low, int | float) else None,
        high=float(high) if isinstance(high, int | float) else None,
        flag=_value(r, "interpretation", "flag", "abnormal_flag"),
        numeric=number,
    )


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
