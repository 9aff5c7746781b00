"""A plan as GIS layers (`bogbus export PLAN --format gpkg|geojson`) for QGIS.

The municipality's GIS staff put the bus's routes next to their own layers (school
districts, roads, population grids); they need real layers with attributes, not a
web map. Two layers, both made from the plan file alone:

- `sites`: one point per site with every attribute of sites.csv plus what the plan
  decided: for a public stop its vehicle, weekday, arrival/departure and rhythm
  ("lige uger"); for every visited site the number of visits and their dates.
- `routes`: one line per **template route** (a vehicle-weekday in one week of the
  timetable's cycle: depot → public stops → depot, what the poster promises) and one
  per **dated route** (a day of the quarter with its outreach), with km and driving
  minutes, following the road shapes when the travel model (osm) made them and the
  waypoints round the water (water file), with the bridges/ferries taken (`crossings`).

GeoPackage holds the two as layers `sites` and `routes`. GeoJSON has no layers, so
one FeatureCollection holds both and the attribute `layer` says which each feature
belongs to (QGIS offers the points and the lines as two sub-layers).
"""

from __future__ import annotations

import math
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..calendar import week_index
from ..errors import BogbusError
from ..io import atomic
from ..plan.document import Plan, StopEntry
from .danish import pattern_words, weekday_name

FORMATS = ("gpkg", "geojson")
CRS_CHOICES = (4326, 25832)  # WGS84 lon/lat; ETRS89 / UTM 32N, what Danish planners use
_DRIVERS = {"gpkg": "GPKG", "geojson": "GeoJSON"}
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Leg = tuple[float | None, int | None, list[list[float]] | None]  # km, minutes, [lat, lon] shape
TravelLookup = Callable[[str, str], Leg | None]


@dataclass(frozen=True)
class GisExport:
    """What was written, for the CLI's one-line report and the tests."""

    path: Path
    fmt: str
    crs: int
    sites: int
    template_routes: int
    dated_routes: int


def _known_legs(plan: Plan) -> dict[tuple[str, str], Leg]:
    """Every leg the plan drove, with the km/min/shape it used (the same travel model)."""
    legs: dict[tuple[str, str], Leg] = {}
    for r in plan["routes"]:
        for leg in r["legs"]:
            legs.setdefault((leg["from"], leg["to"]), (leg["km"], leg["min"], leg.get("shape")))
    return legs


def plan_travel(plan: Plan) -> TravelLookup:
    """Legs the plan did not drive (a template route's depot → first stop when every
    such day had outreach first), from the travel model the plan was made with.

    Built on first use: the plan's data source when it still hashes the same, else the
    great-circle model from the plan's own description; None (km unknown, straight
    line) when neither can be had, e.g. an osm plan moved away from its data.
    """
    cache: dict[str, Any] = {}

    def build() -> Any:
        from ..calendar import parse_quarter
        from ..io import load_source
        from ..model import Site
        from ..travel import build_travel
        from ..travel.greatcircle import greatcircle_matrix

        data = plan.get("data")
        if data and Path(data).exists():
            try:
                instance = load_source(data, strict=False)
                if instance.inputs_sha256 == plan.get("inputs_sha256"):
                    return build_travel(instance, parse_quarter(plan["quarter"]))
            except BogbusError:
                pass
        tm = plan.get("travel_model", {})
        if tm.get("model") == "greatcircle" and not tm.get("water"):
            sites = [Site(s["id"], s["kind"], s["name"], s["lat"], s["lon"])
                     for s in plan["sites"]]
            return greatcircle_matrix(sites, float(tm["circuity"]), float(tm["speed_kmh"]))
        return None

    def lookup(a: str, b: str) -> Leg | None:
        if "tm" not in cache:
            cache["tm"] = build()
            cache["index"] = cache["tm"].index() if cache["tm"] is not None else {}
        tm, index = cache["tm"], cache["index"]
        if tm is None or a not in index or b not in index:
            return None
        km, minutes = tm.leg(a, b)
        shape = tm.shapes.get((a, b))
        return km, minutes, [list(p) for p in shape] if shape else None

    return lookup


def _lcm(values: list[int]) -> int:
    out = 1
    for v in values:
        out = out * v // math.gcd(out, v)
    return out


def _phase(entry: StopEntry) -> int:
    """The stop's week phase; plans written before `week_phase` existed give it by dates."""
    every = int(entry["every_weeks"] or 1)
    if entry.get("week_phase") is not None:
        return int(entry["week_phase"]) % every
    dates = entry.get("dates") or [s["date"] for s in entry.get("skipped", [])]
    return week_index(date.fromisoformat(dates[0])) % every if dates else 0


def template_routes(plan: Plan) -> list[dict[str, Any]]:
    """The timetable's routes: per vehicle-weekday, one per week of its cycle.

    A stop with `every_weeks` e and `week_phase` p comes in the weeks w with
    w mod e = p (continuous week count, see docs/plan-json.md), so a day's routes
    repeat after the least common multiple of its stops' e; stops in arrival order.
    """
    days: dict[tuple[str, str], list[StopEntry]] = defaultdict(list)
    for entry in plan.get("stop_timetable", []):
        days[(entry["vehicle"], entry["weekday"])].append(entry)
    out = []
    for (vehicle, weekday), entries in sorted(
            days.items(), key=lambda kv: (_WEEKDAYS.index(kv[0][1]), kv[0][0])):
        cycle = _lcm([int(e["every_weeks"] or 1) for e in entries])
        for week in range(cycle):
            stops = sorted((e for e in entries
                            if week % int(e["every_weeks"] or 1) == _phase(e)),
                           key=lambda e: e["arrival"])
            if stops:
                runs = sorted(d for e in stops for d in e.get("dates", [])
                              if week_index(date.fromisoformat(d)) % cycle == week)
                out.append({"vehicle": vehicle, "weekday": weekday, "cycle_week": week + 1,
                            "cycle_weeks": cycle, "stops": stops,
                            "first_date": runs[0] if runs else None})
    return out


def _line(points: list[tuple[float, float]]):
    from shapely.geometry import LineString

    if len(points) < 2:  # a route that never leaves the depot's spot still needs a line
        points = points * 2 if points else [(0.0, 0.0), (0.0, 0.0)]
    return LineString([(lon, lat) for lat, lon in points])


class _Geometry:
    """Coordinates of sites and legs, looked up from the plan, then the travel model."""

    def __init__(self, plan: Plan, travel: TravelLookup | None):
        self.coords = {s["id"]: (float(s["lat"]), float(s["lon"])) for s in plan["sites"]}
        self.known = _known_legs(plan)
        self.travel = travel

    def leg(self, a: str, b: str) -> Leg:
        found = self.known.get((a, b))
        if found is None and self.travel is not None:
            found = self.travel(a, b)
        if found is None:
            return None, None, None
        return found

    def points(self, a: str, b: str, shape: list[list[float]] | None) -> list[tuple[float, float]]:
        if isinstance(shape, list) and len(shape) >= 2:
            return [(float(p[0]), float(p[1])) for p in shape]
        for sid in (a, b):
            if sid not in self.coords:
                raise BogbusError(f"the plan's routes visit '{sid}', which is not among its "
                                  "sites: the plan file is damaged — re-run `bogbus plan`")
        return [self.coords[a], self.coords[b]]

    def route(self, seq: list[str], legs: list[Leg]) -> tuple[Any, float | None, int | None]:
        pts: list[tuple[float, float]] = []
        for (a, b), (_, _, shape) in zip(zip(seq, seq[1:]), legs):
            part = self.points(a, b, shape)
            pts.extend(part if not pts else part[1:])
        kms = [leg[0] for leg in legs]
        mins = [leg[1] for leg in legs]
        km = round(sum(k for k in kms if k is not None), 1) if None not in kms else None
        minutes = sum(m for m in mins if m is not None) if None not in mins else None
        return _line(pts), km, minutes


def _sites_records(plan: Plan) -> list[dict[str, Any]]:
    timetable = {e["site_id"]: e for e in plan.get("stop_timetable", [])}
    visits: dict[str, list[str]] = defaultdict(list)
    for r in plan["routes"]:
        for v in r["visits"]:
            visits[v["site_id"]].append(r["date"])
    unserved: dict[str, list[str]] = defaultdict(list)
    for u in plan["unserved"]:
        unserved[u["site_id"]].append((u["date"] + ": " if u["date"] else "") + u["reason"])
    records = []
    for s in plan["sites"]:
        tt = timetable.get(s["id"])
        dates = sorted(set(visits.get(s["id"], [])))
        vehicles = s.get("vehicles")
        records.append({
            "id": s["id"], "kind": s["kind"], "name": s["name"], "address": s.get("address", ""),
            "lat": s["lat"], "lon": s["lon"], "every_weeks": s.get("every_weeks"),
            "duration_min": s.get("duration_min"), "earliest": s.get("earliest"),
            "latest": s.get("latest"), "days": ",".join(s.get("days") or []),
            "visitors": s.get("visitors"), "children": s.get("children"),
            "residents": s.get("residents"), "crates": s.get("crates"),
            "vehicles": "|".join(vehicles) if vehicles else None,
            "vehicle": tt["vehicle"] if tt else None,
            "weekday": tt["weekday"] if tt else None,
            "weekday_da": weekday_name(tt["weekday"]) if tt else None,
            "arrival": tt["arrival"] if tt else None,
            "departure": tt["departure"] if tt else None,
            "rhythm": pattern_words(tt["every_weeks"], tt.get("week_parity")) if tt else None,
            "week_phase": tt.get("week_phase") if tt else None,
            "visits": len(dates),
            "first_visit": dates[0] if dates else None,
            "last_visit": dates[-1] if dates else None,
            "dates": ",".join(dates),
            "unserved": "; ".join(unserved.get(s["id"], [])) or None,
            "geometry_point": (s["lon"], s["lat"]),
        })
    return records


def _crossings(vias: dict[tuple[str, str], list[str]], seq: list[str]) -> str | None:
    """The bridges/ferries a route takes over water, in driving order ('|'-joined)."""
    names = [n for a, b in zip(seq, seq[1:]) for n in vias.get((a, b), [])]
    return "|".join(dict.fromkeys(names)) or None


def _routes_records(plan: Plan, geo: _Geometry) -> list[dict[str, Any]]:
    depot = plan["depot"]
    vias = {(leg["from"], leg["to"]): [str(n) for n in leg["via"]]
            for r in plan["routes"] for leg in r["legs"] if isinstance(leg.get("via"), list)}
    out = []
    for t in template_routes(plan):
        seq = [depot, *(e["site_id"] for e in t["stops"]), depot]
        legs = [geo.leg(a, b) for a, b in zip(seq, seq[1:])]
        line, km, minutes = geo.route(seq, legs)
        stops = t["stops"]
        out.append({
            "route_type": "template", "vehicle": t["vehicle"], "weekday": t["weekday"],
            "weekday_da": weekday_name(t["weekday"]), "date": None,
            "cycle_week": t["cycle_week"], "cycle_weeks": t["cycle_weeks"],
            "first_date": t["first_date"],
            "label": f"{t['vehicle']} {t['weekday']} week {t['cycle_week']}/{t['cycle_weeks']}",
            "first_arrival": stops[0]["arrival"], "last_departure": stops[-1]["departure"],
            "start": None, "end": None,
            "sites": " → ".join(e["site_id"] for e in stops), "visits": len(stops),
            "km": km, "drive_min": minutes, "crossings": _crossings(vias, seq),
            "geometry": line,
        })
    for r in plan["routes"]:
        seq = [r["legs"][0]["from"], *(leg["to"] for leg in r["legs"])] if r["legs"] else [depot]
        legs = [(leg["km"], leg["min"], leg.get("shape")) for leg in r["legs"]]
        line, _, _ = geo.route(seq, legs)
        visits = r["visits"]
        out.append({
            "route_type": "dated", "vehicle": r["vehicle"], "weekday": r.get("weekday"),
            "weekday_da": weekday_name(r["weekday"]) if r.get("weekday") else None,
            "date": r["date"], "cycle_week": None, "cycle_weeks": None, "first_date": None,
            "label": f"{r['vehicle']} {r['date']}",
            "first_arrival": visits[0]["arrival"] if visits else None,
            "last_departure": visits[-1]["departure"] if visits else None,
            "start": r["start"], "end": r["end"],
            "sites": " → ".join(v["site_id"] for v in visits), "visits": len(visits),
            "km": r["km"], "drive_min": r["drive_min"], "crossings": _crossings(vias, seq),
            "geometry": line,
        })
    return out


def gis_layers(plan: Plan, crs: int = 4326, travel: TravelLookup | None = None):
    """The two GeoDataFrames (sites, routes) in EPSG:`crs`."""
    import geopandas
    from shapely.geometry import Point

    if crs not in CRS_CHOICES:
        raise BogbusError(f"--crs {crs}: use one of {', '.join(map(str, CRS_CHOICES))}")
    sites = _sites_records(plan)
    for rec in sites:
        rec["geometry"] = Point(*rec.pop("geometry_point"))
    routes = _routes_records(plan, _Geometry(plan, travel))
    sites_gdf = geopandas.GeoDataFrame(sites, geometry="geometry", crs=4326)
    routes_gdf = geopandas.GeoDataFrame(routes, geometry="geometry", crs=4326)
    if crs != 4326:
        sites_gdf, routes_gdf = sites_gdf.to_crs(crs), routes_gdf.to_crs(crs)
    return sites_gdf, routes_gdf


def write_gis(plan: Plan, path: Path, fmt: str, crs: int = 4326,
              travel: TravelLookup | None = None) -> GisExport:
    """Write the layers to `path` atomically (io/atomic.py)."""
    import pandas

    if fmt not in FORMATS:
        raise BogbusError(f"--format {fmt}: GIS export writes {' or '.join(FORMATS)}")
    sites, routes = gis_layers(plan, crs, travel)
    # GDAL writes to a path, so the layers go to a scratch file first and then through
    # the one atomic writer: the target is never half-written, nor left behind on error
    with tempfile.TemporaryDirectory(prefix="bogbus-gis-") as scratch:
        tmp = Path(scratch) / f"export.{fmt}"
        if fmt == "gpkg":
            sites.to_file(tmp, layer="sites", driver="GPKG")
            routes.to_file(tmp, layer="routes", driver="GPKG", mode="a")
        else:
            both = pandas.concat([sites.assign(layer="sites"), routes.assign(layer="routes")],
                                 ignore_index=True)
            both = both[["layer", *[c for c in both.columns if c != "layer"]]]
            both.to_file(tmp, driver="GeoJSON")
        path = atomic.write_bytes(Path(path), tmp.read_bytes())
    n_template = int((routes["route_type"] == "template").sum())
    return GisExport(path, fmt, crs, len(sites), n_template, len(routes) - n_template)
