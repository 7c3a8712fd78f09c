"""The pages' routers, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from samband.web import (
    admin,
    alerts,
    audit,
    auth,
    carerequests,
    copy,
    dayplan,
    flow,
    myvisits,
    notifications,
    oncall,
    outcomes,
    overview,
    patients,
    reports,
    rounds,
    selfreport,
    vitals,
)

routers: list[APIRouter] = [
    auth.router,
    overview.router,
    alerts.router,
    copy.router,
    rounds.router,
    dayplan.router,
    myvisits.router,
    patients.router,
    vitals.router,
    flow.router,
    carerequests.router,
    selfreport.router,
    outcomes.router,
    reports.router,
    oncall.router,
    notifications.router,
    audit.router,
    admin.router,
]
