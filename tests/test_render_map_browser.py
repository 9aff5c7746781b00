"""The map opened in a real browser (Debian's headless Chromium, driven by Playwright)
with every network request blocked.

Fails — does not skip — when Chromium or Playwright is missing, unless
BOGBUS_SKIP_BROWSER=1. `make test` installs Chromium (`make system-deps`).
BOGBUS_CHROMIUM overrides the browser path (default /usr/bin/chromium).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bogbus.render import write_map
from bogbus.render.mapview import TILE_URL_PREFIX

pytestmark = pytest.mark.browser

PLAN = Path(__file__).parent / "data" / "plan_small.json"
CHROMIUM = os.environ.get("BOGBUS_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WEEKDAYS_DA = {
    "mon": "Mandag",
    "tue": "Tirsdag",
    "wed": "Onsdag",
    "thu": "Torsdag",
    "fri": "Fredag",
    "sat": "Lørdag",
    "sun": "Søndag",
}


def load_plan() -> dict:
    return json.loads(PLAN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser():
    if os.environ.get("BOGBUS_SKIP_BROWSER") == "1":
        pytest.skip("BOGBUS_SKIP_BROWSER=1")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "playwright (python) is not installed: pip install playwright "
            "(or set BOGBUS_SKIP_BROWSER=1)"
        )
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: apt-get install chromium (make system-deps), "
            "or set BOGBUS_SKIP_BROWSER=1"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Opened:
    def __init__(self, browser, path: Path, offline: bool):
        self.console: list = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []  # every non-file request the page tried
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1200, "height": 800}, offline=offline)
        page = self.page = self.context.new_page()
        page.on("console", lambda m: self.console.append(m))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                self.requests.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(path.resolve().as_uri())
        page.wait_for_selector(".leaflet-marker-icon", timeout=15000)
        page.wait_for_timeout(500)

    def errors(self):
        return [m for m in self.console if m.type == "error"]

    def close(self):
        self.context.close()


def expected_markers(plan: dict) -> dict[str, int]:
    kinds = {s["id"]: s["kind"] for s in plan["sites"]}
    visited = {v["site_id"] for r in plan["routes"] for v in r["visits"]}
    out: dict[str, int] = {}
    for sid in visited:
        out[kinds[sid]] = out.get(kinds[sid], 0) + 1
    out["depot"] = 1
    return out


def test_map_offline_draws_everything(browser, tmp_path):
    plan = load_plan()
    path = write_map(plan, tmp_path / "map.html")
    o = Opened(browser, path, offline=True)
    try:
        assert o.page_errors == []
        assert [m.text for m in o.errors()] == []
        assert o.requests == []  # offline: not even a tile is requested
        page = o.page
        # markers: one per visited site + the depot
        want = expected_markers(plan)
        visited = {v["site_id"] for r in plan["routes"] for v in r["visits"]}
        assert page.locator(".leaflet-marker-icon").count() == len(visited) + 1
        for kind, n in want.items():
            assert page.locator(f".leaflet-marker-icon .bb-marker.bb-{kind}").count() == n, kind
        # a layer for every weekday with routes, in the layer control
        labels = page.eval_on_selector_all(
            ".leaflet-control-layers-overlays label", "els => els.map(e => e.textContent.trim())"
        )
        for wd in {r["weekday"] for r in plan["routes"]}:
            assert any(label.startswith(WEEKDAYS_DA[wd]) for label in labels), (wd, labels)
        assert "Tirsdag \u2013 lige uger" in labels and "Tirsdag \u2013 ulige uger" in labels
        # route lines drawn (one path per leg of each layer's representative day)
        assert page.locator("path.leaflet-interactive").count() >= 4
        # legend and offline note
        assert page.locator("#bb-legend").is_visible()
        assert page.locator("#bb-offline").is_visible()
        # popup with the stop's timetable line
        page.locator(".leaflet-marker-icon .bb-marker.bb-stop").first.click()
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5000)
        assert " kl. " in popup.inner_text()
        # toggling a weekday layer off removes its lines
        before = page.locator("path.leaflet-interactive").count()
        page.locator(
            ".leaflet-control-layers-overlays label", has_text="Tirsdag \u2013 lige uger"
        ).locator("input").uncheck()
        assert page.locator("path.leaflet-interactive").count() < before
    finally:
        o.close()


def test_map_with_network_blocked_only_misses_tiles(browser, tmp_path):
    """Browser thinks it is online, every request is aborted: only tiles fail."""
    plan = load_plan()
    path = write_map(plan, tmp_path / "map.html")
    o = Opened(browser, path, offline=False)
    try:
        assert o.page_errors == []
        assert o.requests, "expected the background tiles to be requested"
        assert all(u.startswith(TILE_URL_PREFIX) for u in o.requests), o.requests
        for m in o.errors():  # failed tile images are the only errors
            assert m.text.startswith("Failed to load resource"), m.text
            assert m.location.get("url", "").startswith(TILE_URL_PREFIX), m.location
        visited = {v["site_id"] for r in plan["routes"] for v in r["visits"]}
        assert o.page.locator(".leaflet-marker-icon").count() == len(visited) + 1
    finally:
        o.close()


def test_hostile_names_show_as_text_and_never_run(browser, tmp_path):
    plan = load_plan()
    names = {
        "S01": '<script>alert(1)</script> "Ørsted"',
        "S02": "<img src=x onerror=alert(2)> 'Havndal'",
        "D01": "`${alert(3)}` {{ 7*7 }} Æblehaven",
    }
    for s in plan["sites"]:
        if s["id"] in names:
            s["name"] = names[s["id"]]
    path = write_map(plan, tmp_path / "map.html")
    o = Opened(browser, path, offline=True)
    try:
        texts = o.page.evaluate("""() => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            const out = [];
            map.eachLayer(l => {
                if (l.getPopup && l.getPopup()) {
                    l.openPopup();
                    out.push(document.querySelector('.leaflet-popup-content').textContent);
                }
                if (l.getTooltip && l.getTooltip()) {
                    l.openTooltip();
                    out.push(l.getTooltip().getElement().textContent);
                }
            });
            return out;
        }""")
        o.page.wait_for_timeout(300)
        assert o.dialogs == []
        assert o.page_errors == []
        assert [m.text for m in o.errors()] == []
        assert o.page.locator("img[src='x']").count() == 0
        joined = "\n".join(texts)
        for name in names.values():
            assert name in joined  # shown literally, as typed
    finally:
        o.close()
