"""A patient's access-log extract (loggutdrag) as a PDF (reportlab), A4, in Swedish or
English: the care provider, the patient's personnummer, a summary per organisation, then
every access in time order with emergency accesses marked.

Pure of the web: it takes the ``AuditExtractRead`` the service made and gives bytes. The
fonts are those of the patient's copy (DejaVu Sans when the system has it).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from samband.audit.schemas import AuditExtractRead
from samband.audit.words import action_text, extract_labels, resource_text
from samband.kit.time import STOCKHOLM
from samband.patientcopy.pdf import DEJAVU, fonts

INK = colors.HexColor("#1b1f24")
BRAND = colors.HexColor("#0b4f8a")
LINE = colors.HexColor("#9aa5b1")
HEAD = colors.HexColor("#e8f1fb")
MARKED = colors.HexColor("#fbe9ea")  # an emergency access
MARGIN = 16 * mm


def render(extract: AuditExtractRead, *, lang: str = "sv", font_dir: Path | None = DEJAVU) -> bytes:
    regular, bold = fonts(font_dir)
    s = _styles(regular, bold)
    labels = extract_labels(lang)
    number = _personnummer(extract.personnummer)
    generated = extract.generated_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    story: list[Flowable] = [
        Paragraph(_e(labels["title"]), s["title"]),
        Paragraph(f"<b>{_e(labels['personnummer'])}:</b> {_e(number)}", s["body"]),
        Paragraph(f"<b>{_e(labels['care_provider'])}:</b> {_e(extract.care_provider)}", s["body"]),
        Paragraph(f"<b>{_e(labels['generated'])}:</b> {_e(generated)}", s["body"]),
        Spacer(1, 3 * mm),
        Paragraph(_e(labels["intro"]), s["small"]),
        Paragraph(_e(labels["organisations"]), s["h2"]),
    ]
    if extract.organisations:
        rows = [[labels["organisation"], labels["accesses"], labels["first"], labels["last"]]]
        rows += [
            [
                _org(o.name, o.code),
                str(o.accesses),
                _time(o.first_at),
                _time(o.last_at),
            ]
            for o in extract.organisations
        ]
        story.append(_table(rows, s, widths=(0.46, 0.14, 0.2, 0.2)))
    else:
        story.append(Paragraph(_e(labels["none"]), s["body"]))

    story.append(Paragraph(_e(labels["entries"]), s["h2"]))
    if extract.entries:
        rows = [
            [
                labels["time"],
                labels["organisation"],
                labels["unit"],
                labels["action"],
                labels["resource"],
                labels["emergency"],
            ]
        ]
        emergency_rows: list[int] = []
        for index, entry in enumerate(extract.entries, start=1):
            rows.append(
                [
                    _time(entry.at),
                    _org(entry.organisation_name, entry.organisation_code),
                    _org(entry.unit_name, entry.unit_code),
                    action_text(entry.action, lang),
                    resource_text(entry.resource_type, lang),
                    labels["yes"] if entry.emergency else "",
                ]
            )
            if entry.emergency:
                emergency_rows.append(index)
        story.append(
            _table(
                rows,
                s,
                widths=(0.16, 0.24, 0.18, 0.15, 0.15, 0.12),
                marked=emergency_rows,
            )
        )
    else:
        story.append(Paragraph(_e(labels["none"]), s["body"]))

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{labels['title']} {number}",
        author="Samband",
        lang=lang,
    )

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(INK)
        canvas.drawString(
            MARGIN,
            8 * mm,
            f"{labels['title']} · {number} · {extract.care_provider} · {generated} · "
            f"{labels['page']} {canvas.getPageNumber()}",
        )
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _personnummer(digits: str) -> str:
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def _time(value: Any) -> str:
    return str(value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"))


def _org(name: str | None, code: str | None) -> str:
    if name and code:
        return f"{name} ({code})"
    return name or code or "–"


def _e(value: str) -> str:
    return escape(value)


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=regular, fontSize=11, leading=15, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=bold, fontSize=20, leading=25, textColor=BRAND
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9.5, leading=13),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=bold,
            fontSize=14,
            leading=18,
            textColor=BRAND,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11),
        "head": ParagraphStyle("head", parent=body, fontName=bold, fontSize=8.5, leading=11),
    }


def _table(
    rows: list[list[str]],
    s: dict[str, ParagraphStyle],
    *,
    widths: tuple[float, ...],
    marked: list[int] | None = None,
) -> Table:
    usable = A4[0] - 2 * MARGIN
    data = [[Paragraph(_e(value), s["head"]) for value in rows[0]]] + [
        [Paragraph(_e(value), s["cell"]) for value in row] for row in rows[1:]
    ]
    table = Table(data, colWidths=[usable * w for w in widths], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for row in marked or []:
        style.append(("BACKGROUND", (0, row), (-1, row), MARKED))
    table.setStyle(TableStyle(style))
    return table
