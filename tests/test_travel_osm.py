"""The osm travel model on a small OSM XML fixture made here (offline, fast)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from factories import vehicle

from bogbus.errors import BogbusError
from bogbus.geo import haversine_km
from bogbus.model import Instance, Settings, Site, TravelOptions, TravelSettings
from bogbus.travel import build_travel
from bogbus.travel import osm as osm_mod
from bogbus.travel.osm import TravelWarning, build_osm, classify_way, parse_maxspeed

# node id → (lat, lon)
NODES = {
    1: (56.000, 10.000),   # Aby (depot)
    2: (56.000, 10.020),
    3: (56.000, 10.040),   # Bby
    4: (56.010, 10.020),
    5: (56.020, 10.040),   # Cby
    6: (56.005, 10.060),   # Dby
    7: (56.030, 10.000),
    20: (56.100, 10.300),  # Ø (island)
    21: (56.100, 10.310),
}
# (way id, node refs, tags)
WAYS = [
    (101, [1, 2, 3], {"highway": "primary"}),                          # 70 km/h
    (102, [1, 4], {"highway": "residential"}),                         # 30
    (103, [4, 5], {"highway": "tertiary", "oneway": "-1"}),            # 50, only 5 → 4
    (104, [3, 5], {"highway": "secondary", "maxspeed": "40"}),         # 40 (tag < class)
    (105, [3, 6], {"highway": "tertiary", "oneway": "yes"}),           # 50, only 3 → 6
    (106, [6, 5], {"highway": "residential"}),                         # 30
    (107, [1, 5], {"highway": "footway"}),                             # never driven
    (108, [1, 7, 5], {"highway": "track"}),                            # no motor access
    (110, [20, 21], {"highway": "residential"}),                       # island roads
    (111, [5, 20], {"route": "ferry"}),                                # ferry: not for the bus
    (112, [2, 4], {"highway": "motorway", "maxspeed": "130"}),         # capped to 80, 2 → 4 only
]

SITES = [
    Site("DEPOT", "depot", "Aby", *NODES[1]),
    Site("B", "stop", "Bby", *NODES[3], every_weeks=1, duration_min=30,
         earliest=13 * 60, latest=19 * 60, visitors=5),
    Site("C", "stop", "Cby", *NODES[5], every_weeks=1, duration_min=30,
         earliest=13 * 60, latest=19 * 60, visitors=5),
    Site("D", "stop", "Dby", *NODES[6], every_weeks=1, duration_min=30,
         earliest=13 * 60, latest=19 * 60, visitors=5),
]


def write_osm(path: Path, nodes=NODES, ways=WAYS) -> Path:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (lat, lon) in nodes.items():
        lines.append(f'  <node id="{nid}" lat="{lat}" lon="{lon}" version="1"/>')
    for wid, refs, tags in ways:
        lines.append(f'  <way id="{wid}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def make_instance(folder: Path, sites=SITES, **options) -> Instance:
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "roads.osm").exists():
        write_osm(folder / "roads.osm")
    opts = TravelOptions(**{"file": "roads.osm", **options})
    st = Settings(name="T", depot="DEPOT", vehicles=(vehicle(),),
                  travel=TravelSettings(model="osm", options=opts), time_limit_s=3)
    return Instance("t", str(folder), tuple(sites), st)


def secs(a: int, b: int, kmh: float) -> float:
    return haversine_km(*NODES[a], *NODES[b]) / kmh * 3600


def path_km(*nodes: int) -> float:
    return sum(haversine_km(*NODES[u], *NODES[v]) for u, v in zip(nodes, nodes[1:]))


@pytest.fixture
def tm(tmp_path):
    return build_travel(make_instance(tmp_path / "data"))


def test_matrix_equals_hand_computed_shortest_times(tm):
    def mins(s):
        return math.ceil(s / 60 - 1e-9)

    # DEPOT → B: primary 1-2-3 at 70
    assert tm.leg("DEPOT", "B") == (math.ceil(path_km(1, 2, 3) * 10) / 10,
                                    mins(secs(1, 2, 70) + secs(2, 3, 70)))
    # DEPOT → C: footway 1-5 and track 1-7-5 are not drivable, 4 → 5 is one-way the other
    # way; candidates 1-2-3-5 and 1-2-4(motorway)-… (4 → 5 forbidden) → 1-2-3-5
    t_dc = secs(1, 2, 70) + secs(2, 3, 70) + secs(3, 5, 40)
    assert tm.leg("DEPOT", "C") == (math.ceil(path_km(1, 2, 3, 5) * 10) / 10, mins(t_dc))
    # C → DEPOT: 5 → 4 (tertiary 50) then 4 → 1 (residential 30) beats 5-3-2-1
    t_cd = min(secs(5, 4, 50) + secs(4, 1, 30), secs(5, 3, 40) + secs(3, 2, 70) + secs(2, 1, 70))
    assert tm.leg("C", "DEPOT")[1] == mins(t_cd)
    # B → D: one-way 3 → 6 at 50
    assert tm.leg("B", "D") == (math.ceil(path_km(3, 6) * 10) / 10, mins(secs(3, 6, 50)))


def test_one_way_street_is_respected(tm):
    # D → B must go round: 6-5 (30) then 5-3 (40)
    km_back, min_back = tm.leg("D", "B")
    assert min_back == math.ceil((secs(6, 5, 30) + secs(5, 3, 40)) / 60 - 1e-9)
    assert km_back == math.ceil(path_km(6, 5, 3) * 10) / 10
    assert tm.leg("B", "D") != tm.leg("D", "B")


def test_speed_cap_and_maxspeed_tag():
    speeds = osm_mod.osm_settings(TravelOptions())["speeds_kmh"]
    assert classify_way({"highway": "motorway", "maxspeed": "130"}, speeds, 80) == \
        (True, False, 80)
    assert classify_way({"highway": "secondary", "maxspeed": "40"}, speeds, 80)[2] == 40
    assert classify_way({"highway": "residential", "oneway": "-1"}, speeds, 80) == \
        (False, True, 30)
    assert classify_way({"highway": "tertiary", "junction": "roundabout"}, speeds, 80)[:2] == \
        (True, False)
    assert classify_way({"highway": "footway"}, speeds, 80) is None
    assert classify_way({"highway": "track"}, speeds, 80) is None
    assert classify_way({"highway": "track", "motor_vehicle": "yes"}, speeds, 80) is not None
    assert classify_way({"highway": "residential", "access": "no"}, speeds, 80) is None
    assert classify_way({"route": "ferry", "highway": "unclassified"}, speeds, 80) is None
    assert parse_maxspeed("30 mph") == pytest.approx(48.28, abs=0.01)
    assert parse_maxspeed("DK:urban") == 50


def test_km_never_shorter_than_great_circle_and_shapes_follow_roads(tm):
    by_id = {s.id: s for s in SITES}
    for a in tm.ids:
        for b in tm.ids:
            if a == b:
                continue
            km, _ = tm.leg(a, b)
            gc = haversine_km(by_id[a].lat, by_id[a].lon, by_id[b].lat, by_id[b].lon)
            assert km >= gc - 1e-9, (a, b, km, gc)
            shape = tm.shapes[(a, b)]
            along = sum(haversine_km(*p, *q) for p, q in zip(shape, shape[1:]))
            assert along <= km + 1e-6 and km - along < 0.1 + 1e-6
            assert shape[0] == [by_id[a].lat, by_id[a].lon]
            assert shape[-1] == [by_id[b].lat, by_id[b].lon]


def test_snap_distance_is_driven_slowly_and_far_sites_warn(tmp_path):
    off = Site("E", "stop", "Eby", 55.9955, 10.040, every_weeks=1, duration_min=30)  # 500 m S of 3
    inst = make_instance(tmp_path / "data", [*SITES, off], snap_warn_m=300)
    with pytest.warns(TravelWarning, match="E"):
        build = build_osm(inst)
    snap = build.snaps["E"]
    assert 480 < snap < 520
    km, mins = build.matrix.leg("B", "E")
    assert km == math.ceil(snap / 100) / 10
    assert mins == math.ceil(snap / (20 / 3.6) / 60)


def test_ferry_only_island_is_a_clear_error(tmp_path):
    island = Site("OE", "stop", "Øby", 56.1001, 10.3001, every_weeks=1, duration_min=30)
    with pytest.raises(BogbusError) as exc:
        build_travel(make_instance(tmp_path / "data", [*SITES, island]))
    text = str(exc.value)
    assert "OE (Øby)" in text and "ferr" in text and "B (" not in text


def test_site_far_from_any_road_is_a_clear_error(tmp_path):
    far = Site("FAR", "stop", "Fjernby", 56.5, 11.0, every_weeks=1, duration_min=30)
    with pytest.raises(BogbusError, match="FAR"):
        build_travel(make_instance(tmp_path / "data", [*SITES, far]))


def test_second_build_hits_the_cache(tmp_path, monkeypatch):
    inst = make_instance(tmp_path / "data")
    first = build_osm(inst)
    assert not first.cache_hit and first.cache_path.is_file()
    assert first.cache_path.parent == tmp_path / "data" / ".bogbus-cache"

    def boom(*a, **k):
        raise AssertionError("graph rebuilt despite the cache")

    monkeypatch.setattr(osm_mod, "read_roads", boom)
    osm_mod._MEMO.clear()  # read the file cache, not the in-process copy
    second = build_osm(inst)
    assert second.cache_hit
    assert second.matrix == first.matrix
    # a changed speed setting is a different cache key
    with pytest.raises(AssertionError, match="rebuilt"):
        build_osm(make_instance(tmp_path / "data", speeds_kmh={"primary": 60}))


def test_cache_dir_option_and_description(tmp_path):
    inst = make_instance(tmp_path / "data", cache_dir=str(tmp_path / "cache"))
    build = build_osm(inst)
    assert build.cache_path.parent == tmp_path / "cache"
    d = build.matrix.description
    assert d["model"] == "osm" and d["file"] == "roads.osm" and len(d["sha256"]) == 64
    assert d["speeds_kmh"]["primary"] == 70 and d["max_speed_kmh"] == 80
    json.dumps(dict(d))


def test_pbf_is_read_when_osmium_is_installed(tmp_path):
    import osmium  # a declared dependency: this test must run, never skip

    xml = write_osm(tmp_path / "roads.osm")
    data = tmp_path / "data"
    data.mkdir()
    pbf = data / "roads.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(xml)):
            writer.add(obj)
    a = build_travel(make_instance(tmp_path / "x"))
    b = build_travel(make_instance(data, file="roads.osm.pbf"))
    assert a.km == b.km and a.minutes == b.minutes


def test_unreadable_or_empty_osm_files_are_clear_errors(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "roads.osm").write_text("<osm><node id='1' lat='56' lon='10'/>", encoding="utf-8")
    with pytest.raises(BogbusError, match="not a readable OSM XML"):
        build_travel(make_instance(folder))
    (folder / "roads.osm").write_text("<osm version='0.6'></osm>", encoding="utf-8")
    with pytest.raises(BogbusError, match="no roads"):
        build_travel(make_instance(folder))


def test_near_island_is_an_error_but_a_stray_road_piece_is_not(tmp_path):
    # an island 300 m off Cby with a village road network (12 nodes), ferry-only
    nodes = dict(NODES)
    island = {100 + k: (56.0227 + 0.0003 * k, 10.040) for k in range(12)}
    nodes.update(island)
    nodes.update({200: (56.0003, 10.0003), 201: (56.0006, 10.0006)})  # yard next to Aby
    ways = [*WAYS, (120, list(island), {"highway": "residential"}),
            (121, [5, 100], {"route": "ferry"}),
            (122, [200, 201], {"highway": "service"})]
    folder = tmp_path / "data"
    folder.mkdir()
    write_osm(folder / "roads.osm", nodes, ways)
    yard = Site("Y", "stop", "Gården", 56.0006, 10.0007, every_weeks=1, duration_min=30)
    tm = build_travel(make_instance(folder, [*SITES, yard]))
    assert tm.leg("DEPOT", "Y")[0] > 0
    isl = Site("OE", "stop", "Lilleø", 56.0257, 10.0401, every_weeks=1, duration_min=30)
    with pytest.raises(BogbusError, match="OE \\(Lilleø\\)"):
        build_travel(make_instance(folder, [*SITES, isl]))


def test_site_beside_a_long_road_snaps_onto_the_road_not_a_far_node(tmp_path):
    # 100 m north of the middle of the 1.25 km primary road 1-2
    x = Site("X", "stop", "Xby", 56.0009, 10.010, every_weeks=1, duration_min=30)
    build = build_osm(make_instance(tmp_path / "data", [*SITES, x]))
    snap = build.snaps["X"]
    assert 95 < snap < 105
    mid = haversine_km(*NODES[1], 56.0, 10.010)
    km, mins = build.matrix.leg("DEPOT", "X")
    assert km == math.ceil((mid + snap / 1000) * 10) / 10
    assert mins == math.ceil((mid / 70 * 3600 + snap / (20 / 3.6)) / 60)
    # the split road still carries traffic between its ends
    assert build.matrix.leg("DEPOT", "B") == build_travel(make_instance(tmp_path / "x")).leg(
        "DEPOT", "B")
    shape = build.matrix.shapes[("DEPOT", "X")]
    assert shape[-2] == [56.0, 10.01]
