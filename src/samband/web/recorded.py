"""Texts recorded in the database, shown in the reader's language: the notes of the timeline's
events and a next of kin's relation.

**Event notes.** A service records an event with its parameters in ``data`` and, for the
history, a note (``reason``). The note of a known kind is written by the service from those
parameters ("care plan made", "Cefotaxim 1 g iv, 08:00 16:00 24:00", "Anna acknowledged
version 2 of the care plan"): it is shown again from ``data`` through the catalogue
(``timeline.note.*``), in either language. A note a person wrote (a transition's reason, a
care request's message, a stop reason inside "… stopped: <reason>") is shown as written.
Events stored before this (without the parameters) keep their note as written.

**Relations** are free text; the usual ones ("daughter", "dotter", "partner") are shown in
the reader's language (``relation.*``), anything else as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from samband.kit.i18n import Msg, has, msg, translate
from samband.patientcopy.plain import when_text

_FIXED = {
    ("care_plan.version", "care plan made"): "timeline.note.care_plan_made",
    ("care_plan.version", "care plan changed"): "timeline.note.care_plan_changed",
}


def _term(prefix: str, value: str, lang: str) -> str:
    key = f"{prefix}.{value}"
    return translate(key, lang) if has(key, lang) else value.replace("_", " ")


def event_note(event: Any, lang: str) -> str | None:
    """The note of a timeline event in ``lang`` (None when it has none)."""
    reason = (getattr(event, "reason", None) or "").strip()
    if not reason:
        return None
    kind = str(getattr(event, "kind", ""))
    data: Mapping[str, Any] = getattr(event, "data", None) or {}
    fixed = _FIXED.get((kind, reason))
    if fixed:
        return translate(fixed, lang)
    if kind == "care_plan.acknowledged" and reason.endswith(" of the care plan"):
        return _acknowledged(data, reason, lang)
    if kind == "medication.added" and data.get("drug"):
        written = f"{data['drug']} {data.get('dose')} {data.get('route')}, {data.get('schedule')}"
        if reason == written:
            return translate(
                "timeline.note.medication_added",
                lang,
                drug=data["drug"],
                dose=data.get("dose") or "",
                route=_term("route", str(data.get("route") or ""), lang),
                schedule=when_text(str(data.get("schedule") or ""), lang).lower(),
            )
    if kind == "medication.changed" and ": changed " in reason:
        drug = reason.split(": changed ", 1)[0]
        changes = data.get("changes") or {}
        fields: list[Msg | str] = [
            msg(f"timeline.field.{name}") if has(f"timeline.field.{name}", lang) else name
            for name in sorted(changes)
        ]
        return translate("timeline.note.medication_changed", lang, drug=drug, fields=fields)
    if kind == "medication.stopped" and data.get("drug"):
        prefix = f"{data['drug']} stopped: "
        if reason.startswith(prefix):
            return translate(
                "timeline.note.medication_stopped",
                lang,
                drug=data["drug"],
                reason=reason[len(prefix) :],
            )
    return reason


def _acknowledged(data: Mapping[str, Any], reason: str, lang: str) -> str:
    version = data.get("version")
    party = str(data.get("party") or "")
    if version is None:
        return reason
    if party == "organisation":
        match = re.match(r"^organisation (\S+) acknowledged", reason)
        who: Msg | str = msg("careplan_party.organisation", code=match[1] if match else "")
    else:
        who = str(data.get("name") or "") or msg(f"careplan_party.{party}")
    return translate("timeline.note.care_plan_acknowledged", lang, who=who, version=version)


# relation → key; the usual words in both languages
_RELATIONS = {
    "relation.partner": ("partner", "sambo", "spouse"),
    "relation.wife": ("wife", "fru", "hustru", "maka"),
    "relation.husband": ("husband", "man", "make"),
    "relation.daughter": ("daughter", "dotter"),
    "relation.son": ("son",),
    "relation.mother": ("mother", "mamma", "mor"),
    "relation.father": ("father", "pappa", "far"),
    "relation.sister": ("sister", "syster"),
    "relation.brother": ("brother", "bror"),
    "relation.daughter_in_law": ("daughter-in-law", "son's wife", "svärdotter", "sonhustru"),
    "relation.son_in_law": ("son-in-law", "daughter's husband", "svärson"),
    "relation.grandchild": ("grandchild", "barnbarn"),
    "relation.friend": ("friend", "vän", "väninna"),
    "relation.neighbour": ("neighbour", "neighbor", "granne"),
    "relation.guardian": ("guardian", "god man", "förvaltare"),
}
_RELATION_OF = {word: key for key, words in _RELATIONS.items() for word in words}


def relation_text(relation: str | None, lang: str) -> str:
    """A next of kin's relation in ``lang`` ("daughter" → "dotter"); as written if unusual."""
    if not relation:
        return ""
    key = _RELATION_OF.get(" ".join(relation.strip().lower().split()))
    return translate(key, lang) if key else relation


__all__ = ["event_note", "relation_text"]


ACCEPTED_BY = "care request accepted by "


def checklist_note(note: str | None, lang: str) -> str:
    """A checklist item's note: the one the system writes when a care request is accepted
    (carerequests/service.py) in ``lang``; a note a person wrote as written."""
    text = (note or "").strip()
    if text.startswith(ACCEPTED_BY):
        organisation = text.removeprefix(ACCEPTED_BY)
        return translate("check.note.care_request_accepted", lang, organisation=organisation)
    return text
