"""The access-log pages (Åtkomstlogg, web/audit.py) for an auditor of one care provider, the
users pages (Användare, web/admin.py) for an administrator, where each role lands after
login, the navigation per role, and the error page's frame (issue 10, finding 14)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import (
    AuditEvent,
    AuditReview,
    EmergencyAccess,
    Organisation,
    Patient,
    Unit,
    User,
)
from tests.factories import (
    auth,
    make_audit_event,
    make_emergency_access,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
    random_id,
    valid_personnummer,
)


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    home_care: Organisation
    home_unit: Unit
    nurse: User
    auditor: User
    analyst: User
    admin: User
    municipal_nurse: User
    municipal_auditor: User
    patient: Patient


def make_world(session: Session) -> World:
    clinic = make_organisation(session, authority_name="Region Dalarna", name="Infektionskliniken")
    ward = make_unit(session, clinic)
    home_care = make_municipality(session, name="Hemsjukvården Falun")
    home_unit = make_unit(session, home_care)
    nurse = make_user(session, clinic, unit=ward)
    return World(
        clinic=clinic,
        ward=ward,
        home_care=home_care,
        home_unit=home_unit,
        nurse=nurse,
        auditor=make_user(session, clinic, role="auditor"),
        analyst=make_user(session, clinic, role="analyst"),
        admin=make_user(session, clinic, role="administrator"),
        municipal_nurse=make_user(session, home_care, unit=home_unit),
        municipal_auditor=make_user(session, home_care, role="auditor"),
        patient=make_patient(
            session, registered_by=nurse, personnummer=valid_personnummer(1946, 4, 9, 215)
        ),
    )


def nav(html: str) -> list[str]:
    """The navigation's link targets."""
    block = re.search(r"<nav aria-label=\"Samband\">(.*?)</nav>", html, re.S)
    assert block, "no navigation"
    return re.findall(r'href="([^"]+)"', block.group(1))


def logged(session: Session, user: User) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == user.id).order_by(AuditEvent.at)
        )
    )


class TestLanding:
    def test_each_role_lands_on_a_page_it_can_use(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        for user, home in (
            (w.auditor, "/audit"),
            (w.analyst, "/outcomes"),
            (w.admin, "/admin/users"),
        ):
            login(client, session, user)
            response = client.get("/", follow_redirects=False)
            assert response.status_code == 303, user.role
            assert response.headers["location"] == home
            page = client.get(home)
            assert page.status_code == 200, (user.role, page.text[:300])
        login(client, session, w.nurse)
        overview = client.get("/", follow_redirects=False)
        assert overview.status_code == 200
        assert "Översikt" in overview.text

    def test_the_navigation_shows_each_role_only_its_pages(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        expected = {
            w.auditor: ["/audit"],
            w.analyst: ["/outcomes", "/deviations/summary"],
            w.admin: ["/on-call", "/admin/users"],  # the administrator keeps the rosters
        }
        for user, links in expected.items():
            login(client, session, user)
            assert nav(client.get("/").text) == links, user.role
            for link in links:
                assert client.get(link).status_code == 200
        login(client, session, w.nurse)
        clinical = nav(client.get("/").text)
        assert "/patients" in clinical
        assert "/audit" not in clinical
        assert "/admin/users" not in clinical

    def test_after_login_the_auditor_is_on_the_access_log(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.auditor)
        page = client.get("/")  # the login's default destination
        assert page.url.path == "/audit"
        assert "Åtkomstlogg" in page.text


class TestErrorPage:
    def test_has_the_navigation_a_log_out_button_and_the_users_language(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.analyst)

        refused = client.get("/patients")

        assert refused.status_code == 403
        assert nav(refused.text) == ["/outcomes", "/deviations/summary"]
        assert 'action="/logout"' in refused.text
        assert "Inte tillåtet" in refused.text
        assert "Rollen analytiker får inte göra detta" in refused.text
        client.get("/language/en")
        english = client.get("/patients")
        assert "Not allowed" in english.text
        assert "may not do this" in english.text

    def test_not_found_is_said_in_swedish(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.admin)

        page = client.get(f"/admin/users/{random_id()}")

        assert page.status_code == 404
        assert "Hittades inte" in page.text
        assert "Användaren finns inte" in page.text
        assert nav(page.text) == ["/on-call", "/admin/users"]


class TestSearchPage:
    def test_the_results_table_with_every_column(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        make_audit_event(session, user=w.nurse, patient=w.patient, reason="round")
        make_audit_event(session, user=w.municipal_nurse, patient=w.patient)
        login(client, session, w.auditor)

        page = client.get("/audit")

        assert page.status_code == 200
        text = page.text
        for heading in (
            "Tid",
            "Användare",
            "Roll",
            "Verksamhet / enhet",
            "Patient",
            "Åtgärd",
            "Uppgifter",
            "Tillåten",
            "Nödåtkomst",
            "Orsak",
        ):
            assert f">{heading}</th>" in text, heading
        assert w.nurse.username in text
        assert w.municipal_nurse.username not in text
        assert "sjuksköterska" in text
        assert f"{w.clinic.code} / {w.ward.code}" in text
        assert f"{w.patient.personnummer[:8]}-{w.patient.personnummer[8:]}" in text
        assert "Region Dalarna" in text

    def test_by_patient_user_unit_and_period(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        other_unit = make_unit(session, w.clinic)
        elsewhere = make_user(session, w.clinic, unit=other_unit)
        mine = make_audit_event(session, user=w.nurse, patient=w.patient)
        make_audit_event(session, user=elsewhere, patient=w.patient)
        login(client, session, w.auditor)

        by_unit = client.get("/audit", params={"place": f"unit:{w.ward.code}"})
        by_user = client.get("/audit", params={"username": elsewhere.username})
        by_patient = client.get("/audit", params={"personnummer": w.patient.personnummer})
        future = client.get("/audit", params={"from": "2999-01-01"})

        assert elsewhere.username not in by_unit.text.split("<tbody>")[1]
        assert w.nurse.username not in by_user.text.split("<tbody>")[1]
        assert "Träffar: 2" in by_patient.text
        assert "Inga rader." in future.text
        assert str(mine.id) not in by_unit.text  # ids are not shown, usernames are
        assert [r.action for r in logged(session, w.auditor)] == ["audit_search"]

    def test_bad_input_is_said_next_to_the_field(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.auditor)

        bad_date = client.get("/audit", params={"from": "igår"})
        bad_number = client.get("/audit", params={"personnummer": "19121212-1213"})

        assert bad_date.status_code == bad_number.status_code == 422
        assert "Skriv datumet som ÅÅÅÅ-MM-DD." in bad_date.text
        assert "kontrollsiffran ska vara 2" in bad_number.text

    def test_pages(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        for _ in range(55):
            make_audit_event(session, user=w.nurse, patient=w.patient)
        login(client, session, w.auditor)

        first = client.get("/audit")
        second = client.get("/audit", params={"page": "2"})

        assert "Sida 1 / 2" in first.text
        assert 'rel="next"' in first.text
        assert second.text.count('data-label="Tid"') == 5

    def test_a_nurse_is_refused_with_the_patient_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.nurse)

        page = client.get("/audit", params={"personnummer": w.patient.personnummer})

        assert page.status_code == 403
        assert [(r.action, r.patient_id, r.allowed) for r in logged(session, w.nurse)] == [
            ("audit_search", w.patient.id, False)
        ]
        for path in ("/audit/sample", "/audit/review", "/audit/extract"):
            assert client.get(path).status_code == 403, path


class TestExtractPage:
    def test_the_extract_and_its_pdf(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        make_audit_event(session, user=w.nurse, patient=w.patient)
        login(client, session, w.auditor)

        page = client.get("/audit/extract", params={"personnummer": w.patient.personnummer})
        document = client.get("/audit/extract.pdf", params={"personnummer": w.patient.personnummer})

        assert page.status_code == 200
        assert "Infektionskliniken" in page.text
        assert "Ladda ner PDF" in page.text
        assert document.status_code == 200
        assert document.headers["content-type"] == "application/pdf"
        assert document.content.startswith(b"%PDF-")

    def test_another_care_providers_patient_is_not_found_and_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        make_audit_event(session, user=w.municipal_nurse, patient=w.patient)
        login(client, session, w.auditor)

        page = client.get("/audit/extract", params={"personnummer": w.patient.personnummer})
        document = client.get("/audit/extract.pdf", params={"personnummer": w.patient.personnummer})

        assert page.status_code == document.status_code == 404
        assert "finns i Region Dalarnas åtkomstlogg" in page.text
        assert [(r.patient_id, r.allowed) for r in logged(session, w.auditor)] == [
            (w.patient.id, False)
        ] * 2


class TestSamplePage:
    def test_draws_with_a_seed_and_marks_a_row_reviewed(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        event = make_audit_event(session, user=w.nurse, patient=w.patient)
        login(client, session, w.auditor)

        start = client.get("/audit/sample", follow_redirects=False)
        assert start.status_code == 303
        assert "seed=" in start.headers["location"]
        page = client.get(start.headers["location"])
        assert page.status_code == 200
        assert 'name="csrf_token"' in page.text
        assert f'value="{event.id}"' in page.text
        back = start.headers["location"]

        empty = client.post(
            "/audit/reviews",
            data={"event_id": str(event.id), "note": " ", "back": back},
            follow_redirects=True,
        )
        assert "Skriv en anteckning." in empty.text

        marked = client.post(
            "/audit/reviews",
            data={"event_id": str(event.id), "note": "Vård enligt plan", "back": back},
            follow_redirects=False,
        )
        assert marked.status_code == 303
        again = client.get(marked.headers["location"])
        assert "Markerad som granskad." in again.text
        assert "Vård enligt plan" in again.text
        session.expire_all()
        assert session.scalar(select(AuditReview.note)) == "Vård enligt plan"
        unreviewed = client.get(back + "&reviewed=no")
        assert f'value="{event.id}"' not in unreviewed.text

    def test_marking_another_care_providers_row_is_404(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        theirs = make_audit_event(session, user=w.municipal_nurse, patient=w.patient)
        login(client, session, w.auditor)

        response = client.post(
            "/audit/reviews",
            data={"event_id": str(theirs.id), "note": "x", "back": "/audit/sample"},
        )

        assert response.status_code == 404
        assert [(r.action, r.allowed) for r in logged(session, w.auditor)] == [
            ("audit_review", False)
        ]

    def test_a_nurse_may_not_mark(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        event = make_audit_event(session, user=w.nurse, patient=w.patient)
        login(client, session, w.nurse)

        response = client.post(
            "/audit/reviews", data={"event_id": str(event.id), "note": "x", "back": "/audit"}
        )

        assert response.status_code == 403


class TestReviewPage:
    def test_emergency_accesses_relationships_and_blocks(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        physician = make_user(session, w.clinic, role="physician")
        access = make_emergency_access(session, user=physician, patient=w.patient)
        make_emergency_access(session, user=w.municipal_nurse, patient=w.patient)
        started = make_audit_event(
            session,
            user=w.nurse,
            patient=w.patient,
            action="relationship_start",
            resource_type="care_relationship",
            reason="flagged as a candidate (opat): erysipelas",
        )
        blocked = make_audit_event(
            session,
            user=physician,
            patient=w.patient,
            action="block_override",
            resource_type="episode",
            emergency=True,
        )
        login(client, session, w.auditor)

        emergency = client.get("/audit/review")
        assert emergency.status_code == 200
        assert physician.username in emergency.text
        assert w.municipal_nurse.username not in emergency.text
        assert "Unconscious at the ED" in emergency.text

        done = client.post(
            f"/audit/emergency/{access.id}/review",
            data={
                "note": "Medvetslös, rimligt",
                "back": "/audit/review?kind=emergency&reviewed=no",
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
        session.expire_all()
        assert session.get(EmergencyAccess, access.id).review_note == "Medvetslös, rimligt"  # type: ignore[union-attr]
        assert physician.username not in client.get("/audit/review").text
        assert "Medvetslös, rimligt" in client.get("/audit/review?reviewed=yes").text

        relations = client.get("/audit/review", params={"kind": "relationship_start"})
        assert "erysipelas" in relations.text
        assert f'value="{started.id}"' in relations.text
        blocks = client.get("/audit/review", params={"kind": "block_override"})
        assert f'value="{blocked.id}"' in blocks.text
        client.post(
            "/audit/reviews",
            data={
                "event_id": str(blocked.id),
                "note": "Akut",
                "back": "/audit/review?kind=block_override",
            },
        )
        assert (
            f'value="{blocked.id}"'
            not in client.get("/audit/review", params={"kind": "block_override"}).text
        )

    def test_english(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.auditor)
        client.get("/language/en")

        page = client.get("/audit/review")

        assert "Emergency accesses" in page.text
        assert "Access log" in page.text


class TestUsersPages:
    def test_list_create_edit_and_reset(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.admin)

        listing = client.get("/admin/users")
        assert listing.status_code == 200
        assert w.nurse.username in listing.text
        assert w.municipal_nurse.username not in listing.text
        form = client.get("/admin/users/new")
        assert 'name="csrf_token"' in form.text
        assert w.home_care.code not in form.text  # only the own care provider's

        created = client.post(
            "/admin/users/new",
            data={
                "full_name": "Lena Ny",
                "username": "ssk.lena",
                "role": "registered_nurse",
                "organisation_code": w.clinic.code,
                "unit_code": w.ward.code,
                "skill": ["iv_therapy", "sampling"],
                "other_skills": "stoma_care",
                "phone": "023-49 20 01",
                "password": "ett-bra-losenord",
            },
            follow_redirects=False,
        )
        assert created.status_code == 303, created.text
        page = client.get(created.headers["location"])
        assert "Användaren är skapad." in page.text
        lena = session.scalar(select(User).where(User.username == "ssk.lena"))
        assert lena is not None
        assert lena.skills == ["iv_therapy", "sampling", "stoma_care"]

        updated = client.post(
            f"/admin/users/{lena.id}",
            data={
                "full_name": "Lena Ny",
                "role": "physician",
                "unit_code": "",
                "skill": ["sampling"],
            },
            follow_redirects=True,
        )
        assert "Ändringarna är sparade." in updated.text
        session.expire_all()
        assert (lena.role, lena.unit_id, lena.skills, lena.active) == (
            "physician",
            None,
            ["sampling"],
            False,  # the box was not ticked
        )
        reset = client.post(
            f"/admin/users/{lena.id}/password",
            data={"password": "ett-annat-losenord"},
            follow_redirects=True,
        )
        assert "Lösenordet är bytt." in reset.text
        actions = [(r.action, r.allowed) for r in logged(session, w.admin)]
        assert actions == [("user_create", True), ("user_update", True), ("password_reset", True)]

    def test_errors_next_to_the_fields(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.admin)

        page = client.post(
            "/admin/users/new",
            data={
                "full_name": "X",
                "username": "Not Valid",
                "role": "registered_nurse",
                "organisation_code": w.clinic.code,
                "password": "kort",
            },
        )
        other = client.post(
            "/admin/users/new",
            data={
                "full_name": "X",
                "username": "ok.name",
                "role": "registered_nurse",
                "organisation_code": w.home_care.code,
                "password": "tillrackligt-langt",
            },
        )

        assert page.status_code == 422
        assert "Användarnamnet får bara ha små bokstäver" in page.text
        assert "Lösenordet måste ha minst 8 tecken." in page.text
        assert other.status_code == 404
        assert f"Verksamheten {w.home_care.code} finns inte" in other.text
        assert [(r.action, r.allowed) for r in logged(session, w.admin)] == [("user_create", False)]

    def test_another_care_providers_user_is_404_and_wrong_role_403(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.admin)
        assert client.get(f"/admin/users/{w.municipal_nurse.id}").status_code == 404
        assert (
            client.post(
                f"/admin/users/{w.municipal_nurse.id}",
                data={"full_name": "X", "role": "physician"},
            ).status_code
            == 404
        )
        assert (
            client.post(
                f"/admin/users/{w.municipal_nurse.id}/password", data={"password": "langt-nog-1"}
            ).status_code
            == 404
        )
        session.expire_all()
        assert session.get(User, w.municipal_nurse.id).role == "registered_nurse"  # type: ignore[union-attr]
        assert [r.allowed for r in logged(session, w.admin)] == [False, False, False]

        login(client, session, w.nurse)
        for path in ("/admin/users", "/admin/users/new", f"/admin/users/{w.nurse.id}"):
            assert client.get(path).status_code == 403, path
        assert client.post("/admin/users/new", data={"full_name": "X"}).status_code == 403

    def test_english(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.admin)
        client.get("/language/en")

        page = client.get(f"/admin/users/{w.nurse.id}")

        assert "New password" in page.text
        assert "Save the changes" in page.text
