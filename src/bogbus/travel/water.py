"""Straight lines round the water: the great-circle model with barriers and crossings.

`travel: {model: greatcircle, water: water.geojson}` (format in travel/waterfile.py and
docs/travel.md). A leg is the shortest way through a visibility graph whose nodes are the
sites, the ferry (and bank-to-bank bridge) ends and the convex corners of the water: each
barrier line is widened to a strip `STRIP_M` wide (so its corners are points along both
banks and round its inland ends), a bridge on a line cuts a gap of `GAP_M` into the
strip, and polygons (lakes) are taken as they are. Each straight part counts
great-circle km × circuity at the model's speed; a ferry counts its own km × circuity and
max(crossing minutes, that drive) + the average wait. A leg no water blocks is exactly
the plain great-circle leg.

One matrix serves the whole fleet (the solver takes one): a ferry is used only if every
vehicle may use it — by its explicit `ferries` list, else by size (a ferry whose limits are
not `confirmed` only by an explicit list), sailing through every shift (`hours`) and on
every day of the planned period (`season`: the solver takes one matrix for the whole
period, so a seasonal ferry is used only when its season covers the period's first to
last day; without a period only all-year ferries). So no leg is ever shorter than what
the bus that drives it can drive.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from ..calendar import Period
from ..errors import InputError, Problem
from ..geo import EARTH_RADIUS_KM, haversine_km
from ..model import Instance, Site, Vehicle
from .base import TravelMatrix
from .common import file_sha256, option_path
from .waterfile import Crossing, WaterFile, read_water

STRIP_M = 20.0  # a barrier line is a strip this wide: its corners lie 10 m off the line
GAP_M = 40.0  # the gap a bridge cuts into a barrier strip (diameter)
BRIDGE_SNAP_M = 500.0  # a bridge point farther than this from every barrier line is unused
ON_LINE_M = STRIP_M / 2  # a site this close to a barrier line is in the water
_CODE_HASH = hashlib.sha256(
    Path(__file__).read_bytes() + (Path(__file__).parent / "waterfile.py").read_bytes()
).hexdigest()[:16]
_MEMO: dict[str, WaterBuild] = {}
_FILES: dict[str, WaterFile] = {}


@dataclass(frozen=True)
class WaterBuild:
    """The matrix plus what `bogbus travel check` reports."""

    matrix: TravelMatrix
    water: WaterFile
    used: tuple[str, ...]  # crossings the fleet may use
    unused: tuple[tuple[str, str], ...]  # (crossing, why not)
    bridge_offsets_m: dict[str, float]  # bridge (point) → metres to its barrier line
    blocked: frozenset[tuple[str, str]]  # site pairs whose straight line crosses water
    warnings: tuple[Problem, ...]


class _Plane:
    """Local equirectangular metres around the data's centre: exact enough to decide which
    side of a river a point lies on (distances themselves are great-circle)."""

    def __init__(self, lat0: float, lon0: float):
        self.lat0, self.lon0 = lat0, lon0
        self.kx = math.radians(1) * EARTH_RADIUS_KM * 1000 * math.cos(math.radians(lat0))
        self.ky = math.radians(1) * EARTH_RADIUS_KM * 1000

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        return self.lon0 + x / self.kx, self.lat0 + y / self.ky


def _shift_ok(v: Vehicle, c: Crossing) -> bool:
    if c.hours is None:
        return True
    return all(c.hours[0] <= w.start and w.end <= c.hours[1] for w in v.shifts.values()
               if w is not None)


def all_year(c: Crossing) -> bool:
    """A ferry without a season, or with one from 01-01 to 12-31."""
    if c.season is None:
        return True
    (m1, d1), (m2, d2) = c.season
    return (m1, d1) == (1, 1) and (m2, d2) == (12, 31)


def _season_day(c: Crossing, day: date) -> bool:
    assert c.season is not None
    first, last = c.season
    md = (day.month, day.day)
    if first <= last:
        return first <= md <= last
    return md >= first or md <= last  # wraps the new year, e.g. 11-01 to 03-31


def in_season(c: Crossing, period: Period | None) -> bool:
    """The ferry sails on every day of the period (one matrix serves the whole period);
    without a period only an all-year ferry counts."""
    if all_year(c):
        return True
    if period is None:
        return False
    return all(_season_day(c, d) for d in period.days())


def seasonal_flags(water: WaterFile, period: Period | None) -> dict[str, bool]:
    """Each seasonal ferry → in season for the period: all that the period changes in the
    matrix (the memo key and plan.json's `travel_model.in_season`)."""
    return {c.name: in_season(c, period) for c in sorted(water.crossings, key=lambda c: c.name)
            if c.mode == "ferry" and not all_year(c)}


def _season_text(c: Crossing) -> str:
    assert c.season is not None
    (m1, d1), (m2, d2) = c.season
    return f"{m1:02d}-{d1:02d} to {m2:02d}-{d2:02d}"


def ferry_use(c: Crossing, v: Vehicle, period: Period | None = None) -> str:
    """Why vehicle `v` may not use ferry `c` ('' when it may)."""
    listed = v.ferries is not None and c.name.casefold() in {f.casefold() for f in v.ferries}
    if v.ferries is not None and not listed:
        return f"{v.name} does not list it in ferries"
    if v.ferries is None and not c.confirmed:
        return f"its limits are not confirmed and {v.name} does not list it in ferries"
    for value, limit, what in ((v.length_m, c.max_length_m, "length_m"),
                               (v.weight_t, c.max_weight_t, "weight_t")):
        if limit is not None and (value is None or value > limit):
            return (f"{v.name} has no {what}" if value is None
                    else f"{v.name} ({what} {value:g}) exceeds its limit {limit:g}")
    if not _shift_ok(v, c):
        return f"its hours do not cover every shift of {v.name}"
    if not in_season(c, period):
        if period is None:
            return "it does not sail all year (no planned period given)"
        return (f"its season {_season_text(c)} does not cover all of {period.quarter} "
                f"({period.start}–{period.end})")
    return ""


def _vehicle_problems(water: WaterFile, vehicles: Sequence[Vehicle], label: str
                      ) -> list[Problem]:
    """An explicit ferry list that names no ferry, or a ferry the vehicle cannot be checked
    against: an error, because a planner who listed it expects it to be used."""
    ferries = {c.name.casefold(): c for c in water.crossings if c.mode == "ferry"}
    out = []
    for v in vehicles:
        for name in v.ferries or ():
            c = ferries.get(name.casefold())
            where = f"settings.yaml: vehicle {v.name}, ferries"
            if c is None:
                out.append(Problem(where, f"'{name}' is not a ferry in {label}",
                                   "use a ferry name from the water file: "
                                   + (", ".join(sorted(x.name for x in ferries.values()))
                                      or "(it has none)")))
                continue
            for value, limit, what in ((v.length_m, c.max_length_m, "length_m"),
                                       (v.weight_t, c.max_weight_t, "weight_t")):
                if limit is not None and value is None:
                    out.append(Problem(where, f"ferry '{c.name}' (feature {c.index}) takes at "
                                       f"most {what} {limit:g}, but {v.name} has no {what}",
                                       f"give the vehicle its {what} in settings.yaml"))
                elif limit is not None and value is not None and value > limit:
                    out.append(Problem(where, f"ferry '{c.name}' (feature {c.index}) takes at "
                                       f"most {what} {limit:g}, {v.name} has {value:g}",
                                       "remove the ferry from the vehicle's list"))
    return out


@dataclass
class _Geometry:
    plane: _Plane
    lines: BaseGeometry  # all barrier lines (metres)
    water: BaseGeometry  # what a straight part may not cross into
    core: BaseGeometry  # water shrunk a little: touching a corner is allowed
    corners: list[Corner]
    # gap bridge → (x, y, metres off the nearest line, x, y of its point on that line)
    bridges: dict[str, tuple[float, float, float, float, float]]


Corner = tuple[tuple[float, float], tuple[float, float], tuple[float, float]]


def _convex_corners(geom: BaseGeometry) -> list[Corner]:
    """(corner, previous, next vertex) of each convex corner: only there can a shortest
    way bend round the water."""
    polys = list(geom.geoms) if isinstance(geom, MultiPolygon) else (
        [geom] if isinstance(geom, Polygon) else [])
    out = []
    for poly in polys:
        poly = shapely.geometry.polygon.orient(poly, 1.0)  # exterior CCW, holes CW
        for ring in (poly.exterior, *poly.interiors):
            pts = list(ring.coords)[:-1]
            n = len(pts)
            for k in range(n):
                (ax, ay), (bx, by), (cx, cy) = pts[k - 1], pts[k], pts[(k + 1) % n]
                if (bx - ax) * (cy - by) - (by - ay) * (cx - bx) > 1e-9:
                    out.append(((bx, by), (ax, ay), (cx, cy)))
    return out


def _geometry(water: WaterFile, plane: _Plane) -> _Geometry:
    lines, polys = [], []
    for b in water.barriers:
        lines += [LineString([plane.xy(*p) for p in ln]) for ln in b.lines]
        for rings in b.polygons:
            poly = Polygon([plane.xy(*p) for p in rings[0]],
                           [[plane.xy(*p) for p in h] for h in rings[1:]])
            polys.append(poly if poly.is_valid else shapely.make_valid(poly))
    all_lines = unary_union(lines) if lines else shapely.GeometryCollection()
    strip = (all_lines.buffer(STRIP_M / 2, quad_segs=1, join_style="mitre", mitre_limit=2.0)
             if lines else shapely.GeometryCollection())
    bridges: dict[str, tuple[float, float, float, float, float]] = {}
    for c in water.crossings:
        if c.mode == "bridge" and len(c.ends) == 1 and lines:
            p = Point(plane.xy(*c.ends[0]))
            off = all_lines.distance(p)
            on = all_lines.interpolate(all_lines.project(p))
            bridges[c.name] = (p.x, p.y, off, on.x, on.y)
            if off <= BRIDGE_SNAP_M:
                strip = strip.difference(on.buffer(GAP_M / 2, quad_segs=4))
    water_geom = unary_union([strip, *polys])
    water_geom = water_geom.simplify(0.5) if not water_geom.is_empty else water_geom
    core = water_geom.buffer(-0.5, quad_segs=1)
    shapely.prepare(core)
    return _Geometry(plane, all_lines, water_geom, core, _convex_corners(water_geom), bridges)


def _crossing_sides_problems(water: WaterFile, g: _Geometry) -> list[Problem]:
    out = []
    for c in water.crossings:
        where = f"feature {c.index} ({c.name})"
        if len(c.ends) == 2:
            a, b = (g.plane.xy(*p) for p in c.ends)
            for p in (a, b):
                if g.core.contains(Point(p)):
                    out.append(Problem(water.label, f"{where}: a {c.mode} end lies in the water",
                                       "move the landing onto the shore"))
            if not g.core.intersects(LineString([a, b])):
                out.append(Problem(water.label, f"{where}: both ends of the {c.mode} lie on "
                                   "the same side of the water", "draw it from one bank to "
                                   "the other across a barrier line or polygon"))
    return out


def site_problems(sites: Sequence[Site], water: WaterFile, g: _Geometry) -> list[Problem]:
    """A site in a water polygon or on a barrier line (error); near a line (warning)."""
    out = []
    for s in sites:
        p = Point(g.plane.xy(s.lon, s.lat))
        off = g.lines.distance(p) if not g.lines.is_empty else math.inf
        if g.core.contains(p) or off <= ON_LINE_M:
            out.append(Problem("sites.csv", f"site {s.id} ({s.name}) lies in the water of "
                               f"{water.label}", "check its lat/lon (it must be on land) or "
                               "the barrier drawn there"))
        elif off <= 100:
            out.append(Problem("sites.csv", f"site {s.id} ({s.name}) is {off:.0f} m from a "
                               f"barrier line in {water.label}", "check on a map which side "
                               "of the water it is on", severity="warning"))
    return out


def _straight_min(km: float, speed_kmh: float) -> float:
    return km / speed_kmh * 60


def _tangent(xy: np.ndarray, nbr: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Pairs whose line touches each corner end from outside (both neighbours of the
    corner on one side): a shortest way never uses any other part (reduced visibility
    graph), so the costly water test runs on far fewer parts."""
    keep = np.ones(len(pairs), dtype=bool)
    for end, other in ((0, 1), (1, 0)):
        v = xy[pairs[:, end]]
        d = xy[pairs[:, other]] - v
        p = nbr[pairs[:, end], 0] - v
        q = nbr[pairs[:, end], 1] - v
        s1 = d[:, 0] * p[:, 1] - d[:, 1] * p[:, 0]
        s2 = d[:, 0] * q[:, 1] - d[:, 1] * q[:, 0]
        keep &= s1 * s2 >= -1e-6
    return keep


def _visible(g: _Geometry, pts: list[tuple[float, float]], pairs: np.ndarray) -> np.ndarray:
    if len(pairs) == 0:
        return np.zeros(0, dtype=bool)
    # every node lies outside the core, so a part enters the water iff it crosses the
    # core's boundary: an R-tree of the boundary's edges tests only nearby edges
    xy = np.asarray(pts)
    coords = np.stack([xy[pairs[:, 0]], xy[pairs[:, 1]]], axis=1)
    segs = shapely.linestrings(coords)
    edges = []
    for ring in shapely.get_parts(shapely.boundary(g.core)):
        c = shapely.get_coordinates(ring)
        edges.append(np.stack([c[:-1], c[1:]], axis=1))
    if not edges:
        return np.ones(len(pairs), dtype=bool)
    tree = shapely.STRtree(shapely.linestrings(np.concatenate(edges)))
    hit = tree.query(segs, predicate="intersects")
    out = np.ones(len(pairs), dtype=bool)
    out[np.unique(hit[0])] = False
    return out


def _key(instance: Instance, path: Path) -> str:
    st = instance.settings
    h = hashlib.sha256()
    h.update(file_sha256(path).encode())
    h.update(repr((st.travel.circuity, st.travel.speed_kmh, _CODE_HASH)).encode())
    for s in instance.sites:
        h.update(repr((s.id, s.lat, s.lon)).encode())
    for v in st.vehicles:
        h.update(repr((v.name, v.length_m, v.weight_t, v.ferries,
                       sorted((k, w.start, w.end) for k, w in v.shifts.items()
                              if w is not None))).encode())
    return h.hexdigest()


def build_water(instance: Instance, period: Period | None = None) -> WaterBuild:
    """The barrier-aware matrix for the instance in the planned period (memoised by file
    hash, sites, fleet and which seasonal ferries are in season — not the dates, so
    quarters that differ in nothing share one build)."""
    path = option_path(instance, "water")
    label = instance.settings.travel.options.water
    key = _key(instance, path) if path.is_file() else ""
    water = _FILES.get(key) or read_water(path, label)
    if key:
        _FILES[key] = water
        key += repr(sorted(seasonal_flags(water, period).items()))
        if key in _MEMO:
            return _MEMO[key]
    built = compute(instance.sites, water, instance.settings.vehicles,
                    instance.settings.travel.circuity, instance.settings.travel.speed_kmh,
                    {"file": label, "sha256": file_sha256(path)},
                    depot=instance.settings.depot, period=period)
    if key:
        _MEMO[key] = built
    return built


def water_matrix(instance: Instance, period: Period | None = None) -> TravelMatrix:
    return build_water(instance, period).matrix


def compute(sites: Sequence[Site], water: WaterFile, vehicles: Sequence[Vehicle],
            circuity: float, speed_kmh: float, source: dict[str, str],
            depot: str | None = None, period: Period | None = None) -> WaterBuild:
    """The matrix of shortest ways round the water; `InputError` for a file that cannot
    give one (a site in the water, a ferry on one bank, a site no crossing reaches)."""
    sites = list(sites)
    if not sites:
        raise InputError([Problem(water.label, "there are no sites", "")])
    lats = [s.lat for s in sites] + [p[1] for c in water.crossings for p in c.ends]
    lons = [s.lon for s in sites] + [p[0] for c in water.crossings for p in c.ends]
    plane = _Plane((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    g = _geometry(water, plane)
    problems = _crossing_sides_problems(water, g) + _vehicle_problems(water, vehicles,
                                                                      water.label)
    site_issues = site_problems(sites, water, g)
    problems += [p for p in site_issues if p.severity == "error"]
    if problems:
        raise InputError(problems)
    warnings = [p for p in site_issues if p.severity == "warning"]
    unused: list[tuple[str, str]] = []
    used: list[str] = []
    for name, (_, _, off, _, _) in sorted(g.bridges.items()):
        if off > BRIDGE_SNAP_M:
            unused.append((name, f"it is {off:.0f} m from every barrier line"))
            warnings.append(Problem(water.label, f"bridge '{name}' is {off:.0f} m from every "
                                    "barrier line and is not used",
                                    "move it onto the river it crosses", severity="warning"))
        else:
            used.append(name)
            if off > 50:
                warnings.append(Problem(water.label, f"bridge '{name}' is {off:.0f} m from the "
                                        "nearest barrier line (taken as on it)",
                                        "check its position", severity="warning"))
    edges: list[Crossing] = []  # two-ended crossings usable by the whole fleet
    for c in water.crossings:
        if len(c.ends) != 2:
            continue
        why = "" if c.mode == "bridge" else next(
            (w for w in (ferry_use(c, v, period) for v in vehicles) if w), "")
        if why:
            unused.append((c.name, why))
        else:
            used.append(c.name)
            edges.append(c)

    # nodes: sites, crossing ends, convex corners of the water
    ll: list[tuple[float, float]] = [(s.lon, s.lat) for s in sites]
    ends_at: list[tuple[int, int, Crossing]] = []
    for c in edges:
        ends_at.append((len(ll), len(ll) + 1, c))
        ll += list(c.ends)
    xy = [plane.xy(*p) for p in ll]
    seen = set(map(tuple, np.round(np.asarray(xy), 3).tolist()))
    nbr = [(p, p) for p in xy]  # a site or crossing end: every direction is a tangent
    for (x, y), prev, nxt in sorted(set(g.corners)):
        if (round(x, 3), round(y, 3)) not in seen:
            seen.add((round(x, 3), round(y, 3)))
            xy.append((x, y))
            ll.append(plane.lonlat(x, y))
            nbr.append((prev, nxt))
    n, n_sites = len(xy), len(sites)
    iu = np.stack(np.triu_indices(n, 1), axis=1).astype(np.int64)
    iu = iu[_tangent(np.asarray(xy), np.asarray(nbr), iu)]
    vis = _visible(g, xy, iu)
    rows, cols, wmin, wkm = [], [], [], []
    for (i, j) in iu[vis].tolist():
        km = haversine_km(ll[i][1], ll[i][0], ll[j][1], ll[j][0]) * circuity
        rows.append(i)
        cols.append(j)
        wkm.append(km)
        wmin.append(_straight_min(km, speed_kmh))
    for i, j, c in ends_at:
        km = haversine_km(ll[i][1], ll[i][0], ll[j][1], ll[j][0]) * circuity
        rows.append(i)
        cols.append(j)
        wkm.append(km)
        wmin.append(max(c.crossing_min, _straight_min(km, speed_kmh)) + c.wait_min + 1e-6)
    graph = csr_matrix((np.array(wmin) + 1e-12, (rows, cols)), shape=(n, n))
    dist, pred = dijkstra(graph, directed=False, indices=list(range(n_sites)),
                          return_predecessors=True)
    edge_km = {}
    ferry_edge = {}
    for r, c_, k in zip(rows, cols, wkm):
        edge_km[(r, c_)] = edge_km[(c_, r)] = k
    for i, j, c in ends_at:
        ferry_edge[(i, j)] = ferry_edge[(j, i)] = c
    home = next((k for k, s in enumerate(sites) if s.id == depot), 0)
    depot_reach = np.isfinite(dist[home])
    stranded = [sites[k] for k in range(n_sites) if not depot_reach[k]]
    if stranded:
        more = f" and {len(stranded) - 10} more" if len(stranded) > 10 else ""
        raise InputError([Problem(water.label, "no crossing the fleet may use joins "
                                  f"{', '.join(f'{s.id} ({s.name})' for s in stranded[:10])}"
                                  f"{more} to {sites[home].id}", "add the bridge or ferry the "
                                  "bus takes, or list the ferry in the vehicle's ferries")])
    ids = tuple(s.id for s in sites)
    km_rows: list[tuple[float, ...]] = []
    min_rows: list[tuple[int, ...]] = []
    shapes: dict[tuple[str, str], list[list[float]]] = {}
    via: dict[tuple[str, str], tuple[str, ...]] = {}
    blocked: set[tuple[str, str]] = set()
    direct = {(i, j) for (i, j) in iu[vis].tolist() if j < n_sites}
    on_part: dict[tuple[int, int], list[str]] = {}
    for a in range(n_sites):
        km_row, min_row = [], []
        for b in range(n_sites):
            if a == b:
                km_row.append(0.0)
                min_row.append(0)
                continue
            path = [b]
            while path[-1] != a:
                path.append(int(pred[a][path[-1]]))
            path.reverse()
            drive, extra, names = 0.0, 0.0, []
            for u, w in zip(path, path[1:]):
                if (u, w) not in on_part:
                    on_part[(u, w)] = _bridges_on(g, ll[u], ll[w])
                k = edge_km[(u, w)]
                drive += k
                fe = ferry_edge.get((u, w))
                if fe is not None:
                    extra += max(0.0, fe.crossing_min - _straight_min(k, speed_kmh)) + fe.wait_min
                    names.append(fe.name)
                else:
                    names += on_part[(u, w)]
            km = round(drive + 1e-9, 1)
            km_row.append(km)
            min_row.append(math.ceil(_straight_min(km, speed_kmh) + extra - 1e-9))
            if (min(a, b), max(a, b)) not in direct:
                blocked.add((ids[a], ids[b]))
                shapes[(ids[a], ids[b])] = [[round(ll[k][1], 6), round(ll[k][0], 6)]
                                            for k in path]
                if names:
                    via[(ids[a], ids[b])] = tuple(dict.fromkeys(names))
        km_rows.append(tuple(km_row))
        min_rows.append(tuple(min_row))
    description = {"model": "greatcircle", "circuity": circuity, "speed_kmh": speed_kmh,
                   "water": source.get("file", water.label),
                   "water_sha256": source.get("sha256", ""),
                   "crossings": {c.name: c.mode for c in sorted(water.crossings,
                                                                  key=lambda c: c.name)
                                 if c.name in used}}
    flags = seasonal_flags(water, period)
    if flags:  # only then: plans on data without seasonal ferries stay as they were
        description["in_season"] = flags
    tm = TravelMatrix(ids=ids, km=tuple(km_rows), minutes=tuple(min_rows),
                      description=description, shapes=shapes, via=via)
    return WaterBuild(tm, water, tuple(sorted(used)), tuple(sorted(unused)),
                      {k: v[2] for k, v in g.bridges.items()}, frozenset(blocked),
                      tuple(warnings))


def _bridges_on(g: _Geometry, a: tuple[float, float], b: tuple[float, float]) -> list[str]:
    """The gap bridges a straight part passes through (it crosses a line inside a gap)."""
    if not g.bridges or g.lines.is_empty:
        return []
    seg = LineString([g.plane.xy(*a), g.plane.xy(*b)])
    hit = seg.intersection(g.lines)
    if hit.is_empty:
        return []
    points = [hit] if isinstance(hit, Point) else [p for p in getattr(hit, "geoms", [])
                                                    if isinstance(p, Point)]
    out = []
    for p in points:
        for name, (_, _, off, sx, sy) in sorted(g.bridges.items()):
            if off <= BRIDGE_SNAP_M and math.hypot(p.x - sx, p.y - sy) <= GAP_M / 2 + 1:
                out.append(name)
    return out
