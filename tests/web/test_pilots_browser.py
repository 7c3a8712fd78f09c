"""Pilots (expeditioner) in real headless Chromium on a 390 px phone, with the demo data:
the coordinator of Infektionskliniken (koord.david) opens *Expeditioner (piloter)* from the
outcomes page, logs an unintended effect on the running pilot with the page's form, edits
the changes for the next iteration, then reads Medicinkliniken's finished pilot read only
(no forms). Writes docs/screenshots/pilots-390.png and pilots-finished-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser_support import check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_pilot_edited_on_a_phone_and_another_organisations_finished_pilot_read(
    new_page: Any,
) -> None:
    page = new_page(PHONE)
    login(page, "koord.david", "/outcomes")
    page.get_by_role("link", name="Alla expeditioner och ny expedition").click()
    page.wait_for_url("**/pilots")
    check_page(page)
    page.get_by_role("link", name="OPAT hemma med kommunen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Expedition: OPAT hemma med kommunen").is_visible()
    check_page(page)

    page.get_by_label("Vad är det?").select_option("unintended_effect")
    page.get_by_label("Positiv eller negativ (oavsedda effekter)").select_option("positive")
    page.get_by_label("Beskrivning").fill("Patienterna sov bättre hemma än på avdelningen")
    page.get_by_role("button", name="Spara loggposten").click()
    page.wait_for_load_state()
    assert "Loggposten är sparad." in page.get_by_role("status").inner_text()
    effects = page.locator("#log-unintended_effect").inner_text()
    assert "Patienterna sov bättre hemma än på avdelningen" in effects
    assert "Positiv" in effects
    check_page(page)
    screenshot(page, "pilots-390")

    page.get_by_role("link", name="Ändra expeditionen").click()
    page.wait_for_load_state()
    check_page(page)
    page.get_by_label("Ändringar till nästa omgång").fill("Två sjuksköterskor på kvällen")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_load_state()
    assert "Ändringarna är sparade." in page.get_by_role("status").inner_text()
    assert "Två sjuksköterskor på kvällen" in page.inner_text("main")

    page.goto("/pilots/finished")
    check_page(page)
    page.get_by_role("link", name="Hjärtsvikt hemma, omgång 1").click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Läsläge" in main
    assert "Oklart vem som betalar läkemedlen" in page.locator("#log-barrier").inner_text()
    assert "Fler telefonsamtal" in page.locator("#log-unintended_effect").inner_text()
    assert "barnbarnets födelsedag" in page.locator("#log-patient_story").inner_text()
    assert page.locator("main form").count() == 0
    assert page.get_by_role("link", name="Ändra expeditionen").count() == 0
    check_page(page)
    screenshot(page, "pilots-finished-390")
