"""What a text typed by a person may hold (issue 10). Pure: no database, no web.

- **Names and identifiers** (a patient's or next of kin's name, a user's full name,
  organisation and unit names, codes, any single-line short text): no control characters,
  no bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), no
  zero-width characters (U+200B–U+200D, U+2060, U+FEFF), and no other invisible formatting
  character (Unicode categories Cc, Cf, Zl, Zp, Co, Cs). Such characters make two names look
  alike that are not, or turn the text around on screen.
- **Free texts** (notes, reasons, the patient's own words): tab and new lines are fine (CR LF
  is kept as LF); other control characters and the bidirectional overrides, embeddings and
  isolates (U+202A–U+202E, U+2066–U+2069) are not. A text made only of invisible characters
  and spaces is refused.
- **Numbers and identifiers** are ASCII digits 0-9 only: Python's ``int()``, ``float()`` and
  regular expressions' ``\\d`` also take other scripts' digits (``float('٣٧')`` is 37.0;
  ``'１９６８'`` matches ``\\d{4}``), which would let one personnummer be written two ways.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_MARKS = frozenset("\u200e\u200f\u061c")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_NOT_IN_NAMES = ("Cc", "Cf", "Zl", "Zp", "Co", "Cs")
_ALLOWED_CONTROLS = frozenset("\t\n")
_ASCII_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: how an error names an invisible character."""
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = "control character"
    return f"U+{ord(char):04X} {name}".rstrip()


def _visible(text: str) -> bool:
    return any(
        not ch.isspace() and unicodedata.category(ch) not in _NOT_IN_NAMES and ch not in ZERO_WIDTH
        for ch in text
    )


def name_problem(text: str) -> str | None:
    """Why this name (or identifier, or single-line text) is refused, or None."""
    for position, char in enumerate(text, start=1):
        if (
            char in BIDI_CONTROLS
            or char in BIDI_MARKS
            or char in ZERO_WIDTH
            or unicodedata.category(char) in _NOT_IN_NAMES
        ):
            return (
                f"contains an invisible or control character ({describe(char)}) at position "
                f"{position}; type the text again without it"
            )
    return None


def check_name(text: str) -> str:
    """A validator for names and identifiers: the text, or ValueError saying why not."""
    problem = name_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def free_text_problem(text: str) -> str | None:
    """Why this free text is refused, or None."""
    for position, char in enumerate(text, start=1):
        if char in BIDI_CONTROLS or (
            unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS
        ):
            return (
                f"contains a control character ({describe(char)}) at position {position}; "
                "only ordinary characters, tabs and new lines are allowed"
            )
    if text and not _visible(text):
        return "has no visible characters"
    return None


def check_free_text(text: str) -> str:
    """A validator for free texts: the text (CR LF and CR as LF), or ValueError saying why
    not."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problem = free_text_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def is_ascii_digits(text: str) -> bool:
    """Only the digits 0-9 (not ``str.isdigit``, which takes ``'٣'`` and ``'²'``)."""
    return bool(text) and text.isascii() and text.isdigit()


def ascii_int(text: str | None) -> int | None:
    """A whole number written with the digits 0-9 (surrounding spaces allowed), else None."""
    cleaned = (text or "").strip()
    return int(cleaned) if is_ascii_digits(cleaned) else None


def is_ascii_number(text: str) -> bool:
    """A decimal number written with 0-9 and '.' only (no '1e3', '1_000', 'nan', '٣٧')."""
    return bool(_ASCII_NUMBER.match(text))
