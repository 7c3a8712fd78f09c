"""Who is calling, and the request's unit of work: the session and the access log entries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from samband.audit import ledger
from samband.kit.errors import Forbidden, Problem, Unauthenticated, problem
from samband.kit.i18n import msg
from samband.kit.time import utcnow
from samband.security.roles import Permission, permissions_of


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    username: str
    full_name: str
    role: str
    organisation_id: uuid.UUID
    organisation_code: str
    unit_id: uuid.UUID | None
    unit_code: str | None
    # The organisation's kind (OrganisationKind) and its care provider (vårdgivare: the region
    # or the municipality, e.g. "region:Region Dalarna"): patientdatalagen's inner
    # confidentiality is per care provider.
    organisation_kind: str = ""
    care_provider: str = ""

    @property
    def is_social_services(self) -> bool:
        """Municipal home care (hemtjänst, SoL): sees what the plan shares with it, not the
        medical record."""
        return self.organisation_kind == "municipal_home_care"

    def require_record(self) -> None:
        """The medical record (alerts, rounds, …) is not for social services: a list of it
        would only say "none" where there is data (docs/decisions/0010)."""
        if self.is_social_services:
            raise Forbidden(problem("security.no_medical_record"))

    def can(self, permission: Permission) -> bool:
        return permission in permissions_of(self.role)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise role_refusal(self.role, permission)


def role_refusal(role: str, permission: Permission) -> Forbidden:
    """The 403 for a role that lacks a permission: worded by the catalogue (the pages show it
    in the reader's language), with the API's generic code ``forbidden`` (docs/api.md) and the
    permission named in the answer."""
    refusal = Forbidden(
        problem("security.role_may_not", role=msg(f"role.{role}"), permission=permission.value),
        permission=permission.value,
    )
    refusal.code = Forbidden.code
    return refusal


def login_refusal(found: Problem) -> Unauthenticated:
    """A 401 worded by the catalogue (``login.wrong``, ``session.expired`` …): the API keeps
    its generic code ``unauthenticated`` (docs/api.md) and names the problem's code in
    ``problem``; a page shows the text in the reader's language."""
    refusal = Unauthenticated(found, problem=found.code)
    refusal.code = Unauthenticated.code
    return refusal


@dataclass
class AccessEntry:
    at: datetime
    patient_id: uuid.UUID | None
    action: str
    resource_type: str
    resource_id: str | None
    allowed: bool
    emergency: bool = False
    reason: str | None = None


@dataclass
class AccessLog:
    """Entries gathered during a request; written with the request's outcome."""

    entries: list[AccessEntry] = field(default_factory=list)

    def record(
        self,
        *,
        patient_id: uuid.UUID | None,
        action: str,
        resource_type: str,
        resource_id: object = None,
        allowed: bool,
        emergency: bool = False,
        reason: str | None = None,
    ) -> None:
        self.entries.append(
            AccessEntry(
                at=utcnow(),
                patient_id=patient_id,
                action=action,
                resource_type=resource_type,
                resource_id=None if resource_id is None else str(resource_id)[:64],
                allowed=allowed,
                emergency=emergency,
                reason=reason,
            )
        )

    def write(
        self,
        session: Session,
        actor: Actor | None,
        *,
        method: str | None,
        path: str | None,
        status_code: int | None,
        failed: bool = False,
        username: str | None = None,
    ) -> None:
        """Write the entries as access-log rows at the end of the log's hash chain, in one
        INSERT (a batch of a thousand sets logs up to a thousand patients; decision 0009).
        ``username``: for rows without an actor, the name given (a failed login's)."""
        who = {
            "user_id": actor.user_id if actor else None,
            "username": actor.username if actor else (username[:80] if username else None),
            "role": actor.role if actor else None,
            "organisation_id": actor.organisation_id if actor else None,
            "organisation_code": actor.organisation_code if actor else None,
            "unit_id": actor.unit_id if actor else None,
            "unit_code": actor.unit_code if actor else None,
            "method": method,
            "path": path[:300] if path else None,
            "status_code": status_code,
        }
        rows: list[dict[str, object]] = []
        for entry in self.entries:
            reason = entry.reason
            if failed and entry.allowed:
                reason = f"request failed ({status_code}); nothing was changed"
            rows.append(
                {
                    **who,
                    "id": uuid.uuid4(),
                    "at": entry.at,
                    "patient_id": entry.patient_id,
                    "action": entry.action,
                    "resource_type": entry.resource_type,
                    "resource_id": entry.resource_id,
                    "allowed": entry.allowed,
                    "emergency": entry.emergency,
                    "reason": reason,
                }
            )
        ledger.append(session, rows)
        self.entries.clear()


@dataclass
class Context:
    """What a service needs: the session (one transaction), the caller and the access log."""

    session: Session
    actor: Actor
    log: AccessLog = field(default_factory=AccessLog)
