"""The care flow as forms: each step of an episode is a small page with one form.

Every POST parses the form, calls the same service as the API through ``attempt`` (a refused
step writes nothing) and redirects back to the patient page with a notice; a refused step is
shown again with the errors next to the fields and, for a refused transition, every reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.careplans import service as careplans
from samband.careplans.schemas import AcknowledgementCreate, CarePlanCreate, CarePlanUpdate
from samband.episodes import service as episodes
from samband.episodes import statemachine as sm
from samband.episodes.schemas import ChecklistSign, ContactCreate, EpisodeUpdate, TransitionCreate
from samband.episodes.states import OPEN_STATES, State
from samband.kit.errors import NotFound, Problem
from samband.kit.i18n import source
from samband.kit.text import ascii_int, is_ascii_digits
from samband.kit.time import STOCKHOLM, utcnow
from samband.medications import service as medications
from samband.medications.schemas import GivenBy, MedicationCreate, MedicationStop, Route
from samband.models import Episode
from samband.organisations import service as organisations
from samband.pathways.definition import registry
from samband.patients import service as patients
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.csrf import FIELD as CSRF_FIELD
from samband.web.csrf import FORM_ID
from samband.web.i18n import translate

router = APIRouter(include_in_schema=False)

HOSPITAL_KINDS = {"hospital_clinic", "hospital_ward", "mobile_team"}
# Transitions made on the generic transition page (assess and consent have their own).
TRANSITION_FORMS = (
    State.PLANNED,
    State.AT_HOME,
    State.DISCHARGED,
    State.READMITTED,
    State.DECEASED,
    State.WITHDRAWN,
)
REASON_REQUIRED = {State.READMITTED, State.DECEASED, State.WITHDRAWN}
# Steps that cannot be undone: the form asks "are you sure?" on a page of its own (server
# side: a POST without ``confirmed`` shows the confirmation, not the result).
CONFIRMED = {State.READMITTED, State.DECEASED, State.WITHDRAWN}
# Gates: steps whose conditions are recorded on the episode; the pages list what is missing.
GATES = (State.PLANNED, State.AT_HOME)
NOTICES = {
    "form_already_sent",
    "registered",
    "assessed",
    "not_eligible",
    "consented",
    "declined",
    "details",
    "plan_created",
    "plan_saved",
    "acknowledged",
    "medication_added",
    "medication_stopped",
    "signed",
    "request_sent",
    "request_updated",
    "contact",
    *(f"to_{s.value}" for s in TRANSITION_FORMS),
    # vital signs and alerts (web/vitals.py, web/alerts.py)
    "observation_saved",
    "observation_confirmed",
    "observation_in_error",
    "alert_acknowledged",
    "alert_action",
    "alert_admitted",
    "alert_closed",
    "self_report_started",
}


# -- shared helpers (also used by the patient and care-request pages) ------------------------


async def read_form(request: Request) -> dict[str, str]:
    """The submitted form as text fields (the last value of a repeated name), without the
    CSRF token (checked before the request got here: web/csrf.py)."""
    form = await request.form()
    return {
        key: value
        for key, value in form.multi_items()
        if isinstance(value, str) and key not in (CSRF_FIELD, FORM_ID)
    }


FormData = Annotated[dict[str, str], Depends(read_form)]


def blank(value: str | None) -> str | None:
    """A form's empty text is 'not given'."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def back(path: str, notice: str) -> RedirectResponse:
    """Post/Redirect/Get: back to the page, with a notice the page shows once."""
    return RedirectResponse(f"{path}?notice={notice}", status_code=303)


def notice_of(request: Request) -> str | None:
    notice = request.query_params.get("notice")
    return f"notice.{notice}" if notice in NOTICES else None


def error_status(errors: FormErrors) -> int:
    return 409 if errors.general and not any(k for k in errors.fields if k) else 422


def remap(errors: FormErrors, mapping: Callable[[str], str]) -> FormErrors:
    """Rename error fields to the form's field names ('' for the form as a whole)."""
    renamed = FormErrors()
    for name, message in errors.fields.items():
        renamed.fields.setdefault(mapping(name), message)
    return renamed


def merge(*many: FormErrors) -> FormErrors:
    merged = FormErrors()
    for errors in many:
        for name, message in errors.fields.items():
            merged.fields.setdefault(name, message)
    return merged


def text(request: Request, key: str) -> str:
    return translate(key, language(request))


def patient_path(episode: Episode) -> str:
    return f"/patients/{episode.patient_id}"


@dataclass(frozen=True)
class Action:
    href: str
    label: str  # i18n key
    style: str = ""  # primary | danger | ''


def actions_for(ctx: Context, episode: Episode) -> list[Action]:
    """The forms that fit the episode's state and the user's role, for the actions block."""
    actor = ctx.actor
    base = f"/episodes/{episode.id}"
    state = State(episode.state)
    is_open = state in OPEN_STATES
    found: list[Action] = []
    # The responsible organisation leads: only it moves or ends the episode, changes who is
    # responsible and sends care requests (docs/decisions/0010).
    leads = episodes.leads(ctx, episode)
    for target in episodes.allowed_transitions(episode) if leads else []:
        transition = sm.find(state, target)
        if transition is None or actor.role not in transition.roles:
            continue
        if target == State.ASSESSED:
            found.append(Action(f"{base}/assess", "action.assess", "primary"))
        elif target == State.CONSENTED:
            found.append(Action(f"{base}/consent", "action.consent", "primary"))
        elif target in TRANSITION_FORMS:
            style = "danger" if target in (State.DECEASED, State.WITHDRAWN) else "primary"
            found.append(Action(f"{base}/transition/{target.value}", f"action.to_{target}", style))
    if not is_open:
        return found
    # an enrolment's physician and care contact are the patient's fixed ones, set on the
    # enrolment's page (web/enrolments.py, decision 0018)
    if leads and actor.can(Permission.EPISODE_UPDATE) and not episodes.is_enrolment(episode):
        found.append(Action(f"{base}/details", "action.details"))
    if actor.can(Permission.CARE_PLAN_WRITE) or actor.can(Permission.CARE_PLAN_ACKNOWLEDGE):
        found.append(Action(f"{base}/care-plan", "action.care_plan"))
    if actor.can(Permission.MEDICATION_WRITE):
        found.append(Action(f"{base}/medications", "action.medications"))
    if actor.can(Permission.CHECKLIST_SIGN) and any(
        not item.done and actor.role in item.signer_roles for item in episode.checklist
    ):
        found.append(Action(f"{base}/checklist", "action.checklist"))
    participants = {p.organisation_id for p in episode.participants}
    if leads and actor.can(Permission.CARE_REQUEST_SEND) and actor.organisation_id in participants:
        found.append(Action(f"{base}/care-request", "action.care_request"))
    if state == State.AT_HOME and actor.can(Permission.EPISODE_UPDATE):
        found.append(Action(f"{base}/contact", "action.contact"))
    # The state changes first, the rest in a stable order.
    return found


@dataclass(frozen=True)
class Missing:
    """One thing missing before a gate, and where it is fixed (None: not by this user)."""

    problem: Problem
    href: str | None


def _fix_path(problem: Problem, episode: Episode) -> str:
    """Where the thing a gate's problem names is fixed (by the problem's code)."""
    base = f"/episodes/{episode.id}"
    code = problem.code
    if code.startswith("checklist."):
        label = str(problem.params.get("item", ""))
        key = next((i.key for i in episode.checklist if i.label == label), "")
        return f"{base}/checklist#item-{key}" if key else f"{base}/checklist#checklist"
    if code.startswith("carerequest."):
        return f"{base}/care-request"
    if "acknowledged" in code:
        return f"{base}/care-plan#acknowledge"
    if "care_plan" in code or "discharge_criteria" in code:
        return f"{base}/care-plan"
    if "care_contact" in code or "physician" in code:
        return f"{base}/details"
    return f"/patients/{episode.patient_id}"


def missing_before(
    ctx: Context, episode: Episode, actions: list[Action]
) -> dict[str, list[Missing]]:
    """For each gate among the actions (by its state), what is missing, each with a link to
    the page where it is fixed when the user can use that page (the checklist can always be
    read; the others are the user's actions)."""
    usable = {a.href for a in actions} | {f"/episodes/{episode.id}/checklist"}
    found: dict[str, list[Missing]] = {}
    for action in actions:
        target = next((g for g in GATES if action.href.endswith(f"/transition/{g.value}")), None)
        if target is None:
            continue
        missing = []
        for problem in episodes.blockers(ctx, episode, target):
            path = _fix_path(problem, episode)
            missing.append(Missing(problem, path if path.split("#")[0] in usable else None))
        found[target.value] = missing
    return found


def episode_page(
    request: Request,
    ctx: Context,
    template: str,
    episode: Episode,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    **data: Any,
) -> HTMLResponse:
    """A flow form's page: the patient and episode on top, the form, errors next to fields."""
    errors = errors or FormErrors()
    patient = patients.get(ctx, episode.patient_id)
    pathway = registry().get(episode.pathway)
    return render(
        request,
        template,
        ctx,
        status_code=error_status(errors) if errors else 200,
        episode=episode,
        patient=patient,
        pathway=pathway,
        errors=errors,
        reasons=errors.reasons,
        values=values or {},
        notice=notice_of(request),
        **data,
    )


# -- assess -------------------------------------------------------------------------------


@router.get("/episodes/{episode_id}/assess", response_class=HTMLResponse)
def assess_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    episode = episodes.get(ctx, episode_id)
    return episode_page(request, ctx, "flow_assess.html", episode)


@router.post("/episodes/{episode_id}/assess", response_model=None)
def assess(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    episode = episodes.get(ctx, episode_id)
    pathway = registry().get(episode.pathway)
    criteria = pathway.eligibility if pathway else []
    errors = FormErrors()
    answers: dict[str, bool] = {}
    for criterion in criteria:
        answer = form.get(f"crit_{criterion.key}")
        if answer not in ("yes", "no"):
            errors.fields[f"crit_{criterion.key}"] = text(request, "form.answer_yes_no")
        else:
            answers[criterion.key] = answer == "yes"
    eligible = form.get("eligible")
    if eligible not in ("yes", "no"):
        errors.fields["eligible"] = text(request, "form.answer_yes_no")
    elif eligible == "no" and not blank(form.get("reason")):
        errors.fields["reason"] = text(request, "form.reason_required")
    data, parse_errors = parse_form(
        TransitionCreate,
        {
            "to": State.ASSESSED.value,
            "eligible": eligible == "yes" if eligible in ("yes", "no") else None,
            "answers": answers,
            "reason": blank(form.get("reason")),
            "base_version": blank(form.get("base_version")),
        },
    )
    errors = merge(errors, parse_errors)
    if not errors and data is not None:
        done, errors = attempt(ctx, lambda: episodes.transition(ctx, episode_id, data))
        if done is not None:
            return back(patient_path(done), done.state)
    episode = episodes.get(ctx, episode_id)
    return episode_page(request, ctx, "flow_assess.html", episode, errors=errors, values=form)


# -- consent ------------------------------------------------------------------------------


@router.get("/episodes/{episode_id}/consent", response_class=HTMLResponse)
def consent_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    episode = episodes.get(ctx, episode_id)
    return episode_page(request, ctx, "flow_consent.html", episode)


@router.post("/episodes/{episode_id}/consent", response_model=None)
def consent(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    errors = FormErrors()
    if form.get("decision") == "declined":
        if not blank(form.get("reason")):
            errors.fields["reason"] = text(request, "form.reason_required")
        body: dict[str, Any] = {"to": State.DECLINED.value, "reason": blank(form.get("reason"))}
    else:
        for name in ("patient_informed", "patient_consents"):
            if form.get(name) != "on":
                errors.fields[name] = text(request, f"form.{name}_required")
        body = {
            "to": State.CONSENTED.value,
            "patient_informed": form.get("patient_informed") == "on",
            "next_of_kin_informed": form.get("next_of_kin_informed") == "on",
            "patient_consents": form.get("patient_consents") == "on",
            "shared_records_consent": form.get("shared_records_consent") == "on",
            "reason": blank(form.get("note")),
        }
    body["base_version"] = blank(form.get("base_version"))
    data, parse_errors = parse_form(TransitionCreate, body)
    errors = merge(errors, parse_errors)
    if not errors and data is not None:
        done, errors = attempt(ctx, lambda: episodes.transition(ctx, episode_id, data))
        if done is not None:
            return back(patient_path(done), done.state)
    episode = episodes.get(ctx, episode_id)
    return episode_page(request, ctx, "flow_consent.html", episode, errors=errors, values=form)


# -- episode details ------------------------------------------------------------------------


def _staff(ctx: Context, episode: Episode) -> list[Any]:
    return organisations.staff_of(ctx, {p.organisation_id for p in episode.participants})


CLINICAL_ROLES = {"physician", "registered_nurse", "assistant_nurse", "coordinator"}


def _details_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    staff = _staff(ctx, episode)
    return episode_page(
        request,
        ctx,
        "flow_details.html",
        episode,
        errors=errors,
        values=values
        or {
            "responsible_physician_id": str(episode.responsible_physician_id or ""),
            "care_contact_id": str(episode.care_contact_id or ""),
            "planned_home_date": str(episode.planned_home_date or ""),
        },
        physicians=[u for u in staff if u.role == "physician"],
        contacts=[u for u in staff if u.role in CLINICAL_ROLES],
    )


@router.get("/episodes/{episode_id}/details", response_class=HTMLResponse)
def details_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _details_page(request, ctx, episodes.get(ctx, episode_id))


@router.post("/episodes/{episode_id}/details", response_model=None)
def details(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    body = {
        name: blank(form.get(name))
        for name in ("responsible_physician_id", "care_contact_id", "planned_home_date")
        if blank(form.get(name))
    }
    data, errors = parse_form(EpisodeUpdate, body)
    if data is not None:
        done, errors = attempt(ctx, lambda: episodes.update(ctx, episode_id, data))
        if done is not None:
            return back(patient_path(done), "details")
    return _details_page(request, ctx, episodes.get(ctx, episode_id), errors, form)


# -- care plan ------------------------------------------------------------------------------

EXTRA_CONTACT_ROWS = 2


def _plan_values(content: dict[str, Any], lang: str) -> dict[str, Any]:
    """The plan's texts in the editor. A text the pathway's template wrote (in English) is
    offered in the page's language, so the plan agreed with the patient is in Swedish; a text
    somebody wrote stays as written."""
    values: dict[str, Any] = {
        part: "\n".join(source(line, lang) for line in content.get(part, []))
        for part in ("goals", "if_worse", "discharge_criteria")
    }
    contacts = content.get("contacts", [])
    for index, contact in enumerate(contacts):
        for part in ("when", "who", "phone"):
            text = contact.get(part) or ""
            values[f"contact_{part}_{index}"] = source(text, lang) if part != "phone" else text
    values["contact_rows"] = len(contacts) + EXTRA_CONTACT_ROWS
    return values


def _plan_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    views = careplans.list_for_episode(ctx, episode.id)
    view = views[0] if views else None
    names: dict[uuid.UUID, str] = {}
    org_names: dict[uuid.UUID, str] = {}
    if view is not None:
        if values is None:
            values = _plan_values(view.version.content, language(request))
        names = organisations.user_names(ctx, {a.recorded_by_id for a in view.acknowledgements})
        org_names = {o.id: o.name for o in organisations.list_organisations(ctx)}
    values = values or {}
    rows = ascii_int(str(values.get("contact_rows") or "")) or EXTRA_CONTACT_ROWS
    return episode_page(
        request,
        ctx,
        "flow_care_plan.html",
        episode,
        errors=errors,
        values=values,
        view=view,
        contact_rows=range(min(max(rows, 1), 20)),
        names=names,
        org_names=org_names,
        can_write=ctx.actor.can(Permission.CARE_PLAN_WRITE),
    )


@router.get("/episodes/{episode_id}/care-plan", response_class=HTMLResponse)
def care_plan_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _plan_page(request, ctx, episodes.get(ctx, episode_id))


@router.post("/episodes/{episode_id}/care-plan/create", response_model=None)
def create_care_plan(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> Response:
    done, errors = attempt(
        ctx, lambda: careplans.create(ctx, CarePlanCreate(episode_id=episode_id))
    )
    if done is not None:
        return back(f"/episodes/{episode_id}/care-plan", "plan_created")
    return _plan_page(request, ctx, episodes.get(ctx, episode_id), errors)


def _plan_field(name: str) -> str:
    """content.contacts.1.phone → contact_phone_1; content.goals.3 → goals."""
    parts = name.split(".")
    if parts[0] != "content" or len(parts) < 2:
        return name if name in ("change_note",) else ""
    if parts[1] == "contacts" and len(parts) >= 4:
        return f"contact_{parts[3]}_{parts[2]}"
    if parts[1] in ("goals", "if_worse", "discharge_criteria"):
        return parts[1]
    return ""


@router.post("/episodes/{episode_id}/care-plan", response_model=None)
def save_care_plan(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    episode = episodes.get(ctx, episode_id)
    views = careplans.list_for_episode(ctx, episode.id)
    if not views:
        raise NotFound(f"episode {episode_id} has no care plan yet; create it first")
    view = views[0]
    current = view.version.content
    contacts: list[dict[str, Any]] = []
    rows: list[int] = []  # the form row of each contact given
    for index in range(20):
        row = {
            part: blank(form.get(f"contact_{part}_{index}")) for part in ("when", "who", "phone")
        }
        if any(row.values()):
            contacts.append(row)
            rows.append(index)
    content = {
        **current,  # what the form does not edit (activities, alert limits, notes) stays
        "goals": lines(form.get("goals")),
        "contacts": contacts,
        "if_worse": lines(form.get("if_worse")),
        "discharge_criteria": lines(form.get("discharge_criteria")),
    }
    data, errors = parse_form(
        CarePlanUpdate,
        {
            "base_version": blank(form.get("base_version")),
            "content": content,
            "change_note": blank(form.get("change_note")),
        },
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: careplans.update(ctx, view.plan.id, data))
        if done is not None:
            return back(patient_path(episode), "plan_saved")

    def field(name: str) -> str:
        mapped = _plan_field(name)
        if mapped.startswith("contact_"):  # back to the row the person typed in
            part, _, index = mapped.removeprefix("contact_").partition("_")
            if is_ascii_digits(index) and int(index) < len(rows):
                return f"contact_{part}_{rows[int(index)]}"
        return mapped

    return _plan_page(request, ctx, episode, remap(errors, field), form)


@router.post("/episodes/{episode_id}/care-plan/acknowledge", response_model=None)
def acknowledge_care_plan(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    episode = episodes.get(ctx, episode_id)
    views = careplans.list_for_episode(ctx, episode.id)
    if not views:
        raise NotFound(f"episode {episode_id} has no care plan yet; create it first")
    view = views[0]
    number = ascii_int(form.get("version")) or view.plan.current_version
    data, errors = parse_form(
        AcknowledgementCreate,
        {"party": form.get("party") or "", "name": blank(form.get("ack_name"))},
    )
    errors = remap(errors, lambda n: {"name": "ack_name", "party": "party"}.get(n, ""))
    if data is not None:
        done, errors = attempt(ctx, lambda: careplans.acknowledge(ctx, view.plan.id, number, data))
        errors = remap(errors, lambda n: "ack_name" if n == "name" else n)
        if done is not None:
            return back(patient_path(episode), "acknowledged")
    return _plan_page(request, ctx, episode, errors)


# -- medications ----------------------------------------------------------------------------


def _medications_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    return episode_page(
        request,
        ctx,
        "flow_medications.html",
        episode,
        errors=errors,
        values=values or {"route": "iv", "given_by": "registered_nurse"},
        medications=medications.list_for_episode(ctx, episode.id, include_stopped=True),
        routes=[r.value for r in Route],
        givers=[g.value for g in GivenBy],
    )


@router.get("/episodes/{episode_id}/medications", response_class=HTMLResponse)
def medications_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _medications_page(request, ctx, episodes.get(ctx, episode_id))


@router.post("/episodes/{episode_id}/medications", response_model=None)
def add_medication(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    body = {
        name: blank(form.get(name))
        for name in ("drug", "dose", "route", "schedule", "given_by", "supplied_by", "days")
    }
    data, errors = parse_form(MedicationCreate, {"episode_id": str(episode_id), **body})
    if data is not None:
        done, errors = attempt(ctx, lambda: medications.add(ctx, data))
        if done is not None:
            return back(f"/episodes/{episode_id}/medications", "medication_added")
    return _medications_page(request, ctx, episodes.get(ctx, episode_id), errors, form)


@router.post("/episodes/{episode_id}/medications/{medication_id}/stop", response_model=None)
def stop_medication(
    request: Request,
    ctx: WebContext,
    episode_id: uuid.UUID,
    medication_id: uuid.UUID,
    form: FormData,
) -> Response:
    data, errors = parse_form(MedicationStop, {"reason": blank(form.get("reason"))})
    if data is not None:
        done, errors = attempt(ctx, lambda: medications.stop(ctx, medication_id, data))
        if done is not None:
            return back(f"/episodes/{episode_id}/medications", "medication_stopped")
    errors = remap(errors, lambda n: f"stop_{medication_id}" if n in ("reason", "") else n)
    return _medications_page(request, ctx, episodes.get(ctx, episode_id), errors)


# -- checklist ------------------------------------------------------------------------------


def _checklist_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    items = episodes.checklist(ctx, episode.id)
    names = organisations.user_names(ctx, {i.signed_by_id for i in items})
    signable = [i for i in items if not i.done and ctx.actor.role in i.signer_roles]
    return episode_page(
        request,
        ctx,
        "flow_checklist.html",
        episode,
        errors=errors,
        values=values,
        items=items,
        names=names,
        signable={i.key for i in signable} if ctx.actor.can(Permission.CHECKLIST_SIGN) else set(),
    )


@router.get("/episodes/{episode_id}/checklist", response_class=HTMLResponse)
def checklist_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _checklist_page(request, ctx, episodes.get(ctx, episode_id))


def _back_to_checklist(episode_id: uuid.UUID, anchor: str = "checklist") -> RedirectResponse:
    """Back to the checklist where the user was (its anchor), not to the top of the page."""
    return RedirectResponse(
        f"/episodes/{episode_id}/checklist?notice=signed#{anchor}", status_code=303
    )


@router.post("/episodes/{episode_id}/checklist/sign", response_model=None)
def sign_items(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    """Sign every ticked item at once (``sign_<key>``, each with its own ``note_<key>``): all
    of them or, if one is refused, none."""
    episode = episodes.get(ctx, episode_id)
    keys = [i.key for i in episode.checklist if form.get(f"sign_{i.key}") == "on"]
    errors = FormErrors()
    signs: list[tuple[str, ChecklistSign]] = []
    for key in keys:
        data, parse_errors = parse_form(ChecklistSign, {"note": blank(form.get(f"note_{key}"))})
        for message in parse_errors.fields.values():  # the note is the only field
            errors.fields.setdefault(f"note_{key}", message)
        if data is not None:
            signs.append((key, data))
    if not keys:
        errors.fields[""] = text(request, "check.choose_items")
    if not errors:

        def sign_all() -> int:
            for key, data in signs:
                episodes.sign_item(ctx, episode_id, key, data)
            return len(signs)

        done, errors = attempt(ctx, sign_all)
        if done is not None:
            return _back_to_checklist(episode_id)
    return _checklist_page(request, ctx, episodes.get(ctx, episode_id), errors, form)


@router.post("/episodes/{episode_id}/checklist/{key}/sign", response_model=None)
def sign_item(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, key: str, form: FormData
) -> Response:
    data, errors = parse_form(ChecklistSign, {"note": blank(form.get("note"))})
    if data is not None:
        done, errors = attempt(ctx, lambda: episodes.sign_item(ctx, episode_id, key, data))
        if done is not None:
            return _back_to_checklist(episode_id, f"item-{key}")
    errors = remap(errors, lambda n: f"note_{key}")
    return _checklist_page(request, ctx, episodes.get(ctx, episode_id), errors)


# -- transitions ----------------------------------------------------------------------------


def _target(value: str) -> State:
    try:
        target = State(value)
    except ValueError:
        target = None  # type: ignore[assignment]
    if target not in TRANSITION_FORMS:
        raise NotFound(
            f"no form for '{value}'; forms: {', '.join(s.value for s in TRANSITION_FORMS)}"
        )
    return target


def _discharge_criteria(ctx: Context, episode: Episode) -> list[str]:
    """The current care plan's discharge criteria (as written in the plan)."""
    views = careplans.list_for_episode(ctx, episode.id)
    return list(views[0].version.content.get("discharge_criteria", [])) if views else []


def _transition_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    target: State,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    *,
    confirm: bool = False,
    unmet: list[str] | None = None,
) -> HTMLResponse:
    wards = organisations.units(ctx, kinds=HOSPITAL_KINDS) if target == State.READMITTED else []
    criteria = _discharge_criteria(ctx, episode) if target == State.DISCHARGED else []
    if values is None:
        values = {"use_reserved_bed": "on"}
        values.update({f"met_{i}": "" for i in range(len(criteria))})
    missing = (
        missing_before(ctx, episode, actions_for(ctx, episode)).get(target.value, [])
        if target in GATES and not confirm
        else []
    )
    return episode_page(
        request,
        ctx,
        "flow_transition.html",
        episode,
        errors=errors,
        values=values,
        target=target,
        reason_required=target in REASON_REQUIRED,
        wards=wards,
        ward_names={str(u.id): f"{u.name} · {u.organisation.name}" for u in wards},
        criteria=criteria,
        missing=missing,
        confirm=confirm,
        unmet=unmet or [],
        # what the confirmation page sends again, as it was typed
        carried={k: v for k, v in values.items() if k not in ("confirmed", "edit")},
    )


@router.get("/episodes/{episode_id}/transition/{target}", response_class=HTMLResponse)
def transition_form(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, target: str
) -> HTMLResponse:
    return _transition_page(request, ctx, episodes.get(ctx, episode_id), _target(target))


@router.post("/episodes/{episode_id}/transition/{target}", response_model=None)
def transition(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, target: str, form: FormData
) -> Response:
    state = _target(target)
    errors = FormErrors()
    body: dict[str, Any] = {
        "to": state.value,
        "reason": blank(form.get("reason")),
        "base_version": blank(form.get("base_version")),
    }
    if state in REASON_REQUIRED and not body["reason"]:
        errors.fields["reason"] = text(request, "form.reason_required")
    if state == State.READMITTED:
        body["ward_unit_id"] = blank(form.get("ward_unit_id"))
        body["use_reserved_bed"] = form.get("use_reserved_bed") == "on"
        if not body["ward_unit_id"]:
            errors.fields["ward_unit_id"] = text(request, "form.choose")
    if state == State.DECEASED:
        expected = form.get("death_expected")
        if expected not in ("yes", "no"):
            errors.fields["death_expected"] = text(request, "form.answer_yes_no")
        body["death_expected"] = expected == "yes"
    unmet: list[str] = []
    if state == State.DISCHARGED:
        criteria = _discharge_criteria(ctx, episodes.get(ctx, episode_id))
        unmet = [c for i, c in enumerate(criteria) if form.get(f"met_{i}") != "on"]
        if unmet:
            body["unmet_discharge_criteria"] = unmet
    data, parse_errors = parse_form(TransitionCreate, body)
    errors = merge(errors, parse_errors)
    confirmed = form.get("confirmed") == "yes"
    if not errors and data is not None and form.get("edit") != "yes":
        episode = episodes.get(ctx, episode_id)
        mine = any(a.href.endswith(f"/transition/{state.value}") for a in actions_for(ctx, episode))
        if mine and not confirmed and (state in CONFIRMED or unmet):
            # ask first: the same values again, with "yes, I am sure" (a step that is not the
            # user's to take is refused by the service below, as before)
            return _transition_page(
                request, ctx, episode, state, values=form, confirm=True, unmet=unmet
            )
        done, errors = attempt(ctx, lambda: episodes.transition(ctx, episode_id, data))
        if done is not None:
            return back(patient_path(done), f"to_{state.value}")
    episode = episodes.get(ctx, episode_id)
    return _transition_page(request, ctx, episode, state, errors, form)


# -- day-1 contact --------------------------------------------------------------------------


def _contact_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    now = utcnow().astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
    return episode_page(
        request,
        ctx,
        "flow_contact.html",
        episode,
        errors=errors,
        values=values or {"at": now, "kind": "day1", "spoke_with": "patient", "outcome": "well"},
    )


@router.get("/episodes/{episode_id}/contact", response_class=HTMLResponse)
def contact_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _contact_page(request, ctx, episodes.get(ctx, episode_id))


@router.post("/episodes/{episode_id}/contact", response_model=None)
def record_contact(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    errors = FormErrors()
    at: datetime | None = None
    if blank(form.get("at")):
        try:
            at = datetime.fromisoformat(form["at"].strip()).replace(tzinfo=STOCKHOLM)
        except ValueError:
            errors.fields["at"] = text(request, "form.datetime")
    data, parse_errors = parse_form(
        ContactCreate,
        {
            "kind": form.get("kind") or "day1",
            "at": at,
            "caller": blank(form.get("caller")),
            "spoke_with": form.get("spoke_with") or "patient",
            "outcome": form.get("outcome") or "",
            "note": blank(form.get("note")),
        },
    )
    errors = merge(errors, parse_errors)
    if not errors and data is not None:
        done, errors = attempt(ctx, lambda: episodes.record_contact(ctx, episode_id, data))
        if done is not None:
            return back(f"/patients/{episodes.get(ctx, episode_id).patient_id}", "contact")
    return _contact_page(request, ctx, episodes.get(ctx, episode_id), errors, form)
