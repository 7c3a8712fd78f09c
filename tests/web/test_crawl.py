"""The crawl of issue 12 (scripts/crawl.py): the five roles on a 390 px phone, in Swedish and
in English, following the pages' own links from where each lands. No page wider than the
phone, no link that ends on an error page, every role landing on its own page with the
navigation and a way to log out on every page, and no word of the other language.

The crawl serves Samband itself on a fresh SQLite database with the demo data (its own,
not the browser tests' live server, which those tests change). Run it by hand for the full
report: `.venv/bin/python scripts/crawl.py` (see its docstring).

The word classifier is tested alone first (no browser).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.web.browser_support import screenshot

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "crawl.py"
BUDGET = 40  # pages per role and language: about a minute and a half for the whole crawl
LANDS_ON = {
    "hsv.eva": "/my-visits",  # Mina besök idag
    "lakare.anna": "/",
    "ssk.bertil": "/",
    "analytiker.lars": "/outcomes",
    "revisor.maria": "/audit",
}


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("samband_crawl", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


crawl = _load()


class TestWordLanguage:
    @pytest.mark.parametrize(
        "text",
        [
            "call the patient at once",
            "no data",
            "Episodes started (went home) by month and pathway",
        ],
    )
    def test_english_on_a_swedish_page_is_found(self, text: str) -> None:
        assert crawl.foreign_words(text, "sv", set())

    @pytest.mark.parametrize(
        "text",
        [
            "Ring patienten och infektionsavdelningens läkare genast",
            "Mina besök idag",
            "1 ledig trygghetsplats",
            "Skriv ut journalkopia",
            "Status: planerad · Team: mobila teamet",
        ],
    )
    def test_swedish_is_not_foreign_on_a_swedish_page(self, text: str) -> None:
        assert crawl.foreign_words(text, "sv", set()) == []

    @pytest.mark.parametrize(
        "text", ["Mina besök idag", "dagsplan", "trygghetsplatser", "Logga ut", "hemma"]
    )
    def test_swedish_on_an_english_page_is_found(self, text: str) -> None:
        assert crawl.foreign_words(text, "en", set())

    @pytest.mark.parametrize(
        "text",
        [
            "NEWS2 7 (medium) · SpO2 91 % · CRP 45 mg/l · PICC",
            "19680314-9829",
            "07:30–08:30 · 023-49 20 00",
            "ssk.bertil · at_home · anna.lindqvist@example.se",
        ],
    )
    def test_abbreviations_units_numbers_and_identifiers_are_neither(self, text: str) -> None:
        assert crawl.foreign_words(text, "sv", set()) == []
        assert crawl.foreign_words(text, "en", set()) == []

    def test_the_demos_names_are_neither(self) -> None:
        names = crawl.demo_names()
        assert {"Lindqvist", "Dalarna", "Falun"} <= names
        assert crawl.foreign_words("Anna Lindqvist, Region Dalarna", "en", names) == []

    def test_the_demos_swedish_notes_are_data_on_an_english_page(self) -> None:
        words = crawl.Vocabulary(names=set(), data=["Att få sova hemma"])
        assert words.foreign("Goal: Att få sova hemma", "en") == []
        assert words.foreign("Goal: sova hemma", "en") == ["sova", "hemma"]


# -- the crawl itself, in the browser -----------------------------------------------------


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The crawl's own Samband with the demo data (the crawl only reads)."""
    if not crawl.CHROMIUM.exists():
        _missing("Debian's chromium is not installed: apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401
        import wordfreq  # noqa: F401
    except ImportError as exc:
        _missing(f"{exc.name} is not installed: pip install -e '.[test]'")
    with crawl.serve_demo() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def report(server: str, chromium: Any) -> Any:
    # the session's browser (one sync Playwright per process)
    return crawl.crawl(server, tuple(LANDS_ON), crawl.LANGUAGES, budget=BUDGET, browser=chromium)


def _pages(found: list[tuple[Any, Any]]) -> list[str]:
    return [f"{run.role} [{run.lang}] {crawl._path(page.url)}" for run, page in found]


@pytest.mark.browser
class TestCrawlOnAPhone:
    def test_every_role_and_language_was_crawled(self, report: Any) -> None:
        crawled = {(run.role, run.lang) for run in report.runs if run.pages}
        assert crawled == {(role, lang) for role in LANDS_ON for lang in crawl.LANGUAGES}

    def test_no_page_is_wider_than_the_phone(self, report: Any) -> None:
        wide = [
            f"{run.role} [{run.lang}] {crawl._path(page.url)}: {page.width} px {page.wide[:2]}"
            for run, page in report.too_wide()
        ]
        assert wide == []

    def test_no_link_ends_on_an_error_page(self, report: Any) -> None:
        errors = [
            f"{run.role} [{run.lang}] {crawl._path(page.url)}: {page.error}"
            for run, page in report.errors()
        ]
        assert errors == []

    def test_each_role_lands_on_its_own_page(self, report: Any) -> None:
        landed = {run.role: run.landing for run in report.runs if run.lang == "sv"}
        assert landed == LANDS_ON
        assert report.landing_problems == []

    def test_every_page_has_the_navigation_and_log_out(self, report: Any) -> None:
        assert _pages(report.without_way_out()) == []

    def test_every_page_is_in_the_language_chosen(self, report: Any) -> None:
        wrong = [
            f"{run.role} [{run.lang}] {crawl._path(page.url)}: lang={page.wrong_lang}"
            for run in report.runs
            for page in run.pages
            if page.wrong_lang
        ]
        assert wrong == []

    def test_no_word_of_the_other_language(self, report: Any) -> None:
        found = sorted(
            {
                f"{run.lang}: {word!r} on {crawl._path(page.url)}"
                for run, page, word, _ in report.foreign()
            }
        )
        assert found == [], f"{len(found)} foreign words, e.g. {found[:30]}"


@pytest.mark.browser
class TestScreenshotsOnAPhone:
    """docs/screenshots/phone-*-390.png: the municipal nurse and the physician at 390 px, in
    Swedish, after the crawl (look at them: a compact header, the current page marked)."""

    @pytest.mark.parametrize(
        ("username", "shots"),
        [
            ("hsv.eva", [("phone-nurse", None), ("phone-nurse-day-sheet", "a[href$='/print']")]),
            (
                "lakare.anna",
                [("phone-physician", None), ("phone-physician-patient", "a[href^='/patients/']")],
            ),
        ],
    )
    def test_the_start_page_and_one_more(
        self, report: Any, server: str, chromium: Any, username: str, shots: list[Any]
    ) -> None:
        context = chromium.new_context(
            base_url=server, viewport=crawl.PHONE, locale="sv-SE", timezone_id="Europe/Stockholm"
        )
        try:
            page = context.new_page()
            page.goto("/language/sv?next=/login")
            crawl._log_in(page, server, username)
            start = page.url
            for name, link in shots:
                if link is not None:
                    page.goto(start if "print" not in link else "/day-plans")
                    href = page.locator(link).first.get_attribute("href")
                    assert href, f"no link {link} for {username}"
                    page.goto(href)
                assert page.locator('header nav a[aria-current="page"]').count() == 1
                assert page.evaluate("document.documentElement.scrollWidth") <= crawl.PHONE["width"]
                screenshot(page, f"{name}-390")
        finally:
            context.close()
