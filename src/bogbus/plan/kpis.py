"""Key figures of a plan, computed from the plan's own routes so anyone can re-derive them."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..model import parse_hhmm


def compute_kpis(plan: dict[str, Any]) -> dict[str, Any]:
    """km, hours, visits by kind, people reached, energy and CO₂ from plan["routes"]."""
    sites = {s["id"]: s for s in plan["sites"]}
    visits: dict[str, int] = {"stop": 0, "daycare": 0, "nursing_home": 0, "branch": 0}
    km = drive = service_stop = 0.0
    children = residents = visitors = 0.0
    litres = kwh = 0.0
    vehicles = {v["name"]: v for v in plan.get("vehicles", [])}
    for r in plan["routes"]:
        km += r["km"]
        drive += r["drive_min"]
        energy = vehicles.get(r["vehicle"], {}).get("energy", {})
        litres += r["km"] * (energy.get("litres_per_100km") or 0) / 100
        kwh += r["km"] * (energy.get("kwh_per_100km") or 0) / 100
        for v in r["visits"]:
            s = sites[v["site_id"]]
            visits[s["kind"]] = visits.get(s["kind"], 0) + 1
            if s["kind"] == "stop":
                service_stop += parse_hhmm(v["departure"]) - parse_hhmm(v["arrival"])
                visitors += s.get("visitors") or 0
            elif s["kind"] == "daycare":
                children += s.get("children") or 0
            elif s["kind"] == "nursing_home":
                residents += s.get("residents") or 0
    co2 = plan.get("co2_factors", {})
    co2_kg = litres * co2.get("kg_per_litre", 0) + kwh * co2.get("kg_per_kwh", 0)
    return {
        "km_total": round(km, 1),
        "drive_hours": round(drive / 60, 2),
        "public_service_hours": round(service_stop / 60, 2),
        "visits": visits,
        "children_reached": int(children),
        "residents_reached": int(residents),
        "visitors_expected": round(visitors),
        "service_days": len(plan["routes"]),
        "energy": {"litres": round(litres, 1), "kwh": round(kwh, 1)},
        "co2_kg": round(co2_kg, 1),
        "lower_bound_km": None,
        "gap_pct": None,
        "lower_bound_scope": None,
        **steady_weekday(plan),
    }


def steady_weekday(plan: dict[str, Any]) -> dict[str, int]:
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

