from __future__ import annotations

import uuid

from pydantic import BaseModel


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class MeRead(BaseModel):
    id: uuid.UUID
    username: str
    full_name: str
    role: str
    organisation_id: uuid.UUID
    organisation_code: str
    unit_code: str | None
    permissions: list[str]
