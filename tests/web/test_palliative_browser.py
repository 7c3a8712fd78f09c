"""Palliative care in real headless Chromium on a 390 px phone, with the demo data: the ASIH
nurse (ssk.tove) opens Gunnel Ahlström's page, sees *Palliativ vård* with the ESAS-r trend and
the documented expected death, follows the link, rates the nine symptoms with the big 0-10
buttons and saves. Writes docs/screenshots/palliative-390.png and
docs/screenshots/palliative-patient-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser_support import SCREENSHOTS, check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHOSEN = {
    "pain": "5",
    "tiredness": "6",
    "drowsiness": "3",
    "nausea": "1",
    "lack_of_appetite": "6",
    "shortness_of_breath": "2",
    "depression": "3",
    "anxiety": "4",
    "wellbeing": "5",
}


def test_esas_on_a_phone(new_page: Any) -> None:
    nurse = new_page(PHONE)
    login(nurse, "ssk.tove", "/patients?search=Ahlström")
    nurse.get_by_role("link", name="Gunnel Ahlström").first.click()
    nurse.wait_for_load_state()
    section = nurse.locator("#palliative")
    assert section.get_by_role("heading", name="Palliativ vård").is_visible()
    text = section.inner_text()
    assert "Total symtombörda" in text
    assert "Ingen hjärt-lungräddning" in text
    assert nurse.locator("#trend-esas_total svg").is_visible()
    check_page(nurse)
    section.screenshot(path=str(SCREENSHOTS / "palliative-patient-390.png"))

    section.get_by_role("link", name="Symtomskattning och väntat dödsfall").click()
    nurse.wait_for_load_state()
    assert nurse.get_by_role(
        "heading", name="Palliativ vård: Gunnel Ahlström", level=1
    ).is_visible()
    for item, value in CHOSEN.items():
        nurse.locator(f"#f-{item}").get_by_text(value, exact=True).click()
    check_page(nurse)
    screenshot(nurse, "palliative-390")
    nurse.get_by_role("button", name="Spara skattningen").click()
    nurse.wait_for_load_state()
    assert "Skattningen är sparad." in nurse.get_by_role("status").inner_text()
    latest = nurse.locator(".esas-table tbody tr").first.inner_text()
    assert "35" in latest  # 5+6+3+1+6+2+3+4+5
    check_page(nurse)
