"""`boundary.geojson` in a data folder: the area the sites should lie in.

A site outside the municipality is almost always a typo (a digit off, lat and lon
swapped, a village of the same name elsewhere in Denmark) that the 150 km distance
check cannot see. The boundary is optional; when a data folder has one, every site
outside it is a *warning* (planning goes on: a library may serve a neighbour
village), while a boundary file that is not a polygon is an *error*, because a
check against a broken file would silently pass everything.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..geo import haversine_km
from ..model import Site
from .files import MAX_DATA_BYTES, InputFileError, read_input

BOUNDARY_FILE = "boundary.geojson"
_WGS84_NAMES = ("EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                "urn:ogc:def:crs:EPSG::4326", "CRS84")
_FIX_POLYGON = ("save the municipality (or service area) as a Polygon or MultiPolygon layer "
                "in GeoJSON, WGS84 lon/lat (QGIS: Export → Save Features As → GeoJSON, "
                "CRS EPSG:4326)")


def declared_crs(doc: dict[str, Any]) -> str | None:
    """The legacy GeoJSON `crs` member's name, if any (RFC 7946 files have none)."""
    crs = doc.get("crs")
    if not isinstance(crs, dict):
        return None
    props = crs.get("properties")
    name = props.get("name") if isinstance(props, dict) else None
    return str(name) if name is not None else str(crs)


# Bounds far above a real municipality (Randers: 1 polygon, ~700 vertices; a detailed
# DAGI outline with every island: some hundred parts, ~100,000 vertices), low enough that
# checking sites against it takes well under a second. Above them: a message, not minutes.
MAX_PARTS = 5_000          # polygons (islands; holes not counted) in the whole file
MAX_VERTICES = 250_000     # coordinate pairs in the whole file


class Area:
    """The boundary's polygons, indexed once: a site is inside when any part covers it.

    Overlapping parts are not unioned (30,000 overlapping squares took 137 s and 7.7 GB
    to union); an STR tree finds the few parts near a point instead."""

    def __init__(self, parts: list[Any]):
        from shapely import STRtree, prepare

        for part in parts:
            prepare(part)
        self.parts = parts
        self.tree = STRtree(parts)
        self.edges = STRtree([part.boundary for part in parts])

    def union(self) -> Any:
        """All parts as one geometry, for the OSM crop (bounded by the part and vertex
        limits above; only the `osm` travel model asks for it)."""
        from shapely import union_all

        return union_all(self.parts)

    def covers(self, lon: float, lat: float) -> bool:
        from shapely import covers
        from shapely.geometry import Point

        point = Point(lon, lat)  # the tree finds the parts whose box holds the point,
        return any(covers(self.parts[i], point) for i in self.tree.query(point))  # prepared

    def nearest_edge(self, lon: float, lat: float) -> tuple[float, float]:
        """(lon, lat) of the nearest point on any part's outline."""
        from shapely.geometry import Point
        from shapely.ops import nearest_points

        point = Point(lon, lat)
        edge = self.edges.geometries[self.edges.nearest(point)]
        near = nearest_points(edge, point)[0]
        return near.x, near.y


def _geometries(doc: Any) -> list[tuple[int, Any]]:
    """(feature number, geometry object) of a FeatureCollection, a Feature or a geometry."""
    if not isinstance(doc, dict):
        return []
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        return [(n, f.get("geometry") if isinstance(f, dict) else None)
                for n, f in enumerate(features if isinstance(features, list) else [], 1)]
    if kind == "Feature":
        return [(1, doc.get("geometry"))]
    return [(1, doc)]


def _ring_problem(ring: Any) -> str | None:
    """What is wrong with one GeoJSON linear ring, else None (checked before shapely sees
    it: NaN, inf or a string among the coordinates made GEOS raise)."""
    if not isinstance(ring, list) or len(ring) < 4:
        return "has a ring of fewer than 4 positions"
    for pos in ring:
        if not (isinstance(pos, list) and 2 <= len(pos) <= 3 and all(
                isinstance(c, (int, float)) and not isinstance(c, bool) for c in pos)):
            return f"has a position that is not [lon, lat] ({str(pos)[:40]})"
        if not all(math.isfinite(c) for c in pos):
            return f"has a coordinate that is not a finite number ({pos})"
        if not (-180 <= pos[0] <= 180 and -90 <= pos[1] <= 90):
            return (f"has the position ({pos[0]:.0f}, {pos[1]:.0f}): its coordinates are "
                    "not lon/lat degrees (projected, e.g. UTM 32N?)")
    return None


def _polygons(g: dict[str, Any]) -> list[Any] | str:
    """The rings of a Polygon / each polygon of a MultiPolygon, or what is wrong."""
    coords = g.get("coordinates")
    polys = [coords] if g.get("type") == "Polygon" else coords
    if not isinstance(polys, list) or not all(isinstance(p, list) for p in polys):
        return "has no coordinates list"
    if not polys or any(not p for p in polys):
        return "is empty"
    return polys


def _too_big(label: str) -> Problem:
    return Problem(label, f"the boundary has more than {MAX_PARTS:,} polygons or "
                   f"{MAX_VERTICES:,} vertices, far more than a municipality needs",
                   "dissolve the polygons into one and simplify it (QGIS: Vector → "
                   "Geoprocessing → Dissolve, then Simplify with a tolerance of ~10 m)")


def _valid_parts(rings_of: list[tuple[int, list[Any]]], label: str
                 ) -> tuple[list[Any], list[Problem]]:
    """Shapely polygons; a self-intersecting one is named in one warning and used as it
    is (GEOS locates points in it fine; repairing it with make_valid took 9 GB on a
    450,000-vertex spiral, so it is not repaired)."""
    from shapely import is_valid_reason
    from shapely.geometry import Polygon

    parts: list[Any] = []
    warned: list[Problem] = []
    for n, rings in rings_of:
        poly = Polygon(rings[0], rings[1:])
        if not warned and not poly.is_valid:
            warned.append(Problem(label, f"feature {n}'s polygon is not valid "
                                  f"({is_valid_reason(poly)}), so which side of it is inside "
                                  "may be wrong", "fix the geometry in QGIS (Vector → "
                                  "Geometry Tools → Fix Geometries)", row=n,
                                  severity="warning"))
        if not poly.is_empty:
            parts.append(poly)
    return parts, warned


def _parts(doc: Any, label: str) -> tuple[list[Any], list[Problem]]:
    """Every polygon of the file as a valid shapely Polygon, within the size bounds."""
    rings_of: list[tuple[int, list[Any]]] = []
    other: list[str] = []
    vertices = 0
    for n, g in _geometries(doc):
        kind = g.get("type") if isinstance(g, dict) else None
        if kind not in ("Polygon", "MultiPolygon"):
            other.append(str(kind))
            continue
        polys = _polygons(g)
        if isinstance(polys, str):
            return [], [Problem(label, f"feature {n}'s {kind} {polys}", _FIX_POLYGON, row=n)]
        rings_of += [(n, p) for p in polys]
        vertices += sum(len(r) if isinstance(r, list) else 1 for p in polys for r in p)
        if len(rings_of) > MAX_PARTS or vertices > MAX_VERTICES:
            return [], [_too_big(label)]  # counted before a single position is looked at
        wrong = next((w for p in polys for r in p if (w := _ring_problem(r))), None)
        if wrong:
            return [], [Problem(label, f"feature {n}'s {kind} {wrong}", _FIX_POLYGON, row=n)]
    if not rings_of:
        found = ", ".join(sorted(set(other))) or "nothing"
        return [], [Problem(label, f"the boundary holds no polygon (found: {found})",
                            _FIX_POLYGON)]
    if other:
        return [], [Problem(label, f"the boundary mixes polygons with "
                            f"{', '.join(sorted(set(other)))}", _FIX_POLYGON)]
    parts, warned = _valid_parts(rings_of, label)
    if not parts:
        return [], [Problem(label, "the boundary's polygons enclose no area", _FIX_POLYGON)]
    return parts, warned


def read_boundary(path: Path, label: str) -> tuple[Area | None, list[Problem]]:
    """The boundary's polygons in lon/lat, or None and the errors (warnings with an Area)."""
    try:
        doc = json.loads(read_input(path, MAX_DATA_BYTES, BOUNDARY_FILE).decode("utf-8-sig"))
    except InputFileError as exc:
        return None, [Problem(label, exc.reason, exc.fix)]
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, [Problem(label, f"the boundary cannot be read as GeoJSON ({exc})",
                              _FIX_POLYGON)]
    crs = declared_crs(doc) if isinstance(doc, dict) else None
    if crs is not None and not any(crs.upper().endswith(n.upper()) for n in _WGS84_NAMES):
        return None, [Problem(label, f"the boundary is in the coordinate system {crs}, which "
                              "bogbus does not convert", _FIX_POLYGON)]
    parts, problems = _parts(doc, label)
    if not parts:
        return None, problems
    return Area(parts), problems


def boundary_problems(folder: Path, shown: str, sites: Sequence[Site],
                      sites_file: str) -> list[Problem]:
    """A warning per site outside the folder's boundary.geojson (none without the file)."""
    path = folder / BOUNDARY_FILE
    if not path.is_file():
        return []
    area, problems = read_boundary(path, str(Path(shown) / BOUNDARY_FILE))
    if area is None:
        return problems
    out: list[Problem] = list(problems)
    for s in sites:
        if not (math.isfinite(s.lat) and math.isfinite(s.lon)) or abs(s.lat) > 90 \
                or abs(s.lon) > 180:
            continue  # reported by the cell checks already
        if area.covers(s.lon, s.lat):
            continue
        near_lon, near_lat = area.nearest_edge(s.lon, s.lat)
        km = haversine_km(s.lat, s.lon, near_lat, near_lon)
        swapped = abs(s.lon) <= 90 and area.covers(s.lat, s.lon)
        fix = ("lat and lon look swapped: swap the two values" if swapped else
               "check lat/lon (a digit off? a place of the same name elsewhere?), or keep it "
               "if the bus really serves a place outside the boundary")
        out.append(Problem(sites_file, f"'{s.id}' ({s.name}) lies {km:.1f} km outside the "
                           f"boundary in {BOUNDARY_FILE}", fix, row=s.row, column="lat",
                           severity="warning"))
    return out
