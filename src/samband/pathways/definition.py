"""A pathway's definition, validated with Pydantic. Pure: no database, no web."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from samband.kit.i18n import source

SHIPPED = Path(__file__).parent / "definitions"
KEY = r"^[a-z][a-z0-9_-]{1,39}$"
EpisodeType = Literal["admission_avoidance", "early_supported_discharge"]
ROLES = {
    "physician",
    "registered_nurse",
    "assistant_nurse",
    "physiotherapist",
    "occupational_therapist",
    "pharmacist",
    "coordinator",
    "patient",
    "next_of_kin",
}
ORG_KINDS = {
    "hospital_clinic",
    "hospital_ward",
    "mobile_team",
    "primary_care_centre",
    "municipal_home_health_care",
    "municipal_home_care",
}
_SCHEDULE = re.compile(
    r"^(daily( \d{2}:\d{2})+|daily|\d+ times a day|every \d+ hours|day \d+(,\d+)*|once|as needed"
    r"|weekdays( \d{2}:\d{2})*)$",
    re.ASCII,  # digits 0-9 only: \d alone also matches other scripts' digits
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    key: str = Field(pattern=KEY)
    text: str = Field(min_length=3)
    # A required criterion answered "no" makes the patient not eligible.
    required: bool = True


class Activity(_Strict):
    """A thing to do at home, in the plan template and in the care plan itself."""

    key: str = Field(pattern=KEY)
    what: str = Field(min_length=2)
    organisation_kind: str
    role: str
    schedule: str = Field(description="daily 08:00 | 3 times a day | day 3 | every 8 hours | ...")
    setting: Literal["home", "digital"] = "home"
    duration_min: int = Field(default=30, ge=1, le=480)
    skills: list[str] = Field(default_factory=list)
    medication_route: str | None = Field(
        default=None,
        pattern=r"^[a-z_]{2,20}$",
        description="gives the episode's medication of this route (e.g. iv) given by staff: "
        "its visits take the times of the medication list (docs/decisions/0015)",
    )
    # issue 14: samples to take (test keys of labresults/loinc.py, e.g. crp, blood_count);
    # the activity's days ('day 3', 'day 1,3,5', 'daily', 'once') become sample orders
    samples: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("samples")
    @classmethod
    def _samples(cls, value: list[str]) -> list[str]:
        for key in value:
            if not re.match(r"^[a-z][a-z0-9_]{1,29}$", key):
                raise ValueError(f"sample '{key}' is not a test key (e.g. crp, blood_count)")
        return value

    @field_validator("organisation_kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in ORG_KINDS:
            raise ValueError(f"unknown organisation kind '{value}'; use one of {sorted(ORG_KINDS)}")
        return value

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if value not in ROLES:
            raise ValueError(f"unknown role '{value}'; use one of {sorted(ROLES)}")
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        if not _SCHEDULE.match(value):
            raise ValueError(
                f"schedule '{value}' is not understood; write e.g. 'daily 08:00', "
                "'3 times a day', 'every 8 hours', 'day 3', 'once' or 'as needed'"
            )
        return value


class Contact(_Strict):
    when: str = Field(min_length=2, description="e.g. 'weekdays 07-16'")
    who: str = Field(min_length=2)
    phone: str | None = None


LimitParameter = Literal[
    "respiratory_rate",
    "spo2",
    "systolic_bp",
    "diastolic_bp",
    "pulse",
    "temperature",
    "weight",
    "weight_gain",
    "news2_total",
]
LIMIT_UNITS: dict[str, str] = {
    "respiratory_rate": "/min",
    "spo2": "%",
    "systolic_bp": "mmHg",
    "diastolic_bp": "mmHg",
    "pulse": "/min",
    "temperature": "°C",
    "weight": "kg",
    "weight_gain": "kg",
    "news2_total": "points",
}


class AlertLimit(_Strict):
    """A patient-specific limit of the escalation plan ("temperature 38.5 °C or higher: call
    at once"), checked against every measurement: crossing it opens a ``limit`` alert.

    ``weight_gain`` compares a new weight with the lowest weight of the previous
    ``within_hours`` (heart failure: more than 2 kg in 3 days)."""

    parameter: LimitParameter
    op: Literal[">=", ">", "<=", "<"]
    value: float = Field(ge=-1000, le=1000, allow_inf_nan=False)
    severity: Literal["low", "medium", "high"] = "medium"
    within_hours: int | None = Field(
        default=None, ge=1, le=14 * 24, description="weight_gain only: the period compared"
    )
    note: str | None = Field(
        default=None, min_length=2, max_length=500, description="what to do, as agreed"
    )

    @model_validator(mode="after")
    def _window(self) -> AlertLimit:
        if self.parameter == "weight_gain" and self.within_hours is None:
            raise ValueError("weight_gain needs within_hours (e.g. 72 for 3 days)")
        if self.parameter != "weight_gain" and self.within_hours is not None:
            raise ValueError("within_hours is only for weight_gain")
        return self

    def describe(self) -> str:
        unit = LIMIT_UNITS[self.parameter]
        what = self.parameter.replace("_", " ")
        if self.parameter == "news2_total":
            what, unit = "NEWS2", ""
        value = f"{self.value:g}" + (f" {unit}" if unit and unit != "%" else unit)
        period = f" within {self.within_hours} h" if self.within_hours else ""
        return f"{what} {self.op} {value}{period}"


class PlanTemplate(_Strict):
    goals: list[str] = Field(default_factory=list)
    activities: list[Activity]
    contacts: list[Contact] = Field(default_factory=list)
    if_worse: list[str] = Field(min_length=1)
    # structured limits of the escalation plan; each opens a 'limit' alert when crossed
    alert_limits: list[AlertLimit] = Field(default_factory=list, max_length=30)
    discharge_criteria: list[str] = Field(min_length=1)


class ChecklistEntry(_Strict):
    key: str = Field(pattern=KEY)
    label: str = Field(min_length=3)
    blocking: bool = True
    signer_roles: list[str] = Field(default_factory=lambda: ["registered_nurse"], min_length=1)
    # Done automatically by the system (e.g. a care request accepted), still signable.
    automatic: Literal["care_request_accepted"] | None = None

    @field_validator("signer_roles")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        unknown = set(value) - ROLES
        if unknown:
            raise ValueError(f"unknown signer roles {sorted(unknown)}")
        return value


# issue 14 (palliative): symptom assessment (ESAS-r) and its alert limits
SYMPTOM_ITEMS = (
    "pain",
    "tiredness",
    "drowsiness",
    "nausea",
    "lack_of_appetite",
    "shortness_of_breath",
    "depression",
    "anxiety",
    "wellbeing",
)


class SymptomLimit(_Strict):
    """An ESAS-r alert limit: ``item`` (one of the nine, ``any`` item or ``total``) ``op``
    ``value``; with ``rise`` the limit is on the rise since the previous assessment."""

    item: Literal[
        "any",
        "total",
        "pain",
        "tiredness",
        "drowsiness",
        "nausea",
        "lack_of_appetite",
        "shortness_of_breath",
        "depression",
        "anxiety",
        "wellbeing",
    ]
    op: Literal[">=", ">"] = ">="
    value: int = Field(ge=0, le=90)
    rise: bool = False
    severity: Literal["low", "medium", "high"] = "medium"
    note: str | None = Field(default=None, max_length=300)


class SymptomAssessmentPlan(_Strict):
    scale: Literal["esas_r"] = "esas_r"
    times: list[str] = Field(default_factory=list, description="local times, e.g. ['09:00']")
    alert_limits: list[SymptomLimit] = Field(default_factory=list, max_length=30)


class VitalSignsSchedule(_Strict):
    parameters: list[
        Literal[
            "respiratory_rate",
            "spo2",
            "on_oxygen",
            "systolic_bp",
            "diastolic_bp",
            "pulse",
            "consciousness",
            "temperature",
            "weight",
            "symptoms",
        ]
    ] = Field(min_length=1)
    times: list[str] = Field(min_length=1, description="local times, e.g. ['08:00', '18:00']")
    grace_minutes: int = Field(default=60, ge=5, le=720)

    @field_validator("times")
    @classmethod
    def _times(cls, value: list[str]) -> list[str]:
        for time in value:
            if not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", time):
                raise ValueError(f"time '{time}' must be HH:MM")
        return value


class Pathway(_Strict):
    key: str = Field(pattern=KEY)
    title: str = Field(min_length=3)
    short_title: str = Field(
        min_length=2, max_length=40, description="the pathway's name in lists, e.g. 'Heart failure'"
    )
    description: str = ""
    episode_types: list[EpisodeType] = Field(min_length=1)
    expected_inpatient_days: float = Field(ge=0, le=60)
    typical_days_at_home: int = Field(ge=1, le=90)
    eligibility: list[Criterion] = Field(min_length=1)
    plan_template: PlanTemplate
    checklist: list[ChecklistEntry] = Field(min_length=1)
    vital_signs: VitalSignsSchedule
    symptom_assessment: SymptomAssessmentPlan | None = None  # issue 14 (palliative)
    requires_care_request_to: list[str] = Field(
        default_factory=list,
        description="organisation kinds that must have accepted a care request before home",
    )

    @model_validator(mode="after")
    def _unique_keys(self) -> Pathway:
        for name, items in (
            ("eligibility", self.eligibility),
            ("checklist", self.checklist),
            ("plan_template.activities", self.plan_template.activities),
        ):
            keys = [item.key for item in items]
            duplicates = {k for k in keys if keys.count(k) > 1}
            if duplicates:
                raise ValueError(f"{name}: duplicate keys {sorted(duplicates)}")
        unknown = set(self.requires_care_request_to) - ORG_KINDS
        if unknown:
            raise ValueError(f"requires_care_request_to: unknown kinds {sorted(unknown)}")
        return self

    def name(self, lang: str) -> str:
        """The title in ``lang`` (the Swedish catalogue translates the English title)."""
        return source(self.title, lang)

    def short_name(self, lang: str) -> str:
        """The short name in ``lang``: what lists and headers show, never the key."""
        return source(self.short_title, lang)

    def texts(self) -> list[str]:
        """Every text of the pathway a person reads, as written (English): each needs a
        Swedish translation in the catalogue (``locale/sv/LC_MESSAGES/pathways.po``)."""
        plan = self.plan_template
        out = [self.title, self.short_title]
        out += [" ".join(self.description.split())] if self.description.strip() else []
        out += [c.text for c in self.eligibility]
        out += plan.goals + [a.what for a in plan.activities]
        out += [text for c in plan.contacts for text in (c.when, c.who)]
        out += plan.if_worse + plan.discharge_criteria
        out += [limit.note for limit in plan.alert_limits if limit.note]
        out += [entry.label for entry in self.checklist]
        if self.symptom_assessment is not None:  # issue 14 (palliative)
            out += [lim.note for lim in self.symptom_assessment.alert_limits if lim.note]
        return out

    def criterion_keys(self) -> list[str]:
        return [c.key for c in self.eligibility]


class PathwayError(ValueError):
    """A pathway file is invalid; the message names the file and the field."""


def load_file(path: Path) -> Pathway:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Pathway.model_validate(data)
    except yaml.YAMLError as exc:
        raise PathwayError(f"{path.name}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise PathwayError(f"{path.name}: {problems}") from exc


def load_all(extra_dir: Path | None = None) -> dict[str, Pathway]:
    pathways: dict[str, Pathway] = {}
    folders = [SHIPPED] + ([extra_dir] if extra_dir else [])
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            pathway = load_file(path)
            pathways[pathway.key] = pathway
    return pathways


@lru_cache
def registry() -> dict[str, Pathway]:
    """The pathways in force: the shipped ones plus SAMBAND_PATHWAYS_DIR."""
    from samband.config import get_settings

    return load_all(get_settings().pathways_dir)


def pathway_name(key: str, lang: str, *, short: bool = True) -> str:
    """A pathway's name in ``lang`` by its key: the short name (lists, headers) or the title.
    A key no pathway has any more (imported history) is shown as it is."""
    pathway = registry().get(key)
    if pathway is None:
        return key
    return pathway.short_name(lang) if short else pathway.name(lang)
