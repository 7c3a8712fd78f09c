"""Text folded for searching: without accents, case or extra spaces ("Ström" → "strom").

Pure, and done in Python so that SQLite (whose ``lower()`` folds ASCII only) and PostgreSQL
search alike: the folded text is stored beside what it folds (``patients.search_name``) and
the query is folded the same way.
"""

from __future__ import annotations

import unicodedata

# letters that are not a base letter plus a combining mark in Unicode
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "đ": "d", "ł": "l", "ß": "ss", "þ": "th"})


def fold(text: str) -> str:
    """Lower case, accents removed, whitespace collapsed: "  Åsa  STRÖM " → "asa strom"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_SPECIAL).split())
