"""Administration per care provider (issue 10, finding 3): an administrator manages the users
of their own care provider only; another care provider's organisation, unit or user is 404
in the same words as an unknown one, and the attempt is logged; every account, role, skill
and password change writes an access-log row the care provider's auditor sees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import AuditEvent, Organisation, Unit, User
from samband.organisations import service
from samband.organisations.schemas import UserCreate
from samband.security.passwords import verify_password
from samband.security.roles import Role
from tests.factories import (
    auth,
    make_municipality,
    make_organisation,
    make_unit,
    make_user,
    random_id,
)

USERS = "/api/v1/users"
SECRET = "a-new-secret-1234"  # noqa: S105 - a test password


@dataclass
class World:
    clinic: Organisation  # Region Dalarna
    ward: Unit
    primary_care: Organisation  # Region Dalarna too
    home_care: Organisation  # Falu kommun
    home_unit: Unit
    admin: User
    auditor: User
    nurse: User
    municipal_admin: User
    municipal_auditor: User
    municipal_nurse: User


def make_world(session: Session) -> World:
    clinic = make_organisation(session, authority_name="Region Dalarna", name="Infektion")
    ward = make_unit(session, clinic)
    primary_care = make_organisation(
        session, kind="primary_care_centre", authority_name="Region Dalarna", name="VC Norra"
    )
    home_care = make_municipality(session, name="Hemsjukvården Falun")
    home_unit = make_unit(session, home_care)
    return World(
        clinic=clinic,
        ward=ward,
        primary_care=primary_care,
        home_care=home_care,
        home_unit=home_unit,
        admin=make_user(session, clinic, role="administrator"),
        auditor=make_user(session, clinic, role="auditor"),
        nurse=make_user(session, clinic, unit=ward),
        municipal_admin=make_user(session, home_care, role="administrator"),
        municipal_auditor=make_user(session, home_care, role="auditor"),
        municipal_nurse=make_user(session, home_care, unit=home_unit),
    )


def new_user(organisation: Organisation, **fields: object) -> dict[str, object]:
    return {
        "username": fields.pop("username", f"user.{uuid.uuid4().hex[:8]}"),
        "full_name": "Ny Användare",
        "role": "physician",
        "organisation_code": organisation.code,
        "password": SECRET,
        **fields,
    }


def rows(session: Session, **where: object) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.at)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(session.scalars(query))


class TestCreate:
    def test_in_an_organisation_of_the_own_care_provider_and_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        body = new_user(w.primary_care, skills=["iv_therapy"], phone="023-49 30 00")

        response = client.post(USERS, json=body, headers=auth(session, w.admin))

        assert response.status_code == 201, response.text
        created = response.json()
        assert created["organisation_code"] == w.primary_care.code
        assert created["role"] == "physician"
        logged = rows(session, action="user_create", user_id=w.admin.id)
        assert len(logged) == 1
        row = logged[0]
        assert (row.resource_type, row.resource_id, row.patient_id) == (
            "user",
            created["id"],
            None,
        )
        assert row.allowed is True
        assert row.reason is not None
        assert "role: physician" in row.reason
        assert f"organisation: {w.primary_care.code}" in row.reason
        assert "skills: iv_therapy" in row.reason
        assert SECRET not in row.reason

    def test_another_care_providers_organisation_is_404_like_an_unknown_one_and_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        headers = auth(session, w.admin)

        other = client.post(USERS, json=new_user(w.home_care), headers=headers)
        unknown = client.post(
            USERS, json=new_user(w.home_care, organisation_code="NOPE"), headers=headers
        )

        assert other.status_code == unknown.status_code == 404
        assert other.json()["detail"] == f"organisation {w.home_care.code} was not found"
        assert unknown.json()["detail"] == "organisation NOPE was not found"
        assert other.json()["field"] == "organisation_code"
        refused = rows(session, action="user_create", user_id=w.admin.id)
        assert [(r.allowed, r.resource_id) for r in refused] == [
            (False, w.home_care.code),
            (False, "NOPE"),
        ]
        assert "another care provider (Falu kommun)" in (refused[0].reason or "")
        assert (
            session.scalar(
                select(User)
                .where(User.organisation_id == w.home_care.id)
                .where(User.role == "physician")
            )
            is None
        )

    def test_a_unit_of_another_care_provider_is_404_and_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        body = new_user(w.clinic, unit_code=w.home_unit.code)

        response = client.post(USERS, json=body, headers=auth(session, w.admin))

        assert response.status_code == 404
        assert response.json()["detail"] == f"unit {w.home_unit.code} was not found"
        refused = rows(session, action="user_create", user_id=w.admin.id)
        assert [r.allowed for r in refused] == [False]

    def test_wrong_role_is_403_and_logged(self, client: TestClient, session: Session) -> None:
        w = make_world(session)

        response = client.post(USERS, json=new_user(w.clinic), headers=auth(session, w.nurse))

        assert response.status_code == 403
        refused = rows(session, user_id=w.nurse.id)
        assert [(r.action, r.resource_type, r.allowed) for r in refused] == [
            ("user_create", "user", False)
        ]

    def test_bad_input_names_the_field(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        headers = auth(session, w.admin)
        for field, value in (
            ("phone", "call me"),
            ("skills", ["IV therapy!"]),
            ("password", "short"),
        ):
            response = client.post(
                USERS, json=new_user(w.clinic, **{field: value}), headers=headers
            )
            assert response.status_code == 422, field
            assert response.json()["errors"][0]["field"].startswith(field)


class TestList:
    def test_the_care_providers_users_only(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        vc_doctor = make_user(session, w.primary_care, role="physician")

        response = client.get(USERS, headers=auth(session, w.admin))

        assert response.status_code == 200
        ids = {u["id"] for u in response.json()}
        assert {str(w.admin.id), str(w.nurse.id), str(vc_doctor.id)} <= ids
        assert str(w.municipal_nurse.id) not in ids
        assert str(w.municipal_admin.id) not in ids

    def test_one_organisation_and_another_care_providers_is_404(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        headers = auth(session, w.admin)

        own = client.get(USERS, params={"organisation_id": str(w.clinic.id)}, headers=headers)
        other = client.get(USERS, params={"organisation_id": str(w.home_care.id)}, headers=headers)

        assert {u["organisation_id"] for u in own.json()} == {str(w.clinic.id)}
        assert other.status_code == 404
        assert [r.allowed for r in rows(session, action="user_list", user_id=w.admin.id)] == [False]

    def test_one_user(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        headers = auth(session, w.admin)

        assert (
            client.get(f"{USERS}/{w.nurse.id}", headers=headers).json()["unit_code"] == w.ward.code
        )
        other = client.get(f"{USERS}/{w.municipal_nurse.id}", headers=headers)
        unknown = client.get(f"{USERS}/{random_id()}", headers=headers)
        assert other.status_code == unknown.status_code == 404
        assert other.json()["detail"] == f"user {w.municipal_nurse.id} was not found"
        refused = rows(session, action="user_read", user_id=w.admin.id)
        assert [(r.resource_id, r.allowed) for r in refused][0] == (
            str(w.municipal_nurse.id),
            False,
        )

    def test_wrong_role_is_403(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        for user in (w.nurse, w.auditor):
            headers = auth(session, user)
            assert client.get(USERS, headers=headers).status_code == 403
            assert client.get(f"{USERS}/{w.nurse.id}", headers=headers).status_code == 403


class TestUpdate:
    def test_role_unit_skills_phone_active_are_logged_by_name(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        other_ward = make_unit(session, w.clinic)
        change = {
            "role": "physician",
            "unit_code": other_ward.code,
            "skills": ["sampling", "iv_therapy"],
            "phone": "023-49 20 11",
            "active": False,
        }

        response = client.patch(
            f"{USERS}/{w.nurse.id}", json=change, headers=auth(session, w.admin)
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["role"], body["unit_code"], body["skills"], body["active"]) == (
            "physician",
            other_ward.code,
            ["iv_therapy", "sampling"],
            False,
        )
        [row] = rows(session, action="user_update", user_id=w.admin.id)
        assert row.resource_id == str(w.nurse.id)
        assert row.reason == (
            f"{w.nurse.username}: role: registered_nurse → physician; "
            f"unit: {w.ward.code} → {other_ward.code}; skills: – → iv_therapy, sampling; "
            "phone changed; active: yes → no"
        )

    def test_out_of_the_unit_and_nothing_to_change_writes_no_row(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        headers = auth(session, w.admin)
        path = f"{USERS}/{w.nurse.id}"

        assert (
            client.patch(path, json={"unit_code": None}, headers=headers).json()["unit_id"] is None
        )
        assert (
            client.patch(path, json={"role": "registered_nurse"}, headers=headers).status_code
            == 200
        )

        assert len(rows(session, action="user_update", user_id=w.admin.id)) == 1

    def test_another_care_providers_user_or_unit_is_404_logged_and_unchanged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        headers = auth(session, w.admin)

        other = client.patch(
            f"{USERS}/{w.municipal_nurse.id}", json={"active": False}, headers=headers
        )
        unit = client.patch(
            f"{USERS}/{w.nurse.id}", json={"unit_code": w.home_unit.code}, headers=headers
        )

        assert other.status_code == unit.status_code == 404
        session.expire_all()
        assert session.get(User, w.municipal_nurse.id).active is True  # type: ignore[union-attr]
        assert session.get(User, w.nurse.id).unit_id == w.ward.id  # type: ignore[union-attr]
        refused = rows(session, action="user_update", user_id=w.admin.id)
        assert [r.allowed for r in refused] == [False, False]

    def test_the_administrator_may_not_lock_themselves_out(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        headers = auth(session, w.admin)
        path = f"{USERS}/{w.admin.id}"

        assert client.patch(path, json={"active": False}, headers=headers).status_code == 409
        assert client.patch(path, json={"role": "physician"}, headers=headers).status_code == 409
        assert (
            client.patch(path, json={"phone": "023-11 22 33"}, headers=headers).status_code == 200
        )

    def test_wrong_role_is_403_and_logged(self, client: TestClient, session: Session) -> None:
        w = make_world(session)

        response = client.patch(
            f"{USERS}/{w.nurse.id}", json={"role": "physician"}, headers=auth(session, w.nurse)
        )

        assert response.status_code == 403
        assert [r.allowed for r in rows(session, action="user_update", user_id=w.nurse.id)] == [
            False
        ]


class TestPasswordReset:
    def test_new_password_works_and_is_logged_without_it(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)

        response = client.post(
            f"{USERS}/{w.nurse.id}/password",
            json={"password": SECRET},
            headers=auth(session, w.admin),
        )

        assert response.status_code == 200, response.text
        session.expire_all()
        assert verify_password(session.get(User, w.nurse.id).password_hash, SECRET)  # type: ignore[union-attr]
        [row] = rows(session, action="password_reset")
        assert (row.user_id, row.resource_id, row.allowed) == (w.admin.id, str(w.nurse.id), True)
        assert SECRET not in (row.reason or "")

    def test_another_care_providers_user_is_404_and_wrong_role_403(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        body = {"password": SECRET}

        other = client.post(
            f"{USERS}/{w.municipal_nurse.id}/password", json=body, headers=auth(session, w.admin)
        )
        nurse = client.post(
            f"{USERS}/{w.nurse.id}/password", json=body, headers=auth(session, w.nurse)
        )
        short = client.post(
            f"{USERS}/{w.nurse.id}/password",
            json={"password": "short"},
            headers=auth(session, w.admin),
        )

        assert (other.status_code, nurse.status_code, short.status_code) == (404, 403, 422)
        assert [r.allowed for r in rows(session, action="password_reset")] == [False, False]


class TestTheAuditorSeesIt:
    def test_changes_are_in_the_own_care_providers_log_only(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        admin = auth(session, w.admin)
        created = client.post(USERS, json=new_user(w.clinic), headers=admin).json()
        client.patch(f"{USERS}/{created['id']}", json={"role": "registered_nurse"}, headers=admin)
        client.post(f"{USERS}/{created['id']}/password", json={"password": SECRET}, headers=admin)
        client.post(USERS, json=new_user(w.home_care), headers=admin)  # refused

        def actions(auditor: User) -> list[tuple[str, bool]]:
            response = client.get(
                "/api/v1/audit-events",
                params={"username": w.admin.username},
                headers=auth(session, auditor),
            )
            assert response.status_code == 200
            return sorted((e["action"], e["allowed"]) for e in response.json()["items"])

        assert actions(w.auditor) == [
            ("password_reset", True),
            ("user_create", False),
            ("user_create", True),
            ("user_update", True),
        ]
        assert actions(w.municipal_auditor) == []


class TestCommandLine:
    def test_users_add_writes_an_actorless_row_the_auditor_sees(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        data = UserCreate(
            username="cli.user",
            full_name="Från Kommandoraden",
            role=Role.REGISTERED_NURSE,
            organisation_code=w.clinic.code,
            unit_code=w.ward.code,
            password=SECRET,
        )

        user = service.system_create_user(session, data, command="samband users add")
        session.flush()

        [row] = rows(session, action="user_create", resource_id=str(user.id))
        assert (row.user_id, row.organisation_id, row.method, row.path) == (
            None,
            None,
            "CLI",
            "samband users add",
        )
        assert "by the command line (samband users add)" in (row.reason or "")
        assert SECRET not in (row.reason or "")

        def seen(auditor: User) -> list[str]:
            response = client.get(
                "/api/v1/audit-events",
                params={"emergency": "false"},
                headers=auth(session, auditor),
            )
            return [e["id"] for e in response.json()["items"]]

        assert str(row.id) in seen(w.auditor)
        assert str(row.id) not in seen(w.municipal_auditor)
