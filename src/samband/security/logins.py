"""Logging in with a password, throttled (issue 10): the same for the pages and the API.

Every attempt is a row in ``login_attempts`` (in the database, so the throttle holds across
every process of the app). After SAMBAND_LOGIN_MAX_FAILURES failed attempts for a username
(since its last successful login), or SAMBAND_LOGIN_MAX_FAILURES_PER_ADDRESS from one
address (since the last successful login from it), within SAMBAND_LOGIN_WINDOW_MINUTES,
every further attempt must wait: SAMBAND_LOGIN_WAIT_SECONDS after the last failure, doubled
with each further failure, at most SAMBAND_LOGIN_MAX_WAIT_SECONDS. During the wait the
password is not even checked: the right one is refused too.

An unknown username is counted and answered exactly like a known one (the same text, the
same wait; the password is checked against a dummy hash, so it takes as long).

Failures and refusals during a wait go to the access log (``login_failed``,
``login_locked``: no patient, the username tried, the reason).

``log_in`` never raises for a refused login: it returns the refusal, so the request's
transaction commits the attempt (an exception would roll it back, and the throttle would
never count).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from samband.config import get_settings
from samband.kit import time as clock
from samband.kit.errors import TooManyAttempts, Unauthenticated, problem
from samband.models import LoginAttempt, User
from samband.security import repository
from samband.security.context import AccessLog, login_refusal
from samband.security.passwords import verify_password

RESOURCE = "login"


@dataclass(frozen=True)
class LoginResult:
    """A logged-in user, or why not (never both)."""

    user: User | None = None
    refusal: Unauthenticated | TooManyAttempts | None = None


@dataclass(frozen=True)
class Wait:
    seconds: int  # 0: may try now
    reason: str  # for the access log


def _wait_after(failures: repository.Failures, allowed: int, now: datetime, what: str) -> Wait:
    if failures.count < allowed or failures.last_at is None:
        return Wait(0, "")
    settings = get_settings()
    beyond = min(failures.count - allowed, 30)
    wait = min(settings.login_wait_seconds * 2**beyond, settings.login_max_wait_seconds)
    remaining = (failures.last_at + timedelta(seconds=wait) - now).total_seconds()
    return Wait(
        max(0, math.ceil(remaining)),
        f"{failures.count} failed logins {what} in a row; wait {wait} s after the last",
    )


def wait_for(session: Session, username: str, address: str | None, now: datetime) -> Wait:
    """How long this username, from this address, must wait before trying again."""
    settings = get_settings()
    since = now - timedelta(minutes=settings.login_window_minutes)
    waits = [
        _wait_after(
            repository.failures(session, username=username, since=since),
            settings.login_max_failures,
            now,
            "for this username",
        )
    ]
    if address:
        waits.append(
            _wait_after(
                repository.failures(session, address=address, since=since),
                settings.login_max_failures_per_address,
                now,
                f"from {address}",
            )
        )
    return max(waits, key=lambda w: w.seconds)


def log_in(
    session: Session, log: AccessLog, username: str, password: str, address: str | None
) -> LoginResult:
    """Check the password unless a wait is on; record the attempt; log a refusal."""
    now = clock.utcnow()
    name = username[:80]
    address = address[:64] if address else None

    def refuse(action: str, reason: str) -> None:
        log.record(
            patient_id=None,
            action=action,
            resource_type=RESOURCE,
            resource_id=name,
            allowed=False,
            reason=reason if not address else f"{reason} (from {address})",
        )

    wait = wait_for(session, name, address, now)
    if wait.seconds > 0:
        refuse("login_locked", wait.reason)
        return LoginResult(refusal=too_many(wait.seconds))

    user = repository.get_user_by_username(session, username)
    right = verify_password(user.password_hash if user else None, password)
    success = bool(user is not None and right and user.active)
    repository.add_login_attempt(
        session, LoginAttempt(at=now, username=name, address=address, success=success)
    )
    session.flush()
    if success:
        repository.delete_login_attempts_before(
            session, now - timedelta(minutes=get_settings().login_window_minutes)
        )
        return LoginResult(user=user)
    if user is not None and right:
        refuse("login_failed", "the account is deactivated")
        return LoginResult(refusal=login_refusal(problem("login.deactivated")))
    refuse("login_failed", "no such user" if user is None else "wrong password")
    locked = wait_for(session, name, address, now)
    if locked.seconds > 0:
        refuse("login_locked", f"locked out: {locked.reason}")
    return LoginResult(refusal=login_refusal(problem("login.wrong")))


def too_many(seconds: int) -> TooManyAttempts:
    """Wait ``seconds`` (the API's code stays ``too_many_attempts``, docs/api.md)."""
    refusal = TooManyAttempts(problem("login.too_many", seconds=seconds), retry_after=seconds)
    refusal.code = TooManyAttempts.code
    refusal.details["problem"] = "login.too_many"
    return refusal
