"""Key figures of a plan, computed from the plan's own routes so anyone can re-derive them.

Reach is counted two ways because they answer different questions: `child_visits`
sums a daycare's `children` over every visit (a child seen four times counts four
times — the workload), `children_unique` sums it once per distinct daycare served
(how many children the bus reached — what a board compares with its goal). The same
for nursing-home residents. Plans written before this split carried one
`children_reached` (= child_visits); `upgrade_kpis` adds the new figures to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypedDict

from ..model import parse_hhmm
from .document import Kpis, Plan, Route, Site

REACH_KEYS = ("children_unique", "child_visits", "residents_unique", "resident_visits")


class Reach(TypedDict):
    children_unique: int
    child_visits: int
    residents_unique: int
    resident_visits: int


class Steady(TypedDict):
    institutions_visited: int
    institutions_one_weekday: int


def reach(plan: Plan) -> Reach:
    """Unique people and person-visits at daycares and nursing homes, from the routes."""
    return reach_of(plan["sites"], plan["routes"])


def reach_of(site_list: Iterable[Site], routes: Iterable[Route]) -> Reach:
    """`reach` of any sites and routes (e.g. a year's quarters together)."""
    sites = {s["id"]: s for s in site_list}
    child_visits = resident_visits = 0.0
    daycares: set[str] = set()
    homes: set[str] = set()
    for r in routes:
        for v in r["visits"]:
            s = sites[v["site_id"]]
            if s["kind"] == "daycare":
                child_visits += s.get("children") or 0
                daycares.add(s["id"])
            elif s["kind"] == "nursing_home":
                resident_visits += s.get("residents") or 0
                homes.add(s["id"])
    return {
        "children_unique": int(sum(sites[i].get("children") or 0 for i in daycares)),
        "child_visits": int(child_visits),
        "residents_unique": int(sum(sites[i].get("residents") or 0 for i in homes)),
        "resident_visits": int(resident_visits),
    }


def compute_kpis(plan: Plan) -> Kpis:
    """km, hours, visits by kind, people reached, energy and CO₂ from plan["routes"]."""
    sites = {s["id"]: s for s in plan["sites"]}
    visits: dict[str, int] = {"stop": 0, "daycare": 0, "nursing_home": 0, "branch": 0}
    km = drive = service_stop = duty = 0.0
    visitors = 0.0
    litres = kwh = 0.0
    vehicles = {v["name"]: v for v in plan.get("vehicles", [])}
    for r in plan["routes"]:
        km += r["km"]
        drive += r["drive_min"]
        if r.get("start") and r.get("end"):  # always in plan.json; hand-made dicts may lack it
            duty += parse_hhmm(r["end"]) - parse_hhmm(r["start"])
        veh = vehicles.get(r["vehicle"])
        energy = veh.get("energy", {}) if veh is not None else {}  # plans of old versions
        litres += r["km"] * (energy.get("litres_per_100km") or 0) / 100
        kwh += r["km"] * (energy.get("kwh_per_100km") or 0) / 100
        for v in r["visits"]:
            s = sites[v["site_id"]]
            visits[s["kind"]] = visits.get(s["kind"], 0) + 1
            if s["kind"] == "stop":
                service_stop += parse_hhmm(v["departure"]) - parse_hhmm(v["arrival"])
                visitors += s.get("visitors") or 0
    co2 = plan.get("co2_factors", {})
    co2_kg = litres * co2.get("kg_per_litre", 0) + kwh * co2.get("kg_per_kwh", 0)
    return {
        "km_total": round(km, 1),
        "drive_hours": round(drive / 60, 2),
        "route_hours": round(duty / 60, 2),
        "public_service_hours": round(service_stop / 60, 2),
        "visits": visits,
        **reach(plan),
        "visitors_expected": round(visitors),
        "service_days": len(plan["routes"]),
        "energy": {"litres": round(litres, 1), "kwh": round(kwh, 1)},
        "co2_kg": round(co2_kg, 1),
        "lower_bound_km": None,
        "gap_pct": None,
        "lower_bound_scope": None,
        **steady_weekday(plan),
    }


def steady_weekday(plan: Plan) -> Steady:
    """How many visited institutions (daycares, nursing homes, branches) got every visit
    of the quarter on one weekday — the slot they can build their week around."""
    kinds = {s["id"]: s["kind"] for s in plan["sites"]}
    days: dict[str, set[int]] = {}
    for r in plan["routes"]:
        if not isinstance(r.get("date"), str):
            continue  # a route without a date has no weekday to keep (hand-made plans)
        wd = date.fromisoformat(r["date"]).weekday()
        for v in r["visits"]:
            if kinds.get(v["site_id"]) in ("daycare", "nursing_home", "branch"):
                days.setdefault(v["site_id"], set()).add(wd)
    return {"institutions_visited": len(days),
            "institutions_one_weekday": sum(1 for d in days.values() if len(d) == 1)}


def upgrade_kpis(plan: Plan) -> Plan:
    """Give a plan written before the reach split (only `children_reached` /
    `residents_reached`, both per visit) the four reach figures, from its routes; the old
    keys stay as they were. A plan that has them is returned unchanged."""
    kpis = plan["kpis"]
    if not all(k in kpis for k in REACH_KEYS):
        old = reach(plan)
        kpis.setdefault("children_unique", old["children_unique"])
        kpis.setdefault("child_visits", old["child_visits"])
        kpis.setdefault("residents_unique", old["residents_unique"])
        kpis.setdefault("resident_visits", old["resident_visits"])
        kpis.setdefault("route_hours", compute_kpis(plan)["route_hours"])
    return plan
