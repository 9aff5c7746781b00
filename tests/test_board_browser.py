"""The planning board driven in a real browser (Debian's headless Chromium via
Playwright, as tests/test_render_map_browser.py does) doing a planner's jobs on
Randers: drag a stop to another weekday and see the km change and the pin saved; close
a stop and re-plan; compare with the published plan; publish and find the posters.

The server is `bogbus board` itself, started on a free port on 127.0.0.1 in a temporary
workspace and stopped at the end. Fails — does not skip — without Chromium/Playwright
unless BOGBUS_SKIP_BROWSER=1.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bogbus.pipeline import plan_source
from bogbus.plan.files import write_plan
from bogbus.render.mapview import TILE_URL_PREFIX

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
RANDERS = ROOT / "data" / "randers"
CHROMIUM = os.environ.get("BOGBUS_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(url, workspace) of a running `bogbus board` over a copy of Randers with a
    published plan (planned once with a small work budget)."""
    root = tmp_path_factory.mktemp("board")
    shutil.copytree(RANDERS, root / "data" / "randers")
    plan = plan_source(str(root / "data" / "randers"), "2027Q1", time_limit_s=60, seed=0,
                       work=40)
    write_plan(plan, root / "plans" / "randers-2027Q1" / "plan.json")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep
           + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bogbus.cli", "board", "data/randers", "--no-browser",
         "--port", str(port), "--quarter", "2027Q1", "--work", "20", "--time-limit", "30"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = None
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            m = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
            url = m.group(0) if m else None
        assert url, "bogbus board printed no URL"
        yield url, root
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def page(server):
    if os.environ.get("BOGBUS_SKIP_BROWSER") == "1":
        pytest.skip("BOGBUS_SKIP_BROWSER=1")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright (python) is not installed (or set BOGBUS_SKIP_BROWSER=1)")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (make system-deps)")
    url, _root = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        # tall enough for the whole week grid: a drag that scrolls the page mid-gesture
        # would pick up whichever card then lies under the pointer
        context = browser.new_context(viewport={"width": 1500, "height": 1500})
        external: list[str] = []
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),
                      lambda route: (external.append(route.request.url), route.abort()))
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(url)
        pg.wait_for_selector(".card")
        yield pg
        assert not errors, errors  # the two-layer compare map in its iframe included
        # offline: nothing but this server — the maps' optional background tiles aside
        # (they are tried and may fail: render/mapview.py)
        assert not [u for u in external if not u.startswith(("data:", TILE_URL_PREFIX))], \
            external
        browser.close()


def test_drag_a_stop_to_another_weekday(page, server):
    _url, root = server
    moved = None
    for card in page.query_selector_all(".card"):
        sid = card.get_attribute("data-site")
        if page.get_attribute(f"#card-{sid}", "class").find("phase") >= 0:
            continue
        page.drag_and_drop(f"#card-{sid}", ".zone[data-weekday=fri][data-phase='0']")
        page.wait_for_function("() => !['busy', undefined].includes("
                               "document.querySelector('#move-result').dataset.state)")
        if page.get_attribute("#move-result", "data-state") == "moved":
            moved = sid
            break
        assert "Kan ikke flyttes" in page.text_content("#move-result")
    assert moved, "no stop could move to Friday"
    text = page.text_content("#move-result")
    assert "flyttet til Fredag" in text and re.search(r"[+-]?\d+(,\d+)? km/uge", text)
    card = page.locator(f"#card-{moved}")
    assert "moved" in card.get_attribute("class")
    assert card.evaluate("e => e.closest('.lane').dataset.weekday") == "fri"
    scenario = (root / "scenarios" / "board-randers.yaml").read_text()
    assert f"{moved}:" in scenario and "fixed_day: fri" in scenario
    page.hover(f"#card-{moved}")
    assert page.get_attribute("#map", "data-highlighted") == moved


def test_close_a_stop_and_replan(page, server):
    _url, root = server
    victim = page.locator(".card:not(.moved)").first.get_attribute("data-site")
    page.click(f"#card-{victim}")
    page.click("#ed-close")
    page.wait_for_selector(f"#card-{victim}.closed")
    assert "remove:" in (root / "scenarios" / "board-randers.yaml").read_text()
    page.click("#replan")
    page.wait_for_function("() => ['done', 'failed', 'cancelled'].includes("
                           "document.querySelector('#job-status').dataset.state)",
                           timeout=240_000)
    assert page.get_attribute("#job-status", "data-state") == "done", \
        page.text_content("#job-status")
    page.wait_for_function(f"() => !document.querySelector('#card-{victim}')")
    assert (root / "plans" / "randers-2027Q1-board" / "plan.json").is_file()
    pytest.closed_stop = victim  # type: ignore[attr-defined]


def test_compare_with_the_published_plan(page):
    page.click("button[data-tab=compare]")
    assert page.input_value("#cmp-a") == "plans/randers-2027Q1/plan.json"
    page.select_option("#cmp-b", "board")
    page.click("#cmp-go")
    page.wait_for_selector("#cmp-table")
    assert "km i kvartalet" in page.text_content("#cmp-table")
    victim = getattr(pytest, "closed_stop", None)
    if victim:
        assert victim in page.text_content("#cmp-stops")
        assert "nedlagt" in page.text_content("#cmp-stops")
    page.wait_for_function("() => document.querySelector('#cmp-map').contentDocument"
                           " && document.querySelector('#cmp-map').contentDocument"
                           ".querySelector('.leaflet-container')")


def test_publish_and_find_the_posters(page, server):
    _url, root = server
    page.click("button[data-tab=publish]")
    page.click("#publish")
    page.wait_for_selector("#pub-count", timeout=240_000)
    links = page.locator("#pub-result a").all_text_contents()
    posters = [t for t in links if "poster-" in t and t.endswith(".pdf")]
    assert posters
    assert all((root / p).is_file() for p in posters)
    assert (root / "plans" / "randers-2027Q1" / "koereplan.pdf").is_file()
    assert page.get_attribute("#pdf-preview", "src").endswith(".pdf")
