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
    # PostgreSQL (docs/deployment.md): the owner's URL, used by `samband db upgrade` when set
    # (the service then connects as SAMBAND_DATABASE_APP_ROLE through SAMBAND_DATABASE_URL),
    # and the role the service connects as: it may only SELECT and INSERT the access log.
    migration_database_url: str = ""
    database_app_role: str = "samband_app"
    # Checkpoints of the access log's chain (decision 0009): the folder of JSON-lines files
    # (default var/audit-checkpoints), and how often the app writes one (minutes; 0: off).
    audit_checkpoint_dir: Path | None = None
    audit_checkpoint_minutes: float = Field(default=60.0, ge=0, le=7 * 24 * 60)
    # How long a bearer token from /api/v1/auth/token is valid.
    token_minutes: int = 12 * 60
    # A care relationship lasts this many days after the episode ended.
    care_relationship_days_after_end: int = 30
    # Emergency access (nödåtkomst) lasts this many hours.
    emergency_access_hours: int = 4
    # Extra folder with pathway YAML files (in addition to the shipped ones).
    pathways_dir: Path | None = None
    # The agreements on physician requests (limits, office hours, escalation) instead of the
    # shipped physicianrequests/agreements.yaml (docs/physician-agreements.md).
    agreements_file: Path | None = None
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
    # -- logins, sessions and requests (issue 10; docs/api.md "Limits") --
    # The session cookie (and the CSRF cookie) carry the Secure flag: browsers then send
    # them over https only (and over http to 127.0.0.1/localhost). false only for plain-http
    # development on another address.
    cookie_secure: bool = True
    # A page session ends after this many minutes without a request (the token's absolute
    # lifetime, token_minutes, still applies).
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # Failed logins: after this many for one username (since its last successful login), or
    # from one address (since the last successful login from it), in the last
    # login_window_minutes, every further attempt waits: login_wait_seconds after the
    # last failure, doubled with every further failure, at most login_max_wait_seconds.
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_max_failures_per_address: int = Field(default=5, ge=1, le=10_000)
    login_wait_seconds: int = Field(default=30, ge=1, le=3600)
    login_max_wait_seconds: int = Field(default=15 * 60, ge=1, le=24 * 3600)
    login_window_minutes: int = Field(default=24 * 60, ge=1, le=30 * 24 * 60)
    # The largest request body accepted (bytes); larger ones get 413. A batch of 1000
    # observation sets (the most one request takes) is about 0.6 MiB.
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)

    # -- the job queue and notifications (issue 11; decision 0013) --
    # Whether the app process runs the jobs itself: None (default) = yes on SQLite, no on
    # PostgreSQL (run `samband worker` there).
    jobs_in_app: bool | None = None
    # Where links in e-mails and text messages point (the address staff open Samband at).
    public_url: str = "http://127.0.0.1:8000"
    # E-mail: smtp://host:port, smtp+starttls://user:pw@host:587, smtps://user:pw@host:465;
    # empty: no e-mail is sent (deliveries fail over to the next channel).
    smtp_url: str = ""
    smtp_from: str = "Samband <samband@localhost>"
    # SMS through Sinch's REST API (docs/deployment.md): the service plan's base URL and its
    # bearer token; empty: no SMS is sent.
    sms_url: str = ""
    sms_token: str = ""
    sms_sender: str = "Samband"

    def runs_jobs_in_app(self) -> bool:
        if self.jobs_in_app is not None:
            return self.jobs_in_app
        return not self.resolved_database_url().startswith("postgresql")

    # -- the live overview (issue 11; docs/decisions/0016-live-overview.md) --
    # A patient shown on the overview is logged once per user and patient in this many
    # minutes (opening the patient's record is logged every time; docs/security.md).
    overview_log_minutes: int = Field(default=60, ge=1, le=24 * 60)
    # How often each app process asks the database what changed, for the pages' event
    # streams (seconds; 0: no change feed, the pages poll as before).
    live_feed_seconds: float = Field(default=1.5, ge=0, le=60)

    def resolved_database_url(self) -> str:
        return self.database_url or _default_database_url()

    def resolved_migration_database_url(self) -> str:
        return self.migration_database_url or self.resolved_database_url()

    def resolved_audit_checkpoint_dir(self) -> Path:
        return self.audit_checkpoint_dir or Path.cwd() / "var" / "audit-checkpoints"


@lru_cache
def get_settings() -> Settings:
    return Settings()
