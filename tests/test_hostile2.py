"""Hostile inputs, second round (issue 23): the surfaces added after tests/test_hostile.py.

GIS sites and boundaries, unbounded GIS work, the report of many plans, option values,
the year folder, `check` of the rotation's shortfall list, and the messages of a
repair, of a broken sites file and of `notices`. Each case runs the real CLI (or the
function behind it) and asserts what docs/promises.md promises: no traceback, the
documented exit code, a message naming file/feature/key or option, inputs unchanged,
nothing written on failure.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_hostile import RANDERS, assert_clean, tree

from bogbus.cli import main

Doc = dict


def run(args: list[str]):
    return CliRunner().invoke(main, args)


def geojson_folder(root: Path, edit: Callable[[Doc], None] | None = None,
                   history: bool = True) -> Path:
    """The Randers data with its sites as a GeoJSON point layer, edited by `edit`."""
    d = root / "data"
    d.mkdir(parents=True)
    names = ["settings.yaml", "collections.csv", "water.geojson"]
    names += ["rotation_history.csv"] if history else []
    for name in names:
        shutil.copy(RANDERS / name, d)
    features = []
    with (RANDERS / "sites.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            lon, lat = float(r.pop("lon")), float(r.pop("lat"))
            features.append({"type": "Feature", "properties": {k: v for k, v in r.items() if v},
                             "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    doc = {"type": "FeatureCollection", "features": features}
    if edit is not None:
        edit(doc)
    (d / "sites.geojson").write_text(json.dumps(doc), encoding="utf-8")
    return d


def refused(root: Path, data: Path, code: int, says: tuple[str, ...],
            extra: tuple[str, ...] = ()) -> str:
    """`validate` and `plan` both refuse with `code` naming `says`; nothing written, the
    data unchanged. Returns validate's output."""
    before = tree(data)
    res = run(["validate", str(data)])
    assert_clean(res, code, says)
    out = root / "out"
    res2 = run(["plan", str(data), "--quarter", "2027Q1", "--work", "1", "--no-render",
                "--out", str(out), *extra])
    assert_clean(res2, code, says)
    assert not out.exists()
    assert tree(data) == before
    return res.output


def prop(n: int, key: str, value) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        doc["features"][n - 1]["properties"][key] = value
    return edit


def every(key: str, value) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        for f in doc["features"]:
            f["properties"][key] = value
    return edit


# --------------------------------------------------- 1. GIS attributes that crashed
@pytest.mark.parametrize("edit, feature, column, what", [
    (prop(2, "every_weeks", [1, 2]), 2, "every_weeks", "holds a list"),
    (every("every_weeks", [1, 2]), 1, "every_weeks", "holds a list"),   # a GDAL list field
    (every("duration_min", [1.5, 2.5]), 1, "duration_min", "holds a list"),
    (prop(3, "name", {"a": {"b": [1, {"c": 2}]}}), 3, "name", "holds an object"),
    (every("visitors", {"n": 1}), 1, "visitors", "holds an object"),
    (prop(2, "duration_min", True), 2, "duration_min", "holds true/false"),
    (every("crates", False), 1, "crates", "holds true/false"),
    (prop(2, "id", [1]), 2, "id", "holds a list"),
    (every("days", ["mon", 3]), 1, "days", "holds a list"),
])
def test_a_gis_attribute_that_is_not_one_value_names_feature_and_attribute(
        tmp_path, edit, feature, column, what):
    out = refused(tmp_path, geojson_folder(tmp_path, edit), 1,
                  ("sites.geojson", f"feature {feature}'s attribute '{column}'", what))
    assert out.splitlines()[0].startswith("error: ")  # the cause first


def test_a_list_of_weekdays_is_a_list_field_qgis_may_write(tmp_path):
    res = run(["validate", str(geojson_folder(tmp_path, every("days", ["mon", "tue",
                                                                         "wed", "thu"])))])
    assert_clean(res, 0, ())


@pytest.mark.parametrize("column, value, what", [
    ("visitors", True, "holds true/false"),      # a GeoPackage boolean field
    ("crates", False, "holds true/false"),
])
def test_a_geopackage_field_of_the_wrong_type_names_feature_and_field(
        tmp_path, column, value, what):
    from test_io_gisfile import SETTINGS, frame

    d = tmp_path / "data"
    d.mkdir()
    (d / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    layer = frame()
    layer[column] = value
    layer.to_file(d / "sites.gpkg", layer="sites")
    refused(tmp_path, d, 1, ("sites.gpkg", f"feature 1's attribute '{column}'", what))


@pytest.mark.parametrize("edit, says", [
    (prop(2, "every_weeks", 10 ** 30), "every_weeks is 1e+30, outside 1..13"),
    (every("visitors", 2 ** 64), "visitors is 1.84467e+19, outside 0..100000"),
    (prop(2, "duration_min", float("inf")), "duration_min 'inf' is not a number"),
    (prop(2, "duration_min", float("nan")), "duration_min is empty"),
])
def test_huge_and_non_finite_numbers_are_range_errors(tmp_path, edit, says):
    refused(tmp_path, geojson_folder(tmp_path, edit), 1, ("sites.geojson", says))


def _geometry(n: int, geometry) -> Callable[[Doc], None]:
    def edit(doc: Doc) -> None:
        doc["features"][n - 1]["geometry"] = geometry
    return edit


@pytest.mark.parametrize("edit, says", [
    (_geometry(2, {"type": "Point", "coordinates": [float("nan"), 56.4]}),
     "feature 2 has a point whose coordinates are not numbers"),
    (_geometry(3, {"type": "Point", "coordinates": [10.0, float("inf")]}),
     "feature 3 has a point whose coordinates are not numbers"),
    (_geometry(2, None), "feature 2 has no geometry"),
    (_geometry(4, {"type": "LineString", "coordinates": [[10, 56], [10.1, 56.1]]}),
     "feature 4 is a LineString, not a point"),
])
def test_a_feature_without_a_usable_point_is_named(tmp_path, edit, says):
    refused(tmp_path, geojson_folder(tmp_path, edit), 1, ("sites.geojson", says))


# -------------------------------------- 1./2. the boundary: broken, hostile, too big
def boundary_folder(root: Path, doc=None, raw: str | None = None) -> Path:
    d = root / "data"
    shutil.copytree(RANDERS, d)
    (d / "boundary.geojson").write_text(raw if raw is not None else json.dumps(doc),
                                        encoding="utf-8")
    return d


def fc(*geometries) -> Doc:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": g} for g in geometries]}


def square(x: float, y: float, size: float = 0.6) -> Doc:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size],
                                                [x, y + size], [x, y]]]}


SQUARE_TEXT = json.dumps(fc(square(9.6, 56.2)))


@pytest.mark.parametrize("doc, raw, says", [
    (None, SQUARE_TEXT.replace("56.2", "NaN", 1), "not a finite number"),
    (None, SQUARE_TEXT.replace("9.6", "-Infinity", 1), "not a finite number"),
    (fc({"type": "Polygon", "coordinates": []}), None, "feature 1's Polygon is empty"),
    (fc({"type": "Polygon", "coordinates": [[]]}), None, "fewer than 4 positions"),
    (fc(square(9.6, 56.2), {"type": "MultiPolygon", "coordinates": [[1, 2]]}), None,
     "feature 2's MultiPolygon"),
    (fc({"type": "Polygon", "coordinates": [[["a", "b"], [1, 2], [3, 4], ["a", "b"]]]}),
     None, "is not [lon, lat]"),
    (fc({"type": "Polygon", "coordinates": [[[True, False], [1, 2], [3, 4], [1, 1]]]}),
     None, "is not [lon, lat]"),
    (fc({"type": "Polygon", "coordinates": {"a": 1}}), None, "has no coordinates list"),
    (fc({"type": "GeometryCollection", "geometries": [square(9.6, 56.2)]}), None,
     "holds no polygon (found: GeometryCollection)"),
    (fc(None), None, "holds no polygon"),
    (fc(square(560000, 6250000, 1000)), None, "not lon/lat degrees"),
    (None, "[" * 50_000 + "]" * 50_000, "cannot be read as GeoJSON"),
])
def test_a_broken_boundary_is_one_error_naming_the_file(tmp_path, doc, raw, says):
    refused(tmp_path, boundary_folder(tmp_path, doc, raw), 1, ("boundary.geojson", says))


def test_a_self_intersecting_boundary_is_a_warning_not_a_geos_error(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[9.5, 56.2], [10.5, 56.8], [10.5, 56.2],
                                                  [9.5, 56.8], [9.5, 56.2]]]}
    res = run(["validate", str(boundary_folder(tmp_path, fc(bowtie)))])
    assert_clean(res, 0, ("boundary.geojson, row 1", "Self-intersection", "Fix Geometries"))


def test_thousands_of_overlapping_parts_are_bounded(tmp_path):
    """30,000 overlapping squares took 137 s and 7.7 GB (a union); now: a message."""
    squares = [square(9.5 + (i % 100) * 0.004, 56.2 + (i // 100) * 0.002)
               for i in range(6000)]
    started = time.perf_counter()
    refused(tmp_path, boundary_folder(tmp_path, fc(*squares)), 1,
            ("boundary.geojson", "more than 5,000 polygons or 250,000 vertices", "Dissolve"))
    assert time.perf_counter() - started < 60  # two commands; was minutes for one


def test_many_parts_within_the_bound_check_quickly(tmp_path):
    squares = [square(9.6 + (i % 60) * 0.002, 56.2 + (i // 60) * 0.002) for i in range(3000)]
    d = boundary_folder(tmp_path, fc(*squares))
    started = time.perf_counter()
    res = run(["validate", str(d)])
    assert_clean(res, 0, ())
    assert time.perf_counter() - started < 30


def test_too_many_vertices_are_refused(tmp_path):
    ring = [[10.0 + 0.3 * (i % 2), 56.2 + i * 1e-6] for i in range(260_000)]
    ring.append(ring[0])
    d = boundary_folder(tmp_path, {"type": "Polygon", "coordinates": [ring]})
    assert_clean(run(["validate", str(d)]), 1, ("boundary.geojson", "250,000 vertices"))


def test_a_sites_layer_larger_than_the_site_limit_is_refused_before_reading(tmp_path):
    def many(doc: Doc) -> None:
        first = doc["features"][1]
        doc["features"] += [json.loads(json.dumps(first)) for _ in range(1000)]
    refused(tmp_path, geojson_folder(tmp_path, many), 1,
            ("sites.geojson", "features; bogbus plans at most 1000 sites"))


# ------------------------------------------------------------ 4. CRS and history
@pytest.mark.parametrize("name", ["EPSG::99999", "garbage", "urn:ogc:def:crs:EPSG::99999",
                                  "EPSG:0", "Not A Projection Name"])
def test_an_unknown_crs_is_an_error_never_silently_wgs84(tmp_path, name):
    def crs(doc: Doc) -> None:
        doc["crs"] = {"type": "name", "properties": {"name": name}}
    out = refused(tmp_path, geojson_folder(tmp_path, crs), 1,
                  ("sites.geojson", "column 'crs'", f"'{name}'", "Set CRS"))
    assert len([line for line in out.splitlines() if line.startswith("error")]) == 1


def test_a_known_crs_named_in_the_file_is_used(tmp_path):
    from pyproj import Transformer

    to_utm = Transformer.from_crs(4326, 25832, always_xy=True)

    def utm(doc: Doc) -> None:
        doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}
        for f in doc["features"]:
            f["geometry"]["coordinates"] = list(to_utm.transform(*f["geometry"]["coordinates"]))
    res = run(["validate", str(geojson_folder(tmp_path, utm))])
    assert_clean(res, 0, ("OK",))


@pytest.mark.parametrize("rows, first_row", [
    (["D01,DC01,2027-01-01"], 53),             # the quarter's first day
    (["D01,DC01,2027-02-03"], 53),             # inside the quarter
    (["D11,DC02,2026-12-30", "D02,DC03,2031-06-01"], 54),  # after it: a year off
])
def test_history_rows_not_before_the_quarter_are_errors(tmp_path, rows, first_row):
    d = tmp_path / "data"
    shutil.copytree(RANDERS, d)
    with (d / "rotation_history.csv").open("a", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    before = tree(d)
    out = tmp_path / "out"
    res = run(["plan", str(d), "--quarter", "2027Q1", "--work", "1", "--no-render",
               "--out", str(out)])
    assert_clean(res, 1, ("rotation_history.csv", f"row {first_row}", "column 'date'",
                          "is not before the planned quarter 2027Q1"))
    assert not out.exists() and tree(d) == before


# ------------------------------------------------------------ 4. option values
@pytest.mark.parametrize("args, option", [
    (["--year", "1900"], "--year"),
    (["--year", "2200"], "--year"),
    (["--year", "2101"], "--year"),   # the holiday calendars end with 2100
    (["--year", "1999"], "--year"),
    (["--year", "twenty"], "--year"),
    (["--quarter", "2101Q1"], "--quarter"),
    (["--from", "", "--previous", "p.json"], "--from"),
    (["--from", "   ", "--previous", "p.json"], "--from"),
    (["--from", "2027-02-30", "--previous", "p.json"], "--from"),
    (["--from", "next week", "--previous", "p.json"], "--from"),
])
def test_an_option_value_out_of_range_is_a_usage_error(tmp_path, args, option):
    out = tmp_path / "out"
    res = run(["plan", str(RANDERS), "--out", str(out), *args])
    assert_clean(res, 2, (f"Invalid value for '{option}'",))
    assert not out.exists()


def test_the_last_plannable_year_has_holidays():
    from bogbus.calendar import LAST_YEAR, parse_quarter, public_holidays

    assert public_holidays("DK", parse_quarter(f"{LAST_YEAR}Q4"))  # Christmas is there


# ------------------------------------------------------------ 5. the year folder
def _year_plans() -> list[dict]:
    return [{"quarter": f"2027Q{i}"} for i in range(1, 5)]


def _write(plan: dict, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    paths = [folder / "plan.json"]
    if plan.get("poster"):
        (folder / "poster.pdf").write_text("p", encoding="utf-8")
        paths.append(folder / "poster.pdf")
    return paths


@pytest.mark.parametrize("user_file", ["Q2/noter.txt", "Q1/mine/ref.pdf", "Q4/.hidden"])
def test_rewriting_a_year_keeps_the_users_files_in_its_quarters(tmp_path, user_file):
    from bogbus.year import write_year

    out = tmp_path / "plans" / "x-2027"
    write_year(_year_plans(), out, _write)
    (out / user_file).parent.mkdir(parents=True, exist_ok=True)
    (out / user_file).write_text("mine", encoding="utf-8")
    write_year(_year_plans(), out, _write)
    assert (out / user_file).read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.parent.iterdir()) == ["x-2027"]  # no leftovers
    write_year(_year_plans(), out, _write)  # and again: still the user's
    assert (out / user_file).read_text(encoding="utf-8") == "mine"


def test_a_file_bogbus_wrote_and_no_longer_writes_is_removed(tmp_path):
    from bogbus.year import write_year

    out = tmp_path / "y"
    write_year([dict(p, poster=True) for p in _year_plans()], out, _write)
    assert (out / "Q3" / "poster.pdf").exists()
    write_year(_year_plans(), out, _write)
    assert not (out / "Q3" / "poster.pdf").exists()


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o027])
def test_the_year_folder_follows_the_umask(tmp_path, umask):
    from bogbus.year import write_year

    old = os.umask(umask)
    try:
        out = tmp_path / "y"
        write_year(_year_plans(), out, _write)
    finally:
        os.umask(old)
    for folder in (out, out / "Q1"):
        assert folder.stat().st_mode & 0o777 == 0o777 & ~umask, oct(folder.stat().st_mode)


# ------------------------------------- 6. check verifies the rotation's shortfall list
@pytest.fixture(scope="module")
def short_plan():
    """Three daycares visited twice with two collections: a plan with a real shortfall
    (both kinds of problem), made by the solver and accepted by the checker."""
    from datetime import date

    from factories import daycare, nursing_home
    from test_solve_rotation import _inst, _plan

    from bogbus.model import Collection, HistoryEntry
    from bogbus.solve.rotation import assign_rotation

    sites = [daycare(i, 56.4 + i / 100, 10.1) for i in (1, 2, 3)] + [
        nursing_home(4, 56.5, 10.2)]
    colls = [Collection("A", "A", "daycare", 1), Collection("B", "B", "daycare", 1),
             Collection("P", "P", "nursing_home", 1), Collection("Q", "Q", "nursing_home", 1)]
    inst = _inst(sites, colls, history=[HistoryEntry("N04", "Q", date(2026, 11, 2))])
    routes = {("bogbus", date(2027, 1, 4)): ["D01", "D02", "D03", "N04"],
              ("bogbus", date(2027, 2, 1)): ["D01", "D02", "D03", "N04"],
              ("bogbus", date(2027, 3, 1)): ["N04"]}
    plan = _plan(inst, routes, assign_rotation(inst, routes, date(2027, 1, 1)))
    return inst, plan


def _rotation_errors(plan: dict, inst=None) -> list[str]:
    from bogbus.plan.check.rotation import check_rotation

    out: list[str] = []
    check_rotation(plan, inst, lambda rule, msg, day=None, sid=None: out.append(
        f"{day} {sid}: {msg}"))
    return out


def test_the_real_shortfall_passes(short_plan):
    inst, plan = short_plan
    kinds = {sf["kind"] for sf in plan["rotation"]["shortfall"]}
    problems = {v["problem"] for sf in plan["rotation"]["shortfall"] for v in sf["visits"]}
    assert "daycare" in kinds and problems and _rotation_errors(plan, inst) == []


def _tamper(edit: Callable[[dict], None]) -> Callable[[dict], dict]:
    def apply(plan: dict) -> dict:
        bad = json.loads(json.dumps(plan))
        edit(bad["rotation"])
        return bad
    return apply


def _first(rot: dict) -> dict:
    return rot["shortfall"][0]


def _visit(rot: dict) -> dict:
    return _first(rot)["visits"][0]


def _swap_problem(rot: dict) -> None:
    v = _visit(rot)
    v["problem"] = "repeat" if v["problem"] == "none" else "none"


def _add_visit(extra: dict) -> Callable[[dict], None]:
    return lambda rot: _first(rot)["visits"].append(extra)


@pytest.mark.parametrize("edit, says", [
    (lambda rot: _first(rot).update(kind="nursing_home"), "is not a nursing_home"),
    (lambda rot: _first(rot).update(kind="stop"), "is not a shortfall of daycare"),
    (lambda rot: _first(rot).update(collections=7), ".collections says 7"),
    (lambda rot: _first(rot).update(collections="2"), ".collections says '2'"),
    (_swap_problem, "rotation.shortfall lists a"),
    (lambda rot: _visit(rot).update(problem="late"), "needs site_id, date and a problem"),
    (lambda rot: _visit(rot).update(date="2027-01-05"), "a visit the routes do not have"),
    (_add_visit({"site_id": "N04", "date": "2027-01-04", "problem": "none"}),
     "N04 is not a daycare"),
    (_add_visit({"site_id": "D01", "date": "2027-03-01", "problem": "none"}),
     "a visit the routes do not have"),
    (lambda rot: rot["shortfall"].append(dict(_first(rot))), "daycare is listed twice"),
    (lambda rot: rot.update(shortfall={"daycare": []}), "rotation.shortfall is not a list"),
    (lambda rot: rot["shortfall"].append("x"), "is not a shortfall of daycare"),
])
def test_a_tampered_shortfall_list_is_rejected(short_plan, edit, says):
    inst, plan = short_plan
    errors = _rotation_errors(_tamper(edit)(plan), inst)
    assert any(says in e for e in errors), errors


def test_a_listed_visit_that_gets_a_new_collection_excuses_nothing(short_plan):
    """Listing every visit of a site as a repeat must not hide anything: a visit listed
    that has no repeat is an error of its own."""
    inst, plan = short_plan
    listed = {(v["site_id"], v["date"]) for sf in plan["rotation"]["shortfall"]
              for v in sf["visits"]}
    fine = next((r["date"], v["site_id"]) for r in plan["routes"] for v in r["visits"]
                if v["site_id"].startswith("D") and (v["site_id"], r["date"]) not in listed
                and v["deliver"])
    bad = _tamper(_add_visit({"site_id": fine[1], "date": fine[0], "problem": "repeat"}))(plan)
    errors = _rotation_errors(bad, inst)
    assert any("gets a new collection" in e for e in errors), errors


# ------------------------------------------------ 3. the report of many plans
@pytest.fixture(scope="module")
def tiny_plan_doc(tmp_path_factory) -> dict:
    from test_hostile import tiny

    root = tmp_path_factory.mktemp("tiny2")
    res = run(["plan", str(tiny(root / "data")), "--quarter", "2027Q1", "--work", "2",
               "--time-limit", "600",
               "--out", str(root / "out"), "--no-render"])
    assert res.exit_code == 0, res.output
    return json.loads((root / "out" / "plan.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("count", [7, pytest.param(40, marks=pytest.mark.slow)])
def test_the_report_lays_out_many_scenarios_side_by_side(tmp_path, tiny_plan_doc, count):
    import re

    files = []
    for i in range(1, count + 1):
        folder = tmp_path / f"scenarie-med-et-langt-navn-nummer-{i:02d}"
        folder.mkdir()
        doc = dict(tiny_plan_doc, scenario=folder.name)
        (folder / "plan.json").write_text(json.dumps(doc), encoding="utf-8")
        files.append(str(folder / "plan.json"))
    out = tmp_path / "rapport"
    res = run(["report", *files, "--out", str(out)])
    assert_clean(res, 0, ("report.pdf",))
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    html = (out / "report.html").read_text(encoding="utf-8")
    blocks = (count + 3) // 4
    assert html.count("<h2>Nøgletal") == blocks
    assert f"scenarie {count - (count - 1) % 4}–{count} af {count}" in html
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", html)
    assert all(h.count("<th>") <= 5 for h in heads[:blocks])  # 4 scenarios + the names
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["groups"][-1][
        "label"].endswith(f"{count:02d}")


# --------------------------------------------------------------------- 7. messages
@pytest.mark.parametrize("edit", [
    lambda doc: doc.update(features="x"),                          # not a layer at all
    lambda doc: doc.update(features=[]),                           # no features
    lambda doc: doc.update(crs={"type": "name", "properties": {"name": "EPSG::99999"}}),
    lambda doc: [f.update(geometry=None) for f in doc["features"]],  # no points
])
def test_a_broken_sites_file_is_the_only_error_not_52_follow_ons(tmp_path, edit):
    out = refused(tmp_path, geojson_folder(tmp_path, edit), 1, ("sites.geojson",))
    errors = [line for line in out.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "sites.geojson" in errors[0], out
    assert "not in sites.csv" not in out and "not an id in sites" not in out


def test_notices_with_nothing_changed_write_nothing(tmp_path, tiny_plan_doc):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(tiny_plan_doc), encoding="utf-8")
    for out in (tmp_path / "plan-notices", tmp_path / "a" / "b" / "c"):
        res = run(["notices", str(plan), "--previous", str(plan), "--out", str(out)])
        assert_clean(res, 0, ("nothing changed, nothing written",))
        assert not out.exists() and not (tmp_path / "a").exists()
    res = run(["notices", str(plan), "--previous", str(plan)])  # the default folder
    assert_clean(res, 0, ("nothing changed, nothing written",))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


ROT_SITES = """D01,daycare,Børnehuset,56.4995,10.13435,4,30,08:45,11:30,"mon,tue,wed,thu",
D02,daycare,Solsikken,56.45,10.10,4,30,08:45,11:30,"mon,tue,wed,thu",
"""
ROT_COLLECTIONS = "id,name,kind,crates\nDA,Dyr,daycare,1\nDB,Eventyr,daycare,1\n" \
                  "DC,Rim,daycare,1\n"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, Path]:
    """A tiny data folder with two daycares and collections, and its published plan."""
    from test_hostile import tiny

    root = tmp_path_factory.mktemp("published")
    data = tiny(root / "data")
    with (data / "sites.csv").open("a", encoding="utf-8") as f:
        f.write(ROT_SITES)
    (data / "collections.csv").write_text(ROT_COLLECTIONS, encoding="utf-8")
    res = run(["plan", str(data), "--quarter", "2027Q1", "--work", "2", "--time-limit", "600",
               "--out", str(root / "out"), "--no-render"])
    assert res.exit_code in (0, 3), res.output
    plan = root / "out" / "plan.json"
    assert json.loads(plan.read_text(encoding="utf-8"))["rotation"]["collections"]
    return data, plan


def _deliveries(doc: dict) -> list[dict]:
    return [v for r in doc["routes"] for v in r["visits"] if v.get("deliver")]


# damage of a key's type or of an id the plan must hold is found by the plan reader
# (plan/schema.py, every command alike), the rest by the published-plan check
DAMAGED = "the plan file is damaged"
PUBLISHED = "--previous: the published plan"


@pytest.mark.parametrize("edit, who, says", [
    (lambda d: d["rotation"].update(collections=5), DAMAGED,
     "plan.rotation.collections: expected a list"),
    (lambda d: d["rotation"].update(holdings_at_start=[1]), DAMAGED,
     "plan.rotation.holdings_at_start"),
    (lambda d: d["rotation"].update(history=[{"x": 1}]), DAMAGED, "plan.rotation.history[0]"),
    (lambda d: d["rotation"]["history"].append({"site_id": "D01", "collection_id": "DA",
                                                "date": "2026-13-01"}), DAMAGED,
     "plan.rotation.history["),
    (lambda d: _deliveries(d)[0].update(deliver="DA"), DAMAGED, ".deliver: expected a list"),
    (lambda d: _deliveries(d)[0].update(deliver=["ZZ"]), DAMAGED,
     "'ZZ' is not among plan.rotation.collections"),
    (lambda d: d["routes"][0].update(vehicle="spøgelse"), PUBLISHED,
     "unknown vehicle 'spøgelse'"),
    (lambda d: d["rotation"].update(uses={"DA": 99}), PUBLISHED, "uses of DA say 99"),
])
def test_a_tampered_published_plan_names_what_is_wrong_before_repairing(
        tmp_path, published, edit, who, says):
    data, plan = published
    doc = json.loads(plan.read_text(encoding="utf-8"))
    edit(doc)
    bad = tmp_path / "published.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    before = tree(tmp_path), tree(data)
    out = tmp_path / "repaired"
    res = run(["plan", str(data), "--previous", str(bad), "--from", "2027-02-01",
               "--out", str(out), "--no-render", "--work", "1"])
    assert_clean(res, 1, (who, says))
    assert "internal error" not in res.output and "please report" not in res.output
    assert not out.exists() and (tree(tmp_path), tree(data)) == before


def test_the_untouched_published_plan_repairs(tmp_path, published):
    data, plan = published
    out = tmp_path / "repaired"
    res = run(["plan", str(data), "--previous", str(plan), "--from", "2027-02-01",
               "--out", str(out), "--work", "1", "--time-limit", "600"])
    assert res.exit_code in (0, 3), res.output
    assert (out / "plan.json").exists()
    assert not (out / "notices").exists()  # nothing changed: no empty notices folder


def test_promises_state_the_limits_the_code_enforces():
    from bogbus.calendar import FIRST_YEAR, LAST_YEAR
    from bogbus.io.boundary import MAX_PARTS, MAX_VERTICES
    from bogbus.io.files import MAX_DATA_BYTES, MAX_PLAN_BYTES, MB
    from bogbus.validate import MAX_SITES, MAX_STOP_OPTIONS, MAX_VEHICLES

    text = (Path(__file__).resolve().parents[1] / "docs" / "promises.md").read_text(
        encoding="utf-8")
    for figure in (f"{MAX_SITES:,}", f"{MAX_STOP_OPTIONS:,}", f"≤ {MAX_VEHICLES}",
                   f"{MAX_PARTS:,} polygons", f"{MAX_VERTICES:,} vertices",
                   f"{FIRST_YEAR}Q1 – {LAST_YEAR}Q4", f"{FIRST_YEAR} – {LAST_YEAR}",
                   f"{MAX_DATA_BYTES // MB} MB", f"{MAX_PLAN_BYTES // MB} MB"):
        assert figure in text, figure
    assert "300 sites" not in text and "500 slots" not in text
