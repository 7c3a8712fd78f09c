"""Inskriven i hemsjukvården on a 390 px phone, in real headless Chromium (issue 13, decision
0018): Falun's home health care nurse (hsv.eva) opens Astrid Nordin, enrolled without any
hospital episode, sees since when, the unit, her fixed care contact and her fixed physician at
the primary care centre with his number, and the enrolment's page with the forms and the
history. Göran Lindberg's page shows his hospital-at-home episode with the enrolment beside
it. Writes docs/screenshots/patient-enrolled-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser_support import check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _open_patient(page: Any, name: str) -> None:
    page.goto(f"/patients?q={name.split()[0]}")
    page.get_by_role("link", name=name).click()
    page.wait_for_load_state()


class TestEnrolledOnAPhone:
    def test_the_enrolled_patients_page_and_the_enrolment_page(self, new_page: Any) -> None:
        page = new_page(PHONE)
        login(page, "hsv.eva")

        _open_patient(page, "Astrid Nordin")
        card = page.locator("#enrolment")
        assert card.get_attribute("data-enrolled") == "yes"
        text = card.inner_text()
        assert "Inskriven i hemsjukvården sedan" in text
        assert "Hemsjukvården Centrum" in text
        assert "Ivar Strand" in text
        assert "Vårdcentralen Falun Norra" in text
        assert "070-310 17 01" in text  # the fixed physician's phone
        assert "Eva Andersson" in text  # the fixed care contact
        # the enrolment's record is the page's: its care plan is shown
        assert page.get_by_role("heading", name="Hemsjukvård").first.is_visible()
        check_page(page)
        screenshot(page, "patient-enrolled-390")

        page.get_by_role("link", name="Hantera inskrivning och kontakter").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Byt patientansvarig läkare").is_visible()
        assert page.get_by_role("heading", name="Avsluta inskrivningen").is_visible()
        assert "Ivar Strand" in page.locator("#history").inner_text()
        check_page(page)

    def test_the_hospital_episode_lies_on_top_of_the_enrolment(self, new_page: Any) -> None:
        page = new_page(PHONE)
        login(page, "hsv.eva")

        _open_patient(page, "Göran Lindberg")

        assert page.locator("#enrolment").get_attribute("data-enrolled") == "yes"
        assert page.get_by_role("link", name="Visa hemsjukvårdens journal").is_visible()
        # the record shown is the hospital-at-home episode's (the mobile team's, COPD)
        assert page.locator("#h-episode").inner_text().startswith("Vård i hemmet")
        check_page(page)
