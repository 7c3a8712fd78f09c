"""Avvikelser in real headless Chromium on a 390 px phone, with the demo data: the home health
care nurse (hsv.eva) opens Kim Sandberg's page, follows *Rapportera avvikelse* and reports a
samverkansavvikelse concerning the infection clinic; the clinic's nurse (ssk.bertil) opens
*Avvikelser* from the navigation, investigates, answers with a measure and closes it; Eva sees
the answer. Writes docs/screenshots/deviation-report-390.png and deviation-page-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from samband.kit.time import local_today
from tests.web.browser_support import check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WHAT = "Syrgaskoncentratorn levererades utan slangar."


def test_a_deviation_passes_between_two_organisations_on_a_phone(new_page: Any) -> None:
    nurse = new_page(PHONE)
    login(nurse, "hsv.eva", "/patients?search=Sandberg")
    nurse.get_by_role("link", name="Kim Sandberg").first.click()
    nurse.wait_for_load_state()
    nurse.get_by_role("link", name="Rapportera avvikelse").click()
    nurse.wait_for_load_state()
    assert nurse.get_by_role("heading", name="Rapportera avvikelse", level=1).is_visible()
    nurse.get_by_label("Utrustning, medicinteknisk produkt").check()
    nurse.get_by_label("Vad hände?").fill(WHAT)
    nurse.get_by_label("Ingen", exact=True).check()
    nurse.get_by_label("Vad gjordes direkt?").fill("Lånade slangar av mobila teamet.")
    nurse.get_by_label("Vilken verksamhet gäller avvikelsen?").select_option(
        label="Infektionskliniken, Falu lasarett"
    )
    check_page(nurse)
    screenshot(nurse, "deviation-report-390")
    nurse.get_by_role("button", name="Skicka rapporten").click()
    nurse.wait_for_load_state()
    assert "Avvikelsen är rapporterad" in nurse.get_by_role("status").inner_text()
    page_url = nurse.url.split("?")[0]

    clinic = new_page(PHONE)
    login(clinic, "ssk.bertil")
    nav = clinic.get_by_role("navigation", name="Samband")
    nav.get_by_role("link", name="Avvikelser").click()
    clinic.wait_for_url("**/deviations")
    clinic.get_by_role("link", name="Utrustning, medicinteknisk produkt").first.click()
    clinic.wait_for_load_state()
    assert WHAT in clinic.inner_text("main")
    clinic.get_by_role("button", name="Påbörja utredningen").click()
    clinic.wait_for_load_state()
    clinic.get_by_label("Vad kom utredningen fram till?").fill("Slangarna saknades i paketet.")
    clinic.get_by_label("Åtgärd", exact=True).first.fill("Packlistan för syrgas kompletteras.")
    clinic.get_by_label("Ansvarig").first.fill("Bertil Holm")
    due = (local_today() + timedelta(days=7)).isoformat()
    clinic.get_by_label("Klart senast").first.fill(due)
    clinic.get_by_role("button", name="Skicka svaret").click()
    clinic.wait_for_load_state()
    assert "Svaret är skickat" in clinic.get_by_role("status").inner_text()
    clinic.get_by_label("Avslutande kommentar").fill("Packlistan är ändrad.")
    clinic.get_by_role("button", name="Avsluta avvikelsen").click()
    clinic.wait_for_load_state()
    assert "Avvikelsen är avslutad" in clinic.get_by_role("status").inner_text()
    check_page(clinic)

    nurse.goto(page_url)
    nurse.wait_for_load_state()
    main = nurse.inner_text("main")
    assert "Slangarna saknades i paketet." in main
    assert "Packlistan för syrgas kompletteras." in main
    assert "avslutad" in main
    check_page(nurse)
    screenshot(nurse, "deviation-page-390")
