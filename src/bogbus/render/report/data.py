"""The figures of the board's report (`report.json`), computed from plan.json files alone.

Why a module of its own: the HTML, the PDF and `report.json` must show the same
numbers, and every number must be re-derivable from the plans — so they are computed
once, here, as sums over each plan's routes (`kpis.compute_kpis` / `kpis.reach`), and
the renderers only format them.

Plans are grouped by scenario (one column each): one plan is a quarter's report, the
four quarters of one scenario a year's report, several scenarios a side-by-side
comparison. Totals of a group are sums over its plans, except the *unique* reach
(children, residents), which counts each daycare / nursing home once across the group
— a child reached in every quarter is still one child.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ...errors import BogbusError
from ...model import WEEKDAYS
from ...plan.document import Costs, Plan, Site
from ...plan.kpis import compute_kpis, reach_of
from ..shortfall import shortfall_lines

SCHEMA = "bogbus.report/1"
KINDS = ("stop", "daycare", "nursing_home", "branch")


def plan_label(plan: Plan) -> str:
    """The name a board member reads for a plan's column and chart bars: the plan of the
    library's own data is "Nuværende plan"; a scenario file's plan its name in words
    ("close-three-stops" → "close three stops"). Never the
    data folder's short name ("randers"), which means nothing outside the library."""
    data = str(plan.get("data") or "").replace("\\", "/").rstrip("/")
    name = str(plan.get("scenario") or "")
    if not name or (name == data.rsplit("/", 1)[-1] and not data.endswith((".yaml", ".yml"))):
        return "Nuværende plan"  # the data folder itself, no scenario file
    return name.replace("-", " ").replace("_", " ")


def cost_of(km: float, hours: float, costs: Costs | None) -> dict | None:
    """kr. for driving `km` and running the bus `hours` (route hours, depot to depot);
    None when the settings gave no costs."""
    if not costs:
        return None
    per_km, per_hour = costs.get("per_km") or 0.0, costs.get("per_hour") or 0.0
    by_km, by_hour = round(km * per_km, 2), round(hours * per_hour, 2)
    return {"per_km": costs.get("per_km"), "per_hour": costs.get("per_hour"),
            "km_kr": by_km, "hours_kr": by_hour, "total_kr": round(by_km + by_hour, 2)}


def weekday_visits(plan: Plan) -> dict[str, dict[str, int]]:
    """Visits per weekday and kind (weekday of the route's date)."""
    kinds = {s["id"]: s["kind"] for s in plan["sites"]}
    out = {d: {k: 0 for k in KINDS} for d in WEEKDAYS}
    for r in plan["routes"]:
        day = WEEKDAYS[date.fromisoformat(r["date"]).weekday()]
        for v in r["visits"]:
            k = kinds[v["site_id"]]
            out[day][k] = out[day].get(k, 0) + 1
    return out


def plan_figures(plan: Plan) -> dict:
    """One plan's figures: every value a sum over its routes (bound figures as planned)."""
    k = compute_kpis(plan)
    saved = plan.get("kpis") or {}
    costs = plan.get("costs")
    kinds = {s["id"]: s["kind"] for s in plan["sites"]}
    return {
        "scenario": plan.get("scenario"),
        "data": plan.get("data"),
        "quarter": plan.get("quarter"),
        "period": dict(plan.get("period") or {}),
        "routes": k["service_days"],
        "km": k["km_total"],
        "drive_hours": k["drive_hours"],
        "route_hours": k["route_hours"],
        "public_service_hours": k["public_service_hours"],
        "visits": dict(k["visits"]),
        "visits_total": sum(k["visits"].values()),
        "public_stops_served": len({v["site_id"] for r in plan["routes"] for v in r["visits"]
                                    if kinds.get(v["site_id"]) == "stop"}),
        "children_unique": k["children_unique"],
        "child_visits": k["child_visits"],
        "residents_unique": k["residents_unique"],
        "resident_visits": k["resident_visits"],
        "energy": dict(k["energy"]),
        "co2_kg": k["co2_kg"],
        "cost": cost_of(k["km_total"], k["route_hours"], costs),
        "template_km_per_week": saved.get("template_km_per_week"),
        "lower_bound_km": saved.get("lower_bound_km"),
        "gap_pct": saved.get("gap_pct"),
        "unserved": len(plan.get("unserved") or []),
        "weekday_visits": weekday_visits(plan),
        "collection_shortfall": shortfall_lines(plan),
    }


def _sum(values: Sequence[float], digits: int) -> float:
    return round(sum(values), digits)


def group_figures(plans: Sequence[Plan]) -> dict:
    """A scenario's plans (sorted by quarter) → per-plan figures and their totals."""
    per = [plan_figures(p) for p in plans]
    last = plans[-1]
    # unique reach over the group: each site once, with its latest count
    merged_sites: dict[str, Site] = {}
    for p in plans:
        merged_sites.update({s["id"]: s for s in p["sites"]})
    unique = reach_of(merged_sites.values(), [r for p in plans for r in p["routes"]])
    totals: dict = {
        "plans": len(per),
        "routes": sum(f["routes"] for f in per),
        "km": _sum([f["km"] for f in per], 1),
        "drive_hours": _sum([f["drive_hours"] for f in per], 2),
        "route_hours": _sum([f["route_hours"] for f in per], 2),
        "public_service_hours": _sum([f["public_service_hours"] for f in per], 2),
        "visits": {k: sum(f["visits"].get(k, 0) for f in per) for k in KINDS},
        "visits_total": sum(f["visits_total"] for f in per),
        "children_unique": unique["children_unique"],
        "child_visits": sum(f["child_visits"] for f in per),
        "residents_unique": unique["residents_unique"],
        "resident_visits": sum(f["resident_visits"] for f in per),
        "energy": {"litres": _sum([f["energy"]["litres"] for f in per], 1),
                   "kwh": _sum([f["energy"]["kwh"] for f in per], 1)},
        "co2_kg": _sum([f["co2_kg"] for f in per], 1),
        "cost": None,
        "unserved": sum(f["unserved"] for f in per),
        "weekday_visits": {d: {k: sum(f["weekday_visits"][d][k] for f in per) for k in KINDS}
                           for d in WEEKDAYS},
    }
    if all(f["cost"] for f in per):
        totals["cost"] = {key: _sum([f["cost"][key] for f in per], 2)
                          for key in ("km_kr", "hours_kr", "total_kr")}
    bounded = [f for f in per if f["lower_bound_km"] is not None
               and f["template_km_per_week"]]
    if bounded and len(bounded) == len(per):
        tk = sum(f["template_km_per_week"] for f in per)
        lb = sum(f["lower_bound_km"] for f in per)
        totals["template_km_per_week_sum"] = round(tk, 1)
        totals["lower_bound_km_sum"] = round(lb, 1)
        totals["gap_pct"] = round((tk - lb) / tk * 100, 2)
    else:
        totals["gap_pct"] = None
    goal = (last.get("goals") or {}).get("children_per_year")
    return {
        "label": plan_label(last),
        "scenario": last.get("scenario"),
        "data": last.get("data"),
        "library": (last.get("library") or {}).get("name"),
        "quarters": [f["quarter"] for f in per],
        "period": {"start": per[0]["period"].get("start"), "end": per[-1]["period"].get("end")},
        "co2_factors": dict(last.get("co2_factors") or {}),
        "fuels": sorted({("diesel" if (v.get("energy") or {}).get("litres_per_100km")
                          else "el") for v in last.get("vehicles", [])}),
        "costs": last.get("costs"),
        "goal": _goal(goal, totals, len(per)),
        "plans": per,
        "totals": totals,
    }


def _goal(goal: float | None, totals: dict, quarters: int) -> dict:
    """The strategy's children-per-year goal against the unique children and the
    child-visits; with fewer than four quarters the share of a year is stated too."""
    if not goal:
        return {"children_per_year": None}
    return {
        "children_per_year": goal,
        "quarters_covered": quarters,
        "children_unique_pct": round(totals["children_unique"] / goal * 100, 1),
        "child_visits_pct": round(totals["child_visits"] / goal * 100, 1),
    }


def _quarter_key(plan: Plan) -> str:
    return str(plan.get("quarter") or "")


def group_plans(plans: Sequence[Plan], labels: Sequence[str] | None = None
                ) -> list[list[Plan]]:
    """Plans grouped by scenario (and data folder) in the order first seen, each group
    sorted by quarter. A quarter twice in one group is an error: which one counts?"""
    groups: dict[tuple, list[tuple[str, Plan]]] = {}
    for i, p in enumerate(plans):
        src = labels[i] if labels else f"plan {i + 1}"
        groups.setdefault((p.get("scenario"), p.get("data")), []).append((src, p))
    out = []
    for items in groups.values():
        seen: dict[str, str] = {}
        for src, p in items:
            q = _quarter_key(p)
            if q in seen:
                raise BogbusError(f"{seen[q]} and {src} are both {p.get('scenario')} {q} — "
                                  "give each scenario's quarter once (a year is Q1–Q4 of one "
                                  "scenario)")
            seen[q] = src
        out.append([p for _, p in sorted(items, key=lambda sp: _quarter_key(sp[1]))])
    return out


def report_kind(groups: Sequence[Sequence[Plan]]) -> str:
    """`quarter` (one plan), `year` (one scenario, several quarters of one year),
    `scenarios` (several scenarios), else `plans`."""
    if len(groups) > 1:
        return "scenarios"
    (g,) = groups
    if len(g) == 1:
        return "quarter"
    years = {_quarter_key(p)[:4] for p in g}
    return "year" if len(years) == 1 else "plans"


def report_figures(plans: Sequence[Plan], labels: Sequence[str] | None = None) -> dict:
    """The whole report.json document for `plans` (plan dicts as read by read_plan)."""
    if not plans:
        raise BogbusError("no plans to report on — give one or more plan.json files")
    groups = group_plans(plans, labels)
    kind = report_kind(groups)
    figures = [group_figures(g) for g in groups]
    names = [f["label"] for f in figures]
    for f in figures:  # two groups with one scenario name (different data): tell apart
        if names.count(f["label"]) > 1:
            f["label"] = f"{f['label']} ({f['data']})"
    quarters = sorted({q for f in figures for q in f["quarters"]})
    return {
        "schema": SCHEMA,
        "kind": kind,
        "year": quarters[0][:4] if kind == "year" else None,
        "quarters": quarters,
        "groups": figures,
        "notes": {
            "child_visits": "children of a daycare counted at every visit",
            "children_unique": "children of each daycare served counted once over the plans",
            "route_hours": "depot to depot per route (what per_hour costs are charged on)",
            "gap_pct": "timetable km per average week over the proven lower bound, "
                       "summed over the quarters (see docs/lower-bound.md)",
            "co2_kg": "litres × kg_per_litre + kWh × kg_per_kwh (co2_factors)",
        },
    }
