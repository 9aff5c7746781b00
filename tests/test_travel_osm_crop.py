"""A country-size OSM file is cropped to boundary.geojson + travel.crop_margin_km.

The "country" here is the road network of test_travel_osm (the kommune) plus roads far
away and roads just outside the boundary, written as .osm.pbf in the test."""

from __future__ import annotations

import json
from pathlib import Path

import osmium
import pytest
from click.testing import CliRunner
from osmium.osm.mutable import Node, Way
from test_travel_e2e import data_folder
from test_travel_osm import NODES, WAYS

from bogbus.cli import main
from bogbus.errors import BogbusError
from bogbus.io import load_source
from bogbus.io.settings import parse_settings
from bogbus.travel import build_travel, osmcrop
from bogbus.travel import osm as osm_mod
from bogbus.travel.osm import build_osm

# the kommune: the sites lie in lon 10.00–10.06, lat 56.00–56.03
BOUNDARY = [[9.99, 55.99], [10.07, 55.99], [10.07, 56.035], [9.99, 56.035], [9.99, 55.99]]
EXTRA_NODES = {
    40: (56.035 + 0.018, 10.00), 41: (56.035 + 0.018, 10.02),  # 2 km north of the boundary
    42: (56.035 + 0.072, 10.00), 43: (56.035 + 0.072, 10.02),  # 8 km north
    44: (56.02, 10.03), 45: (56.20, 10.03),                    # leaves the area for 19 km
}
EXTRA_WAYS = [(140, [40, 41], {"highway": "residential"}),
              (141, [42, 43], {"highway": "residential"}),
              (142, [44, 45], {"highway": "unclassified"}),
              (143, [42, 43], {"building": "yes"})]  # not a road: never kept


def far_roads(n: int) -> tuple[dict[int, tuple[float, float]], list]:
    """A strip of n roads near Copenhagen, ~180 km from the kommune."""
    nodes = {1000 + k: (55.6 + k * 0.001, 12.5) for k in range(n + 1)}
    ways = [(1000 + k, [1000 + k, 1001 + k], {"highway": "primary"}) for k in range(n)]
    return nodes, ways


def write_pbf(path: Path, nodes: dict[int, tuple[float, float]], ways: list) -> Path:
    with osmium.SimpleWriter(str(path), overwrite=True) as w:
        for nid in sorted(nodes):
            lat, lon = nodes[nid]
            w.add_node(Node(id=nid, location=(lon, lat)))
        for wid, refs, tags in sorted(ways, key=lambda t: t[0]):
            w.add_way(Way(id=wid, nodes=refs, tags=tags))
    return path


def country(folder: Path, far: int = 200) -> Path:
    fn, fw = far_roads(far)
    return write_pbf(folder / "dk.osm.pbf", {**NODES, **EXTRA_NODES, **fn},
                     [*WAYS, *EXTRA_WAYS, *fw])


def write_boundary(folder: Path, ring=BOUNDARY) -> None:
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
           "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    (folder / "boundary.geojson").write_text(json.dumps(doc), encoding="utf-8")


def kommune(tmp_path: Path, margin: float | None = None, boundary: bool = True) -> Path:
    travel = "  model: osm\n  file: dk.osm.pbf\n"
    if margin is not None:
        travel += f"  crop_margin_km: {margin}\n"
    folder = data_folder(tmp_path, travel)
    country(folder)
    if boundary:
        write_boundary(folder)
    return folder


def way_ids(pbf: Path) -> set[int]:
    return {o.id for o in osmium.FileProcessor(str(pbf), osmium.osm.WAY)}


def test_the_crop_keeps_the_kommune_and_the_margin_and_gives_the_same_matrix(tmp_path):
    folder = kommune(tmp_path)
    build = build_osm(load_source(folder))
    crops = list((folder / ".bogbus-cache").glob("crop-*.osm.pbf"))
    assert len(crops) == 1
    kept = way_ids(crops[0])
    # every road of the kommune and the ferry to Ø; not Ø's own road, 14 km away
    assert {w[0] for w in WAYS} - {110} <= kept and 110 not in kept
    assert 140 in kept and 142 in kept   # 2 km outside; a road leaving the area, whole
    assert 141 not in kept and 143 not in kept and not any(w >= 1000 for w in kept)
    crop = build.matrix.description["crop"]
    assert crop["margin_km"] == 5.0 and crop["ways"] == len(kept)
    # the same legs as from the kommune's own roads, uncropped
    plain = build_travel(load_source(data_folder(tmp_path / "plain",
                                                 "  model: osm\n  file: roads.osm\n")))
    assert build.matrix.km == plain.km and build.matrix.minutes == plain.minutes
    assert build.matrix.shapes == plain.shapes


def test_the_margin_is_a_setting(tmp_path):
    folder = kommune(tmp_path, margin=1)
    build_osm(load_source(folder))
    (crop,) = (folder / ".bogbus-cache").glob("crop-*.osm.pbf")
    kept = way_ids(crop)
    assert 140 not in kept and 142 in kept
    assert load_source(folder).settings.travel.options.crop_margin_km == 1.0


def test_the_crop_is_cached_and_reused_when_only_speeds_change(tmp_path, monkeypatch):
    folder = kommune(tmp_path)
    first = build_osm(load_source(folder))

    def boom(*a, **k):
        raise AssertionError("cropped again")

    monkeypatch.setattr(osmcrop, "crop_file", boom)
    osm_mod._MEMO.clear()
    again = build_osm(load_source(folder))  # the matrix cache
    assert again.cache_hit and again.matrix == first.matrix
    settings = folder / "settings.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "file: dk.osm.pbf", "file: dk.osm.pbf\n  speeds_kmh: {primary: 60}"), encoding="utf-8")
    slower = build_osm(load_source(folder))  # a new matrix from the cached crop
    assert not slower.cache_hit and slower.matrix.minutes != first.matrix.minutes
    # a new boundary is a new crop
    write_boundary(folder, [[9.98, 55.98], [10.08, 55.98], [10.08, 56.04], [9.98, 56.04],
                            [9.98, 55.98]])
    with pytest.raises(AssertionError, match="cropped again"):
        build_osm(load_source(folder))


def test_a_huge_file_without_a_boundary_says_what_to_do(tmp_path, monkeypatch):
    folder = kommune(tmp_path, boundary=False)
    monkeypatch.setattr(osmcrop, "UNCROPPED_MAX_BYTES", 1000)
    res = CliRunner().invoke(main, ["travel", "build", str(folder)])
    assert res.exit_code == 1
    text = " ".join(res.output.split())
    assert "dk.osm.pbf" in text and "boundary.geojson" in text and "MB" in text \
        and "crop_margin_km" in text and "Traceback" not in text
    assert not (folder / ".bogbus-cache").exists() or not any(
        (folder / ".bogbus-cache").glob("osm-*.json"))


@pytest.mark.parametrize("boundary", [True, False])
def test_a_corrupt_pbf_names_the_file_and_exits_1(tmp_path, boundary):
    folder = kommune(tmp_path, boundary=boundary)
    pbf = folder / "dk.osm.pbf"
    pbf.write_bytes(pbf.read_bytes()[: pbf.stat().st_size // 2])  # a broken download
    res = CliRunner().invoke(main, ["travel", "build", str(folder)])
    assert res.exit_code == 1
    assert "dk.osm.pbf" in res.output and "not a readable" in res.output
    assert "Traceback" not in res.output


def test_a_boundary_where_the_file_has_no_roads(tmp_path):
    folder = kommune(tmp_path)
    write_boundary(folder, [[8.0, 57.0], [8.1, 57.0], [8.1, 57.1], [8.0, 57.1], [8.0, 57.0]])
    with pytest.raises(BogbusError, match="no roads within boundary.geojson"):
        build_osm(load_source(folder))


def test_crop_margin_km_is_checked(tmp_path):
    (tmp_path / "r.osm.pbf").write_bytes(b"")
    base = ("name: T\ndepot: DEPOT\nvehicles:\n  - name: bus\n    shifts: {mon: '08:00-16:00'}\n"
            "travel:\n  model: osm\n  file: r.osm.pbf\n")
    ok = parse_settings((base + "  crop_margin_km: 0\n").encode(), str(tmp_path / "settings.yaml"))
    assert ok.settings.travel.options.crop_margin_km == 0
    bad = parse_settings((base + "  crop_margin_km: -2\n").encode(),
                         str(tmp_path / "settings.yaml"))
    assert [p.column for p in bad.problems if p.severity == "error"] == ["travel.crop_margin_km"]


def test_margin_area_grows_by_the_margin():
    from shapely.geometry import Point, Polygon

    from bogbus.geo import haversine_km

    area = Polygon(BOUNDARY)
    grown = osmcrop.margin_area(area, 5.0)
    lat = 56.0125
    west, south, east, north = grown.bounds
    assert haversine_km(lat, 10.07, lat, east) == pytest.approx(5.0, abs=0.15)
    assert haversine_km(56.035, 10.0, north, 10.0) == pytest.approx(5.0, abs=0.15)
    assert grown.contains(Point(10.07 + 0.06, lat)) and not grown.contains(Point(10.07 + 0.1,
                                                                                  lat))


def test_an_xml_file_is_cropped_too(tmp_path):
    folder = data_folder(tmp_path, "  model: osm\n  file: roads.osm\n")
    plain = build_travel(load_source(folder))
    write_boundary(folder)
    osm_mod._MEMO.clear()
    cropped = build_osm(load_source(folder))
    assert cropped.matrix.description["crop"]["ways"] == len(WAYS) - 1  # not Ø's road
    assert cropped.matrix.km == plain.km and cropped.matrix.minutes == plain.minutes
