"""The access log and the users pages in real headless Chromium on a 390 px phone, as their
users would meet them: the auditor (revisor.maria) lands on the access log, searches a
patient, opens the extract and its PDF, marks a new care relationship reviewed; the
administrator (admin.nils) lands on the users; the analyst (analytiker.lars) on the
outcomes. Writes docs/screenshots/audit-log.png, audit-review.png and users.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser_support import SCREENSHOTS, check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


class TestOnAPhone:
    def test_the_auditor_lands_on_the_access_log_and_reviews(self, new_page: Any) -> None:
        page = new_page(PHONE)
        login(page, "revisor.maria")

        assert page.url.endswith("/audit")
        assert page.get_by_role("heading", name="Åtkomstlogg").is_visible()
        nav = page.get_by_role("navigation", name="Samband")
        assert [a.inner_text() for a in nav.get_by_role("link").all()] == ["Åtkomstlogg"]
        assert page.get_by_role("button", name="Logga ut").is_visible()
        assert "Region Dalarna" in page.inner_text("main")
        check_page(page)
        # the first screen only: fifty rows as cards make a very long page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "audit-log.png"))

        # a patient's rows, then the extract and its PDF
        page.locator("td[data-label='Patient'] a").first.click()
        page.wait_for_load_state()
        number = page.get_by_label("Patient (personnummer)").input_value()
        assert number
        check_page(page)
        page.get_by_role("link", name="Loggutdrag").click()
        page.get_by_label("Patient (personnummer)").fill(number)
        page.get_by_role("button", name="Visa loggutdrag").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Åtkomster i tidsordning").is_visible()
        check_page(page)
        with page.expect_download() as download:
            page.get_by_role("link", name="Ladda ner PDF").click()
        path = download.value.path()
        assert path is not None
        with open(path, "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"

        # a new care relationship to review, marked with a note
        page.get_by_role("link", name="Att granska").click()
        page.get_by_label("Att granska").select_option("relationship_start")
        page.get_by_role("button", name="Visa").click()
        page.wait_for_load_state()
        check_page(page)
        notes = page.get_by_label("Anteckning")
        before = notes.count()
        assert before > 0, "the demo's flagged candidates are new care relationships"
        notes.first.fill("Kandidat flaggad på avdelningen inför tidig hemgång")
        page.get_by_role("button", name="Markera granskad").first.click()
        page.wait_for_load_state()
        assert page.get_by_role("status").inner_text() == "Markerad som granskad."
        assert page.get_by_label("Anteckning").count() == before - 1
        check_page(page)
        screenshot(page, "audit-review")

        # the sample keeps its draw while rows are marked
        page.get_by_role("link", name="Stickprov").click()
        page.wait_for_load_state()
        assert "seed=" in page.url
        check_page(page)

    def test_the_administrator_lands_on_the_users(self, new_page: Any) -> None:
        page = new_page(PHONE)
        login(page, "admin.nils")

        assert page.url.endswith("/admin/users")
        assert page.get_by_role("heading", name="Användare", exact=True).is_visible()
        text = page.inner_text("main")
        assert "ssk.bertil" in text
        assert "hsv.eva" not in text  # Falu kommun's
        check_page(page)
        screenshot(page, "users")

        page.get_by_role("link", name="Bertil Holm").click()
        page.wait_for_load_state()
        check_page(page)
        page.get_by_role("link", name="Tillbaka till användarna").click()
        page.get_by_role("link", name="Ny användare").click()
        page.wait_for_load_state()
        check_page(page)

    def test_the_analyst_lands_on_the_outcomes_and_an_error_page_has_a_way_out(
        self, new_page: Any
    ) -> None:
        page = new_page(PHONE)
        login(page, "analytiker.lars")

        assert page.url.endswith("/outcomes")
        page.goto("/patients")
        assert page.get_by_text("Inte tillåtet", exact=True).is_visible()
        assert page.get_by_role("button", name="Logga ut").is_visible()
        nav = page.get_by_role("navigation", name="Samband")
        assert [a.inner_text() for a in nav.get_by_role("link").all()] == [
            "Uppföljning",
            "Avvikelser i siffror",
        ]
        check_page(page)
