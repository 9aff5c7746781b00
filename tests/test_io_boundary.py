"""boundary.geojson: a warning per site outside it, an error for a boundary that is not one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from bogbus.cli import main
from bogbus.errors import InputError
from bogbus.io import load_source, validate_source
from bogbus.io.boundary import BOUNDARY_FILE

ROOT = Path(__file__).resolve().parents[1]
RANDERS = ROOT / "data" / "randers"

SITES = """\
id,kind,name,lat,lon,every_weeks,duration_min,earliest,latest
DEPOT,depot,Bibliotek,56.4607,10.0364,,,,
S01,stop,Inde,56.5000,10.1000,1,30,13:00,16:00
S02,stop,Ude,56.8000,10.1000,1,30,13:00,16:00
"""
SETTINGS = """\
name: Test
depot: DEPOT
vehicles:
  - name: bogbus
    shifts: {mon: "08:30-16:30", tue: "08:30-16:30"}
"""
# a 0.4° × 0.4° square around Randers: S02 (56.80) lies ~15 km north of it
SQUARE = {"type": "Polygon", "coordinates": [[[9.8, 56.3], [10.3, 56.3], [10.3, 56.7],
                                               [9.8, 56.7], [9.8, 56.3]]]}


def folder(tmp_path: Path, boundary: object | None, sites: str = SITES) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    (d / "sites.csv").write_text(sites, encoding="utf-8")
    (d / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    if boundary is not None:
        text = boundary if isinstance(boundary, str) else json.dumps(boundary)
        (d / BOUNDARY_FILE).write_text(text, encoding="utf-8")
    return d


def feature_collection(*geometries: dict) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {}, "geometry": g}
                         for g in geometries]}


def test_site_outside_the_boundary_is_a_warning_naming_row_and_distance(tmp_path):
    instance, problems = validate_source(folder(tmp_path, feature_collection(SQUARE)))
    assert instance is not None  # a warning: planning goes on
    [p] = problems
    assert p.severity == "warning" and p.row == 4 and p.column == "lat"
    assert "'S02' (Ude) lies 11.1 km outside the boundary" in p.message
    assert p.file.endswith("sites.csv")


def test_no_boundary_file_no_boundary_check(tmp_path):
    _, problems = validate_source(folder(tmp_path, None))
    assert problems == []


def test_swapped_coordinates_are_named(tmp_path):
    sites = SITES.replace("S02,stop,Ude,56.8000,10.1000", "S02,stop,Ude,10.1000,56.5000")
    _, problems = validate_source(folder(tmp_path, feature_collection(SQUARE), sites))
    [p] = [p for p in problems if "boundary" in p.message]
    assert "swapped" in p.fix


def test_the_shipped_randers_data_lies_inside_its_boundary():
    assert (RANDERS / BOUNDARY_FILE).is_file()
    _, problems = validate_source(RANDERS)
    assert [p for p in problems if "boundary" in p.message] == []


def test_every_randers_site_is_inside_the_kommune_polygon():
    from shapely.geometry import Point, shape

    doc = json.loads((RANDERS / BOUNDARY_FILE).read_text(encoding="utf-8"))
    area = shape(doc["features"][0]["geometry"])
    instance = load_source(RANDERS)
    assert len(instance.sites) == 47
    assert all(area.contains(Point(s.lon, s.lat)) for s in instance.sites)


@pytest.mark.parametrize("boundary, says", [
    (feature_collection({"type": "LineString", "coordinates": [[9.8, 56.3], [10.3, 56.7]]}),
     "holds no polygon (found: LineString)"),
    (feature_collection({"type": "Point", "coordinates": [10.0, 56.4]}),
     "holds no polygon (found: Point)"),
    (feature_collection(SQUARE, {"type": "Point", "coordinates": [10.0, 56.4]}),
     "mixes polygons with Point"),
    ("{not json", "cannot be read as GeoJSON"),
    ({"type": "Polygon", "coordinates": [[[560000, 6250000], [580000, 6250000],
                                          [580000, 6270000], [560000, 6250000]]]},
     "are not lon/lat degrees"),
    ({**feature_collection(SQUARE),
      "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}}},
     "coordinate system urn:ogc:def:crs:EPSG::25832"),
])
def test_a_boundary_that_is_not_a_lonlat_polygon_is_an_error(tmp_path, boundary, says):
    d = folder(tmp_path, boundary)
    with pytest.raises(InputError) as exc:
        load_source(d)
    [p] = exc.value.problems
    assert p.severity == "error" and p.file.endswith(BOUNDARY_FILE) and says in p.message
    assert "Polygon" in p.fix


def test_plan_prints_the_warning_and_a_bad_boundary_stops_it_writing_nothing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good = folder(tmp_path / "a", feature_collection(SQUARE))
    bad = folder(tmp_path / "b", feature_collection(
        {"type": "LineString", "coordinates": [[9.8, 56.3], [10.3, 56.7]]}))
    out = tmp_path / "plan"
    res = CliRunner().invoke(main, ["plan", str(good), "--quarter", "2027Q1", "--no-render",
                                    "--time-limit", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "warning:" in res.stderr and "'S02' (Ude) lies" in res.stderr
    out_bad = tmp_path / "plan-bad"
    res = CliRunner().invoke(main, ["plan", str(bad), "--quarter", "2027Q1", "--no-render",
                                    "--out", str(out_bad)])
    assert res.exit_code == 1 and "holds no polygon" in res.output
    assert not out_bad.exists()
    res = CliRunner().invoke(main, ["validate", str(bad)])
    assert res.exit_code == 1 and "boundary.geojson" in res.output


def test_a_scenario_is_checked_against_its_base_folders_boundary(tmp_path):
    base = folder(tmp_path, feature_collection(SQUARE))
    scenario = tmp_path / "far.yaml"
    scenario.write_text("base: data\nremove: [S02]\n"
                        "add: [{id: S09, kind: stop, name: Langt ude, lat: 57.2, lon: 10.0,"
                        " every_weeks: 2, duration_min: 20}]\n", encoding="utf-8")
    assert base.is_dir()
    _, problems = validate_source(scenario)
    [p] = [p for p in problems if "boundary" in p.message]
    assert "'S09' (Langt ude)" in p.message and p.severity == "warning"


def test_randers_copy_with_a_moved_site_warns(tmp_path):
    d = tmp_path / "randers"
    shutil.copytree(RANDERS, d)
    text = (d / "sites.csv").read_text(encoding="utf-8")
    (d / "sites.csv").write_text(text.replace("56.44210,10.15170", "56.44210,10.55170", 1),
                                 encoding="utf-8")
    _, problems = validate_source(d)
    [p] = [p for p in problems if "boundary" in p.message]
    assert p.row == 3 and "'S01' (Assentoft)" in p.message


@settings(max_examples=60, deadline=None)
@given(lat=st.floats(56.0, 57.0), lon=st.floats(9.5, 10.6))
def test_warned_exactly_when_outside_and_distance_is_to_the_edge(lat, lon):
    from shapely.geometry import Point, shape

    from bogbus.model import Site

    site = Site("S01", "stop", "Et sted", lat, lon, row=2)
    problems = _square_problems(site)
    inside = shape(SQUARE).covers(Point(lon, lat))
    assert (problems == []) == inside
    if not inside:
        km = float(problems[0].message.split(" lies ")[1].split(" km")[0])
        # the nearest edge of the axis-aligned square, measured along lat or lon
        dlat = max(56.3 - lat, 0, lat - 56.7) * 111.2
        dlon = max(9.8 - lon, 0, lon - 10.3) * 111.2 * 0.553
        assert abs(km - (dlat ** 2 + dlon ** 2) ** 0.5) < 0.1 + 0.02 * km


def _square_problems(site):
    import tempfile

    from bogbus.io.boundary import boundary_problems

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / BOUNDARY_FILE).write_text(json.dumps(SQUARE), encoding="utf-8")
        return boundary_problems(Path(tmp), tmp, [site], "sites.csv")
