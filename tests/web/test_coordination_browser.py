"""Morgonlistan and Samordning vid utskrivning in real headless Chromium on a 390 px phone,
with the demo data: Ivar Strand (vc.ivar, the fixed physician at Vårdcentralen Falun Norra)
opens his morning list from the navigation and sees Birgitta Holmqvist admitted yesterday
evening; Tove Sjöberg (ssk.tove, the medicine clinic) sees Gunnar Sjöberg two days past ready
for discharge and discharges him with a SIP meeting needed; the command centre shows the
card. Writes docs/screenshots/morning-list-390.png and coordination-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.browser_support import check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_morning_list_on_a_phone(new_page: Any) -> None:
    page = new_page(PHONE)
    login(page, "vc.ivar")
    nav = page.get_by_role("navigation", name="Samband")
    nav.get_by_role("link", name="Morgonlistan").click()
    page.wait_for_url("**/morning-list")
    assert page.get_by_role("heading", name="Morgonlistan", level=1).is_visible()
    card = page.locator(
        "article", has=page.get_by_role("heading", name=re.compile("Birgitta Holmqvist"))
    )
    assert card.is_visible()
    text = card.inner_text()
    assert "Inskriven på sjukhus" in text
    assert "Medicinavdelning 7" in text
    # Gunnar was admitted six days ago: not news this morning
    assert "Gunnar Sjöberg" not in page.inner_text("main")
    check_page(page)
    screenshot(page, "morning-list-390")


def test_coordination_on_a_phone(new_page: Any) -> None:
    page = new_page(PHONE)
    login(page, "ssk.tove", "/coordination")
    assert page.get_by_role("heading", name="Samordning vid utskrivning", level=1).is_visible()
    gunnar = page.locator(
        "article", has=page.get_by_role("heading", name=re.compile("Gunnar Sjöberg"))
    )
    assert "2 dagar efter utskrivningsklar" in gunnar.inner_text()
    birgitta = page.locator(
        "article", has=page.get_by_role("heading", name=re.compile("Birgitta Holmqvist"))
    )
    assert "Skickat" in birgitta.inner_text()
    check_page(page)
    screenshot(page, "coordination-390")
    gunnar.get_by_label("SIP-möte behövs").check()
    gunnar.get_by_role("button", name="Registrera utskrivning").click()
    page.wait_for_load_state()
    assert "Patienten är utskriven." in page.inner_text("main")
    gunnar = page.locator(
        "article", has=page.get_by_role("heading", name=re.compile("Gunnar Sjöberg"))
    )
    assert re.search(r"senast \d{4}-\d\d-\d\d \d\d:\d\d", gunnar.inner_text())
    check_page(page)

    # the command centre's card
    page.goto("/")
    card = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Samordning vid utskrivning"))
    )
    assert "Birgitta Holmqvist" in card.inner_text()
    check_page(page)
