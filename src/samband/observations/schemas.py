"""The shapes of the observations API: one measurement occasion in, its NEWS2 and flags out."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from samband.kit.errors import Problem, problem
from samband.kit.i18n import msg
from samband.kit.schemas import ReadModel, ShortText, Text
from samband.kit.time import utcnow
from samband.observations import plausibility

MAX_BATCH = 1000
FUTURE_TOLERANCE = timedelta(minutes=5)  # device clocks drift
MAX_AGE = timedelta(days=30)

ClientId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\s]+$"),
]


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Acvpu = Annotated[Literal["A", "C", "V", "P", "U"], BeforeValidator(_upper)]
Number = Annotated[float, Field(allow_inf_nan=False)]
VITAL_FIELDS = (
    "respiratory_rate",
    "spo2",
    "on_oxygen",
    "oxygen_flow",
    "systolic_bp",
    "diastolic_bp",
    "pulse",
    "consciousness",
    "temperature",
    "weight",
    "symptoms",
)
NUMERIC_FIELDS = tuple(plausibility.BOUNDS)


def refused(found: Problem) -> PydanticCustomError:
    """A validation error that carries its problem: its code is the error's ``type``, the API
    answers its code and parameters and a page shows it in the reader's language
    (``ctx["problem"]``, read by app.py and web/base.parse_form)."""
    return PydanticCustomError(found.code, found.text("en"), {"problem": found})


class Source(StrEnum):
    DEVICE = "device"  # a Bluetooth device through the home gateway or tablet
    VISIT = "visit"  # staff measured at a home visit
    SELF_REPORT = "self_report"  # the patient (or next of kin) typed it in


class Status(StrEnum):
    FINAL = "final"
    PRELIMINARY = "preliminary"  # a value awaits confirmation
    ENTERED_IN_ERROR = "entered_in_error"


def _unit(name: str) -> Any:
    code = plausibility.UCUM[name]
    return Field(
        default=None, description=f"if given, must be the UCUM unit '{code}' (no conversion)"
    )


class Units(BaseModel):
    """The units the values are in. Optional; if a unit is given it must be the expected
    UCUM code, so a reading in another unit (°F, kPa, lb) is refused instead of misread."""

    model_config = ConfigDict(extra="forbid")

    respiratory_rate: Literal["/min"] | None = _unit("respiratory_rate")
    spo2: Literal["%"] | None = _unit("spo2")
    oxygen_flow: Literal["L/min"] | None = _unit("oxygen_flow")
    systolic_bp: Literal["mm[Hg]"] | None = _unit("systolic_bp")
    diastolic_bp: Literal["mm[Hg]"] | None = _unit("diastolic_bp")
    pulse: Literal["/min"] | None = _unit("pulse")
    temperature: Literal["Cel"] | None = _unit("temperature")
    weight: Literal["kg"] | None = _unit("weight")


class ObservationCreate(BaseModel):
    """One measurement occasion: the values measured together. Every value is optional
    (a partial set is scored as partial); at least one must be given."""

    model_config = ConfigDict(extra="forbid")

    patient_id: uuid.UUID
    episode_id: uuid.UUID | None = Field(
        default=None, description="default: the patient's open episode"
    )
    measured_at: AwareDatetime = Field(
        description="when it was measured, with a time zone; not in the future, at most 30 days ago"
    )
    source: Source = Source.DEVICE
    client_id: ClientId | None = Field(
        default=None,
        description="your own id of this set (e.g. the device's message id): sending it "
        "again stores nothing new and answers with the stored set (exactly once). Unique per "
        "organisation.",
    )
    device_id: ShortText | None = Field(default=None, description="which device measured it")
    visit_id: uuid.UUID | None = Field(default=None, description="the home visit it was taken at")
    respiratory_rate: int | None = Field(default=None, description="breaths/min, 1-80")
    spo2: int | None = Field(default=None, description="%, 20-100")
    on_oxygen: bool | None = Field(default=None, description="supplemental oxygen (false: air)")
    oxygen_flow: Number | None = Field(
        default=None, description="L/min, 0-60; more than 0 means on oxygen"
    )
    systolic_bp: int | None = Field(default=None, description="mmHg, 40-300")
    diastolic_bp: int | None = Field(default=None, description="mmHg, 10-200, below systolic")
    pulse: int | None = Field(default=None, description="/min, 10-300")
    consciousness: Acvpu | None = Field(
        default=None, description="ACVPU: A alert, C new confusion, V voice, P pain, U unresponsive"
    )
    temperature: Number | None = Field(default=None, description="°C, 25-45")
    weight: Number | None = Field(default=None, description="kg, 1-500")
    symptoms: Text | None = Field(default=None, description="free text, in the patient's words")
    units: Units | None = None

    @field_validator(*NUMERIC_FIELDS)
    @classmethod
    def _possible(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is None:
            return None
        found = plausibility.impossible(str(info.field_name), value)
        if found:
            raise refused(found)
        if str(info.field_name) == "diastolic_bp":
            found = plausibility.blood_pressure_problem(info.data.get("systolic_bp"), value)
        elif str(info.field_name) == "oxygen_flow":
            found = plausibility.oxygen_problem(info.data.get("on_oxygen"), value)
        if found:
            raise refused(found)
        return value

    @field_validator("measured_at")
    @classmethod
    def _when(cls, value: datetime) -> datetime:
        now = utcnow()
        if value > now + FUTURE_TOLERANCE:
            raise refused(
                problem(
                    "observation.in_future",
                    field="measured_at",
                    at=value.isoformat(),
                    now=f"{now:%Y-%m-%dT%H:%M}Z",
                )
            )
        if value < now - MAX_AGE:
            raise refused(
                problem(
                    "observation.too_old",
                    field="measured_at",
                    at=value.isoformat(),
                    days=MAX_AGE.days,
                )
            )
        return value

    @model_validator(mode="after")
    def _something_measured(self) -> ObservationCreate:
        if all(getattr(self, name) is None for name in VITAL_FIELDS):
            raise refused(
                problem(
                    "observation.nothing_measured",
                    fields=[msg(f"observation.what.{name}") for name in VITAL_FIELDS],
                )
            )
        return self


class ObservationBatch(BaseModel):
    """Up to 1000 sets, taken in all together or not at all (see docs/api.md)."""

    model_config = ConfigDict(extra="forbid")

    items: list[ObservationCreate] = Field(min_length=1, max_length=MAX_BATCH)


class ObservationConfirm(BaseModel):
    """Confirm a flagged set's values, or mark the set entered in error (a measuring mistake:
    it no longer counts in trends, NEWS2 history or the missed-measurement check)."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirmed", "entered_in_error"]
    note: Text | None = Field(default=None, description="required for entered_in_error")


class Spo2ScaleSet(BaseModel):
    """The physician's decision: which SpO2 scale NEWS2 uses for this episode."""

    model_config = ConfigDict(extra="forbid")

    scale: Literal[1, 2] = Field(
        description="2 only for hypercapnic respiratory failure (target 88-92 %)"
    )
    reason: Text


class News2Read(BaseModel):
    total: int
    risk: Literal["low", "low-medium", "medium", "high"]
    partial: bool = Field(description="some NEWS2 parameter was not measured")
    parameters: dict[str, int] = Field(description="points per parameter measured")
    missing: list[str]
    red_score: bool = Field(description="a single parameter scored 3")
    monitoring: str = Field(description="recommended minimum monitoring frequency")
    response: str = Field(description="the RCP clinical response")
    spo2_scale: int


class FlagRead(BaseModel):
    """A value awaiting confirmation: why, in English (``reason``), and as a problem's code
    and parameters (``observation.unusually_low``/``_high``: value, low, high, unit)."""

    field: str
    value: float
    reason: str
    code: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, stored: dict[str, Any]) -> FlagRead:
        found = plausibility.flag_problem(stored)
        if found is None:
            return cls.model_validate(stored)
        plain = found.as_json()
        return cls(
            field=str(stored["field"]),
            value=float(stored["value"]),
            reason=found.text("en"),
            code=found.code,
            params=plain.get("params", {}),
        )


class ObservationRead(ReadModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    episode_id: uuid.UUID
    measured_at: datetime
    received_at: datetime
    source: Source
    device_id: str | None
    visit_id: uuid.UUID | None
    client_id: str | None
    respiratory_rate: int | None
    spo2: int | None
    on_oxygen: bool | None
    oxygen_flow: float | None
    systolic_bp: int | None
    diastolic_bp: int | None
    pulse: int | None
    consciousness: str | None
    temperature: float | None
    weight: float | None
    symptoms: str | None
    news2: News2Read | None = Field(description="None when the set has no NEWS2 parameter")
    status: Status
    needs_confirmation: bool
    flags: list[FlagRead]
    confirmed_by_id: uuid.UUID | None
    confirmed_at: datetime | None
    confirmation_note: str | None
    recorded_by_id: uuid.UUID
    alert_ids: list[uuid.UUID] = Field(description="alerts this set opened or updated")

    @classmethod
    def of(cls, row: Any, alert_ids: list[uuid.UUID]) -> ObservationRead:
        """From a stored ``ObservationSet`` and the alerts it caused."""
        news2 = None
        if row.news2_total is not None:
            detail = row.news2_detail or {}
            news2 = News2Read(
                total=row.news2_total,
                risk=row.news2_risk,
                partial=bool(row.news2_partial),
                parameters=detail.get("parameters", {}),
                missing=list(detail.get("missing", [])),
                red_score=bool(detail.get("red_score")),
                monitoring=detail.get("monitoring", ""),
                response=detail.get("response", ""),
                spo2_scale=row.spo2_scale,
            )
        return cls(
            id=row.id,
            patient_id=row.patient_id,
            episode_id=row.episode_id,
            measured_at=row.measured_at,
            received_at=row.created_at,
            source=Source(row.source),
            device_id=row.device_id,
            visit_id=row.visit_id,
            client_id=row.client_id,
            respiratory_rate=row.respiratory_rate,
            spo2=row.spo2,
            on_oxygen=row.on_oxygen,
            oxygen_flow=row.oxygen_flow,
            systolic_bp=row.systolic_bp,
            diastolic_bp=row.diastolic_bp,
            pulse=row.pulse,
            consciousness=row.consciousness,
            temperature=row.temperature,
            weight=row.weight,
            symptoms=row.symptoms,
            news2=news2,
            status=Status(row.status),
            needs_confirmation=row.needs_confirmation,
            flags=[FlagRead.of(f) for f in row.flags or []],
            confirmed_by_id=row.confirmed_by_id,
            confirmed_at=row.confirmed_at,
            confirmation_note=row.confirmation_note,
            recorded_by_id=row.recorded_by_id,
            alert_ids=alert_ids,
        )


class BatchItemRead(BaseModel):
    index: int
    result: Literal["created", "duplicate"]
    observation: ObservationRead


class BatchRead(BaseModel):
    created: int
    duplicates: int = Field(description="sets already stored under their client_id")
    items: list[BatchItemRead] = Field(description="one per item, in the order sent")


class Spo2ScaleRead(BaseModel):
    episode_id: uuid.UUID
    scale: int
    reason: str | None
    decided_by_id: uuid.UUID | None = Field(description="None: the default, scale 1")
    decided_at: datetime | None
