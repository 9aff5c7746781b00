"""Crop a country-size OpenStreetMap file to the kommune, so a planner can use the file
they download (Geofabrik's Denmark extract, ~450 MB) without installing another tool.

The data folder's `boundary.geojson` grown by `travel.crop_margin_km` (roads that leave
the kommune for a few km and come back must exist) is the area kept. One streaming pass
over the file: libosmium (through pyosmium) decodes it and keeps every node's location
in its compact C++ index (16 bytes a node: ~0.8 GB for 50 million nodes); only ways
tagged `highway=*` or `route=ferry` reach Python, and only those with a node inside the
area's bounding box are held, as flat arrays. A vectorised point-in-polygon test then
keeps the ways with a node inside the area (whole: a road that leaves the area keeps
its far end, so it is not cut mid-way), and the result is written as a small
`.osm.pbf` — tags intact, so speed settings can change without cropping again.

The crop is cached in the travel cache folder under a key made of the input file's
sha256 (hashing 450 MB takes under a second), the boundary file's sha256, the margin
and this module's code; only the newest crop is kept.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import time
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BogbusError, InputError
from ..io.boundary import BOUNDARY_FILE, read_boundary
from .common import file_sha256

CROP_FORMAT = "bogbus.osm-crop/1"
# A file this big without a boundary to crop it to is a country or region, not a kommune:
# reading all its roads into the graph would take many GB.
UNCROPPED_MAX_BYTES = 100 * 1024 * 1024
_CODE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON_EQUATOR = 111.320


@dataclass(frozen=True)
class Crop:
    """The cropped file and what `travel build` and the plan's travel_model report."""

    path: Path
    hit: bool
    seconds: float
    margin_km: float
    boundary_sha256: str
    ways_kept: int
    nodes_kept: int
    note: str | None = None  # e.g. the cache folder was not writable

    def summary(self) -> dict[str, Any]:
        return {"boundary": BOUNDARY_FILE, "boundary_sha256": self.boundary_sha256,
                "margin_km": self.margin_km, "ways": self.ways_kept, "nodes": self.nodes_kept}


def margin_area(area: Any, margin_km: float) -> Any:
    """The boundary (lon/lat) grown by `margin_km`, buffered in a local km frame."""
    from shapely import affinity

    lat0 = area.centroid.y
    kx = _KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    ky = _KM_PER_DEG_LAT
    local = affinity.scale(area, xfact=kx, yfact=ky, origin=(0, 0))
    if margin_km > 0:
        # a 100 m simplification first: the margin dwarfs it and buffering gets fast
        local = local.simplify(min(0.1, margin_km / 10)).buffer(margin_km, quad_segs=8)
    return affinity.scale(local, xfact=1 / kx, yfact=1 / ky, origin=(0, 0))


def crop_file(src: Path, area: Any, out: Path) -> tuple[int, int]:
    """Write the `highway` / `route=ferry` ways of `src` with a node inside `area` (and
    their nodes) to `out`; (ways kept, nodes kept)."""
    import numpy as np
    import osmium
    import shapely
    from osmium.osm.mutable import Node, Way

    minx, miny, maxx, maxy = area.bounds
    x0, x1 = math.floor(minx * 1e7), math.ceil(maxx * 1e7)
    y0, y1 = math.floor(miny * 1e7), math.ceil(maxy * 1e7)
    refs, xs, ys = array("q"), array("i"), array("i")
    starts: list[int] = []
    way_ids: list[int] = []
    way_tags: list[dict[str, str]] = []
    # libosmium knows the format by the suffix; `.xml` (allowed in settings) is OSM XML
    source = osmium.io.File(str(src), "osm") if src.name.lower().endswith(".xml") else str(src)
    processor = (osmium.FileProcessor(source)
                 .with_locations("flex_mem")
                 .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
                 .with_filter(osmium.filter.KeyFilter("highway", "route")))
    try:
        for obj in processor:
            w: Any = obj  # only ways pass the EntityFilter
            tags = w.tags
            if "highway" not in tags and tags.get("route") != "ferry":
                continue
            for n in w.nodes:  # undefined locations read as 2**31-1: never inside
                if x0 <= n.x <= x1 and y0 <= n.y <= y1:
                    break
            else:
                continue
            starts.append(len(refs))
            for n in w.nodes:
                if n.location.valid():
                    refs.append(n.ref)
                    xs.append(n.x)
                    ys.append(n.y)
            way_ids.append(w.id)
            way_tags.append({t.k: t.v for t in tags})
    except RuntimeError as exc:
        raise BogbusError(f"{src}: not a readable OpenStreetMap file ({exc}) — download it "
                          "again (Geofabrik: denmark-latest.osm.pbf)") from None
    if not way_ids:
        return 0, 0
    ref_a = np.frombuffer(refs, dtype=np.int64)
    x_a = np.frombuffer(xs, dtype=np.int32)
    y_a = np.frombuffer(ys, dtype=np.int32)
    shapely.prepare(area)
    inside = shapely.contains_xy(area, x_a / 1e7, y_a / 1e7)
    start_a = np.asarray(starts, dtype=np.int64)
    keep = np.logical_or.reduceat(inside, start_a)
    lengths = np.diff(np.append(start_a, len(ref_a)))
    node_mask = np.repeat(keep, lengths)
    ids, first = np.unique(ref_a[node_mask], return_index=True)
    kx, ky = x_a[node_mask][first], y_a[node_mask][first]
    tmp = out.with_name(f"tmp-{os.getpid()}-{out.name}")
    try:
        with osmium.SimpleWriter(str(tmp), overwrite=True) as writer:
            for nid, x, y in zip(ids.tolist(), kx.tolist(), ky.tolist()):
                writer.add_node(Node(id=nid, location=(x / 1e7, y / 1e7)))
            order = sorted(range(len(way_ids)), key=way_ids.__getitem__)
            for i in order:
                if keep[i]:
                    end = starts[i + 1] if i + 1 < len(starts) else len(ref_a)
                    writer.add_way(Way(id=way_ids[i], nodes=ref_a[starts[i]:end].tolist(),
                                       tags=way_tags[i]))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return int(keep.sum()), len(ids)


def crop_key(src_sha256: str, boundary_sha256: str, margin_km: float) -> str:
    material = json.dumps({"format": CROP_FORMAT, "code": _CODE_HASH, "file": src_sha256,
                           "boundary": boundary_sha256, "margin_km": margin_km},
                          sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def cropped(src: Path, src_sha256: str, boundary: Path, shown_boundary: str,
            margin_km: float, cache_dir: Path) -> Crop:
    """The crop of `src` to `boundary` + margin: from the cache, else made and cached (in
    the system temp folder when the cache folder cannot be written)."""
    started = time.perf_counter()
    parts, problems = read_boundary(boundary, shown_boundary)
    area = parts.union() if parts is not None else None
    if area is None:
        raise InputError(problems)
    b_hash = file_sha256(boundary)
    key = crop_key(src_sha256, b_hash, margin_km)
    name = f"crop-{key[:24]}.osm.pbf"
    note = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".probe-")
        probe.close()
        out = cache_dir / name
    except OSError as exc:
        out = Path(tempfile.gettempdir()) / f"bogbus-{name}"
        note = (f"could not write the travel cache {cache_dir} ({exc.strerror}); the crop "
                f"of {src.name} is kept in {out} instead")
    meta = out.with_name(out.name + ".json")
    if out.is_file() and meta.is_file():
        try:
            stats = json.loads(meta.read_text(encoding="utf-8"))
            return Crop(out, True, time.perf_counter() - started, margin_km, b_hash,
                        int(stats["ways"]), int(stats["nodes"]), note)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged record: crop again
    grown = margin_area(area, margin_km)
    ways, nodes = crop_file(src, grown, out)
    if ways == 0:
        out.unlink(missing_ok=True)
        w, s, e, n = (round(v, 2) for v in area.bounds)
        raise BogbusError(f"{src}: no roads within {shown_boundary} + {margin_km:g} km "
                          f"(lon {w}–{e}, lat {s}–{n}): is it the extract of the right "
                          "country, and the boundary the kommune's?")
    meta.write_text(json.dumps({"ways": ways, "nodes": nodes, "source_sha256": src_sha256}),
                    encoding="utf-8")
    if note is None:  # one data folder, one boundary: older crops are dead weight
        for old in cache_dir.glob("crop-*.osm.pbf*"):
            if not old.name.startswith(name):
                old.unlink(missing_ok=True)
    return Crop(out, False, time.perf_counter() - started, margin_km, b_hash, ways, nodes,
                note)


def refuse_uncropped(src: Path, shown: str, folder: Path) -> None:
    """A whole country without a boundary to crop it to: say so before trying to load it."""
    size = src.stat().st_size
    if size <= UNCROPPED_MAX_BYTES:
        return
    raise BogbusError(
        f"settings.yaml: travel.file {shown!r} is {size / 1e6:.0f} MB — a whole country or "
        f"region — and {folder / BOUNDARY_FILE} does not exist, so bogbus cannot crop it "
        f"to your kommune. Add {BOUNDARY_FILE} (the kommune polygon in WGS84 GeoJSON; "
        "bogbus then keeps the roads within it plus travel.crop_margin_km), or give an "
        f"extract of at most {UNCROPPED_MAX_BYTES // (1024 * 1024)} MB (docs/travel.md)")
