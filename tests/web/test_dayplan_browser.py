"""A day plan that is out of date, in real headless Chromium on a phone (390 px), in Swedish:
the plan is made by the job (the page refreshes itself until it is there), published, then a
patient on it is readmitted; the plan's page says "Planen är inaktuell – planera om" and why.
The whole page fits the phone, before and after: no sideways scrolling (the route tables
stack, the map scales). Writes docs/screenshots/day-plan-390.png and
day-plan-out-of-date-390.png. A server of its own (the readmission
would change what the other browser tests see)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from samband import demo, migrate
from samband.app import create_app
from samband.db import make_engine, make_sessionmaker, unit_of_work
from samband.demo import DEMO_PASSWORD
from samband.kit.time import local_today
from tests.web.browser_support import login, screenshot
from tests.web.conftest import _run_jobs

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    path: Path = tmp_path_factory.mktemp("out-of-date") / "samband.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    with unit_of_work(make_sessionmaker(engine)) as session:
        demo.load(session)
    app = create_app(session_factory=make_sessionmaker(engine))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    jobs = _run_jobs(make_sessionmaker(engine))
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    jobs.set()
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def _api(base_url: str, username: str) -> httpx.Client:
    token = httpx.post(
        f"{base_url}/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    ).json()["access_token"]
    return httpx.Client(
        base_url=f"{base_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_an_out_of_date_plan_on_a_phone(chromium: Any, own_server: str) -> None:
    context = chromium.new_context(
        base_url=own_server, viewport=PHONE, locale="sv-SE", timezone_id="Europe/Stockholm"
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    login(page, "hsv.eva")
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    page.goto(f"/day-plans?date={tomorrow}")
    page.get_by_role("button", name="Planera dagen", exact=True).click()
    page.get_by_text("Dagen är planerad. Granska utkastet och publicera det.").wait_for()
    page.get_by_role("button", name="Publicera planen", exact=True).click()
    page.wait_for_load_state()
    plan_path = re.sub(r"\?.*$", "", page.url.replace(own_server, ""))
    _fits_the_phone(page)
    screenshot(page, "day-plan-390")

    # the patient on the plan is readmitted by their physician
    physician = _api(own_server, "lakare.anna")
    at_home = physician.get("/episodes", params={"state": "at_home"}).raise_for_status().json()
    episode = next(e for e in at_home.get("items", at_home) if e["pathway"] == "opat")
    moved = physician.post(
        f"/episodes/{episode['id']}/transitions",
        json={
            "to": "readmitted",
            "reason": "Feber och lågt blodtryck",
            "ward_unit_id": episode["responsible_unit_id"],
            "use_reserved_bed": False,
        },
    )
    assert moved.status_code == 200, moved.text

    page.goto(plan_path)
    banner = page.locator("section.out-of-date")
    assert "Planen är inaktuell – planera om" in banner.inner_text()
    assert "en patient har lagts in på sjukhus igen" in banner.inner_text()
    screenshot(page, "day-plan-out-of-date-390")
    box = banner.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    _fits_the_phone(page)
    context.close()


def _fits_the_phone(page: Any) -> None:
    """No sideways scrolling: the route tables stack, the map scales to the width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], page.evaluate(WIDER_THAN_THE_PAGE_JS)
    routemap = page.locator("svg.routemap").bounding_box()
    assert routemap is not None
    assert routemap["x"] + routemap["width"] <= PHONE["width"]


# the elements that reach past the viewport's right edge, the deepest first (why a page scrolls)
WIDER_THAN_THE_PAGE_JS = """
() => Array.from(document.querySelectorAll('body *'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, r]) => r.right > window.innerWidth + 0.5 && el.getClientRects().length > 0)
  .filter(([el]) => !Array.from(el.children).some(c => c.getBoundingClientRect().right
                                                        > window.innerWidth + 0.5))
  .slice(0, 12)
  .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}`
                    + ` ${Math.round(r.left)}..${Math.round(r.right)}: `
                    + el.outerHTML.slice(0, 120))
"""
