"""Refusal reasons in the user's language: the episode state machine's, and those of the
visits and day plans (the planner's reasons a visit was left out, and refused status moves).

The services answer in English (the API's language); the pages show the same reasons in
Swedish. Each pattern below matches one sentence of ``episodes/statemachine.py``,
``visits/service.py`` or ``planning/solver.py``; a reason that matches none is shown as it
is, so a new rule is never hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from samband.pathways.definition import registry
from samband.web.i18n import skill_text, translate

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


def _skills(value: str) -> str:
    return ", ".join(skill_text(s.strip(), "sv") for s in value.split(","))


def _visit_status(value: str) -> str:
    return translate(f"visit_status.{value}", "sv").lower()


def _allowed_moves(value: str) -> str:
    if value.startswith("none"):
        return "inga (besöket är avslutat)"
    return ", ".join(_visit_status(v.strip()) for v in value.split(","))


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


# -- visits and day plans (visits/service.py, planning/solver.py) --
_SV += [
    (
        re.compile(r"^the patient's home has no coordinates .*$"),
        lambda m: (
            "Patientens hem saknar koordinater (latitud och longitud); lägg till dem hos "
            "patienten för att kunna planera besöket"
        ),
    ),
    (
        re.compile(r"^its window is not on this date$"),
        lambda m: "Besökets tidsfönster ligger inte på den här dagen",
    ),
    (
        re.compile(r"^nobody of these organisations has a shift with time left on (\S+).*$"),
        lambda m: (
            f"Ingen i personalen har ett arbetspass med tid kvar {m[1]}; lägg till "
            "arbetspass och planera om"
        ),
    ),
    (
        re.compile(r"^no staff member has the skill\(s\) (.+)$"),
        lambda m: f"Ingen i personalen har kompetensen: {_skills(m[1])}",
    ),
    (
        re.compile(r"^no single staff member has all the skills (.+)$"),
        lambda m: f"Ingen enskild person har alla kompetenserna: {_skills(m[1])}",
    ),
    (
        re.compile(
            r"^window (\S+) \(\+(\d+) min\) is outside every shift of the staff with the "
            r"skills, travel included$"
        ),
        lambda m: (
            f"Tidsfönstret {m[1]} (+{m[2]} min) ligger utanför arbetspassen för all "
            "personal med rätt kompetens, restiden inräknad"
        ),
    ),
    (
        re.compile(r"^could not fit: .*$"),
        lambda m: (
            "Fick inte plats: ingen med rätt kompetens hade tid inom tidsfönstret (andra "
            "besök med samma eller högre prioritet tog tiden)"
        ),
    ),
    (
        re.compile(r"^a (\w+) visit cannot be marked (\w+); allowed now: (.+)$"),
        lambda m: (
            f"Ett besök som är {_visit_status(m[1])} kan inte markeras som "
            f"{_visit_status(m[2])}; möjligt nu: {_allowed_moves(m[3])}"
        ),
    ),
    (
        re.compile(r"^this visit is assigned to another staff member; .*$"),
        lambda m: (
            "Besöket är tilldelat någon annan i personalen; bara den personen eller en "
            "planerare får markera det"
        ),
    ),
    (
        re.compile(r"^only a planner \(episode:update\) may cancel a visit$"),
        lambda m: "Bara en planerare får ställa in ett besök",
    ),
    (
        re.compile(r"^the plan is already published; replan it to change it$"),
        lambda m: "Planen är redan publicerad; planera om den för att ändra den",
    ),
    (
        re.compile(r"^day plan \S+ was not found, or it is not your organisation's$"),
        lambda m: "Dagsplanen finns inte, eller så hör den inte till din organisation",
    ),
    (re.compile(r"^visit \S+ was not found$"), lambda m: "Besöket finns inte"),
    (
        re.compile(r"^the day cannot be planned: (.+)$"),
        lambda m: f"Dagen kan inte planeras: {m[1]}",
    ),
    (
        re.compile(r"^your organisation shares no open episode with (.+), so it may not plan .*$"),
        lambda m: (
            f"Din organisation har ingen pågående episod tillsammans med {m[1]} och får "
            "inte planera dess besök"
        ),
    ),
    (
        re.compile(r"^a user with the role '(\w+)' may not do this \((.+)\)$"),
        lambda m: f"Rollen {translate(f'role.{m[1]}', 'sv')} får inte göra detta ({m[2]})",
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
