"""Every table, in one place, on one MetaData (what Alembic compares against)."""

from samband.models.audit import AuditEvent
from samband.models.base import Base
from samband.models.careplans import CarePlan, CarePlanAcknowledgement, CarePlanVersion
from samband.models.carerequests import CareRequest
from samband.models.episodes import ChecklistItem, Episode, EpisodeEvent, EpisodeParticipant
from samband.models.medications import Medication
from samband.models.organisations import ApiToken, Organisation, ReservedBed, Unit, User
from samband.models.patients import EmergencyAccess, Patient, PatientRegistration
from samband.models.rounds import Round, RoundNote
from samband.models.visits import DayPlan, StaffShift, Visit

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "CarePlan",
    "CarePlanAcknowledgement",
    "CarePlanVersion",
    "CareRequest",
    "DayPlan",
    "ChecklistItem",
    "EmergencyAccess",
    "Episode",
    "EpisodeEvent",
    "EpisodeParticipant",
    "Medication",
    "Organisation",
    "Patient",
    "PatientRegistration",
    "ReservedBed",
    "Round",
    "RoundNote",
    "StaffShift",
    "Unit",
    "User",
    "Visit",
]
