"""The episode state machine's refusal reasons in the user's language.

The services answer in English (the API's language); the pages show the same reasons in
Swedish. Each pattern below matches one sentence of ``episodes/statemachine.py``; a reason
that matches none is shown as it is, so a new rule is never hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from samband.pathways.definition import registry
from samband.web.i18n import translate

ROLE_SV = {
    "physician": "läkare",
    "registered_nurse": "sjuksköterska",
    "coordinator": "samordnare",
}
KIND_SV = {
    "municipal home health care": "kommunal hemsjukvård",
    "municipal home care": "hemtjänst",
    "primary care centre": "vårdcentral",
}


def _checklist_sv(label: str) -> str:
    for pathway in registry().values():
        for entry in pathway.checklist:
            if entry.label == label and entry.label_sv:
                return entry.label_sv
    return label


def _state(value: str) -> str:
    return translate(f"state.{value}", "sv")


def _roles(value: str) -> str:
    return " eller ".join(ROLE_SV.get(role, role) for role in value.split(" or "))


_SV: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^checklist item '(.+)' not done$"),
        lambda m: f"Checklistpunkten ”{_checklist_sv(m[1])}” är inte klar",
    ),
    (
        re.compile(r"^no accepted care request to (.+)$"),
        lambda m: f"Ingen accepterad vårdbegäran till {KIND_SV.get(m[1], m[1])}",
    ),
    (
        re.compile(r"^the patient \(or next of kin\) has not acknowledged the current care plan$"),
        lambda m: "Patienten (eller närstående) har inte godkänt den aktuella vårdplanen",
    ),
    (
        re.compile(r"^make the documented agreement \(care plan\) first$"),
        lambda m: "Gör den dokumenterade överenskommelsen (vårdplanen) först",
    ),
    (
        re.compile(r"^the care plan has no individual discharge criteria$"),
        lambda m: "Vårdplanen saknar individuella utskrivningskriterier",
    ),
    (
        re.compile(r"^name the care contact \(fast vårdkontakt\)$"),
        lambda m: "Ange fast vårdkontakt",
    ),
    (
        re.compile(r"^name the medically responsible physician$"),
        lambda m: "Ange medicinskt ansvarig läkare",
    ),
    (
        re.compile(r"^answer every eligibility criterion; missing: (.+)$"),
        lambda m: f"Besvara alla kriterier; saknas: {m[1]}",
    ),
    (
        re.compile(r"^unknown criteria for this pathway: (.+)$"),
        lambda m: f"Okända kriterier för vårdflödet: {m[1]}",
    ),
    (
        re.compile(r"^say whether the patient is eligible .*$"),
        lambda m: "Ange om patienten är lämplig eller inte",
    ),
    (
        re.compile(r"^required criteria not met: (.+); the patient cannot be assessed eligible$"),
        lambda m: (
            f"Obligatoriska kriterier är inte uppfyllda ({m[1]}): "
            "patienten kan inte bedömas lämplig"
        ),
    ),
    (
        re.compile(r"^give the reason the patient is not eligible$"),
        lambda m: "Ange varför patienten inte är lämplig",
    ),
    (
        re.compile(r"^the patient must have been informed .*$"),
        lambda m: "Patienten måste ha fått information",
    ),
    (
        re.compile(r"^the patient's consent must be recorded .*$"),
        lambda m: "Patientens samtycke måste registreras",
    ),
    (re.compile(r"^give the reason the episode is .+$"), lambda m: "Ange en orsak"),
    (
        re.compile(r"^say which ward unit admits the patient .*$"),
        lambda m: "Ange vilken avdelning som tar emot patienten",
    ),
    (
        re.compile(r"^an episode that is '(\w+)' cannot go to '(\w+)'; allowed: .*$"),
        lambda m: f"En episod som är ”{_state(m[1])}” kan inte gå till ”{_state(m[2])}”",
    ),
    (
        re.compile(r"^only a (.+) may move an episode to '(\w+)'$"),
        lambda m: f"Bara {_roles(m[1])} får flytta episoden till ”{_state(m[2])}”",
    ),
]


def reason_text(reason: str, lang: str) -> str:
    """One refusal reason in the page's language."""
    if lang != "sv":
        return reason
    for pattern, swedish in _SV:
        match = pattern.match(reason)
        if match:
            return swedish(match)
    return reason
