"""Läkarbesök in real headless Chromium on a 390 px phone, with the demo data: the home health
care nurse (hsv.eva) opens Astrid Nordin's page, follows *Boka läkarbesök*, books Ivar Strand's
slot on the next weekday and sees the planned medication review; Ivar (vc.ivar) opens
*Läkartider* from the navigation and finds the booking on that day. Writes
docs/screenshots/physician-slots-390.png.

Fixtures: tests.web.conftest.py (a live server on its own database with the demo data)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest

from samband.kit.time import local_today
from tests.web.browser_support import check_page, login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def next_weekday() -> date:
    day = local_today() + timedelta(days=1)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def test_booking_a_physician_visit_and_the_centres_slots_on_a_phone(new_page: Any) -> None:
    day = next_weekday().isoformat()
    nurse = new_page(PHONE)
    login(nurse, "hsv.eva", "/patients?search=Nordin")
    nurse.get_by_role("link", name="Astrid Nordin").first.click()
    nurse.wait_for_load_state()
    nurse.get_by_role("link", name="Boka läkarbesök").click()
    nurse.wait_for_load_state()
    assert nurse.get_by_role("heading", name="Läkarbesök", level=1).is_visible()
    nurse.get_by_label("Datum").fill(day)
    nurse.get_by_role("button", name="Visa").click()
    nurse.wait_for_load_state()
    main = nurse.inner_text("main")
    assert "11:00–12:00 · Ivar Strand" in main
    assert "2 lediga" in main
    assert "Läkemedelsgenomgång" in main  # the planned review
    check_page(nurse)
    nurse.get_by_label("Anledning (valfri)").fill("Yrsel, föll i går")
    nurse.get_by_role("button", name="Boka").click()
    nurse.wait_for_load_state()
    assert "Läkarbesöket är bokat" in nurse.get_by_role("status").inner_text()
    booked = nurse.locator("#booked").inner_text()
    assert re.search(rf"{day} 11:00–12:00 · Yrsel, föll i går", booked)
    check_page(nurse)

    physician = new_page(PHONE)
    login(physician, "vc.ivar")
    nav = physician.get_by_role("navigation", name="Samband")
    nav.get_by_role("link", name="Läkartider").click()
    physician.wait_for_url("**/physician-slots")
    assert physician.get_by_role("heading", name="Läkartider för hembesök", level=1).is_visible()
    physician.get_by_label("Datum").fill(day)
    physician.get_by_role("button", name="Visa").click()
    physician.wait_for_load_state()
    bookings = physician.locator("#bookings").inner_text()
    assert "Astrid Nordin" in bookings
    assert "Yrsel, föll i går" in bookings
    assert "mån tis ons tor fre 11:00–12:00" in physician.locator("#slots").inner_text()
    check_page(physician)
    screenshot(physician, "physician-slots-390")
