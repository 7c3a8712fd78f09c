"""Roles, organisation kinds and what each role may do. Deny by default: a permission not
listed for a role is refused."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PHYSICIAN = "physician"
    REGISTERED_NURSE = "registered_nurse"
    ASSISTANT_NURSE = "assistant_nurse"
    PHYSIOTHERAPIST = "physiotherapist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    PHARMACIST = "pharmacist"
    COORDINATOR = "coordinator"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    # A device gateway (the tablet or the Bluetooth hub at home): sends measurements, nothing
    # else. It reads no record and handles no alert (docs/decisions/0006).
    DEVICE = "device"


class OrganisationKind(StrEnum):
    HOSPITAL_CLINIC = "hospital_clinic"
    HOSPITAL_WARD = "hospital_ward"
    MOBILE_TEAM = "mobile_team"
    PRIMARY_CARE_CENTRE = "primary_care_centre"
    MUNICIPAL_HOME_HEALTH_CARE = "municipal_home_health_care"
    MUNICIPAL_HOME_CARE = "municipal_home_care"
    # issue 14: patients living in a nursing home (särskilt boende) or staying in a
    # municipal short-term place (korttidsplats) are cared for there like at home
    NURSING_HOME = "nursing_home"
    SHORT_TERM_PLACE = "short_term_place"


class AuthorityKind(StrEnum):
    REGION = "region"
    MUNICIPALITY = "municipality"


class Permission(StrEnum):
    PATIENT_READ = "patient:read"
    PATIENT_WRITE = "patient:write"
    EPISODE_CREATE = "episode:create"
    EPISODE_UPDATE = "episode:update"
    EPISODE_TRANSITION = "episode:transition"
    CARE_PLAN_WRITE = "care_plan:write"
    CARE_PLAN_ACKNOWLEDGE = "care_plan:acknowledge"
    CARE_REQUEST_SEND = "care_request:send"
    CARE_REQUEST_ANSWER = "care_request:answer"
    MEDICATION_WRITE = "medication:write"
    CHECKLIST_SIGN = "checklist:sign"
    EMERGENCY_ACCESS = "emergency_access"
    AUDIT_READ = "audit:read"
    AUDIT_REVIEW = "audit:review"
    USER_ADMIN = "user:admin"
    DIRECTORY_READ = "directory:read"
    # mark one's own home visits started / done / missed
    VISIT_UPDATE = "visit:update"
    # send vital signs (staff at a visit, or a device account)
    OBSERVATION_WRITE = "observation:write"
    # confirm an implausible value, or mark a set entered in error
    OBSERVATION_CONFIRM = "observation:confirm"
    # acknowledge an alert, record the action taken, close it
    ALERT_HANDLE = "alert:handle"
    # set the episode's SpO2 scale (scale 2: a physician's decision)
    SPO2_SCALE_SET = "spo2_scale:set"
    # create and edit a pilot (learning follow-up) of one's own organisation
    PILOT_WRITE = "pilot:write"
    # read who is on call (jour/beredskap) for any unit: no patient data (decision 0014)
    ONCALL_READ = "oncall:read"
    # write the on-call roster of one's own organisation (decision 0014)
    ONCALL_MANAGE = "oncall:manage"
    # issue 13 (decision 0018): physician support across organisations
    # ask a physician about a patient (SBAR): nurses, and physicians asking a colleague
    PHYSICIAN_REQUEST_SEND = "physician_request:send"
    # answer a physician request (advice, medication change, visit, video, admission, forward)
    PHYSICIAN_REQUEST_ANSWER = "physician_request:answer"
    # set the patient's fixed physician and fixed care contact
    PATIENT_ASSIGN = "patient:assign"
    # write a message in a patient's or a request's thread
    MESSAGE_WRITE = "message:write"
    # offer physician visit slots (the centre's times for home visits)
    PHYSICIAN_SLOT_MANAGE = "physician_slot:manage"
    # book a physician home visit in a slot, plan regular physician visits and reviews
    PHYSICIAN_VISIT_BOOK = "physician_visit:book"
    # record a hospital stay's coordination: admission notice, ready for discharge, SIP
    HOSPITAL_STAY_WRITE = "hospital_stay:write"
    # issue 14: clinical work at home
    # sign a dose at the visit (given / not given / partly), follow up an as-needed dose's
    # effect, read a paper signing list back in (nurses; assistant nurses with delegation)
    MEDICATION_ADMINISTER = "medication:administer"
    # order samples, enter or correct a laboratory result by hand
    LAB_RESULT_WRITE = "lab_result:write"
    # write the discharge summary (utskrivningsinformation) draft
    DISCHARGE_SUMMARY_WRITE = "discharge_summary:write"
    # sign the discharge summary: a physician's
    DISCHARGE_SUMMARY_SIGN = "discharge_summary:sign"
    # document an expected death, the care after death, plan the next of kin's follow-up
    PALLIATIVE_WRITE = "palliative:write"
    # report a deviation (avvikelse) about a patient or an episode
    DEVIATION_REPORT = "deviation:report"
    # investigate, answer with measures and close a deviation concerning one's organisation
    DEVIATION_HANDLE = "deviation:handle"


P = Permission
_CLINICAL_READ = {P.PATIENT_READ, P.DIRECTORY_READ, P.CARE_PLAN_ACKNOWLEDGE, P.ONCALL_READ}
_LICENSED = _CLINICAL_READ | {
    P.PATIENT_WRITE,
    P.EPISODE_CREATE,
    P.EPISODE_UPDATE,
    P.EPISODE_TRANSITION,
    P.CARE_PLAN_WRITE,
    P.CARE_REQUEST_SEND,
    P.CARE_REQUEST_ANSWER,
    P.CHECKLIST_SIGN,
    P.EMERGENCY_ACCESS,
    P.VISIT_UPDATE,
    P.OBSERVATION_WRITE,
    P.OBSERVATION_CONFIRM,
    P.ALERT_HANDLE,
    P.PHYSICIAN_REQUEST_SEND,
    P.PATIENT_ASSIGN,
    P.MESSAGE_WRITE,
    P.PHYSICIAN_VISIT_BOOK,
    P.HOSPITAL_STAY_WRITE,
    P.MEDICATION_ADMINISTER,
    P.LAB_RESULT_WRITE,
    P.DISCHARGE_SUMMARY_WRITE,
    P.PALLIATIVE_WRITE,
    P.DEVIATION_REPORT,
    P.DEVIATION_HANDLE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # A medication order (ordination) is a physician's: only physicians add, change or stop
    # medications (HSLF-FS 2017:37); nurses give them, pharmacists review them.
    Role.PHYSICIAN: frozenset(
        _LICENSED
        | {
            P.MEDICATION_WRITE,
            P.SPO2_SCALE_SET,
            P.PILOT_WRITE,
            P.PHYSICIAN_REQUEST_ANSWER,
            P.PHYSICIAN_SLOT_MANAGE,
            P.DISCHARGE_SUMMARY_SIGN,
        }
    ),
    Role.REGISTERED_NURSE: frozenset(_LICENSED | {P.PILOT_WRITE}),
    Role.ASSISTANT_NURSE: frozenset(
        _CLINICAL_READ
        | {
            P.VISIT_UPDATE,
            P.OBSERVATION_WRITE,
            P.MESSAGE_WRITE,
            # signing needs a recorded delegation (checked per dose, issue 14)
            P.MEDICATION_ADMINISTER,
            P.DEVIATION_REPORT,
        }
    ),
    Role.PHYSIOTHERAPIST: frozenset(
        _CLINICAL_READ | {P.CARE_PLAN_WRITE, P.VISIT_UPDATE, P.MESSAGE_WRITE, P.DEVIATION_REPORT}
    ),
    Role.OCCUPATIONAL_THERAPIST: frozenset(
        _CLINICAL_READ | {P.CARE_PLAN_WRITE, P.VISIT_UPDATE, P.MESSAGE_WRITE, P.DEVIATION_REPORT}
    ),
    Role.PHARMACIST: frozenset(_CLINICAL_READ | {P.CHECKLIST_SIGN, P.DEVIATION_REPORT}),
    Role.COORDINATOR: frozenset(
        _CLINICAL_READ
        | {
            P.PATIENT_WRITE,
            P.EPISODE_CREATE,
            P.EPISODE_UPDATE,
            P.EPISODE_TRANSITION,
            P.CARE_REQUEST_SEND,
            P.CARE_REQUEST_ANSWER,
            P.PILOT_WRITE,
            P.ONCALL_MANAGE,
            P.PATIENT_ASSIGN,
            P.MESSAGE_WRITE,
            P.PHYSICIAN_SLOT_MANAGE,
            P.PHYSICIAN_VISIT_BOOK,
            P.HOSPITAL_STAY_WRITE,
            P.DEVIATION_REPORT,
            P.DEVIATION_HANDLE,
        }
    ),
    # Analysts follow outcomes in aggregate; they read no patient record.
    Role.ANALYST: frozenset({P.DIRECTORY_READ}),
    # Auditors read the access log, not the records.
    Role.AUDITOR: frozenset({P.DIRECTORY_READ, P.AUDIT_READ, P.AUDIT_REVIEW}),
    Role.ADMINISTRATOR: frozenset({P.DIRECTORY_READ, P.USER_ADMIN, P.ONCALL_READ, P.ONCALL_MANAGE}),
    # Sends measurements for the patients its organisation cares for; reads nothing back.
    Role.DEVICE: frozenset({P.OBSERVATION_WRITE}),
}


def permissions_of(role: str) -> frozenset[Permission]:
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()
