"""The one schema of plan.json: its name and the check every reader runs.

`plan.json` can be edited or damaged by hand; every consumer (check, timetables, map,
notices, report, export, compare, `plan --previous`) reads it through
`plan.files.read_plan`, which runs this check so a damaged file gives one clear message
listing JSON paths — never a traceback deep in a renderer, and never a wrong type that
quietly switches a `check` rule off (`"no_repeat_weeks": "52"` once did).

The spec below covers every key `plan.document` types, with the same optionality:
a key marked `Opt` may be absent, `_null(...)` may be null. Keys the spec does not name
are tolerated (a newer bogbus, another branch's additions) and never read as typed.
After the types, `_reference_problems` checks what types cannot: ids that must name
something the plan holds (the depot among the sites, a delivered collection among the
collections), because a renderer or the checker looks them up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..model import KINDS, WEEKDAYS

SCHEMA = "bogbus.plan/1"  # the one schema name; readers refuse anything else

_HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_SHIFT = re.compile(r"^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
BIG = 1e9  # no count, km or minute in a plan comes near this


@dataclass(frozen=True)
class V:
    """A value check and what it expects, for the message."""

    ok: Callable[[Any], bool]
    expects: str


@dataclass(frozen=True)
class Opt:
    """A key that may be absent."""

    spec: Any


def _isnum(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _isint(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _isiso(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    try:
        date.fromisoformat(v)
        return True
    except ValueError:
        return False


def num(lo: float = 0, hi: float = BIG, *, open_lo: bool = False) -> V:
    low = f"> {lo:g}" if open_lo else f"≥ {lo:g}"
    return V(lambda v: _isnum(v) and (v > lo if open_lo else v >= lo) and v <= hi,
             f"a number {low} and ≤ {hi:g}")


def whole(lo: int = 0, hi: float = BIG) -> V:
    return V(lambda v: _isint(v) and lo <= v <= hi, f"a whole number from {lo} to {hi:g}")


def one_of(*values: str) -> V:
    return V(lambda v: v in values, "one of " + ", ".join(values))


def _null(check: V) -> V:
    return V(lambda v: v is None or check.ok(v), f"{check.expects} or null")


STR = V(lambda v: isinstance(v, str), "text")
ISO = V(_isiso, "a date YYYY-MM-DD")
HHMM = V(lambda v: isinstance(v, str) and bool(_HHMM.match(v)), "a time HH:MM")
SHIFT = V(lambda v: isinstance(v, str) and bool(_SHIFT.match(v)), "a shift HH:MM-HH:MM")
ANY = V(lambda v: True, "anything")
BOOL = V(lambda v: isinstance(v, bool), "true or false")
KM, MIN, COUNT = num(), whole(), whole()

# key → check, or key → ("list", item spec) / ("dict", spec) / ("optdict", spec: or null)
# / ("map", value spec: an object of any keys)
LEG = {"from": STR, "to": STR, "km": KM, "min": MIN,
       "shape": Opt(("list", ("list", num(-180, 180)))), "via": Opt(("list", STR))}
VISIT = {"site_id": STR, "arrival": HHMM, "departure": HHMM, "kind": Opt(one_of(*KINDS)),
         "deliver": Opt(("list", STR)), "collect": Opt(("list", STR)), "uid": Opt(STR),
         "sequence": Opt(COUNT)}
BREAK = {"start": HHMM, "end": HHMM}
ROUTE = {"date": ISO, "vehicle": STR, "start": HHMM, "end": HHMM, "km": KM,
         "drive_min": MIN, "legs": ("list", LEG), "visits": ("list", VISIT),
         "break": Opt(("optdict", BREAK)), "weekday": Opt(one_of(*WEEKDAYS)),
         "crates": Opt(_null(num()))}
SITE = {"id": STR, "kind": one_of(*KINDS), "name": STR, "lat": num(-90, 90),
        "lon": num(-180, 180), "every_weeks": _null(whole(1, 520)), "duration_min": MIN,
        "days": ("list", one_of(*WEEKDAYS)), "earliest": _null(HHMM), "latest": _null(HHMM),
        "children": _null(num()), "residents": _null(num()), "visitors": _null(num()),
        "crates": _null(num()), "address": Opt(_null(STR)),
        "vehicles": Opt(("optlist", STR))}
VEHICLE = {"name": STR, "shifts": ("map", SHIFT),
           "energy": ("dict", {"litres_per_100km": _null(num()),
                               "kwh_per_100km": _null(num())}),
           "max_km_per_day": _null(num()), "crate_capacity": _null(whole()),
           "break": Opt(("optdict", {"minutes": MIN, "earliest": HHMM, "latest": HHMM})),
           "length_m": Opt(_null(num(0, 1000, open_lo=True))),
           "weight_t": Opt(_null(num(0, 1000, open_lo=True))),
           "ferries": Opt(("optlist", STR))}
STOP_TT = {"site_id": STR, "vehicle": STR, "weekday": one_of(*WEEKDAYS),
           "arrival": HHMM, "departure": HHMM, "every_weeks": whole(1, 520),
           "dates": ("list", ISO), "skipped": ("list", {"date": ISO, "reason": STR}),
           "week_phase": Opt(whole(0, 10**6)),
           "week_parity": Opt(_null(one_of("even", "odd"))), "valid_from": Opt(ISO)}
SLOT = {"date": ISO, "vehicle": STR, "arrival": HHMM, "departure": HHMM}
CHANGE = {"change": one_of("cancelled", "moved", "released", "added"), "site_id": STR,
          "name": STR, "kind": one_of(*KINDS), "old": ("optdict", SLOT),
          "new": ("optdict", SLOT), "reason": STR, "uid": STR, "sequence": COUNT}
PLAN_REF = {"scenario": _null(STR), "quarter": _null(STR), "inputs_sha256": Opt(_null(STR))}
ROTATION = {
    "no_repeat_weeks": whole(1, 520),
    "collections": ("list", {"id": STR, "name": STR, "kind": one_of(*KINDS),
                             "crates": whole(), "notes": Opt(_null(STR))}),
    "holdings_at_start": ("map", STR),
    "history": ("list", {"site_id": STR, "collection_id": STR, "date": ISO}),
    "uses": ("map", COUNT),
    "shortfall": ("list", {"kind": STR, "collections": COUNT,
                           "more_needed": _null(COUNT),  # None: more is not enough
                           "visits": ("list", {"site_id": STR, "date": ISO, "vehicle": STR,
                                               "collection_id": _null(STR),
                                               "problem": STR})}),
    "solver_status": Opt(STR),
}
REPAIR = {"from": ISO, "previous": ("dict", PLAN_REF), "rule": Opt(STR),
          "counts": ("map", COUNT), "changes": ("list", CHANGE),
          "earlier_cancellations": Opt(("list", CHANGE)), "new_sites": Opt(("list", STR))}
REPLAN_SLOT = {"vehicle": STR, "weekday": one_of(*WEEKDAYS), "arrival": HHMM,
               "every_weeks": whole(1, 520), "week_phase": Opt(_null(whole(0, 10**6)))}
REPLAN = {"previous": ("dict", PLAN_REF), "rule": Opt(STR), "kept": COUNT, "moved": COUNT,
          "dropped": COUNT, "added": COUNT,
          "changes": ("list", {"site_id": STR, "from": ("optdict", REPLAN_SLOT),
                               "to": ("optdict", REPLAN_SLOT), "reason": STR})}
_SPEED = num(0, 1000, open_lo=True)
TRAVEL_MODEL = {"model": STR,
                "circuity": Opt(num(0, 100, open_lo=True)),
                "speed_kmh": Opt(_SPEED), "file": Opt(_null(STR)),
                "sha256": Opt(_null(STR)), "format": Opt(STR),
                # greatcircle round the water of a water file (travel/water.py)
                "water": Opt(STR), "water_sha256": Opt(STR),
                "crossings": Opt(("map", one_of("bridge", "ferry"))),
                "in_season": Opt(("map", BOOL)),
                # osm (travel/osm.py, osmcrop.py, osmferry.py)
                "speeds_kmh": Opt(("map", _SPEED)), "max_speed_kmh": Opt(_SPEED),
                "snap_warn_m": Opt(num()), "snap_max_m": Opt(num()),
                "snap_speed_kmh": Opt(_SPEED), "crop_margin_km": Opt(num()),
                "snap": Opt(("map", num())), "graph": Opt(("map", COUNT)),
                "crop": Opt(("optdict", {"boundary": STR, "boundary_sha256": STR,
                                         "margin_km": num(), "ways": COUNT,
                                         "nodes": COUNT})),
                "ferries_used": Opt(("list", STR)), "ferries_not_used": Opt(("map", STR)),
                "cache_key": Opt(STR)}
RHYTHM = {"continues": STR, "last_visits": ("map", ISO)}
SOLVER = {"engine": Opt(STR), "time_limit_s": Opt(_null(num())), "seed": Opt(_null(whole())),
          "runtime_s": Opt(num()), "template_day_solves": Opt(COUNT),
          "template_stopped_by": Opt(_null(STR)), "work": Opt(_null(whole())),
          "clock_cut": Opt(("list", STR)), "template_km_per_week": Opt(_null(num()))}
_FIG, _NFIG = Opt(num()), Opt(_null(num()))
KPIS = {"km_total": _FIG, "drive_hours": _FIG, "route_hours": _FIG,
        "public_service_hours": _FIG, "visits": Opt(("map", COUNT)),
        "children_unique": _FIG, "child_visits": _FIG, "residents_unique": _FIG,
        "resident_visits": _FIG, "visitors_expected": _FIG, "service_days": Opt(COUNT),
        "energy": Opt(("map", num())), "co2_kg": _FIG, "lower_bound_km": _NFIG,
        "gap_pct": Opt(_null(num(-BIG))), "lower_bound_scope": Opt(_null(STR)),
        "lower_bound_method": Opt(_null(STR)), "lower_bound_note": Opt(_null(STR)),
        "template_km_per_week": _NFIG, "institutions_visited": Opt(COUNT),
        "institutions_one_weekday": Opt(COUNT), "children_reached": _FIG,
        "residents_reached": _FIG}
PLAN = {
    "schema": STR, "scenario": STR, "quarter": STR, "data": _null(STR),
    "inputs_sha256": Opt(_null(STR)),
    "co2_factors": ("dict", {"kg_per_litre": num(), "kg_per_kwh": num()}),
    "period": ("dict", {"start": ISO, "end": ISO}),
    "library": ("dict", {"name": Opt(_null(STR)), "contact": Opt(_null(STR))}),
    "generated_by": Opt(("map", STR)), "solver": Opt(("dict", SOLVER)),
    "travel_model": Opt(("dict", TRAVEL_MODEL)),
    "depot": STR, "sites": ("list", SITE),
    "vehicles": ("list", VEHICLE),
    "settings": ("dict", {"outreach_tolerance_days": whole(0, 366),
                          "round_to_min": whole(1, 60)}),
    "calendar": ("dict", {"holidays": ("list", {"date": ISO, "name": STR}),
                          "closures": ("list", {"start": ISO, "end": ISO, "reason": STR,
                                                "sites": Opt(("list", STR)),
                                                "vehicles": Opt(("list", STR))})}),
    "stop_timetable": ("list", STOP_TT), "routes": ("list", ROUTE),
    "unserved": ("list", {"site_id": STR, "date": _null(ISO), "reason": STR}),
    "goals": Opt(("optdict", {"children_per_year": Opt(_null(num()))})),
    "costs": Opt(("optdict", {"per_km": Opt(_null(num())), "per_hour": Opt(_null(num()))})),
    "rotation": Opt(("dict", ROTATION)), "repair": Opt(("dict", REPAIR)),
    "replan": Opt(("dict", REPLAN)), "rhythm": Opt(("dict", RHYTHM)),
    "kpis": ("dict", KPIS),
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def structure_problems(doc: Any, spec: Any, root: str, limit: int = 12) -> list[str]:
    """JSON paths under `root` that are missing or of the wrong type (at most `limit`)."""
    out: list[str] = []

    def walk(value: Any, spec: Any, path: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(spec, Opt):
            spec = spec.spec
        if isinstance(spec, V):
            if not spec.ok(value):
                out.append(f"{path}: expected {spec.expects}, not {_shown(value)}")
            return
        if isinstance(spec, dict):
            if not isinstance(value, dict):
                out.append(f"{path}: expected an object, not {_shown(value)}")
                return
            for key, sub in spec.items():
                if key in value:
                    walk(value[key], sub, f"{path}.{key}")
                elif not isinstance(sub, Opt):
                    out.append(f"{path}.{key}: missing")
            return
        kind, sub = spec
        if kind in ("optdict", "optlist") and value is None:
            return
        if kind in ("dict", "optdict"):
            walk(value, sub, path)
        elif kind == "map":
            if not isinstance(value, dict):
                out.append(f"{path}: expected an object, not {_shown(value)}")
                return
            for k, v in value.items():
                walk(v, sub, f"{path}.{k}")
        elif kind in ("list", "optlist"):
            if not isinstance(value, list):
                out.append(f"{path}: expected a list, not {_shown(value)}")
                return
            for i, item in enumerate(value):
                walk(item, sub, f"{path}[{i}]")

    walk(doc, spec, root)
    return out


def plan_structure_problems(plan: Any, limit: int = 12) -> list[str]:
    """JSON paths that are missing, of the wrong type or out of range, then ids that
    name nothing the plan holds (at most `limit`)."""
    out = structure_problems(plan, PLAN, "plan", limit)
    if not out:
        out += _period_problems(plan)
    if not out:
        out += _reference_problems(plan)[:limit]
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


def _reference_problems(plan: dict) -> list[str]:
    """Ids the renderers and the checker look up: the depot among the sites, a vehicle
    among the vehicles, a collection among the collections."""
    out: list[str] = []
    sites = {s["id"] for s in plan["sites"]}
    if plan["depot"] not in sites:
        out.append(f"plan.depot: {_shown(plan['depot'])} is not the id of any of plan.sites "
                   f"({len(sites)} sites) — a plan names its depot among its sites")
    vehicles = {v["name"] for v in plan["vehicles"]}
    if not vehicles:
        out.append("plan.vehicles: no vehicle — a plan holds the vehicles it was made with")
    rot = plan.get("rotation")
    if rot is not None:
        colls = {c["id"] for c in rot["collections"]}

        def known(cid: str, path: str) -> None:
            if cid not in colls:
                out.append(f"{path}: {_shown(cid)} is not among plan.rotation.collections")

        for sid, cid in rot["holdings_at_start"].items():
            known(cid, f"plan.rotation.holdings_at_start.{sid}")
        for i, h in enumerate(rot["history"]):
            known(h["collection_id"], f"plan.rotation.history[{i}].collection_id")
        for i, r in enumerate(plan["routes"]):
            for j, x in enumerate(r["visits"]):
                for key in ("deliver", "collect"):
                    for cid in x.get(key, ()):
                        known(cid, f"plan.routes[{i}].visits[{j}].{key}")
    return out
