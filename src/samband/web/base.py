"""What every page shares: templates, the logged-in user from the session cookie, language,
times in Europe/Stockholm, and running a service call so that a refused form changes nothing.

Pages call the same services as the API, with the same Context: the same access rules and
the same access log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from pydantic import BaseModel, ValidationError

from samband.deps import Unit
from samband.kit import i18n
from samband.kit.errors import Forbidden, NotFound, Problem, SambandError, Unauthenticated, texts
from samband.kit.i18n import Msg
from samband.kit.time import STOCKHOLM
from samband.messaging.service import unread_threads
from samband.pathways.definition import pathway_name
from samband.patientcopy.plain import when_text
from samband.physicianrequests.service import counts as physician_request_counts
from samband.security import service as security
from samband.security.context import Context
from samband.web.csrf import csrf_field
from samband.web.i18n import DEFAULT, LANGUAGES, activity_text, skill_text, translate
from samband.web.nav import current_link, nav_links
from samband.web.recorded import checklist_note, event_note, relation_text

HERE = Path(__file__).parent
SESSION_COOKIE = "samband_session"
LANGUAGE_COOKIE = "samband_lang"
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

templates = Jinja2Templates(directory=str(HERE / "templates"))


def _local(value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time in Europe/Stockholm (also an ISO text with a zone, as the alerts' history keeps)."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if parsed.tzinfo is None:
            return parsed.strftime(fmt)
        value = parsed
    return value.astimezone(STOCKHOLM).strftime(fmt)


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.astimezone(STOCKHOLM).date()
    return value.isoformat()


def _decimal(value: float | None, lang: str) -> str:
    """A measured number as people write it: 37,5 in Swedish, 37.5 in English."""
    if value is None:
        return "–"
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "sv" else text


def _checklist_label(item: Any, lang: str) -> str:
    """A checklist item's label (English, from the pathway) in the user's language."""
    return i18n.source(str(item.label), lang)


def _criterion_text(criterion: Any, lang: str) -> str:
    return i18n.source(str(criterion.text), lang)


def _pathway_name(key: str, lang: str, *, short: bool = True) -> str:
    """A pathway's name; an enrolment in home health care has none (its pathway column holds
    "home_health_care", decision 0018): it is named as what it is."""
    if key == "home_health_care":
        return translate("enrolment.name", lang)
    return pathway_name(key, lang, short=short)


def _reason(value: Any, lang: str) -> str:
    """A problem or a message (kit/errors.py, kit/i18n.py) in the page's language; a text kept
    from before problems had codes (migrations 0018 and 0019 converted the known ones): as
    written."""
    if isinstance(value, Problem | Msg):
        return value.text(lang)
    return str(value)


@pass_context
def _gettext(context: Any, key: str, **params: Any) -> str:
    return i18n.translate(key, context.get("lang", DEFAULT), **params)


@pass_context
def _ngettext(context: Any, key: str, _plural: str, count: int, **params: Any) -> str:
    return i18n.ntranslate(key, count, context.get("lang", DEFAULT), **params)


@pass_context
def _number(context: Any, value: float | None, digits: int | None = None) -> str:
    if value is None:
        return "–"
    return i18n.number(value, context.get("lang", DEFAULT), digits=digits)


# The Jinja2 i18n extension: {% trans %} blocks and _()/gettext()/ngettext() in the page's
# language (the context's "lang"); t() is the same lookup by key.
templates.env.add_extension("jinja2.ext.i18n")
templates.env.globals["gettext"] = _gettext
templates.env.globals["_"] = _gettext
templates.env.globals["ngettext"] = _ngettext
templates.env.filters["number"] = _number
templates.env.filters["checklist_label"] = _checklist_label
templates.env.filters["reason"] = _reason
templates.env.filters["criterion_text"] = _criterion_text
# a text from configuration (pathway YAML, written in English) in the page's language
templates.env.filters["source"] = i18n.source
# a pathway's short name by its key ("KOL"), never the key itself ("copd")
templates.env.filters["pathway_name"] = _pathway_name
# a schedule of the plan in words ("3 times a day" → "3 gånger om dagen")
templates.env.filters["schedule"] = when_text
# recorded texts in the page's language: a timeline event's note, a next of kin's relation
templates.env.filters["event_note"] = event_note
templates.env.filters["relation"] = relation_text
templates.env.filters["checklist_note"] = checklist_note
templates.env.filters["local"] = _local
templates.env.filters["day"] = _day
templates.env.filters["decimal"] = _decimal
templates.env.filters["activity"] = activity_text
templates.env.filters["skill"] = skill_text
# the navigation shows each role only the pages it can use (web/nav.py)
templates.env.globals["nav_links"] = nav_links
templates.env.globals["current_link"] = current_link


# {{ csrf_field() }}: the hidden CSRF input every <form method="post"> carries (web/csrf.py)
templates.env.globals["csrf_field"] = csrf_field


class LoginRequired(Exception):
    """No valid session: the app answers with a redirect to the login page."""

    def __init__(self, next_path: str = "/") -> None:
        super().__init__(next_path)
        self.next_path = next_path


def language(request: Request) -> str:
    lang = request.cookies.get(LANGUAGE_COOKIE, DEFAULT)
    return lang if lang in LANGUAGES else DEFAULT


def get_web_context(unit: Unit, request: Request) -> Context:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired(request.url.path)
    try:
        # A page refreshing itself (app.js's polls) is not a use: a tablet left on the
        # overview is logged out after SAMBAND_SESSION_IDLE_MINUTES all the same.
        # Nor is a page's event stream (EventSource sends Accept: text/event-stream).
        background = request.headers.get("x-requested-with") == "fetch" or (
            request.headers.get("accept") == "text/event-stream"
        )
        unit.actor = security.authenticate_token(
            unit.session, token, idle=True, touch=not background
        )
    except Unauthenticated:
        raise LoginRequired(request.url.path) from None
    # the error page shows this user's navigation and log-out button (app.py)
    request.state.web_actor = unit.actor
    return Context(session=unit.session, actor=unit.actor, log=unit.log)


WebContext = Annotated[Context, Depends(get_web_context)]


def render(
    request: Request,
    template: str,
    ctx: Context | None = None,
    *,
    status_code: int = 200,
    **data: Any,
) -> HTMLResponse:
    lang = language(request)
    _set_language(data, lang)
    return templates.TemplateResponse(
        request,
        template,
        {
            "actor": ctx.actor if ctx else None,
            "lang": lang,
            "t": lambda key, **params: translate(key, lang, **params),
            "nt": lambda key, count, **params: i18n.ntranslate(key, count, lang, **params),
            # the navigation's count of unread message threads (asked only when shown)
            "unread_messages": (lambda: unread_threads(ctx)) if ctx else (lambda: 0),
            # the navigation's numbers of open and overdue physician requests (issue 13)
            "physician_request_counts": (lambda: physician_request_counts(ctx))
            if ctx
            else (lambda: (0, 0)),
            **data,
        },
        status_code=status_code,
    )


@dataclass
class FormErrors:
    """Errors by field name ('' for the form as a whole), shown next to the fields. A problem
    (kit/errors.py) is shown in the page's language (``render`` sets ``lang``)."""

    fields: dict[str, str | Problem] = field(default_factory=dict)
    # Every problem a refused transition gave (the API's "problems"), to show as a list.
    reasons: list[str | Problem] = field(default_factory=list)
    lang: str = DEFAULT

    def __bool__(self) -> bool:
        return bool(self.fields)

    def get(self, name: str) -> str | None:
        value = self.fields.get(name)
        if isinstance(value, Problem):
            return value.text(self.lang)
        return value

    @property
    def general(self) -> str | None:
        return self.get("")

    @property
    def reason_texts(self) -> list[str]:
        return texts(self.reasons, self.lang)


def _set_language(data: dict[str, Any], lang: str) -> None:
    for value in data.values():
        if isinstance(value, FormErrors):
            value.lang = lang
        elif isinstance(value, dict):
            for inner in value.values():
                if isinstance(inner, FormErrors):
                    inner.lang = lang


def parse_form(model: type[M], data: dict[str, Any]) -> tuple[M | None, FormErrors]:
    """Build a schema from form data; on failure, the errors by field."""
    try:
        return model.model_validate(data), FormErrors()
    except ValidationError as exc:
        errors = FormErrors()
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or ""
            found = (error.get("ctx") or {}).get("problem")  # a schema's problem (a code)
            if isinstance(found, Problem):
                errors.fields.setdefault(name, found)
                continue
            message = str(error["msg"]).removeprefix("Value error, ")
            errors.fields.setdefault(name, message)
        return None, errors


def attempt(
    ctx: Context, action: Callable[[], T], *, raise_not_found: bool = False
) -> tuple[T | None, FormErrors]:
    """Run a service call inside a savepoint: if it is refused, whatever it wrote is undone
    (the access log entries stay), and the refusal comes back as form errors.
    ``raise_not_found``: a 404 is not a form error but the answer (the thing acted on is not
    the caller's to see), e.g. when the page shown again is about something else."""
    try:
        with ctx.session.begin_nested():
            return action(), FormErrors()
    except SambandError as exc:
        if raise_not_found and isinstance(exc, NotFound):
            raise
        if isinstance(exc, Forbidden):
            # A refusal by role or by who leads the episode is not a mistake in the form:
            # the answer is the 403 page (and the attempt is logged), as in the API.
            raise
        problems: list[str | Problem] = list(exc.problems) if exc.details.get("problems") else []
        if not problems:
            problems = list(exc.details.get("reasons") or [])
        return None, FormErrors({exc.field or "": exc.problem or exc.message}, reasons=problems)
