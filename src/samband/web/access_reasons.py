"""The reasons the access log keeps, shown on the access-log pages in the reader's language.

An access-log row's ``reason`` is text, and part of the row's hash (``audit/chain.py``: the
content columns are a contract, so a row cannot carry a code beside it without a new chain
version). The system writes its reasons in English with a fixed wording ("role
home_care_worker lacks patient:read", "blocked by the patient (spärr)", "request failed
(403); nothing was changed"); they are recognised here by that wording and shown through the
catalogue (``audit.reason.*``). A refusal's own text (a problem's English text, kept when the
request was refused) is recognised by the English catalogue's text of its code. A reason a
person wrote (an emergency access's, a transition's) is shown as written.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import cache

from samband.kit import i18n
from samband.kit.i18n import Msg, msg, translate
from samband.pathways.definition import pathway_name

NO_SUCH = {
    "patient": "audit.reason.no_such_patient",
    "patient (personnummer)": "audit.reason.no_such_patient",
    "user": "audit.reason.no_such_user",
    "organisation": "audit.reason.no_such_organisation",
    "unit": "audit.reason.no_such_unit",
    "audit event": "audit.reason.no_such_event",
    "access": "audit.reason.no_such_access",
}
FIXED = {
    "no care relationship": "audit.reason.no_care_relationship",
    "invalid input (422): nothing was changed": "audit.reason.invalid_input",
    "emergency access overrides the patient's block (spärr)": "audit.reason.block_overridden",
    "blocked by the patient (spärr)": "audit.reason.blocked",
    "another care provider's log": "audit.reason.other_providers_log",
    "another care provider's emergency access": "audit.reason.other_providers_emergency",
    "municipal home care (social services) does not read the medical record": (
        "audit.reason.home_care_no_record"
    ),
    "no care relationship with the unit's patients": "audit.reason.no_relationship_unit",
    "a block is lifted through the organisation it blocks": "audit.reason.block_lifted_there",
    "personnummer already registered: nothing disclosed, no care relationship started": (
        "audit.reason.already_registered"
    ),
}


_FORMATTER = string.Formatter()
# a catalogue text is recognised only with this many fixed words (a person's reason such as
# "yes" or "patient" is never taken for a label)
SHORTEST_WORDS = 4


def _term(prefix: str, value: str) -> Msg | str:
    key = f"{prefix}.{value}"
    return msg(key) if i18n.has(key, "en") else value


def _kind(value: str) -> Msg | str:
    return msg("audit.reason.sample") if value == "sample" else _term("audit.kind", value)


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str], str], Msg]]] = [
    (
        re.compile(r"role (\w+) lacks (\S+)"),
        lambda m, lang: msg("audit.reason.role_lacks", role=_term("role", m[1]), permission=m[2]),
    ),
    (
        re.compile(r"request failed \((\d+)\); nothing was changed"),
        lambda m, lang: msg("audit.reason.request_failed", status=m[1]),
    ),
    (
        re.compile(r"flagged as a candidate \(([^)]+)\): (.*)", re.S),
        lambda m, lang: msg("audit.reason.flagged", pathway=pathway_name(m[1], lang), reason=m[2]),
    ),
    (
        re.compile(r"marked reviewed \((\w+)\)"),
        lambda m, lang: msg("audit.reason.marked_reviewed", kind=_kind(m[1])),
    ),
    (
        re.compile(r"(.*?)(\S+) belongs to another care provider \((.+)\)"),
        lambda m, lang: msg("audit.reason.other_provider", before=m[1], code=m[2], provider=m[3]),
    ),
    (
        re.compile(r"(\S+): password reset by the administrator"),
        lambda m, lang: msg("audit.reason.password_reset", username=m[1]),
    ),
    (
        re.compile(r"shown on the overview \(logged once per (\d+) min\)"),
        lambda m, lang: msg("audit.reason.overview", minutes=int(m[1])),
    ),
    (
        re.compile(r"no access by (.+)'s organisations"),
        lambda m, lang: msg("audit.reason.no_access_by", provider=m[1]),
    ),
]


@cache
def _english_texts() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str, list[str]]]]:
    """The English catalogue read backwards: a text without parameters → its key; a text with
    parameters → a pattern naming them (the most literal first)."""
    exact: dict[str, str] = {}
    patterns: list[tuple[int, re.Pattern[str], str, list[str]]] = []
    for key, entry in i18n.catalogue("en").items():
        if "." not in key or " " in key or entry.plural:
            continue  # a source text (pathways), not a key; or a plural
        parsed = list(_FORMATTER.parse(entry.text))
        names = [name for _, name, _, _ in parsed if name]
        if not names:
            if len(entry.text.split()) >= SHORTEST_WORDS:
                exact.setdefault(entry.text, key)
            continue
        if len(set(names)) != len(names):
            continue
        literal = "".join(text for text, _, _, _ in parsed)
        if len(literal.split()) < SHORTEST_WORDS:
            continue  # too little fixed wording to tell a system's text from a person's
        pattern = "".join(
            re.escape(text) + (f"(?P<{name}>.+?)" if name else "") for text, name, _, _ in parsed
        )
        try:
            compiled = re.compile(pattern, re.S)
        except re.error:  # pragma: no cover - a parameter name that is not an identifier
            continue
        patterns.append((len(literal), compiled, key, names))
    patterns.sort(key=lambda found: -found[0])
    return exact, [(p, key, names) for _, p, key, names in patterns]


@cache
def _terms() -> dict[str, str]:
    """The English words of roles and states → their keys."""
    return {
        entry.text: key
        for key, entry in i18n.catalogue("en").items()
        if key.startswith(("role.", "state.")) and key.count(".") == 1
    }


def _value(text: str) -> Msg | str:
    """A parameter of a refusal's text: a role or a state in the reader's language, anything
    else as written."""
    key = _terms().get(text)
    return msg(key) if key else text


def access_reason(reason: str | None, lang: str) -> str:
    """An access-log row's reason in ``lang``: the system's own in the reader's language, a
    person's as written."""
    text = (reason or "").strip()
    if not text:
        return ""
    if text in FIXED:
        return translate(FIXED[text], lang)
    if text.startswith("no such ") and text.removeprefix("no such ") in NO_SUCH:
        return translate(NO_SUCH[text.removeprefix("no such ")], lang)
    for pattern, build in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return build(match, lang).text(lang)
    if lang == "en":
        return text  # a refusal's English text is English already
    exact, patterns = _english_texts()
    if text in exact:
        return translate(exact[text], lang)
    for pattern, key, names in patterns:
        match = pattern.fullmatch(text)
        if match:
            return translate(key, lang, **{name: _value(match[name]) for name in names})
    return text
