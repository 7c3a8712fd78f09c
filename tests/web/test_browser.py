"""The pages in real headless Chromium (Debian's chromium through Playwright's sync API):
log in, the live overview, keyboard use, labels, no sideways scrolling at 1024 px, what an
unrelated organisation sees, the whole OPAT flow through the forms, taking Lisa home as a
new user would, and planning a day of home visits. The tests write the screenshots in
docs/screenshots/.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from samband.demo import DEMO_PASSWORD
from samband.kit.time import local_today
from tests.web.browser_support import SCREENSHOTS, check_page, login, personnummer, screenshot

pytestmark = pytest.mark.browser

LIVE_TIMEOUT_MS = 15_000  # the overview refreshes itself at least this often


def api(base_url: str, username: str) -> httpx.Client:
    """The JSON API as a demo user (to change data behind a page's back)."""
    token = httpx.post(
        f"{base_url}/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    ).json()["access_token"]
    return httpx.Client(
        base_url=f"{base_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def unit_id(client: httpx.Client, organisation: str, unit: str) -> str:
    for org in client.get("/organisations").raise_for_status().json():
        if org["code"] == organisation:
            return next(u["id"] for u in org["units"] if u["code"] == unit)
    raise AssertionError(f"no organisation {organisation}")


def screenshot_path(name: str) -> Any:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def patient_href(page: Any, name: str) -> str:
    href = page.get_by_role("link", name=name).first.get_attribute("href")
    assert href, f"no link to {name}"
    return str(href)


class TestLoginAndOverview:
    def test_login_then_the_overview_shows_kim_and_refreshes_by_itself(
        self, page: Any, live_server: str
    ) -> None:
        page.goto("/")
        page.wait_for_url("**/login?next=/")
        check_page(page)
        screenshot(page, "login")

        login(page, "ssk.bertil")
        at_home = page.locator("section", has=page.get_by_role("heading", name="Patienter hemma"))
        assert at_home.get_by_role("link", name="Kim Sandberg").is_visible()
        assert page.get_by_role("heading", name="Kandidater att bedöma").is_visible()
        check_page(page)
        screenshot(page, "overview")

        # A new candidate flagged by someone else shows without a reload.
        with api(live_server, "ssk.bertil") as client:
            patient = client.post(
                "/patients",
                json={"personnummer": personnummer(), "given_name": "Vera", "family_name": "Live"},
            ).raise_for_status()
            client.post(
                "/episodes",
                json={
                    "patient_id": patient.json()["id"],
                    "pathway": "opat",
                    "type": "early_supported_discharge",
                    "responsible_unit_id": unit_id(client, "INF-FALUN", "INF-AVD11"),
                    "reason": "flagged by a colleague",
                },
            ).raise_for_status()
        candidates = page.locator(
            "section", has=page.get_by_role("heading", name="Kandidater att bedöma")
        )
        candidates.get_by_role("link", name="Vera Live").wait_for(timeout=LIVE_TIMEOUT_MS)

    def test_wrong_password_says_so_and_stays_on_the_login_page(self, page: Any) -> None:
        page.goto("/login")
        page.get_by_label("Användarnamn").fill("ssk.bertil")
        page.get_by_label("Lösenord").fill("not-the-password")
        page.get_by_role("button", name="Logga in").click()
        assert page.get_by_role("alert").inner_text() == "Fel användarnamn eller lösenord."
        assert "/login" in page.url
        check_page(page)


class TestKeyboard:
    def test_the_skip_link_comes_first_and_moves_focus_to_the_content(self, page: Any) -> None:
        login(page, "ssk.bertil")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Hoppa till innehållet"
        assert page.evaluate("document.activeElement.getBoundingClientRect().left >= 0"), (
            "the skip link must be visible when focused"
        )
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

    def test_logging_in_with_the_keyboard_alone(self, page: Any) -> None:
        page.goto("/login")
        first_focusable = page.evaluate(
            "document.querySelector('a[href], button, input:not([type=hidden])').className"
        )
        assert first_focusable == "skip", "the skip link must come first in the Tab order"
        # The user name field has autofocus; otherwise Tab on to it.
        for _ in range(5):
            if page.evaluate("document.activeElement.id") == "username":
                break
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "username"
        page.keyboard.type("ssk.bertil")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "password"
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Översikt", level=1).wait_for()
        assert page.url.endswith("/")


class TestAccess:
    def test_an_unrelated_organisation_gets_not_found_for_the_patient_page(
        self, new_page: Any
    ) -> None:
        nurse = new_page()
        login(nurse, "ssk.bertil")
        kim = patient_href(nurse, "Kim Sandberg")

        # Hemsjukvården Borlänge takes no part in any of Kim's episodes.
        stranger = new_page()
        login(stranger, "hsv.hanna")
        response = stranger.goto(kim)
        assert response is not None
        assert response.status == 404
        assert stranger.get_by_role("heading", level=1).inner_text() == "Något blev fel"
        content = stranger.content()
        assert "Kim" not in content
        assert "Sandberg" not in content
        check_page(stranger)


class TestRoundAndCopy:
    def test_the_round_list_and_the_patients_copy_with_its_pdf(self, page: Any) -> None:
        login(page, "lakare.anna")
        kim = patient_href(page, "Kim Sandberg")

        page.get_by_role("link", name="Rond", exact=True).click()
        check_page(page)
        page.get_by_role("button", name="Öppna ronden").click()
        page.get_by_role("heading", level=1, name="Rond: Infektionsavdelning 11").wait_for()
        kim_section = page.locator("section", has=page.get_by_role("link", name="Kim Sandberg"))
        assert kim_section.get_by_text("OPAT").first.is_visible()
        check_page(page)
        screenshot(page, "round")

        page.goto(f"{kim}/copy")
        assert page.get_by_role("heading", level=1).inner_text() != ""
        assert page.get_by_text("Kim Sandberg").first.is_visible()
        check_page(page)
        screenshot(page, "patient-copy")
        assert_pdf(page)


def assert_pdf(page: Any) -> None:
    """The copy page's PDF link gives a PDF (fetched with the browser's own login)."""
    link = page.get_by_role("link", name="Ladda ner PDF")
    href = link.get_attribute("href")
    response = page.request.get(href)
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


# -- the care flow through the pages ----------------------------------------------------------


def labelled(page: Any, label: str) -> Any:
    """The field with exactly this label (a required field's label ends with '*')."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def action(page: Any, name: str) -> None:
    """Follow one of the patient page's actions (the links in its Åtgärder block)."""
    page.locator("#actions").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
    check_page(page)


def submit(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    check_page(page)


def notice(page: Any) -> str:
    return str(page.get_by_role("status").first.inner_text())


def state_badge(page: Any) -> str:
    return str(page.locator("#h-episode .badge").inner_text())


def sign_everything_i_may(page: Any, patient_url: str) -> list[str]:
    """On the checklist page, sign every item this user may sign; the labels signed."""
    page.goto(patient_url)
    if page.locator("#actions").get_by_role("link", name="Checklista före hemgång").count() == 0:
        return []
    action(page, "Checklista före hemgång")
    signed = []
    # one form: tick every item this user may sign, one button signs them all
    rows = page.locator("tr", has=page.locator("input[type=checkbox]"))
    if rows.count() == 0:
        return []
    for index in range(rows.count()):
        row = rows.nth(index)
        signed.append(row.locator("td").first.inner_text())
        row.locator("input[type=checkbox]").check()
        row.get_by_label("Anteckning (valfri)").fill("klart")
    page.get_by_role("button", name="Signera markerade").click()
    page.wait_for_load_state()
    assert notice(page) == "Punkten är signerad."
    assert page.locator("tr", has=page.locator("input[type=checkbox]")).count() == 0
    check_page(page)
    return signed


def open_patient(page: Any, name: str) -> str:
    """Find a patient on the patient list by name; returns the patient page's path."""
    page.goto("/patients")
    page.get_by_role("link", name=name).first.click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    return str(page.url.split("?")[0])


class TestTheWholeFlow:
    def test_kim_from_candidate_to_discharge_through_the_pages(self, new_page: Any) -> None:
        nurse = new_page()
        login(nurse, "ssk.bertil")

        # Register and flag: a wrong personnummer is refused next to its field first.
        nurse.goto("/patients/new")
        check_page(nurse)
        pnr = personnummer(1972, 3, 14)
        wrong = pnr[:-1] + str((int(pnr[-1]) + 1) % 10)
        nurse.get_by_label("Personnummer").fill(wrong)
        nurse.get_by_label("Förnamn").fill("Kim")
        nurse.get_by_label("Efternamn").fill("Nyberg")
        nurse.get_by_label("Telefon", exact=True).fill("070-111 22 33")
        nurse.get_by_label("Gatuadress").fill("Slaggatan 4")
        nurse.get_by_label("Postnummer").fill("791 62")
        nurse.get_by_label("Ort").fill("Falun")
        nurse.get_by_label("Närståendes namn").fill("Alex Nyberg")
        nurse.get_by_label("Relation").fill("partner")
        nurse.get_by_label("Närståendes telefon").fill("070-444 55 66")
        nurse.get_by_label("Med patientens egna ord").fill("Att få sova hemma.")
        nurse.get_by_label("Vårdflöde").select_option(value="opat")
        nurse.get_by_label("Ansvarig enhet").select_option(
            label="Infektionsavdelning 11 · Infektionskliniken, Falu lasarett"
        )
        nurse.get_by_label("Varför är patienten en kandidat?").fill("Erysipelas, stabil på iv")
        submit(nurse, "Registrera och flagga")
        field = nurse.get_by_label("Personnummer")
        assert field.get_attribute("aria-invalid") == "true"
        assert nurse.locator("#f-personnummer-error").inner_text().strip()
        assert field.get_attribute("aria-describedby") == "f-personnummer-error"
        field.fill(pnr)
        submit(nurse, "Registrera och flagga")
        assert notice(nurse) == "Patienten är registrerad och flaggad som kandidat."
        kim = nurse.url.split("?")[0]
        assert state_badge(nurse) == "Kandidat"

        # The physician assesses against the pathway's criteria.
        physician = new_page()
        login(physician, "lakare.anna")
        physician.goto(kim)
        action(physician, "Bedöm lämplighet")
        for radio in physician.get_by_role("radio", name="Ja", exact=True).all():
            radio.check()
        submit(physician, "Spara bedömningen")
        assert notice(physician) == "Bedömningen är sparad: lämplig."

        # Consent, the responsible physician and care contact, the care plan.
        nurse.goto(kim)
        action(nurse, "Information och samtycke")
        nurse.get_by_label("Patienten har fått information").check()
        nurse.get_by_label("Närstående har fått information").check()
        nurse.get_by_label("Patienten samtycker", exact=True).check()
        nurse.get_by_label("Patienten samtycker till sammanhållen journalföring").check()
        submit(nurse, "Registrera samtycke")
        assert notice(nurse) == "Samtycket är registrerat."

        action(nurse, "Ansvarig läkare och fast vårdkontakt")
        nurse.get_by_label("Medicinskt ansvarig läkare").select_option(label="Anna Lindqvist")
        contact = nurse.get_by_label("Fast vårdkontakt")
        contact.select_option(
            label=next(o for o in contact.locator("option").all_inner_texts() if "Bertil" in o)
        )
        submit(nurse, "Spara")
        assert notice(nurse) == "Ansvarig läkare och fast vårdkontakt är sparade."

        action(nurse, "Vårdplan (dokumenterad överenskommelse)")
        submit(nurse, "Skapa från vårdflödets mall")
        goals = nurse.get_by_label("Med patientens egna ord, ett per rad")
        goals.fill("Att bli frisk hemma\nAtt kunna gå ut med hunden igen")
        nurse.get_by_label("Vad ändrades?").fill("Kims egna mål")
        submit(nurse, "Spara som ny version")
        assert notice(nurse) == "En ny version av vårdplanen är sparad."
        assert "Att kunna gå ut med hunden igen" in nurse.locator("#h-plan + *").inner_text() or (
            "Att kunna gå ut med hunden igen" in nurse.content()
        )
        action(nurse, "Vårdplan (dokumenterad överenskommelse)")
        nurse.get_by_label("Vem godkänner?").select_option(value="patient")
        nurse.get_by_label("Namn", exact=True).fill("Kim Nyberg")
        submit(nurse, "Registrera godkännande")
        assert notice(nurse) == "Godkännandet är registrerat."

        # The medication order is the physician's (a nurse has no such form).
        nurse.goto(kim)
        assert not nurse.locator("#actions").get_by_role("link", name="Läkemedelslista").count()
        physician.goto(kim)
        action(physician, "Läkemedelslista")
        labelled(physician, "Läkemedel").fill("Cefotaxim")
        labelled(physician, "Dos").fill("1 g")
        physician.get_by_label("Tider").fill("08:00 16:00 24:00")
        physician.get_by_label("Levereras av").fill("Infektionsavdelning 11")
        physician.get_by_label("Antal dagar").fill("7")
        submit(physician, "Lägg till läkemedel")
        assert notice(physician) == "Läkemedlet är tillagt."

        nurse.goto(kim)
        action(nurse, "Planeringen är klar")
        submit(nurse, "Planeringen är klar")
        assert notice(nurse) == "Planeringen är klar."
        assert state_badge(nurse) == "Planerad"

        # The care request to the municipality's home health care.
        action(nurse, "Skicka vårdbegäran")
        _choose_containing(nurse.get_by_label("Till"), "Hemsjukvården Falu")
        message = nurse.get_by_label("Meddelande", exact=True)
        message.fill("IV cefotaxim 1 g x 3 i 7 dagar, PICC-line.")
        submit(nurse, "Skicka vårdbegäran")
        assert notice(nurse) == "Vårdbegäran är skickad."

        # Sending home now is refused, and the page says why; nothing changes.
        nurse.goto(kim)
        action(nurse, "Skicka hem")
        submit(nurse, "Skicka hem")
        refusal = nurse.get_by_role("alert")
        assert "Det gick inte. Detta saknas:" in refusal.inner_text()
        reasons = refusal.locator("li").all_inner_texts()
        assert any("checklist" in r.lower() or "checklista" in r.lower() for r in reasons), reasons
        nurse.goto(kim)
        assert state_badge(nurse) == "Planerad"

        # A second nurse of the municipality (not the one in the demo) accepts the request.
        municipal = new_page()
        login(municipal, "hsv.fredrik")
        municipal.goto("/care-requests")
        check_page(municipal)
        incoming = municipal.locator(
            "section", has=municipal.get_by_role("heading", name="Inkommande")
        )
        incoming.get_by_role("link", name="Kim Nyberg").first.click()
        check_page(municipal)
        if municipal.get_by_role("button", name="Acceptera").count() == 0:
            submit(municipal, "Markera som mottagen")
        submit(municipal, "Acceptera")
        assert notice(municipal) == "Vårdbegäran är uppdaterad."
        assert "Accepterad" in municipal.locator("dl.facts").inner_text()

        # The checklist: the pharmacist reconciles the medication, the nurse signs the rest.
        pharmacist = new_page()
        login(pharmacist, "farmaceut.cecilia")
        signed = sign_everything_i_may(pharmacist, kim)
        assert any("Läkemedel" in s for s in signed), signed
        assert sign_everything_i_may(nurse, kim)

        # Now the patient goes home.
        nurse.goto(kim)
        action(nurse, "Skicka hem")
        submit(nurse, "Skicka hem")
        assert notice(nurse) == "Patienten är hemma."
        assert state_badge(nurse) == "Hemma"

        # The daily round decides to discharge.
        physician.goto("/rounds")
        submit(physician, "Öppna ronden")
        section = physician.locator(
            "section.round-patient", has=physician.get_by_role("link", name="Kim Nyberg")
        )
        section.get_by_text("Skriv rondanteckning").click()
        section.get_by_label("Namn, deltagare 1").fill("Anna Lindqvist")
        section.get_by_label("Deltog via, deltagare 1").select_option(label="på plats")
        section.get_by_label("Namn, deltagare 4").fill("Kim Nyberg")
        section.get_by_label("Deltog via, deltagare 4").select_option(label="video")
        section.get_by_label("Situation").fill("Feberfri sedan två dygn, mår bra.")
        section.get_by_label("Bedömning").fill("CRP sjunker, kuren är klar.")
        for box in section.get_by_role("checkbox").all():
            if box.get_attribute("name") == "criteria_met":
                box.check()
        section.get_by_role("radio", name="Skriv ut").check()
        section.get_by_label("Motivering").fill("Utskrivningskriterierna är uppfyllda.")
        section.get_by_role("button", name="Spara rondanteckningen").click()
        physician.wait_for_load_state()
        check_page(physician)
        section = physician.locator(
            "section.round-patient", has=physician.get_by_role("link", name="Kim Nyberg")
        )
        problems = section.locator(".error, .field-error").all_inner_texts()
        assert "Rondanteckningen är sparad." in section.inner_text(), problems
        physician.goto(kim)
        assert state_badge(physician) == "Utskriven"

        # The patient's copy, and its PDF.
        physician.goto(f"{kim}/copy")
        check_page(physician)
        assert "Kim Nyberg" in physician.content()
        assert_pdf(physician)


def _choose_containing(select: Any, text: str) -> None:
    options = select.locator("option").all_inner_texts()
    select.select_option(label=next(o for o in options if text in o))


class TestTakeLisaHome:
    """What a new user does after reading the README: the demo's Lisa is planned; her care
    request to Falun's home health care waits for an answer and some checklist items are open."""

    def test_home_health_care_accepts_then_the_nurse_signs_and_sends_lisa_home(
        self, new_page: Any
    ) -> None:
        municipal = new_page()
        login(municipal, "hsv.eva")
        municipal.get_by_role("link", name="Vårdbegäranden").click()
        incoming = municipal.locator(
            "section", has=municipal.get_by_role("heading", name="Inkommande")
        )
        incoming.get_by_role("link", name="Lisa Ström").first.click()
        check_page(municipal)
        if municipal.get_by_role("button", name="Acceptera").count() == 0:
            submit(municipal, "Markera som mottagen")
        submit(municipal, "Acceptera")
        assert notice(municipal) == "Vårdbegäran är uppdaterad."

        nurse = new_page()
        login(nurse, "ssk.bertil")
        lisa = open_patient(nurse, "Lisa Ström")
        check_page(nurse)
        assert state_badge(nurse) == "Planerad"
        assert sign_everything_i_may(nurse, lisa)
        nurse.goto(lisa)
        action(nurse, "Skicka hem")
        submit(nurse, "Skicka hem")
        assert notice(nurse) == "Patienten är hemma."
        assert state_badge(nurse) == "Hemma"

        # And she is on the command centre's overview.
        nurse.get_by_role("link", name="Översikt").click()
        at_home = nurse.locator("section", has=nurse.get_by_role("heading", name="Patienter hemma"))
        assert at_home.get_by_role("link", name="Lisa Ström").is_visible()


class TestPatientPage:
    def test_the_patient_page_shows_the_whole_episode(self, page: Any) -> None:
        login(page, "ssk.bertil")
        page.get_by_role("link", name="Kim Sandberg").first.click()
        page.get_by_role("heading", level=1, name="Kim Sandberg").wait_for()
        for heading in (
            "Åtgärder",
            "Vårdplan (dokumenterad överenskommelse)",
            "Läkemedelslista",
            "Checklista före hemgång",
            "Vårdbegäranden",
            "Tidslinje",
        ):
            assert page.get_by_role("heading", name=heading, exact=True).is_visible(), heading
        medications = page.locator("section[aria-labelledby=h-meds]")
        assert "Cefotaxim" in medications.inner_text()
        check_page(page)
        screenshot(page, "patient")


class TestDayPlan:
    """Falun's home health care plans tomorrow (the demo has the shifts; today's plan depends
    on the time of day the tests run, tomorrow's does not), publishes it, marks a visit and
    prints the day sheets, on a tablet."""

    def test_plan_publish_mark_and_print_a_day_on_a_tablet(self, page: Any) -> None:
        login(page, "hsv.eva")
        page.get_by_role("link", name="Dagens besök").click()
        page.get_by_role("heading", level=1, name=re.compile(r"^Dagsplan .*\(idag\)$")).wait_for()
        check_page(page)

        tomorrow = (local_today() + timedelta(days=1)).isoformat()
        page.get_by_label("Datum").fill(tomorrow)
        submit(page, "Visa dagen")
        assert page.get_by_role("heading", level=1).inner_text() == f"Dagsplan {tomorrow}"
        submit(page, "Planera dagen")
        # the solve is a job: the page says so and refreshes itself until the plan is there
        page.get_by_text("Dagen är planerad. Granska utkastet och publicera det.").wait_for(
            timeout=30_000
        )
        check_page(page)
        submit(page, "Publicera planen")
        assert notice(page) == "Planen är publicerad: besöken har fått sin personal."

        routes = page.locator("section.route")
        stops = page.locator("tr.route-stop")
        route_count = routes.count()
        assert route_count >= 2, "the demo's two nurses on shift should both have visits"
        drawing = page.locator("svg.routemap")
        assert drawing.get_attribute("role") == "img"
        assert (drawing.get_attribute("aria-label") or "").startswith("Karta över dagens rutter")
        assert drawing.locator("polyline").count() == route_count
        assert drawing.locator("g.stop").count() == stops.count()
        assert drawing.is_visible()
        check_page(page)  # no sideways scrolling at 1024 px
        screenshot(page, "dayplan")

        # tomorrow's visits are started tomorrow (issue 11): no "Påbörja" today, and why
        first = stops.first
        assert first.get_by_role("button", name=re.compile(r"^Påbörja")).count() == 0
        assert "Kan påbörjas på besöksdagen." in first.inner_text()
        assert first.get_by_role("button", name=re.compile(r"^Missat")).is_visible()

        page.set_viewport_size({"width": 768, "height": 1024})  # the tablet in portrait
        check_page(page)
        page.set_viewport_size({"width": 1024, "height": 768})

        page.get_by_role("link", name="Skriv ut körlistor").click()
        page.wait_for_load_state()
        check_page(page)
        assert page.locator("article.sheet").count() == route_count
        page.emulate_media(media="print")
        assert not page.get_by_role("button", name="Skriv ut").is_visible()
        assert not page.locator("header.top").is_visible()


# -- vital signs, alerts and the patient's tablet (issue 5) -------------------------------------

TABLET_PORTRAIT = {"width": 800, "height": 1280}
TOO_SMALL_TARGETS_JS = """
() => Array.from(document.querySelectorAll(
    'main button, main a.button, main label.choice, main textarea, main summary, '
    + 'main input:not([type=hidden]):not([type=radio])'))
  .filter(el => el.getClientRects().length > 0)
  .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect().height])
  .filter(([_, height]) => height < 44)
"""


def _goran_measures(client: httpx.Client) -> tuple[str, str]:
    """Göran's (COPD, at home with the mobile team) last two days of measurements, getting
    worse; the last one NEWS2 high. His patient and episode ids."""
    from datetime import UTC, datetime

    patient = client.get("/patients", params={"search": "Göran"}).raise_for_status()
    patient_id = patient.json()["items"][0]["id"]
    episode = client.get("/episodes", params={"patient_id": patient_id}).raise_for_status()
    episode_id = episode.json()["items"][0]["id"]
    now = datetime.now(UTC)
    rows = [  # hours ago, rr, spo2, systolic, pulse, temperature
        (46, 18, 94, 132, 84, 37.1),
        (38, 19, 93, 128, 88, 37.4),
        (30, 20, 93, 126, 90, 37.6),
        (22, 22, 92, 122, 96, 37.9),
        (14, 22, 91, 118, 102, 38.0),
        (6, 24, 90, 112, 108, 38.2),
        (0.2, 26, 86, 98, 118, 38.4),
    ]
    items = [
        {
            "patient_id": patient_id,
            "measured_at": (now - timedelta(hours=hours)).isoformat(),
            "source": "visit" if hours in (46, 22) else "device",
            "respiratory_rate": rr,
            "spo2": spo2,
            "on_oxygen": False,
            "systolic_bp": sbp,
            "diastolic_bp": sbp - 48,
            "pulse": pulse,
            "consciousness": "A",
            "temperature": temperature,
        }
        for hours, rr, spo2, sbp, pulse, temperature in rows
    ]
    client.post("/observations/batch", json={"items": items}).raise_for_status()
    return patient_id, episode_id


class TestAlertsTrendsAndTheTablet:
    """Göran gets worse at home: the alert is on the overview at once and is acknowledged
    there; his patient page shows the trends; then a nurse starts patient mode on his tablet
    (portrait) and he reports, with an impossible value refused in plain Swedish first."""

    def test_the_alert_on_the_overview_the_trends_and_a_self_report_on_the_tablet(
        self, new_page: Any, live_server: str
    ) -> None:
        nurse = new_page()
        login(nurse, "team.karin")
        with api(live_server, "team.karin") as client:
            patient_id, episode_id = _goran_measures(client)

        # The overview shows the alerts first, most severe first, without a reload.
        alerts = nurse.locator("section.alerts-card")
        alerts.get_by_role("link", name="Göran Lindberg").first.wait_for(timeout=LIVE_TIMEOUT_MS)
        first = alerts.locator("tr.alert-row").first
        assert "Hög" in first.inner_text()
        assert re.match(r"^\(\d\) Översikt", nurse.title())
        check_page(nurse)
        screenshot(nurse, "alerts")
        before = alerts.locator("tr.alert-row").count()
        first.get_by_role("button", name=re.compile("^Kvittera")).click()
        nurse.wait_for_load_state()
        assert notice(nurse) == "Larmet är kvitterat."
        assert nurse.locator("section.alerts-card tr.alert-row").count() == before
        assert "Kvitterat" in nurse.locator("section.alerts-card").inner_text()

        # The alert: the measurements with their points, the reserved beds, the forms.
        nurse.locator("section.alerts-card tr.alert-row").first.get_by_role(
            "link", name=re.compile("^Öppna")
        ).click()
        nurse.get_by_role("heading", level=1, name=re.compile("^Larm: Göran Lindberg")).wait_for()
        assert nurse.get_by_role("button", name="Skriv in direkt (trygghetsplats)").is_visible()
        assert nurse.locator("table.beds tbody tr").count() >= 1
        check_page(nurse)

        # The patient page: a chart per vital sign with a point per measurement (the demo's
        # readings and the seven sent above).
        from samband.demo import GORAN_READINGS

        points = len(GORAN_READINGS) + 7
        nurse.goto(f"/patients/{patient_id}")
        vitals = nurse.locator("#vitals")
        pulse = vitals.locator("#trend-pulse svg.trendchart")
        assert pulse.get_attribute("role") == "img"
        assert (pulse.get_attribute("aria-label") or "").startswith(
            f"Puls (/min): {points} mätningar"
        )
        assert pulse.locator("circle.point").count() == points
        assert vitals.locator("#trend-news2 g.mark-high").count() >= 1
        assert vitals.locator("svg.trendchart").count() == 7
        vitals.locator("#trend-pulse summary").click()
        assert vitals.locator("#trend-pulse table tbody tr").count() == points
        check_page(nurse)
        vitals.screenshot(path=str(screenshot_path("trends")))

        # On Göran's tablet, in portrait: the nurse starts patient mode, then it is his.
        tablet = new_page(TABLET_PORTRAIT)
        login(tablet, "team.karin", f"/self-report/{episode_id}")
        tablet.get_by_role("button", name="Starta patientläge på den här enheten").click()
        tablet.get_by_role("heading", level=1, name="Hej Göran!").wait_for()
        assert tablet.locator("header nav").count() == 0  # no staff navigation
        assert tablet.evaluate(TOO_SMALL_TARGETS_JS) == []
        check_page(tablet)
        tablet.get_by_text("Som vanligt", exact=True).click()
        tablet.get_by_label("Temperatur").fill("60")
        tablet.get_by_label("Syremättning").fill("92")
        tablet.get_by_role("button", name="Skicka").click()
        tablet.wait_for_load_state()
        refusal = tablet.get_by_role("alert")
        assert "Något behöver rättas" in refusal.inner_text()
        assert (
            "60 kan inte stämma för temperatur"
            in tablet.locator("#f-temperature-error").inner_text()
        )
        assert tablet.get_by_label("Temperatur").get_attribute("aria-invalid") == "true"
        check_page(tablet)
        screenshot(tablet, "self-report")
        tablet.get_by_label("Temperatur").fill("37,8")
        tablet.get_by_label("Puls").fill("96")
        tablet.get_by_role("button", name="Skicka").click()
        tablet.get_by_role("heading", level=1, name="Tack!").wait_for()
        assert "NEWS2" not in tablet.content()
        assert tablet.get_by_role("heading", name="Vem ringer du?").is_visible()
        assert tablet.locator("a[href^='tel:']").count() >= 1
        check_page(tablet)
        tablet.set_viewport_size({"width": 1024, "height": 768})
        check_page(tablet)

        # The self-report is on the patient page, as the patient's own.
        nurse.goto(f"/patients/{patient_id}")
        latest = nurse.locator("#vitals .news2-table").first.inner_text()
        assert "patienten själv" in latest
        assert "37,8" in latest
