"""The water file through the CLI: bad input names file and feature, exits 1 and writes
nothing; `bogbus travel check` and `validate` report the water's warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bogbus.cli import main
from bogbus.travel.waterfile import MAX_FEATURES, MAX_VERTICES

SITES = """\
id,kind,name,lat,lon,every_weeks,duration_min,earliest,latest,days,visitors
DEPOT,depot,Vestby bibliotek,56.0,9.98,,,,,,
S1,stop,Østby torv,56.0,10.02,1,30,13:00,16:00,"mon,tue,wed,thu,fri",10
S2,stop,Vestby skole,56.03,9.97,1,30,13:00,16:00,"mon,tue,wed,thu,fri",10
"""

SETTINGS = """\
name: Testbibliotek
depot: DEPOT
vehicles:
  - name: bogbus
    shifts: {{mon: "08:30-16:30", tue: "08:30-16:30", wed: "08:30-16:30",
              thu: "08:30-16:30", fri: "08:30-14:30"}}
{size}
travel: {{model: greatcircle, circuity: 1.3, speed_kmh: 50, water: water.geojson}}
solver: {{time_limit_s: 2, seed: 0}}
"""

RIVER = {"type": "Feature", "properties": {"kind": "barrier", "name": "Åen"},
         "geometry": {"type": "LineString", "coordinates": [[10.0, 55.9], [10.0, 56.1]]}}
BRIDGE = {"type": "Feature", "properties": {"kind": "crossing", "mode": "bridge",
                                            "name": "Åbroen"},
          "geometry": {"type": "Point", "coordinates": [10.0, 56.05]}}


def ferry(a, b, **props) -> dict:
    return {"type": "Feature",
            "properties": {"kind": "crossing", "mode": "ferry", "name": "Færgen",
                           "crossing_min": 5, "wait_min": 10, **props},
            "geometry": {"type": "LineString", "coordinates": [a, b]}}


def folder(tmp_path: Path, features: list | None = None, text: str | None = None,
           size: str = "", sites: str = SITES) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    (d / "sites.csv").write_text(sites, encoding="utf-8")
    (d / "settings.yaml").write_text(SETTINGS.format(size=size), encoding="utf-8")
    if text is None:
        text = json.dumps({"type": "FeatureCollection",
                           "features": [RIVER, BRIDGE] if features is None else features})
    (d / "water.geojson").write_text(text, encoding="utf-8")
    return d


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def plan_fails(d: Path, tmp_path: Path, *expect: str) -> str:
    out = tmp_path / "out"
    res = run("plan", str(d), "--quarter", "2027Q1", "--work", "5", "--out", str(out),
              "--no-render")
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    for text in expect:
        assert text in res.output, res.output
    assert not out.exists()
    assert run("validate", str(d)).exit_code == 1
    return res.output


def test_travel_check_lists_the_split_pair_and_its_bridge(tmp_path):
    res = run("travel", "check", str(folder(tmp_path)))
    assert res.exit_code == 0, res.output
    assert "crossings used: Åbroen" in res.output
    assert "pairs split by water: 2 of 3" in res.output
    assert "DEPOT Vestby bibliotek – S1 Østby torv: 3.2 →" in res.output
    assert "via Åbroen" in res.output


def test_travel_check_without_water_warns_about_the_longest_straight_legs(tmp_path):
    d = folder(tmp_path)
    (d / "settings.yaml").write_text(SETTINGS.format(size="").replace(", water: water.geojson",
                                                                     ""), encoding="utf-8")
    res = run("travel", "check", str(d))
    assert res.exit_code == 0, res.output
    assert "longest straight legs" in res.output
    assert "warning: settings.yaml" in res.output and "travel.water is not set" in res.output
    val = run("validate", str(d))
    assert val.exit_code == 0 and "travel.water is not set" in val.output


def test_site_near_a_line_is_a_warning_in_validate(tmp_path):
    near = SITES.replace("56.03,9.97", "56.03,9.9995")  # 30 m west of the river
    res = run("validate", str(folder(tmp_path, sites=near)))
    assert res.exit_code == 0, res.output
    assert "S2" in res.output and "m from a barrier line" in res.output


@pytest.mark.parametrize("features, text, expect", [
    (None, "this is not json {", ["water.geojson", "not GeoJSON"]),
    (None, '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
           '{"kind": "barrier"}, "geometry": {"type": "LineString", "coordinates": '
           '[[NaN, 56.0], [10.0, 56.1]]}}]}', ["water.geojson", "NaN"]),
    ([BRIDGE], None, ["water.geojson", "no barrier lines or polygons"]),
    ([RIVER, ferry([9.99, 56.0], [10.01, 56.0], crossing_min=-3)], None,
     ["water.geojson", "feature 1 (Færgen)", "crossing_min", "-3"]),
    ([RIVER, ferry([9.99, 56.0], [9.995, 56.01])], None,
     ["water.geojson", "feature 1 (Færgen)", "same side"]),
    ([{**RIVER, "geometry": {"type": "Point", "coordinates": [10, 56]}}], None,
     ["feature 0 (Åen)", "LineString or Polygon"]),
    ([RIVER, {**BRIDGE, "properties": {**BRIDGE["properties"], "mode": "tunnel"}}], None,
     ["feature 1 (Åbroen)", "'mode'"]),
])
def test_bad_water_file(tmp_path, features, text, expect):
    plan_fails(folder(tmp_path, features, text), tmp_path, *expect)


def test_water_file_not_found(tmp_path):
    d = folder(tmp_path)
    (d / "water.geojson").unlink()
    plan_fails(d, tmp_path, "travel.water", "water.geojson", "does not exist")


def test_site_inside_a_lake(tmp_path):
    lake = {"type": "Feature", "properties": {"kind": "barrier", "name": "Søen"},
            "geometry": {"type": "Polygon", "coordinates": [[[10.01, 55.99], [10.03, 55.99],
                                                             [10.03, 56.01], [10.01, 56.01],
                                                             [10.01, 55.99]]]}}
    plan_fails(folder(tmp_path, [lake]), tmp_path, "S1", "lies in the water", "water.geojson")


def test_vehicle_without_size_listing_a_ferry_with_a_limit(tmp_path):
    f = ferry([9.99, 56.0], [10.01, 56.0], max_length_m=10)
    plan_fails(folder(tmp_path, [RIVER, f], size="    ferries: [Færgen]"), tmp_path,
               "vehicle bogbus", "Færgen", "has no length_m")


def test_vehicle_listing_an_unknown_ferry(tmp_path):
    plan_fails(folder(tmp_path, size="    ferries: [Udbyhøj]"), tmp_path,
               "'Udbyhøj' is not a ferry")


def test_too_many_features(tmp_path):
    feats = [RIVER] * (MAX_FEATURES + 1)
    plan_fails(folder(tmp_path, feats), tmp_path, "water.geojson", f"at most {MAX_FEATURES}")


def test_too_many_vertices(tmp_path):
    n = MAX_VERTICES + 10
    coords = [[10.0, 55.9 + 0.2 * k / n] for k in range(n)]
    line = {**RIVER, "geometry": {"type": "LineString", "coordinates": coords}}
    plan_fails(folder(tmp_path, [line]), tmp_path, "water.geojson", f"{MAX_VERTICES} vertices")


def test_too_big_a_file(tmp_path):
    d = folder(tmp_path)
    (d / "water.geojson").write_bytes(b" " * (21 * 1024 * 1024))
    plan_fails(d, tmp_path, "water.geojson")


def test_travel_build_names_the_water(tmp_path):
    res = run("travel", "build", str(folder(tmp_path)))
    assert res.exit_code == 0, res.output
    assert "water: water.geojson (sha256 " in res.output
    assert "4 legs go round it" in res.output  # two split pairs, both ways
