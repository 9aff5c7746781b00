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


def _geometries(doc: Any) -> list[Any]:
    """Geometry objects of a FeatureCollection, a Feature or a bare geometry."""
    if not isinstance(doc, dict):
        return []
    kind = doc.get("type")
    if kind == "FeatureCollection":
        return [f.get("geometry") for f in doc.get("features") or [] if isinstance(f, dict)]
    if kind == "Feature":
        return [doc.get("geometry")]
    return [doc]


def read_boundary(path: Path, label: str) -> tuple[Any | None, list[Problem]]:
    """The boundary as one shapely (Multi)Polygon in lon/lat, or None and the errors."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    try:
        doc = json.loads(read_input(path, MAX_DATA_BYTES, BOUNDARY_FILE).decode("utf-8-sig"))
    except InputFileError as exc:
        return None, [Problem(label, exc.reason, exc.fix)]
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return None, [Problem(label, f"the boundary cannot be read as GeoJSON ({exc})",
                              _FIX_POLYGON)]
    crs = declared_crs(doc) if isinstance(doc, dict) else None
    if crs is not None and not any(crs.upper().endswith(n.upper()) for n in _WGS84_NAMES):
        return None, [Problem(label, f"the boundary is in the coordinate system {crs}, which "
                              "bogbus does not convert", _FIX_POLYGON)]
    polygons, other = [], []
    for g in _geometries(doc):
        kind = g.get("type") if isinstance(g, dict) else None
        if kind in ("Polygon", "MultiPolygon"):
            try:
                polygons.append(shape(g))
            except (ValueError, TypeError, AttributeError, IndexError) as exc:
                return None, [Problem(label, f"a {kind} in the boundary is malformed ({exc})",
                                      _FIX_POLYGON)]
        else:
            other.append(str(kind))
    if not polygons:
        found = ", ".join(sorted(set(other))) or "nothing"
        return None, [Problem(label, f"the boundary holds no polygon (found: {found})",
                              _FIX_POLYGON)]
    if other:
        return None, [Problem(label, "the boundary mixes polygons with "
                              f"{', '.join(sorted(set(other)))}", _FIX_POLYGON)]
    area = unary_union([p if p.is_valid else p.buffer(0) for p in polygons])
    minx, miny, maxx, maxy = area.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return None, [Problem(label, f"the boundary's coordinates ({minx:.0f}, {miny:.0f} …) "
                              "are not lon/lat degrees (projected, e.g. UTM 32N?)",
                              _FIX_POLYGON)]
    return area, []


def _km_outside(area: Any, lon: float, lat: float) -> float:
    """Great-circle km from the point to the nearest point of the boundary."""
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    near = nearest_points(area.boundary, Point(lon, lat))[0]
    return haversine_km(lat, lon, near.y, near.x)


def boundary_problems(folder: Path, shown: str, sites: Sequence[Site],
                      sites_file: str) -> list[Problem]:
    """A warning per site outside the folder's boundary.geojson (none without the file)."""
    path = folder / BOUNDARY_FILE
    if not path.is_file():
        return []
    area, problems = read_boundary(path, str(Path(shown) / BOUNDARY_FILE))
    if area is None:
        return problems
    from shapely.geometry import Point

    out: list[Problem] = []
    for s in sites:
        if math.isnan(s.lat) or math.isnan(s.lon) or abs(s.lat) > 90 or abs(s.lon) > 180:
            continue  # reported by the cell checks already
        if area.covers(Point(s.lon, s.lat)):
            continue
        km = _km_outside(area, s.lon, s.lat)
        swapped = abs(s.lon) <= 90 and area.covers(Point(s.lat, s.lon))
        fix = ("lat and lon look swapped: swap the two values" if swapped else
               "check lat/lon (a digit off? a place of the same name elsewhere?), or keep it "
               "if the bus really serves a place outside the boundary")
        out.append(Problem(sites_file, f"'{s.id}' ({s.name}) lies {km:.1f} km outside the "
                           f"boundary in {BOUNDARY_FILE}", fix, row=s.row, column="lat",
                           severity="warning"))
    return out
