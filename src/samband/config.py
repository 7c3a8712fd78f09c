"""Settings, read from SAMBAND_* environment variables (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_database_url() -> str:
    data_dir = Path.cwd() / "var"
    return f"sqlite:///{data_dir / 'samband.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAMBAND_", extra="ignore")

    database_url: str = ""
    # How long a bearer token from /api/v1/auth/token is valid.
    token_minutes: int = 12 * 60
    # A care relationship lasts this many days after the episode ended.
    care_relationship_days_after_end: int = 30
    # Emergency access (nödåtkomst) lasts this many hours.
    emergency_access_hours: int = 4
    # Extra folder with pathway YAML files (in addition to the shipped ones).
    pathways_dir: Path | None = None
    timezone: str = "Europe/Stockholm"
    # An OSRM routing server for travel times (e.g. http://localhost:5000); None: the
    # embedded great-circle model (docs/planning-format.md).
    osrm_url: str | None = None
    # Unacknowledged alerts go up one escalation level after this many minutes, per severity
    # (docs/decisions/0006-observations-and-alerts.md).
    escalate_high_min: int = Field(default=15, ge=1, le=24 * 60)
    escalate_medium_min: int = Field(default=60, ge=1, le=24 * 60)
    escalate_low_min: int = Field(default=240, ge=1, le=7 * 24 * 60)
    # How often the app checks for missed measurements and due escalations (seconds);
    # 0 turns the background task off (the tests do; `samband alerts tick` from cron instead).
    alert_tick_seconds: float = Field(default=30.0, ge=0, le=3600)
    # How far back a missed scheduled measurement still opens an alert.
    missed_lookback_hours: int = Field(default=24, ge=1, le=24 * 7)

    def resolved_database_url(self) -> str:
        return self.database_url or _default_database_url()


@lru_cache
def get_settings() -> Settings:
    return Settings()
