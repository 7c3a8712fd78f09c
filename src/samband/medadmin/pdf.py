"""The day's signing list as a PDF (reportlab), for downtime: every dose of the episode's day
with its window and empty boxes for the time given, the signature and a reason when not
given; doses already signed show their signature; the as-needed medications get empty rows.
It is read back in afterwards (``service.paper_sign``: who signed on paper, the time).

Takes the plain data of ``service.DayList``; the words are the catalogue's
(``medadmin.print.*``)."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from samband.kit.i18n import translate
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.medadmin.service import DayList
from samband.patientcopy.pdf import BRAND, INK, LINE, fonts

EMPTY_AS_NEEDED_ROWS = 3


def _e(text: object) -> str:
    return escape(str(text))


def _clock(value: Any) -> str:
    return f"{as_utc(value).astimezone(STOCKHOLM):%H:%M}"


def signing_list(found: DayList, patient: Any, lang: str, *, printed_by: str) -> bytes:
    regular, bold = fonts()

    def t(key: str, **params: Any) -> str:
        return translate(f"medadmin.print.{key}", lang, **params)

    small = ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=10.5, textColor=INK)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=10, leading=12.5, textColor=INK)
    head = ParagraphStyle("head", fontName=bold, fontSize=9.5, leading=11.5, textColor=INK)
    title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, textColor=BRAND)
    pnr = patient.personnummer
    story: list[Flowable] = [
        Paragraph(_e(t("title", date=found.day.isoformat())), title),
        Paragraph(
            f"<b>{_e(patient.given_name)} {_e(patient.family_name)}</b> · "
            f"{_e(pnr[:8])}-{_e(pnr[8:])}",
            cell,
        ),
        Paragraph(
            _e(
                t(
                    "printed",
                    at=f"{utcnow().astimezone(STOCKHOLM):%Y-%m-%d %H:%M}",
                    by=printed_by,
                )
            ),
            small,
        ),
        Paragraph(_e(t("how")), small),
        Spacer(1, 4 * mm),
    ]
    columns = ["time", "window", "medication", "given_at", "signature", "not_given"]
    rows: list[list[Any]] = [[Paragraph(_e(t(f"col.{c}")), head) for c in columns]]
    for view in found.doses:
        d = view.dose
        medication = f"<b>{_e(d.drug)}</b> {_e(d.dose)} {_e(d.route)}"
        given, signature, reason = "", "", ""
        if not d.by_staff:
            signature = _e(t("by_patient"))
        elif view.administration is not None:
            a = view.administration
            given = _clock(a.given_at)
            who = found.names.get(a.signed_by_id, "")
            signature = _e(f"{translate(f'medadmin.outcome.{a.outcome}', lang)} · {who}")
            if a.reason:
                reason = _e(translate(f"medadmin.reason.{a.reason}", lang))
        rows.append(
            [
                Paragraph(_clock(d.due_at), cell),
                Paragraph(f"{_clock(d.window_start)}–{_clock(d.window_end)}", small),
                Paragraph(medication, cell),
                Paragraph(given, cell),
                Paragraph(signature, small),
                Paragraph(reason, small),
            ]
        )
    if len(rows) == 1:
        rows.append([Paragraph(_e(t("no_doses")), cell), "", "", "", "", ""])
    table = Table(
        rows,
        colWidths=[18 * mm, 30 * mm, 80 * mm, 28 * mm, 60 * mm, 55 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, LINE),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f7f9fb")]),
                ("TOPPADDING", (0, 1), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
            ]
        )
    )
    story.append(table)
    if found.as_needed_medications:
        story += [Spacer(1, 6 * mm), Paragraph(_e(t("as_needed")), head), Spacer(1, 2 * mm)]
        needed: list[list[Any]] = [
            [
                Paragraph(_e(t(f"col.{c}")), head)
                for c in ("medication", "given_at", "indication", "amount", "signature", "effect")
            ]
        ]
        for m in found.as_needed_medications:
            label = Paragraph(f"<b>{_e(m.drug)}</b> {_e(m.dose)} {_e(m.route)}", cell)
            for _ in range(EMPTY_AS_NEEDED_ROWS):
                needed.append([label, "", "", "", "", ""])
        extra = Table(
            needed,
            colWidths=[70 * mm, 25 * mm, 60 * mm, 25 * mm, 50 * mm, 41 * mm],
            repeatRows=1,
        )
        extra.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, LINE),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef7")),
                    ("TOPPADDING", (0, 1), (-1, -1), 9),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 9),
                ]
            )
        )
        story.append(extra)
    story += [Spacer(1, 5 * mm), Paragraph(_e(t("read_back")), small)]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=t("title", date=found.day.isoformat()),
    )
    document.build(story)
    return buffer.getvalue()
