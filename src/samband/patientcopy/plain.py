"""Plain words for the patient's copy of the documented agreement. Pure: no database, no web.

The plan stores schedules in a small machine-readable form ("3 times a day", "day 3",
"weekdays 10:00", see pathways/definition.py) and the shipped pathway templates are written
for staff, in English. This module turns them into short sentences a patient and next of kin
understand, in Swedish (default) or English. Free text written by staff is kept as it is.

Every word comes from the catalogue (``locale/<lang>/LC_MESSAGES/content.po``, keys
``patientcopy.*``). A template text has its plain words under ``patientcopy.plain.<slug>``,
the slug made from its English text (``plain_key``); a text without plain words is shown in
the staff's words (``pathways.po``), or as written.
"""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date as _babel_date

from samband.kit.i18n import LOCALES, has, ntranslate, source, translate

LANGS = ("sv", "en")

# the copy's own labels (headings, column names): keys patientcopy.<name>, no parameters
LABELS = (
    "title",
    "printed",
    "version",
    "what_matters",
    "goals",
    "days",
    "today",
    "tomorrow",
    "nothing_planned",
    "contacts",
    "care_contact",
    "on_call_note",
    "when",
    "who",
    "phone",
    "if_worse",
    "call_112",
    "medications",
    "no_medications",
    "drug",
    "dose",
    "how",
    "given_by",
    "how_long",
    "discharge",
    "criteria_intro",
    "no_plan",
    "none",
)


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "sv"


def text(key: str, lang: str, **values: str) -> str:
    """One of the copy's own texts (``patientcopy.<key>``) in ``lang``."""
    return translate(f"patientcopy.{key}", _lang(lang), **values)


def labels(lang: str) -> dict[str, str]:
    return {key: text(key, lang) for key in LABELS}


# -- dates and times --------------------------------------------------------------------------


def format_date(day: date, lang: str = "sv", *, weekday: bool = False) -> str:
    """'14 maj 2025' / '14 May 2025', optionally with the weekday first."""
    lang = _lang(lang)
    if weekday:
        pattern = "EEEE d MMMM y" if lang == "sv" else "EEEE, d MMMM y"
    else:
        pattern = "d MMMM y"
    return _babel_date(day, pattern, locale=LOCALES[lang])


def _clock(hhmm: str, lang: str) -> str:
    return hhmm.replace(":", ".") if lang == "sv" else hhmm


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return translate("patientcopy.list_and", lang, first=", ".join(items[:-1]), last=items[-1])


def _times(times: list[str], lang: str) -> str:
    return translate(
        "patientcopy.at_times", lang, times=_join([_clock(t, lang) for t in times], lang)
    )


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
    if match := _DAILY.match(schedule):
        times = match.group(1).split()
        if not times:
            return translate("patientcopy.schedule.daily", lang)
        return translate("patientcopy.schedule.daily_at", lang, times=_times(times, lang))
    if match := _TIMES_A_DAY.match(schedule):
        return ntranslate("patientcopy.schedule.times_a_day", int(match.group(1)), lang)
    if match := _EVERY_HOURS.match(schedule):
        n = int(match.group(1))
        if n == 1:
            return translate("patientcopy.schedule.every_hour", lang)
        # Swedish ordinals: 2:a, 8:e (but 11:e, 12:e)
        key = "every_hours_a" if n % 10 in (1, 2) and n % 100 not in (11, 12) else "every_hours"
        return translate(f"patientcopy.schedule.{key}", lang, n=str(n))
    if match := _DAY_N.match(schedule):
        days = match.group(1).split(",")
        return ntranslate("patientcopy.schedule.day", len(days), lang, days=_join(days, lang))
    if match := _WEEKDAYS_AT.match(schedule):
        times = match.group(1).split()
        if not times:
            return translate("patientcopy.schedule.weekdays", lang)
        return translate("patientcopy.schedule.weekdays_at", lang, times=_times(times, lang))
    if schedule == "once":
        return translate("patientcopy.schedule.once", lang)
    if schedule == "as needed":
        return translate("patientcopy.schedule.as_needed", lang)
    if _TIME_LIST.match(schedule):  # medications: "08:00 16:00 24:00"
        times = re.split(r"[ ,]+", schedule)
        return translate("patientcopy.schedule.daily_at", lang, times=_times(times, lang))
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


def _word(kind: str, key: str, lang: str) -> str:
    """``patientcopy.<kind>.<key>`` (a role, an organisation kind, a route …), or the key in
    words when the catalogue has none."""
    msgid = f"patientcopy.{kind}.{key}"
    return translate(msgid, lang) if has(msgid, lang) else key.replace("_", " ")


# -- the shipped templates in plain words -------------------------------------------------------
# A template text (pathways/definitions/*.yaml) has plain words for the patient under
# patientcopy.plain.<slug>. Activities are verb phrases ("ger antibiotika …") that complete
# "… kommer en sjuksköterska och …". Text staff wrote themselves has none.


def plain_key(line: str) -> str:
    """The catalogue key of a template text's plain words: 'Give IV antibiotics' →
    'patientcopy.plain.give_iv_antibiotics'."""
    slug = re.sub(r"[^a-z0-9]+", "_", line.strip().lower()).strip("_")
    return f"patientcopy.plain.{slug}"


def has_plain(line: str) -> bool:
    return all(has(plain_key(line), lang) for lang in LANGS)


def plain(line: str, lang: str = "sv") -> str:
    """A template text in plain words; else in the staff's words; else as written."""
    lang = _lang(lang)
    key = plain_key(line)
    if has(key, lang):
        return translate(key, lang)
    return source(line, lang)


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
    when = when_text(schedule, lang)
    key = plain_key(what)
    phrase = translate(key, lang) if has(key, lang) else None
    content = phrase or source(what.strip(), lang).rstrip(".")
    if role in ("patient", "next_of_kin"):
        return translate(f"patientcopy.sentence.{role}", lang, when=when, content=content)
    who = _word("role", role, lang)
    org = _word("org", organisation_kind, lang)
    if setting == "digital":
        sentence = "digital"
    else:
        sentence = "visit_and" if phrase else "visit"
    return translate(
        f"patientcopy.sentence.{sentence}", lang, when=when, who=who, org=org, content=content
    )


_CONTACT_WHEN = re.compile(
    r"^(weekdays|every day|weekends|always)(?: (\d{1,2}(?::\d{2})?)-(\d{1,2}(?::\d{2})?))?$"
)
_CONTACT_DAYS = {
    "weekdays": "weekdays",
    "every day": "every_day",
    "weekends": "weekends",
    "always": "always",
}


def contact_when(when: str, lang: str = "sv") -> str:
    """'weekdays 07-16' → 'Vardagar kl. 07–16'; 'other times' → 'Alla andra tider'."""
    lang = _lang(lang)
    cleaned = " ".join(when.strip().lower().split())
    if cleaned in ("other times", "all other times"):
        return translate("patientcopy.contact.other_times", lang)
    if cleaned in ("24/7", "always", "day and night"):
        return translate("patientcopy.contact.always", lang)
    match = _CONTACT_WHEN.match(cleaned)
    if not match:
        return source(when, lang)
    days = translate(f"patientcopy.contact.{_CONTACT_DAYS[match.group(1)]}", lang)
    if match.group(2):
        hours = f"{match.group(2)}–{match.group(3)}"
        return translate("patientcopy.contact.hours", lang, days=days, hours=hours)
    return days


# -- medication -------------------------------------------------------------------------------


def route_text(route: str, lang: str = "sv") -> str:
    return _word("route", route, _lang(lang))


def given_by_text(given_by: str, organisation_kind: str | None, lang: str = "sv") -> str:
    """'En sjuksköterska från hemsjukvården'."""
    lang = _lang(lang)
    who = _word("given_by", given_by, lang)
    if organisation_kind and given_by not in ("patient", "next_of_kin"):
        org = _word("org", organisation_kind, lang)
        return translate("patientcopy.who_from", lang, who=who, org=org)
    return who


def duration_text(days: int | None, last_day: date | None, lang: str = "sv") -> str:
    """'7 dagar (till och med 21 maj 2025)' / 'Tills vidare'."""
    lang = _lang(lang)
    if days is None:
        return translate("patientcopy.until_further_notice", lang)
    amount = ntranslate("patientcopy.days_count", days, lang)
    if last_day is None:
        return amount
    return translate("patientcopy.up_to", lang, amount=amount, until=format_date(last_day, lang))
