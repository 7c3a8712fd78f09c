#!/usr/bin/env python3
"""Crawl Samband's pages as its users would on a phone, and say what is wrong (issue 12).

For each role (a demo login) and each language (Swedish, then English) it logs in with
Playwright and Debian's chromium at 390 x 844, follows the pages' own links breadth-first
(same origin, GET; never /logout, /language/*, downloads, the API or event streams) up to a
budget of pages, and records for every page:

- too wide: the document's scrollWidth above the viewport, and the elements that stick out;
- foreign words: visible English words on a Swedish page, Swedish words on an English page
  (wordfreq's frequencies in both languages; names from the demo data, abbreviations, units,
  numbers and identifiers are ignored; an element marked with another ``lang`` is skipped);
- errors: HTTP status >= 400, the error page (templates/error.html), a link that ends on
  the login page;
- the landing page after logging in, and pages without the navigation or a way to log out.

Usage (from the repository root, with the test extras installed):

    .venv/bin/python scripts/crawl.py                     # its own server, demo data
    .venv/bin/python scripts/crawl.py --base-url http://127.0.0.1:8000 --budget 80
    .venv/bin/python scripts/crawl.py --roles hsv.eva,lakare.anna --languages sv

Without --base-url it serves Samband in-process on a fresh SQLite database with the demo
data (as tests.web.conftest.py does). It prints a report and exits 1 when it found anything.
tests/web/test_crawl.py runs the same crawl (``crawl()``, ``serve_demo()``).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import re
import socket
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
LANGUAGES = ("sv", "en")
# The five roles of the issue, then the others worth a look.
ROLES = ("hsv.eva", "lakare.anna", "ssk.bertil", "analytiker.lars", "revisor.maria")
MORE_ROLES = ("ht.ida", "admin.nils", "usk.gun")
PASSWORD = "samband-demo"  # noqa: S105 - the documented demo password (samband.demo)

# Links never followed: they act, leave the pages or are not pages.
SKIP_PATHS = re.compile(
    r"^/(logout|language/|api/|docs|redoc|openapi|static/|overview/(live|events))"
    r"|/events$|/file$|\.(pdf|csv|json|xml|zip|png|svg|txt|ics)$"
)
_ID = re.compile(r"^([0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{32}|\d+|\d{4}-\d\d-\d\d)$", re.I)

# -- the language of a word ---------------------------------------------------------------

# Words both languages use on these pages, abbreviations and units written in lower case.
SHARED_WORDS = {
    "samband", "ok", "team", "status", "plan", "start", "risk", "region", "version", "filter",
    "export", "organisation", "roll", "e", "post", "sms", "mg", "ml", "mmol", "mmhg", "kg",
    "kpa", "min", "h", "g", "l", "km", "kr", "sek", "bpm", "st", "nr", "kl", "iv", "via",
    "per", "pdf", "csv", "id", "t", "m", "s", "d", "x", "pm", "am", "fhir", "news", "opat",
    "api", "url", "www", "http", "https", "se", "com", "example", "info", "extra", "data",
    "system", "service", "test", "demo", "total", "normal", "pilot", "personal", "central",
    "minimum", "maximum", "max", "dag", "logg", "all", "ordination", "inhalation", "saturation",
    "en", "sv", "ar",  # language codes ("e.g. sv, en, ar"); "en" is never foreign on a Swedish page
}  # fmt: skip
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
TOKEN = re.compile(r"\S+")


def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


def _compound_swedish(word: str) -> bool:
    """A Swedish compound wordfreq does not know (dagsplan, trygghetsplatser): two known
    parts, at least one clearly Swedish."""
    for cut in range(3, len(word) - 2):
        left, right = word[:cut], word[cut:]
        for head in {left, left[:-1] if left.endswith("s") else left}:
            if len(head) < 3:
                continue
            sv_l, en_l = _zipf(head, "sv"), _zipf(head, "en")
            sv_r, en_r = _zipf(right, "sv"), _zipf(right, "en")
            if sv_l >= 2.5 and sv_r >= 2.5 and (sv_l - en_l >= 1.0 or sv_r - en_r >= 1.0):
                return True
    return False


def word_language(word: str) -> str | None:
    """'en' or 'sv' when the word clearly belongs to one of them, None when it is shared,
    unknown, an abbreviation or a unit."""
    if len(word) < 2 or word.lower() in SHARED_WORDS:
        return None
    if word.isupper() or any(c.isupper() for c in word[1:]):
        return None  # NEWS, CRP, PICC, SpO, mmHg, iPad: abbreviations and names of things
    low = word.lower()
    en, sv = _zipf(low, "en"), _zipf(low, "sv")
    if en >= 3.0 and en - sv >= 1.0:
        return "en"
    if sv >= 2.0 and sv - en >= 1.0:
        return "sv"
    if en == 0 and sv > 0:
        return "sv"
    if en < 1.0 and (any(c in low for c in "åäö") or (len(low) >= 8 and _compound_swedish(low))):
        return "sv"
    return None


_IDENTIFIER = re.compile(r"\w[.:_]\w")  # ssk.bertil, at_home, example.se, 07:00


def foreign_words(text: str, lang: str, names: set[str]) -> list[str]:
    """The words of ``text`` that belong to the other language."""
    found: list[str] = []
    for token in TOKEN.findall(text):
        if (
            any(c.isdigit() for c in token)
            or "@" in token
            or "/" in token.strip("/")
            or _IDENTIFIER.search(token)
        ):
            continue  # numbers, identifiers (NEWS2, SpO2, 19680314-9829, usernames), units
        for word in WORD.findall(token):
            if "-" in word and any(len(p) > 1 and p.isupper() for p in word.split("-")):
                continue  # a term made with an abbreviation: PICC-line, KOL-exacerbation
            for part in word.replace("’", "'").split("-"):
                part = part.split("'")[0]
                if not part or part in names:
                    continue
                other = word_language(part)
                if other is not None and other != lang:
                    found.append(part)
    return found


def _demo_literals() -> list[str]:
    """The string literals of the demo data (samband/demo.py or a samband/demo/ package, and a
    scenario file in YAML if there is one)."""
    texts: list[str] = []
    sources = [ROOT / "src" / "samband" / "demo.py"]
    sources += list((ROOT / "src" / "samband").glob("demo/**/*.py"))
    # issue 14: each area puts its demo data in its own package (<area>/demo.py)
    sources += sorted((ROOT / "src" / "samband").glob("*/demo.py"))
    for path in sources:
        if path.exists():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            texts += [
                n.value
                for n in ast.walk(tree)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
    data_files = set((ROOT / "src" / "samband").glob("**/*scenario*.y*ml"))
    data_files |= set((ROOT / "src" / "samband").glob("demo*.y*ml"))  # demo_world.yaml
    for path in sorted(data_files):
        texts += list(_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return texts


def _strings(value: object) -> Iterator[str]:
    """Every string in a parsed YAML document (keys and values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def demo_data_texts() -> list[str]:
    """Free texts the demo's staff wrote (in Swedish: goals, notes, reasons). On an English
    page they are data, not the page's words; longest first."""
    texts = {t.strip() for t in _demo_literals() if "\n" not in t and len(t.strip()) >= 4}
    return sorted((t for t in texts if WORD.search(t)), key=len, reverse=True)


def demo_names() -> set[str]:
    """Names of people, places and organisations in the demo data: the words of its string
    literals that are all capitalised ('Kim Sandberg', 'Region Dalarna', 'Åsgatan 12')."""
    names: set[str] = set()
    for text in _demo_literals():
        words = [w for word in WORD.findall(text) for w in word.split("-") if w]
        if words and "\n" not in text and all(w[:1].isupper() for w in words):
            names.update(words)
    return names


@dataclass
class Vocabulary:
    """What the crawl does not count as a foreign word: the demo's names, and on an English
    page the Swedish free texts of the demo data."""

    names: set[str] = field(default_factory=set)
    data: list[str] = field(default_factory=list)

    @classmethod
    def of_demo(cls) -> Vocabulary:
        return cls(names=demo_names(), data=demo_data_texts())

    def foreign(self, text: str, lang: str) -> list[str]:
        if lang == "en":
            for data in self.data:
                if data in text:
                    text = text.replace(data, " ")
        return foreign_words(text, lang, self.names)


# -- what the browser reads off a page ----------------------------------------------------

PAGE_JS = r"""
(vw) => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const lang = document.documentElement.lang || '';
  const visible = el => {
    if (!el || el.getClientRects().length === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden';
  };
  const otherLang = el => {
    const holder = el.closest('[lang]');
    return holder && holder !== document.documentElement && holder.lang && holder.lang !== lang;
  };
  const BLOCKS = 'p, li, td, th, dd, dt, h1, h2, h3, h4, label, legend, button, a, option, '
    + 'summary, figcaption, caption';
  const snippet = el => {
    const block = el.closest(BLOCKS) || el;
    return (block.innerText || block.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 140);
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, noscript, template')) continue;
    const shown = el.closest('option') ? visible(el.closest('select')) : visible(el);
    if (!shown || otherLang(el)) continue;
    texts.push([text, text.length >= 30 ? text.replace(/\s+/g, ' ').slice(0, 140) : snippet(el)]);
  }
  const LABELLED = '[aria-label], [title], [placeholder], [alt], input[type=submit], '
    + 'input[type=button]';
  for (const el of document.querySelectorAll(LABELLED)) {
    if (otherLang(el)) continue;
    for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
      const v = el.getAttribute(attr);
      if (v) texts.push([v, `${el.tagName.toLowerCase()}[${attr}]`]);
    }
    if (el.tagName === 'INPUT' && el.value) texts.push([el.value, 'input[value]']);
  }
  texts.push([document.title, 'title']);
  const describe = el => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    const classes = e => (typeof e.className === 'string' ? e.className.trim().split(/\s+/) : [])
      .filter(Boolean);
    if (classes(el).length) d += '.' + classes(el).join('.');
    const parent = el.parentElement;
    let p = parent ? parent.tagName.toLowerCase() : '';
    if (parent && classes(parent).length) p += '.' + classes(parent)[0];
    return `${p} > ${d}`;
  };
  const wide = [];
  const width = document.documentElement.scrollWidth;
  if (width > vw) {
    const out = Array.from(document.body.querySelectorAll('*')).filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > vw + 1 && !el.closest('.skip');
    });
    const leaves = out.filter(el => !out.some(o => o !== el && el.contains(o)));
    for (const el of leaves.slice(0, 6)) {
      const r = el.getBoundingClientRect();
      const text = (el.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 50);
      wide.push(`${describe(el)} right=${Math.round(r.right)} "${text}"`);
    }
  }
  const links = Array.from(document.querySelectorAll('a[href]'))
    .filter(a => !a.hasAttribute('download') && !(a.target && a.target !== '_self'))
    .map(a => a.href);
  const h1 = document.querySelector('h1');
  return {
    lang, width, wide, texts, links,
    h1: h1 ? h1.innerText.trim() : '',
    nav: !!document.querySelector('header nav a[href]'),
    logout: !!document.querySelector('form[action="/logout"] button'),
    errorPage: !!document.querySelector('.error-page'),
  };
}
"""


@dataclass
class Page:
    url: str
    status: int
    width: int = 0
    wide: list[str] = field(default_factory=list)
    foreign: list[tuple[str, str]] = field(default_factory=list)  # (word, snippet)
    error: str = ""
    nav: bool = True
    logout: bool = True
    wrong_lang: str = ""
    links: list[str] = field(default_factory=list, repr=False)


@dataclass
class RoleRun:
    role: str
    lang: str
    landing: str = ""
    pages: list[Page] = field(default_factory=list)
    not_pages: list[str] = field(default_factory=list)  # links that gave a download

    @property
    def too_wide(self) -> list[Page]:
        return [p for p in self.pages if p.width > PHONE["width"]]

    @property
    def errors(self) -> list[Page]:
        return [p for p in self.pages if p.error]

    @property
    def without_way_out(self) -> list[Page]:
        return [p for p in self.pages if not (p.nav and p.logout)]

    @property
    def foreign(self) -> Counter[str]:
        return Counter(w for p in self.pages for w, _ in p.foreign)


@dataclass
class Report:
    width: int
    runs: list[RoleRun] = field(default_factory=list)
    landing_problems: list[str] = field(default_factory=list)

    def too_wide(self) -> list[tuple[RoleRun, Page]]:
        return [(r, p) for r in self.runs for p in r.pages if p.width > self.width]

    def errors(self) -> list[tuple[RoleRun, Page]]:
        return [(r, p) for r in self.runs for p in r.errors]

    def without_way_out(self) -> list[tuple[RoleRun, Page]]:
        return [(r, p) for r in self.runs for p in r.without_way_out]

    def foreign(self) -> list[tuple[RoleRun, Page, str, str]]:
        return [(r, p, w, s) for r in self.runs for p in r.pages for w, s in p.foreign]

    @property
    def failed(self) -> bool:
        return bool(
            self.too_wide()
            or self.errors()
            or self.without_way_out()
            or self.foreign()
            or self.landing_problems
        )

    def text(self, *, words_per_role: int = 40) -> str:
        lines = [f"Samband crawl at {self.width} px"]
        for run in self.runs:
            wide = [p for p in run.pages if p.width > self.width]
            foreign = run.foreign
            lines.append(
                f"\n== {run.role} [{run.lang}]: {len(run.pages)} pages, landed on {run.landing}; "
                f"{len(wide)} too wide, {sum(foreign.values())} foreign words "
                f"({len(foreign)} different), {len(run.errors)} errors, "
                f"{len(run.without_way_out)} without navigation/log-out"
            )
            for p in wide:
                lines.append(f"  WIDE {p.width}px {_path(p.url)}")
                lines += [f"       {w}" for w in p.wide[:4]]
            for p in run.errors:
                lines.append(f"  ERROR {p.status} {_path(p.url)}: {p.error}")
            for p in run.without_way_out:
                lines.append(
                    f"  NO WAY OUT {_path(p.url)} (navigation: {p.nav}, log-out: {p.logout})"
                )
            seen: set[str] = set()
            shown = 0
            for p in run.pages:
                for word, snip in p.foreign:
                    if word.lower() in seen or shown >= words_per_role:
                        continue
                    seen.add(word.lower())
                    shown += 1
                    lines.append(f"  WORD {word!r} ×{foreign[word]} {_path(p.url)}: «{snip[:110]}»")
            if len(foreign) > shown:
                lines.append(f"  … and {len(foreign) - shown} more different words")
            if run.not_pages:
                lines.append(f"  (not pages, not followed further: {len(run.not_pages)})")
        lines += [f"LANDING {problem}" for problem in self.landing_problems]
        lines.append(
            f"\nTOTAL: {sum(len(r.pages) for r in self.runs)} pages, "
            f"{len({_path(p.url) for _, p in self.too_wide()})} too wide, "
            f"{len(self.foreign())} foreign words, {len(self.errors())} error links, "
            f"{len(self.without_way_out())} pages without a way out, "
            f"{len(self.landing_problems)} landing problems"
        )
        return "\n".join(lines)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def pattern(url: str) -> str:
    """The page's kind: the path with its identifiers replaced, e.g. /patients/{id}."""
    return "/".join("{id}" if _ID.match(s) else s for s in urlsplit(url).path.split("/"))


def _error_titles() -> set[str]:
    try:
        from samband.kit.i18n import translate

        return {translate("common.error", lang) for lang in LANGUAGES}
    except Exception:  # noqa: BLE001 - the crawl also runs against another checkout
        return {"Något blev fel", "Something went wrong"}


# -- the crawl ----------------------------------------------------------------------------


def _log_in(page: Any, base_url: str, username: str) -> str:
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/login'] [type=submit]")
    return page.url


def _visit(
    page: Any, url: str, lang: str, words: Vocabulary, error_titles: set[str]
) -> Page | None:
    try:
        response = page.goto(url, wait_until="load")
    except Exception as exc:  # noqa: BLE001 - a download or a broken page: say which
        if "Download is starting" in str(exc):
            return None
        return Page(url=url, status=0, error=f"did not load: {str(exc).splitlines()[0][:120]}")
    status = response.status if response is not None else 0
    kind = (response.headers.get("content-type", "") if response is not None else "").lower()
    if response is not None and "text/html" not in kind:
        return None
    data = page.evaluate(PAGE_JS, page.viewport_size["width"])
    result = Page(
        url=page.url,
        status=status,
        width=int(data["width"]),
        wide=list(data["wide"]),
        nav=bool(data["nav"]),
        logout=bool(data["logout"]),
    )
    if status >= 400:
        result.error = f"HTTP {status} ({data['h1']})"
    elif data["errorPage"] or data["h1"] in error_titles:
        result.error = f"the error page ({data['h1']})"
    elif urlsplit(page.url).path == "/login":
        result.error = "ended on the login page"
    if data["lang"] != lang:
        result.wrong_lang = data["lang"]
    seen: set[tuple[str, str]] = set()
    for text, snip in data["texts"]:
        for word in words.foreign(text, lang):
            if (word, snip) not in seen:
                seen.add((word, snip))
                result.foreign.append((word, snip))
    result.links = list(data["links"])
    return result


def crawl_role(
    context: Any,
    base_url: str,
    role: str,
    languages: Sequence[str],
    budget: int,
    words: Vocabulary,
    per_kind: int = 3,
) -> list[RoleRun]:
    """Log in as ``role`` and crawl in each language; the landing page is recorded in the
    first language (the language cookie is set before logging in)."""
    page = context.new_page()
    error_titles = _error_titles()
    runs: list[RoleRun] = []
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    logged_in = False
    for lang in languages:
        page.goto(f"{base_url}/language/{lang}?next=/login")
        run = RoleRun(role=role, lang=lang)
        if not logged_in:
            start = _log_in(page, base_url, role)
            logged_in = "/login" not in urlsplit(start).path
            run.landing = _path(start)
        else:  # the same first page, now in this language
            page.goto(f"{base_url}{runs[0].landing if runs else '/'}")
            start = page.url
            run.landing = _path(start)
        queue: deque[str] = deque([urldefrag(start)[0]])
        seen = {urldefrag(start)[0]}
        kinds: Counter[str] = Counter()
        while queue and len(run.pages) < budget:
            url = queue.popleft()
            kinds[pattern(url)] += 1
            visited = _visit(page, url, lang, words, error_titles)
            if visited is None:
                run.not_pages.append(url)
                continue
            run.pages.append(visited)
            if visited.error == "ended on the login page":  # the session ended: log in again
                _log_in(page, base_url, role)
            for link in visited.links:
                link = urldefrag(link)[0]
                parts = urlsplit(link)
                if f"{parts.scheme}://{parts.netloc}" != origin or link in seen:
                    continue
                if SKIP_PATHS.search(parts.path) or parts.path == "/login":
                    continue
                if (
                    kinds[pattern(link)] + sum(pattern(q) == pattern(link) for q in queue)
                    >= per_kind
                ):
                    continue
                seen.add(link)
                queue.append(link)
        runs.append(run)
    page.close()
    return runs


def landing_problems(runs: Sequence[RoleRun]) -> list[str]:
    problems: list[str] = []
    for run in runs:
        if not run.landing:
            continue
        first = run.pages[0] if run.pages else None
        if "/login" in run.landing:
            problems.append(f"{run.role}: could not log in ({run.landing})")
        elif first is not None and (first.error or not (first.nav and first.logout)):
            problems.append(
                f"{run.role} lands on {run.landing}: "
                f"{first.error or 'no navigation or no log-out button'}"
            )
    return problems


def crawl(
    base_url: str,
    roles: Sequence[str] = ROLES,
    languages: Sequence[str] = LANGUAGES,
    budget: int = 60,
    viewport: dict[str, int] | None = None,
    per_kind: int = 3,
    browser: Any = None,
) -> Report:
    """Crawl ``base_url`` as each role in each language; a Report of what was found.
    ``browser``: a launched Playwright browser to use (the tests share theirs); else one is
    launched here."""
    if browser is not None:
        return _crawl_with(browser, base_url, roles, languages, budget, viewport, per_kind)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            return _crawl_with(launched, base_url, roles, languages, budget, viewport, per_kind)
        finally:
            launched.close()


def _crawl_with(
    browser: Any,
    base_url: str,
    roles: Sequence[str],
    languages: Sequence[str],
    budget: int,
    viewport: dict[str, int] | None,
    per_kind: int,
) -> Report:
    size: Any = viewport or PHONE  # playwright's ViewportSize
    words = Vocabulary.of_demo()
    report = Report(width=size["width"])
    for role in roles:
        context = browser.new_context(
            viewport=size,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            service_workers="block",
        )
        context.set_default_timeout(20_000)
        try:
            report.runs += crawl_role(context, base_url, role, languages, budget, words, per_kind)
        finally:
            context.close()
    report.landing_problems = landing_problems(report.runs)
    return report


# -- a server of its own ------------------------------------------------------------------


@contextlib.contextmanager
def serve_demo(database_url: str | None = None) -> Iterator[str]:
    """Samband served by uvicorn in a background thread on a fresh SQLite database (or
    ``database_url``) with the demo data; yields the base URL."""
    os.environ.setdefault("SAMBAND_ALERT_TICK_SECONDS", "0")
    os.environ.setdefault("SAMBAND_AUDIT_CHECKPOINT_MINUTES", "0")
    os.environ.setdefault("SAMBAND_JOBS_IN_APP", "false")
    os.environ.setdefault("SAMBAND_LIVE_FEED_SECONDS", "0")
    import uvicorn

    from samband import demo, migrate
    from samband.app import create_app
    from samband.db import make_engine, make_sessionmaker, unit_of_work

    with tempfile.TemporaryDirectory(prefix="samband-crawl-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'crawl.db'}"
        engine = make_engine(url)
        with engine.begin() as conn:
            migrate.upgrade(connection=conn)
        with unit_of_work(make_sessionmaker(engine)) as session:
            demo.load(session)
        app = create_app(session_factory=make_sessionmaker(engine))
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Samband server did not start")
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            sock.close()
            engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="crawl this server (default: serve the demo here)")
    parser.add_argument("--roles", default=",".join(ROLES), help="comma-separated usernames")
    parser.add_argument("--more-roles", action="store_true", help=f"also {', '.join(MORE_ROLES)}")
    parser.add_argument("--languages", default="sv,en")
    parser.add_argument("--budget", type=int, default=60, help="pages per role and language")
    parser.add_argument("--per-kind", type=int, default=3, help="pages per kind (/patients/{id})")
    parser.add_argument("--width", type=int, default=PHONE["width"])
    parser.add_argument("--words", type=int, default=40, help="different words shown per role")
    args = parser.parse_args(argv)
    roles = [r for r in args.roles.split(",") if r] + (list(MORE_ROLES) if args.more_roles else [])
    languages = [lang for lang in args.languages.split(",") if lang]
    viewport = {"width": args.width, "height": PHONE["height"] if args.width < 600 else 1024}
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        base_url = args.base_url or stack.enter_context(serve_demo())
        report = crawl(base_url, roles, languages, args.budget, viewport, args.per_kind)
    sys.stdout.write(report.text(words_per_role=args.words) + "\n")
    sys.stdout.write(f"({time.monotonic() - started:.0f} s)\n")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    raise SystemExit(main())
