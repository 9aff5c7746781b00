"""sites.gpkg / sites.geojson: the same contract as sites.csv, read from a point layer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from bogbus.cli import main
from bogbus.errors import InputError
from bogbus.io import load_source, validate_source

SITES_CSV = """\
id,kind,name,lat,lon,address,every_weeks,duration_min,earliest,latest,days,visitors,children,residents,crates
DEPOT,depot,Kulturhuset,56.4617,10.0392,"Stemannsgade 2, 8900 Randers C",,,,,,,,,
S01,stop,Assentoft,56.4421,10.1517,,1,45,13:00,16:15,"mon,tue,wed,thu,fri",28,,,
S02,stop,"Spentrup, ved skolen",56.53703,10.03792,,2,30,13:00,16:15,"mon,tue,wed,thu,fri",12,,,
S03,stop,Stevnstrup,56.43663,9.94096,,2,30,16:00,19:00,"mon,tue,wed,thu,fri",9,,,
S04,stop,Gassum,56.57772,9.99731,,1,30,13:00,16:15,"mon,tue,wed,thu,fri",8,,,
D01,daycare,Børnehuset Harridslev,56.4995,10.13435,,4,30,08:45,11:30,"mon,tue,wed,thu",,40,,1
N01,nursing_home,Åbakken,56.58225,10.18622,,6,30,09:30,14:00,"mon,tue,wed,thu,fri",,,30,2
"""
SETTINGS = """\
name: Test – Bogbussen
depot: DEPOT
vehicles:
  - name: bogbus
    shifts: {mon: "08:30-16:30", tue: "08:30-16:30", wed: "10:00-19:30", thu: "08:30-16:30"}
    break: {minutes: 30, earliest: "11:00", latest: "13:30"}
    crate_capacity: 10
    energy: {litres_per_100km: 30}
calendar: {holidays: DK}
solver: {time_limit_s: 60, seed: 0}
"""
INTS = ("every_weeks", "duration_min", "children", "residents", "crates")


def frame(csv_text: str = SITES_CSV, crs: int | None = 4326) -> geopandas.GeoDataFrame:
    """The CSV's rows as a typed point layer, the way QGIS would hold them."""
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    records = []
    for r in rows:
        rec: dict[str, object] = {}
        for k, v in r.items():
            if k in ("lat", "lon"):
                continue
            if k in INTS or k == "visitors":
                rec[k] = int(v) if v else None
            else:
                rec[k] = v or None
        records.append(rec)
    points = [Point(float(r["lon"]), float(r["lat"])) for r in rows]
    gdf = geopandas.GeoDataFrame(records, geometry=points, crs=4326)
    if crs is None:
        return gdf.set_crs(None, allow_override=True)
    return gdf.to_crs(crs)


def data_folder(tmp_path: Path, name: str, sites: str | None = None) -> Path:
    d = tmp_path / name
    d.mkdir()
    if sites is not None:
        (d / "sites.csv").write_text(sites, encoding="utf-8")
    (d / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    return d


def plan_json(tmp_path: Path, source: Path) -> dict:
    out = tmp_path / f"plan-{source.name}"
    res = CliRunner().invoke(main, ["plan", str(source), "--quarter", "2027Q1", "--work", "20",
                                    "--no-render", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return json.loads((out / "plan.json").read_text(encoding="utf-8"))


def _comparable(plan: dict) -> dict:
    drop = ("data", "inputs_sha256", "solver", "scenario", "generated_by")
    return {k: v for k, v in plan.items() if k not in drop}


def test_a_geojson_sites_file_plans_the_same_as_the_csv_it_came_from(tmp_path):
    from_csv = data_folder(tmp_path, "csv", SITES_CSV)
    from_gis = data_folder(tmp_path, "gis")
    frame().to_file(from_gis / "sites.geojson", driver="GeoJSON")
    a, b = load_source(from_csv), load_source(from_gis)
    strip = [(s.id, s.kind, s.name, s.lat, s.lon, s.address, s.every_weeks, s.duration_min,
              s.earliest, s.latest, s.days, s.visitors, s.children, s.residents, s.crates)
             for s in a.sites]
    assert strip == [(s.id, s.kind, s.name, s.lat, s.lon, s.address, s.every_weeks,
                      s.duration_min, s.earliest, s.latest, s.days, s.visitors, s.children,
                      s.residents, s.crates) for s in b.sites]
    plan_a, plan_b = plan_json(tmp_path, from_csv), plan_json(tmp_path, from_gis)
    assert plan_a["routes"] and not plan_a["unserved"]
    assert _comparable(plan_a) == _comparable(plan_b)
    assert plan_b["data"] == str(from_gis)
    res = CliRunner().invoke(main, ["check", str(tmp_path / "plan-gis" / "plan.json")])
    assert res.exit_code == 0, res.output


def test_a_geopackage_in_utm32_gives_the_same_coordinates(tmp_path):
    d = data_folder(tmp_path, "gpkg")
    frame(crs=25832).to_file(d / "sites.gpkg", layer="sites", driver="GPKG")
    sites = {s.id: s for s in load_source(d).sites}
    assert sites["S02"].lat == pytest.approx(56.53703, abs=1e-6)
    assert sites["S02"].lon == pytest.approx(10.03792, abs=1e-6)
    assert sites["D01"].days == ("mon", "tue", "wed", "thu") and sites["D01"].children == 40


def test_multipoint_features_of_one_point_are_accepted(tmp_path):
    d = data_folder(tmp_path, "multi")
    gdf = frame()
    gdf.geometry = [MultiPoint([p]) for p in gdf.geometry]
    gdf.to_file(d / "sites.gpkg", layer="sites", driver="GPKG")
    assert len(load_source(d).sites) == 7


def test_the_sites_layer_is_found_among_several(tmp_path):
    d = data_folder(tmp_path, "layers")
    frame().to_file(d / "sites.gpkg", layer="sites", driver="GPKG")
    geopandas.GeoDataFrame({"name": ["kommune"]}, geometry=[Polygon(
        [(9.8, 56.3), (10.3, 56.3), (10.3, 56.7)])], crs=4326).to_file(
        d / "sites.gpkg", layer="kommune", driver="GPKG", mode="a")
    assert len(load_source(d).sites) == 7


def _error(d: Path) -> str:
    with pytest.raises(InputError) as exc:
        load_source(d)
    errors = [p for p in exc.value.problems if p.severity == "error"]
    assert errors
    return "\n".join(str(p) for p in errors)


def test_a_geopackage_without_points_is_refused(tmp_path):
    d = data_folder(tmp_path, "poly")
    gdf = frame()
    gdf.geometry = [p.buffer(0.01) for p in gdf.geometry]
    gdf.to_file(d / "sites.gpkg", layer="sites", driver="GPKG")
    text = _error(d)
    assert "sites.gpkg" in text and "holds no points (found a Polygon)" in text


def test_one_line_among_points_names_its_feature(tmp_path):
    d = data_folder(tmp_path, "line")
    gdf = frame()
    geoms = list(gdf.geometry)
    geoms[2] = LineString([(10.0, 56.5), (10.1, 56.5)])
    gdf.geometry = geoms
    gdf.to_file(d / "sites.gpkg", layer="sites", driver="GPKG")
    _, problems = validate_source(d)
    [p] = [p for p in problems if p.severity == "error"]
    assert p.row == 3 and "feature 3 is a LineString, not a point" in p.message


def test_a_missing_attribute_is_named_like_a_missing_column(tmp_path):
    d = data_folder(tmp_path, "noname")
    frame().drop(columns=["kind"]).to_file(d / "sites.geojson", driver="GeoJSON")
    text = _error(d)
    assert "sites.geojson, column 'kind': required column 'kind' is missing" in text
    assert "add a field named kind to the layer's attribute table" in text


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_layer_without_crs_is_refused(tmp_path):
    d = data_folder(tmp_path, "nocrs")
    frame(crs=None).to_file(d / "sites.gpkg", layer="sites", driver="GPKG")
    text = _error(d)
    assert "no coordinate reference system" in text and "EPSG:4326" in text


def test_a_bad_value_in_a_feature_gets_the_csv_message(tmp_path):
    d = data_folder(tmp_path, "badvalue")
    gdf = frame()
    gdf["earliest"] = gdf["earliest"].astype(object)
    gdf.loc[1, "earliest"] = "om eftermiddagen"
    gdf.to_file(d / "sites.geojson", driver="GeoJSON")
    _, problems = validate_source(d)
    [p] = [p for p in problems if p.severity == "error"]
    assert (p.row, p.column) == (2, "earliest") and "is not a time of day" in p.message


def test_two_sites_files_in_one_folder_is_an_error(tmp_path):
    d = data_folder(tmp_path, "both", SITES_CSV)
    frame().to_file(d / "sites.geojson", driver="GeoJSON")
    res = CliRunner().invoke(main, ["validate", str(d)])
    assert res.exit_code == 1 and "sites.csv and sites.geojson" in res.output


def test_a_file_that_is_not_gis_is_refused(tmp_path):
    d = data_folder(tmp_path, "junk")
    (d / "sites.gpkg").write_bytes(b"this is not a geopackage")
    text = _error(d)
    assert "sites.gpkg" in text and "cannot be read as a GIS layer" in text


def test_a_local_crs_that_cannot_become_wgs84_is_refused(tmp_path):
    d = data_folder(tmp_path, "local")
    local = ('ENGCRS["Lokalt grid",EDATUM["Lokal"],CS[Cartesian,2],'
             'AXIS["x",east,ORDER[1],LENGTHUNIT["metre",1]],'
             'AXIS["y",north,ORDER[2],LENGTHUNIT["metre",1]]]')
    gdf = frame()
    gdf.geometry = [Point(100 * i, 200 * i) for i in range(len(gdf))]
    gdf.set_crs(local, allow_override=True).to_file(d / "sites.gpkg", layer="sites",
                                                     driver="GPKG")
    text = _error(d)
    assert "cannot be converted to WGS84" in text and "Lokalt grid" in text


def test_plan_on_a_bad_layer_exits_1_and_writes_nothing(tmp_path):
    d = data_folder(tmp_path, "poly-plan")
    gdf = frame()
    gdf.geometry = [p.buffer(0.01) for p in gdf.geometry]
    gdf.to_file(d / "sites.geojson", driver="GeoJSON")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["plan", str(d), "--quarter", "2027Q1", "--work", "20",
                                    "--out", str(out)])
    assert res.exit_code == 1 and "sites.geojson: the layer holds no points" in res.output
    assert not out.exists() and not Path("maps/poly-plan-2027Q1.html").exists()
