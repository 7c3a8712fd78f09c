"""Helpers for the browser tests: log in, the accessibility checks run on every page visited,
screenshots for docs/screenshots/, fresh personnummer."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

from samband.demo import DEMO_PASSWORD
from samband.kit.personnummer import luhn_check_digit

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Serials 100..899 from a random start, so reruns against a kept database do not collide
# with earlier runs; the demo uses 982..990.
_serials = itertools.count(random.randint(100, 500))  # noqa: S311 - not security


def personnummer(year: int = 1971, month: int = 5, day: int = 17) -> str:
    """A valid, new personnummer (12 digits with '-')."""
    serial = next(_serials) % 900 + 100
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}-{serial:03d}{luhn_check_digit(nine)}"


def login(page: Any, username: str, next_path: str = "/") -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login as {username} failed: {page.url}"


def logout(page: Any) -> None:
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/login")


# Inputs that a person fills in must have a label (a <label for>, a wrapping <label>,
# aria-label or aria-labelledby). Hidden inputs and invisible ones are not asked.
UNLABELLED_INPUTS_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button'
                && el.getClientRects().length > 0)
  .filter(el => !((el.labels && el.labels.length > 0)
                  || (el.getAttribute('aria-label') || '').trim()
                  || el.getAttribute('aria-labelledby')))
  .map(el => el.outerHTML.slice(0, 160))
"""

NO_HORIZONTAL_SCROLL_JS = "document.documentElement.scrollWidth <= window.innerWidth"


def check_page(page: Any) -> None:
    """What every page must meet: no horizontal scrolling at this width, every input labelled,
    exactly one h1."""
    width = page.evaluate("window.innerWidth")
    assert page.evaluate(NO_HORIZONTAL_SCROLL_JS), (
        f"{page.url} scrolls sideways at {width} px: scrollWidth="
        f"{page.evaluate('document.documentElement.scrollWidth')}"
    )
    unlabelled = page.evaluate(UNLABELLED_INPUTS_JS)
    assert unlabelled == [], f"{page.url}: inputs without a label: {unlabelled}"
    assert page.locator("h1").count() == 1, f"{page.url}: expected exactly one h1"


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG for the README, docs/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
