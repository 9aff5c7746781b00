"""Which OpenStreetMap ferries (`route=ferry`) the buses of a plan may take, and how long.

A ferry that takes cars may still be far too small for a 12 m, 18 t bookmobile, and
OSM says so only through tags: `maxlength`, `maxweight`, `hgv`, `motor_vehicle`,
`motorcar`. A ferry whose tags do not positively let the vehicle on is not used — a
route that relies on a guessed ferry is a route the bus cannot drive. A vehicle's
explicit `ferries` list in settings.yaml (by the ferry's `name`) overrides the tags, for
the planner who has asked the operator.

The solver plans every vehicle on one travel matrix, so a ferry enters the road graph
only when *every* vehicle of the instance may use it: no leg is ever shorter than what
the vehicle that drives it can drive (a van that could take a small ferry is planned as
if it went round, like the bus).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence

from ..model import Vehicle

# Without a `duration` tag: the way's length at this speed (a small Danish car ferry
# crosses at 8–10 knots ≈ 15–18 km/h; the lower end, so the leg is not too short).
FERRY_SPEED_KMH = 15.0
# Added to every crossing: driving on and off and waiting for the departure.
FERRY_WAIT_MIN = 10.0
# Above this weight (t) a vehicle is a heavy goods vehicle in the sense of the `hgv` tag.
HGV_LIMIT_T = 3.5

_ALLOW = frozenset({"yes", "designated", "permissive", "destination", "official"})
_ISO = re.compile(r"^P(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?"
                  r"(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$")
_CLOCK = re.compile(r"^(\d+):([0-5]?\d)(?::([0-5]?\d(?:[.,]\d+)?))?$")
_NUMBER_UNIT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-z]*)\s*$")
_FEET = re.compile(r"^\s*(\d+)\s*'\s*(?:(\d+(?:\.\d+)?)\s*\")?\s*$")


def _float(text: str) -> float:
    return float(text.replace(",", "."))


def parse_duration_min(value: str | None) -> float | None:
    """Minutes from an OSM `duration` tag: ISO 8601 (`PT1H30M`), `HH:MM`, `HH:MM:SS`, or a
    bare number of minutes; None when absent or not understood."""
    if not value:
        return None
    text = value.strip().upper()
    m = _ISO.match(text)
    if m and text not in ("P", "PT"):
        d, h, mi, s = (_float(g) if g else 0.0 for g in m.groups())
        minutes = d * 1440 + h * 60 + mi + s / 60
        return minutes if minutes > 0 else None
    m = _CLOCK.match(text)
    if m:
        minutes = int(m.group(1)) * 60 + int(m.group(2)) + (
            _float(m.group(3)) / 60 if m.group(3) else 0.0)
        return minutes if minutes > 0 else None
    m = _NUMBER_UNIT.match(text.lower())
    if m and m.group(2) in ("", "min"):
        minutes = _float(m.group(1))
        return minutes if minutes > 0 else None
    return None


def parse_length_m(value: str | None) -> float | None:
    """Metres from `maxlength` ("10", "10 m", "10.5", "32'10\""); None if not understood."""
    if not value:
        return None
    m = _NUMBER_UNIT.match(value.strip().lower())
    if m and m.group(2) in ("", "m"):
        return _float(m.group(1))
    m = _FEET.match(value)
    if m:
        return (int(m.group(1)) * 12 + (float(m.group(2)) if m.group(2) else 0.0)) * 0.0254
    return None


def parse_weight_t(value: str | None) -> float | None:
    """Tonnes from `maxweight` ("3.5", "3.5 t", "3500 kg", "7 st"); None if not understood."""
    if not value:
        return None
    m = _NUMBER_UNIT.match(value.strip().lower())
    if not m:
        return None
    number, unit = _float(m.group(1)), m.group(2)
    factor = {"": 1.0, "t": 1.0, "kg": 0.001, "st": 0.90718474, "lbs": 0.00045359237}.get(unit)
    return number * factor if factor is not None else None


def _heavy(v: Vehicle) -> bool:
    """Treated as a heavy goods vehicle (the `hgv` tag applies): over 3.5 t, or weight not
    given — a bookmobile is heavy unless the settings say otherwise."""
    return v.weight_t is None or v.weight_t > HGV_LIMIT_T


def ferry_refusal(tags: Mapping[str, str], v: Vehicle) -> str | None:
    """Why the vehicle may not take this ferry, or None when it may.

    With an explicit `ferries` list in the settings, only the named ferries are taken
    (tags are not consulted). Otherwise the most specific access tag that applies must
    allow the vehicle (heavy: `hgv`, `motor_vehicle`, `vehicle`, `access`; light:
    `motorcar`, `motor_vehicle`, `vehicle`, `access`); a ferry without any of them is
    taken for a foot/bicycle ferry. A `maxlength` / `maxweight` tag needs the vehicle's
    `length_m` / `weight_t`, at most the limit.
    """
    name = (tags.get("name") or "").strip()
    if v.ferries is not None:
        wanted = {f.strip().casefold() for f in v.ferries}
        if name and name.casefold() in wanted:
            return None
        return f"not in the ferries list of vehicle {v.name}"
    keys = ("hgv", "motor_vehicle", "vehicle", "access") if _heavy(v) else \
        ("motorcar", "motor_vehicle", "vehicle", "access")
    access = next(((k, tags[k].strip().lower()) for k in keys if k in tags), None)
    if access is None:
        return "no tag lets motor vehicles on (motor_vehicle/motorcar/hgv)"
    if access[1] not in _ALLOW:
        return f"{access[0]}={access[1]}"
    for key, have, parse, unit in (("maxlength", v.length_m, parse_length_m, "m"),
                                   ("maxweight", v.weight_t, parse_weight_t, "t")):
        if key not in tags:
            continue
        limit = parse(tags[key])
        if limit is None:
            return f"{key}={tags[key]!r} is not understood"
        if have is None:
            what = "length_m" if key == "maxlength" else "weight_t"
            return f"{key}={tags[key]} and vehicle {v.name} has no {what} in settings.yaml"
        if have > limit + 1e-9:
            return f"{key}={tags[key]}: vehicle {v.name} is {have:g} {unit}"
    return None


def fleet_refusal(tags: Mapping[str, str], vehicles: Sequence[Vehicle]) -> str | None:
    """None when every vehicle may take the ferry, else the first vehicle's reason."""
    for v in vehicles:
        why = ferry_refusal(tags, v)
        if why:
            return why
    return None


def ferry_minutes(tags: Mapping[str, str], length_km: float) -> float:
    """Crossing minutes: `duration` (else length at FERRY_SPEED_KMH) plus FERRY_WAIT_MIN."""
    crossing = parse_duration_min(tags.get("duration"))
    if crossing is None:
        crossing = length_km / FERRY_SPEED_KMH * 60.0
    return crossing + FERRY_WAIT_MIN


def fleet_key(vehicles: Iterable[Vehicle]) -> list[str]:
    """What of the vehicles decides the ferries (part of the osm cache key)."""
    return sorted(json.dumps([v.name, v.length_m, v.weight_t,
                              sorted(v.ferries) if v.ferries is not None else None])
                  for v in vehicles)
