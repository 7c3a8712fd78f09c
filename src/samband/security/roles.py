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


class OrganisationKind(StrEnum):
    HOSPITAL_CLINIC = "hospital_clinic"
    HOSPITAL_WARD = "hospital_ward"
    MOBILE_TEAM = "mobile_team"
    PRIMARY_CARE_CENTRE = "primary_care_centre"
    MUNICIPAL_HOME_HEALTH_CARE = "municipal_home_health_care"
    MUNICIPAL_HOME_CARE = "municipal_home_care"


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


P = Permission
_CLINICAL_READ = {P.PATIENT_READ, P.DIRECTORY_READ, P.CARE_PLAN_ACKNOWLEDGE}
_LICENSED = _CLINICAL_READ | {
    P.PATIENT_WRITE,
    P.EPISODE_CREATE,
    P.EPISODE_UPDATE,
    P.EPISODE_TRANSITION,
    P.CARE_PLAN_WRITE,
    P.CARE_REQUEST_SEND,
    P.CARE_REQUEST_ANSWER,
    P.MEDICATION_WRITE,
    P.CHECKLIST_SIGN,
    P.EMERGENCY_ACCESS,
    P.VISIT_UPDATE,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PHYSICIAN: frozenset(_LICENSED),
    Role.REGISTERED_NURSE: frozenset(_LICENSED),
    Role.ASSISTANT_NURSE: frozenset(_CLINICAL_READ | {P.VISIT_UPDATE}),
    Role.PHYSIOTHERAPIST: frozenset(_CLINICAL_READ | {P.CARE_PLAN_WRITE, P.VISIT_UPDATE}),
    Role.OCCUPATIONAL_THERAPIST: frozenset(_CLINICAL_READ | {P.CARE_PLAN_WRITE, P.VISIT_UPDATE}),
    Role.PHARMACIST: frozenset(_CLINICAL_READ | {P.MEDICATION_WRITE, P.CHECKLIST_SIGN}),
    Role.COORDINATOR: frozenset(
        _CLINICAL_READ
        | {
            P.PATIENT_WRITE,
            P.EPISODE_CREATE,
            P.EPISODE_UPDATE,
            P.EPISODE_TRANSITION,
            P.CARE_REQUEST_SEND,
            P.CARE_REQUEST_ANSWER,
        }
    ),
    # Analysts follow outcomes in aggregate; they read no patient record.
    Role.ANALYST: frozenset({P.DIRECTORY_READ}),
    # Auditors read the access log, not the records.
    Role.AUDITOR: frozenset({P.DIRECTORY_READ, P.AUDIT_READ, P.AUDIT_REVIEW}),
    Role.ADMINISTRATOR: frozenset({P.DIRECTORY_READ, P.USER_ADMIN}),
}


def permissions_of(role: str) -> frozenset[Permission]:
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()
