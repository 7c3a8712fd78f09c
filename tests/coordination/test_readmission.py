"""A hospital-at-home episode readmitted opens a hospital stay by itself (lag 2017:612: the
admission notice's 24 hours start at once): the hospital is the episode's responsible unit's
organisation, the ward the unit readmitted to; a stay already open is left as it is; a
refused readmission opens nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import as_utc, utcnow
from samband.models import EpisodeEvent, HospitalStay
from tests.coordination.helpers import World, add_stay, build, stays
from tests.factories import auth, make_episode, make_patient


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def readmit(
    client: TestClient, session: Session, w: World, episode_id: object, **extra: object
) -> Response:
    return client.post(
        f"/api/v1/episodes/{episode_id}/transitions",
        json={"to": "readmitted", "reason": "NEWS2 7", "ward_unit_id": str(w.ward.id), **extra},
        headers=auth(session, w.nurse),
    )


def test_readmission_opens_a_stay(client: TestClient, session: Session, w: World) -> None:
    before = utcnow()
    response = readmit(client, session, w, w.at_home.id)
    assert response.status_code == 200, response.text
    stay = session.scalars(
        select(HospitalStay).where(HospitalStay.patient_id == w.patient.id)
    ).one()
    assert stay.episode_id == w.at_home.id
    assert stay.hospital_organisation_id == w.hospital.id
    assert stay.ward == w.ward.name
    assert as_utc(stay.admitted_at) >= before - timedelta(seconds=1)
    assert stay.admission_notice_sent_at is None
    assert stay.created_by_id == w.nurse.id
    assert [h["event"] for h in stay.history] == ["admitted"]
    assert stay.history[0]["data"]["readmitted_from_episode"] == str(w.at_home.id)
    event = session.scalars(
        select(EpisodeEvent).where(
            EpisodeEvent.episode_id == w.at_home.id, EpisodeEvent.to_state == "readmitted"
        )
    ).one()
    assert event.data["hospital_stay_id"] == str(stay.id)
    # the stay is the hospital's to coordinate: the notice goes out at once
    notice = client.post(
        f"/api/v1/hospital-stays/{stay.id}/admission-notice", headers=auth(session, w.nurse)
    )
    assert notice.status_code == 200, notice.text
    assert set(notice.json()["notice_to"]) == {str(w.municipality.id), str(w.centre.id)}


def test_a_stay_already_open_is_kept(client: TestClient, session: Session, w: World) -> None:
    open_stay = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=2))
    response = readmit(client, session, w, w.at_home.id)
    assert response.status_code == 200, response.text
    assert stays(session) == 1
    assert session.scalars(select(HospitalStay)).one().id == open_stay.id


def test_a_refused_readmission_opens_nothing(
    client: TestClient, session: Session, w: World
) -> None:
    # the ward's only reserved bed taken by another patient's readmission first
    other = make_episode(session, make_patient(session), unit=w.ward, state="at_home")
    assert readmit(client, session, w, other.id).status_code == 200
    assert stays(session) == 1
    full = readmit(client, session, w, w.at_home.id)
    assert full.status_code == 409
    assert stays(session) == 1
    assert not session.scalars(
        select(HospitalStay).where(HospitalStay.patient_id == w.patient.id)
    ).all()
