"""The water reaches the outputs: the map draws it and the legs through their bridge, the
staff køreplan says "via …", the public one does not, the GIS routes name the crossing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from test_travel_water_cli import folder

from bogbus.cli import main
from bogbus.render.htmlpages import koereplan_html
from bogbus.render.planview import view
from bogbus.render.waterview import crossing_text, plan_water, water_legs


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("water")
    d = folder(tmp)
    out = tmp / "out"
    res = CliRunner().invoke(main, ["plan", str(d), "--quarter", "2027Q1", "--work", "5",
                                    "--time-limit", "120", "--out", str(out), "--no-render"])
    assert res.exit_code == 0, res.output
    return d, out, json.loads((out / "plan.json").read_text(encoding="utf-8"))


def test_plan_records_the_water_and_the_legs_via_the_bridge(planned):
    _, _, plan = planned
    tm = plan["travel_model"]
    assert tm["water"] == "water.geojson" and len(tm["water_sha256"]) == 64
    assert tm["crossings"] == {"Åbroen": "bridge"}
    over = [leg for r in plan["routes"] for leg in r["legs"]
            if {leg["from"], leg["to"]} == {"DEPOT", "S1"}]
    assert over
    for leg in over:
        assert leg["via"] == ["Åbroen"]
        assert len(leg["shape"]) > 2  # through the bridge, not straight over the river
        assert any(abs(p[0] - 56.05) < 0.002 for p in leg["shape"])


def test_map_draws_water_crossing_and_legs_round(planned, tmp_path):
    _, out, plan = planned
    res = CliRunner().invoke(main, ["map", str(out / "plan.json"), "--out",
                                    str(tmp_path / "m.html")])
    assert res.exit_code == 0, res.output
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    js = json.dumps  # Leaflet gets the texts as JSON strings (non-ASCII escaped)
    assert js("Vand, broer og færger")[1:-1] in html and js("Bro: Åbroen") in html
    assert js("via Åbroen")[1:-1] in html  # the leg's tooltip
    assert plan_water(plan) is not None


def test_map_without_the_water_file_still_renders(planned, tmp_path):
    _, _, plan = planned
    moved = json.loads(json.dumps(plan))
    moved["data"] = str(tmp_path / "gone")
    assert plan_water(moved) is None
    changed = json.loads(json.dumps(plan))
    changed["travel_model"]["water_sha256"] = "0" * 64
    assert plan_water(changed) is None  # never draws other water than the plan's


def test_staff_koereplan_says_via_public_does_not(planned):
    _, _, plan = planned
    v = view(plan)
    legs = water_legs(v)
    assert legs and all(w.via == "via Åbroen" for w in legs)
    assert "via Åbroen" in koereplan_html(v, staff=True)
    assert "Åbroen" not in koereplan_html(v, staff=False)
    assert crossing_text("Udbyhøj", "ferry") == "færge Udbyhøj"


def test_gis_routes_follow_and_name_the_crossing(planned, tmp_path):
    _, out, plan = planned
    path = tmp_path / "plan.geojson"
    res = CliRunner().invoke(main, ["export", str(out / "plan.json"), "--format", "geojson",
                                    "--out", str(path)])
    assert res.exit_code == 0, res.output
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    routes = [f for f in feats if f["properties"].get("layer") == "routes"]
    crossing = [f for f in routes if f["properties"]["crossings"] == "Åbroen"]
    assert crossing
    for f in crossing:
        lats = [p[1] for p in f["geometry"]["coordinates"]]
        assert max(lats) >= 56.049  # up to the bridge at 56.05 and back

