"""Read and check a water file: GeoJSON barriers (water) and crossings (bridges, ferries).

The format (docs/travel.md, "Water"): a FeatureCollection in EPSG:4326 `[lon, lat]`.

* `kind: barrier`: a LineString/MultiLineString (a river, a fjord's centre line) or a
  Polygon/MultiPolygon (a lake, a wide fjord) that a straight leg may not cross.
* `kind: crossing` with `mode: bridge` (a Point on a barrier line, or a 2-point LineString
  from bank to bank) or `mode: ferry` (a 2-point LineString between the landings) and:
  `crossing_min`, `wait_min` (minutes, ≥ 0), `hours` ("HH:MM-HH:MM", null = whenever a
  bus comes), `season` (null = all year, else {from: "MM-DD", to: "MM-DD"}),
  `max_length_m`, `max_weight_t` (null = no limit), `confirmed` (false: the ferry's
  limits are not known and only a vehicle that lists it in `ferries` uses it).

Everything a planner can get wrong is a `Problem` naming the file and the feature (index
and name); hostile input (NaN, huge files, millions of vertices) is refused with the limit.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..io.files import InputFileError, read_input

MAX_WATER_BYTES = 20 * 1024 * 1024
MAX_FEATURES = 5_000
MAX_VERTICES = 200_000
MAX_MINUTES = 24 * 60
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")
_MMDD = re.compile(r"^\s*(\d{1,2})-(\d{1,2})\s*$")

LonLat = tuple[float, float]


@dataclass(frozen=True)
class Barrier:
    """Water a leg may not cross: lines (centre lines) and/or polygon rings."""

    index: int
    name: str
    lines: tuple[tuple[LonLat, ...], ...]
    polygons: tuple[tuple[tuple[LonLat, ...], ...], ...]  # each: exterior, *holes


@dataclass(frozen=True)
class Crossing:
    """A bridge or ferry; `ends` is one point (a bridge on a barrier line) or two (landings)."""

    index: int
    name: str
    mode: str  # "bridge" | "ferry"
    ends: tuple[LonLat, ...]
    crossing_min: float = 0.0
    wait_min: float = 0.0
    hours: tuple[int, int] | None = None  # minutes of the day, open from–to
    season: tuple[tuple[int, int], tuple[int, int]] | None = None  # (month, day) from–to
    max_length_m: float | None = None
    max_weight_t: float | None = None
    confirmed: bool = True


@dataclass(frozen=True)
class WaterFile:
    label: str
    barriers: tuple[Barrier, ...]
    crossings: tuple[Crossing, ...]


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


class _Reader:
    def __init__(self, label: str):
        self.label = label
        self.problems: list[Problem] = []
        self.vertices = 0

    def bad(self, where: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.label, f"{where}: {message}", fix))

    def point(self, value: Any, where: str) -> LonLat | None:
        if (not isinstance(value, list) or len(value) < 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                           for v in value[:2])):
            self.bad(where, f"a coordinate must be [lon, lat] numbers, not {value!r:.40}",
                     "write positions as [lon, lat] in degrees (EPSG:4326)")
            return None
        lon, lat = float(value[0]), float(value[1])
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
                and -90 <= lat <= 90):
            self.bad(where, f"the coordinate [{value[0]!r:.20}, {value[1]!r:.20}] is not a "
                     "longitude/latitude", "write [lon, lat] in degrees, lon first")
            return None
        self.vertices += 1
        return lon, lat

    def line(self, value: Any, where: str, minimum: int = 2) -> tuple[LonLat, ...] | None:
        if not isinstance(value, list) or len(value) < minimum:
            self.bad(where, f"needs a list of at least {minimum} [lon, lat] positions",
                     "draw the line again in a GIS and export it as GeoJSON")
            return None
        if self.vertices + len(value) > MAX_VERTICES:
            self.vertices += len(value)  # over the limit: read_water stops here
            return None
        pts = [self.point(p, where) for p in value]
        if any(p is None for p in pts):
            return None
        return tuple(p for p in pts if p is not None)


def _name(props: dict, i: int) -> str:
    name = props.get("name")
    return str(name).strip() if isinstance(name, str) and name.strip() else f"feature {i}"


def _where(i: int, props: dict) -> str:
    name = props.get("name")
    return f"feature {i}" + (f" ({str(name)[:60]})" if isinstance(name, str) and name else "")


def _minutes(r: _Reader, props: dict, key: str, where: str, required: bool) -> float:
    value = props.get(key)
    if value is None:
        if required:
            r.bad(where, f"'{key}' is missing", f"give the ferry's {key} in minutes, e.g. 5")
        return 0.0
    if (not isinstance(value, (int, float)) or isinstance(value, bool)
            or not math.isfinite(value) or not 0 <= value <= MAX_MINUTES):
        r.bad(where, f"'{key}' is {value!r:.20}, not a number of minutes from 0 to "
              f"{MAX_MINUTES}", f"write e.g. \"{key}\": 5")
        return 0.0
    return float(value)


def _limit(r: _Reader, props: dict, key: str, where: str) -> float | None:
    value = props.get(key)
    if value is None:
        return None
    if (not isinstance(value, (int, float)) or isinstance(value, bool)
            or not math.isfinite(value) or not 0 < value < 1000):
        r.bad(where, f"'{key}' is {value!r:.20}, not a positive number",
              f"write e.g. \"{key}\": 12, or null for no limit")
        return None
    return float(value)


def _hours(r: _Reader, value: Any, where: str) -> tuple[int, int] | None:
    if value is None:
        return None
    m = _HOURS.match(value) if isinstance(value, str) else None
    if not m:
        r.bad(where, f"'hours' is {value!r:.30}, not HH:MM-HH:MM",
              "write e.g. \"hours\": \"06:00-22:00\", or null when it sails at any hour")
        return None
    h1, m1, h2, m2 = map(int, m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if not (h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60 and start < end <= 1440):
        r.bad(where, f"'hours' {value!r} is not an opening from an earlier to a later time",
              "write e.g. \"hours\": \"06:00-22:00\"")
        return None
    return start, end


def _season(r: _Reader, value: Any, where: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    if value is None:
        return None
    out = []
    if isinstance(value, dict):
        for key in ("from", "to"):
            text = value.get(key)
            m = _MMDD.match(text) if isinstance(text, str) else None
            if m and 1 <= int(m[1]) <= 12 and 1 <= int(m[2]) <= 31:
                out.append((int(m[1]), int(m[2])))
    if len(out) != 2:
        r.bad(where, f"'season' is {value!r:.40}, not {{\"from\": \"MM-DD\", \"to\": \"MM-DD\"}}",
              "write e.g. \"season\": {\"from\": \"04-01\", \"to\": \"10-31\"}, or null all year")
        return None
    return out[0], out[1]


def _crossing(r: _Reader, i: int, props: dict, geom: dict) -> Crossing | None:
    where = _where(i, props)
    mode = str(props.get("mode", "")).strip().lower()
    if mode not in ("bridge", "ferry"):
        r.bad(where, f"'mode' is {props.get('mode')!r:.20}", "write \"mode\": \"bridge\" or "
              "\"mode\": \"ferry\"")
        return None
    gtype = geom.get("type")
    ends: tuple[LonLat, ...] | None = None
    if gtype == "Point" and mode == "bridge":
        p = r.point(geom.get("coordinates"), where)
        ends = (p,) if p else None
    elif gtype == "LineString":
        line = r.line(geom.get("coordinates"), where)
        ends = (line[0], line[-1]) if line else None
    else:
        r.bad(where, f"a {mode} must be a {'Point or ' if mode == 'bridge' else ''}"
              f"LineString between its {'banks' if mode == 'bridge' else 'landings'}, "
              f"not {gtype!r:.20}", "draw it as a line from one landing to the other")
    if ends is None:
        return None
    confirmed = props.get("confirmed", True)
    if not isinstance(confirmed, bool):
        r.bad(where, f"'confirmed' is {confirmed!r:.20}", "write true or false")
        confirmed = False
    return Crossing(
        index=i, name=_name(props, i), mode=mode, ends=ends,
        crossing_min=_minutes(r, props, "crossing_min", where, required=mode == "ferry"),
        wait_min=_minutes(r, props, "wait_min", where, required=False),
        hours=_hours(r, props.get("hours"), where),
        season=_season(r, props.get("season"), where),
        max_length_m=_limit(r, props, "max_length_m", where),
        max_weight_t=_limit(r, props, "max_weight_t", where),
        confirmed=confirmed)


def _barrier(r: _Reader, i: int, props: dict, geom: dict) -> Barrier | None:
    where = _where(i, props)
    gtype, coords = geom.get("type"), geom.get("coordinates")
    lines: list[tuple[LonLat, ...]] = []
    polys: list[tuple[tuple[LonLat, ...], ...]] = []
    parts = {"LineString": [coords], "MultiLineString": coords,
             "Polygon": [coords], "MultiPolygon": coords}.get(str(gtype))
    if not isinstance(parts, list):
        r.bad(where, f"a barrier must be a LineString or Polygon (or Multi…), not {gtype!r:.20}",
              "draw the river as a line or the lake as a polygon")
        return None
    for part in parts:
        if gtype in ("LineString", "MultiLineString"):
            line = r.line(part, where)
            if line:
                lines.append(line)
        else:
            if not isinstance(part, list) or not part:
                r.bad(where, "a polygon needs at least its outer ring", "export it again")
                continue
            rings = [r.line(ring, where, minimum=4) for ring in part]
            if all(rings):
                polys.append(tuple(ring for ring in rings if ring))
    if r.vertices > MAX_VERTICES:
        return None
    return Barrier(i, _name(props, i), tuple(lines), tuple(polys))


def read_water(path: Path, label: str) -> WaterFile:
    """The barriers and crossings of a water file; `InputError` with every problem found."""
    try:
        data = read_input(path, MAX_WATER_BYTES, "water file")
    except InputFileError as exc:
        raise InputError([Problem(label, f"{exc.reason} (looked for {path})",
                                  "check travel.water in settings.yaml")]) from None
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InputError([Problem(label, f"the file is not GeoJSON ({str(exc)[:120]})",
                                  "export the water layer from a GIS as GeoJSON (EPSG:4326)")]
                         ) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(
            doc.get("features"), list):
        raise InputError([Problem(label, "the file is not a GeoJSON FeatureCollection",
                                  "export the water layer from a GIS as GeoJSON")])
    features = doc["features"]
    if len(features) > MAX_FEATURES:
        raise InputError([Problem(label, f"{len(features)} features; at most {MAX_FEATURES} "
                                  "are read", "keep only the water near the sites and simplify")])
    r = _Reader(label)
    barriers: list[Barrier] = []
    crossings: list[Crossing] = []
    for i, f in enumerate(features):
        if not isinstance(f, dict):
            r.bad(f"feature {i}", "is not a GeoJSON Feature", "export the layer again")
            continue
        raw_props, raw_geom = f.get("properties"), f.get("geometry")
        props: dict = raw_props if isinstance(raw_props, dict) else {}
        geom: dict = raw_geom if isinstance(raw_geom, dict) else {}
        kind = str(props.get("kind", "barrier")).strip().lower()
        if kind == "crossing":
            c = _crossing(r, i, props, geom)
            if c:
                crossings.append(c)
        elif kind == "barrier":
            b = _barrier(r, i, props, geom)
            if b:
                barriers.append(b)
        else:
            r.bad(_where(i, props), f"'kind' is {props.get('kind')!r:.20}",
                  "write \"kind\": \"barrier\" for water or \"crossing\" for a bridge or ferry")
        if r.vertices > MAX_VERTICES:
            raise InputError([Problem(label, f"more than {MAX_VERTICES} vertices (at feature "
                                      f"{i}); this many are not needed for straight legs",
                                      "simplify the lines (e.g. to 50 m) in a GIS")])
    names = [c.name.casefold() for c in crossings]
    for c in crossings:
        if names.count(c.name.casefold()) > 1:
            r.bad(_where(c.index, {"name": c.name}), "two crossings have this name",
                  "give each bridge and ferry its own name (vehicles list ferries by name)")
    if not r.problems and not any(b.lines or b.polygons for b in barriers):
        r.problems.append(Problem(label, "the file has no barrier lines or polygons",
                                  "add the rivers as LineStrings or lakes as Polygons with "
                                  "\"kind\": \"barrier\""))
    if r.problems:
        raise InputError(r.problems)
    return WaterFile(label, tuple(barriers), tuple(crossings))
