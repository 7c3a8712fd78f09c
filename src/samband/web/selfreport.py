"""The patient's tablet view: *Hur mår du idag?* and the measurements in plain Swedish, big
buttons, one form; a thank-you screen that says whom to call if things get worse (never the
score). How the tablet gets there without a staff login: docs/decisions/0008.

- ``GET /self-report/{episode}`` on a tablet in patient mode: the form. Logged-in staff see
  instead what patient mode is and a button to start it on this device
  (``POST …/start``): the tablet is paired with the episode (``selfreport.service.pair``),
  the staff member's session on this device ends, and the tablet keeps only the pairing.
- ``POST /self-report/{episode}``: values checked first with plain words (an impossible value
  is refused here and nothing is stored), then the same ingestion service as devices use,
  as ``self_report``.
- ``POST …/end``: staff end patient mode on the tablet.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.config import get_settings
from samband.deps import Unit
from samband.episodes.states import OPEN_STATES
from samband.kit.errors import Problem, Unauthenticated
from samband.kit.time import utcnow
from samband.models import Episode
from samband.monitoring import intake
from samband.observations.schemas import ObservationCreate, Source
from samband.pathways.definition import registry
from samband.patientcopy import service as patientcopy
from samband.patients import service as patients
from samband.security import service as security
from samband.security.context import Context
from samband.security.roles import Permission
from samband.selfreport import service as selfreport
from samband.web.auth import end_session_cookie, login_redirect
from samband.web.base import (
    SESSION_COOKIE,
    FormErrors,
    LoginRequired,
    attempt,
    get_web_context,
    language,
    parse_form,
    render,
)
from samband.web.flow import FormData, blank
from samband.web.i18n import translate
from samband.web.vitals import number_text, parse_number

router = APIRouter(include_in_schema=False)

COOKIE = "samband_patient_mode"
COOKIE_PATH = "/self-report"
# the fields a patient may fill in, in the order asked, with an example value
FIELDS: dict[str, tuple[bool, str]] = {  # name: (whole number, example)
    "temperature": (False, "37,5"),
    "spo2": (True, "96"),
    "pulse": (True, "72"),
    "systolic_bp": (True, "130"),
    "diastolic_bp": (True, "80"),
    "respiratory_rate": (True, "16"),
    "weight": (False, "72,5"),
}
FEELINGS = ("good", "as_usual", "worse")


# -- who is asking --------------------------------------------------------------------------


def _cookie(request: Request) -> tuple[uuid.UUID, str] | None:
    raw = request.cookies.get(COOKIE, "")
    episode, _, secret = raw.partition(".")
    try:
        return uuid.UUID(episode), secret
    except ValueError:
        return None


def _patient_mode(unit: Unit, request: Request, episode_id: uuid.UUID) -> Context | None:
    """The context of a tablet paired with this episode, or None."""
    found = _cookie(request)
    if found is None or found[0] != episode_id or not found[1]:
        return None
    try:
        unit.actor = selfreport.authenticate(unit.session, episode_id, found[1])
    except Unauthenticated:
        return None
    return Context(session=unit.session, actor=unit.actor, log=unit.log)


def _staff(unit: Unit, request: Request) -> Context | None:
    if not request.cookies.get(SESSION_COOKIE):
        return None
    try:
        return get_web_context(unit, request)
    except LoginRequired:
        return None


def _ended(request: Request, status_code: int = 200) -> HTMLResponse:
    """Patient mode is over (or was never started on this tablet)."""
    response = render(request, "self_report_ended.html", status_code=status_code)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


def _open_episode(ctx: Context, episode_id: uuid.UUID) -> Episode | None:
    episode = selfreport.episode(ctx, episode_id)
    return episode if episode.state in OPEN_STATES else None


# -- the form ---------------------------------------------------------------------------------


def _fields(episode: Episode) -> list[str]:
    """The pathway's scheduled measurements a patient can take (not ACVPU)."""
    pathway = registry().get(episode.pathway)
    wanted = set(pathway.vital_signs.parameters) if pathway else set(FIELDS)
    if "systolic_bp" in wanted:
        wanted.add("diastolic_bp")
    return [name for name in FIELDS if name in wanted]


def _form(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    patient = patients.get(ctx, episode.patient_id)
    pathway = registry().get(episode.pathway)
    asks_oxygen = pathway is None or "on_oxygen" in pathway.vital_signs.parameters
    errors = errors or FormErrors()
    return render(
        request,
        "self_report.html",
        status_code=422 if errors else 200,
        episode=episode,
        given_name=patient.given_name,
        fields=_fields(episode),
        examples={name: example for name, (_, example) in FIELDS.items()},
        asks_oxygen=asks_oxygen,
        feelings=FEELINGS,
        # issue 14 (palliative): ESAS-r on the tablet (web/palliative.py)
        symptoms=pathway is not None and pathway.symptom_assessment is not None,
        errors=errors,
        values=values or {"client_id": f"self-report-{uuid.uuid4()}"},
    )


@router.get("/self-report", response_model=None)
def self_report_home(request: Request) -> Response:
    """A bookmark on the tablet: to the paired episode's form, or to the login page."""
    found = _cookie(request)
    if found is None:
        return login_redirect("/")
    return RedirectResponse(f"/self-report/{found[0]}", status_code=303)


@router.get("/self-report/{episode_id}", response_model=None)
def self_report_page(request: Request, unit: Unit, episode_id: uuid.UUID) -> Response:
    ctx = _patient_mode(unit, request, episode_id)
    if ctx is not None:
        episode = _open_episode(ctx, episode_id)
        return _form(request, ctx, episode) if episode else _ended(request)
    staff = _staff(unit, request)
    if staff is not None:
        return _start_page(request, staff, episode_id)
    if request.cookies.get(COOKIE):
        return _ended(request)
    return login_redirect(request.url.path)


def _message(key: str, lang: str, **values: str) -> str:
    return translate(key, lang).format(**values)


def _example(name: str, lang: str) -> str:
    example = FIELDS[name][1]
    return example if lang == "sv" else example.replace(",", ".")


def patient_words(found: Problem | str, lang: str) -> str:
    """A problem with the measurements (the schema's plausibility checks, the service's
    refusals) in the tablet's plain words: the wording is the page's, the rule is the
    service's (observations/plausibility.py)."""
    if not isinstance(found, Problem):
        return found
    name = found.field or ""
    value = found.params.get("value")
    shown = number_text(float(value), lang) if isinstance(value, int | float) else ""
    if found.code == "observation.fahrenheit":
        return _message("selfreport.error.fahrenheit", lang, value=shown)
    if found.code in ("observation.impossible", "observation.impossible_zero") and name in FIELDS:
        high = found.params.get("high")
        if name == "spo2" and isinstance(value, int | float) and isinstance(high, int | float):
            if value > high:
                return _message("selfreport.error.spo2", lang, value=shown)
        label = translate(f"selfreport.field.{name}", lang)
        return _message(
            "selfreport.error.impossible",
            lang,
            value=shown,
            what=label.lower(),
            example=_example(name, lang),
        )
    if found.code == "observation.pressure_not_below":
        return translate("selfreport.error.pressure", lang)
    if found.code == "observation.nothing_measured":
        return translate("selfreport.error.empty", lang)
    return found.text(lang)


def read_form(
    form: dict[str, str], fields: list[str], lang: str
) -> tuple[dict[str, Any], FormErrors]:
    """The patient's values as numbers (what cannot be read as a number is said in plain
    words); whether they are possible is the service's to say (``measurement``)."""
    errors = FormErrors()
    values: dict[str, Any] = {}
    for name in fields:
        whole, _ = FIELDS[name]
        value, problem = parse_number(form.get(name), whole)
        if problem == "form.whole_number":
            errors.fields[name] = _message(
                "selfreport.error.whole", lang, example=_example(name, lang)
            )
        elif problem:
            errors.fields[name] = _message(
                "selfreport.error.number", lang, example=_example(name, lang)
            )
        elif value is not None:
            values[name] = value
    if form.get("on_oxygen") in ("yes", "no"):
        values["on_oxygen"] = form["on_oxygen"] == "yes"
    feeling = form.get("feeling")
    text = blank(form.get("symptoms"))
    said = []
    if feeling in FEELINGS:
        # kept in Swedish, the staff's language, whatever the tablet shows
        said.append(
            f"{translate('selfreport.feeling', 'sv')} "
            f"{translate(f'selfreport.feeling.{feeling}', 'sv')}"
        )
    if text:
        said.append(text[:1900])
    if said:
        values["symptoms"] = "\n".join(said)
    return values, errors


def measurement(
    episode: Episode, values: dict[str, Any], client_id: str | None, lang: str
) -> tuple[ObservationCreate | None, FormErrors]:
    """The report as the service takes it, or its problems in the patient's words (nothing
    is stored when anything is wrong)."""
    data, errors = parse_form(
        ObservationCreate,
        {
            "patient_id": episode.patient_id,
            "episode_id": episode.id,
            "measured_at": utcnow(),
            "source": Source.SELF_REPORT,
            "client_id": client_id,
            **values,
        },
    )
    return data, FormErrors(
        {name: patient_words(found, lang) for name, found in errors.fields.items()}
    )


@router.post("/self-report/{episode_id}", response_model=None)
def send_report(request: Request, unit: Unit, episode_id: uuid.UUID, form: FormData) -> Response:
    ctx = _patient_mode(unit, request, episode_id)
    if ctx is None:
        return _ended(request, status_code=401)
    episode = _open_episode(ctx, episode_id)
    if episode is None:
        return _ended(request)
    lang = language(request)
    values, errors = read_form(form, _fields(episode), lang)
    if not errors:
        data, errors = measurement(episode, values, blank(form.get("client_id")), lang)
        if data is not None:
            done, refused = attempt(ctx, lambda: intake.ingest_one(ctx, data))
            # the same form sent twice (a double tap): its client_id is taken, one set stored
            if done is not None or refused.get("client_id"):
                feeling = form.get("feeling")
                query = "?worse=1" if feeling == "worse" else ""
                return RedirectResponse(f"/self-report/{episode.id}/thanks{query}", 303)
            errors = FormErrors({"": translate("selfreport.error.general", lang)})
    return _form(request, ctx, episode, errors, form)


@router.get("/self-report/{episode_id}/thanks", response_model=None)
def thanks(request: Request, unit: Unit, episode_id: uuid.UUID, worse: int = 0) -> Response:
    ctx = _patient_mode(unit, request, episode_id)
    if ctx is None:
        return _ended(request, status_code=401)
    copy = patientcopy.for_episode(ctx, episode_id, lang=language(request), action="read")
    return render(request, "self_report_thanks.html", episode_id=episode_id, copy=copy, worse=worse)


@router.post("/self-report/{episode_id}/end", response_model=None)
def end(request: Request, unit: Unit, episode_id: uuid.UUID) -> Response:
    ctx = _patient_mode(unit, request, episode_id)
    found = _cookie(request)
    if ctx is not None and found is not None:
        selfreport.unpair(ctx, episode_id, found[1])
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


# -- staff start patient mode -----------------------------------------------------------------


def _start_page(
    request: Request, ctx: Context, episode_id: uuid.UUID, error: Problem | str | None = None
) -> HTMLResponse:
    episode = selfreport.episode(ctx, episode_id)
    patient = patients.get(ctx, episode.patient_id)
    return render(
        request,
        "self_report_start.html",
        ctx,
        status_code=409 if error else 200,
        episode=episode,
        patient=patient,
        can_pair=ctx.actor.can(Permission.OBSERVATION_WRITE) and episode.state in OPEN_STATES,
        error=error,
    )


@router.post("/self-report/{episode_id}/start", response_model=None)
def start(request: Request, unit: Unit, episode_id: uuid.UUID) -> Response:
    ctx = get_web_context(unit, request)  # staff only: LoginRequired → the login page
    pairing, errors = attempt(ctx, lambda: selfreport.pair(ctx, episode_id))
    if pairing is None:
        found = errors.fields.get("") or next(iter(errors.fields.values()), "")
        return _start_page(request, ctx, episode_id, found)
    # the staff member's session ends on this device: the tablet keeps only the pairing
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        security.revoke_token(unit.session, token)
    response = RedirectResponse(f"/self-report/{episode_id}", status_code=303)
    end_session_cookie(response)
    # Kept across browser restarts on purpose: the tablet stays in patient mode for the
    # episode (decision 0008); only this episode's form, over https (Secure).
    response.set_cookie(
        COOKIE,
        f"{pairing.episode_id}.{pairing.secret}",
        max_age=selfreport.PAIRING_DAYS * 24 * 3600,
        path=COOKIE_PATH,
        httponly=True,
        secure=get_settings().cookie_secure,
        samesite="strict",
    )
    return response
