"""Every text a person reads, in Swedish (the default) and English: gettext catalogues.

The catalogues are the ``.po`` files under ``samband/locale/<lang>/LC_MESSAGES/``, read with
Babel when first used (there is no compile step, so a catalogue can never be stale). All the
files of a language make one catalogue; one message id in two files is an error.

Two kinds of message id (decision 0017):

* **keys** such as ``nav.overview`` or ``checklist.item_not_done``: the texts of the pages and
  the problems (errors) the services raise. Each key has a text in *both* languages; the
  API's English message of a problem is its English text.
* **source texts**: configuration written in English (the pathways' activities, schedules,
  discharge criteria …). The msgid is the English text itself; the Swedish catalogue
  translates it (``source(text, lang)``).

Parameters are written ``{name}`` (Python's format). A parameter can itself be a ``Msg`` (a
key with its own parameters), a ``Source`` text, a list (joined with commas), a number
(decimal comma in Swedish) or a date.

``tests/kit/test_catalogues.py`` extracts the messages the code and the templates use and
fails when one lacks a text in either language.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

LANGUAGES = ("sv", "en")
DEFAULT = "sv"
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


class CatalogueError(Exception):
    """A catalogue that cannot be read, or a message id defined twice."""


@dataclass(frozen=True)
class Entry:
    text: str
    plural: str | None = None
    where: str = ""


def _read(lang: str) -> dict[str, Entry]:
    from babel.messages.pofile import read_po

    entries: dict[str, Entry] = {}
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=LOCALES[lang], abort_invalid=True)
        for message in catalog:
            if not message.id:
                continue  # the header
            msgid = str(message.id[0] if isinstance(message.id, tuple | list) else message.id)
            string = message.string
            text: str
            plural: str | None
            if isinstance(string, tuple | list):
                text, plural = str(string[0]), str(string[1]) if len(string) > 1 else None
            else:
                text, plural = str(string or ""), None
            if not text:
                continue  # untranslated: the test names it
            if msgid in entries:
                raise CatalogueError(
                    f"{msgid!r} is in both {entries[msgid].where} and {path.name} ({lang})"
                )
            entries[msgid] = Entry(text, plural or None, path.name)
    return entries


@cache
def catalogue(lang: str) -> Mapping[str, Entry]:
    if lang not in LANGUAGES:
        lang = DEFAULT
    return _read(lang)


def has(msgid: str, lang: str) -> bool:
    return msgid in catalogue(lang)


def _format(template: str, lang: str, params: Mapping[str, Any]) -> str:
    if not params:
        return template
    shown = {name: param_text(value, lang) for name, value in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        # a catalogue text naming a parameter the caller did not give: show the text
        return template


def translate(key: str, lang: str, /, **params: Any) -> str:
    """The text of a key in ``lang`` with its parameters filled in; the key itself when the
    catalogue lacks it (the catalogue test fails on that)."""
    entry = catalogue(lang).get(key)
    return _format(entry.text if entry else key, lang, params)


def ntranslate(key: str, count: int, lang: str, /, **params: Any) -> str:
    """The singular or plural text of a key (both languages: one form for 1, another for the
    rest); ``{n}`` is the count."""
    entry = catalogue(lang).get(key)
    if entry is None:
        return key
    template = entry.text if count == 1 or entry.plural is None else entry.plural
    return _format(template, lang, {"n": count, **params})


def source(text: str, lang: str) -> str:
    """A text written in English in configuration (a pathway's activity, say), in ``lang``:
    as written when the catalogue has no translation (so a local edit is never hidden)."""
    if lang == "en" or not text:
        return text
    entry = catalogue(lang).get(text.strip())
    return entry.text if entry else text


@dataclass(frozen=True)
class Msg:
    """A key with its parameters, to be shown in whichever language the reader has."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return translate(self.key, lang, **self.params)


def msg(key: str, /, **params: Any) -> Msg:
    return Msg(key, params)


@dataclass(frozen=True)
class Source:
    """An English text from configuration, translated by the catalogue when shown."""

    text: str

    def __str__(self) -> str:
        return self.text


def number(value: float | int | Decimal, lang: str, *, digits: int | None = None) -> str:
    """A number as people of ``lang`` write it: 37,5 and 1 234 in Swedish."""
    from babel.numbers import format_decimal

    try:
        magnitude = abs(float(value))
    except (OverflowError, ValueError):
        magnitude = math.inf
    if not math.isfinite(magnitude) or magnitude >= 1e15:
        # beyond what a measurement or a sum can be (a typing mistake): as Python writes it
        text = f"{value:g}" if isinstance(value, float | Decimal) else str(value)
        return text.replace(".", ",") if lang == "sv" else text
    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(value, format=pattern, locale=LOCALES.get(lang, "sv_SE"))
    return format_decimal(value, locale=LOCALES.get(lang, "sv_SE"))


def param_text(value: Any, lang: str) -> str:
    if isinstance(value, Msg):
        return value.text(lang)
    if isinstance(value, Source):
        return source(value.text, lang)
    if isinstance(value, bool):
        key = "common.yes" if value else "common.no"
        return translate(key, lang)
    if isinstance(value, int | float | Decimal):
        return number(value, lang)
    if isinstance(value, datetime):
        from samband.kit.time import STOCKHOLM

        return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ", ".join(param_text(item, lang) for item in value)
    return str(value)


def plain(value: Any) -> Any:
    """A parameter as JSON for the API (``Msg`` as its key, ``Source`` as its text)."""
    if isinstance(value, Msg):
        return value.key.rsplit(".", 1)[-1] if not value.params else value.text("en")
    if isinstance(value, Source):
        return value.text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return value
