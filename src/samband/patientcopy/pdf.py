"""The patient's copy as a PDF (reportlab): big readable type, short sections, A4.

Pure of the web: it takes the plain data of ``service.PatientCopy`` and gives bytes.
DejaVu Sans is used when the system has it (every character of any language); otherwise
reportlab's standard Helvetica, whose Latin-1 encoding covers å, ä and ö.
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
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from samband.patientcopy.service import PatientCopy

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
INK = colors.HexColor("#1b1f24")
BRAND = colors.HexColor("#0b4f8a")
LINE = colors.HexColor("#9aa5b1")
ALERT = colors.HexColor("#a3161b")


def fonts(font_dir: Path | None = DEJAVU) -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans if its files are there, else Helvetica."""
    if font_dir is not None:
        regular, bold = font_dir / "DejaVuSans.ttf", font_dir / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            try:
                if "SambandSans" not in pdfmetrics.getRegisteredFontNames():
                    pdfmetrics.registerFont(TTFont("SambandSans", str(regular)))
                    pdfmetrics.registerFont(TTFont("SambandSans-Bold", str(bold)))
                    pdfmetrics.registerFontFamily(
                        "SambandSans",
                        normal="SambandSans",
                        bold="SambandSans-Bold",
                        italic="SambandSans",
                        boldItalic="SambandSans-Bold",
                    )
                return "SambandSans", "SambandSans-Bold"
            except Exception:  # noqa: S110 - a broken font file: use the standard font
                pass
    return "Helvetica", "Helvetica-Bold"


def render(copy: PatientCopy, *, font_dir: Path | None = DEJAVU) -> bytes:
    """The copy as PDF bytes. The copy must have a plan (``service.require_plan``)."""
    regular, bold = fonts(font_dir)
    s = _styles(regular, bold)
    labels = copy.labels
    story: list[Flowable] = [
        Paragraph(_e(labels["title"]), s["title"]),
        Paragraph(f"<b>{_e(copy.patient_name)}</b>", s["name"]),
        Spacer(1, 1 * mm),
        Paragraph(
            f"{_e(labels['printed'])}: {_e(copy.printed_text)} · "
            f"{_e(labels['version'])}: {copy.plan_version}",
            s["small"],
        ),
        Spacer(1, 4 * mm),
    ]

    if copy.what_matters or copy.goals:
        part: list[Flowable] = [Paragraph(_e(labels["what_matters"]), s["h2"])]
        if copy.what_matters:
            part.append(Paragraph(f"”{_e(copy.what_matters)}”", s["body"]))
        if copy.goals:
            part.append(Paragraph(_e(labels["goals"]), s["h3"]))
            part.append(_bullets(copy.goals, s["body"]))
        story.append(KeepTogether(part))

    story.append(Paragraph(_e(labels["days"]), s["h2"]))
    for day in copy.days:
        story.append(
            KeepTogether([Paragraph(_e(day.label), s["h3"]), _bullets(day.lines, s["body"])])
        )

    contact_rows = [[labels["when"], labels["who"], labels["phone"]]]
    if copy.care_contact:
        c = copy.care_contact
        contact_rows.append([c.when, c.who, c.phone or "–"])
    contact_rows += [[c.when, c.who, c.phone or "–"] for c in copy.contacts]
    story.append(
        KeepTogether(
            [
                Paragraph(_e(labels["contacts"]), s["h2"]),
                _table(contact_rows, s, widths=(0.3, 0.45, 0.25), bold_column=2),
            ]
        )
    )

    story.append(
        KeepTogether(
            [
                Paragraph(_e(labels["if_worse"]), s["h2"]),
                _bullets(copy.if_worse[:-1], s["body"]),
                Paragraph(f"<b>{_e(copy.if_worse[-1])}</b>", s["alert"]),
            ]
        )
    )

    story.append(Paragraph(_e(labels["medications"]), s["h2"]))
    for m in copy.medications:  # one block per medicine: a wide table would break words
        facts = [
            (labels["how"], m.how),
            (labels["when"], m.when),
            (labels["given_by"], m.given_by),
            (labels["how_long"], m.how_long),
        ]
        story.append(
            KeepTogether(
                [
                    Paragraph(f"{_e(m.drug)} {_e(m.dose)}", s["h3"]),
                    *[Paragraph(f"<b>{_e(k)}:</b> {_e(v)}", s["body"]) for k, v in facts],
                ]
            )
        )
    if not copy.medications:
        story.append(Paragraph(_e(labels["no_medications"]), s["body"]))

    part = [
        Paragraph(_e(labels["discharge"]), s["h2"]),
        Paragraph(_e(labels["criteria_intro"]), s["body"]),
        _bullets(copy.discharge_criteria, s["body"]),
    ]
    if copy.expected_text:
        part.append(Paragraph(f"<b>{_e(copy.expected_text)}</b>", s["body"]))
    story.append(KeepTogether(part))

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{labels['title']} – {copy.patient_name}",
        author="Samband",
        lang=copy.lang,
    )

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 9)
        canvas.setFillColor(INK)
        canvas.drawString(
            18 * mm,
            9 * mm,
            f"{labels['title']} · {copy.patient_name} · {copy.printed_text} · "
            f"{canvas.getPageNumber()}",
        )
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _e(value: str) -> str:
    return escape(value)


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=regular, fontSize=13, leading=18, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=bold, fontSize=24, leading=29, textColor=BRAND
        ),
        "name": ParagraphStyle("name", parent=body, fontSize=17, leading=23),
        "small": ParagraphStyle("small", parent=body, fontSize=11, leading=15),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=bold,
            fontSize=17,
            leading=22,
            textColor=BRAND,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName=bold, fontSize=13.5, leading=18, spaceBefore=5
        ),
        "body": body,
        "alert": ParagraphStyle(
            "alert", parent=body, fontName=bold, textColor=ALERT, spaceBefore=4, fontSize=14
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=12, leading=16),
        "head": ParagraphStyle("head", parent=body, fontName=bold, fontSize=11, leading=14),
    }


def _bullets(lines: list[str], style: ParagraphStyle) -> ListFlowable:
    return ListFlowable(
        [ListItem(Paragraph(_e(line), style), leftIndent=14) for line in lines],
        bulletType="bullet",
        start="•",
        leftIndent=14,
        bulletFontName=style.fontName,
    )


def _table(
    rows: list[list[str]],
    s: dict[str, ParagraphStyle],
    *,
    widths: tuple[float, ...],
    bold_column: int | None = None,
) -> Table:
    usable = A4[0] - 36 * mm
    cell = s["cell"]
    data = [[Paragraph(_e(value), s["head"]) for value in rows[0]]] + [
        [
            Paragraph(f"<b>{_e(value)}</b>" if index == bold_column else _e(value), cell)
            for index, value in enumerate(row)
        ]
        for row in rows[1:]
    ]
    table = Table(data, colWidths=[usable * w for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.6, LINE),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1fb")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table
