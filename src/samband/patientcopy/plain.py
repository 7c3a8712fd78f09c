"""Plain words for the patient's copy of the documented agreement. Pure: no database, no web.

The plan stores schedules in a small machine-readable form ("3 times a day", "day 3",
"weekdays 10:00", see pathways/definition.py) and the shipped pathway templates are written
for staff, in English. This module turns them into short sentences a patient and next of kin
understand, in Swedish (default) or English. Free text written by staff is kept as it is.
"""

from __future__ import annotations

import re
from datetime import date

LANGS = ("sv", "en")

# -- the copy's own words ---------------------------------------------------------------------

TEXTS: dict[str, dict[str, str]] = {
    "title": {"sv": "Din plan för vård i hemmet", "en": "Your plan for care at home"},
    "printed": {"sv": "Utskriven", "en": "Printed"},
    "version": {"sv": "Planens version", "en": "Plan version"},
    "what_matters": {"sv": "Vad som är viktigt för dig", "en": "What matters to you"},
    "goals": {"sv": "Dina mål", "en": "Your goals"},
    "days": {
        "sv": "Det här händer i dag och de närmaste dagarna",
        "en": "What happens today and the next few days",
    },
    "today": {"sv": "I dag", "en": "Today"},
    "tomorrow": {"sv": "I morgon", "en": "Tomorrow"},
    "day_n": {"sv": "dag {n} hemma", "en": "day {n} at home"},
    "before_home": {
        "sv": "Du har inte åkt hem ännu. Planen börjar den dag du kommer hem ({date}).",
        "en": "You have not gone home yet. The plan starts the day you get home ({date}).",
    },
    "nothing_planned": {
        "sv": "Inget särskilt planerat den här dagen.",
        "en": "Nothing special is planned this day.",
    },
    "contacts": {"sv": "Vem ringer du?", "en": "Whom do you call?"},
    "care_contact": {"sv": "Din fasta vårdkontakt", "en": "Your named care contact"},
    "on_call_note": {
        "sv": "Vem som har jour gäller veckan kopian skrevs ut.",
        "en": "Who is on call is as rostered the week the copy was printed.",
    },
    "when": {"sv": "När", "en": "When"},
    "who": {"sv": "Vem", "en": "Who"},
    "phone": {"sv": "Telefon", "en": "Phone"},
    "if_worse": {"sv": "Om du blir sämre", "en": "If you get worse"},
    "call_112": {
        "sv": "Ring 112 vid livshotande tillstånd.",
        "en": "Call 112 if life is in danger.",
    },
    "medications": {"sv": "Dina läkemedel", "en": "Your medicines"},
    "no_medications": {
        "sv": "Inga läkemedel på listan just nu.",
        "en": "No medicines on the list right now.",
    },
    "drug": {"sv": "Läkemedel", "en": "Medicine"},
    "dose": {"sv": "Dos", "en": "Dose"},
    "how": {"sv": "Hur", "en": "How"},
    "given_by": {"sv": "Vem ger det", "en": "Who gives it"},
    "how_long": {"sv": "Hur länge", "en": "How long"},
    "discharge": {"sv": "När kan du skrivas ut?", "en": "When can you be discharged?"},
    "criteria_intro": {
        "sv": "Du kan skrivas ut från vården i hemmet när det här stämmer:",
        "en": "You can be discharged from care at home when this is true:",
    },
    "expected": {
        "sv": "Vi räknar med att det blir omkring {date}. Läkaren bestämmer på ronden.",
        "en": "We expect this around {date}. The physician decides at the round.",
    },
    "no_plan": {
        "sv": "Det finns ingen plan för vård i hemmet ännu. Planen görs tillsammans med dig "
        "innan du åker hem.",
        "en": "There is no plan for care at home yet. The plan is made together with you "
        "before you go home.",
    },
    "none": {"sv": "–", "en": "–"},
}


def text(key: str, lang: str, **values: str) -> str:
    entry = TEXTS[key]
    return (entry.get(lang) or entry["sv"]).format(**values)


# -- dates and times --------------------------------------------------------------------------

_MONTHS = {
    "sv": (
        "januari februari mars april maj juni juli augusti september oktober november december"
    ).split(),
    "en": (
        "January February March April May June July August September October November December"
    ).split(),
}
_WEEKDAYS = {
    "sv": "måndag tisdag onsdag torsdag fredag lördag söndag".split(),
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
}


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "sv"


def format_date(day: date, lang: str = "sv", *, weekday: bool = False) -> str:
    """'14 maj 2025' / '14 May 2025', optionally with the weekday first."""
    lang = _lang(lang)
    plain = f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"
    if weekday:
        name = _WEEKDAYS[lang][day.weekday()]
        return f"{name} {plain}" if lang == "sv" else f"{name}, {plain}"
    return plain


def _clock(hhmm: str, lang: str) -> str:
    return hhmm.replace(":", ".") if lang == "sv" else hhmm


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" och " if lang == "sv" else " and ") + items[-1]


def _times(times: list[str], lang: str) -> str:
    clocks = _join([_clock(t, lang) for t in times], lang)
    return f"kl. {clocks}" if lang == "sv" else f"at {clocks}"


def _ordinal_sv(n: int) -> str:
    return f"{n}:a" if n % 10 in (1, 2) and n % 100 not in (11, 12) else f"{n}:e"


# -- schedules --------------------------------------------------------------------------------

_TIME = r"\d{2}:\d{2}"
_DAILY = re.compile(rf"^daily((?: {_TIME})*)$")
_TIMES_A_DAY = re.compile(r"^(\d+) times a day$")
_EVERY_HOURS = re.compile(r"^every (\d+) hours$")
_DAY_N = re.compile(r"^day (\d+(?:,\d+)*)$")
_WEEKDAYS_AT = re.compile(rf"^weekdays((?: {_TIME})*)$")
_TIME_LIST = re.compile(rf"^{_TIME}(?:[ ,]+{_TIME})*$")


def when_text(schedule: str, lang: str = "sv") -> str:
    """When an activity happens, as the start of a sentence: '3 gånger om dagen',
    'Varje dag kl. 08.00', 'Dag 3', 'Vardagar kl. 10.00', 'Vid behov'. A schedule that is
    not understood is given back as it is."""
    lang = _lang(lang)
    schedule = " ".join(schedule.strip().split())
    sv = lang == "sv"
    if match := _DAILY.match(schedule):
        times = match.group(1).split()
        if not times:
            return "Varje dag" if sv else "Every day"
        return f"Varje dag {_times(times, lang)}" if sv else f"Every day {_times(times, lang)}"
    if match := _TIMES_A_DAY.match(schedule):
        n = int(match.group(1))
        if n == 1:
            return "En gång om dagen" if sv else "Once a day"
        return f"{n} gånger om dagen" if sv else f"{n} times a day"
    if match := _EVERY_HOURS.match(schedule):
        n = int(match.group(1))
        if n == 1:
            return "Varje timme" if sv else "Every hour"
        return f"Var {_ordinal_sv(n)} timme" if sv else f"Every {n} hours"
    if match := _DAY_N.match(schedule):
        days = match.group(1).split(",")
        if sv:
            return f"Dag {_join(days, lang)}"
        return f"On day{'s' if len(days) > 1 else ''} {_join(days, lang)}"
    if match := _WEEKDAYS_AT.match(schedule):
        times = match.group(1).split()
        if not times:
            return "Vardagar" if sv else "On weekdays"
        return f"Vardagar {_times(times, lang)}" if sv else f"On weekdays {_times(times, lang)}"
    if schedule == "once":
        return "En gång" if sv else "Once"
    if schedule == "as needed":
        return "Vid behov" if sv else "When needed"
    if _TIME_LIST.match(schedule):  # medications: "08:00 16:00 24:00"
        times = re.split(r"[ ,]+", schedule)
        return f"Varje dag {_times(times, lang)}" if sv else f"Every day {_times(times, lang)}"
    return schedule


def occurs_on(schedule: str, day_number: int, weekday: int) -> bool:
    """Does the activity happen on day ``day_number`` at home (day 1 = the day the patient
    came home), a ``weekday`` (0 = Monday)? Nothing happens before day 1; 'once' is day 1;
    'as needed' is any day."""
    if day_number < 1:
        return False
    schedule = " ".join(schedule.strip().split())
    if match := _DAY_N.match(schedule):
        return day_number in {int(d) for d in match.group(1).split(",")}
    if _WEEKDAYS_AT.match(schedule):
        return weekday < 5
    if schedule == "once":
        return day_number == 1
    return True  # daily, N times a day, every N hours, as needed, unknown


def first_time(schedule: str) -> str:
    """The first clock time in a schedule ('' if none), to order a day's activities."""
    match = re.search(_TIME, schedule)
    return match.group(0) if match else ""


# -- who does it ------------------------------------------------------------------------------

ROLE_WORDS: dict[str, dict[str, str]] = {
    "registered_nurse": {"sv": "en sjuksköterska", "en": "a nurse"},
    "assistant_nurse": {"sv": "en undersköterska", "en": "an assistant nurse"},
    "physician": {"sv": "en läkare", "en": "a doctor"},
    "physiotherapist": {"sv": "en fysioterapeut", "en": "a physiotherapist"},
    "occupational_therapist": {"sv": "en arbetsterapeut", "en": "an occupational therapist"},
    "pharmacist": {"sv": "en farmaceut", "en": "a pharmacist"},
    "coordinator": {"sv": "en samordnare", "en": "a coordinator"},
    "patient": {"sv": "du själv", "en": "you"},
    "next_of_kin": {"sv": "din närstående", "en": "your next of kin"},
}
ORGANISATION_WORDS: dict[str, dict[str, str]] = {
    "municipal_home_health_care": {"sv": "hemsjukvården", "en": "home health care"},
    "municipal_home_care": {"sv": "hemtjänsten", "en": "the home care service"},
    "primary_care_centre": {"sv": "vårdcentralen", "en": "your primary care centre"},
    "hospital_clinic": {"sv": "sjukhuset", "en": "the hospital"},
    "hospital_ward": {"sv": "avdelningen på sjukhuset", "en": "the hospital ward"},
    "mobile_team": {"sv": "det mobila teamet", "en": "the mobile team"},
}


def _word(table: dict[str, dict[str, str]], key: str, lang: str) -> str:
    entry = table.get(key)
    return entry[lang] if entry else key.replace("_", " ")


# -- the shipped templates in plain words -------------------------------------------------------
# Exact texts of the pathway templates (pathways/definitions/*.yaml) → plain words. Activities
# are verb phrases ("ger antibiotika …") that complete "… kommer en sjuksköterska och …".
# Text that staff wrote themselves is not in here and is shown as written.

PHRASES: dict[str, dict[str, str]] = {
    # OPAT
    "Give IV antibiotics": {
        "sv": "ger antibiotika i PICC-linjen",
        "en": "gives you antibiotics through the PICC line",
    },
    "Check and dress the PICC/PVK line": {
        "sv": "tittar till PICC-linjen och byter förband",
        "en": "checks the PICC line and changes the dressing",
    },
    "Take blood samples (CRP, blood count, creatinine)": {
        "sv": "tar blodprov",
        "en": "takes blood samples",
    },
    "Daily digital round with the infection clinic": {
        "sv": "digital rond där vi går igenom hur det går för dig",
        "en": "a digital round where we go through how you are doing",
    },
    "The ward phones the patient in the evening of day 1": {
        "sv": "vi ringer dig på kvällen och hör hur det har gått",
        "en": "we phone you in the evening to hear how it went",
    },
    # COPD
    "Visit: assessment, inhalation technique, vital signs": {
        "sv": "ser hur du mår, hjälper dig med inhalationerna och mäter puls och syre",
        "en": "sees how you are, helps with your inhalers and checks pulse and oxygen",
    },
    "Prednisolone course (taken by the patient)": {
        "sv": "ta dina kortisontabletter (Prednisolon)",
        "en": "take your steroid tablets (prednisolone)",
    },
    "Breathing technique and mobilisation": {
        "sv": "hjälper dig med andningen och att röra på dig",
        "en": "helps you with breathing and moving about",
    },
    "Daily digital round": {
        "sv": "digital rond där vi går igenom hur det går för dig",
        "en": "a digital round where we go through how you are doing",
    },
    # Heart failure
    "Weigh yourself every morning and report it": {
        "sv": "väg dig på morgonen och rapportera vikten",
        "en": "weigh yourself in the morning and report your weight",
    },
    "Visit: vital signs, oedema, medication": {
        "sv": "mäter puls och blodtryck, tittar på svullnader och går igenom läkemedlen",
        "en": "checks pulse and blood pressure, looks for swelling and goes through your medicines",
    },
    "Blood samples (creatinine, potassium, NT-proBNP)": {
        "sv": "tar blodprov",
        "en": "takes blood samples",
    },
    "Daily digital round with the cardiology ward": {
        "sv": "digital rond där vi går igenom hur det går för dig",
        "en": "a digital round where we go through how you are doing",
    },
    # goals
    "Complete the antibiotic treatment at home": {
        "sv": "Att avsluta antibiotikabehandlingen hemma",
        "en": "To finish the antibiotic treatment at home",
    },
    "Breathe as before the exacerbation": {
        "sv": "Att andas som innan jag blev sämre",
        "en": "To breathe as I did before I got worse",
    },
    "Manage daily life without breathlessness": {
        "sv": "Att klara vardagen utan att bli andfådd",
        "en": "To manage daily life without getting breathless",
    },
    # contacts
    "the named care contact at the infection clinic": {
        "sv": "Din fasta vårdkontakt på infektionskliniken",
        "en": "Your named care contact at the infection clinic",
    },
    "the infection ward": {"sv": "Infektionsavdelningen", "en": "The infection ward"},
    "the mobile team": {"sv": "Det mobila teamet", "en": "The mobile team"},
    "the medical ward": {"sv": "Medicinavdelningen", "en": "The medical ward"},
    "the heart failure nurse": {
        "sv": "Hjärtsviktssjuksköterskan",
        "en": "The heart failure nurse",
    },
    "the cardiology ward": {"sv": "Hjärtavdelningen", "en": "The cardiology ward"},
    # if worse
    "Fever 38.5 °C or higher, chills, or feeling much worse: call the infection ward at once": {
        "sv": "Feber 38,5 °C eller mer, frossa eller om du mår mycket sämre: "
        "ring infektionsavdelningen direkt.",
        "en": "Fever of 38.5 °C or more, chills, or feeling much worse: "
        "call the infection ward at once.",
    },
    "Redness, swelling or pain at the PICC line: call the home health nurse": {
        "sv": "Rodnad, svullnad eller smärta vid PICC-linjen: ring sjuksköterskan i hemsjukvården.",
        "en": "Redness, swelling or pain at the PICC line: call the home health care nurse.",
    },
    "Difficulty breathing, chest pain or confusion: call 112": {
        "sv": "Svårt att andas, ont i bröstet eller förvirring: ring 112.",
        "en": "Hard to breathe, chest pain or confusion: call 112.",
    },
    "More breathless at rest, SpO2 under 88 % or new confusion: call the mobile team at once": {
        "sv": "Mer andfådd i vila, syremättnad under 88 % eller ny förvirring: "
        "ring det mobila teamet direkt.",
        "en": "More breathless at rest, oxygen level under 88 % or new confusion: "
        "call the mobile team at once.",
    },
    "Chest pain or severe breathlessness: call 112": {
        "sv": "Ont i bröstet eller mycket svårt att andas: ring 112.",
        "en": "Chest pain or very hard to breathe: call 112.",
    },
    "Weight up more than 2 kg in 3 days, or more breathless: call the heart failure nurse": {
        "sv": "Om du har gått upp mer än 2 kg på 3 dagar eller blir mer andfådd: "
        "ring hjärtsviktssjuksköterskan.",
        "en": "If your weight goes up more than 2 kg in 3 days, or you get more breathless: "
        "call the heart failure nurse.",
    },
    "Breathless at rest, chest pain or fainting: call 112": {
        "sv": "Andfådd i vila, ont i bröstet eller om du svimmar: ring 112.",
        "en": "Breathless at rest, chest pain or fainting: call 112.",
    },
    # discharge criteria
    "Antibiotic course completed as prescribed": {
        "sv": "Du har fått all antibiotika som läkaren har ordinerat.",
        "en": "You have had all the antibiotics the doctor prescribed.",
    },
    "Afebrile for 48 hours and CRP falling": {
        "sv": "Du har varit feberfri i 2 dygn och infektionen går tillbaka i blodproven.",
        "en": "You have had no fever for 2 days and the blood tests show the infection going down.",
    },
    "PICC/PVK line removed or a plan for it agreed": {
        "sv": "PICC-linjen är borttagen, eller så finns en plan för den.",
        "en": "The PICC line is removed, or there is a plan for it.",
    },
    "Breathing back to usual level": {
        "sv": "Du andas som vanligt igen.",
        "en": "Your breathing is back to normal.",
    },
    "SpO2 at the patient's usual level without extra oxygen": {
        "sv": "Syret i blodet är som vanligt utan extra syrgas.",
        "en": "The oxygen in your blood is as usual without extra oxygen.",
    },
    "Can manage inhalers and medication alone": {
        "sv": "Du klarar dina inhalationer och läkemedel själv.",
        "en": "You can manage your inhalers and medicines yourself.",
    },
    "Stable weight (dry weight reached) for 2 days": {
        "sv": "Din vikt har varit stabil i 2 dagar.",
        "en": "Your weight has been stable for 2 days.",
    },
    "Oral diuretic dose settled": {
        "sv": "Dosen av vätskedrivande tabletter är bestämd.",
        "en": "The dose of your water tablets is settled.",
    },
    "Follow-up booked at the heart failure clinic or primary care": {
        "sv": "Du har en tid för uppföljning på hjärtsviktsmottagningen eller vårdcentralen.",
        "en": "You have a follow-up appointment at the heart failure clinic or primary care.",
    },
}


def plain(line: str, lang: str = "sv") -> str:
    """A template text in plain words; anything else as written."""
    entry = PHRASES.get(line.strip())
    return entry[_lang(lang)] if entry else line


# -- sentences ----------------------------------------------------------------------------------


def activity_sentence(
    schedule: str,
    what: str,
    role: str,
    organisation_kind: str,
    *,
    setting: str = "home",
    lang: str = "sv",
) -> str:
    """One plain sentence for an activity of the plan, e.g. '3 gånger om dagen kommer en
    sjuksköterska från hemsjukvården och ger antibiotika i PICC-linjen.'"""
    lang = _lang(lang)
    sv = lang == "sv"
    when = when_text(schedule, lang)
    phrase = PHRASES.get(what.strip(), {}).get(lang)
    content = phrase or what.strip().rstrip(".")
    if role in ("patient", "next_of_kin"):
        by = {
            ("patient", "sv"): "det gör du själv",
            ("patient", "en"): "you do this yourself",
            ("next_of_kin", "sv"): "det gör din närstående",
            ("next_of_kin", "en"): "your next of kin does this",
        }[(role, lang)]
        return f"{when}: {content} ({by})."
    who = _word(ROLE_WORDS, role, lang)
    org = _word(ORGANISATION_WORDS, organisation_kind, lang)
    if setting == "digital":
        if sv:
            return f"{when} har du kontakt med {who} från {org} via video eller telefon: {content}."
        return f"{when}, {who} from {org} talks with you by video or phone: {content}."
    if sv:
        if phrase:
            return f"{when} kommer {who} från {org} och {phrase}."
        return f"{when} kommer {who} från {org}: {content}."
    if phrase:
        return f"{when}, {who} from {org} comes and {phrase}."
    return f"{when}, {who} from {org} visits you: {content}."


_CONTACT_WHEN = re.compile(
    r"^(weekdays|every day|weekends|always)(?: (\d{1,2}(?::\d{2})?)-(\d{1,2}(?::\d{2})?))?$"
)


def contact_when(when: str, lang: str = "sv") -> str:
    """'weekdays 07-16' → 'Vardagar kl. 07–16'; 'other times' → 'Alla andra tider'."""
    lang = _lang(lang)
    sv = lang == "sv"
    cleaned = " ".join(when.strip().lower().split())
    if cleaned in ("other times", "all other times"):
        return "Alla andra tider" if sv else "All other times"
    if cleaned in ("24/7", "always", "day and night"):
        return "Dygnet runt" if sv else "Day and night"
    match = _CONTACT_WHEN.match(cleaned)
    if not match:
        return when
    days = {
        "weekdays": ("Vardagar", "Weekdays"),
        "every day": ("Alla dagar", "Every day"),
        "weekends": ("Helger", "Weekends"),
        "always": ("Dygnet runt", "Day and night"),
    }[match.group(1)][0 if sv else 1]
    if match.group(2):
        hours = f"{match.group(2)}–{match.group(3)}"
        return f"{days} kl. {hours}" if sv else f"{days} {hours}"
    return days


# -- medication -------------------------------------------------------------------------------

ROUTE_WORDS: dict[str, dict[str, str]] = {
    "iv": {"sv": "dropp i blodet", "en": "drip into the blood"},
    "oral": {"sv": "genom munnen", "en": "by mouth"},
    "sc": {"sv": "spruta under huden", "en": "injection under the skin"},
    "im": {"sv": "spruta i en muskel", "en": "injection into a muscle"},
    "inhalation": {"sv": "andas in", "en": "breathe in"},
    "topical": {"sv": "på huden", "en": "on the skin"},
    "rectal": {"sv": "i ändtarmen", "en": "rectally"},
    "other": {"sv": "enligt ordination", "en": "as prescribed"},
}
GIVEN_BY_WORDS: dict[str, dict[str, str]] = {
    "patient": {"sv": "Du själv", "en": "You"},
    "next_of_kin": {"sv": "Din närstående", "en": "Your next of kin"},
    "registered_nurse": {"sv": "En sjuksköterska", "en": "A nurse"},
    "assistant_nurse": {"sv": "En undersköterska", "en": "An assistant nurse"},
    "physician": {"sv": "En läkare", "en": "A doctor"},
}


def route_text(route: str, lang: str = "sv") -> str:
    return _word(ROUTE_WORDS, route, _lang(lang))


def given_by_text(given_by: str, organisation_kind: str | None, lang: str = "sv") -> str:
    """'En sjuksköterska från hemsjukvården'."""
    lang = _lang(lang)
    who = _word(GIVEN_BY_WORDS, given_by, lang)
    if organisation_kind and given_by not in ("patient", "next_of_kin"):
        org = _word(ORGANISATION_WORDS, organisation_kind, lang)
        return f"{who} {'från' if lang == 'sv' else 'from'} {org}"
    return who


def duration_text(days: int | None, last_day: date | None, lang: str = "sv") -> str:
    """'7 dagar (till och med 21 maj 2025)' / 'Tills vidare'."""
    lang = _lang(lang)
    sv = lang == "sv"
    if days is None:
        return "Tills vidare" if sv else "Until further notice"
    amount = f"{days} {'dag' if days == 1 else 'dagar'}" if sv else f"{days} day{'s' * (days != 1)}"
    if last_day is None:
        return amount
    until = format_date(last_day, lang)
    return f"{amount} (till och med {until})" if sv else f"{amount} (up to and including {until})"
