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
    "login.locked": {
        "sv": "För många misslyckade inloggningar. Vänta {seconds} sekunder och försök igen "
        "(tills dess nekas även rätt lösenord).",
        "en": "Too many failed logins. Wait {seconds} seconds and try again "
        "(until then even the right password is refused).",
    },
    "csrf.refused": {
        "sv": "Formuläret kunde inte skickas: sidan var för gammal eller kom från en annan "
        "webbplats. Ladda om sidan och försök igen.",
        "en": "The form could not be sent: the page was too old or came from another site. "
        "Reload the page and try again.",
    },
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
    "overview.vitals": {"sv": "Senaste mätning", "en": "Latest set"},
    "overview.news2": {"sv": "NEWS2", "en": "NEWS2"},
    "overview.alerts": {"sv": "Öppna larm", "en": "Open alerts"},
    "overview.visits": {"sv": "Besök idag", "en": "Visits today"},
    "overview.no_monitoring": {
        "sv": "Ingen mätning ännu",
        "en": "No measurements yet",
    },
    "overview.preparing": {"sv": "På väg hem", "en": "On the way home"},
    "overview.requests": {"sv": "Väntande vårdbegäranden", "en": "Pending care requests"},
    "overview.candidates": {"sv": "Kandidater att bedöma", "en": "Candidates to assess"},
    "overview.beds": {"sv": "Lediga trygghetsplatser", "en": "Free reserved beds"},
    "overview.live": {"sv": "Uppdateras automatiskt", "en": "Updates automatically"},
    # each patient at home, as the round shows it (issue 11, "what staff see is true")
    "overview.at": {"sv": "kl.", "en": "at"},
    "overview.not_scored": {"sv": "ingen NEWS2", "en": "no NEWS2"},
    "overview.no_news2": {"sv": "Ingen NEWS2 ännu", "en": "No NEWS2 yet"},
    "overview.stale": {"sv": "Inaktuell", "en": "Out of date"},
    "overview.self_report": {"sv": "Egen rapport", "en": "Own report"},
    "overview.no_visits": {"sv": "Inga besök idag", "en": "No visits today"},
    "overview.symptoms": {"sv": "Symtom", "en": "Symptoms"},
    # the push's state (app.js): live, reconnecting, or polling
    "overview.status.connecting": {"sv": "Ansluter …", "en": "Connecting …"},
    "overview.status.live": {"sv": "Direktuppdaterad", "en": "Live"},
    "overview.status.reconnecting": {
        "sv": "Anslutningen bröts, återansluter …",
        "en": "Connection lost, reconnecting …",
    },
    "overview.status.polling": {
        "sv": "Hämtas var 10:e sekund",
        "en": "Fetched every 10 seconds",
    },
}


def translate(key: str, lang: str) -> str:
    entry = TEXTS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry[DEFAULT]


# -- the patient's copy of the documented agreement (web/copy.py; the copy's own words are in
# patientcopy/plain.py, shared with the PDF) --
TEXTS.update(
    {
        "copy.title": {"sv": "Patientens kopia av planen", "en": "The patient's copy of the plan"},
        "copy.actions": {"sv": "Kopians knappar", "en": "Copy actions"},
        "copy.back": {"sv": "Tillbaka till patienten", "en": "Back to the patient"},
        "copy.print": {"sv": "Skriv ut", "en": "Print"},
        "copy.pdf": {"sv": "Ladda ner PDF", "en": "Download PDF"},
        "copy.link": {"sv": "Patientens kopia", "en": "Patient's copy"},
        "copy.for_patient": {
            "sv": "Så här ser patientens och de närståendes kopia ut. Den är skriven för dem, "
            "inte för personalen.",
            "en": "This is the copy for the patient and next of kin. It is written for them, "
            "not for staff.",
        },
        "copy.no_plan_staff": {
            "sv": "Gör den dokumenterade överenskommelsen (vårdplanen) först, så kan kopian "
            "skrivas ut.",
            "en": "Make the documented agreement (care plan) first; then the copy can be printed.",
        },
    }
)


# -- the daily round (web/rounds.py, templates/round*.html) --
TEXTS.update(
    {
        "round.title": {"sv": "Rond", "en": "Round"},
        "round.choose": {"sv": "Välj enhet och dag", "en": "Choose unit and day"},
        "round.choose_hint": {
            "sv": "Ronden visar enhetens patienter som vårdas hemma. Den skapas första gången "
            "den öppnas.",
            "en": "The round lists the unit's patients at home. It is made the first time it "
            "is opened.",
        },
        "round.unit": {"sv": "Enhet", "en": "Unit"},
        "round.choose_unit": {"sv": "Välj enhet", "en": "Choose a unit"},
        "round.day": {"sv": "Dag", "en": "Day"},
        "round.open": {"sv": "Öppna ronden", "en": "Open the round"},
        "round.no_units": {
            "sv": "Det finns ingen enhet som du kan hålla rond för.",
            "en": "There is no unit you can hold a round for.",
        },
        "round.other": {"sv": "Annan enhet eller dag", "en": "Another unit or day"},
        "round.video": {"sv": "Videomöte", "en": "Video meeting"},
        "round.video_join": {"sv": "Anslut till videomötet", "en": "Join the video meeting"},
        "round.video_none": {
            "sv": "Ingen länk till videomötet ännu.",
            "en": "No video meeting link yet.",
        },
        "round.video_url": {"sv": "Länk till videomötet", "en": "Video meeting link"},
        "round.video_hint": {
            "sv": "Börjar med https://. Lämna tomt för att ta bort länken.",
            "en": "Starts with https://. Leave empty to remove the link.",
        },
        "round.video_save": {"sv": "Spara länken", "en": "Save the link"},
        "round.patients": {"sv": "Patienter hemma", "en": "Patients at home"},
        "round.no_patients": {
            "sv": "Enheten har inga patienter hemma som du kan se.",
            "en": "The unit has no patients at home that you can see.",
        },
        "round.saved": {"sv": "Rondanteckningen är sparad.", "en": "The round note is saved."},
        "round.physician": {"sv": "Ansvarig läkare", "en": "Responsible physician"},
        "round.news2_trend": {"sv": "NEWS2-trend", "en": "NEWS2 trend"},
        "round.visits_done": {"sv": "Besök gjorda idag", "en": "Visits done today"},
        "round.criteria": {"sv": "Utskrivningskriterier", "en": "Discharge criteria"},
        "round.of": {"sv": "av", "en": "of"},
        "round.met": {"sv": "uppfyllda", "en": "met"},
        "round.criterion_met": {"sv": "Uppfyllt", "en": "Met"},
        "round.criterion_open": {"sv": "Ej uppfyllt", "en": "Not met"},
        "round.no_plan": {
            "sv": "Vårdplanen har inga utskrivningskriterier.",
            "en": "The care plan has no discharge criteria.",
        },
        "round.latest_note": {"sv": "Senaste rondanteckning", "en": "Latest round note"},
        "round.no_note": {"sv": "Ingen rondanteckning ännu.", "en": "No round note yet."},
        "round.edit_plan": {"sv": "Ändra vårdplanen", "en": "Change the care plan"},
        "round.write_note": {"sv": "Skriv rondanteckning", "en": "Write the round note"},
        "round.refused": {
            "sv": "Anteckningen sparades inte:",
            "en": "The note was not saved:",
        },
        "round.participants": {"sv": "Deltagare", "en": "Participants"},
        "round.participant_role": {"sv": "Roll, deltagare", "en": "Role, participant"},
        "round.participant_name": {"sv": "Namn, deltagare", "en": "Name, participant"},
        "round.participant_present_by": {
            "sv": "Deltog via, deltagare",
            "en": "Took part by, participant",
        },
        "round.role.physician": {"sv": "Läkare", "en": "Physician"},
        "round.role.ward_nurse": {"sv": "Sjuksköterska på avdelningen", "en": "Ward nurse"},
        "round.role.home_health_nurse": {
            "sv": "Sjuksköterska i hemsjukvården",
            "en": "Home health nurse",
        },
        "round.role.patient": {"sv": "Patient", "en": "Patient"},
        "round.role.next_of_kin": {"sv": "Närstående", "en": "Next of kin"},
        "round.role.other": {"sv": "Annan", "en": "Other"},
        "round.present.none": {"sv": "Deltog inte", "en": "Did not take part"},
        "round.present.on_site": {"sv": "på plats", "en": "on site"},
        "round.present.video": {"sv": "video", "en": "video"},
        "round.present.phone": {"sv": "telefon", "en": "phone"},
        "round.situation": {"sv": "Situation", "en": "Situation"},
        "round.situation_hint": {
            "sv": "Hur mår patienten idag? Vad har hänt sedan förra ronden?",
            "en": "How is the patient today? What has happened since the last round?",
        },
        "round.assessment": {"sv": "Bedömning", "en": "Assessment"},
        "round.assessment_hint": {
            "sv": "Vad bedömer ni? Till exempel mätvärden, prover och förlopp.",
            "en": "What do you assess? For example measurements, samples and course.",
        },
        "round.criteria_met": {
            "sv": "Utskrivningskriterier som är uppfyllda",
            "en": "Discharge criteria that are met",
        },
        "round.decision": {"sv": "Beslut", "en": "Decision"},
        "round.decision.continue": {"sv": "Fortsätt som planerat", "en": "Continue as planned"},
        "round.decision.change_plan": {"sv": "Ändra vårdplanen", "en": "Change the care plan"},
        "round.decision.discharge": {"sv": "Skriv ut", "en": "Discharge"},
        "round.decision.readmit": {"sv": "Återinlägg", "en": "Readmit"},
        "round.physician_only": {"sv": "endast läkare", "en": "physician only"},
        "round.readmit": {"sv": "Vid återinläggning", "en": "When readmitting"},
        "round.ward": {"sv": "Avdelning som tar emot", "en": "Admitting ward"},
        "round.choose_ward": {"sv": "Välj avdelning", "en": "Choose a ward"},
        "round.free_beds": {"sv": "lediga trygghetsplatser", "en": "free reserved beds"},
        "round.use_reserved_bed": {
            "sv": "Direktinläggning på trygghetsplats (annars via akuten)",
            "en": "Direct admission to a reserved bed (otherwise via the emergency department)",
        },
        "round.decision_note": {"sv": "Motivering", "en": "Reason"},
        "round.save_note": {"sv": "Spara rondanteckningen", "en": "Save the round note"},
    }
)

# -- what the round shows of each patient's monitoring (issue 11: what staff see is true) --
TEXTS.update(
    {
        "round.monitoring": {"sv": "Övervakning", "en": "Monitoring"},
        "round.latest_set": {"sv": "Senaste mätning", "en": "Latest set"},
        "round.stale": {
            "sv": "Inaktuell: äldre än mätschemat tillåter",
            "en": "Out of date: older than the measurement schedule allows",
        },
        "round.trend_earlier": {"sv": "tidigare visas inte", "en": "earlier not shown"},
        "round.no_trend": {
            "sv": "Ingen NEWS2-mätning under perioden",
            "en": "No NEWS2 set in this period",
        },
        "round.no_alerts": {"sv": "Inga öppna larm", "en": "No open alerts"},
        "round.visits": {"sv": "Besök", "en": "Visits"},
        "round.visits_done_n": {"sv": "gjorda", "en": "done"},
        "round.visits_planned_n": {"sv": "kvar", "en": "to come"},
        "round.visits_missed_n": {"sv": "missade", "en": "missed"},
        "round.visits_cancelled_n": {"sv": "inställda", "en": "cancelled"},
        "round.next_visit": {"sv": "Nästa besök", "en": "Next visit"},
        "round.no_visits": {"sv": "Inga besök planerade", "en": "No visits planned"},
        "round.self_report": {"sv": "Patientens egen rapport", "en": "Patient's own report"},
        "round.no_self_report": {"sv": "Ingen egen rapport ännu", "en": "No self-report yet"},
        "round.not_shown": {
            "sv": "Visas inte för dig: din organisation får inte läsa journalen för det här "
            "vårdtillfället (mätvärden, larm, besök).",
            "en": "Not shown to you: your organisation may not read this episode's record "
            "(vital signs, alerts, visits).",
        },
    }
)

# -- the same on the patient page (issue 11) ----------------------------------------------------
TEXTS.update(
    {
        "patient.visits_today": {"sv": "Besök idag", "en": "Visits today"},
        "patient.no_more_visits": {"sv": "Inga fler besök idag", "en": "No more visits today"},
        "patient.episode_not_shown": {
            "sv": "Visas inte för dig: patienten har vård i hemmet som din organisation inte får "
            "läsa journalen för (mätvärden, larm, besök).",
            "en": "Not shown to you: the patient has care at home whose record your "
            "organisation may not read (vital signs, alerts, visits).",
        },
        "vitals.alerts_open_of": {"sv": "öppna av", "en": "open of"},
    }
)

# -- patient pages and the care flow as forms (web/patients.py, flow.py, carerequests.py) ------
_FLOW_TEXTS: dict[str, tuple[str, str]] = {
    # notices after a form was saved
    "notice.form_already_sent": (
        "Formuläret var redan skickat – det gjordes en gång. Här är sidan som den ser ut nu.",
        "The form had already been sent – it was done once. This is the page as it is now.",
    ),
    "notice.registered": (
        "Patienten är registrerad och flaggad som kandidat.",
        "The patient is registered and flagged as a candidate.",
    ),
    "notice.assessed": ("Bedömningen är sparad: lämplig.", "The assessment is saved: eligible."),
    "notice.not_eligible": (
        "Bedömningen är sparad: inte lämplig.",
        "The assessment is saved: not eligible.",
    ),
    "notice.consented": ("Samtycket är registrerat.", "The consent is recorded."),
    "notice.declined": (
        "Patienten har avböjt. Episoden är avslutad.",
        "The patient declined. The episode has ended.",
    ),
    "notice.details": (
        "Ansvarig läkare och fast vårdkontakt är sparade.",
        "The responsible physician and care contact are saved.",
    ),
    "notice.plan_created": (
        "Vårdplanen är skapad från vårdflödets mall. Anpassa den med patienten.",
        "The care plan is made from the pathway's template. Adapt it with the patient.",
    ),
    "notice.plan_saved": (
        "En ny version av vårdplanen är sparad.",
        "A new version of the care plan is saved.",
    ),
    "notice.acknowledged": ("Godkännandet är registrerat.", "The acknowledgement is recorded."),
    "notice.medication_added": ("Läkemedlet är tillagt.", "The medication is added."),
    "notice.medication_stopped": ("Läkemedlet är utsatt.", "The medication is stopped."),
    "notice.signed": ("Punkten är signerad.", "The item is signed."),
    "notice.request_sent": ("Vårdbegäran är skickad.", "The care request is sent."),
    "notice.request_updated": ("Vårdbegäran är uppdaterad.", "The care request is updated."),
    "notice.contact": (
        "Kontakten är registrerad i tidslinjen.",
        "The contact is recorded on the timeline.",
    ),
    "notice.to_planned": ("Planeringen är klar.", "The plan is ready."),
    "notice.to_at_home": ("Patienten är hemma.", "The patient is at home."),
    "notice.to_discharged": ("Patienten är utskriven.", "The patient is discharged."),
    "notice.to_readmitted": ("Patienten är återinlagd.", "The patient is readmitted."),
    "notice.to_deceased": ("Dödsfallet är registrerat.", "The death is recorded."),
    "notice.to_withdrawn": ("Episoden är avbruten.", "The episode is withdrawn."),
    # actions
    "action.assess": ("Bedöm lämplighet", "Assess eligibility"),
    "action.consent": ("Information och samtycke", "Information and consent"),
    "action.details": (
        "Ansvarig läkare och fast vårdkontakt",
        "Responsible physician and care contact",
    ),
    "action.care_plan": (
        "Vårdplan (dokumenterad överenskommelse)",
        "Care plan (documented agreement)",
    ),
    "action.medications": ("Läkemedelslista", "Medication list"),
    "action.checklist": ("Checklista före hemgång", "Checklist before going home"),
    "action.care_request": ("Skicka vårdbegäran", "Send a care request"),
    "action.contact": ("Registrera telefonkontakt (dag 1)", "Record a phone contact (day 1)"),
    "action.to_planned": ("Planeringen är klar", "Plan ready"),
    "action.to_at_home": ("Skicka hem", "Send home"),
    "action.to_discharged": ("Skriv ut", "Discharge"),
    "action.to_readmitted": ("Återinlägg", "Readmit"),
    "action.to_deceased": ("Registrera dödsfall", "Record death"),
    "action.to_withdrawn": ("Avbryt episoden", "Withdraw the episode"),
    # form messages
    "form.answer_yes_no": ("Svara ja eller nej.", "Answer yes or no."),
    "form.reason_required": ("Skriv en orsak.", "Give a reason."),
    "form.patient_informed_required": (
        "Patienten måste ha fått information.",
        "The patient must have been informed.",
    ),
    "form.patient_consents_required": (
        "Patientens samtycke måste registreras.",
        "The patient's consent must be recorded.",
    ),
    "form.choose": ("Välj …", "Choose …"),
    "form.none_chosen": ("Ingen vald", "None chosen"),
    "form.datetime": (
        "Skriv datum och tid som ÅÅÅÅ-MM-DD TT:MM.",
        "Write date and time as YYYY-MM-DD HH:MM.",
    ),
    # flow pages
    "flow.refused": ("Det gick inte. Detta saknas:", "Not possible. This is missing:"),
    "flow.fix_fields": ("Rätta fälten som är markerade nedan.", "Correct the fields marked below."),
    "flow.criteria": ("Kriterier för vårdflödet", "The pathway's criteria"),
    "flow.required_marked": (
        "Krav är märkta med *. Svara på alla.",
        "Requirements are marked *. Answer all.",
    ),
    "flow.optional": ("inget krav", "not required"),
    "flow.decision": ("Beslut", "Decision"),
    "flow.eligible": (
        "Är patienten lämplig för vård i hemmet?",
        "Is the patient eligible for care at home?",
    ),
    "flow.reason_assess": ("Motivering (krävs om inte lämplig)", "Reason (needed if not eligible)"),
    "flow.save_assessment": ("Spara bedömningen", "Save the assessment"),
    "flow.consent_given": ("Patienten vill vårdas hemma", "The patient wants care at home"),
    "flow.patient_informed": ("Patienten har fått information", "The patient has been informed"),
    "flow.next_of_kin_informed": (
        "Närstående har fått information",
        "The next of kin has been informed",
    ),
    "flow.patient_consents": ("Patienten samtycker", "The patient consents"),
    "flow.shared_records_consent": (
        "Patienten samtycker till sammanhållen journalföring (kommunens hemsjukvård får läsa "
        "episodens journal)",
        "The patient consents to shared records (the municipality's home health care may read "
        "the episode's record)",
    ),
    "flow.note": ("Anteckning", "Note"),
    "flow.record_consent": ("Registrera samtycke", "Record consent"),
    "flow.declined": ("Patienten avböjer", "The patient declines"),
    "flow.reason": ("Orsak", "Reason"),
    "flow.record_declined": (
        "Registrera att patienten avböjer",
        "Record that the patient declines",
    ),
    "flow.physician": ("Medicinskt ansvarig läkare", "Responsible physician"),
    "flow.care_contact": ("Fast vårdkontakt", "Named care contact"),
    "flow.planned_home_date": ("Planerat hemgångsdatum", "Planned date to go home"),
    "flow.explain_planned": (
        "Kräver en vårdplan med utskrivningskriterier, ansvarig läkare och fast vårdkontakt.",
        "Needs a care plan with discharge criteria, a responsible physician and a care contact.",
    ),
    "flow.explain_at_home": (
        "Kräver att checklistan är klar, att hemsjukvården har accepterat vårdbegäran "
        "och att patienten har godkänt vårdplanen.",
        "Needs the checklist done, the care request accepted by home health care "
        "and the care plan acknowledged by the patient.",
    ),
    "flow.explain_discharged": (
        "När patientens utskrivningskriterier är uppfyllda.",
        "When the patient's discharge criteria are met.",
    ),
    "flow.explain_readmitted": (
        "Direktinläggning på en trygghetsplats, eller via akuten om ingen är ledig.",
        "Direct admission to a reserved bed, or through the emergency department if none is free.",
    ),
    "flow.explain_deceased": (
        "Registrera att patienten har avlidit.",
        "Record that the patient has died.",
    ),
    "flow.explain_withdrawn": (
        "Avbryt episoden och skriv varför.",
        "Withdraw the episode and say why.",
    ),
    "flow.ward_unit": ("Avdelning som tar emot", "Admitting ward"),
    "flow.use_reserved_bed": (
        "Använd trygghetsplats (direktinläggning)",
        "Use a reserved bed (direct admission)",
    ),
    "flow.death_expected": ("Var dödsfallet väntat?", "Was the death expected?"),
    "flow.contact_kind": ("Slags kontakt", "Kind of contact"),
    "flow.contact_at": ("När", "When"),
    "flow.caller": ("Vem ringde", "Who called"),
    "flow.caller_hint": ("Lämna tomt om det var du.", "Leave empty if it was you."),
    "flow.spoke_with": ("Talade med", "Spoke with"),
    "flow.outcome": ("Hur gick det?", "How did it go?"),
    "flow.back": ("Tillbaka till patienten", "Back to the patient"),
    "contact.day1": ("Kvällssamtal dag 1", "Evening call, day 1"),
    "contact.phone": ("Telefonkontakt", "Phone contact"),
    "party.patient": ("Patienten", "The patient"),
    "party.next_of_kin": ("Närstående", "Next of kin"),
    "party.nobody": ("Ingen", "Nobody"),
    "party.organisation": ("Organisation", "Organisation"),
    "party.my_organisation": ("Min organisation", "My organisation"),
    "party.": ("–", "–"),
    "outcome.well": ("Allt väl", "All is well"),
    "outcome.concerns": ("Oro, följs upp", "Concerns, to follow up"),
    "outcome.not_reached": ("Nådde inte fram", "Not reached"),
    "outcome.": ("–", "–"),
    "role.physician": ("läkare", "physician"),
    "role.registered_nurse": ("sjuksköterska", "registered nurse"),
    "role.assistant_nurse": ("undersköterska", "assistant nurse"),
    "role.physiotherapist": ("fysioterapeut", "physiotherapist"),
    "role.occupational_therapist": ("arbetsterapeut", "occupational therapist"),
    "role.pharmacist": ("farmaceut", "pharmacist"),
    "role.coordinator": ("koordinator", "coordinator"),
    "role.analyst": ("analytiker", "analyst"),
    "role.auditor": ("granskare", "auditor"),
    "role.administrator": ("administratör", "administrator"),
    "role.patient": ("patienten", "the patient"),
    "role.next_of_kin": ("närstående", "next of kin"),
    "kind.hospital_clinic": ("sjukhusklinik", "hospital clinic"),
    "kind.hospital_ward": ("vårdavdelning", "hospital ward"),
    "kind.mobile_team": ("mobilt team", "mobile team"),
    "kind.primary_care_centre": ("vårdcentral", "primary care centre"),
    "kind.municipal_home_health_care": ("kommunal hemsjukvård", "municipal home health care"),
    "kind.municipal_home_care": ("hemtjänst", "home care"),
    "participant.responsible": ("ansvarig", "responsible"),
    "participant.home_health_care": ("hemsjukvård", "home health care"),
    "participant.home_care": ("hemtjänst", "home care"),
    "participant.primary_care": ("vårdcentral", "primary care"),
    "participant.mobile_team": ("mobilt team", "mobile team"),
    "participant.rehabilitation": ("rehabilitering", "rehabilitation"),
    "participant.other": ("deltar", "taking part"),
    # care plan
    "plan.title": ("Vårdplan (dokumenterad överenskommelse)", "Care plan (documented agreement)"),
    "plan.none": ("Ingen vårdplan ännu.", "No care plan yet."),
    "plan.create": ("Skapa från vårdflödets mall", "Create from the pathway template"),
    "plan.version": ("Version", "Version"),
    "plan.current": ("gällande", "current"),
    "plan.goals": ("Patientens mål", "The patient's goals"),
    "plan.goals_hint": (
        "Med patientens egna ord, ett per rad",
        "In the patient's own words, one per line",
    ),
    "plan.contacts": ("Vem ringer man, och när?", "Whom to call, and when?"),
    "plan.when": ("När", "When"),
    "plan.who": ("Vem", "Who"),
    "plan.phone": ("Telefon", "Phone"),
    "plan.if_worse": ("Om det blir sämre", "If things get worse"),
    "plan.one_per_line": ("En per rad", "One per line"),
    "plan.discharge_criteria": ("Utskrivningskriterier", "Discharge criteria"),
    "plan.activities": ("Insatser", "Activities"),
    "plan.activities_kept": (
        "Insatserna från vårdflödets mall behålls som de är.",
        "The activities from the pathway template are kept as they are.",
    ),
    "plan.change_note": ("Vad ändrades?", "What changed?"),
    "plan.save_version": ("Spara som ny version", "Save as a new version"),
    "plan.acknowledge": (
        "Godkännanden av gällande version",
        "Acknowledgements of the current version",
    ),
    "plan.no_acks": ("Ingen har godkänt ännu.", "Nobody has acknowledged yet."),
    "plan.who_acknowledges": ("Vem godkänner?", "Who acknowledges?"),
    "plan.ack_name": ("Namn", "Name"),
    "plan.ack_name_hint": (
        "Krävs för patient och närstående.",
        "Needed for the patient and next of kin.",
    ),
    "plan.record_ack": ("Registrera godkännande", "Record acknowledgement"),
    "plan.acknowledged_by": ("Godkänd av", "Acknowledged by"),
    "plan.patient_not_acked": (
        "Patienten eller närstående har inte godkänt gällande version.",
        "The patient or next of kin has not acknowledged the current version.",
    ),
    "plan.orgs_to_ack": (
        "Organisationer som ännu inte godkänt",
        "Organisations that have not acknowledged yet",
    ),
    "plan.history": ("Versioner", "Versions"),
    # medications
    "med.list": ("Läkemedelslista", "Medication list"),
    "med.drug": ("Läkemedel", "Drug"),
    "med.dose": ("Dos", "Dose"),
    "med.route": ("Administrationssätt", "Route"),
    "med.schedule": ("Tider", "Schedule"),
    "med.schedule_hint": (
        "T.ex. 08:00 16:00 24:00 eller 3 gånger dagligen",
        "E.g. 08:00 16:00 24:00 or 3 times a day",
    ),
    "med.given_by": ("Ges av", "Given by"),
    "med.supplied_by": ("Levereras av", "Supplied by"),
    "med.days": ("Antal dagar", "Number of days"),
    "med.days_short": ("dagar", "days"),
    "med.status": ("Status", "Status"),
    "med.stop_reason": ("Orsak till utsättning", "Reason for stopping"),
    "med.stop": ("Sätt ut", "Stop"),
    "med.stopped": ("Utsatt", "Stopped"),
    "med.add": ("Lägg till läkemedel", "Add a medication"),
    "route.iv": ("intravenöst", "IV"),
    "route.oral": ("via munnen", "oral"),
    "route.sc": ("subkutant", "subcutaneous"),
    "route.im": ("intramuskulärt", "intramuscular"),
    "route.inhalation": ("inhalation", "inhalation"),
    "route.topical": ("på huden", "topical"),
    "route.rectal": ("rektalt", "rectal"),
    "route.other": ("annat", "other"),
    "giver.patient": ("patienten själv", "the patient"),
    "giver.next_of_kin": ("närstående", "next of kin"),
    "giver.registered_nurse": ("sjuksköterska", "registered nurse"),
    "giver.assistant_nurse": ("undersköterska", "assistant nurse"),
    "giver.physician": ("läkare", "physician"),
    # checklist
    "check.item": ("Punkt", "Item"),
    "check.status": ("Status", "Status"),
    "check.sign": ("Signera", "Sign"),
    "check.done": ("Klar", "Done"),
    "check.not_done": ("Ej klar", "Not done"),
    "check.note": ("Anteckning (valfri)", "Note (optional)"),
    "check.signed_by": ("Signeras av", "Signed by"),
    "check.automatic": ("automatiskt", "automatically"),
    # care requests
    "request_kind.home_health_care": ("Hemsjukvård", "Home health care"),
    "request_kind.home_care": ("Hemtjänst", "Home care"),
    "request_kind.primary_care_referral": ("Remiss till vårdcentral", "Referral to primary care"),
    "request_kind.rehabilitation": ("Rehabilitering", "Rehabilitation"),
    "request_state.sent": ("Skickad", "Sent"),
    "request_state.received": ("Mottagen", "Received"),
    "request_state.accepted": ("Accepterad", "Accepted"),
    "request_state.declined": ("Avböjd", "Declined"),
    "request_state.completed": ("Avslutad", "Completed"),
    "request_state.cancelled": ("Återkallad", "Cancelled"),
    "req.title": ("Vårdbegäran", "Care request"),
    "req.kind": ("Slag", "Kind"),
    "req.to": ("Till", "To"),
    "req.from": ("Från", "From"),
    "req.fits": (
        "Hemsjukvård går till kommunal hemsjukvård, hemtjänst till hemtjänsten, "
        "remiss till vårdcentral.",
        "Home health care goes to municipal home health care, home care to home care, "
        "a referral to a primary care centre.",
    ),
    "req.message": ("Meddelande", "Message"),
    "req.answer_within": ("Svar inom (timmar)", "Answer within (hours)"),
    "req.send": ("Skicka vårdbegäran", "Send the care request"),
    "req.state": ("Status", "State"),
    "req.answer_by": ("Svar senast", "Answer by"),
    "req.overdue": ("Försenad", "Overdue"),
    "req.incoming": ("Inkommande", "Incoming"),
    "req.outgoing": ("Utgående", "Outgoing"),
    "req.decline_reason": ("Orsak till avböjande", "Reason for declining"),
    "req.history": ("Historik", "History"),
    "req.answer": ("Svara", "Answer"),
    "req.do_received": ("Markera som mottagen", "Mark as received"),
    "req.do_accepted": ("Acceptera", "Accept"),
    "req.do_declined": ("Avböj", "Decline"),
    "req.do_completed": ("Markera som avslutad", "Mark as completed"),
    "req.do_cancelled": ("Återkalla", "Cancel"),
    # patients
    "patients.search": ("Sök på namn eller personnummer", "Search by name or personnummer"),
    "patients.search_button": ("Sök", "Search"),
    "patients.count": ("Patienter", "Patients"),
    "patients.new_title": (
        "Registrera patient och flagga kandidat",
        "Register a patient and flag a candidate",
    ),
    "patients.who": ("Patienten", "The patient"),
    "patients.flag": ("Kandidat för vård i hemmet", "Candidate for care at home"),
    "patients.episode_type": ("Typ", "Type"),
    "patients.responsible_unit": ("Ansvarig enhet", "Responsible unit"),
    "patients.flag_reason": ("Varför är patienten en kandidat?", "Why is the patient a candidate?"),
    "patients.register": ("Registrera och flagga", "Register and flag"),
    "patient.name": ("Namn", "Name"),
    "patient.personnummer": ("Personnummer", "Personnummer"),
    "patient.personnummer_hint": (
        "ÅÅÅÅMMDD-NNNN (eller samordningsnummer)",
        "YYYYMMDD-NNNN (or coordination number)",
    ),
    "patient.state": ("Status", "State"),
    "patient.given_name": ("Förnamn", "Given name"),
    "patient.family_name": ("Efternamn", "Family name"),
    "patient.phone": ("Telefon", "Phone"),
    "patient.street_address": ("Gatuadress", "Street address"),
    "patient.postal_code": ("Postnummer", "Postal code"),
    "patient.city": ("Ort", "City"),
    "patient.latitude": ("Latitud (valfri)", "Latitude (optional)"),
    "patient.longitude": ("Longitud (valfri)", "Longitude (optional)"),
    "patient.coordinates_hint": (
        "För ruttplanering, t.ex. 60.6065",
        "For route planning, e.g. 60.6065",
    ),
    "patient.home_municipality": ("Hemkommun", "Home municipality"),
    "patient.primary_care": ("Listad på vårdcentral", "Listed primary care centre"),
    "patient.language": ("Språk", "Language"),
    "patient.language_hint": ("Språkkod, t.ex. sv, en, ar", "Language code, e.g. sv, en, ar"),
    "patient.interpreter": ("Behöver tolk", "Needs an interpreter"),
    "patient.next_of_kin": ("Närstående", "Next of kin"),
    "patient.nok_name": ("Närståendes namn", "Next of kin's name"),
    "patient.nok_relation": ("Relation", "Relation"),
    "patient.nok_phone": ("Närståendes telefon", "Next of kin's phone"),
    "patient.what_matters": ("Vad är viktigt för dig?", "What matters to you?"),
    "patient.what_matters_hint": ("Med patientens egna ord", "In the patient's own words"),
    "patient.years": ("år", "years"),
    "patient.address": ("Adress", "Address"),
    "patient.no_episode": ("Ingen episod av vård i hemmet.", "No episode of care at home."),
    "req.medications_not_shared": (
        "Läkemedelslistan skickas inte till hemtjänsten (socialtjänst, inte hälso- och "
        "sjukvård). Frågor om läkemedel: kontakta den ansvariga enheten.",
        "The medication list is not sent to home care (social services, not health care). "
        "Questions about medication: contact the responsible unit.",
    ),
    "patient.shared_with_you": ("Det som delas med er", "What is shared with you"),
    "patient.record_not_shared": (
        "Hemtjänsten ser personuppgifter, kontakter och de vårdbegäran som skickats till er – "
        "inte journalen (patientdatalagen). Fråga den ansvariga enheten om något annat behövs.",
        "Home care sees identity, contacts and the care requests sent to you – not the medical "
        "record (Patient Data Act). Ask the responsible unit if you need more.",
    ),
    "patient.no_shared_requests": (
        "Inga vårdbegäran har skickats till er.",
        "No care requests have been sent to you.",
    ),
    "patient.episode": ("Vård i hemmet", "Care at home"),
    "patient.participants": ("Deltagande organisationer", "Participating organisations"),
    "patient.end_reason": ("Orsak till avslut", "Reason for ending"),
    "patient.actions": ("Åtgärder", "Actions"),
    "patient.no_actions": (
        "Inga åtgärder för din roll just nu.",
        "No actions for your role right now.",
    ),
    "patient.visits": ("Besök", "Visits"),
    "patient.round_notes": ("Rondanteckningar", "Round notes"),
    "patient.coming": ("Kommer – inga ännu.", "Coming – none yet."),
    "patient.timeline": ("Tidslinje", "Timeline"),
    "patient.earlier": ("Tidigare episoder", "Earlier episodes"),
    # timeline events
    "event.care_plan.version": ("Ny version av vårdplanen", "New care plan version"),
    "event.care_plan.acknowledged": ("Vårdplanen godkänd", "Care plan acknowledged"),
    "event.checklist.signed": ("Checklistpunkt signerad", "Checklist item signed"),
    "event.checklist.unsigned": ("Signatur återtagen", "Signature withdrawn"),
    "event.care_request.sent": ("Vårdbegäran skickad", "Care request sent"),
    "event.care_request.received": ("Vårdbegäran mottagen", "Care request received"),
    "event.care_request.accepted": ("Vårdbegäran accepterad", "Care request accepted"),
    "event.care_request.declined": ("Vårdbegäran avböjd", "Care request declined"),
    "event.care_request.completed": ("Vårdbegäran avslutad", "Care request completed"),
    "event.care_request.cancelled": ("Vårdbegäran återkallad", "Care request cancelled"),
    "event.medication.added": ("Läkemedel tillagt", "Medication added"),
    "event.medication.changed": ("Läkemedel ändrat", "Medication changed"),
    "event.medication.stopped": ("Läkemedel utsatt", "Medication stopped"),
    "event.episode.updated": ("Episoden ändrad", "Episode changed"),
    "event.participant.added": ("Organisation tillagd", "Organisation added"),
    "contact.day1.title": ("Kvällssamtal dag 1", "Evening call, day 1"),
}
for _key, (_sv, _en) in _FLOW_TEXTS.items():
    TEXTS.setdefault(_key, {"sv": _sv, "en": _en})


# The patient page's round notes (lead).
TEXTS.update({"patient.by": {"sv": "Av", "en": "By"}})


# -- the day's visits: the day plan, its map and the printed day sheets (web/dayplan.py) --------
TEXTS.update(
    {
        "nav.day_plan": {"sv": "Dagens besök", "en": "Today's visits"},
        "dayplan.title": {"sv": "Dagsplan", "en": "Day plan"},
        "dayplan.date": {"sv": "Datum", "en": "Date"},
        "dayplan.show": {"sv": "Visa dagen", "en": "Show the day"},
        "dayplan.bad_date": {
            "sv": "Skriv datumet som ÅÅÅÅ-MM-DD.",
            "en": "Write the date as YYYY-MM-DD.",
        },
        "dayplan.today": {"sv": "Idag", "en": "Today"},
        "dayplan.none": {
            "sv": "Din organisation har ingen dagsplan för dagen ännu.",
            "en": "Your organisation has no day plan for this date yet.",
        },
        "dayplan.plan_hint": {
            "sv": "Besöken skapas från vårdplanerna för patienterna hemma, och fördelas på "
            "personalen som har arbetspass dagen. Det tar några sekunder.",
            "en": "The visits are made from the care plans of the patients at home and shared "
            "among the staff with a shift that day. It takes a few seconds.",
        },
        "dayplan.plan": {"sv": "Planera dagen", "en": "Plan the day"},
        "dayplan.publish": {"sv": "Publicera planen", "en": "Publish the plan"},
        "dayplan.publish_hint": {
            "sv": "Ett utkast ändrar inga besök. När planen publiceras får varje besök sin "
            "personal och planerade tid.",
            "en": "A draft changes no visit. Publishing gives each visit its staff member and "
            "planned time.",
        },
        "dayplan.replan": {"sv": "Planera om", "en": "Re-plan"},
        "dayplan.replan_hint": {
            "sv": "Nya och ändrade besök tas med. Påbörjade och klara besök ligger kvar; de "
            "andra stannar helst hos samma personal.",
            "en": "New and changed visits are taken in. Started and done visits stay; the "
            "others preferably stay with the same staff member.",
        },
        "dayplan.print_all": {"sv": "Skriv ut körlistor", "en": "Print the day sheets"},
        "dayplan.print_one": {"sv": "Skriv ut körlistan", "en": "Print the day sheet"},
        "dayplan.refused": {"sv": "Det gick inte:", "en": "Not possible:"},
        "dayplan.status": {"sv": "Status", "en": "Status"},
        "dayplan.status.draft": {"sv": "Utkast", "en": "Draft"},
        "dayplan.status.published": {"sv": "Publicerad", "en": "Published"},
        "dayplan.version": {"sv": "Version", "en": "Version"},
        "dayplan.travel": {"sv": "Restid totalt", "en": "Total travel"},
        "dayplan.minutes": {"sv": "min", "en": "min"},
        "dayplan.visits": {"sv": "Besök", "en": "Visits"},
        "dayplan.visits_planned": {"sv": "planerade", "en": "planned"},
        "dayplan.made": {"sv": "Gjord", "en": "Made"},
        "dayplan.published_at": {"sv": "Publicerad", "en": "Published"},
        "dayplan.other_plans": {"sv": "Dagens planer", "en": "The day's plans"},
        "dayplan.shown": {"sv": "visas", "en": "shown"},
        "dayplan.hidden": {
            "sv": "besök i planen gäller patienter som din organisation inte har vårdrelation "
            "med, och visas inte.",
            "en": "visits in the plan are for patients your organisation has no care "
            "relationship with, and are not shown.",
        },
        "dayplan.routes": {"sv": "Rutter", "en": "Routes"},
        "dayplan.no_routes": {
            "sv": "Inga besök är fördelade på personal.",
            "en": "No visits are assigned to staff.",
        },
        "dayplan.shift": {"sv": "Arbetspass", "en": "Shift"},
        "dayplan.leave": {"sv": "Avfärd", "en": "Leave"},
        "dayplan.back": {"sv": "Tillbaka", "en": "Back"},
        "dayplan.from_start": {
            "sv": "från start (bas eller hem)",
            "en": "from the start (base or home)",
        },
        "dayplan.to_end": {"sv": "till slut (bas eller hem)", "en": "to the end (base or home)"},
        "dayplan.number": {"sv": "Nr", "en": "No."},
        "dayplan.time": {"sv": "Tid", "en": "Time"},
        "dayplan.arrive": {"sv": "framme", "en": "arrive"},
        "dayplan.patient": {"sv": "Patient", "en": "Patient"},
        "dayplan.activity": {"sv": "Insats", "en": "Activity"},
        "dayplan.needs": {"sv": "Kräver", "en": "Needs"},
        "dayplan.visit_status": {"sv": "Status", "en": "Status"},
        "dayplan.mark": {"sv": "Markera", "en": "Mark"},
        "dayplan.fixed": {"sv": "Låst", "en": "Fixed"},
        "dayplan.fixed_hint": {
            "sv": "påbörjat eller klart: ligger kvar vid omplanering",
            "en": "started or done: stays when re-planning",
        },
        "dayplan.window": {"sv": "Tidsfönster", "en": "Window"},
        "dayplan.unassigned": {"sv": "Ej planerade besök", "en": "Unassigned visits"},
        "dayplan.no_unassigned": {
            "sv": "Alla besök är planerade.",
            "en": "Every visit is planned.",
        },
        "dayplan.reason": {"sv": "Orsak", "en": "Reason"},
        "dayplan.move.started": {"sv": "Påbörja", "en": "Start"},
        "dayplan.move.done": {"sv": "Klart", "en": "Done"},
        "dayplan.move.missed": {"sv": "Missat", "en": "Missed"},
        "dayplan.map": {"sv": "Karta", "en": "Map"},
        "dayplan.map_label": {
            "sv": "Karta över dagens rutter: en linje per personal, numrerade besök, start och "
            "slut som romber, ej planerade besök som ofyllda ringar",
            "en": "Map of the day's routes: one line per staff member, numbered visits, starts "
            "and ends as diamonds, unassigned visits as hollow rings",
        },
        "dayplan.map_start": {"sv": "Start", "en": "Start"},
        "dayplan.map_end": {"sv": "Slut", "en": "End"},
        "dayplan.map_place": {
            "sv": "Start och slut (bas eller hem)",
            "en": "Start and end (base or home)",
        },
        "dayplan.map_unassigned": {"sv": "Ej planerat besök", "en": "Unassigned visit"},
        "dayplan.map_not_drawn": {
            "sv": "besök saknar koordinater och syns inte på kartan.",
            "en": "visits have no coordinates and are not on the map.",
        },
        "dayplan.map_none": {
            "sv": "Inget att visa på kartan: inga koordinater.",
            "en": "Nothing to show on the map: no coordinates.",
        },
        "dayplan.list_alternative": {
            "sv": "Samma rutter finns som listor nedan.",
            "en": "The same routes are listed below.",
        },
        "dayplan.sheets_title": {"sv": "Körlistor", "en": "Day sheets"},
        "dayplan.sheet": {"sv": "Körlista", "en": "Day sheet"},
        "dayplan.to_plan": {"sv": "Tillbaka till dagsplanen", "en": "Back to the day plan"},
        "dayplan.print": {"sv": "Skriv ut", "en": "Print"},
        "dayplan.planned_start": {"sv": "Planerad start", "en": "Planned start"},
        "dayplan.address": {"sv": "Adress", "en": "Address"},
        "dayplan.phone": {"sv": "Telefon", "en": "Phone"},
        "dayplan.done_box": {"sv": "Klart", "en": "Done"},
        "dayplan.notes": {"sv": "Anteckningar", "en": "Notes"},
        "dayplan.plan_version": {"sv": "Plan", "en": "Plan"},
        "dayplan.printed": {"sv": "Utskriven", "en": "Printed"},
        "dayplan.no_sheet": {
            "sv": "Ingen i planen har besök att skriva ut.",
            "en": "Nobody in the plan has visits to print.",
        },
        "notice.day_planned": {
            "sv": "Dagen är planerad. Granska utkastet och publicera det.",
            "en": "The day is planned. Review the draft and publish it.",
        },
        "notice.day_published": {
            "sv": "Planen är publicerad: besöken har fått sin personal.",
            "en": "The plan is published: the visits have their staff.",
        },
        "notice.day_replanned": {"sv": "Dagen är planerad om.", "en": "The day is re-planned."},
        # issue 11: the solve is a job; plans follow the patient (decision 0015)
        "notice.day_planning": {"sv": "Planen tas fram…", "en": "The plan is being made…"},
        "notice.day_replanning": {
            "sv": "Planen tas fram på nytt…",
            "en": "The plan is being made again…",
        },
        "dayplan.solving": {"sv": "Planen tas fram…", "en": "The plan is being made…"},
        "dayplan.solving_hint": {
            "sv": "Det tar några sekunder. Sidan uppdateras av sig själv när planen är klar.",
            "en": "It takes a few seconds. This page refreshes itself when the plan is ready.",
        },
        "dayplan.solving_look": {"sv": "Titta igen", "en": "Look again"},
        "dayplan.failed": {
            "sv": "Planen kunde inte tas fram",
            "en": "The plan could not be made",
        },
        "dayplan.failed_hint": {
            "sv": "Rätta det som står ovan och planera om.",
            "en": "Put right what is said above and re-plan.",
        },
        "dayplan.out_of_date": {
            "sv": "Planen är inaktuell – planera om",
            "en": "The plan is out of date – re-plan",
        },
        "dayplan.out_of_date_hint": {
            "sv": "Besök i planen har ställts in sedan den gjordes. Planera om så att "
            "rutterna stämmer; personalen med ändrade rutter har fått besked.",
            "en": "Visits in the plan have been cancelled since it was made. Re-plan so that "
            "the routes are right; the staff whose routes changed have been told.",
        },
        "dayplan.ood_visits": {"sv": "besök inställda", "en": "visits cancelled"},
        "dayplan.ood.readmitted": {
            "sv": "en patient har lagts in på sjukhus igen",
            "en": "a patient was readmitted to hospital",
        },
        "dayplan.ood.discharged": {
            "sv": "en patient har skrivits ut",
            "en": "a patient was discharged",
        },
        "dayplan.ood.deceased": {"sv": "en patient har avlidit", "en": "a patient died"},
        "dayplan.ood.withdrawn": {
            "sv": "en patient har lämnat vården i hemmet",
            "en": "a patient left care at home",
        },
        "dayplan.ood.changed_while_solving": {
            "sv": "besök ändrades medan planen togs fram",
            "en": "visits changed while the plan was being made",
        },
        "notice.visit_started": {"sv": "Besöket är påbörjat.", "en": "The visit is started."},
        "notice.visit_done": {"sv": "Besöket är klart.", "en": "The visit is done."},
        "notice.visit_missed": {
            "sv": "Besöket är markerat som missat.",
            "en": "The visit is marked missed.",
        },
        "visit_status.planned": {"sv": "Planerat", "en": "Planned"},
        "visit_status.assigned": {"sv": "Tilldelat", "en": "Assigned"},
        "visit_status.started": {"sv": "Påbörjat", "en": "Started"},
        "visit_status.done": {"sv": "Klart", "en": "Done"},
        "visit_status.missed": {"sv": "Missat", "en": "Missed"},
        "visit_status.cancelled": {"sv": "Inställt", "en": "Cancelled"},
        "skill.iv_therapy": {"sv": "iv-behandling", "en": "IV therapy"},
        "skill.picc_care": {"sv": "PICC-skötsel", "en": "PICC care"},
        "skill.wound_care": {"sv": "sårvård", "en": "wound care"},
        "skill.sampling": {"sv": "provtagning", "en": "sampling"},
    }
)

# The pathways' home activities (their English 'what') as staff call them; a text staff wrote
# themselves (an ad-hoc visit, an edited plan) is shown as written.
ACTIVITY_SV: dict[str, str] = {
    "Give IV antibiotics": "Ge iv-antibiotika",
    "Check and dress the PICC/PVK line": "Kontroll och omläggning av PICC/PVK",
    "Take blood samples (CRP, blood count, creatinine)": "Blodprover (CRP, blodstatus, kreatinin)",
    "Visit: assessment, inhalation technique, vital signs": (
        "Besök: bedömning, inhalationsteknik, vitalparametrar"
    ),
    "Breathing technique and mobilisation": "Andningsteknik och mobilisering",
    "Visit: vital signs, oedema, medication": "Besök: vitalparametrar, ödem, läkemedel",
    "Blood samples (creatinine, potassium, NT-proBNP)": "Blodprover (kreatinin, kalium, NT-proBNP)",
    "Dress the foot ulcer": "Omläggning av fotsår",
}


def activity_text(what: str, lang: str) -> str:
    """A visit's activity in the page's language (as written when it is not a known one)."""
    return ACTIVITY_SV.get(what.strip(), what) if lang == "sv" else what


def skill_text(name: str, lang: str) -> str:
    """A skill or a role ('iv_therapy', 'registered_nurse') in the page's language."""
    for key in (f"skill.{name}", f"role.{name}"):
        if key in TEXTS:
            return translate(key, lang)
    return name


# -- vital signs, NEWS2, alerts and the patient's tablet (web/vitals.py, alerts.py,
# selfreport.py; templates/_vitals.html, _trendchart.html, alert_*.html, self_report*.html) --
_MONITORING_TEXTS: dict[str, tuple[str, str]] = {
    "nav.alerts": ("Larm", "Alerts"),
    # the overview and the alert list
    "alerts.title": ("Larm", "Alerts"),
    "alerts.unacknowledged": ("okvitterade", "unacknowledged"),
    "alerts.none": ("Inga larm.", "No alerts."),
    "alerts.waiting_to_close": (
        "larm har en åtgärd och väntar på att stängas",
        "alerts have an action and wait to be closed",
    ),
    "alerts.all": ("Alla larm", "All alerts"),
    "alerts.announce": ("Okvitterade larm", "Unacknowledged alerts"),
    "alerts.filter": ("Visa larm", "Show alerts"),
    "alerts.filter.active": ("Aktiva", "Active"),
    "alerts.filter.open": ("Okvitterade", "Unacknowledged"),
    "alerts.filter.acknowledged": ("Kvitterade", "Acknowledged"),
    "alerts.filter.action_taken": ("Åtgärdade, ej stängda", "Action taken, not closed"),
    "alerts.filter.closed": ("Stängda", "Closed"),
    "severity.high": ("Hög", "High"),
    "severity.medium": ("Medel", "Medium"),
    "severity.low": ("Låg", "Low"),
    "alert_status.open": ("Okvitterat", "Unacknowledged"),
    "alert_status.acknowledged": ("Kvitterat", "Acknowledged"),
    "alert_status.action_taken": ("Åtgärdat", "Action taken"),
    "alert_status.closed": ("Stängt", "Closed"),
    "alert_kind.news2": ("NEWS2", "NEWS2"),
    "alert_kind.limit": ("Gräns i vårdplanen", "Care plan limit"),
    "alert_kind.missed_measurement": ("Utebliven mätning", "Missed measurement"),
    "alert_kind.medication_visit": (
        "Läkemedelsbesök utan personal eller missat",
        "Medication visit unstaffed or missed",
    ),
    "time.min": ("min", "min"),
    "time.h": ("tim", "h"),
    "time.d": ("dygn", "d"),
    "time.ago": ("sedan", "ago"),
    # one alert
    "alert.title": ("Larm", "Alert"),
    "alert.severity": ("Allvar", "Severity"),
    "alert.reason": ("Orsak", "Reason"),
    "alert.since": ("Sedan", "Since"),
    "alert.escalation": ("Eskalering", "Escalation"),
    "alert.status": ("Status", "Status"),
    "alert.times": ("gånger", "times"),
    "alert.open": ("Öppna", "Open"),
    "alert.acknowledge": ("Kvittera", "Acknowledge"),
    "alert.level": ("Nivå", "Level"),
    "alert.level.1": (
        "fast vårdkontakt och ansvariga enhetens sjuksköterskor",
        "the care contact and the responsible unit's registered nurses",
    ),
    "alert.level.2": ("medicinskt ansvarig läkare", "the responsible physician"),
    "alert.level.3": (
        "enhetschef och jourhavande läkare",
        "the head of the unit and the on-call physician",
    ),
    "alert.next_level": ("nästa nivå kl.", "next level at"),
    "alert.opened": ("Larmet kom", "Raised"),
    "alert.last_triggered": ("Senast utlöst", "Last triggered"),
    "alert.acknowledged_by": ("Kvitterat av", "Acknowledged by"),
    "alert.action": ("Åtgärd", "Action"),
    "alert.closed_by": ("Stängt av", "Closed by"),
    "alert.admission": ("Direktinläggning", "Direct admission"),
    "alert.admitted": ("Inskriven", "Admitted"),
    "alert.via_emergency": ("via akutmottagningen", "through the emergency department"),
    "alert.admission_refused": ("Direktinläggningen gick inte:", "The direct admission failed:"),
    "alert.emergency_alternative": (
        "Alternativet är akutmottagningen: skriv in patienten via akuten nedan, eller välj "
        "en avdelning med ledig trygghetsplats.",
        "The alternative is the emergency department: admit the patient through the emergency "
        "department below, or choose a ward with a free reserved bed.",
    ),
    "alert.alternative": ("alternativ", "alternative"),
    "alert.emergency_department": ("akutmottagningen", "the emergency department"),
    "alert.measurements": ("Mätvärden som orsakade larmet", "The measurements that caused it"),
    "alert.causes": ("Utlösningar", "Triggers"),
    "alert.expected_at": ("väntad", "expected"),
    "alert.handle": ("Hantera larmet", "Handle the alert"),
    "alert.is_closed": ("Larmet är stängt.", "The alert is closed."),
    "alert.role_cannot": (
        "Din roll kan inte hantera larm. Kontakta en sjuksköterska eller läkare.",
        "Your role cannot handle alerts. Contact a registered nurse or a physician.",
    ),
    "alert.acknowledge_title": ("Kvittera", "Acknowledge"),
    "alert.acknowledge_hint": (
        "Jag har sett larmet och tar hand om det. Larmet eskalerar inte vidare.",
        "I have seen the alert and am on it. It stops escalating.",
    ),
    "alert.note_optional": ("Anteckning (valfri)", "Note (optional)"),
    "alert.direct_admission": (
        "Direktinläggning på trygghetsplats",
        "Direct admission to a reserved bed",
    ),
    "alert.direct_admission_hint": (
        "Patienten skrivs in direkt på avdelningen utan att passera akuten. En ledig "
        "trygghetsplats reserveras och avdelningen får veta det.",
        "The patient is admitted straight to the ward, bypassing the emergency department. A "
        "free reserved bed is taken and the ward is told.",
    ),
    "alert.beds": ("Trygghetsplatser just nu", "Reserved beds now"),
    "alert.ward": ("Avdelning", "Ward"),
    "alert.beds_free": ("Lediga", "Free"),
    "alert.beds_occupied": ("Belagda", "Occupied"),
    "alert.beds_total": ("Totalt", "Total"),
    "alert.full": ("Fullt", "Full"),
    "alert.no_wards": ("Inga avdelningar med trygghetsplatser.", "No wards with reserved beds."),
    "alert.admitting_ward": ("Avdelning som tar emot", "Admitting ward"),
    "alert.admit_reserved": ("Skriv in direkt (trygghetsplats)", "Admit directly (reserved bed)"),
    "alert.admit_emergency": (
        "Skriv in via akutmottagningen",
        "Admit through the emergency department",
    ),
    "alert.action_title": ("Registrera åtgärd", "Record the action"),
    "alert.what_was_done": ("Vad gjordes?", "What was done?"),
    "alert.action_note": (
        "Anteckning (krävs om ingen åtgärd behövdes)",
        "Note (needed if no action was needed)",
    ),
    "alert.record_action": ("Registrera åtgärd", "Record the action"),
    "alert.close_title": ("Stäng larmet", "Close the alert"),
    "alert.close": ("Stäng larmet", "Close the alert"),
    "alert.history": ("Vad har hänt", "What happened"),
    "alert.notified": ("Vem har larmats", "Who was notified"),
    "alert.receiving_ward": ("Mottagande avdelning", "The receiving ward"),
    "alert_action.phone_call": ("Telefonsamtal", "Phone call"),
    "alert_action.extra_visit": ("Extra besök", "Extra visit"),
    "alert_action.physician_consulted": ("Läkare konsulterad", "Physician consulted"),
    "alert_action.direct_admission": ("Direktinläggning", "Direct admission"),
    "alert_action.none_needed": ("Ingen åtgärd behövdes", "No action needed"),
    "alert_event.opened": ("Larmet kom", "Raised"),
    "alert_event.triggered": ("Utlöst igen", "Triggered again"),
    "alert_event.reopened_more_severe": (
        "Öppnat igen: allvarligare",
        "Reopened: more severe",
    ),
    "alert_event.acknowledged": ("Kvitterat", "Acknowledged"),
    "alert_event.action": ("Åtgärd", "Action"),
    "alert_event.closed": ("Stängt", "Closed"),
    "alert_event.escalated": ("Eskalerat", "Escalated"),
    "alert_event.escalation_stopped": ("Eskaleringen stoppad", "Escalation stopped"),
    "alert_event.direct_admission_refused": (
        "Direktinläggning nekad",
        "Direct admission refused",
    ),
    "form.choose_action": ("Välj vad som gjordes.", "Choose what was done."),
    "form.number": ("Skriv ett tal, t.ex. 37,5.", "Write a number, e.g. 37.5."),
    "form.whole_number": ("Skriv ett heltal.", "Write a whole number."),
    "notice.alert_acknowledged": ("Larmet är kvitterat.", "The alert is acknowledged."),
    "notice.alert_action": ("Åtgärden är registrerad.", "The action is recorded."),
    "notice.alert_admitted": (
        "Patienten är inskriven direkt; avdelningen är underrättad.",
        "The patient is admitted directly; the ward is told.",
    ),
    "notice.alert_closed": ("Larmet är stängt.", "The alert is closed."),
    "notice.observation_saved": ("Mätvärdena är sparade.", "The measurements are saved."),
    "notice.observation_confirmed": ("Värdena är bekräftade.", "The values are confirmed."),
    "notice.observation_in_error": (
        "Mätningen är markerad som felregistrerad.",
        "The measurement is marked entered in error.",
    ),
    "notice.self_report_started": ("Patientläget är startat.", "Patient mode is started."),
    # vital signs on the patient page
    "vitals.title": ("Mätvärden", "Vital signs"),
    "vitals.record": ("Registrera mätvärden", "Record vital signs"),
    "vitals.record_hint": (
        "Fyll i det som mättes; tomma fält räknas som ej mätta. NEWS2 räknas ut och larm "
        "skapas direkt.",
        "Fill in what was measured; empty fields count as not measured. NEWS2 is scored and "
        "alerts are raised at once.",
    ),
    "vitals.save": ("Spara mätvärdena", "Save the measurements"),
    "vitals.measured_at": ("Mättid", "Measured at"),
    "vitals.latest_set": ("Senaste mätningen", "The latest set"),
    "vitals.latest": ("Senast", "Latest"),
    "vitals.monitoring": ("Rekommenderad övervakning", "Recommended monitoring"),
    "monitoring.12h": ("minst var 12:e timme", "at least every 12 hours"),
    "monitoring.4-6h": ("minst var 4–6:e timme", "at least every 4–6 hours"),
    "monitoring.1h": ("minst varje timme", "at least every hour"),
    "monitoring.continuous": ("kontinuerligt", "continuous"),
    "vitals.scale2": ("SpO2 skala 2", "SpO2 scale 2"),
    "vitals.partial": ("ofullständig", "partial"),
    "vitals.points": ("poäng", "points"),
    "vitals.points_long": ("NEWS2-poäng för parametern", "NEWS2 points of the parameter"),
    "vitals.to_confirm": ("bekräfta", "confirm"),
    "vitals.to_confirm_title": ("Värden att bekräfta", "Values to confirm"),
    "vitals.confirm": ("Bekräfta värdena", "Confirm the values"),
    "vitals.error_note": ("Vad var fel?", "What was wrong?"),
    "vitals.entered_in_error": ("Felregistrerad", "Entered in error"),
    "vitals.confirm_refused": ("Det gick inte:", "Not possible:"),
    "vitals.alerts": ("Larm under episoden", "Alerts during the episode"),
    "vitals.trends": ("Trender", "Trends"),
    "vitals.trends_hint": (
        "Skuggat fält: normalområdet (0 NEWS2-poäng). Lodräta linjer: larm. Avbruten linje: "
        "ingen mätning när en väntades.",
        "Shaded band: the normal range (0 NEWS2 points). Vertical lines: alerts. A broken "
        "line: no measurement when one was expected.",
    ),
    "vitals.measurements": ("mätningar", "measurements"),
    "vitals.normal": ("Normalområde", "Normal range"),
    "vitals.alert_marks": ("larm markerade", "alerts marked"),
    "vitals.as_table": ("Visa som tabell", "Show as a table"),
    "vitals.note": ("Anmärkning", "Note"),
    "vitals.none": ("Inga mätningar.", "No measurements."),
    "vitals.symptoms": ("Symtom och annat", "Symptoms and other"),
    "vitals.news2": ("NEWS2", "NEWS2"),
    "vitals.news2_total": ("NEWS2", "NEWS2"),
    "vitals.respiratory_rate": ("Andningsfrekvens", "Respiratory rate"),
    "vitals.spo2": ("Syremättnad (SpO2)", "Oxygen saturation (SpO2)"),
    "vitals.on_oxygen": ("Syrgas", "Supplemental oxygen"),
    "vitals.on_oxygen_short": ("på syrgas", "on oxygen"),
    "vitals.air": ("Nej (luft)", "No (air)"),
    "vitals.oxygen": ("Ja, syrgas", "Yes, oxygen"),
    "vitals.oxygen_flow": ("Syrgasflöde", "Oxygen flow"),
    "vitals.blood_pressure": ("Blodtryck", "Blood pressure"),
    "vitals.systolic_bp": ("Systoliskt blodtryck", "Systolic blood pressure"),
    "vitals.diastolic_bp": ("Diastoliskt blodtryck", "Diastolic blood pressure"),
    "vitals.pulse": ("Puls", "Pulse"),
    "vitals.consciousness": ("Medvetandegrad (ACVPU)", "Consciousness (ACVPU)"),
    "vitals.not_assessed": ("Ej bedömd", "Not assessed"),
    "vitals.temperature": ("Temperatur", "Temperature"),
    "vitals.weight": ("Vikt", "Weight"),
    "vitals.short.respiratory_rate": ("AF", "RR"),
    "vitals.short.spo2": ("SpO2 %", "SpO2 %"),
    "vitals.short.on_oxygen": ("Syrgas", "Oxygen"),
    "vitals.short.systolic_bp": ("BT", "BP"),
    "vitals.short.pulse": ("Puls", "Pulse"),
    "vitals.short.consciousness": ("ACVPU", "ACVPU"),
    "vitals.short.temperature": ("Temp °C", "Temp °C"),
    "acvpu.A": ("A – vaken", "A – alert"),
    "acvpu.C": ("C – ny förvirring", "C – new confusion"),
    "acvpu.V": ("V – reagerar på tilltal", "V – responds to voice"),
    "acvpu.P": ("P – reagerar på smärta", "P – responds to pain"),
    "acvpu.U": ("U – reagerar inte", "U – unresponsive"),
    "risk.low": ("låg", "low"),
    "risk.low-medium": ("låg–medel", "low–medium"),
    "risk.medium": ("medel", "medium"),
    "risk.high": ("hög", "high"),
    "source.device": ("mätare", "device"),
    "source.visit": ("besök", "visit"),
    "source.self_report": ("patienten själv", "self-report"),
    "event.self_report.paired": (
        "Surfplatta i patientläge startad",
        "Tablet started in patient mode",
    ),
    "event.self_report.ended": ("Patientläge avslutat", "Patient mode ended"),
    "event.spo2_scale.set": ("SpO2-skala satt", "SpO2 scale set"),
    # the patient's tablet (plain Swedish, for patients)
    "selfreport.open_link": ("Patientläge på surfplatta", "Patient mode on a tablet"),
    "selfreport.title": ("Dina mätvärden", "Your measurements"),
    "selfreport.tagline": ("till ditt vårdteam", "to your care team"),
    "selfreport.hello": ("Hej", "Hello"),
    "selfreport.how_are_you": ("Hur mår du idag?", "How are you today?"),
    "selfreport.feeling": ("Hur mår du idag?", "How are you today?"),
    "selfreport.feeling.good": ("Bra", "Good"),
    "selfreport.feeling.as_usual": ("Som vanligt", "As usual"),
    "selfreport.feeling.worse": ("Sämre", "Worse"),
    "selfreport.intro": (
        "Skriv in det du har mätt. Du kan lämna tomt det du inte har mätt.",
        "Write in what you have measured. Leave empty what you have not measured.",
    ),
    "selfreport.field.": ("Formuläret", "The form"),
    "selfreport.field.temperature": ("Temperatur", "Temperature"),
    "selfreport.field.spo2": ("Syremättning", "Oxygen saturation"),
    "selfreport.field.pulse": ("Puls", "Pulse"),
    "selfreport.field.systolic_bp": ("Blodtryck, det övre värdet", "Blood pressure, upper value"),
    "selfreport.field.diastolic_bp": (
        "Blodtryck, det undre värdet",
        "Blood pressure, lower value",
    ),
    "selfreport.field.respiratory_rate": ("Andetag per minut", "Breaths per minute"),
    "selfreport.field.weight": ("Vikt", "Weight"),
    "selfreport.hint.temperature": (
        "I grader, till exempel 37,5",
        "In degrees Celsius, for example 37.5",
    ),
    "selfreport.hint.spo2": (
        "Från fingermätaren, till exempel 96",
        "From the finger clip, e.g. 96",
    ),
    "selfreport.hint.pulse": (
        "Hjärtslag per minut, till exempel 72",
        "Heartbeats per minute, for example 72",
    ),
    "selfreport.hint.systolic_bp": ("Till exempel 130", "For example 130"),
    "selfreport.hint.diastolic_bp": ("Till exempel 80", "For example 80"),
    "selfreport.hint.respiratory_rate": (
        "Räkna dina andetag under en minut",
        "Count your breaths for one minute",
    ),
    "selfreport.hint.weight": (
        "I kilo, på morgonen, till exempel 72,5",
        "In kilograms, in the morning, for example 72.5",
    ),
    "selfreport.unit.temperature": ("°C", "°C"),
    "selfreport.unit.spo2": ("%", "%"),
    "selfreport.unit.pulse": ("slag/min", "beats/min"),
    "selfreport.unit.systolic_bp": ("mmHg", "mmHg"),
    "selfreport.unit.diastolic_bp": ("mmHg", "mmHg"),
    "selfreport.unit.respiratory_rate": ("andetag/min", "breaths/min"),
    "selfreport.unit.weight": ("kg", "kg"),
    "selfreport.oxygen": ("Får du syrgas just nu?", "Are you on oxygen right now?"),
    "selfreport.more": (
        "Vill du berätta något mer? (frivilligt)",
        "Anything else you want to tell us? (optional)",
    ),
    "selfreport.send": ("Skicka", "Send"),
    "selfreport.fix": (
        "Något behöver rättas. Titta på fälten nedan.",
        "Something needs correcting. Look at the fields below.",
    ),
    "selfreport.error.number": (
        "Skriv bara siffror, till exempel {example}.",
        "Write only digits, for example {example}.",
    ),
    "selfreport.error.whole": (
        "Skriv ett helt tal utan decimaler, till exempel {example}.",
        "Write a whole number without decimals, for example {example}.",
    ),
    "selfreport.error.impossible": (
        "{value} kan inte stämma för {what}. Titta på mätaren igen och skriv värdet som det "
        "står där, till exempel {example}.",
        "{value} cannot be right for {what}. Look at the meter again and write the value as "
        "it is shown, for example {example}.",
    ),
    "selfreport.error.fahrenheit": (
        "{value} ser ut som grader Fahrenheit. Skriv grader Celsius, till exempel 37,5.",
        "{value} looks like degrees Fahrenheit. Write degrees Celsius, for example 37.5.",
    ),
    "selfreport.error.spo2": (
        "Syremättningen kan inte vara mer än 100. Titta på mätaren igen.",
        "Oxygen saturation cannot be more than 100. Look at the meter again.",
    ),
    "selfreport.error.pressure": (
        "Det undre värdet ska vara lägre än det övre. Titta på mätaren igen.",
        "The lower value should be lower than the upper one. Look at the meter again.",
    ),
    "selfreport.error.empty": (
        "Fyll i minst ett värde, eller svara på hur du mår.",
        "Fill in at least one value, or say how you are.",
    ),
    "selfreport.error.general": (
        "Det gick inte att skicka. Försök igen. Ring ditt vårdteam om du mår sämre.",
        "Sending did not work. Try again. Call your care team if you feel worse.",
    ),
    "selfreport.thanks": ("Tack!", "Thank you!"),
    "selfreport.sent": (
        "Dina värden är skickade till ditt vårdteam.",
        "Your measurements have been sent to your care team.",
    ),
    "selfreport.you_feel_worse": (
        "Du skrev att du mår sämre. Ring oss gärna nu, så pratar vi om det.",
        "You wrote that you feel worse. Please call us now and we will talk about it.",
    ),
    "selfreport.who_to_call": ("Vem ringer du?", "Whom do you call?"),
    "selfreport.if_worse": ("Om du blir sämre", "If you get worse"),
    "selfreport.call_112": (
        "Vid andnöd, bröstsmärta eller om du inte kan väcka patienten: ring 112.",
        "If you cannot breathe, have chest pain, or cannot wake the patient: call 112.",
    ),
    "selfreport.again": ("Tillbaka till början", "Back to the start"),
    "selfreport.staff": ("För personal", "For staff"),
    "selfreport.end_hint": (
        "Avslutar patientläget på den här surfplattan. Patienten kan sedan inte skicka "
        "värden härifrån förrän personal startar det igen.",
        "Ends patient mode on this tablet. The patient cannot send measurements from it "
        "until staff start it again.",
    ),
    "selfreport.end": ("Avsluta patientläget", "End patient mode"),
    "selfreport.ended_title": ("Patientläget är avslutat", "Patient mode has ended"),
    "selfreport.ended": (
        "Den här surfplattan kan inte längre skicka mätvärden. Ring ditt vårdteam om du "
        "behöver hjälp, eller be personalen starta patientläget igen.",
        "This tablet can no longer send measurements. Call your care team if you need "
        "help, or ask the staff to start patient mode again.",
    ),
    "selfreport.staff_login": ("Logga in (personal)", "Log in (staff)"),
    "selfreport.start_title": ("Patientläge på surfplatta", "Patient mode on a tablet"),
    "selfreport.start_how": ("Så fungerar det", "How it works"),
    "selfreport.start_1": (
        "Öppna den här sidan på patientens surfplatta, inloggad som du.",
        "Open this page on the patient's tablet, logged in as yourself.",
    ),
    "selfreport.start_2": (
        "Tryck på Starta patientläge. Du loggas ut på surfplattan; den kan sedan bara "
        "skicka patientens egna mätvärden för den här vårdepisoden.",
        "Press Start patient mode. You are logged out on the tablet; it can then only send "
        "this patient's own measurements for this episode.",
    ),
    "selfreport.start_3": (
        "Värdena sparas som patientens egna (egenrapport), registrerade av dig, och syns "
        "här med NEWS2 och larm. Patienten ser aldrig NEWS2.",
        "The values are stored as the patient's own (self-report), recorded by you, and "
        "show here with NEWS2 and alerts. The patient never sees NEWS2.",
    ),
    "selfreport.start_4": (
        "Patientläget slutar när episoden avslutas, efter 30 dagar, eller när personal "
        "trycker på Avsluta patientläget på surfplattan.",
        "Patient mode ends when the episode ends, after 30 days, or when staff press End "
        "patient mode on the tablet.",
    ),
    "selfreport.start": (
        "Starta patientläge på den här enheten",
        "Start patient mode on this device",
    ),
    "selfreport.cannot_pair": (
        "Patientläge kan startas av den som får registrera mätvärden, i en pågående episod.",
        "Patient mode can be started by staff who may record measurements, in an open episode.",
    ),
}
for _key, (_sv, _en) in _MONITORING_TEXTS.items():
    TEXTS.setdefault(_key, {"sv": _sv, "en": _en})


# -- follow-up: the outcomes page, a pilot's report, the trygghet questionnaire (web/outcomes.py)
TEXTS.update(
    {
        "nav.outcomes": {"sv": "Uppföljning", "en": "Outcomes"},
        "outcomes.title": {"sv": "Uppföljning", "en": "Outcomes"},
        "outcomes.from": {"sv": "Från", "en": "From"},
        "outcomes.to": {"sv": "Till", "en": "To"},
        "outcomes.pathway": {"sv": "Vårdförlopp", "en": "Pathway"},
        "outcomes.organisation": {"sv": "Organisation (kod)", "en": "Organisation (code)"},
        "outcomes.type": {"sv": "Typ", "en": "Type"},
        "outcomes.type.early_supported_discharge": {
            "sv": "Tidig utskrivning",
            "en": "Early supported discharge",
        },
        "outcomes.type.admission_avoidance": {
            "sv": "Undvikt inläggning",
            "en": "Admission avoidance",
        },
        "outcomes.all": {"sv": "Alla", "en": "All"},
        "outcomes.show": {"sv": "Visa", "en": "Show"},
        "outcomes.bad_date": {
            "sv": "Ange datum som ÅÅÅÅ-MM-DD.",
            "en": "Give the date as YYYY-MM-DD.",
        },
        "outcomes.ends_before": {
            "sv": "Perioden slutar före den börjar.",
            "en": "The period ends before it starts.",
        },
        "outcomes.bad_type": {
            "sv": "Okänd typ: välj tidig utskrivning eller undvikt inläggning.",
            "en": "Unknown type: choose early supported discharge or admission avoidance.",
        },
        "outcomes.episodes": {"sv": "Vårdtillfällen", "en": "Episodes"},
        "outcomes.live": {"sv": "i Samband", "en": "in Samband"},
        "outcomes.imported": {"sv": "importerade", "en": "imported"},
        "outcomes.csv": {"sv": "Ladda ner CSV", "en": "Download CSV"},
        "outcomes.csv_trace": {
            "sv": "CSV med vårdtillfällen (de du får se)",
            "en": "CSV with episodes (those you may see)",
        },
        "outcomes.costs": {"sv": "Kostnader per huvudman", "en": "Costs per authority"},
        "outcomes.figures": {"sv": "Diagram", "en": "Figures"},
        "outcomes.indicators": {"sv": "Indikatorer", "en": "Indicators"},
        "outcomes.indicator": {"sv": "Indikator", "en": "Indicator"},
        "outcomes.value": {"sv": "Värde", "en": "Value"},
        "pilots.title": {"sv": "Expeditioner (piloter)", "en": "Pilots"},
        "pilots.none": {"sv": "Inga expeditioner.", "en": "No pilots."},
        "pilots.pilot": {"sv": "Expedition", "en": "Pilot"},
        "pilots.period": {"sv": "Period", "en": "Period"},
        "pilots.organisations": {"sv": "Organisationer", "en": "Organisations"},
        "pilots.units": {"sv": "Enheter", "en": "Units"},
        "pilots.comparison": {"sv": "Jämförelse", "en": "Comparison"},
        "pilots.results": {"sv": "Vårdformens resultat", "en": "The care form's results"},
        "pilots.learnt": {"sv": "Vad vi lärde oss", "en": "What was learnt"},
        "pilots.assumptions": {"sv": "Antaganden", "en": "Assumptions"},
        "pilots.status.open": {"sv": "Öppet", "en": "Open"},
        "pilots.status.confirmed": {"sv": "Bekräftat", "en": "Confirmed"},
        "pilots.status.refuted": {"sv": "Motbevisat", "en": "Refuted"},
        "pilots.barriers": {"sv": "Hinder", "en": "Barriers"},
        "pilots.observations": {"sv": "Observationer", "en": "Observations"},
        "pilots.class.structure": {"sv": "Struktur", "en": "Structure"},
        "pilots.class.culture": {"sv": "Kultur", "en": "Culture"},
        "pilots.class.practice": {"sv": "Praktik", "en": "Practice"},
        "pilots.class.society": {"sv": "Samhälle/kontext", "en": "Society/context"},
        "pilots.next": {
            "sv": "Ändringar till nästa omgång",
            "en": "Changes for the next iteration",
        },
        "questionnaire.title": {"sv": "Hur har det varit?", "en": "How has it been?"},
        "questionnaire.intro": {
            "sv": "Tryck på en siffra för varje fråga. 1 betyder att du inte håller med alls, "
            "5 att du håller med helt. Bara den första frågan måste besvaras.",
            "en": "Tap a number for each question. 1 means you do not agree at all, 5 that you "
            "agree completely. Only the first question must be answered.",
        },
        "questionnaire.low": {"sv": "håller inte med alls", "en": "do not agree at all"},
        "questionnaire.high": {"sv": "håller med helt", "en": "agree completely"},
        "questionnaire.comment": {
            "sv": "Vill du säga något mer? (frivilligt)",
            "en": "Anything else? (optional)",
        },
        "questionnaire.answered_by": {"sv": "Vem svarar?", "en": "Who answers?"},
        "questionnaire.by.patient": {"sv": "Patienten", "en": "The patient"},
        "questionnaire.by.next_of_kin": {"sv": "En närstående", "en": "Next of kin"},
        "questionnaire.by.staff_on_behalf": {
            "sv": "Personal för patientens räkning",
            "en": "Staff on the patient's behalf",
        },
        "questionnaire.submit": {"sv": "Skicka svaren", "en": "Send the answers"},
        "questionnaire.thanks": {
            "sv": "Tack! Svaren är sparade.",
            "en": "Thank you! The answers are saved.",
        },
        "questionnaire.required": {
            "sv": "Svara på den här frågan genom att trycka på en siffra 1–5.",
            "en": "Answer this question by tapping a number 1–5.",
        },
        "questionnaire.bad_answer": {
            "sv": "Välj en siffra från 1 till 5.",
            "en": "Choose a number from 1 to 5.",
        },
        "questionnaire.unknown": {
            "sv": "Formuläret innehöll en okänd fråga; inget sparades.",
            "en": "The form had an unknown question; nothing was saved.",
        },
        "questionnaire.refused": {"sv": "Svaren kunde inte sparas:", "en": "Not saved:"},
        "questionnaire.link": {
            "sv": "Trygghetsenkät vid utskrivning",
            "en": "Trygghet questionnaire at discharge",
        },
    }
)


# -- the access log (web/audit.py, templates/audit_*.html), the users page (web/admin.py,
# templates/admin_*.html), the navigation per role and the error page (issue 10) --
_ACCESS_TEXTS: dict[str, tuple[str, str]] = {
    "nav.audit": ("Åtkomstlogg", "Access log"),
    "nav.users": ("Användare", "Users"),
    "role.device": ("mätenhet", "device"),
    "error.start": ("Till startsidan", "To the start page"),
    "error.401": ("Logga in", "Log in"),
    "error.403": ("Inte tillåtet", "Not allowed"),
    "error.404": ("Hittades inte", "Not found"),
    "error.409": ("Går inte just nu", "Not possible now"),
    "error.422": ("Kontrollera uppgifterna", "Check the details"),
    "error.503": ("Tillfälligt fel", "Temporarily unavailable"),
    # the access log
    "audit.title": ("Åtkomstlogg", "Access log"),
    "audit.scope": ("Loggen för vårdgivaren", "The log of the care provider"),
    "audit.scope_hint": (
        "Du ser åtkomster gjorda av användare i vårdgivarens verksamheter. Det du söker och "
        "läser här loggas också.",
        "You see accesses made by users of the care provider's organisations. What you "
        "search and read here is logged too.",
    ),
    "audit.sections": ("Åtkomstloggens delar", "Parts of the access log"),
    "audit.tab.search": ("Sök", "Search"),
    "audit.tab.extract": ("Loggutdrag", "Extract"),
    "audit.tab.sample": ("Stickprov", "Sample"),
    "audit.tab.review": ("Att granska", "To review"),
    "audit.personnummer": ("Patient (personnummer)", "Patient (personnummer)"),
    "audit.personnummer_hint": ("ÅÅÅÅMMDD-NNNN", "YYYYMMDD-NNNN"),
    "audit.username": ("Användare (användarnamn)", "User (username)"),
    "audit.place": ("Verksamhet eller enhet", "Organisation or unit"),
    "audit.all": ("Alla", "All"),
    "audit.from": ("Från och med", "From"),
    "audit.to": ("Till och med", "To (inclusive)"),
    "audit.show": ("Visa", "Show"),
    "audit.show.all": ("Alla åtkomster", "All accesses"),
    "audit.show.denied": ("Nekade försök", "Refused attempts"),
    "audit.show.emergency": ("Nödåtkomst", "Emergency access"),
    "audit.search_button": ("Sök", "Search"),
    "audit.results": ("Träffar", "Results"),
    "audit.none": ("Inga rader.", "No rows."),
    "audit.col.time": ("Tid", "Time"),
    "audit.col.user": ("Användare", "User"),
    "audit.col.role": ("Roll", "Role"),
    "audit.col.place": ("Verksamhet / enhet", "Organisation / unit"),
    "audit.col.patient": ("Patient", "Patient"),
    "audit.col.action": ("Åtgärd", "Action"),
    "audit.col.resource": ("Uppgifter", "Data"),
    "audit.col.allowed": ("Tillåten", "Allowed"),
    "audit.col.emergency": ("Nödåtkomst", "Emergency"),
    "audit.col.reason": ("Orsak", "Reason"),
    "audit.col.review": ("Granskning", "Review"),
    "audit.system": ("systemet", "the system"),
    "audit.prev": ("Föregående", "Previous"),
    "audit.next": ("Nästa", "Next"),
    "audit.page": ("Sida", "Page"),
    "audit.pages": ("Sidor", "Pages"),
    "audit.bad_date": ("Skriv datumet som ÅÅÅÅ-MM-DD.", "Write the date as YYYY-MM-DD."),
    "audit.extract_intro": (
        "Loggutdraget visar vilka av vårdgivarens verksamheter och enheter som har tagit del "
        "av patientens uppgifter, hur och när. Ge det till patienten som PDF.",
        "The extract shows which of the care provider's organisations and units accessed the "
        "patient's data, how and when. Give it to the patient as a PDF.",
    ),
    "audit.extract_button": ("Visa loggutdrag", "Show the extract"),
    "audit.pdf": ("Ladda ner PDF", "Download PDF"),
    "audit.organisations": ("Verksamheter", "Organisations"),
    "audit.accesses": ("Åtkomster", "Accesses"),
    "audit.first": ("Första", "First"),
    "audit.last": ("Senaste", "Last"),
    "audit.entries": ("Åtkomster i tidsordning", "Accesses in time order"),
    "audit.sample_intro": (
        "Ett slumpmässigt urval av tillåtna åtkomster till patientuppgifter, för den "
        "systematiska granskningen. Samma frö ger samma urval.",
        "A random sample of allowed accesses to patient data, for the systematic review. "
        "The same seed draws the same sample.",
    ),
    "audit.sample_n": ("Antal rader", "Number of rows"),
    "audit.seed": ("Frö", "Seed"),
    "audit.draw": ("Dra stickprov", "Draw the sample"),
    "audit.new_draw": ("Nytt stickprov", "New sample"),
    "audit.reviewed": ("Granskning", "Review"),
    "audit.reviewed.all": ("Alla", "All"),
    "audit.reviewed.no": ("Ej granskade", "Not reviewed"),
    "audit.reviewed.yes": ("Granskade", "Reviewed"),
    "audit.kind": ("Att granska", "To review"),
    "audit.kind.emergency": ("Nödåtkomster", "Emergency accesses"),
    "audit.kind.relationship_start": ("Nya vårdrelationer", "New care relationships"),
    "audit.kind.block_override": ("Brutna spärrar", "Blocks overridden"),
    "audit.kind_hint.emergency": (
        "Åtkomst utan vårdrelation, med ett skriftligt skäl. Varje nödåtkomst granskas.",
        "Access without a care relationship, with a written reason. Each one is reviewed.",
    ),
    "audit.kind_hint.relationship_start": (
        "En patient flaggad som kandidat: en ny vårdrelation som ger åtkomst till journalen.",
        "A patient flagged as a candidate: a new care relationship that gives access to the "
        "record.",
    ),
    "audit.kind_hint.block_override": (
        "Nödåtkomst till uppgifter som patienten har spärrat.",
        "Emergency access to data the patient has blocked.",
    ),
    "audit.note": ("Anteckning", "Note"),
    "audit.mark": ("Markera granskad", "Mark reviewed"),
    "audit.reviewed_by": ("Granskad av", "Reviewed by"),
    "audit.not_reviewed": ("Ej granskad", "Not reviewed"),
    "audit.given_reason": ("Skäl", "Reason"),
    "audit.expires": ("Gäller till", "Valid until"),
    "audit.note_required": ("Skriv en anteckning.", "Write a note."),
    "audit.notice.reviewed": ("Markerad som granskad.", "Marked as reviewed."),
    # the users page
    "admin.title": ("Användare", "Users"),
    "admin.care_provider": ("Vårdgivare", "Care provider"),
    "admin.hint": (
        "Du hanterar användarna i vårdgivarens verksamheter. Varje ändring loggas med vem "
        "som gjorde den, och granskaren ser den i åtkomstloggen.",
        "You manage the users of the care provider's organisations. Every change is logged "
        "with who made it, and the auditor sees it in the access log.",
    ),
    "admin.new": ("Ny användare", "New user"),
    "admin.organisation": ("Verksamhet", "Organisation"),
    "admin.all_organisations": ("Alla verksamheter", "All organisations"),
    "admin.show": ("Visa", "Show"),
    "admin.count": ("Användare", "Users"),
    "admin.col.name": ("Namn", "Name"),
    "admin.col.username": ("Användarnamn", "Username"),
    "admin.col.role": ("Roll", "Role"),
    "admin.col.place": ("Verksamhet / enhet", "Organisation / unit"),
    "admin.col.skills": ("Kompetenser", "Skills"),
    "admin.col.status": ("Konto", "Account"),
    "admin.active": ("Aktivt", "Active"),
    "admin.inactive": ("Inaktiverat", "Deactivated"),
    "admin.edit": ("Ändra", "Edit"),
    "admin.username": ("Användarnamn", "Username"),
    "admin.username_hint": (
        "Små bokstäver, siffror och . _ - (minst 2 tecken), t.ex. ssk.anna.",
        "Lower-case letters, digits and . _ - (at least 2 characters), e.g. rn.anna.",
    ),
    "admin.full_name": ("Namn", "Full name"),
    "admin.role": ("Roll", "Role"),
    "admin.unit": ("Enhet", "Unit"),
    "admin.no_unit": ("Ingen enhet", "No unit"),
    "admin.skills": ("Kompetenser", "Skills"),
    "admin.other_skills": ("Andra kompetenser", "Other skills"),
    "admin.other_skills_hint": (
        "Skilj med kommatecken, t.ex. stomivard, diabetes.",
        "Separate with commas, e.g. stoma_care, diabetes.",
    ),
    "admin.phone": ("Telefon", "Phone"),
    "admin.password": ("Lösenord", "Password"),
    "admin.password_hint": (
        "Minst 8 tecken. Lämna det till användaren på ett säkert sätt.",
        "At least 8 characters. Give it to the user in a safe way.",
    ),
    "admin.account_active": ("Kontot är aktivt", "The account is active"),
    "admin.create": ("Skapa användaren", "Create the user"),
    "admin.save": ("Spara ändringarna", "Save the changes"),
    "admin.back": ("Tillbaka till användarna", "Back to the users"),
    "admin.details": ("Uppgifter", "Details"),
    "admin.reset": ("Nytt lösenord", "New password"),
    "admin.reset_button": ("Byt lösenord", "Change the password"),
    "admin.new_password": ("Nytt lösenord", "New password"),
    "admin.created_at": ("Skapad", "Created"),
    "admin.bad_username": (
        "Användarnamnet får bara ha små bokstäver, siffror och . _ - (2–80 tecken).",
        "The username may only have lower-case letters, digits and . _ - (2–80 characters).",
    ),
    "admin.bad_name": (
        "Skriv namnet (högst 200 tecken).",
        "Write the name (at most 200 characters).",
    ),
    "admin.bad_password": (
        "Lösenordet måste ha minst 8 tecken.",
        "The password must have at least 8 characters.",
    ),
    "admin.bad_phone": (
        "Skriv telefonnumret med siffror, t.ex. 023-49 20 00.",
        "Write the phone number with digits, e.g. 023-49 20 00.",
    ),
    "admin.bad_skills": (
        "Kompetenser skrivs med små bokstäver, siffror, _ och - (högst 20).",
        "Skills are written with lower-case letters, digits, _ and - (at most 20).",
    ),
    "admin.bad_role": ("Välj en roll.", "Choose a role."),
    "admin.bad_organisation": ("Välj en verksamhet.", "Choose an organisation."),
    "admin.notice.created": ("Användaren är skapad.", "The user is created."),
    "admin.notice.updated": ("Ändringarna är sparade.", "The changes are saved."),
    "admin.notice.password": ("Lösenordet är bytt.", "The password is changed."),
}
for _key, (_sv, _en) in _ACCESS_TEXTS.items():
    TEXTS.setdefault(_key, {"sv": _sv, "en": _en})


def _audit_words() -> None:
    """The access log's actions and resource types (audit/words.py, shared with the PDF)."""
    from samband.audit.words import ACTIONS, RESOURCES

    for prefix, table in (("audit.action.", ACTIONS), ("audit.resource.", RESOURCES)):
        for name, (sv, en) in table.items():
            TEXTS.setdefault(prefix + name, {"sv": sv, "en": en})


_audit_words()


# -- the on-call roster (jour och beredskap, decision 0014) -------------------------------------
_ONCALL_TEXTS: dict[str, tuple[str, str]] = {
    "nav.on_call": ("Jour", "On call"),
    "oncall.title": ("Jour och beredskap", "On call"),
    "oncall.roster_of": ("Jourlista för", "Roster of"),
    "oncall.whole_organisation": ("hela verksamheten", "the whole organisation"),
    "oncall.show": ("Visa", "Show"),
    "oncall.now": ("Jour just nu", "On call now"),
    "oncall.until": ("till", "until"),
    "oncall.from_organisation": ("verksamhetens jourlista", "the organisation's roster"),
    "oncall.nobody": ("Ingen namngiven person – ring", "No named person – call"),
    "oncall.gaps": ("Luckor kommande 7 dygn", "Gaps in the next 7 days"),
    "oncall.no_gaps": ("Inga luckor: dygnet runt täckt", "No gaps: covered around the clock"),
    "oncall.roster": ("Jourlistan", "The roster"),
    "oncall.col.role": ("Roll", "Role"),
    "oncall.col.slot": ("Pass", "Slot"),
    "oncall.col.who": ("Vem", "Who"),
    "oncall.col.phone": ("Telefon", "Phone"),
    "oncall.col.dates": ("Gäller", "Valid"),
    "oncall.external": ("extern", "external"),
    "oncall.until_further": ("tills vidare", "until further notice"),
    "oncall.remove": ("Ta bort", "Remove"),
    "oncall.empty": ("Inga rader i den här jourlistan.", "No entries in this roster."),
    "oncall.rule": (
        "Ett pass räknas till dagen det börjar. En rad med slutdatum går före veckomönstret "
        "(utan slutdatum); den kortaste perioden gäller. Enhetens lista går före verksamhetens.",
        "A slot belongs to the day it begins. An entry with an end date wins over the weekly "
        "pattern (no end date); the shortest period wins. The unit's roster comes before the "
        "organisation's.",
    ),
    "oncall.add": ("Lägg till i jourlistan", "Add to the roster"),
    "oncall.who": ("Vem har jour", "Who is on call"),
    "oncall.nurse": ("sjuksköterska", "nurse"),
    "oncall.external_option": ("Extern person (skriv namn nedan)", "External person (name below)"),
    "oncall.external_name": ("Namn (extern person)", "Name (external person)"),
    "oncall.phone": ("Telefon", "Phone"),
    "oncall.phone_hint": (
        "Lämna tomt för personens nummer i katalogen.",
        "Leave empty for the person's number in the directory.",
    ),
    "oncall.starts_on": ("Från och med", "From"),
    "oncall.ends_on": ("Till och med", "To"),
    "oncall.ends_on_hint": (
        "Lämna tomt för veckomönstret (tills vidare).",
        "Leave empty for the weekly pattern (until further notice).",
    ),
    "oncall.save": ("Spara", "Save"),
    "oncall.form_invalid": (
        "Raden sparades inte: rätta det som är markerat.",
        "The entry was not saved: correct what is marked.",
    ),
    "oncall.notice.added": ("Raden är sparad i jourlistan.", "The entry is saved."),
    "oncall.notice.removed": ("Raden är borttagen.", "The entry is removed."),
    "oncall.call_now": ("Ring nu", "Call now"),
    "oncall.physician_now": ("Jourhavande läkare nu", "Physician on call now"),
    "oncall.no_named_physician": (
        "Ingen namngiven jourhavande läkare just nu – ring enheten",
        "No named physician on call now – call the unit",
    ),
    "oncall.copy_note": (
        "Vem som har jour gäller veckan kopian skrevs ut.",
        "Who is on call is as rostered for the week the copy was printed.",
    ),
}
for _key, (_sv, _en) in _ONCALL_TEXTS.items():
    TEXTS.setdefault(_key, {"sv": _sv, "en": _en})


# -- notifications (issue 11: web/notifications.py, templates/notifications.html) ------------
_NOTIFICATION_TEXTS: dict[str, tuple[str, str]] = {
    "nav.notifications": ("Aviseringar", "Notifications"),
    "dayplan.starts_on_its_date": (
        "Kan påbörjas på besöksdagen.",
        "Can be started on the day of the visit.",
    ),
    "plan.on_call_now": (
        "Jour och beredskap enligt schemat (per tid på dygnet)",
        "On call by the roster (by time of day)",
    ),
    "notifications.title": ("Aviseringar", "Notifications"),
    "notifications.intro": (
        "Larm och ändringar som gäller dig. De visas här direkt och skickas som sms eller "
        "e-post enligt dina val nedan. Meddelandena innehåller aldrig patientens namn eller "
        "personnummer, bara en referens och en länk hit.",
        "Alerts and changes that concern you. They show here at once and are sent by text "
        "message or e-mail as you choose below. Messages never hold the patient's name or "
        "personnummer, only a reference and a link here.",
    ),
    "notifications.list": ("Dina aviseringar", "Your notifications"),
    "notifications.none": ("Du har inga aviseringar.", "You have no notifications."),
    "notifications.open": ("Öppna", "Open"),
    "notifications.acknowledged": ("larmet är kvitterat", "the alert is acknowledged"),
    "notifications.contact": ("Så når vi dig", "How you are reached"),
    "notifications.contact_help": (
        "Välj i vilken ordning du vill nås. Om det första sättet inte går fram försöker "
        "Samband igen och använder samtidigt nästa.",
        "Choose the order you want to be reached in. If the first way fails, Samband tries "
        "again and uses the next one at the same time.",
    ),
    "notifications.phone": ("Mobilnummer", "Mobile number"),
    "notifications.email": ("E-postadress", "E-mail address"),
    "notifications.first": ("Först", "First"),
    "notifications.second": ("Sedan", "Then"),
    "notifications.saved": ("Dina kontaktuppgifter är sparade.", "Your contact details are saved."),
    "notifications.channel.none": ("Bara i Samband", "Only in Samband"),
    "notifications.bad_phone": (
        "Skriv ett telefonnummer med siffror, t.ex. 070-123 45 67 eller +46 70 123 45 67.",
        "Write a phone number in digits, e.g. 070-123 45 67 or +46 70 123 45 67.",
    ),
    "notifications.bad_email": (
        "Skriv en e-postadress, t.ex. namn@region.se.",
        "Write an e-mail address, e.g. name@region.se.",
    ),
    "notifications.needs_phone": (
        "Sms kräver ett mobilnummer: fyll i det, eller välj bort sms.",
        "Text messages need a mobile number: fill it in, or choose another way.",
    ),
    "notifications.needs_email": (
        "E-post kräver en e-postadress: fyll i den, eller välj bort e-post.",
        "E-mail needs an address: fill it in, or choose another way.",
    ),
    "notifications.twice": (
        "Välj varje sätt bara en gång.",
        "Choose each way only once.",
    ),
    "notifications.channel.app": ("Samband", "Samband"),
    "notifications.channel.sms": ("Sms", "Text message"),
    "notifications.channel.email": ("E-post", "E-mail"),
    "notifications.status.queued": ("i kö", "queued"),
    "notifications.status.sent": ("skickad", "sent"),
    "notifications.status.retrying": ("försöker igen", "retrying"),
    "notifications.status.failed": ("misslyckades", "failed"),
    "notifications.status.acknowledged": ("stoppad, kvitterat", "stopped, acknowledged"),
    "notifications.status.skipped": ("inte skickad", "not sent"),
}
TEXTS.update({k: {"sv": sv, "en": en} for k, (sv, en) in _NOTIFICATION_TEXTS.items()})

# -- reports made as jobs (web/reports.py, issue 11) --
_REPORT_TEXTS: dict[str, tuple[str, str]] = {
    "reports.title": ("Mina rapporter", "My reports"),
    "reports.order": ("Beställ rapport", "Order report"),
    "reports.order_hint": (
        "Rapporten med filtren ovan tas fram i bakgrunden; hämta den under",
        "The report with the filters above is made in the background; fetch it from",
    ),
    "reports.format": ("Format", "Format"),
    "reports.with_episodes": (
        "Med vårdtillfällen (de du får se; CSV, HTML, Parquet)",
        "With episodes (those you may see; CSV, HTML, Parquet)",
    ),
    "reports.ordered": (
        "Rapporten är beställd och tas fram i bakgrunden.",
        "The report is ordered and is being made in the background.",
    ),
    "reports.refreshing": (
        "Sidan uppdateras av sig själv tills rapporterna är klara.",
        "This page refreshes itself until the reports are ready.",
    ),
    "reports.none": ("Du har inga rapporter.", "You have no reports."),
    "reports.ordered_at": ("Beställd", "Ordered"),
    "reports.report": ("Rapport", "Report"),
    "reports.kind.outcomes": ("Uppföljning", "Outcomes"),
    "reports.period": ("Period", "Period"),
    "reports.filters": ("Urval", "Filters"),
    "reports.status": ("Status", "Status"),
    "reports.status.making": ("Tas fram…", "Being made…"),
    "reports.status.failed": ("Misslyckades", "Failed"),
    "reports.why": ("Varför:", "Why:"),
    "reports.download": ("Ladda ner", "Download"),
    "reports.expires": ("Sparas till", "Kept until"),
    "reports.back": ("Tillbaka till uppföljningen", "Back to the outcomes"),
}
TEXTS.update({k: {"sv": sv, "en": en} for k, (sv, en) in _REPORT_TEXTS.items()})
