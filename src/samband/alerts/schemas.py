"""The shapes of the alerts API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from samband.alerts.rules import Action, Kind, Status
from samband.kit.i18n import plain
from samband.kit.schemas import ReadModel, Text
from samband.kit.stored import as_problem
from samband.observations.schemas import ObservationRead

Severity = Literal["low", "medium", "high"]


class AlertAcknowledge(BaseModel):
    """I have seen it and I am on it: escalation stops."""

    model_config = ConfigDict(extra="forbid")

    note: Text | None = None


class AlertActionCreate(BaseModel):
    """What was done. ``direct_admission`` readmits the patient to a reserved bed
    (trygghetsplats) of ``ward_unit_id`` through the episode's readmission transition."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    note: Text | None = Field(default=None, description="required for none_needed")
    ward_unit_id: uuid.UUID | None = Field(
        default=None, description="direct_admission: the ward that admits the patient"
    )
    use_reserved_bed: bool = Field(
        default=True,
        description="direct_admission: false admits through the emergency department instead",
    )


class AlertClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Text | None = None


def reason_fields(code: str | None, params: dict[str, Any] | None) -> dict[str, Any]:
    """``reason_code`` and ``reason_params`` as the API shows a problem's parameters (a term
    as its key's last part, a configuration text as written)."""
    found = as_problem(code, params)
    if found is None:
        return {"reason_code": None, "reason_params": {}}
    return {
        "reason_code": found.code,
        "reason_params": {name: plain(value) for name, value in found.params.items()},
    }


class AlertCauseRead(ReadModel):
    at: datetime
    severity: Severity
    reason: str = Field(description="in English")
    reason_code: str | None = Field(default=None, description="the reason's code (stable)")
    reason_params: dict[str, Any] = Field(default_factory=dict)
    observation_set_id: uuid.UUID | None = Field(description="the set that triggered it")
    expected_at: datetime | None = Field(description="missed: the scheduled time")


class AlertRead(ReadModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    episode_id: uuid.UUID
    kind: Kind
    severity: Severity
    reason: str = Field(description="the latest trigger at the alert's severity, in English")
    reason_code: str | None = Field(
        default=None,
        description="the reason's code (stable), e.g. alert.news2; none for an alert raised "
        "before reasons had codes",
    )
    reason_params: dict[str, Any] = Field(
        default_factory=dict, description="the reason's parameters (values, limits, units)"
    )
    status: Status
    allowed_moves: list[str] = Field(description="acknowledge | action | close, as allowed now")
    trigger_count: int
    created_at: datetime
    last_triggered_at: datetime
    acknowledged_by_id: uuid.UUID | None
    acknowledged_at: datetime | None
    action: Action | None
    action_note: str | None
    action_by_id: uuid.UUID | None
    action_at: datetime | None
    admission: dict[str, Any] | None = Field(
        description="a direct admission: admitted (ward, bed) or refused (reason, alternative)"
    )
    closed_by_id: uuid.UUID | None
    closed_at: datetime | None
    close_note: str | None
    escalation_level: int = Field(
        description="1 nurses, 2 responsible physician, 3 head of unit / on-call"
    )
    escalated_at: datetime
    due_at: datetime | None = Field(description="when the next level is due (None: not)")
    notified: list[dict[str, Any]]
    history: list[dict[str, Any]]
    causes: list[AlertCauseRead]


class AlertDetail(AlertRead):
    observations: list[ObservationRead] = Field(description="the sets that caused it")


class AdmissionRefused(BaseModel):
    """409 from a direct admission: nothing was admitted; the refusal and the alternative are
    recorded on the alert."""

    detail: str
    code: Literal["conflict"] = "conflict"
    reason_code: str | None = Field(default=None, description="the refusal's code")
    reason_params: dict[str, Any] = Field(default_factory=dict)
    alternative: Literal["emergency_department"] = "emergency_department"
    alert: AlertRead
