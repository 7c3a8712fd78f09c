"""The care flow as forms: every step posted as a browser would, refusals shown with their
reasons and changing nothing, and Kim's whole OPAT episode from candidate to discharge."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import (
    CarePlan,
    CarePlanVersion,
    CareRequest,
    ChecklistItem,
    Episode,
    EpisodeEvent,
    Medication,
    Patient,
)
from samband.pathways.definition import registry
from tests.factories import make_care_plan, make_episode, make_patient
from tests.web.test_patients import World, login, make_world, new_patient_form

CRITERIA = {f"crit_{c.key}": "yes" for c in registry()["opat"].eligibility}


def field_error(html: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="f-{re.escape(name)}-error">([^<]+)</p>', html)
    return unescape(match.group(1)) if match else None


def state_of(session: Session, episode: Episode) -> str:
    session.expire_all()
    return session.get(Episode, episode.id).state  # type: ignore[union-attr]


def planned_episode(
    session: Session, w: World, *, state: str = "planned", **plan: object
) -> Episode:
    """Kim with a plan (the OPAT template, discharge criteria included), nothing signed, no
    care request, no acknowledgement; ``planned`` unless ``state`` says otherwise."""
    patient = make_patient(session, given_name="Kim", registered_by=w.nurse)
    episode = make_episode(
        session,
        patient,
        unit=w.ward,
        state=state,
        physician=w.physician,
        care_contact=w.nurse,
        participants={w.municipality: "home_health_care"},
    )
    make_care_plan(session, episode, by=w.nurse, **plan)  # type: ignore[arg-type]
    return episode


class TestForms:
    def test_each_form_page_renders_for_an_allowed_user(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned_episode(session, w)
        login(client, session, w.nurse)
        for path in (
            "assess",
            "consent",
            "details",
            "care-plan",
            "medications",
            "checklist",
            "care-request",
            "contact",
            "transition/at_home",
            "transition/readmitted",
            "transition/deceased",
            "transition/withdrawn",
        ):
            page = client.get(f"/episodes/{episode.id}/{path}")
            assert page.status_code == 200, (path, page.text)
            assert "<label" in page.text or path == "care-plan", path
        assert client.get(f"/episodes/{episode.id}/transition/bogus").status_code == 404

    def test_forms_are_404_for_an_unrelated_organisation(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned_episode(session, w)
        login(client, session, w.outsider)
        for path in ("assess", "care-plan", "medications", "transition/at_home"):
            assert client.get(f"/episodes/{episode.id}/{path}").status_code == 404, path
        response = client.post(f"/episodes/{episode.id}/transition/at_home", data={})
        assert response.status_code == 404
        assert state_of(session, episode) == "planned"

    def test_refused_send_home_shows_every_reason_and_changes_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned_episode(session, w)
        events_before = len(
            session.scalars(select(EpisodeEvent).where(EpisodeEvent.episode_id == episode.id)).all()
        )
        login(client, session, w.nurse)
        response = client.post(
            f"/episodes/{episode.id}/transition/at_home",
            data={"reason": "Allt klart", "base_version": str(episode.version)},
        )
        assert response.status_code == 409
        text = unescape(response.text)
        assert "Checklistpunkten ”Läkemedelslistan avstämd” är inte klar" in text
        assert "Ingen accepterad vårdbegäran till kommunal hemsjukvård" in text
        assert "har inte godkänt den aktuella vårdplanen" in text
        assert text.count("<li>Checklistpunkten") >= 6  # one line per reason
        for english in ("not done", "checklist item", "no accepted care request", "acknowledged"):
            assert english not in text, english
        assert 'value="Allt klart"' in text or "Allt klart" in text  # what was typed stays
        assert state_of(session, episode) == "planned"
        events_after = len(
            session.scalars(select(EpisodeEvent).where(EpisodeEvent.episode_id == episode.id)).all()
        )
        assert events_after == events_before

    def test_the_same_refusal_in_english_on_an_english_page(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned_episode(session, w)
        login(client, session, w.nurse)
        client.get("/language/en")
        response = client.post(
            f"/episodes/{episode.id}/transition/at_home",
            data={"reason": "All done", "base_version": str(episode.version)},
        )
        assert response.status_code == 409
        text = unescape(response.text)
        assert "<li>checklist item 'Medication list reconciled' not done</li>" in text
        assert "no accepted care request to municipal home health care" in text
        assert "Checklistpunkten" not in text
        assert "vårdbegäran" not in text

    def test_the_wrong_role_is_refused_with_the_reason(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        patient = make_patient(session, registered_by=w.nurse)
        episode = make_episode(session, patient, unit=w.ward)
        login(client, session, w.nurse)
        response = client.post(
            f"/episodes/{episode.id}/assess", data={**CRITERIA, "eligible": "yes"}
        )
        assert response.status_code == 403
        assert "flytta episoden" in unescape(response.text)
        assert state_of(session, episode) == "candidate"

    def test_assessment_errors_are_next_to_the_unanswered_criteria(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = make_episode(session, make_patient(session, registered_by=w.nurse), unit=w.ward)
        login(client, session, w.physician)
        answers = dict(CRITERIA)
        del answers["crit_home_suitable"]
        response = client.post(f"/episodes/{episode.id}/assess", data=answers)
        assert response.status_code == 422
        assert field_error(response.text, "crit_home_suitable") == "Svara ja eller nej."
        assert field_error(response.text, "eligible") == "Svara ja eller nej."
        assert field_error(response.text, "crit_clinically_stable") is None
        assert state_of(session, episode) == "candidate"

    def test_not_eligible_needs_a_reason_then_ends_the_episode(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = make_episode(session, make_patient(session, registered_by=w.nurse), unit=w.ward)
        login(client, session, w.physician)
        data = {**CRITERIA, "crit_home_suitable": "no", "eligible": "no"}
        response = client.post(f"/episodes/{episode.id}/assess", data=data)
        assert field_error(response.text, "reason") == "Skriv en orsak."
        response = client.post(
            f"/episodes/{episode.id}/assess",
            data={**data, "reason": "Bostaden fungerar inte"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"].endswith("?notice=not_eligible")
        assert state_of(session, episode) == "not_eligible"

    def test_stale_care_plan_version_shows_the_conflict(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned_episode(session, w)
        login(client, session, w.nurse)
        form = {
            "base_version": "1",
            "goals": "Bli frisk",
            "if_worse": "Ring avdelningen",
            "discharge_criteria": "Feberfri",
        }
        assert (
            client.post(
                f"/episodes/{episode.id}/care-plan", data=form, follow_redirects=False
            ).status_code
            == 303
        )
        stale = client.post(f"/episodes/{episode.id}/care-plan", data=form)
        assert stale.status_code == 409
        assert "Någon annan har ändrat vårdplanen" in unescape(stale.text)
        assert "somebody else" not in stale.text
        plan = session.scalar(select(CarePlan).where(CarePlan.episode_id == episode.id))
        session.refresh(plan)
        assert plan is not None
        assert plan.current_version == 2

    def test_saving_the_plan_on_the_page_keeps_what_the_form_does_not_edit(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned_episode(session, w)
        plan = session.scalar(select(CarePlan).where(CarePlan.episode_id == episode.id))
        assert plan is not None
        before = session.scalar(
            select(CarePlanVersion).where(
                CarePlanVersion.care_plan_id == plan.id, CarePlanVersion.number == 1
            )
        )
        assert before is not None
        assert before.content["alert_limits"]  # the OPAT template's fever limit
        login(client, session, w.nurse)
        form = {
            "base_version": "1",
            "goals": "Bli frisk",
            "if_worse": "Ring avdelningen",
            "discharge_criteria": "Feberfri",
        }

        saved = client.post(f"/episodes/{episode.id}/care-plan", data=form, follow_redirects=False)

        assert saved.status_code == 303
        after = session.scalar(
            select(CarePlanVersion).where(
                CarePlanVersion.care_plan_id == plan.id, CarePlanVersion.number == 2
            )
        )
        assert after is not None
        assert after.content["goals"] == ["Bli frisk"]
        assert after.content["alert_limits"] == before.content["alert_limits"]
        assert after.content["activities"] == before.content["activities"]

    def test_care_plan_field_errors_are_next_to_the_fields(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned_episode(session, w)
        login(client, session, w.nurse)
        response = client.post(
            f"/episodes/{episode.id}/care-plan",
            data={
                "base_version": "1",
                "goals": "Bli frisk",
                "contact_when_0": "dagtid",
                "contact_who_0": "Avdelningen",
                "contact_phone_0": "ring inte",
                "if_worse": "",
                "discharge_criteria": "Feberfri",
            },
        )
        assert response.status_code == 422
        assert field_error(response.text, "if_worse")
        assert field_error(response.text, "contact_phone_0")
        assert 'value="Avdelningen"' in response.text

    def test_medication_add_error_and_stop(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        episode = planned_episode(session, w)
        login(client, session, w.nurse)
        refused = client.post(
            f"/episodes/{episode.id}/medications",
            data={
                "drug": "Cefotaxim",
                "dose": "1 g",
                "route": "iv",
                "schedule": "08:00",
                "given_by": "registered_nurse",
                "supplied_by": "Infektionsavdelningen",
            },
        )
        assert refused.status_code == 403  # a medication order is a physician's
        login(client, session, w.physician)
        bad = client.post(
            f"/episodes/{episode.id}/medications",
            data={
                "drug": "Cefotaxim",
                "dose": "1 g",
                "route": "iv",
                "given_by": "registered_nurse",
            },
        )
        assert bad.status_code == 422
        assert field_error(bad.text, "schedule")
        assert field_error(bad.text, "supplied_by")
        good = client.post(
            f"/episodes/{episode.id}/medications",
            data={
                "drug": "Cefotaxim",
                "dose": "1 g",
                "route": "iv",
                "schedule": "08:00 16:00 24:00",
                "given_by": "registered_nurse",
                "supplied_by": "Infektionsavdelningen",
                "days": "7",
            },
            follow_redirects=False,
        )
        assert good.status_code == 303
        medication = session.scalar(select(Medication).where(Medication.episode_id == episode.id))
        assert medication is not None
        assert medication.days == 7
        no_reason = client.post(f"/episodes/{episode.id}/medications/{medication.id}/stop", data={})
        assert field_error(no_reason.text, f"stop_{medication.id}")
        stopped = client.post(
            f"/episodes/{episode.id}/medications/{medication.id}/stop",
            data={"reason": "Byte till tabletter"},
            follow_redirects=False,
        )
        assert stopped.status_code == 303
        session.refresh(medication)
        assert medication.status == "stopped"


def _location(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


class TestOpatFlowThroughTheForms:
    def test_kim_from_candidate_to_discharge(self, client: TestClient, session: Session) -> None:
        w = make_world(session)

        # 1. The ward nurse registers Kim and flags her as a candidate.
        login(client, session, w.nurse)
        page = _location(
            client.post("/patients/new", data=new_patient_form(w), follow_redirects=False)
        )
        patient = session.scalar(select(Patient).where(Patient.personnummer == "196803149829"))
        assert patient is not None
        episode = session.scalar(select(Episode).where(Episode.patient_id == patient.id))
        assert episode is not None
        eid = episode.id
        base = f"/episodes/{eid}"

        # 2. The physician assesses against the criteria.
        login(client, session, w.physician)
        assert f"{base}/assess" in client.get(page).text
        _location(
            client.post(
                f"{base}/assess", data={**CRITERIA, "eligible": "yes"}, follow_redirects=False
            )
        )
        assert state_of(session, episode) == "assessed"

        # 3. Consent.
        login(client, session, w.nurse)
        missing = client.post(
            f"{base}/consent", data={"decision": "consent", "patient_informed": "on"}
        )
        assert field_error(missing.text, "patient_consents")
        _location(
            client.post(
                f"{base}/consent",
                data={
                    "decision": "consent",
                    "patient_informed": "on",
                    "next_of_kin_informed": "on",
                    "patient_consents": "on",
                    "shared_records_consent": "on",
                },
                follow_redirects=False,
            )
        )
        assert state_of(session, episode) == "consented"

        # 4. Plan ready is refused until there is a plan, a physician and a care contact.
        refused = client.post(f"{base}/transition/planned", data={})
        assert refused.status_code == 409
        assert "Gör den dokumenterade överenskommelsen (vårdplanen) först" in unescape(refused.text)
        _location(
            client.post(
                f"{base}/details",
                data={
                    "responsible_physician_id": str(w.physician.id),
                    "care_contact_id": str(w.nurse.id),
                },
                follow_redirects=False,
            )
        )
        # 5. The documented agreement from the template, then Kim's goals and contacts.
        editor = _location(client.post(f"{base}/care-plan/create", follow_redirects=False))
        editor_page = client.get(editor)
        # the activities, read-only
        assert "Ge iv-antibiotika · 3 gånger om dagen" in editor_page.text
        _location(
            client.post(
                f"{base}/care-plan",
                data={
                    "base_version": "1",
                    "goals": "Sova hemma\nGå promenad med hunden",
                    "contact_when_0": "vardagar 07-16",
                    "contact_who_0": "Fast vårdkontakt på infektion",
                    "contact_phone_0": "023-49 00 00",
                    "contact_when_1": "övrig tid",
                    "contact_who_1": "Infektionsavdelning 11",
                    "contact_phone_1": "023-49 11 11",
                    "if_worse": "Feber över 38,5: ring avdelningen\nAndnöd: ring 112",
                    "discharge_criteria": "Antibiotikakuren klar\nFeberfri i 48 timmar",
                    "change_note": "Kims mål och kontakter",
                },
                follow_redirects=False,
            )
        )
        version = session.scalar(
            select(CarePlanVersion)
            .join(CarePlan)
            .where(CarePlan.episode_id == eid, CarePlanVersion.number == 2)
        )
        assert version is not None
        assert version.content["goals"] == ["Sova hemma", "Gå promenad med hunden"]
        assert len(version.content["contacts"]) == 2
        assert len(version.content["activities"]) == 5
        _location(
            client.post(
                f"{base}/care-plan/acknowledge",
                data={"version": "2", "party": "patient", "ack_name": "Kim Sandberg"},
                follow_redirects=False,
            )
        )
        _location(
            client.post(
                f"{base}/care-plan/acknowledge",
                data={"version": "2", "party": "organisation"},
                follow_redirects=False,
            )
        )
        # the medication order is the physician's
        login(client, session, w.physician)
        _location(
            client.post(
                f"{base}/medications",
                data={
                    "drug": "Cefotaxim",
                    "dose": "1 g",
                    "route": "iv",
                    "schedule": "08:00 16:00 24:00",
                    "given_by": "registered_nurse",
                    "supplied_by": "Infektionsavdelning 11",
                    "days": "7",
                },
                follow_redirects=False,
            )
        )
        login(client, session, w.nurse)
        _location(client.post(f"{base}/transition/planned", data={}, follow_redirects=False))
        assert state_of(session, episode) == "planned"

        # 6. The care request to home health care.
        _location(
            client.post(
                f"{base}/care-request",
                data={
                    "kind": "home_health_care",
                    "to_organisation_id": str(w.municipality.id),
                    "message": "Iv cefotaxim 3 gånger dagligen",
                    "answer_within_hours": "12",
                },
                follow_redirects=False,
            )
        )
        request = session.scalar(select(CareRequest).where(CareRequest.episode_id == eid))
        assert request is not None

        # 7. A refused send-home: nothing is signed yet.
        refused = client.post(f"{base}/transition/at_home", data={})
        assert refused.status_code == 409
        assert "”Läkemedelslistan avstämd” är inte klar" in unescape(refused.text)
        assert state_of(session, episode) == "planned"

        # 8. A second municipal nurse accepts through the pages.
        login(client, session, w.fredrik)
        assert f"/care-requests/{request.id}" in client.get("/care-requests").text
        assert "Accept" in client.get(f"/care-requests/{request.id}").text
        _location(
            client.post(
                f"/care-requests/{request.id}/transition",
                data={"to": "accepted"},
                follow_redirects=False,
            )
        )
        session.refresh(request)
        assert request.state == "accepted"

        # 9. The checklist, signed by the pharmacist and the nurse.
        login(client, session, w.pharmacist)
        for key in ("medication_list_reconciled", "medication_packed"):
            _location(
                client.post(
                    f"{base}/checklist/{key}/sign", data={"note": "ok"}, follow_redirects=False
                )
            )
        login(client, session, w.nurse)
        for key in (
            "iv_access_placed",
            "video_tablet_tested",
            "equipment_delivered",
            "reserved_bed_secured",
            "contact_sheet_given",
        ):
            _location(client.post(f"{base}/checklist/{key}/sign", data={}, follow_redirects=False))
        open_items = session.scalars(
            select(ChecklistItem).where(
                ChecklistItem.episode_id == eid,
                ChecklistItem.blocking,
                ChecklistItem.done.is_(False),
            )
        ).all()
        assert not open_items

        # 10. Home; the evening call of day 1.
        home = _location(client.post(f"{base}/transition/at_home", data={}, follow_redirects=False))
        assert state_of(session, episode) == "at_home"
        assert f"{base}/contact" in client.get(home).text
        _location(
            client.post(
                f"{base}/contact",
                data={
                    "kind": "day1",
                    "spoke_with": "patient",
                    "outcome": "well",
                    "note": "Sover gott",
                },
                follow_redirects=False,
            )
        )

        # 11. Discharge by the physician.
        login(client, session, w.physician)
        done = _location(
            client.post(
                f"{base}/transition/discharged",
                data={"reason": "Kuren klar, feberfri", "met_0": "on", "met_1": "on"},
                follow_redirects=False,
            )
        )
        assert state_of(session, episode) == "discharged"
        final = client.get(done)
        assert "Utskriven" in final.text
        assert "Kvällssamtal dag 1" in final.text
        assert "Vårdbegäran accepterad" in final.text
        kinds = session.scalars(
            select(EpisodeEvent.kind).where(EpisodeEvent.episode_id == eid)
        ).all()
        assert "contact.day1" in kinds
