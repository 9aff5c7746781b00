"""How a site and a vehicle are written into plan.json.

Shared by `build` (writing the plan) and `check` (comparing a plan against fresh data),
so the checker never reaches into the builder — and so never loads the solver.
"""

from __future__ import annotations

from ..model import WEEKDAYS, Closure, Site, Vehicle, hhmm
from . import document as doc


def closure_entry(c: Closure) -> doc.Closure:
    """One `calendar.closures[]` entry; the scope keys only when it has a scope, so
    plans without scoped closures read exactly as before."""
    out: doc.Closure = {"start": c.start.isoformat(), "end": c.end.isoformat(),
                           "reason": c.reason}
    if c.sites:
        out["sites"] = list(c.sites)
    if c.vehicles:
        out["vehicles"] = list(c.vehicles)
    return out


def site_entry(s: Site) -> doc.Site:
    """One `sites[]` entry of plan.json (every_weeks null: a site without a rhythm)."""
    return {
        "id": s.id, "kind": s.kind, "name": s.name, "lat": s.lat, "lon": s.lon,
        "address": s.address, "every_weeks": s.every_weeks or None, "duration_min": s.duration_min,
        "earliest": hhmm(s.earliest) if s.earliest is not None else None,
        "latest": hhmm(s.latest) if s.latest is not None else None,
        "days": list(s.days), "visitors": s.visitors, "children": s.children,
        "residents": s.residents, "crates": s.crates,
        "vehicles": list(s.vehicles) if s.vehicles is not None else None,
    }


def vehicle_entry(v: Vehicle) -> doc.Vehicle:
    """One `vehicles[]` entry of plan.json."""
    return {
        "name": v.name,
        "shifts": {d: str(v.shifts[d]) for d in WEEKDAYS if d in v.shifts},
        "break": ({"minutes": v.break_rule.minutes, "earliest": hhmm(v.break_rule.earliest),
                   "latest": hhmm(v.break_rule.latest)} if v.break_rule else None),
        "max_km_per_day": v.max_km_per_day,
        "crate_capacity": v.crate_capacity,
        "energy": {"litres_per_100km": v.litres_per_100km, "kwh_per_100km": v.kwh_per_100km},
    }
