"""bench/gen_osm_extract.py at a tiny size: what it writes is what it counts, roads are
joined at the junctions, the same seed gives the same file, and bogbus crops it."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import osmium

from bogbus.travel.osmcrop import crop_file

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "gen_osm_extract.py"
BOX = (10.00, 56.40, 10.03, 56.42)  # ~1.9 × 2.2 km: a 7 × 9 lattice


def generator():
    spec = importlib.util.spec_from_file_location("gen_osm_extract", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tiny_extract_counts_and_determinism(tmp_path):
    gen = generator()
    a = gen.write_extract(tmp_path / "a.osm.pbf", 1e-5, seed=3, box=BOX)
    gen.write_extract(tmp_path / "b.osm.pbf", 1e-5, seed=3, box=BOX)
    gen.write_extract(tmp_path / "c.osm.pbf", 1e-5, seed=4, box=BOX)
    nodes, ways, roads, refs = 0, 0, 0, set()
    ids = []
    for o in osmium.FileProcessor(str(tmp_path / "a.osm.pbf")):
        if o.is_node():
            nodes += 1
            ids.append(o.id)
            assert 55 < o.location.lat < 57 and 9.9 < o.location.lon < 12.7
        elif o.is_way():
            ways += 1
            if "highway" in o.tags:
                roads += 1
                refs.update(n.ref for n in o.nodes)
    assert (nodes, ways, roads) == (a.nodes, a.ways, a.road_ways)
    assert a.road_ways == 2 * a.rows * a.cols and a.buildings == 40
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert set(ids) >= refs
    digest = [hashlib.sha256((tmp_path / f"{n}.osm.pbf").read_bytes()).hexdigest()
              for n in "abc"]
    assert digest[0] == digest[1] != digest[2]


def test_a_crop_of_the_extract_keeps_the_lattice_inside(tmp_path):
    from shapely.geometry import box

    gen = generator()
    p = gen.write_extract(tmp_path / "a.osm.pbf", 1e-5, seed=0, box=BOX)
    ways, nodes = crop_file(tmp_path / "a.osm.pbf", box(10.0, 56.40, 10.012, 56.42),
                            tmp_path / "crop.osm.pbf")
    assert 0 < ways < p.road_ways and nodes > ways
