"""Every table, in one place, on one MetaData (what Alembic compares against).

Issue 14's modules (deviations, dischargesummaries, labresults, medadmin, palliative) register
their tables on Base.metadata when imported here; import their classes from the module."""

from samband.models import (
    deviations as deviations,
)
from samband.models import (
    dischargesummaries as dischargesummaries,
)
from samband.models import (
    labresults as labresults,
)
from samband.models import (
    medadmin as medadmin,
)
from samband.models import (
    palliative as palliative,
)
from samband.models.alerts import Alert, AlertCause
from samband.models.audit import AuditChainHead, AuditEvent
from samband.models.auditreview import AuditReview
from samband.models.base import Base
from samband.models.careplans import CarePlan, CarePlanAcknowledgement, CarePlanVersion
from samband.models.carerequests import CareRequest
from samband.models.episodes import ChecklistItem, Episode, EpisodeEvent, EpisodeParticipant
from samband.models.medications import Medication
from samband.models.notifications import LocalJob, Notification, NotificationDelivery
from samband.models.observations import ObservationSet, Spo2ScaleDecision
from samband.models.oncall import OnCallEntry
from samband.models.organisations import ApiToken, Organisation, ReservedBed, Unit, User
from samband.models.outcomes import (
    ImportedEpisode,
    ImportedEvent,
    OutcomeImport,
    QuestionnaireResponse,
)
from samband.models.patients import EmergencyAccess, Patient, PatientRegistration, RecordBlock
from samband.models.physicians import (
    HospitalStay,
    Message,
    MessageRead,
    MessageThread,
    PatientAssignment,
    PhysicianRequest,
    PhysicianReview,
    PhysicianSlot,
    SlotBooking,
)
from samband.models.pilots import Pilot, PilotAssumption, PilotLogEntry, PilotOrganisation
from samband.models.reports import ReportFile as ReportFile
from samband.models.rounds import Round, RoundNote
from samband.models.security import FormSubmission, LoginAttempt
from samband.models.visits import DayPlan, StaffShift, Visit

__all__ = [
    "Alert",
    "AlertCause",
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "AuditReview",
    "Base",
    "CarePlan",
    "CarePlanAcknowledgement",
    "CarePlanVersion",
    "CareRequest",
    "DayPlan",
    "ChecklistItem",
    "EmergencyAccess",
    "RecordBlock",
    "Episode",
    "EpisodeEvent",
    "EpisodeParticipant",
    "ImportedEpisode",
    "ImportedEvent",
    "FormSubmission",
    "LoginAttempt",
    "Medication",
    "LocalJob",
    "Notification",
    "NotificationDelivery",
    "ObservationSet",
    "OnCallEntry",
    "Organisation",
    "OutcomeImport",
    "Patient",
    "Pilot",
    "PilotAssumption",
    "PilotLogEntry",
    "PilotOrganisation",
    "PatientRegistration",
    "QuestionnaireResponse",
    "ReservedBed",
    "Round",
    "RoundNote",
    "Spo2ScaleDecision",
    "StaffShift",
    "Unit",
    "User",
    "Visit",
    "SlotBooking",
    "PhysicianSlot",
    "PhysicianReview",
    "PhysicianRequest",
    "PatientAssignment",
    "MessageThread",
    "MessageRead",
    "Message",
    "HospitalStay",
]
