"""Medication administration in real headless Chromium on a 390 px phone, with the demo data:
the home health care nurse (hsv.eva) opens Kim Sandberg's page, sees today's signing list
(IV cefotaxime 08:00 16:00 24:00), opens the day's list and signs a dose with one tap on
*Given*; the list shows it signed. Writes docs/screenshots/medadmin-list-390.png and
docs/screenshots/medadmin-patient-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser_support import SCREENSHOTS, check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_signing_list_and_one_tap_given_on_a_phone(new_page: Any) -> None:
    nurse = new_page(PHONE)
    login(nurse, "hsv.eva", "/patients?search=Sandberg")
    nurse.get_by_role("link", name="Kim Sandberg").first.click()
    nurse.wait_for_load_state()
    card = nurse.locator("section", has=nurse.get_by_role("heading", name="Signeringslista idag"))
    assert card.is_visible()
    assert "Cefotaxim" in card.inner_text()
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(SCREENSHOTS / "medadmin-patient-390.png"))
    card.get_by_role("link", name="Öppna signeringslistan").click()
    nurse.wait_for_load_state()
    assert nurse.get_by_role("heading", name="Signeringslista", level=1).is_visible()
    doses = nurse.locator("li.dose")
    assert doses.count() >= 3  # today's and the 24:00 dose of tonight
    check_page(nurse)
    screenshot(nurse, "medadmin-list-390")
    # one tap on Given signs the first dose that may be signed now (tonight's 24:00 dose,
    # given at 00:00 tomorrow, opens at 23:30: tomorrow's list, one tap away)
    signable = nurse.locator("li.dose", has=nurse.get_by_role("button", name="Givet"))
    if signable.count() == 0:
        nurse.get_by_role("link", name="Nästa dag").click()
        nurse.wait_for_load_state()
        signable = nurse.locator("li.dose", has=nurse.get_by_role("button", name="Givet"))
    open_dose = signable.first
    dose_id = open_dose.get_attribute("id")
    open_dose.get_by_role("button", name="Givet").first.click()
    nurse.wait_for_load_state()
    assert "Dosen är signerad" in nurse.get_by_role("status").inner_text()
    signed = nurse.locator(f"#{dose_id}")
    assert "dose-given" in (signed.get_attribute("class") or "")
    assert "Eva Andersson" in signed.inner_text()
    check_page(nurse)
