"""The pages: the patient page shows the enrolment, the fixed physician and care contact (and
the hospital-at-home episode on top when one is open); /patients/{id}/enrolment enrols, ends
and changes the fixed physician and care contact, with the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import Episode, PatientAssignment
from tests.enrolments.helpers import World, build, enrol
from tests.factories import make_episode_at_home, make_organisation, make_user
from tests.web.test_overview import login


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


class TestPatientPage:
    def test_not_enrolled_it_offers_to_enrol(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        login(client, session, w.nurse)

        page = client.get(f"/patients/{w.patient.id}")

        assert page.status_code == 200
        assert 'data-enrolled="no"' in page.text
        assert "Inte inskriven i hemsjukvården" in page.text
        assert f"/patients/{w.patient.id}/enrolment#enrol" in page.text

    def test_enrolled_it_shows_since_when_the_unit_and_the_fixed_physician(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrol(session, w, fixed_physician_id=w.gp.id, care_contact_id=w.nurse.id)
        login(client, session, w.nurse)

        page = client.get(f"/patients/{w.patient.id}").text

        assert 'data-enrolled="yes"' in page
        assert "Inskriven i hemsjukvården sedan" in page
        assert w.hsv_unit.name in page
        assert w.gp.full_name in page
        assert 'href="tel:070-2222222"' in page  # the physician's phone
        assert '<h2 id="h-episode">Hemsjukvård <span' in page  # the enrolment's record

    def test_the_hospital_episode_is_shown_on_top_with_the_enrolment_beside_it(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrolment = enrol(session, w)
        hospital = make_episode_at_home(
            session, w.patient, unit=w.ward, home_care=w.hsv, since=utcnow() - timedelta(days=1)
        )
        login(client, session, w.nurse)

        page = client.get(f"/patients/{w.patient.id}").text
        record = client.get(f"/patients/{w.patient.id}?episode_id={enrolment.id}").text

        assert "Inskriven i hemsjukvården sedan" in page
        assert f"?episode_id={enrolment.id}" in page  # the enrolment's record, one tap away
        assert f"/episodes/{hospital.id}/" in page  # the hospital episode's actions
        assert f"?episode_id={hospital.id}" in record  # now under "earlier / other"
        assert '<h2 id="h-episode">Hemsjukvård <span' in record
        assert '<h2 id="h-episode">Hemsjukvård <span' not in page

    def test_english_reads_english(self, client: TestClient, session: Session, w: World) -> None:
        enrol(session, w)
        login(client, session, w.nurse)
        client.cookies.set("samband_lang", "en")

        page = client.get(f"/patients/{w.patient.id}").text

        assert "Enrolled in home health care since" in page


class TestEnrolmentPage:
    def test_enrol_change_the_physician_and_end_through_the_page(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        login(client, session, w.nurse)
        path = f"/patients/{w.patient.id}"

        enrolled = client.post(
            f"{path}/enrolment",
            data={
                "enrol_unit_id": str(w.hsv_unit.id),
                "enrol_care_contact_id": str(w.nurse.id),
                "enrol_fixed_physician_id": str(w.gp.id),
                "enrol_consent": "on",
                "enrol_reason": "",
            },
            follow_redirects=False,
        )
        changed = client.post(
            f"{path}/fixed-physician",
            data={"physician_user_id": str(w.gp2.id), "physician_reason": "Ny läkare på VC"},
            follow_redirects=False,
        )
        shown = client.get(f"{path}/enrolment")
        ended = client.post(
            f"{path}/enrolment/end",
            data={"end_reason": "no_longer_needed", "end_note": ""},
            follow_redirects=False,
        )

        assert enrolled.status_code == 303, enrolled.text
        assert enrolled.headers["location"].endswith("/enrolment?notice=enrolled")
        assert changed.status_code == 303, changed.text
        assert "Patienten är inskriven" not in shown.text  # the notice is shown once
        assert w.gp2.full_name in shown.text
        assert "Ny läkare på VC" in shown.text  # in the history
        assert 'id="end"' in shown.text
        assert ended.status_code == 303, ended.text
        session.expire_all()
        episode = session.scalar(select(Episode).where(Episode.kind == "home_health_care"))
        assert episode is not None
        assert (episode.state, episode.shared_records_consent) == ("ended", True)
        assert len(list(session.scalars(select(PatientAssignment)))) == 3

    def test_a_refusal_is_shown_next_to_the_field_in_swedish(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrol(session, w)
        login(client, session, w.nurse)

        response = client.post(
            f"/patients/{w.patient.id}/fixed-care-contact",
            data={"contact_user_id": str(w.assistant.id), "contact_reason": ""},
        )

        assert response.status_code == 422
        assert "fast vårdkontakt ska vara legitimerad personal" in response.text
        assert 'id="f-contact_user_id-error"' in response.text

    def test_the_end_form_is_only_for_the_responsible_organisation(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrol(session, w, shared_records_consent=True)
        login(client, session, w.gp)

        page = client.get(f"/patients/{w.patient.id}/enrolment")
        refused = client.post(
            f"/patients/{w.patient.id}/enrolment/end", data={"end_reason": "other"}
        )

        assert page.status_code == 200
        assert 'id="end"' not in page.text
        assert 'id="fixed-physician"' in page.text  # a physician may set it
        assert refused.status_code == 403

    def test_social_services_and_outsiders_see_nothing(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrol(session, w)
        home_care = make_organisation(
            session,
            kind="municipal_home_care",
            authority_kind="municipality",
            authority_name="Falu kommun",
        )
        social = make_user(session, home_care, role="coordinator")

        login(client, session, social)
        as_social = client.get(f"/patients/{w.patient.id}/enrolment")
        login(client, session, w.outsider)
        as_outsider = client.get(f"/patients/{w.patient.id}/enrolment")

        assert as_social.status_code == 403
        assert as_outsider.status_code == 404
        assert w.patient.family_name not in as_outsider.text
