"""Write a synthetic OpenStreetMap extract of Denmark's size, with Randers in it.

    .venv/bin/python bench/gen_osm_extract.py --out /tmp/dk-synth.osm.pbf \
        --data /tmp/dk-synth-data              # --scale 1 (default): 288 MB
    /usr/bin/time -v .venv/bin/bogbus travel build /tmp/dk-synth-data

It measures what `travel.model: osm` costs when a planner points it at the file they
download from Geofabrik (denmark-latest.osm.pbf, ~450 MB): crop to the kommune, build
the road graph, the matrix. The file is made to be read like the real one, not to look
like Denmark:

* a road lattice over Denmark's bounding box (lon 8.07–12.69, lat 54.55–57.76), a
  junction every 300 m each way, joined by ways of 8 nodes (6 jittered inner nodes) of
  a class mix where ~75 % is drivable (residential, unclassified, tertiary … service)
  and the rest track/footway/cycleway/path — 1.86 M road ways, 12 M road nodes;
* buildings (closed ways of 4 nodes, half with an address), address points (tagged
  nodes), and land-use polygons of 50 nodes, scattered over the same box;
* two car ferries on Randers Fjord (Udbyhøj and Mellerup–Voer, with size limits);
* node and way ids spread over Denmark's id range (gaps), so libosmium's location
  index is as sparse as with real ids.

At --scale 1 that is 58 M nodes and 6.4 M ways in 288 MB (Geofabrik's Denmark: ~450 MB;
at OSM's typical 8–9 bytes a node some 50–55 M nodes, an estimate: the counts match,
the lattice compresses better than real data). Writing it took 25 min under heavy
load (312 s of CPU). A smaller --scale shrinks the box
around Randers (never below Randers + 15 km, so the kommune is always whole) and the
filler with it. The data folder (--data) gets the repository's data/randers sites,
boundary and settings with `travel: {model: osm, file: <the extract>}`. The same
arguments give the same file.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import time
from pathlib import Path

DENMARK = (8.07, 54.55, 12.69, 57.76)  # lon/lat bounding box
RANDERS = (9.74, 56.33, 10.43, 56.72)  # the kommune's bounding box (data/randers)
SPACING_KM = 0.3
INNER = 6  # inner nodes of a road way
NODE_STEP = 211  # id gaps: 50 M nodes over ~10^10 ids, as in a real extract
WAY_STEP = 97
CLASSES = (("residential", 30), ("unclassified", 15), ("tertiary", 8), ("secondary", 5),
           ("primary", 3), ("service", 14), ("track", 12), ("footway", 6), ("cycleway", 4),
           ("path", 3))
FULL = {"buildings": 4_000_000, "addresses": 2_600_000, "landuse": 550_000}
LANDUSE_NODES = 50
FERRIES = (  # (lon, lat) landings and tags, as a planner might find them mapped
    ((10.2953, 56.6087), (10.3047, 56.6146),
     {"route": "ferry", "name": "Udbyhøj Færgen", "motor_vehicle": "yes", "maxlength": "12",
      "duration": "00:05"}),
    ((10.1477, 56.5243), (10.1501, 56.5295),
     {"route": "ferry", "name": "Mellerup-Voer Færgen", "motor_vehicle": "yes",
      "maxlength": "6", "maxweight": "3.5", "duration": "PT4M"}),
)


def lattice_box(scale: float) -> tuple[float, float, float, float]:
    """Denmark's box shrunk by sqrt(scale) around Randers, but at least Randers + 15 km."""
    cx, cy = (RANDERS[0] + RANDERS[2]) / 2, (RANDERS[1] + RANDERS[3]) / 2
    f = math.sqrt(max(scale, 0.0))
    w = (DENMARK[2] - DENMARK[0]) * f / 2
    h = (DENMARK[3] - DENMARK[1]) * f / 2
    mx, my = 15 / (111.32 * math.cos(math.radians(cy))), 15 / 110.574
    x0 = max(DENMARK[0], min(cx - w, RANDERS[0] - mx))
    x1 = min(DENMARK[2], max(cx + w, RANDERS[2] + mx))
    y0 = max(DENMARK[1], min(cy - h, RANDERS[1] - my))
    y1 = min(DENMARK[3], max(cy + h, RANDERS[3] + my))
    return x0, y0, x1, y1


class Plan:
    """Counts and id ranges of everything the file holds (nodes first, then ways)."""

    def __init__(self, scale: float, box: tuple[float, float, float, float] | None = None):
        self.box = box or lattice_box(scale)
        x0, y0, x1, y1 = self.box
        lat0 = (y0 + y1) / 2
        self.dlon = SPACING_KM / (111.32 * math.cos(math.radians(lat0)))
        self.dlat = SPACING_KM / 110.574
        self.cols = int((x1 - x0) / self.dlon) + 1
        self.rows = int((y1 - y0) / self.dlat) + 1
        self.junctions = self.rows * self.cols
        self.road_ways = 2 * self.junctions  # east and north from every junction
        self.buildings = int(FULL["buildings"] * scale)
        self.addresses = int(FULL["addresses"] * scale)
        self.landuse = int(FULL["landuse"] * scale)
        self.nodes = (self.junctions + self.road_ways * INNER + self.buildings * 4
                      + self.addresses + self.landuse * LANDUSE_NODES + 2 * len(FERRIES))
        self.ways = self.road_ways + self.buildings + self.landuse + len(FERRIES)


def node_id(i: int) -> int:
    return 1 + i * NODE_STEP


def way_id(i: int) -> int:
    return 1 + i * WAY_STEP


def _esc(text: str) -> str:
    """OPL escaping: anything but ASCII letters, digits and a few signs as %hex%."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.:") else
                   f"%{ord(ch):x}%" for ch in text)


def _tags(tags: dict[str, str]) -> str:
    return ",".join(f"{_esc(k)}={_esc(v)}" for k, v in tags.items())


_STAMPS = [f"t20{10 + k % 15:02d}-{1 + k * 5 % 12:02d}-{1 + k * 11 % 28:02d}T{k * 17 % 24:02d}:"
           f"{k * 7 % 60:02d}:{k * 13 % 60:02d}Z" for k in range(10007)]


def _meta(i: int) -> str:
    """Version, changeset and timestamp, scattered as in a real file (Geofabrik's public
    extracts carry them; no user names)."""
    return f"v{1 + i % 7} c{i * 2654435761 % 150_000_000} {_STAMPS[i * 7919 % 10007]}"


class _Out:
    """OPL lines in big writes; counts what went out."""

    def __init__(self, f):
        self.f, self.nodes, self.ways = f, 0, 0

    def nodes_at(self, lon, lat, tags: list[str] | None = None) -> None:
        first = self.nodes
        lines = [f"n{node_id(first + k)} {_meta(first + k)}"
                 f"{' T' + tags[k] if tags else ''} x{x:.7f} y{y:.7f}"
                 for k, (x, y) in enumerate(zip(lon.tolist(), lat.tolist()))]
        self.f.write("\n".join(lines) + "\n")
        self.nodes += len(lines)

    def way(self, refs: list[int], tags: dict[str, str]) -> None:
        w = self.ways
        self.f.write(f"w{way_id(w)} {_meta(w)} T{_tags(tags)} N"
                     + ",".join(f"n{node_id(r)}" for r in refs) + "\n")
        self.ways += 1


def _write_nodes(out: _Out, p: Plan, rng) -> None:
    """Every node in id order: junctions, road inner nodes, buildings, addresses,
    land use, ferry landings."""
    import numpy as np

    x0, y0, x1, y1 = p.box
    cols = np.arange(p.cols)
    for r in range(p.rows):
        out.nodes_at(x0 + cols * p.dlon, np.full(p.cols, y0 + r * p.dlat))
    f = np.arange(1, INNER + 1) / (INNER + 1)
    for r in range(p.rows):  # per junction: the east way's inner nodes, then the north's
        lon = (x0 + cols * p.dlon)[:, None]
        lat = y0 + r * p.dlat
        jit = rng.uniform(-0.1, 0.1, size=(p.cols, 2, INNER))
        east_lon, east_lat = lon + f * p.dlon, lat + jit[:, 0] * p.dlat
        north_lon, north_lat = lon + jit[:, 1] * p.dlon, lat + f * p.dlat + 0 * lon
        both_lon = np.stack([east_lon, north_lon], axis=1).reshape(-1)
        both_lat = np.stack([east_lat, north_lat], axis=1).reshape(-1)
        out.nodes_at(both_lon, both_lat)
    chunk = 200_000
    corner = np.array([[0, 0], [1, 0], [1, 1], [0, 1]]) * 0.0001
    for b in range(0, p.buildings, chunk):
        n = min(chunk, p.buildings - b)
        base = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
        pts = (base[:, None, :] + corner[None]).reshape(-1, 2)
        out.nodes_at(pts[:, 0], pts[:, 1])
    for a in range(0, p.addresses, chunk):
        n = min(chunk, p.addresses - a)
        tags = [_tags({"addr:street": f"Syntetisk Vej {k % 997}",
                       "addr:housenumber": str(k % 211 + 1),
                       "addr:postcode": str(8000 + k % 900), "addr:city": "Syntetisk By"})
                for k in range(a, a + n)]
        out.nodes_at(rng.uniform(x0, x1, n), rng.uniform(y0, y1, n), tags)
    ang = 2 * np.pi * np.arange(LANDUSE_NODES) / LANDUSE_NODES
    ring = np.column_stack([0.004 * np.cos(ang), 0.0025 * np.sin(ang)])
    for k in range(0, p.landuse, chunk // LANDUSE_NODES):
        n = min(chunk // LANDUSE_NODES, p.landuse - k)
        base = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
        pts = (base[:, None, :] + ring[None]).reshape(-1, 2)
        out.nodes_at(pts[:, 0], pts[:, 1])
    ends = np.array([[*a, *b] for a, b, _ in FERRIES]).reshape(-1, 2)
    out.nodes_at(ends[:, 0], ends[:, 1])


def _write_ways(out: _Out, p: Plan, rng) -> None:
    """Every way in id order: the road lattice, buildings, land use, the ferries."""
    weights = [n for _, n in CLASSES]
    names = [c for c, _ in CLASSES]
    inner0 = p.junctions
    for r in range(p.rows):
        picks = rng.choice(len(names), size=2 * p.cols, p=[w / sum(weights) for w in weights])
        named = rng.random(2 * p.cols) < 0.3
        for c in range(p.cols):
            j = r * p.cols + c
            ends = (j + 1 if c + 1 < p.cols else None, j + p.cols if r + 1 < p.rows else None)
            for d, end in enumerate(ends):
                first = inner0 + (2 * j + d) * INNER
                tags = {"highway": names[picks[2 * c + d]]}
                if named[2 * c + d]:
                    tags["name"] = f"Vej {(2 * j + d) % 9973}"
                refs = [j, *range(first, first + INNER)]
                out.way(refs if end is None else [*refs, end], tags)  # None: the box's edge
    b0 = inner0 + p.road_ways * INNER
    for b in range(p.buildings):
        n = b0 + 4 * b
        tags = {"building": "yes"}
        if b % 2:
            tags.update({"addr:street": f"Syntetisk Vej {b % 997}", "addr:housenumber": "1"})
        out.way([n, n + 1, n + 2, n + 3, n], tags)
    l0 = b0 + 4 * p.buildings + p.addresses
    for k in range(p.landuse):
        n = l0 + LANDUSE_NODES * k
        out.way([*range(n, n + LANDUSE_NODES), n], {"landuse": "farmland"})
    f0 = l0 + LANDUSE_NODES * p.landuse
    for k, (_, _, tags) in enumerate(FERRIES):
        out.way([f0 + 2 * k, f0 + 2 * k + 1], dict(tags))


def write_extract(out: Path, scale: float, seed: int, progress: bool = False,
                  box: tuple[float, float, float, float] | None = None) -> Plan:
    """Write the extract (deterministic for scale and seed); the counts written. `box`
    replaces the lattice's area (a tiny one for the unit test).

    Python writes OPL text (fast string work); libosmium turns it into PBF in C++."""
    import numpy as np
    import osmium

    p = Plan(scale, box)
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    opl = out.with_name(out.name + ".opl")
    rng = np.random.Generator(np.random.PCG64(seed))
    try:
        with open(opl, "w", encoding="utf-8", buffering=1 << 24) as f:
            o = _Out(f)
            _write_nodes(o, p, rng)
            assert o.nodes == p.nodes, (o.nodes, p.nodes)
            if progress:
                print(f"  {o.nodes:,} nodes as OPL ({time.perf_counter() - started:.0f} s)",
                      file=sys.stderr)
            _write_ways(o, p, rng)
            assert o.ways == p.ways, (o.ways, p.ways)
        if progress:
            print(f"  {o.ways:,} ways as OPL ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr)
        out.unlink(missing_ok=True)
        osmium.apply(str(opl), osmium.WriteHandler(str(out)))
    finally:
        opl.unlink(missing_ok=True)
    return p


def write_data_folder(folder: Path, extract: Path, randers: Path) -> None:
    """Randers' sites and boundary with the osm travel model on the extract."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sites.csv", "boundary.geojson"):
        shutil.copyfile(randers / name, folder / name)
    settings = yaml.safe_load((randers / "settings.yaml").read_text(encoding="utf-8"))
    settings["travel"] = {"model": "osm", "file": str(extract.resolve())}
    (folder / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True,
                                                         sort_keys=False), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True, help="the .osm.pbf to write")
    ap.add_argument("--scale", type=float, default=1.0, help="1 = Denmark's size (default)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", type=Path, help="also write a data folder using the extract")
    a = ap.parse_args()
    if not a.out.name.endswith(".osm.pbf"):
        ap.error("--out must end in .osm.pbf")
    if not 0 < a.scale <= 4:
        ap.error("--scale must be more than 0 and at most 4")
    started = time.perf_counter()
    p = write_extract(a.out, a.scale, a.seed, progress=True)
    print(f"wrote {a.out}: {a.out.stat().st_size / 1e6:.0f} MB, {p.nodes:,} nodes, "
          f"{p.ways:,} ways ({p.road_ways:,} road ways on a {p.rows}×{p.cols} lattice) in "
          f"{time.perf_counter() - started:.0f} s")
    if a.data:
        write_data_folder(a.data, a.out, Path(__file__).resolve().parents[1] / "data" / "randers")
        print(f"wrote the data folder {a.data}")


if __name__ == "__main__":
    main()
