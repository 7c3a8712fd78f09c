"""Pages for discharge summaries (utskrivningsinformation, issue 14; docs/discharge-summary.md).

- ``/discharge-summaries/{id}``: the summary as one phone-wide page: status, the course with
  its timeline, the medications at discharge with what changed, the results, the follow-up,
  the physician's assessment and advice, who signed it and where it was sent, the versions.
  For the responsible organisation's nurse or physician, a draft has its form (assessment,
  advice, follow-up rows), *Hämta uppgifterna igen* and, for the physician, *Signera*; a
  signed version has *Gör en ny version* with a reason.
- ``/discharge-summaries/{id}/pdf``: the PDF in the page's language.
- ``/episodes/{id}/discharge-summary`` (POST): make the draft (from the patient page's card).
- ``patient_section``: the patient page's card: none yet / draft / signed / **missing**
  (discharged without a signed summary).

No handler here is ``async def``: they do database work.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.dischargesummaries import service, text
from samband.dischargesummaries.schemas import (
    MAX_FOLLOW_UP,
    DischargeSummaryAmend,
    DischargeSummaryUpdate,
)
from samband.models import Episode, Patient
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status
from samband.web.sections import Section

router = APIRouter(include_in_schema=False)

PATH = "/discharge-summaries"
NOTICES = {"created", "saved", "refreshed", "signed", "amended"}
# the empty follow-up rows a draft's form offers besides the written ones
EMPTY_ROWS = 2


def _notice(request: Request) -> str | None:
    notice = request.query_params.get("notice")
    return f"discharge_summary.notice.{notice}" if notice in NOTICES else None


def _leads(ctx: Context, doc: service.Document) -> bool:
    return doc.summary.organisation_id == ctx.actor.organisation_id


def _page(
    request: Request,
    ctx: Context,
    summary_id: uuid.UUID,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    doc = service.document(ctx, summary_id)
    s = doc.summary
    lang = language(request)
    errors = errors or FormErrors()
    leads = _leads(ctx, doc)
    draft = s.status == service.DRAFT
    may_write = leads and ctx.actor.can(Permission.DISCHARGE_SUMMARY_WRITE)
    rows = list(s.follow_up or [])
    if values is not None:
        rows = _rows(values)
    shown_rows = [*rows, *[{} for _ in range(EMPTY_ROWS)]][: max(len(rows), 0) + EMPTY_ROWS]
    has_draft = any(v.status == service.DRAFT for v in doc.versions)
    return render(
        request,
        "discharge_summary_page.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        doc=doc,
        s=s,
        c=s.content or {},
        txt=text,
        lang_=lang,
        may_edit=draft and may_write,
        may_sign=draft and leads and ctx.actor.can(Permission.DISCHARGE_SUMMARY_SIGN),
        may_amend=s.status == service.SIGNED and may_write and not has_draft,
        rows=shown_rows[:MAX_FOLLOW_UP],
        errors=errors,
        values=values or {},
        notice=_notice(request),
        personnummer=_personnummer(doc.patient.personnummer),
    )


def _personnummer(digits: str) -> str:
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def _rows(form: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for n in range(MAX_FOLLOW_UP):
        row = {
            "what": blank(form.get(f"what_{n}")),
            "who": blank(form.get(f"who_{n}")),
            "when": blank(form.get(f"when_{n}")),
        }
        if any(row.values()):
            rows.append(row)
    return rows


@router.get(PATH + "/{summary_id}", response_class=HTMLResponse)
def summary_page(request: Request, ctx: WebContext, summary_id: uuid.UUID) -> HTMLResponse:
    return _page(request, ctx, summary_id)


@router.get(PATH + "/{summary_id}/pdf")
def summary_pdf(request: Request, ctx: WebContext, summary_id: uuid.UUID) -> Response:
    body, doc = service.pdf_of(ctx, summary_id, lang=language(request))
    name = f"utskrivningsinformation-v{doc.summary.version}.pdf"
    return Response(
        content=body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.post(PATH + "/{summary_id}", response_model=None)
def save(request: Request, ctx: WebContext, summary_id: uuid.UUID, form: FormData) -> Response:
    rows = _rows(form)
    data, errors = parse_form(
        DischargeSummaryUpdate,
        {
            "assessment": blank(form.get("assessment")),
            "advice": blank(form.get("advice")),
            "follow_up": rows,
        },
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: service.update(ctx, summary_id, data))
        if done is not None:
            return RedirectResponse(f"{PATH}/{summary_id}?notice=saved", status_code=303)
    return _page(request, ctx, summary_id, _row_errors(errors), form)


def _row_errors(errors: FormErrors) -> FormErrors:
    """``follow_up.0.what`` → the form's ``what_0``."""
    fields: dict[str, Any] = {}
    for name, value in errors.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "follow_up":
            fields[f"{parts[2]}_{parts[1]}"] = value
        else:
            fields[name] = value
    return FormErrors(fields, reasons=errors.reasons)


@router.post(PATH + "/{summary_id}/refresh", response_model=None)
def refresh(request: Request, ctx: WebContext, summary_id: uuid.UUID, form: FormData) -> Response:
    done, errors = attempt(ctx, lambda: service.refresh(ctx, summary_id))
    if done is not None:
        return RedirectResponse(f"{PATH}/{summary_id}?notice=refreshed", status_code=303)
    return _page(request, ctx, summary_id, errors)


@router.post(PATH + "/{summary_id}/sign", response_model=None)
def sign(request: Request, ctx: WebContext, summary_id: uuid.UUID, form: FormData) -> Response:
    done, errors = attempt(ctx, lambda: service.sign(ctx, summary_id))
    if done is not None:
        return RedirectResponse(f"{PATH}/{summary_id}?notice=signed", status_code=303)
    return _page(request, ctx, summary_id, errors)


@router.post(PATH + "/{summary_id}/amend", response_model=None)
def amend(request: Request, ctx: WebContext, summary_id: uuid.UUID, form: FormData) -> Response:
    data, errors = parse_form(DischargeSummaryAmend, {"reason": blank(form.get("reason"))})
    if data is not None:
        done, errors = attempt(ctx, lambda: service.amend(ctx, summary_id, data))
        if done is not None:
            return RedirectResponse(f"{PATH}/{done.id}?notice=amended", status_code=303)
    return _page(request, ctx, summary_id, errors, form)


@router.post("/episodes/{episode_id}/discharge-summary", response_model=None)
def create(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    """Make the draft; when one exists already (a draft or a signed one), open it."""
    done, errors = attempt(ctx, lambda: service.create(ctx, episode_id), raise_not_found=True)
    if done is not None:
        return RedirectResponse(f"{PATH}/{done.id}?notice=created", status_code=303)
    existing = service.of_episode(ctx, episode_id)
    if existing:
        return RedirectResponse(f"{PATH}/{existing[0].id}", status_code=303)
    episode = service.episode_of(ctx, episode_id)
    return RedirectResponse(
        f"/patients/{episode.patient_id}?episode_id={episode_id}", status_code=303
    )


# -- the patient page's card ---------------------------------------------------------------------


def patient_section(
    ctx: Context, patient: Patient, episode: Episode | None, lang: str
) -> Section | None:
    """The episode's summary: signed, draft, none yet, or missing (discharged without a
    signed one). Shown for a hospital-at-home episode at home or discharged; the caller has
    read the episode (the page logged it), and municipal home care never sees the record."""
    if episode is None or episode.kind != "hospital_at_home":
        return None
    if episode.state not in service.SUMMARY_STATES or ctx.actor.is_social_services:
        return None
    if not ctx.actor.can(Permission.PATIENT_READ):
        return None
    found = service.standing(ctx, episode)
    return Section(
        template="_discharge_summary_card.html",
        data={
            "state": found.state,
            "signed": found.signed,
            "draft": found.draft,
            "episode": episode,
            "signed_at": text.local(found.signed.signed_at) if found.signed else None,
            "may_create": found.state == "none"
            and ctx.actor.can(Permission.DISCHARGE_SUMMARY_WRITE)
            and service.leads(ctx, episode),
        },
    )
