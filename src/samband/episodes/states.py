"""Episode states (FHIR EpisodeOfCare.status is coarser; these are the care flow's steps)."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    CANDIDATE = "candidate"
    ASSESSED = "assessed"
    NOT_ELIGIBLE = "not_eligible"
    CONSENTED = "consented"
    DECLINED = "declined"
    PLANNED = "planned"
    AT_HOME = "at_home"
    DISCHARGED = "discharged"
    READMITTED = "readmitted"
    DECEASED = "deceased"
    WITHDRAWN = "withdrawn"
    # an enrolment in home health care ended (decision 0018); while enrolled it is at_home
    ENDED = "ended"


class Kind(StrEnum):
    """What an episode is (decision 0018): hospital care at home, or an enrolment in the
    municipality's home health care (inskriven i hemsjukvården), on which a hospital-at-home
    episode may lie."""

    HOSPITAL_AT_HOME = "hospital_at_home"
    HOME_HEALTH_CARE = "home_health_care"


class EpisodeType(StrEnum):
    ADMISSION_AVOIDANCE = "admission_avoidance"
    EARLY_SUPPORTED_DISCHARGE = "early_supported_discharge"


OPEN_STATES = frozenset(
    {State.CANDIDATE, State.ASSESSED, State.CONSENTED, State.PLANNED, State.AT_HOME}
)
CLOSED_STATES = frozenset(set(State) - OPEN_STATES)

# FHIR EpisodeOfCare.status for each state.
FHIR_STATUS = {
    State.CANDIDATE: "planned",
    State.ASSESSED: "planned",
    State.CONSENTED: "planned",
    State.PLANNED: "planned",
    State.AT_HOME: "active",
    State.NOT_ELIGIBLE: "cancelled",
    State.DECLINED: "cancelled",
    State.WITHDRAWN: "cancelled",
    State.DISCHARGED: "finished",
    State.READMITTED: "finished",
    State.DECEASED: "finished",
    State.ENDED: "finished",
}
