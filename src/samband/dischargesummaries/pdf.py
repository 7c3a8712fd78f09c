"""The discharge summary as a PDF (reportlab, A4): the patient, the status (a draft says so
on every page), the course with its timeline, the medications at discharge with what
changed, the results, what to follow up and by whom, the physician's assessment and the
advice, and who signed it when. Takes the plain ``SummaryData``, gives bytes; the fonts
are the patient copy's (DejaVu Sans when the system has it)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from samband.dischargesummaries import text
from samband.dischargesummaries.compose import SummaryData
from samband.patientcopy.pdf import DEJAVU, fonts

INK = colors.HexColor("#1b1f24")
BRAND = colors.HexColor("#0b4f8a")
ALERT = colors.HexColor("#a3161b")
GREY = colors.HexColor("#4a5560")


def render(data: SummaryData, *, lang: str = "sv", font_dir: Path | None = DEJAVU) -> bytes:
    regular, bold = fonts(font_dir)
    s = _styles(regular, bold)
    t = text.t
    signed = data.status in ("signed", "superseded")
    pnr = data.personnummer
    pnr_text = f"{pnr[:8]}-{pnr[8:]}" if len(pnr) == 12 else pnr
    story: list[Flowable] = [
        Paragraph(_e(t("discharge_summary.title", lang)), s["title"]),
        Paragraph(f"<b>{_e(data.patient_name)}</b> · {_e(pnr_text)}", s["name"]),
        Paragraph(
            _e(
                t(
                    "discharge_summary.pdf.head",
                    lang,
                    organisation=data.organisation_name,
                    unit=data.unit_name or "–",
                    version=data.version,
                    status=text.status(data.status, lang),
                )
            ),
            s["small"],
        ),
    ]
    if signed and data.signer is not None:
        story.append(
            Paragraph(
                _e(
                    t(
                        "discharge_summary.signed_by",
                        lang,
                        name=data.signer.name,
                        at=text.local(data.signed_at),
                    )
                ),
                s["small"],
            )
        )
    else:
        story.append(Paragraph(_e(t("discharge_summary.pdf.draft", lang)), s["alert"]))
    if data.amendment_reason:
        story.append(
            Paragraph(
                _e(t("discharge_summary.amendment_reason", lang, reason=data.amendment_reason)),
                s["small"],
            )
        )
    story.append(Spacer(1, 3 * mm))

    content = data.content
    course = content.get("course", {})
    story.append(Paragraph(_e(t("discharge_summary.section.course", lang)), s["h2"]))
    for label, value in text.course_lines(course, lang):
        story.append(Paragraph(f"<b>{_e(label)}:</b> {_e(value)}", s["body"]))
    timeline = course.get("timeline", [])
    if timeline:
        story.append(Paragraph(_e(t("discharge_summary.course.timeline", lang)), s["h3"]))
        for item in timeline:
            story.append(
                Paragraph(
                    f"<b>{_e(text.when(item.get('at'), lang))}</b> "
                    f"{_e(text.timeline_text(item, lang))}",
                    s["line"],
                )
            )

    meds = content.get("medications", {})
    story.append(Paragraph(_e(t("discharge_summary.section.medications", lang)), s["h2"]))
    for row in meds.get("at_discharge", []):
        story.append(
            KeepTogether(
                [
                    Paragraph(_e(text.medication_line(row, lang)), s["h3"]),
                    Paragraph(_e(text.change_text(row, lang)), s["body"]),
                ]
            )
        )
    if not meds.get("at_discharge"):
        story.append(Paragraph(_e(t("discharge_summary.med.none", lang)), s["body"]))
    if meds.get("stopped"):
        story.append(Paragraph(_e(t("discharge_summary.med.stopped_heading", lang)), s["h3"]))
        for row in meds["stopped"]:
            story.append(
                Paragraph(
                    f"{_e(text.medication_line(row, lang))} — {_e(text.change_text(row, lang))}",
                    s["line"],
                )
            )

    results = content.get("results", {})
    story.append(Paragraph(_e(t("discharge_summary.section.results", lang)), s["h2"]))
    if not results.get("available", True):
        story.append(Paragraph(_e(t("discharge_summary.results.unavailable", lang)), s["body"]))
    elif not results.get("items"):
        story.append(Paragraph(_e(t("discharge_summary.results.none", lang)), s["body"]))
    for row in results.get("items", []):
        story.append(
            Paragraph(
                f"<b>{_e(text.when(row.get('at'), lang))}</b> {_e(text.result_line(row, lang))}",
                s["line"],
            )
        )

    story.append(Paragraph(_e(t("discharge_summary.section.follow_up", lang)), s["h2"]))
    for item in data.follow_up:
        story.append(Paragraph(_e(text.follow_up_line(item, lang)), s["line"]))
    if not data.follow_up:
        story.append(Paragraph(_e(t("discharge_summary.follow_up.none", lang)), s["body"]))

    written: tuple[tuple[str, str | None], ...] = (
        ("assessment", data.assessment),
        ("advice", data.advice),
    )
    for key, said in written:
        if said:
            story.append(
                KeepTogether(
                    [
                        Paragraph(_e(t(f"discharge_summary.section.{key}", lang)), s["h2"]),
                        Paragraph(_e(said).replace("\n", "<br/>"), s["body"]),
                    ]
                )
            )

    buffer = BytesIO()
    title = f"{t('title', lang)} – {data.patient_name}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author="Samband",
        lang=lang,
    )
    status = text.status(data.status, lang)

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 9)
        canvas.setFillColor(ALERT if not signed else INK)
        canvas.drawString(
            18 * mm,
            9 * mm,
            f"{t('title', lang)} · {data.patient_name} · {status} · v{data.version} · "
            f"{canvas.getPageNumber()}",
        )
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _e(value: object) -> str:
    return escape(str(value))


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=regular, fontSize=11.5, leading=15.5, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=bold, fontSize=21, leading=26, textColor=BRAND
        ),
        "name": ParagraphStyle("name", parent=body, fontSize=15, leading=20),
        "small": ParagraphStyle("small", parent=body, fontSize=10, leading=14, textColor=GREY),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=bold,
            fontSize=15,
            leading=20,
            textColor=BRAND,
            spaceBefore=9,
            spaceAfter=3,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=bold, fontSize=12, leading=16, spaceBefore=4
        ),
        "body": body,
        "line": ParagraphStyle("line", parent=body, leftIndent=8, spaceAfter=2),
        "alert": ParagraphStyle(
            "alert", parent=body, fontName=bold, textColor=ALERT, spaceBefore=3
        ),
    }
