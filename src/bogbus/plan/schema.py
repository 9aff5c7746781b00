"""The one schema of plan.json: its name and the structural check every reader runs.

`plan.json` can be edited or damaged by hand; every consumer (check, timetables, map,
compare) reads it through `plan.files.read_plan`, which runs this check so a damaged file
gives one clear message listing JSON paths — never a traceback deep in a renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from ..model import KINDS, WEEKDAYS

SCHEMA = "bogbus.plan/1"  # the one schema name; readers refuse anything else

_HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_SHIFT = re.compile(r"^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")

Check = Callable[[Any], bool]


def _iso(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    try:
        date.fromisoformat(v)
        return True
    except ValueError:
        return False


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _str(v: Any) -> bool:
    return isinstance(v, str)


def _hhmm(v: Any) -> bool:
    return isinstance(v, str) and bool(_HHMM.match(v))


def _opt(check: Check) -> Check:
    return lambda v: v is None or check(v)


# key → check, or key → (list, item spec) / (dict, spec)
LEG = {"from": _str, "to": _str, "km": _num, "min": _int}
VISIT = {"site_id": _str, "arrival": _hhmm, "departure": _hhmm}
BREAK = {"start": _hhmm, "end": _hhmm}
ROUTE = {"date": _iso, "vehicle": _str, "start": _hhmm, "end": _hhmm, "km": _num,
         "drive_min": _int, "legs": ("list", LEG), "visits": ("list", VISIT),
         "break": ("optdict", BREAK)}
SITE = {"id": _str, "kind": lambda v: v in KINDS, "name": _str, "lat": _num, "lon": _num,
        "every_weeks": _opt(_int), "duration_min": _int, "days": ("list", _str),
        "earliest": _opt(_hhmm), "latest": _opt(_hhmm), "children": _opt(_num),
        "residents": _opt(_num), "visitors": _opt(_num), "crates": _opt(_num)}
VEHICLE = {"name": _str, "shifts": ("map", lambda v: isinstance(v, str) and bool(_SHIFT.match(v))),
           "energy": ("dict", {"litres_per_100km": _opt(_num), "kwh_per_100km": _opt(_num)}),
           "max_km_per_day": _opt(_num), "crate_capacity": _opt(_int),
           "break": ("optdict", {"minutes": _int, "earliest": _hhmm, "latest": _hhmm})}
STOP_TT = {"site_id": _str, "vehicle": _str, "weekday": lambda v: v in WEEKDAYS,
           "arrival": _hhmm, "departure": _hhmm, "every_weeks": _int, "dates": ("list", _iso),
           "skipped": ("list", {"date": _iso, "reason": _str})}
PLAN = {
    "schema": _str, "scenario": _str, "quarter": _str, "data": _opt(_str),
    "co2_factors": ("dict", {"kg_per_litre": _num, "kg_per_kwh": _num}),
    "period": ("dict", {"start": _iso, "end": _iso}),
    "library": ("dict", {}), "depot": _str, "sites": ("list", SITE),
    "vehicles": ("list", VEHICLE),
    "settings": ("dict", {"outreach_tolerance_days": _int, "round_to_min": _int}),
    "calendar": ("dict", {"holidays": ("list", {"date": _iso, "name": _str}),
                          "closures": ("list", {"start": _iso, "end": _iso, "reason": _str})}),
    "stop_timetable": ("list", STOP_TT), "routes": ("list", ROUTE),
    "unserved": ("list", {"site_id": _str, "date": _opt(_iso), "reason": _str}),
    "kpis": ("dict", {}),
}


def plan_structure_problems(plan: Any, limit: int = 12) -> list[str]:
    """JSON paths that are missing or of the wrong type (at most `limit`)."""
    out: list[str] = []

    def walk(value: Any, spec: Any, path: str) -> None:
        if len(out) >= limit:
            return
        if callable(spec):
            if not spec(value):
                out.append(f"{path}: unexpected value {value!r:.40}")
            return
        if isinstance(spec, dict):
            if not isinstance(value, dict):
                out.append(f"{path}: expected an object")
                return
            for key, sub in spec.items():
                if key not in value:
                    out.append(f"{path}.{key}: missing")
                else:
                    walk(value[key], sub, f"{path}.{key}")
            return
        kind, sub = spec
        if kind == "optdict" and value is None:
            return
        if kind in ("dict", "optdict"):
            walk(value, sub, path)
        elif kind == "map":
            if not isinstance(value, dict):
                out.append(f"{path}: expected an object")
                return
            for k, v in value.items():
                walk(v, sub, f"{path}.{k}")
        elif kind == "list":
            if not isinstance(value, list):
                out.append(f"{path}: expected a list")
                return
            for i, item in enumerate(value):
                walk(item, sub, f"{path}[{i}]")

    walk(plan, PLAN, "plan")
    if not out:
        out += _period_problems(plan)
    return out


def _period_problems(plan: dict) -> list[str]:
    """The quarter must be a real quarter and the period exactly its days: every
    renderer dates its pages from these two, so a plan saying 2027Q9 is refused by all
    commands alike, not only by `check`."""
    from ..calendar import parse_quarter
    from ..errors import BogbusError

    try:
        period = parse_quarter(plan["quarter"])
    except BogbusError as exc:
        return [f"plan.quarter: {exc}"]
    p = plan["period"]
    if (p["start"], p["end"]) != (period.start.isoformat(), period.end.isoformat()):
        return [f"plan.period: {p['start']} – {p['end']} is not the quarter {period.quarter} "
                f"({period.start} – {period.end})"]
    return []
