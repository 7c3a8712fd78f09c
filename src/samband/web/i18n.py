"""Swedish by default, English selectable. Texts are looked up by key; a missing key shows the
key itself (a test checks every key used in the templates exists in both languages)."""

from __future__ import annotations

LANGUAGES = ("sv", "en")
DEFAULT = "sv"

TEXTS: dict[str, dict[str, str]] = {
    "app.name": {"sv": "Samband", "en": "Samband"},
    "app.tagline": {"sv": "Sjukhusvård i hemmet", "en": "Hospital care at home"},
    "nav.overview": {"sv": "Översikt", "en": "Overview"},
    "nav.patients": {"sv": "Patienter", "en": "Patients"},
    "nav.round": {"sv": "Rond", "en": "Round"},
    "nav.requests": {"sv": "Vårdbegäranden", "en": "Care requests"},
    "nav.new_candidate": {"sv": "Ny kandidat", "en": "New candidate"},
    "nav.logout": {"sv": "Logga ut", "en": "Log out"},
    "nav.skip": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "nav.language": {"sv": "In English", "en": "På svenska"},
    "login.title": {"sv": "Logga in", "en": "Log in"},
    "login.username": {"sv": "Användarnamn", "en": "Username"},
    "login.password": {"sv": "Lösenord", "en": "Password"},
    "login.submit": {"sv": "Logga in", "en": "Log in"},
    "login.failed": {"sv": "Fel användarnamn eller lösenord.", "en": "Wrong username or password."},
    "common.save": {"sv": "Spara", "en": "Save"},
    "common.cancel": {"sv": "Avbryt", "en": "Cancel"},
    "common.none": {"sv": "Inga", "en": "None"},
    "common.yes": {"sv": "Ja", "en": "Yes"},
    "common.no": {"sv": "Nej", "en": "No"},
    "common.updated": {"sv": "Uppdaterad", "en": "Updated"},
    "common.error": {"sv": "Något blev fel", "en": "Something went wrong"},
    "common.not_found": {
        "sv": "Finns inte, eller så har din organisation ingen vårdrelation med patienten.",
        "en": "Not found, or your organisation has no care relationship with the patient.",
    },
    "common.forbidden": {
        "sv": "Din roll får inte göra detta.",
        "en": "Your role may not do this.",
    },
    "state.candidate": {"sv": "Kandidat", "en": "Candidate"},
    "state.assessed": {"sv": "Bedömd", "en": "Assessed"},
    "state.not_eligible": {"sv": "Ej lämplig", "en": "Not eligible"},
    "state.consented": {"sv": "Samtycke", "en": "Consented"},
    "state.declined": {"sv": "Avböjt", "en": "Declined"},
    "state.planned": {"sv": "Planerad", "en": "Planned"},
    "state.at_home": {"sv": "Hemma", "en": "At home"},
    "state.discharged": {"sv": "Utskriven", "en": "Discharged"},
    "state.readmitted": {"sv": "Återinlagd", "en": "Readmitted"},
    "state.deceased": {"sv": "Avliden", "en": "Deceased"},
    "state.withdrawn": {"sv": "Avbruten", "en": "Withdrawn"},
    "type.admission_avoidance": {"sv": "Undvikbar slutenvård", "en": "Admission avoidance"},
    "type.early_supported_discharge": {"sv": "Tidig hemgång", "en": "Early supported discharge"},
    "overview.title": {"sv": "Översikt", "en": "Overview"},
    "overview.at_home": {"sv": "Patienter hemma", "en": "Patients at home"},
    "overview.patient": {"sv": "Patient", "en": "Patient"},
    "overview.day": {"sv": "Vårddag", "en": "Day"},
    "overview.pathway": {"sv": "Vårdflöde", "en": "Pathway"},
    "overview.contact": {"sv": "Fast vårdkontakt", "en": "Care contact"},
    "overview.vitals": {"sv": "Senaste vitalparametrar", "en": "Latest vital signs"},
    "overview.news2": {"sv": "NEWS2", "en": "NEWS2"},
    "overview.alerts": {"sv": "Öppna larm", "en": "Open alerts"},
    "overview.visits": {"sv": "Besök idag", "en": "Visits today"},
    "overview.no_monitoring": {
        "sv": "Ingen mätning ännu",
        "en": "No measurements yet",
    },
    "overview.requests": {"sv": "Väntande vårdbegäranden", "en": "Pending care requests"},
    "overview.candidates": {"sv": "Kandidater att bedöma", "en": "Candidates to assess"},
    "overview.beds": {"sv": "Lediga trygghetsplatser", "en": "Free reserved beds"},
    "overview.live": {"sv": "Uppdateras automatiskt", "en": "Updates automatically"},
}


def translate(key: str, lang: str) -> str:
    entry = TEXTS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry[DEFAULT]
