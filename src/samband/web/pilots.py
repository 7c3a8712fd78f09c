"""Pages for pilots (learning follow-up, issue 14)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
