"""`bogbus export PLAN --format gpkg|geojson`: sites and routes as GIS layers."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import geopandas
import pyogrio
import pytest
from click.testing import CliRunner
from factories import small

from bogbus.calendar import parse_quarter
from bogbus.cli import main
from bogbus.geo import haversine_km
from bogbus.plan import build_plan, write_json_atomic
from bogbus.render.gisout import plan_travel, template_routes, write_gis
from bogbus.solve import plan_quarter

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory) -> Path:
    """A real plan of the small factory instance (6 stops, 2 daycares, 1 nursing home)."""
    data = build_plan(plan_quarter(small(), parse_quarter("2027Q1"), time_limit_s=60, work=300))
    return write_json_atomic(data, tmp_path_factory.mktemp("plan") / "plan.json")


@pytest.fixture(scope="module")
def plan(plan_file) -> dict:
    return json.loads(plan_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gpkg(plan, plan_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gis") / "small.gpkg"
    res = CliRunner().invoke(main, ["export", str(plan_file), "--format", "gpkg",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (f"{len(plan['sites'])} sites, {len(template_routes(plan))} template routes, "
            f"{len(plan['routes'])} dated routes") in res.output
    return out


def test_the_geopackage_opens_with_both_layers_and_the_right_counts(plan, gpkg):
    layers = {str(n): str(g) for n, g in pyogrio.list_layers(gpkg)}
    assert layers == {"sites": "Point", "routes": "LineString"}
    sites = geopandas.read_file(gpkg, layer="sites")
    routes = geopandas.read_file(gpkg, layer="routes")
    assert sites.crs.to_epsg() == 4326 and routes.crs.to_epsg() == 4326
    assert sorted(sites["id"]) == sorted(s["id"] for s in plan["sites"])
    dated = routes[routes["route_type"] == "dated"]
    assert len(dated) == len(plan["routes"])
    assert len(routes[routes["route_type"] == "template"]) == len(template_routes(plan))
    assert list(dated["km"]) == [r["km"] for r in plan["routes"]]
    assert list(dated["drive_min"]) == [r["drive_min"] for r in plan["routes"]]


def test_sites_carry_every_attribute_and_the_timetable(plan, gpkg):
    sites = geopandas.read_file(gpkg, layer="sites").set_index("id")
    for column in ("kind", "name", "address", "every_weeks", "duration_min", "earliest",
                   "latest", "days", "visitors", "children", "residents", "crates",
                   "weekday", "arrival", "departure", "rhythm", "visits", "dates"):
        assert column in sites.columns
    for entry in plan["stop_timetable"]:
        row = sites.loc[entry["site_id"]]
        assert (row["weekday"], row["arrival"], row["departure"]) == (
            entry["weekday"], entry["arrival"], entry["departure"])
        assert row["visits"] == len(entry["dates"])
    for entry in plan["stop_timetable"]:
        expected = {1: "hver uge", 2: {"odd": "ulige uger", "even": "lige uger"}.get(
            entry["week_parity"], "hver 2. uge")}.get(entry["every_weeks"])
        assert sites.loc[entry["site_id"]]["rhythm"] == expected
    d01_visits = sum(v["site_id"] == "D01" for r in plan["routes"] for v in r["visits"])
    assert sites.loc["D01"]["visits"] == d01_visits > 0
    for sid, site in sites.iterrows():
        src = next(s for s in plan["sites"] if s["id"] == sid)
        assert site.geometry.x == pytest.approx(src["lon"]) and site.geometry.y == pytest.approx(
            src["lat"])


def test_template_routes_follow_the_timetable_with_km_from_the_travel_model(plan, gpkg):
    routes = geopandas.read_file(gpkg, layer="routes")
    template = routes[routes["route_type"] == "template"]
    assert template["km"].notna().all() and template["drive_min"].notna().all()
    # every stop is in its weekday's template routes once per every_weeks weeks of the cycle
    for entry in plan["stop_timetable"]:
        day = template[template["weekday"] == entry["weekday"]]
        holding = [r for _, r in day.iterrows() if entry["site_id"] in r["sites"].split(" → ")]
        assert len(holding) == day["cycle_weeks"].iloc[0] // entry["every_weeks"]
        assert all(r["first_date"] in entry["dates"] for r in holding)
    # a day without outreach drives exactly its template route
    stops_only = [r for r in plan["routes"] if all(v["kind"] == "stop" for v in r["visits"])]
    assert stops_only
    for r in stops_only:
        seq = " → ".join(v["site_id"] for v in r["visits"])
        match = template[(template["weekday"] == r["weekday"]) & (template["sites"] == seq)]
        assert len(match) == 1
        assert (match.iloc[0]["km"], match.iloc[0]["drive_min"]) == (r["km"], r["drive_min"])


def test_template_legs_not_driven_come_from_the_plans_travel_model(plan):
    lookup = plan_travel(plan)
    km, minutes, shape = lookup("DEPOT", "S03")
    depot = next(s for s in plan["sites"] if s["id"] == "DEPOT")
    s03 = next(s for s in plan["sites"] if s["id"] == "S03")
    assert plan["data"] == "test" and not Path("test").exists()  # from the plan itself
    assert km == pytest.approx(haversine_km(depot["lat"], depot["lon"], s03["lat"], s03["lon"])
                               * 1.3, abs=0.06)
    assert minutes > 0 and shape is None


def test_road_shapes_are_the_route_lines(plan, tmp_path):
    shaped = copy.deepcopy(plan)
    leg = shaped["routes"][0]["legs"][0]
    a = next(s for s in shaped["sites"] if s["id"] == leg["from"])
    b = next(s for s in shaped["sites"] if s["id"] == leg["to"])
    bend = [a["lat"] + 0.05, (a["lon"] + b["lon"]) / 2]
    leg["shape"] = [[a["lat"], a["lon"]], bend, [b["lat"], b["lon"]]]
    out = write_gis(shaped, tmp_path / "shaped.gpkg", "gpkg")
    routes = geopandas.read_file(out.path, layer="routes")
    first = routes[routes["route_type"] == "dated"].iloc[0].geometry
    assert (bend[1], bend[0]) in list(first.coords)
    # legs without a shape stay straight: depot, the two sites, back
    second = routes[routes["route_type"] == "dated"].iloc[1].geometry
    assert len(second.coords) == len(shaped["routes"][1]["legs"]) + 1


def test_utm32_output_is_the_same_places_in_metres(plan, tmp_path):
    out = write_gis(plan, tmp_path / "utm.gpkg", "gpkg", crs=25832)
    sites = geopandas.read_file(out.path, layer="sites")
    assert sites.crs.to_epsg() == 25832
    assert 500_000 < sites.geometry.x.min() < 600_000  # Randers is ~570 km east in UTM 32N
    back = sites.to_crs(4326).set_index("id")
    assert back.loc["S01"].geometry.y == pytest.approx(
        next(s["lat"] for s in plan["sites"] if s["id"] == "S01"), abs=1e-7)


def test_geojson_holds_both_layers_in_one_collection(plan, plan_file, tmp_path):
    out = tmp_path / "small.geojson"
    res = CliRunner().invoke(main, ["export", str(plan_file), "--format", "geojson",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    layers = [f["properties"]["layer"] for f in doc["features"]]
    assert layers.count("sites") == len(plan["sites"])
    assert layers.count("routes") == len(plan["routes"]) + len(template_routes(plan))
    kinds = {f["properties"]["layer"]: f["geometry"]["type"] for f in doc["features"]}
    assert kinds == {"sites": "Point", "routes": "LineString"}


def test_a_plan_folder_is_accepted(plan_file, tmp_path):
    folder = plan_file.parent
    out = tmp_path / "x.gpkg"
    res = CliRunner().invoke(main, ["export", str(folder), "--format", "gpkg", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file()


@pytest.mark.parametrize("args, code, says", [
    (["export", str(ROOT / "data" / "randers"), "--format", "gpkg"], 1, "holds no plan.json"),
    (["export", str(ROOT / "data" / "randers" / "sites.csv"), "--format", "geojson"], 1,
     "not a readable plan.json"),
    (["export", "PLAN", "--format", "gpkg", "--include", "outreach"], 2,
     "--include is for --format vrplib"),
    (["export", str(ROOT / "data" / "randers"), "--format", "vrplib", "--crs", "25832"], 2,
     "--crs is for --format gpkg or geojson"),
    (["export", "PLAN", "--format", "gpkg", "--crs", "3857"], 2, "'3857' is not one of"),
])
def test_bad_export_input_exits_with_a_message_and_writes_nothing(plan_file, tmp_path, args,
                                                                   code, says):
    out = tmp_path / "out.file"
    args = [str(plan_file) if a == "PLAN" else a for a in args]
    res = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert res.exit_code == code and says in res.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_damaged_plan_writes_nothing(plan, tmp_path):
    broken = copy.deepcopy(plan)
    del broken["routes"][0]["legs"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    out = tmp_path / "x.gpkg"
    res = CliRunner().invoke(main, ["export", str(path), "--format", "gpkg", "--out", str(out)])
    assert res.exit_code == 1 and "damaged" in res.output and not out.exists()


def test_a_route_to_a_site_the_plan_does_not_list_is_a_message(plan, tmp_path):
    broken = copy.deepcopy(plan)
    broken["sites"] = [s for s in broken["sites"] if s["id"] != "S01"]
    broken["stop_timetable"] = [e for e in broken["stop_timetable"] if e["site_id"] != "S01"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    out = tmp_path / "x.gpkg"
    res = CliRunner().invoke(main, ["export", str(path), "--format", "gpkg", "--out", str(out)])
    assert res.exit_code == 1 and "'S01', which is not among its sites" in res.output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]
