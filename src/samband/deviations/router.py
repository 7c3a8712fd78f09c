"""HTTP for deviations (issue 14)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["deviations"])
