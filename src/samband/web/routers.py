"""The pages' routers, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from samband.web import auth, carerequests, copy, dayplan, flow, overview, patients, rounds

routers: list[APIRouter] = [
    auth.router,
    overview.router,
    copy.router,
    rounds.router,
    dayplan.router,
    patients.router,
    flow.router,
    carerequests.router,
]
