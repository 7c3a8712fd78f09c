"""A plain-text table: columns padded to their widest cell, two spaces apart. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def table_lines(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The header line, then one line a row; a missing or ``None`` cell is empty, and the
    right end of each line is stripped."""
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return lines
