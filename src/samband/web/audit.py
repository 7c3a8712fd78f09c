"""The access log as pages (Åtkomstlogg), for auditors of one care provider: the search (by
patient, user, organisation or unit, period), a patient's extract (loggutdrag) as a page and
a PDF, the review sample, and the rows to review (emergency accesses, new care
relationships, overridden blocks), each markable as reviewed with a note.

The same services as the API (``audit.service``): the same care-provider scope, the same
logging of the auditor's own looks at a patient's log. A mark is a row of its own; the log
is never changed.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.audit import pdf
from samband.audit import service as audit
from samband.audit.schemas import AuditReviewCreate, EmergencyAccessReviewCreate
from samband.audit.words import action_text, resource_text
from samband.kit.errors import InvalidInput, Problem, SambandError, problem
from samband.kit.time import STOCKHOLM
from samband.models import AuditEvent
from samband.organisations import service as organisations
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.access_reasons import access_reason
from samband.web.base import FormErrors, WebContext, language, render
from samband.web.flow import FormData, blank
from samband.web.i18n import translate

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
SAMPLE_DEFAULT = 20
KINDS = ("emergency", "relationship_start", "block_override")
SHOW = {"all": (None, None), "denied": (False, None), "emergency": (None, True)}
REVIEWED = {"all": None, "no": False, "yes": True}
NOTICES = {"reviewed"}


@dataclass(frozen=True)
class Place:
    """An option of the organisation-or-unit filter."""

    value: str  # "org:CODE" or "unit:CODE"
    label: str
    unit: bool


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    total: int
    prev_url: str | None
    next_url: str | None


def _word_filters(lang: str) -> dict[str, Any]:
    return {
        "action_text": lambda value: action_text(value, lang),
        "resource_text": lambda value: resource_text(value, lang),
        # the reason a row keeps: the system's in the reader's language, a person's as written
        "access_reason": lambda value: access_reason(value, lang),
    }


def _render(
    request: Request, template: str, ctx: Context, *, tab: str, status_code: int = 200, **data: Any
) -> HTMLResponse:
    lang = language(request)
    provider = audit.care_provider(ctx)
    notice = request.query_params.get("notice")
    return render(
        request,
        template,
        ctx,
        status_code=status_code,
        tab=tab,
        care_provider=provider.authority_name,
        can_review=ctx.actor.can(Permission.AUDIT_REVIEW),
        notice=f"audit.notice.{notice}" if notice in NOTICES else None,
        pnr=_shown,
        **_word_filters(lang),
        **data,
    )


def _shown(digits: str | None) -> str:
    if not digits:
        return "–"
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def _day(value: str, field: str, errors: FormErrors, request: Request) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.fields[field] = translate("audit.bad_date", language(request))
        return None


def _page_number(value: str) -> int:
    try:
        return max(1, min(int(value), 20_000))
    except ValueError:
        return 1


def _url(path: str, params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    query = urlencode({k: v for k, v in merged.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def _pager(path: str, params: dict[str, Any], page: int, total: int) -> Pager:
    pages = max(1, -(-total // PAGE_SIZE))
    return Pager(
        page=page,
        pages=pages,
        total=total,
        prev_url=_url(path, params, page=page - 1) if page > 1 else None,
        next_url=_url(path, params, page=page + 1) if page < pages else None,
    )


def _places(ctx: Context) -> list[Place]:
    _, orgs = organisations.own_care_provider(ctx)
    places: list[Place] = []
    for org in orgs:
        places.append(Place(f"org:{org.code}", f"{org.name} ({org.code})", unit=False))
        places += [Place(f"unit:{u.code}", f"{u.name} ({u.code})", unit=True) for u in org.units]
    return places


def _error(exc: SambandError) -> Problem | str:
    """A refusal as a form error (a problem is shown in the page's language)."""
    return exc.problem or exc.message


# -- the search -------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def search_page(
    request: Request,
    ctx: WebContext,
    personnummer: str = "",
    username: str = "",
    place: str = "",
    show: str = "all",
    page: str = "1",
) -> HTMLResponse:
    """Search the care provider's log: patient, user, organisation or unit, period."""
    since_text = request.query_params.get("from", "")
    until_text = request.query_params.get("to", "")
    params = {
        "personnummer": personnummer[:20],
        "username": username[:80],
        "place": place[:40],
        "from": since_text[:10],
        "to": until_text[:10],
        "show": show if show in SHOW else "all",
    }
    errors = FormErrors()
    since = _day(since_text, "from", errors, request)
    until = _day(until_text, "to", errors, request)
    number = _page_number(page)
    events: list[AuditEvent] = []
    total = 0
    if not errors:
        kind, _, code = params["place"].partition(":")
        allowed, emergency = SHOW[params["show"]]
        try:
            events, total = audit.search(
                ctx,
                personnummer=blank(personnummer),
                username=blank(username),
                unit_code=code or None if kind == "unit" else None,
                organisation_code=code or None if kind == "org" else None,
                since=_midnight(since) if since else None,
                until=_next_midnight(until) if until else None,
                allowed=allowed,
                emergency=emergency,
                limit=PAGE_SIZE,
                offset=(number - 1) * PAGE_SIZE,
            )
        except InvalidInput as exc:
            errors.fields[exc.field or ""] = _error(exc)
    return _render(
        request,
        "audit_search.html",
        ctx,
        tab="search",
        status_code=422 if errors else 200,
        errors=errors,
        values=params,
        places=_places(ctx),
        events=events,
        patients=audit.personnummer_of(ctx, {e.patient_id for e in events if e.patient_id}),
        pager=_pager("/audit", params, number, total),
    )


def _midnight(day: date) -> datetime:
    """The start of a day in Stockholm."""
    return datetime(day.year, day.month, day.day, tzinfo=STOCKHOLM)


def _next_midnight(day: date) -> datetime:
    """The end of an inclusive day: the next day's start in Stockholm."""
    return _midnight(day + timedelta(days=1))


# -- the patient's extract --------------------------------------------------------------------


@router.get("/audit/extract", response_class=HTMLResponse)
def extract_page(request: Request, ctx: WebContext, personnummer: str = "") -> HTMLResponse:
    """A patient's extract from the care provider's log, with a link to the PDF."""
    errors = FormErrors()
    extract = None
    status_code = 200
    if not personnummer.strip():
        ctx.actor.require(Permission.AUDIT_READ)
    else:
        try:
            extract = audit.extract(ctx, personnummer=personnummer.strip()[:20])
        except SambandError as exc:
            if exc.status_code not in (404, 422):
                raise
            errors.fields["personnummer"] = _error(exc)
            status_code = exc.status_code
    return _render(
        request,
        "audit_extract.html",
        ctx,
        tab="extract",
        status_code=status_code,
        errors=errors,
        personnummer=personnummer[:20],
        extract=extract,
    )


@router.get("/audit/extract.pdf", response_model=None)
def extract_pdf(request: Request, ctx: WebContext, personnummer: str = "") -> Response:
    """The extract as a PDF to give the patient, in the page's language."""
    extract = audit.extract(ctx, personnummer=personnummer.strip()[:20])
    return Response(
        pdf.render(extract, lang=language(request)),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="loggutdrag-{extract.personnummer}.pdf"'
        },
    )


# -- the review sample ------------------------------------------------------------------------


@router.get("/audit/sample", response_class=HTMLResponse, response_model=None)
def sample_page(
    request: Request,
    ctx: WebContext,
    n: str = str(SAMPLE_DEFAULT),
    seed: str = "",
    reviewed: str = "all",
    error: str = "",
    event: str = "",
) -> Response:
    """A random sample of the care provider's allowed accesses; the seed in the address keeps
    the same sample while the rows are marked (a new draw gets a new seed)."""
    ctx.actor.require(Permission.AUDIT_READ)
    since_text = request.query_params.get("from", "")[:10]
    until_text = request.query_params.get("to", "")[:10]
    if not seed.strip():
        params = {"n": n, "from": since_text, "to": until_text, "seed": secrets.randbelow(10**9)}
        return RedirectResponse(_url("/audit/sample", params), status_code=303)
    errors = FormErrors()
    since = _day(since_text, "from", errors, request)
    until = _day(until_text, "to", errors, request)
    try:
        size = int(n)
        number = int(seed)
        if not 1 <= size <= audit.MAX_SAMPLE or not 0 <= number < 2**63:
            raise ValueError
    except ValueError:
        errors.fields["n"] = audit.sample_size(n[:10])
        size, number = SAMPLE_DEFAULT, 0
    shown = reviewed if reviewed in REVIEWED else "all"
    params = {
        "n": str(size),
        "from": since_text,
        "to": until_text,
        "seed": str(number),
        "reviewed": shown,
    }
    events: list[AuditEvent] = []
    reviews: dict[uuid.UUID, Any] = {}
    if not errors:
        try:
            events, reviews = audit.sample_for(
                ctx,
                size,
                since=_midnight(since) if since else None,
                until=_next_midnight(until) if until else None,
                seed=number,
                reviewed=REVIEWED[shown],
            )
        except InvalidInput as exc:
            errors.fields[exc.field or ""] = _error(exc)
    back = _url("/audit/sample", params)
    return _render(
        request,
        "audit_sample.html",
        ctx,
        tab="sample",
        status_code=422 if errors else 200,
        errors=errors,
        values=params,
        events=events,
        reviews=reviews,
        reviewers=audit.usernames(ctx, {r.reviewed_by_id for r in reviews.values()}),
        patients=audit.personnummer_of(ctx, {e.patient_id for e in events if e.patient_id}),
        back=back,
        new_draw=_url("/audit/sample", {**params, "seed": "", "reviewed": ""}),
        note_error=_note_error(request, error, event),
    )


def _note_error(request: Request, error: str, event: str) -> tuple[str, str] | None:
    """The row whose note was missing (a mark refused), and the message."""
    if error != "note" or not event:
        return None
    return event[:40], translate("audit.note_required", language(request))


# -- rows to review ---------------------------------------------------------------------------


@router.get("/audit/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    ctx: WebContext,
    kind: str = "emergency",
    reviewed: str = "no",
    page: str = "1",
    error: str = "",
    event: str = "",
) -> HTMLResponse:
    """Emergency accesses, new care relationships and overridden blocks of the care
    provider's users, reviewed or not."""
    ctx.actor.require(Permission.AUDIT_READ)
    kind = kind if kind in KINDS else "emergency"
    reviewed = reviewed if reviewed in REVIEWED else "no"
    number = _page_number(page)
    params = {"kind": kind, "reviewed": reviewed}
    offset = (number - 1) * PAGE_SIZE
    flagged: list[Any] = []
    accesses: list[Any] = []
    if kind == "emergency":
        filter_ = REVIEWED[reviewed]
        accesses, total = audit.emergency_accesses(
            ctx,
            unreviewed=None if filter_ is None else not filter_,
            limit=PAGE_SIZE,
            offset=offset,
        )
        patient_ids = {a.patient_id for a in accesses}
        reviewer_ids = {a.reviewed_by_id for a in accesses if a.reviewed_by_id}
    else:
        flagged, total = audit.flagged(
            ctx, kind, reviewed=REVIEWED[reviewed], limit=PAGE_SIZE, offset=offset
        )
        patient_ids = {f.event.patient_id for f in flagged if f.event.patient_id}
        reviewer_ids = {f.review.reviewed_by_id for f in flagged if f.review}
    return _render(
        request,
        "audit_review.html",
        ctx,
        tab="review",
        kind=kind,
        kinds=KINDS,
        values=params,
        accesses=accesses,
        flagged=flagged,
        patients=audit.personnummer_of(ctx, patient_ids),
        reviewers=audit.usernames(ctx, reviewer_ids),
        pager=_pager("/audit/review", params, number, total),
        back=_url("/audit/review", {**params, "page": number}),
        note_error=_note_error(request, error, event),
    )


# -- marks ------------------------------------------------------------------------------------


def _back(value: str | None) -> str:
    """Back to an access-log page (never elsewhere)."""
    path = urlsplit(value or "").path
    if not value or not path.startswith("/audit") or value.startswith("//"):
        return "/audit/review"
    return value


def _with(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


@router.post("/audit/reviews", response_model=None)
def mark_reviewed(request: Request, ctx: WebContext, form: FormData) -> Response:
    """Mark a row of the log reviewed (from the sample or a list to review). A missing note
    comes back to the row; a refusal (already reviewed, not this care provider's row) is the
    error page, and is logged."""
    back = _back(form.get("back"))
    event_id = form.get("event_id", "")
    note = blank(form.get("note"))
    if note is None:
        return RedirectResponse(_with(back, error="note", event=event_id[:40]), 303)
    try:
        data = AuditReviewCreate(event_id=uuid.UUID(event_id), note=note)
    except ValueError:
        raise InvalidInput(problem("audit.bad_event_id", field="event_id")) from None
    audit.mark_reviewed(ctx, data)
    return RedirectResponse(_with(back, notice="reviewed"), status_code=303)


@router.post("/audit/emergency/{access_id}/review", response_model=None)
def review_emergency(
    request: Request, ctx: WebContext, access_id: uuid.UUID, form: FormData
) -> Response:
    """Mark an emergency access reviewed, with a note."""
    back = _back(form.get("back"))
    note = blank(form.get("note"))
    if note is None:
        return RedirectResponse(_with(back, error="note", event=str(access_id)), 303)
    audit.review(ctx, access_id, EmergencyAccessReviewCreate(note=note))
    return RedirectResponse(_with(back, notice="reviewed"), status_code=303)
