"""Utskrivningsinformation in real headless Chromium on a 390 px phone, with the demo data: the
physician (lakare.anna) opens Kim Sandberg's page, follows the card to the draft the nurse
wrote (the course, the medications, CRP falling, the follow-up) with its sign form; then
Ingrid Berg's signed summary, sent with the referral at discharge, and its PDF. Writes
docs/screenshots/discharge-summary-draft-390.png and discharge-summary-signed-390.png.

Nothing is changed: the live server is shared with the other browser tests.
Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser_support import check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_draft_and_the_signed_summary_on_a_phone(new_page: Any) -> None:
    page = new_page(PHONE)
    login(page, "lakare.anna", "/patients?search=Sandberg")
    page.get_by_role("link", name="Kim Sandberg").first.click()
    page.wait_for_load_state()
    card = page.locator("#discharge-summary")
    assert "Utkast, version 1" in card.inner_text()
    card.get_by_role("link", name="Öppna utskrivningsinformationen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Utskrivningsinformation: Kim Sandberg").is_visible()
    main = page.inner_text("main")
    for text in ("Vårdförlopp", "Läkemedel vid utskrivning", "Cefotaxim", "Provsvar", "CRP"):
        assert text in main, text
    assert page.get_by_label("Vad ska följas upp").first.input_value() == "CRP"
    assert page.get_by_role("button", name="Signera").is_visible()
    check_page(page)
    screenshot(page, "discharge-summary-draft-390")

    login(page, "lakare.anna", "/patients?search=Berg")
    page.get_by_role("link", name="Ingrid Berg").first.click()
    page.wait_for_load_state()
    page.locator("#discharge-summary").get_by_role(
        "link", name="Öppna utskrivningsinformationen"
    ).click()
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "signerad" in main
    assert "Signerad av Anna Lindqvist" in main
    assert "Skickad med remissen till" in main
    for text in ("Klindamycin", "Insatt", "Dos 1 g → 2 g", "CRP och kreatinin"):
        assert text in main, text
    assert not page.get_by_role("button", name="Signera").count()
    check_page(page)
    screenshot(page, "discharge-summary-signed-390")
    href = page.get_by_role("link", name="PDF").get_attribute("href")
    assert href is not None
    answer = page.request.get(href)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")
