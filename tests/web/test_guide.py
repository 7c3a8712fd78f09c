"""Pages that guide (issue 12): each role lands on a page it can use, error pages in the
user's language with the navigation and *Logga ut*, what blocks a step listed with a link to
where it is fixed, confirmation before death, withdrawal, direct admission and a discharge
with unmet criteria, the checklist signed several items at a time, names in the histories,
and a patient search that ignores accents, case and how a personnummer is written."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import ChecklistItem, Episode, EpisodeEvent, User
from tests.factories import (
    PASSWORD,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)
from tests.web.test_flow import planned_episode
from tests.web.test_patients import World, login, make_world

NAV = re.compile(r"<nav aria-label=\"Samband\">(.*?)</nav>", re.S)


def nav(html: str) -> list[str]:
    block = NAV.search(html)
    assert block, "no navigation"
    return re.findall(r'href="([^"]+)"', block.group(1))


def log_in_with_password(client: TestClient, user: User) -> str:
    """Log in through the login form; where the browser is sent afterwards."""
    response = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return str(response.headers["location"])


class TestLanding:
    def test_after_login_each_role_is_sent_to_its_own_first_page(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        clinic = w.clinic
        home_care = make_organisation(
            session, kind="municipal_home_care", authority_kind="municipality", name="Hemtjänsten"
        )
        cases = {
            make_user(session, clinic, role="analyst"): "/outcomes",
            make_user(session, clinic, role="auditor"): "/audit",
            make_user(session, clinic, role="administrator"): "/admin/users",
            make_user(session, home_care, role="coordinator"): "/care-requests",
            w.eva: "/my-visits",  # a municipal home health care nurse: Mina besök idag
            make_user(session, w.municipality, role="assistant_nurse"): "/my-visits",
            w.nurse: "/",
            w.physician: "/",
        }
        for user, home in cases.items():
            client.cookies.clear()
            assert log_in_with_password(client, user) == home, user.role

    def test_a_page_asked_for_is_kept(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        response = client.post(
            "/login",
            data={"username": w.eva.username, "password": PASSWORD, "next": "/patients"},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/patients"


class TestErrorPages:
    """Every error page a logged-in user can meet is Swedish, with the navigation and the
    log-out button."""

    def _frame(self, page: str) -> None:
        assert nav(page), "the navigation"
        assert 'action="/logout"' in page
        assert "Logga ut" in page

    def test_403_404_405_422_and_500_in_swedish_with_the_way_out(
        self, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        w = make_world(session)
        analyst = make_user(session, w.clinic, role="analyst")
        login(client, session, analyst)
        forbidden = client.get("/patients")
        assert forbidden.status_code == 403
        self._frame(forbidden.text)

        login(client, session, w.nurse)
        missing = client.get("/no-such-page")
        assert missing.status_code == 404
        self._frame(missing.text)
        assert "Hittades inte" in missing.text
        assert "Sidan finns inte" in missing.text
        assert "Not Found" not in missing.text

        wrong_method = client.get("/logout")
        assert wrong_method.status_code == 405
        self._frame(wrong_method.text)
        assert "Går inte att göra så" in unescape(wrong_method.text)
        assert "Method Not Allowed" not in wrong_method.text

        malformed = client.get("/patients/not-an-id")
        assert malformed.status_code == 422
        self._frame(malformed.text)
        assert "Adressen är felaktig" in unescape(malformed.text)
        assert "uuid" not in malformed.text.lower()

        from samband.web import patients as patient_pages

        def broken(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(patient_pages.patients, "search", broken)
        crashed = client.get("/patients")
        assert crashed.status_code == 500
        self._frame(crashed.text)
        assert "Något gick fel" in unescape(crashed.text)
        assert "boom" not in crashed.text
        assert "unexpected" not in crashed.text

    def test_the_api_still_answers_in_json(self, client: TestClient, session: Session) -> None:
        missing = client.get("/api/v1/no-such-thing")
        assert missing.status_code == 404
        assert missing.json()["detail"] == "Not Found"

    def test_in_english_when_the_user_chose_english(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        client.get("/language/en")
        page = client.get("/no-such-page")
        assert "There is no such page" in page.text
        assert "Log out" in page.text


class TestPatientSearch:
    @pytest.mark.parametrize(
        "query",
        ["strom", "STRÖM", "Ström", "ström", "  stRöm ", "lena strom", "Strom Lena", "LENA"],
    )
    def test_names_without_accents_or_case(
        self, client: TestClient, session: Session, query: str
    ) -> None:
        w = make_world(session)
        make_patient(session, given_name="Lena", family_name="Ström", registered_by=w.nurse)
        make_patient(session, given_name="Per", family_name="Strand", registered_by=w.nurse)
        login(client, session, w.nurse)
        page = client.get("/patients", params={"q": query})
        assert page.status_code == 200
        assert "Ström" in page.text, query
        assert "Strand" not in page.text, query

    @pytest.mark.parametrize(
        "query",
        [
            "19680314-9829",
            "196803149829",
            "680314-9829",
            "6803149829",
            "19680314 9829",
            "680314 - 9829",
            " 6803149829 ",
            "9829",
        ],
    )
    def test_a_personnummer_however_written(
        self, client: TestClient, session: Session, query: str
    ) -> None:
        w = make_world(session)
        make_patient(
            session,
            given_name="Kim",
            family_name="Sandberg",
            personnummer="196803149829",
            registered_by=w.nurse,
        )
        make_patient(session, given_name="Per", family_name="Strand", registered_by=w.nurse)
        login(client, session, w.nurse)
        page = client.get("/patients", params={"q": query})
        assert "Sandberg" in page.text, query
        assert "Strand" not in page.text, query

    def test_the_folded_name_follows_a_change(self, session: Session) -> None:
        from samband.patients import repository

        w = make_world(session)
        patient = make_patient(
            session, given_name="Åsa", family_name="Öberg", registered_by=w.nurse
        )
        assert patient.search_name == "asa oberg"
        patient.family_name = "Ängström"
        session.flush()
        assert patient.search_name == "asa angstrom"
        assert repository.search_terms("Åsa 680314-9829") == (["asa"], "6803149829")


def planned(session: Session, w: World) -> Episode:
    return planned_episode(session, w)


def at_home(session: Session, w: World, **plan: object) -> Episode:
    return planned_episode(session, w, state="at_home", **plan)


def links(html: str, section_id: str) -> list[tuple[str, str]]:
    """(href, text) of the links in the section with that heading id."""
    match = re.search(rf'aria-labelledby="{section_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {section_id}"
    return [
        (href, unescape(re.sub(r"<[^>]+>", "", text)).strip())
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', match.group(1), re.S)
    ]


def state_of(session: Session, episode: Episode) -> str:
    session.expire_all()
    return session.get(Episode, episode.id).state  # type: ignore[union-attr]


def events_of(session: Session, episode: Episode) -> list[EpisodeEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(EpisodeEvent)
            .where(EpisodeEvent.episode_id == episode.id)
            .order_by(EpisodeEvent.at)
        )
    )


class TestWhatIsMissing:
    def test_before_send_home_each_missing_thing_links_to_where_it_is_fixed(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned(session, w)
        login(client, session, w.nurse)
        base = f"/episodes/{episode.id}"

        for page in (
            client.get(f"/patients/{episode.patient_id}"),
            client.get(f"{base}/transition/at_home"),
        ):
            assert page.status_code == 200
            assert "Det här saknas innan du kan välja ”Skicka hem”" in unescape(page.text)
            found = links(page.text, "h-missing-at_home")
            hrefs = [href for href, _ in found]
            # one line per unsigned blocking checklist item, to that item on the checklist
            blocking = [
                i
                for i in session.scalars(
                    select(ChecklistItem).where(ChecklistItem.episode_id == episode.id)
                )
                if i.blocking
            ]
            for item in blocking:
                assert f"{base}/checklist#item-{item.key}" in hrefs, item.key
            assert f"{base}/care-request" in hrefs  # no accepted care request: send one
            assert f"{base}/care-plan#acknowledge" in hrefs  # the patient's acknowledgement
            assert len(found) == len(blocking) + 2
            for href, _text in found:  # every link leads to a page that works
                assert client.get(href.split("#")[0]).status_code == 200, href

    def test_before_plan_ready_the_plan_the_contact_and_the_physician(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        patient = make_patient(session, registered_by=w.nurse)
        episode = make_episode(session, patient, unit=w.ward, state="consented")
        login(client, session, w.nurse)
        base = f"/episodes/{episode.id}"
        page = client.get(f"/patients/{patient.id}")
        found = links(page.text, "h-missing-planned")
        assert [href for href, _ in found] == [
            f"{base}/care-plan",
            f"{base}/details",
            f"{base}/details",
        ]
        texts = " ".join(text for _, text in found)
        assert "vårdplan" in texts.lower()

    def test_nothing_listed_once_everything_is_there(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned(session, w)
        for item in session.scalars(
            select(ChecklistItem).where(ChecklistItem.episode_id == episode.id)
        ):
            item.done = True
        session.flush()
        login(client, session, w.nurse)
        page = client.get(f"/patients/{episode.patient_id}")
        found = links(page.text, "h-missing-at_home")
        assert [href for href, _ in found] == [
            f"/episodes/{episode.id}/care-request",
            f"/episodes/{episode.id}/care-plan#acknowledge",
        ]

    def test_a_role_that_cannot_take_the_step_sees_no_list(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned(session, w)
        login(client, session, w.pharmacist)
        page = client.get(f"/patients/{episode.patient_id}")
        assert "h-missing-" not in page.text


class TestConfirmation:
    @pytest.mark.parametrize(
        ("target", "form", "button"),
        [
            ("deceased", {"death_expected": "yes"}, "Ja, registrera dödsfallet"),
            ("withdrawn", {}, "Ja, avbryt vården i hemmet"),
            ("readmitted", {"use_reserved_bed": "on"}, "Ja, lägg in patienten"),
        ],
    )
    def test_an_end_is_asked_for_first_then_made(
        self,
        client: TestClient,
        session: Session,
        target: str,
        form: dict[str, str],
        button: str,
    ) -> None:
        w = make_world(session)
        episode = at_home(session, w)
        login(client, session, w.nurse)
        path = f"/episodes/{episode.id}/transition/{target}"
        if target == "readmitted":
            form = {**form, "ward_unit_id": str(w.ward.id)}
        body = {**form, "reason": "Enligt samtal med läkaren", "base_version": str(episode.version)}

        asked = client.post(path, data=body, follow_redirects=False)

        assert asked.status_code == 200
        assert state_of(session, episode) == "at_home"  # nothing done yet
        text = unescape(asked.text)
        assert "Bekräfta" in text
        assert button in text
        assert "Enligt samtal med läkaren" in text  # what will be recorded
        hidden = dict(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', asked.text)
        )
        assert hidden["reason"] == "Enligt samtal med läkaren"

        changed = client.post(path, data={**body, "edit": "yes"})
        assert changed.status_code == 200
        assert state_of(session, episode) == "at_home"
        assert "Enligt samtal med läkaren" in changed.text  # the form again, as typed

        done = client.post(path, data={**body, "confirmed": "yes"}, follow_redirects=False)
        assert done.status_code == 303, done.text[:500]
        assert state_of(session, episode) == target

    def test_a_form_with_errors_is_not_asked_to_confirm(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = at_home(session, w)
        login(client, session, w.nurse)
        page = client.post(f"/episodes/{episode.id}/transition/deceased", data={})
        assert page.status_code == 422
        assert "Ja, registrera dödsfallet" not in page.text

    def test_the_wrong_role_gets_no_confirmation_but_the_refusal(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = at_home(session, w)
        login(client, session, w.pharmacist)
        page = client.post(
            f"/episodes/{episode.id}/transition/withdrawn", data={"reason": "Fel patient"}
        )
        assert page.status_code == 403
        assert state_of(session, episode) == "at_home"

    def test_discharge_with_unmet_criteria_is_confirmed_and_recorded(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        content_plan = {
            "goals": ["Sova hemma"],
            "contacts": [],
            "if_worse": ["Ring avdelningen"],
            "discharge_criteria": ["Feberfri i 48 timmar", "CRP under 50"],
            "activities": [],
            "alert_limits": [],
        }
        episode = at_home(session, w, content=content_plan)
        login(client, session, w.physician)
        path = f"/episodes/{episode.id}/transition/discharged"
        form = client.get(path)
        assert 'name="met_0"' in form.text
        assert 'name="met_1"' in form.text
        assert "Feberfri i 48 timmar" in form.text

        asked = client.post(path, data={"met_0": "on", "reason": "Vill hem"})
        assert asked.status_code == 200
        text = unescape(asked.text)
        assert "Ja, skriv ut patienten ändå" in text
        assert "CRP under 50" in text.split("De här utskrivningskriterierna är inte uppfyllda")[1]
        assert state_of(session, episode) == "at_home"

        done = client.post(
            path,
            data={"met_0": "on", "reason": "Vill hem", "confirmed": "yes"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert state_of(session, episode) == "discharged"
        event = [e for e in events_of(session, episode) if e.to_state == "discharged"][-1]
        assert event.data["unmet_discharge_criteria"] == ["CRP under 50"]
        assert event.by_user_id == w.physician.id  # who; the event's time is when
        page = client.get(f"/patients/{episode.patient_id}")
        assert "Utskriven trots ej uppfyllda kriterier (bekräftat): CRP under 50" in unescape(
            page.text
        )

    def test_discharge_with_every_criterion_met_needs_no_confirmation(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = at_home(session, w)
        login(client, session, w.physician)
        path = f"/episodes/{episode.id}/transition/discharged"
        count = len(re.findall(r'name="met_\d+"', client.get(path).text))
        assert count >= 1
        done = client.post(
            path, data={f"met_{i}": "on" for i in range(count)}, follow_redirects=False
        )
        assert done.status_code == 303
        event = [e for e in events_of(session, episode) if e.to_state == "discharged"][-1]
        assert "unmet_discharge_criteria" not in (event.data or {})


class TestChecklist:
    def test_several_items_signed_with_one_button_and_back_at_the_list(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned(session, w)
        login(client, session, w.nurse)
        base = f"/episodes/{episode.id}"
        page = client.get(f"{base}/checklist")
        assert page.text.count('action="') >= 1
        assert f'action="{base}/checklist/sign#checklist"' in page.text
        boxes = re.findall(r'name="sign_([a-z_0-9]+)"', page.text)
        assert len(boxes) >= 3  # the nurse's items
        done = client.post(
            f"{base}/checklist/sign",
            data={f"sign_{boxes[0]}": "on", f"sign_{boxes[1]}": "on", f"note_{boxes[1]}": "ok"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert done.headers["location"] == f"{base}/checklist?notice=signed#checklist"
        session.expire_all()
        items = {
            i.key: i
            for i in session.scalars(
                select(ChecklistItem).where(ChecklistItem.episode_id == episode.id)
            )
        }
        assert items[boxes[0]].done
        assert items[boxes[1]].done
        assert items[boxes[1]].note == "ok"
        assert not items[boxes[2]].done
        after = client.get(done.headers["location"])
        assert w.nurse.full_name in after.text  # signed by: the name, not the username
        assert f'name="sign_{boxes[0]}"' not in after.text

    def test_nothing_ticked_says_so(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        episode = planned(session, w)
        login(client, session, w.nurse)
        page = client.post(f"/episodes/{episode.id}/checklist/sign", data={})
        assert page.status_code == 409 or page.status_code == 422
        assert "Markera de punkter som är klara" in unescape(page.text)

    def test_an_item_of_another_role_is_refused_and_nothing_is_signed(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = planned(session, w)
        login(client, session, w.pharmacist)
        items = list(
            session.scalars(select(ChecklistItem).where(ChecklistItem.episode_id == episode.id))
        )
        mine = next(i for i in items if "pharmacist" in i.signer_roles)
        theirs = next(i for i in items if "pharmacist" not in i.signer_roles)
        refused = client.post(
            f"/episodes/{episode.id}/checklist/sign",
            data={f"sign_{mine.key}": "on", f"sign_{theirs.key}": "on"},
        )
        assert refused.status_code == 403
        session.expire_all()
        assert not session.get(ChecklistItem, mine.id).done  # type: ignore[union-attr]


class TestNames:
    def test_histories_show_names_not_usernames(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        episode = planned(session, w)
        login(client, session, w.nurse)
        client.post(
            f"/episodes/{episode.id}/care-request",
            data={
                "kind": "home_health_care",
                "to_organisation_id": str(w.municipality.id),
                "message": "Iv-antibiotika",
                "answer_within_hours": "12",
            },
        )
        client.post(
            f"/episodes/{episode.id}/checklist/sign",
            data={"sign_iv_access_placed": "on"},
        )
        page = client.get(f"/patients/{episode.patient_id}").text
        assert w.nurse.full_name in page
        assert w.nurse.username not in page
        from samband.models import CareRequest

        request = session.scalar(select(CareRequest).where(CareRequest.episode_id == episode.id))
        assert request is not None
        login(client, session, w.eva)
        client.post(f"/care-requests/{request.id}/transition", data={"to": "accepted"})
        shown = client.get(f"/care-requests/{request.id}").text
        assert w.nurse.full_name in shown
        assert w.eva.full_name in shown
        assert w.nurse.username not in shown
        assert w.eva.username not in shown


class TestWords:
    def test_print_is_never_discharge(self) -> None:
        from samband.kit.i18n import catalogue

        texts = {key: entry.text for key, entry in catalogue("sv").items()}
        assert texts["action.to_discharged"] == "Skriv ut patienten"
        assert texts["copy.print"] == "Skriv ut journalkopia"
        assert [key for key, text in texts.items() if text.strip() == "Skriv ut"] == []

    def test_free_reserved_beds_are_counted_in_words(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)  # the ward has one reserved bed
        make_unit(session, w.clinic, beds=2)
        login(client, session, w.nurse)
        page = unescape(client.get("/").text)
        assert "1 ledig trygghetsplats av 1" in page
        assert "2 lediga trygghetsplatser av 2" in page
        client.get("/language/en")
        english = unescape(client.get("/").text)
        assert "1 free reserved bed of 1" in english
