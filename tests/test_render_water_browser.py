"""The water map in headless chromium: the river, the named bridge and the legs through it
draw without script errors, offline."""

from __future__ import annotations

import pytest
from test_render_map_browser import Opened, browser  # noqa: F401  (browser: the fixture)
from test_render_water import planned  # noqa: F401  (the tiny planned data folder)

from bogbus.render.mapview import write_map

pytestmark = pytest.mark.browser


def test_water_map_labels_the_bridge_offline(browser, planned, tmp_path):  # noqa: F811
    _, _, plan = planned
    path = write_map(plan, tmp_path / "map.html")
    o = Opened(browser, path, offline=True)
    try:
        assert o.page_errors == [] and [m.text for m in o.errors()] == []
        labels = o.page.locator(".leaflet-tooltip.bb-water-label")
        assert labels.count() == 1 and labels.first.inner_text() == "Bro: Åbroen"
        assert labels.first.is_visible()
        layers = o.page.eval_on_selector_all(
            ".leaflet-control-layers-overlays label", "els => els.map(e => e.textContent.trim())")
        assert "Vand, broer og færger" in layers
    finally:
        o.close()
