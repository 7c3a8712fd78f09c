"""The documented agreement's content and the shapes of the care-plan API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from samband.kit.errors import problem
from samband.kit.schemas import FREE_TEXT, NAME, ReadModel, refused
from samband.pathways.definition import Activity, AlertLimit, Contact

Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), FREE_TEXT
]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), FREE_TEXT
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NAME]


class PlanActivity(Activity):
    """An activity of the plan: the pathway's activity, optionally tied to the organisation
    (one taking part in the episode) that does it."""

    what: Line = Field(min_length=2)
    skills: list[Annotated[str, StringConstraints(max_length=60)]] = Field(
        default_factory=list, max_length=20
    )
    organisation_id: uuid.UUID | None = Field(
        default=None, description="the participating organisation that does it"
    )

    @model_validator(mode="after")
    def _sample_order(self) -> PlanActivity:
        # issue 14: an activity with samples orders them on its days (labresults/orders.py)
        if self.samples:
            from samband.labresults import loinc, orders

            try:
                loinc.expand(self.samples)
            except loinc.UnknownTest as exc:
                raise refused(
                    problem(
                        "labresults.unknown_sample",
                        field="samples",
                        key=str(exc),
                        known=loinc.known_keys(),
                    )
                ) from None
            if orders.order_days(self.schedule) is None:
                raise refused(
                    problem(
                        "labresults.sample_schedule",
                        field="schedule",
                        schedule=self.schedule,
                    )
                )
        return self


class PlanContact(Contact):
    """Whom to call at which hours, e.g. 'weekdays 07-16': 'the ward nurse'."""

    when: Name = Field(min_length=2)
    who: Name = Field(min_length=2)
    phone: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{3,20}$")]
        | None
    ) = None


Rule = Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z][a-z0-9_.]{1,39}$")]


class CriterionRules(BaseModel):
    """The rules the data checks for one discharge criterion (issue 14)."""

    model_config = ConfigDict(extra="forbid")

    criterion: Line
    rules: list[Rule] = Field(min_length=1, max_length=5)

    @model_validator(mode="after")
    def _known(self) -> CriterionRules:
        from samband.labresults import criteria

        for rule in self.rules:
            if not criteria.valid_rule(rule):
                raise refused(problem("labresults.unknown_rule", field="rules", rule=rule))
        return self


def _names(item: Any, text: str) -> bool:
    return isinstance(item, dict) and item.get("criterion") == text


class CarePlanContent(BaseModel):
    """The documented agreement (dokumenterad överenskommelse), as agreed with the patient."""

    model_config = ConfigDict(extra="forbid")

    goals: list[Line] = Field(
        default_factory=list, max_length=30, description="the patient's goals, in their own words"
    )
    activities: list[PlanActivity] = Field(default_factory=list, max_length=50)
    contacts: list[PlanContact] = Field(default_factory=list, max_length=20)
    if_worse: list[Line] = Field(
        min_length=1, max_length=30, description="what to do if things get worse"
    )
    alert_limits: list[AlertLimit] = Field(
        default_factory=list,
        max_length=30,
        description="patient-specific limits of the escalation plan: a measurement crossing "
        'one opens a limit alert, e.g. {"parameter": "temperature", "op": ">=", "value": 38.5, '
        '"severity": "high"}',
    )
    discharge_criteria: list[Line] = Field(
        min_length=1,
        max_length=30,
        description="the individual discharge criteria; a criterion the data can check may be "
        'given as {"text": "CRP sjunkande", "rule": "crp_falling"} (or "rules": [...]); rules: '
        "crp_falling, afebrile_48h, <test>_below_<N> (docs/samples-and-results.md)",
    )
    criterion_rules: list[CriterionRules] = Field(
        default_factory=list,
        max_length=30,
        description="the rules of the data criteria, by criterion text (filled from the "
        "structured criteria above)",
    )
    notes: Note | None = None

    @model_validator(mode="before")
    @classmethod
    def _structured_criteria(cls, data: Any) -> Any:
        # issue 14: {"text", "rule"/"rules"} criteria are stored as their text, their rules in
        # criterion_rules, so every reader of discharge_criteria keeps reading texts
        if not isinstance(data, dict) or not isinstance(data.get("discharge_criteria"), list):
            return data
        texts: list[Any] = []
        rules = list(data.get("criterion_rules") or [])
        for item in data["discharge_criteria"]:
            if isinstance(item, dict) and "text" in item:
                given = item.get("rules", [item["rule"]] if "rule" in item else [])
                texts.append(item["text"])
                if isinstance(item["text"], str):
                    rules = [r for r in rules if not _names(r, item["text"])]
                    rules.append({"criterion": item["text"], "rules": given})
            else:
                texts.append(item)
        return {**data, "discharge_criteria": texts, "criterion_rules": rules}

    @model_validator(mode="after")
    def _rules_of_criteria(self) -> CarePlanContent:
        # rules of a criterion no longer in the plan (its text changed) are dropped with it
        kept = set(self.discharge_criteria)
        self.criterion_rules = [r for r in self.criterion_rules if r.criterion in kept]
        return self

    @model_validator(mode="after")
    def _unique_activity_keys(self) -> CarePlanContent:
        keys = [a.key for a in self.activities]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise refused(
                problem("careplan.repeated_activity_key", field="activities", keys=duplicates)
            )
        return self


class CarePlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    episode_id: uuid.UUID
    from_template: bool = Field(
        default=True, description="start from the pathway's plan template (if no content)"
    )
    content: CarePlanContent | None = Field(
        default=None, description="the plan's content; overrides the template"
    )
    change_note: Line | None = None


class CarePlanUpdate(BaseModel):
    """A new version of the plan. base_version is the version you changed."""

    model_config = ConfigDict(extra="forbid")

    base_version: int = Field(ge=1, le=1_000_000)
    content: CarePlanContent
    change_note: Line | None = None


class AcknowledgementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party: Literal["patient", "next_of_kin", "organisation"]
    name: Name | None = Field(
        default=None, description="who acknowledged (required for patient and next of kin)"
    )


class AcknowledgementRead(ReadModel):
    id: uuid.UUID
    version_number: int
    party: str
    organisation_id: uuid.UUID | None
    name: str | None
    recorded_by_id: uuid.UUID
    at: datetime


class CarePlanVersionSummary(ReadModel):
    number: int
    change_note: str | None
    created_by_id: uuid.UUID
    created_at: datetime
    acknowledged_by: list[str] = Field(
        description="parties that acknowledged this version (patient, next_of_kin, organisation)"
    )


class CarePlanVersionRead(ReadModel):
    number: int
    content: dict[str, Any]
    change_note: str | None
    created_by_id: uuid.UUID
    created_at: datetime
    acknowledgements: list[AcknowledgementRead]


class CarePlanRead(ReadModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    created_at: datetime
    current_version: int
    version: CarePlanVersionRead = Field(description="the current version")
    acknowledged_by_patient: bool = Field(
        description="the patient or a next of kin has acknowledged the current version"
    )
    organisations_to_acknowledge: list[uuid.UUID] = Field(
        description="participating organisations that have not acknowledged the current version"
    )
