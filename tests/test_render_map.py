"""The map HTML, checked without a browser: self-contained, layers, representative days."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from bogbus.render import write_map
from bogbus.render.mapview import render_map_html, route_layers
from bogbus.render.planview import view

PLAN = Path(__file__).parent / "data" / "plan_small.json"


def load_plan() -> dict:
    return json.loads(PLAN.read_text(encoding="utf-8"))


def test_map_is_self_contained(tmp_path):
    path = write_map(load_plan(), tmp_path / "maps" / "lille-test-2027Q1.html")
    assert path == tmp_path / "maps" / "lille-test-2027Q1.html"
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "@import" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in html
    assert 'L.version="1.9.4"' in html or 't.version="1.9.4"' in html  # Leaflet inlined
    assert "data:image/png;base64," in html  # Leaflet's control images inlined
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in html  # background only


def test_layers_per_weekday_and_pattern():
    layers = route_layers(view(load_plan()))
    assert [(label, routes[0]["date"]) for label, _wd, _veh, routes, _n in layers] == [
        ("Tirsdag \u2013 ulige uger", "2027-01-05"),
        ("Tirsdag \u2013 lige uger", "2027-01-12"),
        ("Torsdag \u2013 hver 3. uge", "2027-01-07"),
        ("Torsdag \u2013 \u00f8vrige uger", "2027-01-14"),
    ]
    # every route of the quarter is in exactly one layer
    n_routes = sum(len(routes) for *_x, routes, _n in layers)
    assert n_routes == len(load_plan()["routes"])


def test_weekly_only_weekday_is_one_layer():
    plan = load_plan()
    plan["stop_timetable"] = [e for e in plan["stop_timetable"] if e["site_id"] == "S01"]
    plan["routes"] = [r for r in plan["routes"] if r["weekday"] == "thu"]
    labels = [label for label, *_ in route_layers(view(plan))]
    assert labels == ["Torsdag"]


def test_leg_shape_is_drawn_and_straight_legs_otherwise():
    plan = load_plan()
    html = render_map_html(plan)
    shape_leg = next(leg for r in plan["routes"] for leg in r["legs"] if "shape" in leg)
    coords = ", ".join(f"[{lat}, {lon}]" for lat, lon in shape_leg["shape"])
    assert f"[{coords}]" in html
    assert "[[56.4606, 10.037], [56.5389, 10.0383]]" in html  # depot → Æblehaven, straight


def test_unserved_stop_and_second_vehicle(tmp_path):
    plan = load_plan()
    plan["sites"].append(
        {
            "id": "S05",
            "kind": "stop",
            "name": "Ålum, Kirkevej",
            "lat": 56.50,
            "lon": 9.95,
            "address": "",
            "every_weeks": 2,
            "duration_min": 30,
        }
    )
    plan["unserved"].append({"site_id": "S05", "date": None, "reason": "Ingen plads i ruten"})
    second = copy.deepcopy([r for r in plan["routes"] if r["weekday"] == "thu"][:2])
    for r in second:
        r["vehicle"] = "elbus <b>2</b>"
    plan["routes"] += second
    plan["vehicles"].append({"name": "elbus <b>2</b>", "shifts": {"thu": "08:30-16:30"}})
    html = render_map_html(plan)
    assert "bb-unserved" in html
    assert "\\u00c5lum, Kirkevej (ikke planlagt)" in html  # tooltip, as a JSON string
    labels = [label for label, *_ in route_layers(view(plan))]
    assert any(label.endswith("(elbus <b>2</b>)") for label in labels)
    assert "elbus <b>2</b>" not in html and "elbus \\u003cb\\u003e2" not in html


def test_a_branch_library_the_bus_does_not_visit_is_on_the_map():
    plan = load_plan()
    plan["sites"].append({"id": "B01", "kind": "branch", "name": "Filial Nord",
                          "lat": 56.39026, "lon": 9.89486, "address": "", "every_weeks": None,
                          "duration_min": 0, "earliest": None, "latest": None, "days": []})
    html = render_map_html(plan)
    assert "Filial Nord" in html and "Bogbussen kommer ikke her i perioden" in html
    assert "Filialer" in html  # its own layer in the layer control
    assert "Filial Nord" not in render_map_html(load_plan())


def test_outreach_only_weeks_are_named_by_their_parity():
    """Beside a "lige uger" layer, the days with no stop line are "ulige uger", not
    "øvrige uger"; weeks of both parities (beside "hver 3. uge") stay "øvrige uger"."""
    from bogbus.render.mapview import _group_label

    odd = [{"date": "2027-01-05"}, {"date": "2027-01-19"}]  # ISO weeks 1 and 3
    assert _group_label([], odd) == "ulige uger"
    assert _group_label([], [{"date": "2027-01-12"}]) == "lige uger"
    assert _group_label([], odd + [{"date": "2027-01-12"}]) == "øvrige uger"
