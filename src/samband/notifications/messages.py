"""What a notification says, in Swedish and English (pure: no database, no web).

A message never names the patient: no name, no personnummer, no address. It says what
happened, how urgent it is, a short reference (e.g. L-3F2A91C0) and a link into Samband,
where the reader logs in and the access is checked and logged as for any other read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_LANGUAGE = "sv"

SEVERITY = {
    "high": {"sv": "HÖG", "en": "HIGH"},
    "medium": {"sv": "MEDEL", "en": "MEDIUM"},
    "low": {"sv": "LÅG", "en": "LOW"},
    "info": {"sv": "INFO", "en": "INFO"},
}

# kind → (short text, with {params}) per language
KINDS: dict[str, dict[str, str]] = {
    "alert": {
        "sv": "Larm {severity} {reference}: {what}. Svara i Samband.",
        "en": "Alert {severity} {reference}: {what}. Respond in Samband.",
    },
    "alert_escalated": {
        "sv": "Obesvarat larm {severity} {reference} eskalerat till dig (nivå {level}): {what}.",
        "en": "Unanswered alert {severity} {reference} escalated to you (level {level}): {what}.",
    },
    "plan_out_of_date": {
        "sv": "Dagsplanen {date} är inaktuell – planera om ({count} besök på din rutt "
        "ställdes in).",
        "en": "The day plan {date} is out of date – re-plan ({count} visits on your route were "
        "cancelled).",
    },
    "route_changed": {
        "sv": "Din rutt {date} har ändrats ({count} besök).",
        "en": "Your route {date} has changed ({count} visits).",
    },
    "plan_ready": {
        "sv": "Dagsplanen {date} är klar.",
        "en": "The day plan {date} is ready.",
    },
    "plan_failed": {
        "sv": "Dagsplanen {date} kunde inte tas fram. Se sidan.",
        "en": "The day plan {date} could not be made. See the page.",
    },
    # coordination at discharge (lag 2017:612): to the fixed physician and care contact
    "hospital_stay_admitted": {
        "sv": "Inskrivningsmeddelande {reference}: en patient du är fast läkare eller fast "
        "vårdkontakt för är inskriven i slutenvården.",
        "en": "Admission notice {reference}: a patient you are the fixed physician or care "
        "contact for has been admitted to hospital.",
    },
    "hospital_stay_ready": {
        "sv": "Utskrivningsklar {reference} från {date}: planera hemgången.",
        "en": "Ready for discharge {reference} from {date}: plan the return home.",
    },
    "hospital_stay_sip_due": {
        "sv": "Utskriven {reference}: kalla till SIP-möte senast {date}.",
        "en": "Discharged {reference}: invite to a SIP meeting by {date}.",
    },
    # a message between organisations (issue 13): from which organisation, never about whom
    "message": {
        "sv": "Nytt meddelande {reference} till dig från {organisation}. Läs det i Samband.",
        "en": "New message {reference} for you from {organisation}. Read it in Samband.",
    },
    # a physician home visit booked in your slot, or its booking cancelled (decision 0019)
    "physician_visit_booked": {
        "sv": "Läkarbesök {reference} bokat {date}. Se besöken i Samband.",
        "en": "Physician visit {reference} booked for {date}. See the visits in Samband.",
    },
    "physician_visit_cancelled": {
        "sv": "Läkarbesök {reference} {date} är avbokat.",
        "en": "Physician visit {reference} on {date} was cancelled.",
    },
    # physician requests (läkarkontakt, issue 13): to the physician routed to, and the nurse
    "physician_request": {
        "sv": "Läkarkontakt {severity} {reference}: en sjuksköterska ber om ditt svar senast "
        "{due}. Svara i Samband.",
        "en": "Physician request {severity} {reference}: a nurse asks for your answer by {due}. "
        "Answer in Samband.",
    },
    "physician_request_escalated": {
        "sv": "Obesvarad läkarkontakt {severity} {reference} eskalerad till dig (nivå {level}); "
        "svaret skulle ha kommit senast {due}.",
        "en": "Unanswered physician request {severity} {reference} escalated to you (level "
        "{level}); the answer was due by {due}.",
    },
    "physician_request_answered": {
        "sv": "Din läkarkontakt {reference} är besvarad. Läs svaret i Samband.",
        "en": "Your physician request {reference} has been answered. Read the answer in Samband.",
    },
    "physician_request_forwarded": {
        "sv": "Din läkarkontakt {reference} har skickats vidare till en annan läkare.",
        "en": "Your physician request {reference} has been forwarded to another physician.",
    },
    "physician_request_overdue": {
        "sv": "Din läkarkontakt {severity} {reference} är obesvarad efter tidsgränsen {due}. "
        "Se läget i Samband.",
        "en": "Your physician request {severity} {reference} is unanswered past its limit {due}. "
        "See where it stands in Samband.",
    },
    # deviations (avvikelser, issue 14): to the concerned organisation, then the reporter's
    "deviation_reported": {
        "sv": "Ny avvikelse {severity} {reference} som rör er verksamhet, rapporterad av "
        "{organisation}. Utred den i Samband.",
        "en": "New deviation {severity} {reference} concerning your organisation, reported by "
        "{organisation}. Investigate it in Samband.",
    },
    "deviation_answered": {
        "sv": "Avvikelse {reference} är besvarad av {organisation}. Läs svaret och åtgärderna "
        "i Samband.",
        "en": "Deviation {reference} has been answered by {organisation}. Read the answer and "
        "the measures in Samband.",
    },
    "deviation_closed": {
        "sv": "Avvikelse {reference} är avslutad av {organisation}.",
        "en": "Deviation {reference} has been closed by {organisation}.",
    },
    "deviation_lex_maria": {
        "sv": "Avvikelse {reference} kan behöva anmälas enligt lex Maria (rapporterad av "
        "{organisation}). Bedöm den i Samband.",
        "en": "Deviation {reference} may need a Lex Maria report (reported by {organisation}). "
        "Assess it in Samband.",
    },
    # a signed discharge summary sent with the referral (issue 14): to the receiving staff
    "discharge_summary": {
        "sv": "Utskrivningsinformation {reference} har skickats till er med remissen. Läs den "
        "i Samband.",
        "en": "Discharge summary {reference} has been sent to you with the referral. Read it "
        "in Samband.",
    },
}

# what an alert is about, without identity (alerts.rules.Kind values)
WHAT = {
    "news2": {"sv": "NEWS2 {score}", "en": "NEWS2 {score}"},
    "news2_unscored": {"sv": "NEWS2", "en": "NEWS2"},
    "limit": {"sv": "gränsvärde passerat", "en": "a limit crossed"},
    "missed_measurement": {"sv": "utebliven mätning", "en": "a missed measurement"},
    "medication_visit": {
        "sv": "läkemedelsbesök obemannat eller missat",
        "en": "a medication visit unstaffed or missed",
    },
    # issue 14 (medadmin)
    "unsigned_dose": {"sv": "dos ej signerad", "en": "a dose not signed"},
    "dose_followup": {
        "sv": "effekt av vid behov-dos ej uppföljd",
        "en": "an as-needed dose's effect not followed up",
    },
    # issue 14 (palliative)
    "symptom": {"sv": "symtomskattning över gränsvärde", "en": "a symptom score over its limit"},
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    short: str  # one line: the SMS, the in-app line


def what_of(alert_kind: str, params: dict[str, Any], language: str) -> str:
    if alert_kind == "news2" and params.get("score") is None:
        alert_kind = "news2_unscored"
    texts = WHAT.get(alert_kind) or {"sv": "larm", "en": "alert"}
    return texts[language].format(**{"score": params.get("score")})


def render(
    kind: str,
    *,
    severity: str,
    reference: str,
    link: str,
    params: dict[str, Any],
    language: str = DEFAULT_LANGUAGE,
) -> Message:
    language = language if language in ("sv", "en") else DEFAULT_LANGUAGE
    values = {k: v for k, v in params.items() if isinstance(v, str | int | float)}
    values["severity"] = SEVERITY.get(severity, SEVERITY["info"])[language]
    values["reference"] = reference
    values["what"] = what_of(str(params.get("alert_kind", "")), params, language)
    values.setdefault("level", "")
    values.setdefault("date", "")
    values.setdefault("count", "")
    values.setdefault("due", "")  # a physician request's limit, local time
    values.setdefault("organisation", "")  # a message's (issue 13): who wrote it
    short = KINDS[kind][language].format(**values)
    subject = f"Samband: {short}" if len(short) < 120 else f"Samband: {reference}"
    footer = {
        "sv": "Öppna i Samband (inloggning krävs): {link}\n\nMeddelandet innehåller inga "
        "patientuppgifter. Svara inte på det.",
        "en": "Open in Samband (log-in needed): {link}\n\nThis message holds no patient "
        "data. Do not reply to it.",
    }[language].format(link=link)
    return Message(subject=subject, body=f"{short}\n\n{footer}\n", short=f"{short} {link}")
