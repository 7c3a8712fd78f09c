"""The patient's copy of the documented agreement as plain data, for the page and the PDF.

Made for the patient and next of kin, not for clinicians: what happens today and the next
days, whom to call at which hours, what to do if things get worse, the medicines, and when
they can expect to be discharged. Reading it is an access to patient data like any other:
``episode_for`` checks the caller's care relationship and logs the access (action 'print',
resource 'patient_copy'); an unrelated organisation gets 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from samband.episodes.access import episode_for
from samband.kit.errors import Conflict, problem
from samband.kit.time import STOCKHOLM, as_utc, local_today
from samband.medications.service import medication_snapshot
from samband.models import Episode, Organisation, Unit, User
from samband.oncall import service as oncall
from samband.pathways.definition import registry
from samband.patientcopy import plain, repository
from samband.patients.service import get_unlogged as patient_unlogged
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import require_patient_access
from samband.visits import service as visits
from samband.visits.schedule import Dose, dose_schedule, medication_route_of

ACTION = "print"
RESOURCE = "patient_copy"
DAYS_SHOWN = 3  # today and the next two days
PATIENT_CALLS = ("registered_nurse",)  # the patient calls the nurse on call (decision 0014)


@dataclass(frozen=True)
class Day:
    day: date
    number: int  # day 1 is the day the patient came home; < 1 before that
    label: str
    lines: list[str]


@dataclass(frozen=True)
class ContactLine:
    when: str
    who: str
    phone: str | None


@dataclass(frozen=True)
class MedicationLine:
    drug: str
    dose: str
    how: str
    when: str
    given_by: str
    how_long: str


@dataclass(frozen=True)
class PatientCopy:
    """Everything on the copy, already in the reader's language."""

    lang: str
    patient_id: uuid.UUID
    patient_name: str
    printed_on: date
    episode_id: uuid.UUID | None
    plan_version: int | None  # None: there is no care plan yet
    labels: dict[str, str]
    what_matters: str | None = None
    goals: list[str] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)
    care_contact: ContactLine | None = None
    contacts: list[ContactLine] = field(default_factory=list)
    # who to call at this moment, from the on-call rosters (the tablet's thank-you screen)
    calling_now: list[ContactLine] = field(default_factory=list)
    on_call_note: str | None = None  # the contacts come from the on-call rosters
    if_worse: list[str] = field(default_factory=list)
    medications: list[MedicationLine] = field(default_factory=list)
    discharge_criteria: list[str] = field(default_factory=list)
    expected_discharge: date | None = None
    expected_text: str | None = None

    @property
    def has_plan(self) -> bool:
        return self.plan_version is not None

    @property
    def printed_text(self) -> str:
        return plain.format_date(self.printed_on, self.lang)


def for_episode(
    ctx: Context,
    episode_id: uuid.UUID,
    *,
    lang: str = "sv",
    today: date | None = None,
    action: str = ACTION,
) -> PatientCopy:
    """The copy of an episode's current care plan (``has_plan`` is False without one).
    ``action`` is what the access log says was done with it ('print'; the tablet's
    thank-you screen, which shows the copy's phone numbers, says 'read')."""
    episode = episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action=action, resource_type=RESOURCE
    )
    return _build(ctx, episode, lang=lang, today=today)


def for_patient(
    ctx: Context, patient_id: uuid.UUID, *, lang: str = "sv", today: date | None = None
) -> PatientCopy:
    """The copy of the patient's latest episode (``has_plan`` is False without a plan or an
    episode)."""
    episode = repository.latest_episode(ctx.session, patient_id)
    if episode is None:
        require_patient_access(
            ctx,
            patient_id,
            permission=Permission.PATIENT_READ,
            action=ACTION,
            resource_type=RESOURCE,
        )
        patient = patient_unlogged(ctx, patient_id)
        return _empty(patient_id, f"{patient.given_name} {patient.family_name}", None, lang, today)
    episode = episode_for(
        ctx, episode.id, permission=Permission.PATIENT_READ, action=ACTION, resource_type=RESOURCE
    )
    return _build(ctx, episode, lang=lang, today=today)


def require_plan(copy: PatientCopy) -> PatientCopy:
    """The copy, or 409 when there is no care plan to print yet."""
    if not copy.has_plan:
        raise Conflict(
            problem("copy.no_care_plan", episode_id=str(copy.episode_id))
            if copy.episode_id
            else problem("copy.no_episode_care_plan")
        )
    return copy


# -- building ---------------------------------------------------------------------------------


def _lang(lang: str) -> str:
    return lang if lang in plain.LANGS else "sv"


def _empty(
    patient_id: uuid.UUID,
    name: str,
    episode_id: uuid.UUID | None,
    lang: str,
    today: date | None,
) -> PatientCopy:
    lang = _lang(lang)
    return PatientCopy(
        lang=lang,
        patient_id=patient_id,
        patient_name=name,
        printed_on=today or local_today(),
        episode_id=episode_id,
        plan_version=None,
        labels=_labels(lang),
    )


def _labels(lang: str) -> dict[str, str]:
    return plain.labels(lang)


def start_date(episode: Episode, today: date) -> date:
    """Day 1: the day the patient went home, else the planned day, else today."""
    if episode.started_at is not None:
        return as_utc(episode.started_at).astimezone(STOCKHOLM).date()
    return episode.planned_home_date or today


def _build(ctx: Context, episode: Episode, *, lang: str, today: date | None) -> PatientCopy:
    lang = _lang(lang)
    today = today or local_today()
    patient = patient_unlogged(ctx, episode.patient_id)
    name = f"{patient.given_name} {patient.family_name}"
    version = repository.current_plan_version(ctx.session, episode.id)
    if version is None:
        return _empty(patient.id, name, episode.id, lang, today)
    content: dict[str, Any] = version.content
    start = start_date(episode, today)
    unit = repository.unit(ctx.session, episode.responsible_unit_id)
    organisations = repository.participant_organisations(ctx.session, episode.id)
    care_contact = repository.user(ctx.session, episode.care_contact_id)
    pathway = registry().get(episode.pathway)
    expected = start + timedelta(days=pathway.typical_days_at_home) if pathway else None
    on_call = _on_call(ctx, episode, lang)
    return PatientCopy(
        lang=lang,
        patient_id=patient.id,
        patient_name=name,
        printed_on=today,
        episode_id=episode.id,
        plan_version=version.number,
        labels=_labels(lang),
        what_matters=patient.what_matters,
        goals=[plain.plain(goal, lang) for goal in content.get("goals", [])],
        days=_days(
            content.get("activities", []),
            start,
            today,
            lang,
            doses=visits.doses_of(ctx.session, episode.id),
        ),
        care_contact=_care_contact(care_contact, unit, lang),
        contacts=on_call[0]
        or _contacts(content.get("contacts", []), unit, organisations, care_contact, lang),
        calling_now=on_call[1],
        on_call_note=plain.text("on_call_note", lang) if on_call[0] else None,
        if_worse=[plain.plain(line, lang) for line in content.get("if_worse", [])]
        + [plain.text("call_112", lang)],
        medications=_medications(ctx, episode, organisations, start, lang),
        discharge_criteria=[plain.plain(c, lang) for c in content.get("discharge_criteria", [])],
        expected_discharge=expected,
        expected_text=(
            plain.text("expected", lang, date=plain.format_date(expected, lang))
            if expected
            else None
        ),
    )


def _days(
    activities: list[dict[str, Any]],
    start: date,
    today: date,
    lang: str,
    *,
    doses: Sequence[Dose] = (),
) -> list[Day]:
    """The days ahead in plain words. An activity that gives a medication (the IV doses)
    says the medication list's times, as its visits do (``dose_schedule``, decision 0015)."""
    days = []
    for offset in range(DAYS_SHOWN):
        day = today + timedelta(days=offset)
        number = (day - start).days + 1
        label = plain.format_date(day, lang, weekday=True)
        if offset == 0:
            label = f"{plain.text('today', lang)}, {label}"
        elif offset == 1:
            label = f"{plain.text('tomorrow', lang)}, {label}"
        else:
            label = label[0].upper() + label[1:]
        if number >= 1:
            label = f"{label} – {plain.text('day_n', lang, n=str(number))}"
            followed = [
                (
                    a,
                    dose_schedule(
                        a["schedule"],
                        medication_route_of(a.get("medication_route"), a.get("skills")),
                        doses,
                        day,
                        start,
                        as_written=True,
                    ),
                )
                for a in activities
            ]
            happening = [
                {**a, "schedule": when}
                for a, when in followed
                if when is not None and plain.occurs_on(when, number, day.weekday())
            ]
            happening.sort(key=lambda a: plain.first_time(a["schedule"]))
            lines = [
                plain.activity_sentence(
                    a["schedule"],
                    a["what"],
                    a["role"],
                    a["organisation_kind"],
                    setting=a.get("setting", "home"),
                    lang=lang,
                )
                for a in happening
            ] or [plain.text("nothing_planned", lang)]
        else:
            lines = [plain.text("before_home", lang, date=plain.format_date(start, lang))]
        days.append(Day(day=day, number=number, label=label, lines=lines))
    return days


def _unit_phone(unit: Unit | None) -> str | None:
    if unit is None:
        return None
    return unit.phone or unit.organisation.phone


def _care_contact(user: User | None, unit: Unit | None, lang: str) -> ContactLine | None:
    if user is None:
        return None
    return ContactLine(
        when=plain.text("care_contact", lang),
        who=user.full_name,
        phone=user.phone or _unit_phone(unit),
    )


_HOME_HEALTH = ("home health", "hemsjukvård")
_CARE_CONTACT = ("care contact", "vårdkontakt")


def _contacts(
    contacts: list[dict[str, Any]],
    unit: Unit | None,
    organisations: list[Organisation],
    care_contact: User | None,
    lang: str,
) -> list[ContactLine]:
    """The plan's contacts by time of day; a contact without a phone number gets the one of
    whom it names (home health care, the care contact) or of the responsible unit."""
    home_health = next(
        (o.phone for o in organisations if o.kind == "municipal_home_health_care" and o.phone),
        None,
    )
    lines = []
    for contact in contacts:
        who = str(contact.get("who", ""))
        phone = contact.get("phone")
        if not phone:
            lowered = who.lower()
            if any(word in lowered for word in _HOME_HEALTH) and home_health:
                phone = home_health
            elif any(word in lowered for word in _CARE_CONTACT) and care_contact is not None:
                phone = care_contact.phone or _unit_phone(unit)
            else:
                phone = _unit_phone(unit)
        lines.append(
            ContactLine(
                when=plain.contact_when(str(contact.get("when", "")), lang),
                who=plain.plain(who, lang),
                phone=phone,
            )
        )
    return lines


def _on_call_line(line: oncall.ContactLine, lang: str) -> ContactLine:
    return ContactLine(when=line.when(lang), who=line.who(lang), phone=line.phone)


def _on_call(
    ctx: Context, episode: Episode, lang: str
) -> tuple[list[ContactLine], list[ContactLine]]:
    """The contacts by time band and the ones to call now, from the on-call rosters of the
    responsible unit and the home health care (the nurse on call: whom the patient calls);
    ([], []) when none of them has a roster, so the plan's own contacts are shown."""
    lines = oncall.contacts_by_hour(ctx.session, episode, roles=PATIENT_CALLS)
    if not any(line.named for line in lines):
        return [], []
    now = oncall.contacts_now(ctx.session, episode, roles=PATIENT_CALLS)
    return [_on_call_line(x, lang) for x in lines], [_on_call_line(x, lang) for x in now]


def _medications(
    ctx: Context,
    episode: Episode,
    organisations: list[Organisation],
    start: date,
    lang: str,
) -> list[MedicationLine]:
    kinds = {str(o.id): o.kind for o in organisations}
    lines = []
    for medication in medication_snapshot(ctx.session, episode.id):
        days = medication.get("days")
        first = (
            date.fromisoformat(medication["start_date"]) if medication.get("start_date") else start
        )
        last = first + timedelta(days=days - 1) if days else None
        lines.append(
            MedicationLine(
                drug=medication["drug"],
                dose=medication["dose"],
                how=plain.route_text(medication["route"], lang),
                when=plain.when_text(medication["schedule"], lang),
                given_by=plain.given_by_text(
                    medication["given_by"],
                    kinds.get(medication.get("given_by_organisation_id") or ""),
                    lang,
                ),
                how_long=plain.duration_text(days, last, lang),
            )
        )
    return lines
