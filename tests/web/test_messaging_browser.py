"""Meddelanden in real headless Chromium on a 390 px phone, with the demo data: the home
health care nurse (hsv.eva) opens her inbox from the navigation's count, reads the thread
about Kim (the ward's handover with her answer, and who read what when), writes a question
to the ward, and sees the patient's threads. Writes docs/screenshots/messages-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.browser_support import check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_thread_on_a_phone(new_page: Any) -> None:
    page = new_page(PHONE)
    login(page, "hsv.eva", "/messages")
    nav = page.get_by_role("navigation", name="Samband")
    link = nav.get_by_role("link", name=re.compile("^Meddelanden"))
    assert link.is_visible()
    assert page.get_by_role("heading", name="Mina meddelanden").is_visible()
    check_page(page)
    page.get_by_role("link", name=re.compile("Kim Sandberg · Patientens tråd")).click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert main.index("Överlämning inför hemgång") < main.index("Tack! Vi ger dosen 16:00")
    # a receipt of an earlier day carries its date (the demo's messages are hours old, so
    # soon after midnight they are yesterday's)
    receipt = r"(\d{4}-\d\d-\d\d )?\d\d:\d\d"
    assert re.search(r"Läst av Eva Andersson " + receipt, main)  # her own receipt
    assert re.search(r"Läst av Bertil Holm " + receipt, main)
    check_page(page)
    page.get_by_label("Typ av meddelande").select_option("question")
    page.get_by_label("Anna Lindqvist").check()
    page.locator("#f-body").fill("Kim har ont kring PICC-linjen. Kan ni titta?")
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "Meddelandet är skickat."
    assert "Kan ni titta?" in page.inner_text("main")
    assert "Till: Anna Lindqvist" in page.inner_text("main")
    check_page(page)
    screenshot(page, "messages-390")

    page.get_by_role("link", name="Patientens trådar").click()
    page.wait_for_load_state()
    assert "Vårdbegäran: Hemsjukvård" in page.inner_text("main")
    check_page(page)
