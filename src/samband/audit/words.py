"""The access log's words in Swedish and English: what was done (the action) and to what (the
resource type), and the extract's labels. Pure: shared by the extract PDF (audit/pdf.py) and
the pages (web/i18n.py adds them as ``audit.action.*``, ``audit.resource.*``)."""

from __future__ import annotations

# action → (Swedish, English)
ACTIONS: dict[str, tuple[str, str]] = {
    "read": ("läst", "read"),
    "list": ("visad i lista", "shown in a list"),
    "create": ("skapat", "created"),
    "update": ("ändrat", "changed"),
    "delete": ("tagit bort", "deleted"),
    "transition": ("ändrat status", "changed the status"),
    "register": ("registrerat", "registered"),
    "emergency_access": ("nödåtkomst", "emergency access"),
    "acknowledge": ("bekräftat", "acknowledged"),
    "stop": ("satt ut", "stopped"),
    "read_version": ("läst en version", "read a version"),
    "list_versions": ("listat versioner", "listed versions"),
    "block": ("spärrat", "blocked"),
    "unblock": ("hävt spärr", "lifted a block"),
    "block_override": ("bröt spärr", "overrode a block"),
    "relationship_start": ("ny vårdrelation", "new care relationship"),
    "review": ("granskat", "reviewed"),
    "audit_search": ("sökt i loggen", "searched the log"),
    "audit_extract": ("loggutdrag", "log extract"),
    "audit_read": ("läst loggrad", "read a log row"),
    "audit_sample": ("stickprov", "review sample"),
    "audit_review": ("markerat granskad", "marked reviewed"),
    "user_create": ("skapat konto", "created an account"),
    "user_update": ("ändrat konto", "changed an account"),
    "user_read": ("läst konto", "read an account"),
    "user_list": ("listat konton", "listed accounts"),
    "password_reset": ("nytt lösenord", "reset a password"),
}

# resource type → (Swedish, English)
RESOURCES: dict[str, tuple[str, str]] = {
    "patient": ("patientuppgifter", "patient details"),
    "episode": ("vårdtillfälle", "episode"),
    "care_plan": ("vårdplan", "care plan"),
    "care_request": ("vårdbegäran", "care request"),
    "medication": ("läkemedel", "medication"),
    "checklist": ("checklista", "checklist"),
    "timeline": ("händelser", "timeline"),
    "contact": ("kontakt", "contact"),
    "round": ("rond", "round"),
    "round_note": ("rondanteckning", "round note"),
    "day_plan": ("dagsplan", "day plan"),
    "visit": ("hembesök", "home visit"),
    "observation": ("mätvärden", "measurements"),
    "alert": ("larm", "alert"),
    "self_report": ("egenrapport", "self-report"),
    "questionnaire": ("enkät", "questionnaire"),
    "patient_copy": ("patientens kopia", "patient's copy"),
    "overview": ("översikt", "overview"),
    "outcome_report": ("uppföljning", "outcome report"),
    "emergency_access": ("nödåtkomst", "emergency access"),
    "record_block": ("spärr", "block"),
    "care_relationship": ("vårdrelation", "care relationship"),
    "audit_log": ("åtkomstloggen", "the access log"),
    "user": ("användarkonto", "user account"),
}

# the extract's labels → (Swedish, English)
EXTRACT: dict[str, tuple[str, str]] = {
    "title": ("Loggutdrag", "Access-log extract"),
    "intro": (
        "Vilka verksamheter och enheter hos vårdgivaren som har tagit del av patientens "
        "uppgifter, på vilket sätt och när (äldst först). Nödåtkomst är markerad.",
        "Which organisations and units of the care provider accessed the patient's data, "
        "how, and when (oldest first). Emergency access is marked.",
    ),
    "care_provider": ("Vårdgivare", "Care provider"),
    "personnummer": ("Personnummer", "Personal identity number"),
    "generated": ("Utskrivet", "Generated"),
    "organisations": ("Verksamheter", "Organisations"),
    "organisation": ("Verksamhet", "Organisation"),
    "unit": ("Enhet", "Unit"),
    "accesses": ("Åtkomster", "Accesses"),
    "first": ("Första", "First"),
    "last": ("Senaste", "Last"),
    "entries": ("Åtkomster i tidsordning", "Accesses in time order"),
    "time": ("Tid", "Time"),
    "action": ("Åtgärd", "Action"),
    "resource": ("Uppgifter", "Data"),
    "emergency": ("Nödåtkomst", "Emergency access"),
    "none": ("Inga åtkomster.", "No accesses."),
    "yes": ("Ja", "Yes"),
    "page": ("Sida", "Page"),
}


def _pick(table: dict[str, tuple[str, str]], key: str, lang: str) -> str | None:
    entry = table.get(key)
    if entry is None:
        return None
    return entry[0] if lang == "sv" else entry[1]


def action_text(action: str, lang: str) -> str:
    """An action in the language (as it is stored when it is not a known one)."""
    return _pick(ACTIONS, action, lang) or action


def resource_text(resource_type: str, lang: str) -> str:
    return _pick(RESOURCES, resource_type, lang) or resource_type.replace("_", " ")


def extract_labels(lang: str) -> dict[str, str]:
    return {key: sv if lang == "sv" else en for key, (sv, en) in EXTRACT.items()}
