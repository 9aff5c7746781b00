"""`plan.json`: built from a planner result, written atomically, read back.

The file carries the sites, vehicles and calendar it was planned with, so the
timetables, map, comparisons and `bogbus check` work from the file alone.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from datetime import date, timedelta
from pathlib import Path

from . import __version__
from .calendar import week_index, weekday_key
from .errors import BogbusError
from .kpis import compute_kpis
from .model import WEEKDAYS, Instance, hhmm
from .planschema import plan_structure_problems
from .solve.planner import PlanResult

SCHEMA = "bogbus.plan/1"


def bound_kpis(bound, template_km: float) -> dict:
    """The proven lower bound and gap, for the template week (see docs/lower-bound.md).

    gap_pct = (template km per week − lower bound) / template km per week × 100: how
    much shorter, at most, any timetable serving the same stops could be."""
    if bound is None or bound.lower_km is None:
        return {"lower_bound_km": None, "gap_pct": None, "lower_bound_scope": None,
                "template_km_per_week": round(template_km, 1),
                "lower_bound_note": getattr(bound, "note", None) or None}
    km = round(template_km, 1)
    lower = min(bound.lower_km, km)
    return {
        "lower_bound_km": lower,
        "gap_pct": round((km - lower) / km * 100, 2) if km > 0 else 0.0,
        "lower_bound_scope": "template_week",
        "template_km_per_week": km,
        "lower_bound_method": bound.status,
    }


def _site_entry(s) -> dict:
    return {
        "id": s.id, "kind": s.kind, "name": s.name, "lat": s.lat, "lon": s.lon,
        "address": s.address, "every_weeks": s.every_weeks, "duration_min": s.duration_min,
        "earliest": hhmm(s.earliest) if s.earliest is not None else None,
        "latest": hhmm(s.latest) if s.latest is not None else None,
        "days": list(s.days), "visitors": s.visitors, "children": s.children,
        "residents": s.residents, "crates": s.crates,
        "vehicles": list(s.vehicles) if s.vehicles is not None else None,
    }


def _vehicle_entry(v) -> dict:
    return {
        "name": v.name,
        "shifts": {d: str(v.shifts[d]) for d in WEEKDAYS if d in v.shifts},
        "break": ({"minutes": v.break_rule.minutes, "earliest": hhmm(v.break_rule.earliest),
                   "latest": hhmm(v.break_rule.latest)} if v.break_rule else None),
        "max_km_per_day": v.max_km_per_day,
        "crate_capacity": v.crate_capacity,
        "energy": {"litres_per_100km": v.litres_per_100km, "kwh_per_100km": v.kwh_per_100km},
    }


def build_plan(result: PlanResult) -> dict:
    """The plan dict per docs/plan-json.md."""
    inst: Instance = result.instance
    st = inst.settings
    cal = result.calendar
    tm = result.travel
    sites = {s.id: s for s in inst.sites}
    import ortools

    routes = []
    for (vname, day), timed in sorted(result.routes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        seq = [st.depot, *timed.order, st.depot]
        legs = []
        for a, b in zip(seq, seq[1:]):
            km, mins = tm.leg(a, b)
            leg = {"from": a, "to": b, "km": km, "min": mins}
            if (a, b) in tm.shapes:
                leg["shape"] = tm.shapes[(a, b)]
            legs.append(leg)
        visits = [
            {"site_id": sid, "kind": sites[sid].kind, "arrival": hhmm(t),
             "departure": hhmm(t + sites[sid].duration_min)}
            for sid, t in zip(timed.order, timed.arrivals)
        ]
        v = st.vehicle(vname)
        routes.append({
            "date": day.isoformat(), "vehicle": vname, "weekday": weekday_key(day),
            "start": hhmm(timed.start), "end": hhmm(timed.end),
            "km": round(sum(leg["km"] for leg in legs), 1),
            "drive_min": sum(leg["min"] for leg in legs),
            "legs": legs, "visits": visits,
            "break": ({"start": hhmm(timed.break_start),
                       "end": hhmm(timed.break_start + v.break_rule.minutes)}
                      if v.break_rule and timed.break_start is not None else None),
            "crates": sum(sites[s].crates for s in timed.order if sites[s].kind != "stop"),
        })

    stop_timetable = []
    tmpl = result.template
    for sid, opt in sorted(tmpl.options.items()):
        s = sites[sid]
        sol = tmpl.days[(opt.vehicle, opt.weekday)]
        t = sol.times[sid]
        wd = WEEKDAYS.index(opt.weekday)
        dates, skipped = [], []
        day = result.period.start - timedelta(result.period.start.weekday()) + timedelta(wd)
        while day <= result.period.end:
            if day >= result.period.start and week_index(day) % (s.every_weeks or 1) == opt.phase:
                reason = cal.off_reason(day)
                if reason:
                    skipped.append({"date": day.isoformat(), "reason": reason})
                else:
                    dates.append(day.isoformat())
            day += timedelta(7)
        parity = None
        if s.every_weeks == 2:
            pars = {date.fromisoformat(d).isocalendar().week % 2 for d in dates}
            if len(pars) == 1:
                parity = "even" if pars == {0} else "odd"
        stop_timetable.append({
            "site_id": sid, "vehicle": opt.vehicle, "weekday": opt.weekday,
            "arrival": hhmm(t), "departure": hhmm(t + s.duration_min),
            "every_weeks": s.every_weeks, "week_phase": opt.phase, "week_parity": parity,
            "dates": dates, "skipped": skipped,
        })

    unserved = [{"site_id": sid, "date": None, "reason": why}
                for sid, why in sorted(tmpl.unserved.items())]
    unserved += [{"site_id": sid, "date": d.isoformat() if d else None, "reason": why}
                 for sid, d, why in result.outreach.unserved]

    plan = {
        "schema": SCHEMA,
        "scenario": inst.scenario,
        "quarter": result.period.quarter,
        "period": {"start": result.period.start.isoformat(), "end": result.period.end.isoformat()},
        "data": inst.source,
        "inputs_sha256": inst.inputs_sha256,
        "library": {"name": st.name, "contact": st.contact},
        "generated_by": {"bogbus": __version__, "ortools": ortools.__version__,
                         "python": platform.python_version()},
        "travel_model": dict(tm.description),
        "solver": {
            "engine": f"bogbus template+outreach decomposition, CP-SAT day models "
                      f"(OR-Tools {ortools.__version__})",
            "time_limit_s": result.time_limit_s, "seed": result.seed,
            "runtime_s": round(result.runtime_s, 2),
            "template_day_solves": tmpl.solves, "template_stopped_by": tmpl.stopped_by,
            "template_km_per_week": round(tmpl.cost, 1),
        },
        "depot": st.depot,
        "sites": [_site_entry(s) for s in inst.sites],
        "vehicles": [_vehicle_entry(v) for v in st.vehicles],
        "settings": {"outreach_tolerance_days": st.outreach_tolerance_days,
                     "round_to_min": st.round_to_min},
        "co2_factors": {"kg_per_litre": st.co2_kg_per_litre, "kg_per_kwh": st.co2_kg_per_kwh},
        "calendar": {
            "holidays": [{"date": d.isoformat(), "name": n} for d, n in sorted(cal.holidays.items())],
            "closures": [{"start": c.start.isoformat(), "end": c.end.isoformat(),
                          "reason": c.reason} for c in st.closures],
        },
        "stop_timetable": stop_timetable,
        "routes": routes,
        "unserved": unserved,
    }
    if getattr(result, "rotation", None) is not None:
        from .rotationplan import annotate_routes, rotation_section

        annotate_routes(plan["routes"], result.rotation)
        plan["rotation"] = rotation_section(inst, result.rotation)
    plan["kpis"] = compute_kpis(plan)
    plan["kpis"].update(bound_kpis(getattr(result, "bound", None), tmpl.cost))
    if getattr(result, "previous", None) is not None:
        from .replan import replan_section

        plan["replan"] = replan_section(result.previous, plan, tmpl.released)
    return plan


def write_json_atomic(data: dict, path: Path) -> Path:
    """Write JSON so a reader never sees a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_plan(path: Path) -> dict:
    """Load a plan file, with a clear error when it is not one."""
    path = Path(path)
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BogbusError(f"{path}: no such plan file — run `bogbus plan` first") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BogbusError(f"{path}: not a readable plan.json ({exc})") from None
    if not isinstance(plan, dict) or plan.get("schema") != SCHEMA:
        raise BogbusError(f"{path}: not a bogbus plan (expected \"schema\": \"{SCHEMA}\")")
    problems = plan_structure_problems(plan)
    if problems:
        raise BogbusError(f"{path}: the plan file is damaged — re-run `bogbus plan`:\n  "
                          + "\n  ".join(problems))
    return plan
