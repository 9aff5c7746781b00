"""Build the plan dict (plan.json, docs/plan-json.md) from a planner result.

The file carries the sites, vehicles and calendar it was planned with, so the
timetables, map, comparisons and `bogbus check` work from the file alone.
"""

from __future__ import annotations

import math
import platform
from datetime import date
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..calendar import Period, rhythm_dates, weekday_key
from ..model import Instance, hhmm
from .document import Kpis, Plan, Rhythm, built
from .entries import closure_entry, site_entry, vehicle_entry
from .kpis import compute_kpis
from .replan import replan_section
from .rotation import annotate_routes, rotation_section
from .schema import SCHEMA

if TYPE_CHECKING:  # plan sits above solve; the result type is only needed for annotations
    from ..solve.planner import PlanResult
    from ..solve.schedule import Timed
    from ..travel import TravelMatrix


def bound_kpis(bound: Any, template_km: float) -> Kpis:
    """The proven lower bound and gap, for the template week (see docs/lower-bound.md).

    gap_pct = (template km per week − lower bound) / template km per week × 100: how
    much shorter, at most, any timetable serving the same stops could be."""
    if bound is None or bound.lower_km is None:
        return {"lower_bound_km": None, "gap_pct": None, "lower_bound_scope": None,
                "template_km_per_week": round(template_km, 2),
                "lower_bound_note": getattr(bound, "note", None) or None}
    # from the unrounded figures, stored to 0.01 km: a plan that drives the bound's
    # optimum shows 0.00 % (rounding the plan up and the bound down to 0.1 km showed
    # 0.06–0.14 % for proven optima); a bound below the plan is floored, never raised
    km = round(template_km, 2)
    raw = min(bound.lower_km, template_km)
    lower = km if template_km - raw < 1e-6 else math.floor(raw * 100 + 1e-6) / 100
    return {
        "lower_bound_km": lower,
        "gap_pct": round((km - lower) / km * 100, 2) if km > 0 else 0.0,
        "lower_bound_scope": "template_week",
        "template_km_per_week": km,
        "lower_bound_method": bound.status,
    }


def plan_header(inst: Instance, period: Period, tm: Any) -> dict[str, Any]:
    """The fields every plan.json opens with — what it is, of which data, made by what —
    shared by a planned and a repaired plan so the two never describe themselves
    differently."""
    import ortools  # only for its version string in generated_by

    st = inst.settings
    return {
        "schema": SCHEMA,
        "scenario": inst.scenario,
        "quarter": period.quarter,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "data": inst.source,
        "inputs_sha256": inst.inputs_sha256,
        "library": {"name": st.name, "contact": st.contact},
        "generated_by": {"bogbus": __version__, "ortools": ortools.__version__,
                         "python": platform.python_version()},
        "travel_model": dict(tm.description),
    }


def plan_data(inst: Instance) -> dict[str, Any]:
    """The data a plan was made from, as the renderers and the checker read it back
    (depot, sites, vehicles, the timing settings, CO₂ factors, goals and costs) — one copy for a
    planned and a repaired plan."""
    st = inst.settings
    return {
        "depot": st.depot,
        "sites": [site_entry(s) for s in inst.sites],
        "vehicles": [vehicle_entry(v) for v in st.vehicles],
        "settings": {"outreach_tolerance_days": st.outreach_tolerance_days,
                     "round_to_min": st.round_to_min},
        "co2_factors": {"kg_per_litre": st.co2_kg_per_litre, "kg_per_kwh": st.co2_kg_per_kwh},
        # the board's goal and cost rates, so `bogbus report` works from the plan alone
        "goals": {"children_per_year": st.children_per_year},
        "costs": ({"per_km": st.cost_per_km, "per_hour": st.cost_per_hour}
                  if st.cost_per_km is not None or st.cost_per_hour is not None else None),
    }


def build_plan(result: PlanResult) -> Plan:
    """The plan dict per docs/plan-json.md."""
    import ortools  # only for its version string in generated_by

    inst: Instance = result.instance
    st = inst.settings
    cal = result.calendar
    tm = result.travel
    tmpl = result.template
    routes = _routes(result)
    stop_timetable = _stop_timetable(result)
    unserved = [{"site_id": sid, "date": None, "reason": why}
                for sid, why in sorted(tmpl.unserved.items())]
    # a timetable whose every date falls on a holiday or closure serves no one: listed,
    # never silently dropped
    unserved += [{"site_id": e["site_id"], "date": None,
                  "reason": f"every date of its timetable ({e['weekday']}, every "
                            f"{e['every_weeks'] or 1} week(s)) in {result.period.quarter} is a "
                            "holiday or closure: "
                            + ", ".join(sorted({x['reason'] for x in e['skipped']}))}
                 for e in stop_timetable if not e["dates"]]
    unserved += [{"site_id": sid, "date": d.isoformat() if d else None, "reason": why}
                 for sid, d, why in result.outreach.unserved]
    for e in stop_timetable:  # a closure that leaves a stop no date at all: say so
        if not e["dates"] and e["skipped"]:
            unserved.append({"site_id": e["site_id"], "date": None, "reason": (
                "closed on every date of its timetable (" + e["skipped"][0]["reason"]
                + ") — shorten the closure in calendar.closures")})

    plan = built({
        **plan_header(inst, result.period, tm),
        "solver": {
            "engine": f"bogbus template+outreach decomposition, CP-SAT day models "
                      f"(OR-Tools {ortools.__version__})",
            "time_limit_s": result.time_limit_s, "seed": result.seed,
            "runtime_s": round(result.runtime_s, 2),
            "template_day_solves": tmpl.solves, "template_stopped_by": tmpl.stopped_by,
            "work": result.work, "clock_cut": list(result.clock_cut),
            "template_km_per_week": round(tmpl.cost, 2),
        },
        **plan_data(inst),
        "calendar": {
            "holidays": [{"date": d.isoformat(), "name": n}
                         for d, n in sorted(cal.holidays.items())],
            "closures": [closure_entry(c) for c in st.closures],
        },
        "stop_timetable": stop_timetable,
        "routes": routes,
        "unserved": unserved,
    })
    if result.anchors:  # the institutions' rhythm runs on from the quarter before
        plan["rhythm"] = rhythm_section(result.previous.quarter if result.previous else "",
                                        result.anchors)
    if result.rotation is not None:  # collections.csv: deliver/collect + a rotation section
        annotate_routes(plan["routes"], result.rotation)
        plan["rotation"] = rotation_section(inst, result.rotation)
    plan["kpis"] = compute_kpis(plan)
    plan["kpis"].update(bound_kpis(result.bound, tmpl.cost))
    if result.previous is not None:
        plan["replan"] = replan_section(result.previous.plan, plan, tmpl.released)
    return plan


def rhythm_section(quarter: str, anchors: dict[str, date]) -> Rhythm:
    """plan.json's `rhythm`: the quarter this plan continues and each institution's last
    visit before this quarter, from which its every-N-weeks rhythm runs on — what
    `check` holds the first visits to, and what the next quarter carries forward for
    an institution without a visit here (docs/plan-json.md)."""
    return {"continues": quarter,
            "last_visits": {sid: d.isoformat() for sid, d in sorted(anchors.items())}}


def _routes(result: PlanResult) -> list[dict[str, Any]]:
    """The dated routes: legs with km/min (and road shapes), visits, break, crates."""
    return [route_entry(result.instance, result.travel, vname, day, timed)
            for (vname, day), timed
            in sorted(result.routes.items(), key=lambda kv: (kv[0][1], kv[0][0]))]


def route_entry(inst: Instance, tm: TravelMatrix, vname: str, day: date,
                timed: Timed) -> dict[str, Any]:
    """One dated route of plan.json from its timing; legs re-derived from the travel
    model so `check` can verify them (also used by the repair, plan/repair.py)."""
    st = inst.settings
    sites = {s.id: s for s in inst.sites}
    seq = [st.depot, *timed.order, st.depot]
    legs = []
    for a, b in zip(seq, seq[1:]):
        km, mins = tm.leg(a, b)
        leg: dict[str, Any] = {"from": a, "to": b, "km": km, "min": mins}
        if (a, b) in tm.shapes:
            leg["shape"] = tm.shapes[(a, b)]
        if (a, b) in tm.via:  # the bridges/ferries a leg round the water takes
            leg["via"] = list(tm.via[(a, b)])
        legs.append(leg)
    visits = [
        {"site_id": sid, "kind": sites[sid].kind, "arrival": hhmm(t),
         "departure": hhmm(t + sites[sid].duration_min)}
        for sid, t in zip(timed.order, timed.arrivals)
    ]
    v = st.vehicle(vname)
    return {
        "date": day.isoformat(), "vehicle": vname, "weekday": weekday_key(day),
        "start": hhmm(timed.start), "end": hhmm(timed.end),
        "km": round(sum(leg["km"] for leg in legs), 1),
        "drive_min": sum(leg["min"] for leg in legs),
        "legs": legs, "visits": visits,
        "break": ({"start": hhmm(timed.break_start),
                   "end": hhmm(timed.break_start + v.break_rule.minutes)}
                  if v.break_rule and timed.break_start is not None else None),
        "crates": sum(sites[s].crates for s in timed.order if sites[s].kind != "stop"),
    }


def _stop_timetable(result: PlanResult) -> list[dict[str, Any]]:
    """Each public stop's slot and its dates in the period (days off listed as skipped)."""
    sites = {s.id: s for s in result.instance.sites}
    cal = result.calendar
    tmpl = result.template
    out = []
    for sid, opt in sorted(tmpl.options.items()):
        s = sites[sid]
        t = tmpl.days[(opt.vehicle, opt.weekday)].times[sid]
        dates: list[str] = []
        skipped: list[dict[str, str]] = []
        for day in rhythm_dates(result.period, opt.weekday, s.every_weeks, opt.phase):
            reason = cal.off_reason(day, opt.vehicle, sid)
            if reason:
                skipped.append({"date": day.isoformat(), "reason": reason})
            else:
                dates.append(day.isoformat())
        parity = None
        if s.every_weeks == 2:
            pars = {date.fromisoformat(d).isocalendar().week % 2 for d in dates}
            if len(pars) == 1:
                parity = "even" if pars == {0} else "odd"
        out.append({
            "site_id": sid, "vehicle": opt.vehicle, "weekday": opt.weekday,
            "arrival": hhmm(t), "departure": hhmm(t + s.duration_min),
            "every_weeks": s.every_weeks, "week_phase": opt.phase, "week_parity": parity,
            "dates": dates, "skipped": skipped,
        })
    return out
