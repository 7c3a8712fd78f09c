"""Bar charts as self-contained SVG (no JavaScript, no fonts to load), and the same charts
as PNG when matplotlib is installed. Pure: no database, no web."""

from __future__ import annotations

import math
from io import BytesIO
from xml.sax.saxutils import escape

from samband.kit.i18n import number
from samband.kit.ticks import Axis, nice_axis
from samband.outcomes.report import Figure

PALETTE = ("#0b4f8a", "#e07b00", "#2a9d5c", "#a3161b", "#6f42c1", "#5f6b7a", "#c2185b", "#00838f")
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 16, 40, 70


def _label(value: float, lang: str = "en") -> str:
    """An axis label: 20 k, 1,5 M (a decimal comma in Swedish)."""
    if abs(value) >= 1e6:
        return f"{number(round(value / 1e6, 6), lang)} M"
    if abs(value) >= 1e4:
        return f"{number(round(value / 1e3, 6), lang)} k"
    return number(round(value, 6), lang)


def render(figure: Figure, lang: str = "en") -> str:
    """The chart as SVG, its words (title, unit, names) in ``lang``."""
    cats = [figure.words(c, lang) for c in figure.categories]
    series = [(figure.words(name, lang), values) for name, values in figure.series]
    title = figure.words(figure.title, lang)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    if figure.stacked:
        totals = [sum(s[1][i] for s in series) for i in range(len(cats))]
        top = max(totals, default=0.0)
        low = 0.0
    else:
        every = [v for _, values in series for v in values]
        top, low = max(every + [0.0]), min(every + [0.0])
    axis = nice_axis(0.0, max(top, -low) if top > 0 or low < 0 else 1.0)
    axis_top, tick = axis.high, axis.step
    axis_low = -axis_top if low < 0 else 0.0
    span = axis_top - axis_low

    def y(value: float) -> float:
        return TOP + plot_h * (axis_top - value) / span

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for value in Axis(axis_low, axis_top, tick).ticks:
        yy = y(value)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" '
            f'stroke="{"#333" if value == 0 else "#ddd"}"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" text-anchor="end">{_label(value, lang)}</text>'
        )
    n = max(len(cats), 1)
    slot = plot_w / n
    groups = 1 if figure.stacked else max(len(series), 1)
    bar = slot * 0.8 / groups
    for i, cat in enumerate(cats):
        x0 = LEFT + i * slot + slot * 0.1
        base = 0.0
        for s, (name, values) in enumerate(series):
            v = values[i]
            colour = PALETTE[s % len(PALETTE)]
            if figure.stacked:
                y1, y2 = y(base + v), y(base)
                x = x0
                base += v
            else:
                y1, y2 = (y(v), y(0)) if v >= 0 else (y(0), y(v))
                x = x0 + s * bar
            if y2 - y1 > 0:
                out.append(
                    f'<rect x="{x:.1f}" y="{y1:.1f}" width="{bar:.1f}" height="{y2 - y1:.1f}" '
                    f'fill="{colour}"><title>{escape(cat)} · {escape(name)}: '
                    f"{number(round(v, 2), lang)}</title></rect>"
                )
        label_every = max(1, math.ceil(n / 24))
        if i % label_every == 0:
            cx = LEFT + (i + 0.5) * slot
            out.append(
                f'<text x="{cx:.1f}" y="{TOP + plot_h + 14}" text-anchor="end" '
                f'transform="rotate(-35 {cx:.1f} {TOP + plot_h + 14})">{escape(cat)}</text>'
            )
    if len(series) > 1:
        x = LEFT
        for s, (name, _) in enumerate(series):
            colour = PALETTE[s % len(PALETTE)]
            out.append(
                f'<rect x="{x}" y="{HEIGHT - 16}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{x + 14}" y="{HEIGHT - 7}">{escape(name)}</text>'
            )
            x += 24 + 7 * len(name)
    mid = TOP + plot_h / 2
    out.append(
        f'<text x="12" y="{mid:.1f}" transform="rotate(-90 12 {mid:.1f})" '
        f'text-anchor="middle">{escape(figure.words(figure.unit, lang))}</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def png(figure: Figure) -> bytes | None:
    """The chart as PNG with matplotlib, or None when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
    try:
        xs = list(range(len(figure.categories)))
        base = [0.0] * len(xs)
        width = 0.8 / (1 if figure.stacked else max(len(figure.series), 1))
        for s, (words, values) in enumerate(figure.series):
            name = figure.words(words, "en")
            colour = PALETTE[s % len(PALETTE)]
            if figure.stacked:
                ax.bar(xs, values, 0.8, bottom=base, label=name, color=colour)
                base = [b + v for b, v in zip(base, values, strict=True)]
            else:
                offset = [x - 0.4 + width * (s + 0.5) for x in xs]
                ax.bar(offset, values, width, label=name, color=colour)
        ax.set_xticks(xs)
        ax.set_xticklabels(
            [figure.words(c, "en") for c in figure.categories], rotation=35, ha="right", fontsize=8
        )
        ax.set_ylabel(figure.words(figure.unit, "en"))
        ax.set_title(figure.words(figure.title, "en"), fontsize=10)
        if len(figure.series) > 1:
            ax.legend(fontsize=8)
        fig.tight_layout()
        buffer = BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        plt.close(fig)
