"""Writing a report: CSV, Parquet, self-contained HTML (inline SVG), PDF, figure files.
Pure: no database, no web.

The CSV has exactly the header ``indicator,group,value``: one row per indicator and group, the
value a plain number (a dot for decimals, at most 3 of them) or ``NA`` where the data does not
exist. ``trace=True`` adds a fourth column, ``episodes``: the ids behind the number, separated
by spaces.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from samband.outcomes import svg
from samband.outcomes.indicators import BY_NAME, INDICATORS, Value
from samband.outcomes.report import Report

NA = "NA"


def number(value: float | None) -> str:
    """The CSV form: integers without decimals, others rounded to 3 decimals; NA for None."""
    if value is None:
        return NA
    rounded = round(value, 3)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.3f}".rstrip("0").rstrip(".")


def rows(report: Report) -> Iterator[Value]:
    """The values group by group (``all`` first), indicators in the order of the definitions."""
    order = {i.name: n for n, i in enumerate(INDICATORS)}
    groups = {g: n for n, g in enumerate(report.groups)}
    yield from sorted(report.values, key=lambda v: (groups[v.group], order[v.indicator]))


def to_csv(report: Report, *, trace: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["indicator", "group", "value"] + (["episodes"] if trace else []))
    for v in rows(report):
        writer.writerow(
            [v.indicator, v.group, number(v.value)] + ([" ".join(v.episodes)] if trace else [])
        )
    return buffer.getvalue()


def to_parquet(report: Report, path: Path, *, trace: bool = False) -> None:
    """Columns indicator, group, value (float, null where the data does not exist), note
    (why), and with ``trace`` episodes (a list of ids)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    values = list(rows(report))
    columns: dict[str, object] = {
        "indicator": pa.array([v.indicator for v in values], pa.string()),
        "group": pa.array([v.group for v in values], pa.string()),
        "value": pa.array([v.value for v in values], pa.float64()),
        "note": pa.array([v.note for v in values], pa.string()),
    }
    if trace:
        columns["episodes"] = pa.array([list(v.episodes) for v in values], pa.list_(pa.string()))
    pq.write_table(pa.table(columns), path)


# -- human formats ------------------------------------------------------------------------------


def shown(value: float | None, unit: str) -> str:
    """A value for people: shares in per cent, money and big numbers with thin spaces."""
    if value is None:
        return "no data"
    if unit == "share":
        return f"{100 * value:.1f} %"
    if unit == "SEK":
        return f"{value:,.0f}".replace(",", "\u202f")
    if unit == "count":
        return f"{value:,.0f}".replace(",", "\u202f")
    if abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", "\u202f")
    return f"{value:.1f}" if unit in ("days", "hours", "minutes", "km") else f"{value:.2f}"


def _sections(report: Report) -> list[tuple[str, list[str]]]:
    sections: dict[str, list[str]] = {}
    for i in INDICATORS:
        sections.setdefault(i.section_text("en"), []).append(i.name)
    return list(sections.items())


def _table(report: Report) -> dict[tuple[str, str], Value]:
    return {(v.indicator, v.group): v for v in report.values}


def _columns(report: Report, table: dict[tuple[str, str], Value], names: list[str]) -> list[str]:
    """The groups with a value in a section: the episodes' groups for theirs, the physician
    support's own (urgency=…, hospital=…) for it."""
    return [g for g in report.groups if any((n, g) in table for n in names)]


def _meta(report: Report) -> list[tuple[str, str]]:
    c = report.costs
    return [
        (
            "Period",
            f"{report.first_day.isoformat()} – {report.last_day.isoformat()} (Swedish time)",
        ),
        ("Filters", report.filters.describe()),
        (
            "Episodes",
            f"{report.episodes} ({report.live} live, {report.imported} imported history)",
        ),
        (
            "Unit costs",
            f"{c.bed_day:,.0f} {c.currency} a bed-day, {c.emergency_visit:,.0f} {c.currency} an "
            f"emergency visit, {c.travel_per_km:g} {c.currency} a km ({c.price_year} prices"
            + (f"; overrides: {'; '.join(c.applied)}" if c.applied else "")
            + "); staff hours: "
            + ", ".join(f"{role} {cost:,.0f}" for role, cost in c.staff_hour.items()),
        ),
        ("Follow-up after discharge", f"{report.follow_up_days} days"),
        (
            "Made",
            report.generated_at.isoformat(timespec="seconds") if report.generated_at else "",
        ),
    ]


_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1f24;"
    "margin:2rem;max-width:1200px}"
    "h1{color:#0b4f8a;margin-bottom:.2rem}"
    "h2{color:#0b4f8a;border-bottom:2px solid #0b4f8a;padding-bottom:.2rem;margin-top:2rem}"
    "table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}"
    "th,td{border:1px solid #c9d1da;padding:.3rem .5rem;text-align:right;vertical-align:top}"
    "th{background:#eef3f8}"
    "td.name,th.name{text-align:left}"
    "code{font-size:.85em;color:#5f6b7a}"
    "td.na{color:#a3161b;font-style:italic}"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}"
    "dl.meta dt{font-weight:bold}"
    ".notes{font-size:.85rem;color:#5f6b7a}"
    "figure{margin:1rem 0}"
    "details{margin:.2rem 0}"
    "summary{cursor:pointer}"
    ".ids{font-family:monospace;font-size:.8rem;word-break:break-all}"
    ".warn{background:#fff4e5;border-left:4px solid #e07b00;padding:.5rem 1rem}"
)


def to_html(report: Report, *, trace: bool = False) -> str:
    table = _table(report)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Samband outcomes {report.first_day} – {report.last_day}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Outcomes of hospital care at home</h1>",
        '<dl class="meta">',
    ]
    for key, value in _meta(report):
        out.append(f"<dt>{escape(key)}</dt><dd>{escape(value)}</dd>")
    out.append("</dl>")
    for warning in report.warnings:
        out.append(f'<p class="warn">{escape(warning)}</p>')
    out.append(
        "<p>Definitions (numerator, denominator, period, exclusions, source) are in "
        "<code>docs/indicators.md</code>; the ids in <code>code</code> are the CSV's indicator "
        "names. “no data” means the data behind the number does not exist (hover for why), "
        "never zero.</p>"
    )
    if report.figures:
        out.append("<h2>Figures</h2>")
        for figure in report.figures:
            out.append(f"<figure>{svg.render(figure)}</figure>")
    for section, names in _sections(report):
        columns = _columns(report, table, names)
        out.append(f"<h2>{escape(section)}</h2><table><thead><tr>")
        out.append('<th class="name" scope="col">indicator</th>')
        out += [f'<th scope="col">{escape(g)}</th>' for g in columns]
        out.append("</tr></thead><tbody>")
        notes: dict[str, int] = {}
        for name in names:
            ind = BY_NAME[name]
            out.append(
                f'<tr><td class="name">{escape(ind.title)}<br><code>{name}</code> '
                f"<small>({escape(ind.unit)})</small></td>"
            )
            for group in columns:
                v = table.get((name, group))
                if v is None:
                    out.append("<td></td>")
                    continue
                mark = ""
                if v.note:
                    number_ = notes.setdefault(v.note, len(notes) + 1)
                    mark = f"<sup>{number_}</sup>"
                css = ' class="na"' if v.value is None else ""
                title = f' title="{escape(v.note, {chr(34): "&quot;"})}"' if v.note else ""
                out.append(f"<td{css}{title}>{escape(shown(v.value, ind.unit))}{mark}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
        if notes:
            out.append('<ol class="notes">')
            out += [f"<li>{escape(note)}</li>" for note in notes]
            out.append("</ol>")
    if trace:
        out.append("<h2>Episodes behind the numbers</h2>")
        out.append(
            "<p>Live episodes by their id in Samband, imported history by the id in the "
            "imported file.</p>"
        )
        for v in rows(report):
            if not v.episodes:
                continue
            out.append(
                f"<details><summary><code>{v.indicator}</code> · {escape(v.group)} · "
                f"{len(v.episodes)} episode(s)</summary>"
                f'<p class="ids">{escape(" ".join(v.episodes))}</p></details>'
            )
    out.append("</body></html>")
    return "\n".join(out)


def write_figures(report: Report, directory: Path) -> list[Path]:
    """Each figure as SVG and as PNG."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for figure in report.figures:
        path = directory / f"{figure.key}.svg"
        path.write_text(svg.render(figure), encoding="utf-8")
        written.append(path)
        image = svg.png(figure)
        if image is not None:
            path = directory / f"{figure.key}.png"
            path.write_bytes(image)
            written.append(path)
    return written


# -- PDF ------------------------------------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        try:
            if "OutcomesSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("OutcomesSans", str(regular)))
                pdfmetrics.registerFont(TTFont("OutcomesSans-Bold", str(bold)))
            return "OutcomesSans", "OutcomesSans-Bold"
        except Exception:  # noqa: S110 - a broken font file: the standard font
            pass
    return "Helvetica", "Helvetica-Bold"


def to_pdf(report: Report) -> bytes:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )
    from reportlab.platypus.flowables import Flowable

    regular, bold = _fonts()
    brand = colors.HexColor("#0b4f8a")
    title = ParagraphStyle("t", fontName=bold, fontSize=18, leading=22, textColor=brand)
    h2 = ParagraphStyle("h", fontName=bold, fontSize=13, leading=16, textColor=brand)
    body = ParagraphStyle("b", fontName=regular, fontSize=9, leading=11.5)
    small = ParagraphStyle("s", fontName=regular, fontSize=7.5, leading=9.5)
    cell = ParagraphStyle("c", fontName=regular, fontSize=7.5, leading=9)

    story: list[Flowable] = [
        Paragraph("Outcomes of hospital care at home", title),
        Spacer(1, 3 * mm),
    ]
    for key, value in _meta(report):
        story.append(Paragraph(f"<b>{escape(key)}:</b> {escape(value)}", body))
    for warning in report.warnings:
        story.append(Paragraph(escape(warning), body))
    story.append(
        Paragraph(
            "Definitions: docs/indicators.md. 'no data' means the data does not exist (see the "
            "numbered note), never zero.",
            small,
        )
    )
    table = _table(report)
    chunk = 5
    for section, names in _sections(report):
        columns = _columns(report, table, names)
        for start in range(0, len(columns), chunk):
            groups = columns[start : start + chunk]
            notes: dict[str, int] = {}
            data: list[list[object]] = [
                [Paragraph("<b>indicator</b>", cell)]
                + [Paragraph(f"<b>{escape(g)}</b>", cell) for g in groups]
            ]
            for name in names:
                ind = BY_NAME[name]
                row: list[object] = [Paragraph(f"{escape(ind.title)} <i>({name})</i>", cell)]
                for g in groups:
                    v = table.get((name, g))
                    if v is None:
                        row.append("")
                        continue
                    text = escape(shown(v.value, ind.unit))
                    if v.note:
                        text += f"<super>{notes.setdefault(v.note, len(notes) + 1)}</super>"
                    row.append(Paragraph(text, cell))
                data.append(row)
            t = Table(data, colWidths=[95 * mm] + [34 * mm] * len(groups), repeatRows=1)
            t.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9aa5b1")),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f8")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            heading = section if start == 0 else f"{section} (continued)"
            story += [
                Spacer(1, 4 * mm),
                KeepTogether([Paragraph(escape(heading), h2), Spacer(1, 2 * mm)]),
                t,
            ]
            for note, n in notes.items():
                story.append(Paragraph(f"{n}. {escape(note)}", small))
    if report.figures:
        story.append(PageBreak())
        story.append(Paragraph("Figures", h2))
        for figure in report.figures:
            drawing = Drawing(250 * mm, 80 * mm)
            drawing.add(
                String(0, 75 * mm, figure.words(figure.title, "en"), fontName=bold, fontSize=10)
            )
            chart = VerticalBarChart()
            chart.x, chart.y = 15 * mm, 15 * mm
            chart.width, chart.height = 225 * mm, 52 * mm
            chart.data = [list(values) for _, values in figure.series] or [[0]]
            chart.categoryAxis.categoryNames = [figure.words(c, "en") for c in figure.categories]
            chart.categoryAxis.labels.angle = 35
            chart.categoryAxis.labels.boxAnchor = "ne"
            chart.categoryAxis.labels.fontName = regular
            chart.categoryAxis.labels.fontSize = 6.5
            chart.valueAxis.labels.fontName = regular
            chart.valueAxis.labels.fontSize = 7
            chart.valueAxis.valueMin = min([0.0, *(v for _, vs in figure.series for v in vs)])
            if figure.stacked:
                chart.categoryAxis.style = "stacked"
            for s in range(len(figure.series)):
                chart.bars[s].fillColor = colors.HexColor(svg.PALETTE[s % len(svg.PALETTE)])
                chart.bars[s].strokeColor = None
            drawing.add(chart)
            story += [Spacer(1, 3 * mm), drawing]
            if len(figure.series) > 1:
                legend = " · ".join(
                    f'<font color="{svg.PALETTE[s % len(svg.PALETTE)]}">■</font> '
                    f"{escape(figure.words(name, 'en'))}"
                    for s, (name, _) in enumerate(figure.series)
                )
                story.append(Paragraph(legend, small))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="Samband outcomes",
    )
    doc.build(story)
    return buffer.getvalue()
