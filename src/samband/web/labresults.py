"""Pages for samples and results (issue 14)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
