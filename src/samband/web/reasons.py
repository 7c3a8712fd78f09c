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

from samband.web.i18n import activity_text, skill_text, translate


def _state(value: str) -> str:
    return translate(f"state.{value}", "sv")


def _skills(value: str) -> str:
    return ", ".join(skill_text(s.strip(), "sv") for s in value.split(","))


def _visit_status(value: str) -> str:
    return translate(f"visit_status.{value}", "sv").lower()


def _allowed_moves(value: str) -> str:
    if value.startswith("none"):
        return "inga (besöket är avslutat)"
    return ", ".join(_visit_status(v.strip()) for v in value.split(","))


# The episode state machine's reasons are problems with codes now (episodes/statemachine.py):
# the catalogue words them (locale/*/problems_care.po).
_SV: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = []


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
    # -- personnummer (kit/personnummer.py) --
    (
        re.compile(r"^personnummer (.+): check digit should be (\d), not (\d)$"),
        lambda m: f"Personnummer {m[1]}: kontrollsiffran ska vara {m[2]}, inte {m[3]}",
    ),
    (
        re.compile(r"^personnummer (.+): has (\d+) digits; .*$"),
        lambda m: (
            f"Personnummer {m[1]}: har {m[2]} siffror; skriv 10 (ÅÅMMDD-NNNK) eller 12 "
            "(ÅÅÅÅMMDDNNNK)"
        ),
    ),
    (
        re.compile(r"^personnummer (.+): only digits and one .*$"),
        lambda m: (
            f"Personnummer {m[1]}: bara siffror och ett '-' eller '+' före de fyra sista siffrorna"
        ),
    ),
    (
        re.compile(r"^personnummer (.+): month (\d+) does not exist$"),
        lambda m: f"Personnummer {m[1]}: månad {m[2]} finns inte",
    ),
    (
        re.compile(r"^personnummer (.+): day (\d+) does not exist in (\S+?)( \(.*\))?$"),
        lambda m: f"Personnummer {m[1]}: dag {m[2]} finns inte i {m[3]}",
    ),
    (
        re.compile(r"^personnummer (.+): date of birth (\S+) is in the future$"),
        lambda m: f"Personnummer {m[1]}: födelsedatumet {m[2]} har inte varit ännu",
    ),
    # -- the access log (audit/service.py) and the users (organisations/service.py) --
    (
        re.compile(r"^no patient with personnummer (.+) is in (.+)'s access log$"),
        lambda m: f"Ingen patient med personnummer {m[1]} finns i {m[2]}s åtkomstlogg",
    ),
    (
        re.compile(r"^no patient (\S+) is in (.+)'s access log$"),
        lambda m: f"Patienten finns inte i {m[2]}s åtkomstlogg",
    ),
    (re.compile(r"^audit event \S+ was not found$"), lambda m: "Loggraden finns inte"),
    (
        re.compile(r"^(audit event|emergency access) \S+ was already reviewed at (.+)$"),
        lambda m: (
            f"{'Loggraden' if m[1] == 'audit event' else 'Nödåtkomsten'} är redan granskad ({m[2]})"
        ),
    ),
    (re.compile(r"^emergency access \S+ was not found$"), lambda m: "Nödåtkomsten finns inte"),
    (
        re.compile(r"^organisation (\S+) was not found$"),
        lambda m: f"Verksamheten {m[1]} finns inte",
    ),
    (re.compile(r"^unit (\S+) was not found$"), lambda m: f"Enheten {m[1]} finns inte"),
    (re.compile(r"^user \S+ was not found$"), lambda m: "Användaren finns inte"),
    (
        re.compile(r"^the username (\S+) is taken$"),
        lambda m: f"Användarnamnet {m[1]} är upptaget",
    ),
    (
        re.compile(r"^you may neither deactivate your own account nor change your own role; .*$"),
        lambda m: (
            "Du kan varken inaktivera ditt eget konto eller ändra din egen roll; be en annan "
            "administratör"
        ),
    ),
    (
        re.compile(r"^'from' must not be later than 'to'$"),
        lambda m: "Från-datumet får inte vara senare än till-datumet",
    ),
    # -- the reasons the access log keeps (shown on the access-log pages) --
    (
        re.compile(r"^role (\w+) lacks (\S+)$"),
        lambda m: f"rollen {translate(f'role.{m[1]}', 'sv')} saknar {m[2]}",
    ),
    (re.compile(r"^no care relationship$"), lambda m: "ingen vårdrelation"),
    (
        re.compile(r"^no such (patient|user|organisation|unit|audit event)$"),
        lambda m: {
            "patient": "ingen sådan patient",
            "user": "ingen sådan användare",
            "organisation": "ingen sådan verksamhet",
            "unit": "ingen sådan enhet",
            "audit event": "ingen sådan loggrad",
        }[m[1]],
    ),
    (
        re.compile(r"^request failed \((\d+)\); nothing was changed$"),
        lambda m: f"anropet nekades ({m[1]}); inget ändrades",
    ),
    (
        re.compile(r"^flagged as a candidate \(([^)]+)\): (.*)$", re.S),
        lambda m: f"flaggad som kandidat ({m[1]}): {m[2]}",
    ),
    (
        re.compile(r"^emergency access overrides the patient's block \(spärr\)$"),
        lambda m: "nödåtkomst bryter patientens spärr",
    ),
    (re.compile(r"^blocked by the patient \(spärr\)$"), lambda m: "spärrad av patienten"),
    (
        re.compile(r"^marked reviewed \((\w+)\)$"),
        lambda m: (
            "markerad granskad ("
            + {"sample": "stickprov", "relationship_start": "ny vårdrelation"}.get(
                m[1], "bruten spärr" if m[1] == "block_override" else m[1]
            )
            + ")"
        ),
    ),
    (
        re.compile(r"^another care provider's (log|emergency access)$"),
        lambda m: "en annan vårdgivares " + ("logg" if m[1] == "log" else "nödåtkomst"),
    ),
    (
        re.compile(r"^(.*?)(\S+) belongs to another care provider \((.+)\)$"),
        lambda m: f"{m[1]}{m[2]} hör till en annan vårdgivare ({m[3]})",
    ),
    (
        re.compile(r"^(\S+): password reset by the administrator$"),
        lambda m: f"{m[1]}: nytt lösenord av administratören",
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


# -- vital signs and alerts (alerts/rules.py, alerts/service.py, observations/service.py,
# observations/plausibility.py, observations/schemas.py, episodes/service.py's reserved bed) --

PARAMETER_SV = {
    "respiratory rate": "andningsfrekvens",
    "respiratory_rate": "andningsfrekvens",
    "spo2": "SpO2",
    "SpO2": "SpO2",
    "on oxygen": "syrgas",
    "on_oxygen": "syrgas",
    "oxygen flow": "syrgasflöde",
    "systolic bp": "systoliskt blodtryck",
    "systolic_bp": "systoliskt blodtryck",
    "systolic blood pressure": "systoliskt blodtryck",
    "diastolic bp": "diastoliskt blodtryck",
    "diastolic_bp": "diastoliskt blodtryck",
    "diastolic blood pressure": "diastoliskt blodtryck",
    "pulse": "puls",
    "consciousness": "medvetandegrad",
    "temperature": "temperatur",
    "weight": "vikt",
    "weight gain": "viktökning",
    "NEWS2": "NEWS2",
}
RISK_SV = {"low": "låg", "low-medium": "låg–medel", "medium": "medel", "high": "hög"}
ALERT_STATUS_SV = {
    "open": "okvitterat",
    "acknowledged": "kvitterat",
    "action taken": "åtgärdat",
    "closed": "stängt",
}
MOVE_SV = {
    "acknowledged": "kvitteras",
    "given an action": "få en åtgärd",
    "closed": "stängas",
    "acknowledge": "kvittera",
    "action": "registrera åtgärd",
    "close": "stäng",
}


def _param(name: str) -> str:
    return PARAMETER_SV.get(name.strip(), name.strip())


def _decimals(text: str) -> str:
    """37.5 → 37,5 (numbers only; dates and times keep their form)."""
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


def _scored(text: str) -> str:
    """'respiratory rate 3, spo2 3' → 'andningsfrekvens 3, SpO2 3'."""
    parts = []
    for part in text.split(", "):
        match = re.match(r"^(.+?) (\d+)$", part)
        parts.append(f"{_param(match[1])} {match[2]}" if match else part)
    return ", ".join(parts)


def _limit_part(text: str) -> str:
    """'temperature 38.6 °C ≥ 38.5 °C (note)' → 'temperatur 38,6 °C ≥ 38,5 °C (note)'."""
    match = re.match(r"^(NEWS2|weight gain|[a-z][a-z0-9]*(?: [a-z]+)?) (-?[\d.]+.*)$", text)
    if not match:
        return _decimals(text)
    rest = match[2].replace(" in ", " på ")
    return f"{_param(match[1])} {_decimals(rest)}"


def _range(text: str) -> str:
    return _decimals(text.replace(" to ", " till "))


def _what(text: str) -> str:
    return _param(text)


_SV += [
    (
        re.compile(r"^NEWS2 (\d+) \(([a-z-]+)\): (.*?)(?:; partial, not measured: (.+))?$"),
        lambda m: (
            f"NEWS2 {m[1]} ({RISK_SV.get(m[2], m[2])}): {_scored(m[3])}"
            + (
                f"; ofullständig, ej mätt: {', '.join(_param(p) for p in m[4].split(', '))}"
                if m[4]
                else ""
            )
        ),
    ),
    (
        re.compile(r"^care plan limit: (.+)$"),
        lambda m: "Gräns i vårdplanen: " + "; ".join(_limit_part(p) for p in m[1].split("; ")),
    ),
    (
        re.compile(
            r"^the scheduled measurement of (\S+) (\S+) did not arrive within (\d+) minutes"
            r"(; the measurement before it was missed too)?$"
        ),
        lambda m: (
            f"Den schemalagda mätningen {m[1]} kl. {m[2]} kom inte inom {m[3]} minuter"
            + ("; även mätningen före uteblev" if m[4] else "")
        ),
    ),
    (
        re.compile(r"^an? ([a-z ]+) alert cannot be ([a-z ]+); allowed now: (.+?)(;.*)?$"),
        lambda m: (
            f"Ett larm som är {ALERT_STATUS_SV.get(m[1], m[1])} kan inte "
            f"{MOVE_SV.get(m[2], m[2])}; möjligt nu: "
            + (
                "inget (larmet är stängt)"
                if m[3].startswith("none")
                else ", ".join(MOVE_SV.get(x.strip(), x.strip()) for x in m[3].split(","))
            )
            + ("; registrera en åtgärd först" if m[4] else "")
        ),
    ),
    (re.compile(r"^say why no action was needed$"), lambda m: "Skriv varför ingen åtgärd behövdes"),
    (
        re.compile(r"^say which ward admits the patient .*$"),
        lambda m: "Välj vilken avdelning som tar emot patienten",
    ),
    (
        re.compile(r"^the episode is (\w+): a direct admission is for a patient at home$"),
        lambda m: (
            f"Episoden är ”{_state(m[1])}”: direktinläggning gäller en patient som vårdas hemma"
        ),
    ),
    (
        re.compile(r"^no reserved bed \(trygghetsplats\) is free on (.+?); admit through .*$"),
        lambda m: (
            f"Ingen trygghetsplats är ledig på {m[1]}. Skriv in patienten via "
            "akutmottagningen, eller välj en annan avdelning"
        ),
    ),
    (
        re.compile(r"^the set is already marked entered in error$"),
        lambda m: "Mätningen är redan markerad som felregistrerad",
    ),
    (
        re.compile(r"^the set has no value awaiting confirmation$"),
        lambda m: "Mätningen har inget värde som väntar på bekräftelse",
    ),
    (
        re.compile(r"^say what was wrong with the measurement$"),
        lambda m: "Skriv vad som var fel med mätningen",
    ),
    (
        re.compile(r"^the episode is (\w+): measurements are recorded in an open episode$"),
        lambda m: f"Episoden är ”{_state(m[1])}”: mätvärden registreras i en pågående episod",
    ),
    (
        re.compile(r"^patient \S+ has no open episode; .*$"),
        lambda m: "Patienten har ingen pågående episod; mätvärden registreras i en episod",
    ),
    (
        re.compile(r"^.+ was not found, or your organisation has no care relationship .*$"),
        lambda m: (
            "Hittades inte, eller så har din organisation ingen vårdrelation med patienten "
            "(nödåtkomst kräver en skriftlig anledning)"
        ),
    ),
    (
        re.compile(r"^client_id .* was already used for .*$"),
        lambda m: "Formuläret är redan skickat med andra värden; ladda om sidan och fyll i igen",
    ),
    (
        re.compile(r"^the episode is (\w+): a tablet is paired for an open episode$"),
        lambda m: f"Episoden är ”{_state(m[1])}”: patientläge startas i en pågående episod",
    ),
    # plausibility (observations/plausibility.py) and the schema's checks
    (
        re.compile(r"^temperature (\S+) looks like °F \((\S+) °C\); send °C .*?, (.+)$"),
        lambda m: (
            f"Temperaturen {_decimals(m[1])} ser ut att vara i °F ({_decimals(m[2])} °C); "
            f"skriv i °C, tillåtet {_range(m[3].removeprefix('allowed '))}"
        ),
    ),
    (
        re.compile(r"^(.+?) (\S+(?: \S+)?) is impossible for a measured patient .*; allowed (.+)$"),
        lambda m: (
            f"Värdet för {_what(m[1])}, {_decimals(m[2])}, är omöjligt (lämna fältet tomt om "
            f"inget mättes); tillåtet {_range(m[3])}"
        ),
    ),
    (
        re.compile(r"^(.+?) (\S+(?: \S+)?) is impossible; allowed (.+)$"),
        lambda m: (
            f"Värdet för {_what(m[1])}, {_decimals(m[2])}, är omöjligt; tillåtet {_range(m[3])}"
        ),
    ),
    (
        re.compile(r"^(.+?) (\S+(?: \S+)?) is unusually (low|high) \((?:under|over) (.+)\): .*$"),
        lambda m: (
            f"Värdet för {_what(m[1])}, {_decimals(m[2])}, är ovanligt "
            f"{'lågt (under' if m[3] == 'low' else 'högt (över'} {_decimals(m[4])}): "
            "bekräfta värdet"
        ),
    ),
    (
        re.compile(
            r"^diastolic blood pressure (\S+) mmHg is not below the systolic (\S+) mmHg; .*$"
        ),
        lambda m: (
            f"Det diastoliska blodtrycket {m[1]} mmHg är inte lägre än det systoliska {m[2]} "
            "mmHg; kontrollera värdena (har de bytt plats?)"
        ),
    ),
    (
        re.compile(r"^on_oxygen is false but the oxygen flow is (\S+) L/min; .*$"),
        lambda m: (
            f"Syrgas är angivet som nej men flödet är {_decimals(m[1])} L/min; välj syrgas, "
            "eller flöde 0 för luft"
        ),
    ),
    (
        re.compile(r"^\S+ is in the future .*$"),
        lambda m: "Tiden ligger i framtiden; kontrollera datum och klockslag",
    ),
    (
        re.compile(r"^\S+ is more than (\d+) days ago; .*$"),
        lambda m: f"Tiden är mer än {m[1]} dagar sedan; så gamla mätningar tas inte emot",
    ),
    (
        re.compile(r"^the set has no measurement; .*$"),
        lambda m: "Fyll i minst ett mätvärde eller symtom",
    ),
    # the care relationship and who leads the episode (issue 10, docs/decisions/0010)
    (
        re.compile(r"^you plan the visits of your own organisation only, not of (.+)$"),
        lambda m: f"Du planerar bara din egen organisations besök, inte {m[1]}s",
    ),
    (
        re.compile(r"^municipal home care \(social services\) does not read the medical .*$"),
        lambda m: "Hemtjänsten (socialtjänst) läser inte journalen; fråga den ansvariga enheten",
    ),
]


# -- a medication visit's alert (visits/service.py _medication_alerts, issue 11) -------------------


def _dose_why(why: str) -> str:
    if why.startswith("not staffed in the published day plan: "):
        inner = why.removeprefix("not staffed in the published day plan: ")
        return f"inte bemannat i den publicerade dagsplanen: {reason_text(inner, 'sv')}"
    if why.startswith("marked missed"):
        return "markerat missat" + why.removeprefix("marked missed")
    return reason_text(why, "sv")


_SV += [
    (
        re.compile(r"^(\S+) dose visit on (\S+) (\S+)–(\S+) \((.+?)\): (.+)$"),
        lambda m: (
            f"Läkemedelsbesök ({m[1].lower()}) {m[2]} kl. {m[3]}–{m[4]} "
            f"({activity_text(m[5], 'sv')}): {_dose_why(m[6])}"
        ),
    ),
]
