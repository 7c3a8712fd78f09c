"""The pages' routers, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from samband.web import (
    admin,
    alerts,
    audit,
    auth,
    carerequests,
    coordination,
    copy,
    dayplan,
    enrolments,
    flow,
    messaging,
    myvisits,
    notifications,
    oncall,
    outcomes,
    overview,
    patients,
    physicianrequests,
    physicianvisits,
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
    enrolments.router,
    physicianrequests.router,
    patients.router,
    vitals.router,
    flow.router,
    carerequests.router,
    messaging.router,
    physicianvisits.router,
    selfreport.router,
    outcomes.router,
    reports.router,
    oncall.router,
    coordination.router,
    notifications.router,
    audit.router,
    admin.router,
]
