"""Inputs that resist attack (issue 10, finding 9): one way of writing a personnummer (ASCII
digits, never the birth number 000), names without invisible or direction-changing
characters, free texts without control characters, numbers from forms in 0-9 only, 422 for a
body that cannot be read, and 413 for one larger than SAMBAND_MAX_BODY_BYTES."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from samband.app import create_app
from samband.config import get_settings
from samband.kit import text
from samband.models import ObservationSet, Patient
from samband.web.vitals import parse_number
from tests.factories import auth
from tests.observations.world import World as MonitoringWorld
from tests.observations.world import make_world as make_monitoring_world
from tests.web.test_patients import login, make_world, new_patient_form
from tests.webclient import WebClient

FULL_WIDTH = "19680314９８２９"  # the finding's second identity
ARABIC_INDIC = "١٩٦٨٠٣١٤-٩٨٢٩"


def patients_called(session: Session, given_name: str) -> int:
    session.expire_all()
    return (
        session.scalar(
            select(func.count()).select_from(Patient).where(Patient.given_name == given_name)
        )
        or 0
    )


def register(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    data = {"personnummer": "19680314-9829", "given_name": "Kim", "family_name": "Sandberg"}
    return client.post("/api/v1/patients", json={**data, **body}, headers=headers)


class TestPersonnummer:
    @pytest.mark.parametrize(
        ("number", "words"),
        [
            (FULL_WIDTH, "FULLWIDTH DIGIT NINE"),
            (ARABIC_INDIC, "ARABIC-INDIC DIGIT ONE"),
            ("19121212-0008", "birth number 000 is never issued"),
        ],
    )
    def test_the_api_refuses_it_with_a_clear_message(
        self, client: TestClient, session: Session, number: str, words: str
    ) -> None:
        w = make_world(session)
        response = register(client, auth(session, w.nurse), personnummer=number, given_name="Ny")

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "personnummer"
        assert words in response.json()["detail"]
        assert "0-9" in response.json()["detail"] or "000" in response.json()["detail"]
        assert patients_called(session, "Ny") == 0

    def test_a_full_width_twin_is_not_a_second_identity(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        headers = auth(session, w.nurse)
        assert register(client, headers).status_code in (200, 201)

        twin = register(client, headers, personnummer=FULL_WIDTH)

        assert twin.status_code == 422
        session.expire_all()
        assert session.scalar(select(func.count()).select_from(Patient)) == 1

    @pytest.mark.parametrize("number", [FULL_WIDTH, ARABIC_INDIC, "19121212-0008"])
    def test_the_page_form_refuses_it_next_to_the_field(
        self, client: TestClient, session: Session, number: str
    ) -> None:
        w = make_world(session)
        login(client, session, w.nurse)

        response = client.post("/patients/new", data=new_patient_form(w, personnummer=number))

        assert response.status_code == 422
        match = re.search(
            r'<p class="field-error" id="f-personnummer-error">([^<]+)</p>', response.text
        )
        assert match, response.text
        assert "0–9" in match.group(1) or "000" in match.group(1)  # the page is in Swedish
        assert patients_called(session, "Kim") == 0


class TestNamesAndTexts:
    @pytest.mark.parametrize(
        ("field", "value", "words"),
        [
            ("given_name", "Kim\u202eordnaS", "U+202E RIGHT-TO-LEFT OVERRIDE"),
            ("family_name", "Sand\u2066berg", "U+2066 LEFT-TO-RIGHT ISOLATE"),
            ("given_name", "\u200b\u200b", "U+200B ZERO WIDTH SPACE"),
            ("given_name", "Ki\u200dm", "U+200D ZERO WIDTH JOINER"),
            ("family_name", "\ufeffSandberg", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
            ("given_name", "Kim\u200f", "U+200F RIGHT-TO-LEFT MARK"),
            ("given_name", "K\x07im", "U+0007"),
            ("given_name", "Kim\nSandberg", "U+000A"),
        ],
    )
    def test_names_refuse_invisible_and_direction_characters(
        self, client: TestClient, session: Session, field: str, value: str, words: str
    ) -> None:
        w = make_world(session)

        response = register(client, auth(session, w.nurse), **{field: value})

        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["field"] == field
        assert words in error["message"]

    def test_next_of_kin_names_too(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        kin = [{"name": "Robin\u202e", "relation": "partner"}]

        response = register(client, auth(session, w.nurse), next_of_kin=kin)

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "next_of_kin.0.name"

    def test_a_name_in_another_script_is_fine(self, client: TestClient, session: Session) -> None:
        w = make_world(session)

        response = register(
            client, auth(session, w.nurse), given_name="Åsa-Lena", family_name="محمد"
        )

        assert response.status_code in (200, 201), response.text

    @pytest.mark.parametrize(
        ("value", "words"),
        [
            ("Att få sova\x1b[2J hemma", "U+001B"),
            ("Att få sova \u202ehemma", "U+202E"),
            ("\u200b\u200b\u2060", "no visible characters"),
        ],
    )
    def test_free_text_refuses_control_and_override_characters(
        self, client: TestClient, session: Session, value: str, words: str
    ) -> None:
        w = make_world(session)

        response = register(client, auth(session, w.nurse), what_matters=value)

        assert response.status_code == 422
        assert words in response.json()["detail"]

    def test_free_text_keeps_lines_and_tabs(self, client: TestClient, session: Session) -> None:
        w = make_world(session)

        response = register(
            client, auth(session, w.nurse), what_matters="Att få sova hemma\r\n\tOch katten"
        )

        assert response.status_code in (200, 201), response.text
        assert response.json()["what_matters"] == "Att få sova hemma\n\tOch katten"


class TestNumbersFromForms:
    @pytest.mark.parametrize("typed", ["٣٧", "３７", "37_0", "1e2", "nan", "inf", "٣٧,٥"])
    def test_only_ascii_digits_make_a_number(self, typed: str) -> None:
        assert parse_number(typed, whole=False) == (None, "form.number")

    @pytest.mark.parametrize(("typed", "value"), [("37,5", 37.5), ("37.5", 37.5), (" 72 ", 72)])
    def test_numbers_as_people_write_them(self, typed: str, value: float) -> None:
        assert parse_number(typed, whole=False)[0] == value

    def test_the_staff_form_refuses_arabic_indic_digits(
        self, client: TestClient, session: Session
    ) -> None:
        world: MonitoringWorld = make_monitoring_world(session)
        client.cookies.set("samband_session", auth(session, world.nurse)["Authorization"][7:])

        response = client.post(
            f"/episodes/{world.episode.id}/observations/new",
            data={"pulse": "٧٢", "temperature": "٣٧,٥"},
        )

        assert response.status_code == 422
        session.expire_all()
        assert session.scalar(select(func.count()).select_from(ObservationSet)) == 0

    def test_ascii_helpers(self) -> None:
        assert text.ascii_int(" 12 ") == 12
        assert text.ascii_int("١٢") is None
        assert text.ascii_int("²") is None
        assert not text.is_ascii_digits("")


class TestUnreadableBodies:
    def test_json_that_is_not_utf8_is_422_naming_the_problem(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)

        response = client.post(
            "/api/v1/patients",
            content=b'{"given_name": "K\xffm"}',
            headers={**auth(session, w.nurse), "content-type": "application/json"},
        )

        assert response.status_code == 422
        assert response.json()["code"] == "invalid"
        assert "utf-8" in response.json()["detail"].lower()

    def test_broken_json_is_422(self, client: TestClient, session: Session) -> None:
        w = make_world(session)

        response = client.post(
            "/api/v1/patients",
            content=b'{"given_name": ',
            headers={**auth(session, w.nurse), "content-type": "application/json"},
        )

        assert response.status_code == 422

    def test_a_broken_form_is_422(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/auth/token",
            content=b"username=kim&password=secret",
            headers={"content-type": "multipart/form-data"},  # no boundary
        )

        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith("the request body could not be read")
        assert "boundary" in response.json()["detail"]


class TestBodyLimit:
    LIMIT = 64 * 1024

    @pytest.fixture
    def small(
        self, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[TestClient]:
        monkeypatch.setenv("SAMBAND_MAX_BODY_BYTES", str(self.LIMIT))
        get_settings.cache_clear()
        try:
            app = create_app(session_factory=session_factory)
        finally:
            get_settings.cache_clear()
        with WebClient(app, raise_server_exceptions=False) as c:
            yield c

    def test_the_default_takes_a_batch_of_a_thousand_sets(self) -> None:
        # docs/api.md: a realistic batch of 1000 sets is about 0.45 MiB
        assert get_settings().max_body_bytes == 4 * 1024 * 1024

    def test_a_body_over_the_limit_is_413_saying_the_limit(
        self, small: TestClient, session: Session
    ) -> None:
        w = make_world(session)

        response = small.post(
            "/api/v1/patients",
            content=b'{"given_name": "' + b"x" * self.LIMIT + b'"}',
            headers={**auth(session, w.nurse), "content-type": "application/json"},
        )

        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
        assert str(self.LIMIT) in response.json()["detail"]

    def test_a_streamed_body_without_a_length_is_counted(
        self, small: TestClient, session: Session
    ) -> None:
        w = make_world(session)

        def chunks() -> Iterator[bytes]:
            yield b'{"items": ['
            for _ in range(200):
                yield b'{"patient_id": "00000000-0000-0000-0000-000000000000"},' * 10
            yield b"{}]}"

        response = small.post(
            "/api/v1/observations/batch",
            content=chunks(),
            headers={**auth(session, w.nurse), "content-type": "application/json"},
        )

        assert response.request.headers.get("content-length") is None
        assert response.request.headers.get("transfer-encoding") == "chunked"
        assert response.status_code == 413
        assert str(self.LIMIT) in response.json()["detail"]

    def test_fhir_gets_an_operation_outcome(self, small: TestClient, session: Session) -> None:
        w = make_world(session)

        response = small.post(
            "/fhir/R4",
            content=b" " * (self.LIMIT + 1),
            headers={**auth(session, w.nurse), "content-type": "application/fhir+json"},
        )

        assert response.status_code == 413
        assert response.json()["resourceType"] == "OperationOutcome"
        assert response.json()["issue"][0]["code"] == "too-costly"

    def test_a_page_form_over_the_limit_is_413_too(self, small: TestClient) -> None:
        response = small.post("/login", data={"username": "x" * (self.LIMIT + 1)})

        assert response.status_code == 413

    def test_under_the_limit_is_fine(self, small: TestClient, session: Session) -> None:
        w = make_world(session)

        response = register(small, auth(session, w.nurse), what_matters="x" * 1000)

        assert response.status_code in (200, 201)
