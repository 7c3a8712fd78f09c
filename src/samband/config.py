"""Settings, read from SAMBAND_* environment variables (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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

    def resolved_database_url(self) -> str:
        return self.database_url or _default_database_url()


@lru_cache
def get_settings() -> Settings:
    return Settings()
