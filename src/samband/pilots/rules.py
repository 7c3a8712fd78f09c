"""Pure rules of the pilots (no database, no HTTP): when a pilot is finished, and the check
that keeps personal identity numbers out of the learning log (docs/pilots.md)."""

from __future__ import annotations

import re
from datetime import date

# a Swedish personal or coordination number as people write it: 6 or 8 digits of a date,
# an optional - or + (or a space), 4 digits; not part of a longer number
_IDENTIFIER = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+ ]?[0-9]{4}(?![0-9])")


def looks_like_identifier(text: str) -> bool:
    """True when the text holds something shaped like a personnummer (or samordningsnummer).
    A pilot keeps no patient data: a story is told without names or numbers. The check is
    deliberately coarse (a date-and-four-digits shape); names cannot be checked, the form
    warns against them."""
    for found in _IDENTIFIER.finditer(text):
        digits = re.sub(r"[^0-9]", "", found.group())[-10:]
        month, day = int(digits[2:4]), int(digits[4:6])
        if 1 <= month <= 12 and 1 <= day <= 91:  # 61–91: a samordningsnummer's day
            return True
    return False


def finished(period_end: date, today: date) -> bool:
    """A pilot is finished when its period has ended (the last day is over)."""
    return period_end < today
