"""Provsvar in real headless Chromium on a 390 px phone, with the demo data: the infection
ward's physician (lakare.anna) opens Kim Sandberg's page and sees the CRP falling (132 → 84,
H against the range) with its trend and the day-3 sample order; a nurse (ssk.bertil) enters
a new CRP by hand; on the round, Kim's results and the data criterion with its reason show.
Writes docs/screenshots/labresults-patient-390.png and labresults-round-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser_support import check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_results_on_the_patient_page_entered_by_hand_and_on_the_round(new_page: Any) -> None:
    nurse = new_page(PHONE)
    login(nurse, "ssk.bertil", "/patients?search=Sandberg")
    nurse.get_by_role("link", name="Kim Sandberg").first.click()
    nurse.wait_for_load_state()
    card = nurse.locator("#lab-results")
    text = card.inner_text()
    assert "Provsvar" in text
    assert "84" in text
    assert "Dag 3" in text  # the care plan's sample order
    assert card.locator("figure.trend#trend-lab_crp").count() == 1
    card.get_by_role("link", name="För in provsvar").click()
    nurse.wait_for_load_state()
    assert nurse.get_by_role("heading", level=1).inner_text().startswith("För in provsvar")
    check_page(nurse)
    nurse.get_by_label("Värde").fill("61")
    nurse.get_by_role("button", name="Spara provsvar").click()
    nurse.wait_for_load_state()
    row = nurse.locator("#lab-results li[data-test='crp']")
    assert "61" in row.inner_text()
    check_page(nurse)
    nurse.locator("#lab-results").scroll_into_view_if_needed()
    screenshot(nurse, "labresults-patient-390")

    physician = new_page(PHONE)
    login(physician, "lakare.anna", "/rounds")
    physician.get_by_role("button", name="Öppna ronden").click()
    physician.wait_for_load_state()
    section = physician.locator(
        "section.round-patient", has=physician.get_by_role("link", name="Kim Sandberg")
    )
    lab = section.locator("[data-field='lab-results']").inner_text()
    assert "132" in lab
    assert "61" in lab
    why = section.locator("[data-field='why']").first.inner_text()
    assert "CRP 84 → 61 mg/L" in why
    check_page(physician)
    section.locator("[data-field='lab-results']").scroll_into_view_if_needed()
    screenshot(physician, "labresults-round-390")
