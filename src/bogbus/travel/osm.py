"""Road travel times from an OpenStreetMap extract the library supplies (`travel.model: osm`).

The drivable roads of the file become a directed networkx graph (one-way streets
and roundabouts honoured; a ferry only when every vehicle fits it, `osmferry`). A
country-size file is first cropped to the data folder's boundary (`osmcrop`). Each
site is snapped to the nearest point on a road of the main strongly connected part of
the network (see `_Router.components`); the shortest-*time* path between every
ordered pair of sites gives whole minutes (rounded up), km along the path and the
leg's shape for the map.

The straight stretch between a site and its snapped road point is driven at
`snap_speed_kmh` (default 20) and counted in km and minutes at both ends, so a leg
is never shorter than the straight line between its sites.

Matrix and shapes are cached as JSON under `<data folder>/.bogbus-cache/` (or
`travel.cache_dir`), keyed by the file's sha256, the sites, the speed settings and code.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import os
import re
import tempfile
import time
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from .._version import __version__
from ..errors import BogbusError
from ..geo import haversine_km
from ..io.boundary import BOUNDARY_FILE
from ..model import Instance, Site, TravelOptions, Vehicle
from .base import TravelMatrix
from .common import data_folder, file_sha256, option_path
from .osmcrop import cropped, refuse_uncropped
from .osmferry import ferry_minutes, fleet_key, fleet_refusal

CACHE_FORMAT = "bogbus.osm-cache/1"
DEFAULT_SPEEDS_KMH: dict[str, float] = {
    "motorway": 80, "trunk": 80, "primary": 70, "secondary": 60, "tertiary": 50,
    "unclassified": 40, "residential": 30, "living_street": 10, "service": 20, "road": 30,
}
# A separate road network this big is a place (an island), not a stray mapping fragment.
ISLAND_MIN_NODES = 10
# Never driven by the bus unless the way explicitly allows motor vehicles.
NON_MOTOR = frozenset({"footway", "cycleway", "path", "steps", "pedestrian", "track",
                       "bridleway", "corridor", "platform", "elevator", "bus_guideway",
                       "busway", "via_ferrata", "construction", "proposed", "abandoned",
                       "raceway", "escape", "services", "rest_area"})
_ALLOW = frozenset({"yes", "designated", "permissive", "destination", "delivery", "customers",
                    "official", "discouraged"})
_NAMED_MAXSPEED = {"dk:urban": 50.0, "dk:rural": 80.0, "dk:motorway": 130.0, "walk": 6.0,
                   "living_street": 15.0, "dk:living_street": 15.0}
_NUM = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(mph|km/h|kmh|kph)?\s*$")


_MEMO: dict[str, dict] = {}
# The road model's source is part of the cache key: a changed algorithm never reads old
# caches (the ferry rules are part of it; the crop has its own key).
_CODE_HASH = hashlib.sha256(b"".join(
    (Path(__file__).parent / name).read_bytes() for name in ("osm.py", "osmferry.py")
)).hexdigest()[:16]
MAX_FERRIES_LISTED = 50


class TravelWarning(UserWarning):
    """Something about the road data a planner should look at (e.g. a site far from a road)."""


@dataclass
class OsmBuild:
    """The matrix plus what `bogbus travel build` reports."""

    matrix: TravelMatrix
    snaps: dict[str, float]  # site id → metres from the site to its road node
    cache_path: Path | None
    cache_hit: bool
    seconds: float
    nodes: int = 0
    edges: int = 0
    warnings: list[str] = field(default_factory=list)


# --- settings -----------------------------------------------------------------------------

def osm_settings(options: TravelOptions) -> dict:
    """Speed, snap and crop settings as the graph and the snapping use them (they key the
    cache): the default speed table with the road classes settings.yaml overrides."""
    speeds = {**DEFAULT_SPEEDS_KMH, **options.speeds_kmh}
    return {"speeds_kmh": dict(sorted(speeds.items())), "max_speed_kmh": options.max_speed_kmh,
            "snap_warn_m": options.snap_warn_m, "snap_max_m": options.snap_max_m,
            "snap_speed_kmh": options.snap_speed_kmh,
            "crop_margin_km": options.crop_margin_km}


def parse_maxspeed(value: str | None) -> float | None:
    """km/h from an OSM maxspeed tag ("50", "30 mph", "DK:urban", "50;70"); None if unknown."""
    if not value:
        return None
    text = value.strip().lower()
    if ";" in text:
        known = [p for p in map(parse_maxspeed, text.split(";")) if p]
        return min(known) if known else None
    if text in _NAMED_MAXSPEED:
        return _NAMED_MAXSPEED[text]
    m = _NUM.match(text)
    if not m:
        return None
    kmh = float(m.group(1).replace(",", "."))
    if m.group(2) == "mph":
        kmh *= 1.609344
    return kmh if kmh > 0 else None


def classify_way(tags: Mapping[str, str], speeds: Mapping[str, float],
                 max_speed_kmh: float) -> tuple[bool, bool, float] | None:
    """(forward allowed, backward allowed, km/h) for a way the bus may drive, else None.

    Speed = min(class speed, maxspeed tag when present, max_speed_kmh).
    """
    hw = (tags.get("highway") or "").strip().lower()
    if not hw or tags.get("route") == "ferry" or "ferry" in tags:
        return None
    if tags.get("area") == "yes":
        return None
    access = None
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):
        if key in tags:
            access = (key, tags[key].strip().lower())
            break
    base = hw[:-5] if hw.endswith("_link") else hw
    if hw in NON_MOTOR or base in NON_MOTOR or (hw not in speeds and base not in speeds):
        # footway, track …: only with an explicit motor-vehicle permission
        if not (access and access[0] != "access" and access[1] in _ALLOW):
            return None
        speed = speeds.get(hw, speeds.get("service", 20.0))
    else:
        if access and access[1] not in _ALLOW:
            return None  # access=no / private / agricultural …
        speed = speeds[hw] if hw in speeds else speeds[base]  # one of them is known here
    tagged = parse_maxspeed(tags.get("maxspeed:hgv") or tags.get("maxspeed"))
    if tagged:
        speed = min(speed, tagged)
    speed = min(speed, max_speed_kmh)
    if speed <= 0:
        return None
    oneway = (tags.get("oneway") or "").strip().lower()
    if oneway in ("yes", "true", "1"):
        return True, False, speed
    if oneway in ("-1", "reverse"):
        return False, True, speed
    if oneway in ("reversible", "alternating"):
        return None  # direction changes by time of day: not plannable
    if oneway in ("no", "false", "0"):
        return True, True, speed
    if tags.get("junction") in ("roundabout", "circular") or hw == "motorway":
        return True, False, speed
    return True, True, speed


# --- reading ------------------------------------------------------------------------------

# refs, forward allowed, backward allowed, km/h; the last item is None for a road, the
# ferry's tags for a `route=ferry` way every vehicle may take (its minutes need its length)
Way = tuple[list[int], bool, bool, float, dict[str, str] | None]


def _read_xml(path: Path, keep) -> tuple[dict[int, tuple[float, float]], list[Way]]:
    """Stream the XML: node coordinates go to compact arrays (24 bytes a node) and only
    those of nodes on drivable ways are kept once the ways are known."""
    from array import array

    import numpy as np

    node_id, node_lat, node_lon = array("q"), array("d"), array("d")
    ways: list[Way] = []
    root: Any = None  # the document element, cleared as we go to keep memory flat
    try:
        for event, elem in ET.iterparse(str(path), events=("start", "end")):
            if event == "start":
                if root is None:
                    root = elem
                continue
            tag = elem.tag
            if tag == "node":
                lat, lon = elem.get("lat"), elem.get("lon")
                if lat is not None and lon is not None and elem.get("visible") != "false":
                    node_id.append(int(elem.get("id")))
                    node_lat.append(float(lat))
                    node_lon.append(float(lon))
            elif tag == "way":
                tags = {t.get("k"): t.get("v") for t in elem.iter("tag")}
                c = keep(tags) if elem.get("visible") != "false" else None
                if c:
                    refs = [int(nd.get("ref")) for nd in elem.iter("nd")]
                    ways.append((refs, *c))
            elif tag != "relation":
                continue
            root.clear()
    except ET.ParseError as exc:
        raise BogbusError(f"{path}: not a readable OSM XML file ({exc})") from None
    except ValueError as exc:
        raise BogbusError(f"{path}: a node or way has a value that is not a number "
                          f"({exc})") from None
    ids = np.frombuffer(node_id, dtype=np.int64) if len(node_id) else np.zeros(0, np.int64)
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    wanted = np.unique(np.fromiter((r for w in ways for r in w[0]), dtype=np.int64))
    pos = np.searchsorted(sorted_ids, wanted)
    pos[pos >= len(sorted_ids)] = 0
    found = (sorted_ids[pos] == wanted) if len(sorted_ids) else np.zeros(len(wanted), bool)
    lat_a, lon_a = np.frombuffer(node_lat), np.frombuffer(node_lon)
    rows = order[pos[found]]
    coords = dict(zip(wanted[found].tolist(), zip(lat_a[rows].tolist(), lon_a[rows].tolist())))
    return coords, ways


def _read_pbf(path: Path, keep) -> tuple[dict[int, tuple[float, float]], list[Way]]:
    import osmium  # a declared dependency; imported here only to keep start-up fast
    coords: dict[int, tuple[float, float]] = {}
    ways: list[Way] = []

    class Handler(osmium.SimpleHandler):
        def way(self, w):
            if "highway" not in w.tags and "route" not in w.tags:
                return
            c = keep({t.k: t.v for t in w.tags})
            if not c:
                return
            refs = []
            for n in w.nodes:
                loc = n.location
                if loc.valid():
                    coords[n.ref] = (loc.lat, loc.lon)
                    refs.append(n.ref)
            ways.append((refs, *c))

    try:
        Handler().apply_file(str(path), locations=True)
    except RuntimeError as exc:
        raise BogbusError(f"{path}: not a readable OSM PBF file ({exc})") from None
    return coords, ways


def _direction(tags: Mapping[str, str]) -> tuple[bool, bool]:
    oneway = (tags.get("oneway") or "").strip().lower()
    if oneway in ("yes", "true", "1"):
        return True, False
    if oneway in ("-1", "reverse"):
        return False, True
    return True, True


def read_roads(path: Path, settings: dict, vehicles: Sequence[Vehicle] = (),
               refused: dict[str, str] | None = None,
               ) -> tuple[nx.DiGraph, dict[int, tuple[float, float]]]:
    """The drivable directed graph; edges carry `t` (seconds) and `m` (metres).

    `route=ferry` ways join the graph only when every one of `vehicles` may take them
    (`osmferry`); `g.graph["ferry_edges"]` maps their edges to the ferry's name, and
    `refused` (when given) collects the other ferries' names with the reason."""
    speeds, cap = settings["speeds_kmh"], settings["max_speed_kmh"]

    def keep(tags):
        if tags.get("route") == "ferry":
            why = fleet_refusal(tags, vehicles) if vehicles else "no vehicles"
            if why is None:
                return (*_direction(tags), 0.0, tags)
            if refused is not None:
                refused.setdefault(tags.get("name") or "(unnamed ferry)", why)
            return None
        c = classify_way(tags, speeds, cap) if "highway" in tags else None
        return (*c, None) if c else None

    name = path.name.lower()
    if name.endswith(".pbf"):
        coords, ways = _read_pbf(path, keep)
    elif name.endswith((".osm", ".xml")):
        coords, ways = _read_xml(path, keep)
    else:
        raise BogbusError(f"{path}: travel.file must be an OpenStreetMap .osm (XML) or "
                          ".osm.pbf file")
    g = nx.DiGraph()
    ferry_edges: dict[tuple[int, int], str] = {}
    for refs, fwd, bwd, kmh, ferry in ways:
        legs = [(u, v, haversine_km(*coords[u], *coords[v]) * 1000.0)
                for u, v in zip(refs, refs[1:])
                if u != v and u in coords and v in coords]
        if ferry is None:
            v_ms = kmh / 3.6
            times = [m / v_ms for _, _, m in legs]
        else:  # the crossing's minutes shared out along the way by length
            total = sum(m for _, _, m in legs)
            seconds = ferry_minutes(ferry, total / 1000.0) * 60.0
            times = [seconds * (m / total if total > 0 else 1 / len(legs)) for _, _, m in legs]
        for (u, v, m), t in zip(legs, times):
            for a, b, ok in ((u, v, fwd), (v, u, bwd)):
                if ok and (not g.has_edge(a, b) or g[a][b]["t"] > t):
                    g.add_edge(a, b, t=t, m=m)
                    if ferry is None:
                        ferry_edges.pop((a, b), None)
                    else:
                        ferry_edges[(a, b)] = ferry.get("name") or "(unnamed ferry)"
    g.graph["ferry_edges"] = ferry_edges
    used = {n: coords[n] for n in g}
    return g, used


# --- snapping and paths -------------------------------------------------------------------

def _nearest(ids: list[int], la, lo, site: Site) -> tuple[int, float]:
    """(node, metres) nearest to the site (equirectangular search, haversine distance);
    `la`, `lo` are numpy arrays of the nodes' coordinates."""
    import numpy as np

    k = math.cos(math.radians(site.lat))
    d2 = (la - site.lat) ** 2 + ((lo - site.lon) * k) ** 2
    i = int(np.argmin(d2))
    return ids[i], haversine_km(site.lat, site.lon, float(la[i]), float(lo[i])) * 1000.0


def _dijkstra(succ, src: int, targets: set[int]) -> tuple[dict[int, float], dict[int, int]]:
    dist = {src: 0.0}
    pred: dict[int, int] = {}
    done: set[int] = set()
    remaining = set(targets) - {src}
    heap = [(0.0, src)]
    while heap and remaining:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        remaining.discard(u)
        for v, a in succ[u].items():
            nd = d + a["t"]
            if nd < dist.get(v, math.inf):
                dist[v] = nd
                pred[v] = u
                heapq.heappush(heap, (nd, v))
    return {t: dist[t] for t in targets if t in done or t == src}, pred


class _Router:
    """Shortest-time paths on the road graph: scipy's C Dijkstra when installed, else a
    plain heap Dijkstra over the networkx graph (same answers, slower)."""

    def __init__(self, g: nx.DiGraph):
        self.g = g
        self.nodes = list(g)
        self.index = {n: i for i, n in enumerate(self.nodes)}
        try:
            from scipy.sparse import csr_matrix
        except ImportError:  # pragma: no cover - scipy is a dependency
            self.csr = None
            return
        rows, cols, data = [], [], []
        for u, v, t in g.edges(data="t"):
            rows.append(self.index[u])
            cols.append(self.index[v])
            data.append(max(t, 1e-9))  # an explicit 0 would read as "no edge"
        n = len(self.nodes)
        self.csr = csr_matrix((data, (rows, cols)), shape=(n, n))

    def components(self, prefer: list[int]
                   ) -> tuple[set[int], dict[int, int], dict[int, int]]:
        """(nodes of the main strongly connected part, weak component of each node, size
        of each weak component). The main part is the one nearest to most sites (`prefer`:
        their nearest road nodes), the largest among equals — so neither a big island nor
        a stray piece of road becomes the network the bus drives on."""
        if self.csr is None:  # pragma: no cover
            weak = {n: i for i, c in enumerate(nx.weakly_connected_components(self.g))
                    for n in c}
            weak_sizes: dict[int, int] = {}
            for label in weak.values():
                weak_sizes[label] = weak_sizes.get(label, 0) + 1
            strong = list(nx.strongly_connected_components(self.g))
            main = max(strong, key=lambda c: (sum(n in c for n in prefer), len(c)))
            return main, weak, weak_sizes
        import numpy as np
        from scipy.sparse.csgraph import connected_components

        _, labels = connected_components(self.csr, directed=True, connection="strong")
        sizes = np.bincount(labels)
        votes: dict[int, int] = {}
        for n in prefer:
            votes[int(labels[self.index[n]])] = votes.get(int(labels[self.index[n]]), 0) + 1
        pick = max(range(len(sizes)), key=lambda c: (votes.get(c, 0), sizes[c], -c))
        main = {self.nodes[i] for i in np.flatnonzero(labels == pick)}
        _, wlabels = connected_components(self.csr, directed=True, connection="weak")
        counts = np.bincount(wlabels)
        weak = dict(zip(self.nodes, wlabels.tolist()))
        return main, weak, dict(enumerate(counts.tolist()))

    def from_source(self, src: int, targets: set[int]):
        """(seconds to each reachable target, path(target) → node list)."""
        if self.csr is None:  # pragma: no cover
            dist, pred = _dijkstra(self.g.succ, src, targets)

            def path(dst: int) -> list[int]:
                out = [dst]
                while out[-1] != src:
                    out.append(pred[out[-1]])
                return out[::-1]
            return dist, path
        from scipy.sparse.csgraph import dijkstra

        d, p = dijkstra(self.csr, directed=True, indices=self.index[src],
                        return_predecessors=True)
        dist = {t: float(d[self.index[t]]) for t in targets if math.isfinite(d[self.index[t]])}
        si = self.index[src]

        def path_csr(dst: int) -> list[int]:
            out = [self.index[dst]]
            while out[-1] != si:
                out.append(int(p[out[-1]]))
            return [self.nodes[i] for i in reversed(out)]
        return dist, path_csr


def _snap_onto_roads(g: nx.DiGraph, coords: dict[int, tuple[float, float]], main: set[int],
                     sites: list[Site], snap_node: dict[str, int],
                     snap_m: dict[str, float]) -> None:
    """Move each site's snap from the nearest main-network node to the nearest point on a
    main-network road segment, splitting that segment there (new negative node ids)."""
    import numpy as np

    ferry = g.graph.get("ferry_edges", {})
    pairs = sorted({(min(u, v), max(u, v)) for u, v in g.edges()
                    if u in main and v in main and (u, v) not in ferry})
    if not pairs:
        return
    a_lat = np.fromiter((coords[a][0] for a, _ in pairs), float, len(pairs))
    a_lon = np.fromiter((coords[a][1] for a, _ in pairs), float, len(pairs))
    b_lat = np.fromiter((coords[b][0] for _, b in pairs), float, len(pairs))
    b_lon = np.fromiter((coords[b][1] for _, b in pairs), float, len(pairs))
    splits: dict[tuple[int, int], list[tuple[float, str]]] = {}
    for s in sites:
        kx = math.cos(math.radians(s.lat)) * 111_320.0
        ky = 110_574.0
        ax, ay = (a_lon - s.lon) * kx, (a_lat - s.lat) * ky
        bx, by = (b_lon - s.lon) * kx, (b_lat - s.lat) * ky
        dx, dy = bx - ax, by - ay
        len2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            f = np.where(len2 > 0, -(ax * dx + ay * dy) / len2, 0.0)
        f = np.clip(f, 0.0, 1.0)
        px, py = ax + f * dx, ay + f * dy
        i = int(np.argmin(px * px + py * py))
        fi = float(f[i])
        lat = float(a_lat[i] + fi * (b_lat[i] - a_lat[i]))
        lon = float(a_lon[i] + fi * (b_lon[i] - a_lon[i]))
        d = haversine_km(s.lat, s.lon, lat, lon) * 1000.0
        if d >= snap_m[s.id]:
            continue  # the node is as close (e.g. the site is at a junction)
        a, b = pairs[i]
        if fi <= 1e-6:
            snap_node[s.id], snap_m[s.id] = a, haversine_km(s.lat, s.lon, *coords[a]) * 1000.0
        elif fi >= 1 - 1e-6:
            snap_node[s.id], snap_m[s.id] = b, haversine_km(s.lat, s.lon, *coords[b]) * 1000.0
        else:
            splits.setdefault((a, b), []).append((fi, s.id))
            snap_m[s.id] = d
    next_id = min(0, min(g.nodes, default=0)) - 1
    for (a, b), cuts in splits.items():
        chain = [(0.0, a)]
        for fi, sid in sorted(cuts):
            if fi - chain[-1][0] <= 1e-9:  # two sites at the same point share the node
                snap_node[sid] = chain[-1][1]
                continue
            node, next_id = next_id, next_id - 1
            coords[node] = (coords[a][0] + fi * (coords[b][0] - coords[a][0]),
                            coords[a][1] + fi * (coords[b][1] - coords[a][1]))
            chain.append((fi, node))
            snap_node[sid] = node
        chain.append((1.0, b))
        for seq in (chain, [(1.0 - f, n) for f, n in reversed(chain)]):
            u, v = seq[0][1], seq[-1][1]
            if not g.has_edge(u, v):
                continue
            t, m = g[u][v]["t"], g[u][v]["m"]
            g.remove_edge(u, v)
            for (f1, n1), (f2, n2) in zip(seq, seq[1:]):
                g.add_edge(n1, n2, t=t * (f2 - f1), m=m * (f2 - f1))


def _label(s: Site) -> str:
    return f"{s.id} ({s.name})" if s.name else s.id


def compute_matrix(g: nx.DiGraph, coords: dict[int, tuple[float, float]], sites: list[Site],
                   settings: dict, file_label: str) -> tuple[dict, list[str]]:
    """Matrix, shapes and snaps as plain JSON-able data, plus warning texts."""
    if g.number_of_nodes() == 0:
        raise BogbusError(f"{file_label}: the file holds no roads the bus may drive "
                          "(no highway=* ways of a drivable class)")
    import numpy as np

    ferry = g.graph.get("ferry_edges", {})
    if ferry:  # a site is joined to a road, never to a ferry's track over the water
        on_road = {n for e in g.edges() if e not in ferry for n in e}
        all_ids = [n for n in coords if n in on_road]
    else:
        all_ids = list(coords)
    all_lat = np.fromiter((coords[n][0] for n in all_ids), float, len(all_ids))
    all_lon = np.fromiter((coords[n][1] for n in all_ids), float, len(all_ids))
    prefer = [_nearest(all_ids, all_lat, all_lon, s)[0] for s in sites]
    router = _Router(g)
    main, weak, weak_size = router.components(prefer)
    main_weak = weak[next(iter(main))]
    main_ids = [n for n in all_ids if n in main]
    main_lat = np.fromiter((coords[n][0] for n in main_ids), float, len(main_ids))
    main_lon = np.fromiter((coords[n][1] for n in main_ids), float, len(main_ids))

    warn_m, max_m = settings["snap_warn_m"], settings["snap_max_m"]
    snap_node: dict[str, int] = {}
    snap_m: dict[str, float] = {}
    cut_off: list[str] = []
    too_far: list[str] = []
    msgs: list[str] = []
    for s in sites:
        n0, d0 = _nearest(all_ids, all_lat, all_lon, s)
        n1, d1 = _nearest(main_ids, main_lat, main_lon, s)
        separate = n0 not in main and weak[n0] != main_weak  # not joined even one-way
        if not separate or (weak_size[weak[n0]] < ISLAND_MIN_NODES and d1 <= warn_m):
            # on the main network, behind a one-way slip, or on a tiny stray road piece
            snap_node[s.id], snap_m[s.id] = n1, d1
        else:  # its own road network, e.g. an island reached only by ferry
            cut_off.append(f"{_label(s)}: nearest road is {d0:.0f} m away but not connected "
                           f"to the main road network ({d1:.0f} m away)")
    if snap_node:
        _snap_onto_roads(g, coords, main, [s for s in sites if s.id in snap_node],
                         snap_node, snap_m)
        router = _Router(g)
    for s in sites:
        if s.id not in snap_node:
            continue
        d = snap_m[s.id]
        if d > max_m:
            del snap_node[s.id]
            too_far.append(f"{_label(s)}: {d:.0f} m from the nearest road")
            continue
        if d > warn_m:
            msgs.append(f"site {_label(s)} is {d:.0f} m from the nearest drivable road in "
                        f"{file_label} (more than snap_warn_m {warn_m:g} m): check its "
                        "coordinates or the extract")
    if cut_off or too_far:
        lines = []
        if cut_off:
            lines.append("these sites cannot be reached by road from the rest of the network "
                         "(and by no ferry every vehicle may take):\n  " + "\n  ".join(cut_off))
        if too_far:
            lines.append(f"these sites are more than snap_max_m {max_m:g} m from any road in "
                         "the file (is the extract clipped too small?):\n  "
                         + "\n  ".join(too_far))
        raise BogbusError(f"{file_label}: " + "\n".join(lines)
                          + "\nRemove or move these sites, give the vehicles length_m/weight_t "
                          "or a ferries list in settings.yaml if a ferry takes them, or use "
                          "travel model 'matrix' with times that include the ferry.")

    snap_v = settings["snap_speed_kmh"] / 3.6
    ids = [s.id for s in sites]
    n = len(sites)
    km = [[0.0] * n for _ in range(n)]
    minutes = [[0] * n for _ in range(n)]
    shapes: list[list] = []
    unreachable: list[str] = []
    targets = set(snap_node.values())
    crossed: set[str] = set()  # ferries some fastest leg takes
    for i, a in enumerate(sites):
        src = snap_node[a.id]
        dist, route = router.from_source(src, targets)
        for j, b in enumerate(sites):
            if i == j:
                continue
            dst = snap_node[b.id]
            if dst not in dist:
                unreachable.append(f"{a.id} → {b.id}")
                continue
            path = route(dst)
            metres = sum(g[u][v]["m"] for u, v in zip(path, path[1:]))
            if ferry:
                crossed.update(ferry[e] for e in zip(path, path[1:]) if e in ferry)
            metres += snap_m[a.id] + snap_m[b.id]
            seconds = dist[dst] + (snap_m[a.id] + snap_m[b.id]) / snap_v
            km[i][j] = math.ceil(metres / 100.0 - 1e-9) / 10.0  # up to 0.1 km: never shorter
            minutes[i][j] = math.ceil(seconds / 60.0 - 1e-9)
            pts = [[round(a.lat, 6), round(a.lon, 6)]]
            for node in path:
                p = [round(coords[node][0], 6), round(coords[node][1], 6)]
                if p != pts[-1]:
                    pts.append(p)
            end = [round(b.lat, 6), round(b.lon, 6)]
            if end != pts[-1]:
                pts.append(end)
            if len(pts) == 1:
                pts.append(end)
            shapes.append([a.id, b.id, pts])
    if unreachable:
        raise BogbusError(f"{file_label}: no road route for these legs: "
                          + ", ".join(unreachable[:20])
                          + (f" (and {len(unreachable) - 20} more)" if len(unreachable) > 20
                             else ""))
    values = list(snap_m.values())
    return {
        "ids": ids, "km": km, "minutes": minutes, "shapes": shapes,
        "snap_m": {k: round(v, 1) for k, v in snap_m.items()},
        "graph": {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                  "main_nodes": len(main)},
        "ferries_used": sorted(crossed),
        "snap_summary": {"max_m": round(max(values), 1) if values else 0.0,
                         "mean_m": round(sum(values) / len(values), 1) if values else 0.0},
    }, msgs


# --- cache --------------------------------------------------------------------------------

def cache_key(file_hash: str, sites: Iterable[Site], settings: dict) -> str:
    material = json.dumps({"format": CACHE_FORMAT, "version": __version__, "code": _CODE_HASH,
                           "file": file_hash,
                           "sites": [[s.id, s.lat, s.lon] for s in sites],
                           "settings": settings}, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _read_cache(path: Path, key: str) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or data.get("format") != CACHE_FORMAT:
        return None
    return data


def _write_cache(path: Path, data: dict) -> str | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, separators=(",", ":")))
        os.replace(tmp, path)
    except OSError as exc:
        return f"could not write the travel cache {path} ({exc.strerror}); continuing without"
    return None


# --- entry points -------------------------------------------------------------------------

def build_osm(instance: Instance) -> OsmBuild:
    """Build (or read from the cache) the osm travel matrix of an instance.

    With a `boundary.geojson` in the data folder the file is first cropped to it plus
    `crop_margin_km` (`osmcrop`, cached too), so a whole country's extract works."""
    started = time.perf_counter()
    options = instance.settings.travel.options
    path = option_path(instance, "file")
    if not path.is_file():
        raise BogbusError(f"settings.yaml: travel.file {options.file!r} does not exist "
                          f"(looked for {path})")
    settings = osm_settings(options)
    sites = list(instance.sites)
    vehicles = instance.settings.vehicles
    folder = data_folder(instance)
    boundary = folder / BOUNDARY_FILE
    has_boundary = boundary.is_file()
    file_hash = file_sha256(path)
    material = {**settings, "fleet": fleet_key(vehicles),
                "crop": [file_sha256(boundary), options.crop_margin_km] if has_boundary
                else None}
    key = cache_key(file_hash, sites, material)
    cache_dir = option_path(instance, "cache_dir", required=False) or folder / ".bogbus-cache"
    cache_path = cache_dir / f"osm-{key[:24]}.json"
    data = _MEMO.get(f"{cache_path}|{key}") or _read_cache(cache_path, key)
    hit = data is not None
    msgs: list[str] = []
    if data is None:
        roads, crop_summary = path, None
        if has_boundary:
            crop = cropped(path, file_hash, boundary, BOUNDARY_FILE, options.crop_margin_km,
                           cache_dir)
            roads, crop_summary = crop.path, crop.summary()
            msgs += [crop.note] if crop.note else []
        else:
            refuse_uncropped(path, options.file, folder)
        refused: dict[str, str] = {}
        g, coords = read_roads(roads, settings, vehicles, refused)
        data, found = compute_matrix(g, coords, sites, settings, options.file)
        msgs += found
        data.update({"format": CACHE_FORMAT, "key": key, "crop": crop_summary,
                     "ferries_not_used": dict(sorted(refused.items())[:MAX_FERRIES_LISTED])})
        problem = _write_cache(cache_path, data)
        data["warnings"] = msgs + ([problem] if problem else [])
        msgs = data["warnings"]
    else:
        msgs = list(data.get("warnings", []))
    _MEMO.clear()  # the last matrix only: plan and its check in one process build it once
    _MEMO[f"{cache_path}|{key}"] = data
    for m in msgs:
        warnings.warn(m, TravelWarning, stacklevel=2)
    description = {"model": "osm", "file": options.file, "sha256": file_hash,
                   **settings, "snap": data["snap_summary"], "graph": data["graph"],
                   "crop": data.get("crop"), "ferries_used": data.get("ferries_used", []),
                   "ferries_not_used": data.get("ferries_not_used", {}),
                   "cache_key": key}
    matrix = TravelMatrix(
        ids=tuple(data["ids"]),
        km=tuple(tuple(float(x) for x in row) for row in data["km"]),
        minutes=tuple(tuple(int(x) for x in row) for row in data["minutes"]),
        description=description,
        shapes={(a, b): [list(p) for p in pts] for a, b, pts in data["shapes"]},
    )
    return OsmBuild(matrix, dict(data["snap_m"]), cache_path, hit,
                    time.perf_counter() - started, data["graph"]["nodes"],
                    data["graph"]["edges"], msgs)


def osm_matrix(instance: Instance) -> TravelMatrix:
    return build_osm(instance).matrix
