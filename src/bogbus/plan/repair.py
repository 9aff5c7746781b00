"""`plan.json` of a repaired plan (`bogbus plan --previous P --from D`).

Same schema as any plan, so every reader (check, timetables, map, compare) works
unchanged, plus:
- `repair`: from which date, against which published plan, the counts, and every
  changed visit with its reason (`changes.diff_visits`);
- per visit of every route `uid` and `sequence`, so the calendar keeps a visit's
  identity across repairs;
- `valid_from` on a stop_timetable entry whose slot is new from that date.
Routes before `from` and untouched days are copied verbatim from the published plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from ..calendar import Period, week_index
from ..errors import BogbusError
from ..model import WEEKDAYS, Instance, hhmm
from ..solve.repair import RepairResult, repair_quarter
from ..solve.rotation import repair_rotation
from .build import plan_data, plan_header, route_entry
from .changes import diff_visits, summary
from .document import Closure, Plan, StopEntry, built
from .entries import closure_entry, site_entry, vehicle_entry
from .kpis import compute_kpis
from .published import check_published
from .rotation import annotate_routes, rotation_section
from .visitid import plan_visits

RULE = ("past kept exactly; untouched visits keep date, vehicle and times; a stop date "
        "hit by a closure is cancelled; a hit institution visit moves to the nearest date "
        "that keeps its spacing")


def _same_route(r: Mapping[str, Any] | None, day, tm) -> bool:
    """The published route of a day still holds exactly: same visits, same times,
    same legs under today's travel model."""
    if r is None or day.timed is None:
        return False
    visits = [(x["site_id"], x["arrival"]) for x in r["visits"]]
    if visits != [(s, hhmm(t)) for s, t in zip(day.timed.order, day.timed.arrivals)]:
        return False
    for leg in r["legs"]:
        try:
            km, mins = tm.leg(leg["from"], leg["to"])
        except KeyError:
            return False
        if abs(km - leg["km"]) > 0.05 or mins != leg["min"]:
            return False
    return True


def _stop_timetable(res: RepairResult, routes: list[dict]) -> list[StopEntry]:
    """Each stop's entry: published dates and skips before `from`, visited dates and
    skips with reasons (cancellations included) from it; a new slot from `valid_from`."""
    visited: dict[str, set[str]] = {}
    for r in routes:
        for x in r["visits"]:
            visited.setdefault(x["site_id"], set()).add(r["date"])
    published = {e["site_id"]: e for e in res.previous.get("stop_timetable", [])}
    cut = res.from_date
    out = []
    for sid, slot in sorted(res.stops.items()):
        s = res.instance.site(sid)
        start = slot.valid_from or res.period.start
        dates, skipped = [], []
        wd = WEEKDAYS.index(slot.weekday)
        d = start + timedelta((wd - start.weekday()) % 7)
        while d <= res.period.end:
            if week_index(d) % (s.every_weeks or 1) == slot.phase:
                iso = d.isoformat()
                prev = published.get(sid) if slot.valid_from is None else None
                if d < cut and prev is not None:
                    if iso in prev["dates"]:
                        dates.append(iso)
                    skipped += [k for k in prev.get("skipped", []) if k["date"] == iso]
                elif iso in visited.get(sid, ()):
                    dates.append(iso)
                else:
                    why = (res.cancelled.get((sid, d))
                           or res.calendar.off_reason(d, slot.vehicle, sid))
                    if why:
                        skipped.append({"date": iso, "reason": why})
            d += timedelta(7)
        parity = None
        if s.every_weeks == 2:
            pars = {date.fromisoformat(x).isocalendar().week % 2 for x in dates}
            if len(pars) == 1:
                parity = "even" if pars == {0} else "odd"
        entry: StopEntry = {"site_id": sid, "vehicle": slot.vehicle, "weekday": slot.weekday,
                 "arrival": hhmm(slot.arrival),
                 "departure": hhmm(slot.arrival + s.duration_min),
                 "every_weeks": s.every_weeks, "week_phase": slot.phase,
                 "week_parity": parity, "dates": dates, "skipped": skipped}
        if slot.valid_from is not None:
            entry["valid_from"] = slot.valid_from.isoformat()
        out.append(entry)
    return out


def build_repaired_plan(res: RepairResult, prev: Plan) -> Plan:
    """The repaired plan dict: the published plan where nothing changed, the repair
    where something did, and the list of what changed and why."""

    inst, st, tm = res.instance, res.instance.settings, res.travel
    routes = [dict(r) for r in res.past_routes]
    for (vname, d), day in sorted(res.days.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if day.timed is None or not day.timed.order:
            continue
        if day.previous is not None and _same_route(day.previous, day, tm):
            routes.append(dict(day.previous))
        else:
            routes.append(route_entry(inst, tm, vname, d, day.timed))
    routes.sort(key=lambda r: (r["date"], r["vehicle"]))
    cut = res.from_date.isoformat()
    ids = {s.id for s in inst.sites}
    # the published plan's missed visits: before `from` they are fact; after it they
    # stand unless the repair re-placed that site (then its own misses are listed)
    unserved = [u for u in prev.get("unserved", []) if u["site_id"] in ids
                and ((u.get("date") or "") < cut and u.get("date")
                     or (u["site_id"] not in res.touched and u["site_id"] not in res.added))]
    unserved += [{"site_id": sid, "date": d.isoformat() if d else None, "reason": why}
                 for sid, d, why in res.unserved]
    plan = built({
        **plan_header(inst, res.period, tm),
        "solver": {"engine": "bogbus repair of a published plan (keep, cancel, move)",
                   "time_limit_s": None, "seed": res.seed,
                   "runtime_s": round(res.runtime_s, 2),
                   "template_km_per_week": prev.get("solver", {}).get("template_km_per_week")},
        **plan_data(inst),
        "calendar": {
            "holidays": [{"date": d.isoformat(), "name": n}
                         for d, n in sorted(res.calendar.holidays.items())],
            "closures": [closure_entry(c) for c in st.closures],
        },
        "stop_timetable": [],
        "routes": routes,
        "unserved": sorted(unserved, key=lambda u: (u["site_id"], u.get("date") or "")),
    })
    plan["stop_timetable"] = _stop_timetable(res, routes)
    rhythm = prev.get("rhythm")
    if isinstance(rhythm, dict):  # the rhythm still runs on from the same visits
        plan["rhythm"] = {"continues": rhythm["continues"],
                          "last_visits": dict(rhythm["last_visits"])}
    reasons = {(sid, d.isoformat()): why for (sid, d), why in res.reasons.items()}
    reasons.update({(sid, d.isoformat()): why for (sid, d), why in res.cancelled.items()})
    changes, identity = diff_visits(prev, plan, res.from_date, reasons, res.added)
    # every visit carries the UID it was published with (before `from`: as published)
    published_ids = {(v["site_id"], v["date"], v["vehicle"], v["arrival"], v["departure"]):
                     (v["uid"], v["sequence"]) for v in plan_visits(prev)}
    for r in plan["routes"]:
        r["visits"] = [x.copy() for x in r["visits"]]
        for x in r["visits"]:
            k = (x["site_id"], r["date"], r["vehicle"], x["arrival"], x["departure"])
            got = identity.get(k) or published_ids.get(k)
            if got is not None:
                x["uid"], x["sequence"] = got
    rotation = repair_rotation(inst, prev, plan["routes"], res.from_date, res.period.start,
                               seed=res.seed)
    if rotation is not None:  # collections.csv: deliveries before `from` stay as published
        annotate_routes(plan["routes"], rotation)
        plan["rotation"] = rotation_section(inst, rotation)
    kept = sum(1 for k, (uid, seq) in identity.items()
               if not any(c["uid"] == uid for c in changes))
    earlier = [c for c in prev.get("repair", {}).get("changes", [])
               + prev.get("repair", {}).get("earlier_cancellations", [])
               if c["change"] in ("cancelled", "released") and not c.get("new")]
    plan["kpis"] = compute_kpis(plan)
    plan["kpis"].update({"lower_bound_km": None, "gap_pct": None, "lower_bound_scope": None,
                         "lower_bound_note": "not computed for a repair"})
    plan["repair"] = {
        "from": res.from_date.isoformat(),
        "previous": {"scenario": prev.get("scenario"), "quarter": prev.get("quarter"),
                     "inputs_sha256": prev.get("inputs_sha256")},
        "rule": RULE,
        "counts": summary(changes, kept),
        "changes": changes,
        "earlier_cancellations": earlier,  # still published as cancelled in the calendar
        "new_sites": sorted(s.id for s in inst.sites if s.kind != "depot"
                            and s.id not in {x["id"] for x in prev.get("sites", [])}),
    }
    return plan



def plan_repair(instance: Instance, previous: Plan, period: Period, from_text: str | None,
                seed: int = 0) -> tuple[Plan, str]:
    """Check the inputs of a repair, run it and build the plan: (plan, how `from` was
    chosen). Every bad input is a BogbusError before anything is written."""
    why = same_dataset_problem(previous, instance)
    if why:
        raise BogbusError(f"--previous: the published plan ({previous.get('scenario')} "
                          f"{previous.get('quarter')}) is not a plan of this data: {why} — "
                          "give the plan.json that was published for this data")
    if previous.get("quarter") != period.quarter:
        raise BogbusError(f"--from: the published plan is for {previous.get('quarter')}, not "
                          f"{period.quarter} — a repair keeps a plan of the same quarter")
    check_published(previous)
    if from_text:
        try:
            from_date = date.fromisoformat(from_text.strip())
        except ValueError:
            raise BogbusError(f"--from {from_text!r} is not a date — write it as YYYY-MM-DD, "
                              f"e.g. --from {period.start}") from None
        how = "given"
    else:
        first, what = first_difference(previous, instance, period)
        if first is None:
            raise BogbusError(f"--from: {what} — give the first date the change applies, "
                              f"e.g. --from {period.start + timedelta(days=28)}")
        from_date = first
        how = f"first date the data differs ({what})"
    result = repair_quarter(instance, period, previous, from_date, seed=seed)
    return build_repaired_plan(result, previous), how


def same_dataset_problem(previous: Plan, instance: Instance) -> str | None:
    """Why `previous` cannot be a published plan of this data set, or None. Another
    depot, or not one of its sites in the data, means the wrong plan file was given."""
    if previous.get("depot") and previous["depot"] != instance.settings.depot:
        return (f"it starts from depot {previous['depot']}, the data from "
                f"{instance.settings.depot}")
    ids = {s.id for s in instance.sites if s.kind != "depot"}
    theirs = {s["id"] for s in previous.get("sites", []) if s.get("kind") != "depot"}
    if theirs and not (ids & theirs):
        return "none of its sites is in the data"
    return None


def first_difference(previous: Plan, instance: Instance, period: Period
                     ) -> tuple[date | None, str]:
    """The first date on which the data differs from the published plan's data, and
    what differs: a closure added, removed or changed dates its change; a change in
    sites or vehicles has no date (None: --from must be given)."""
    def key(c: Closure | dict[str, Any]) -> tuple:
        return (c["start"], c["end"], c.get("reason", ""), tuple(c.get("sites") or ()),
                tuple(c.get("vehicles") or ()))

    theirs = {key(c) for c in previous.get("calendar", {}).get("closures", [])}
    ours = {key(closure_entry(c)) for c in instance.settings.closures}
    dates = []
    for k in theirs ^ ours:
        start, end = date.fromisoformat(k[0]), date.fromisoformat(k[1])
        if end >= period.start and start <= period.end:
            dates.append(max(start, period.start))
    if dates:
        d = min(dates)
        return d, f"closures differ from {d}"
    ours_s = {s.id: site_entry(s) for s in instance.sites}
    theirs_s = {s["id"]: s for s in previous.get("sites", [])}
    diff_sites = sorted(sid for sid in set(ours_s) | set(theirs_s)
                        if sid not in ours_s or sid not in theirs_s
                        or any(theirs_s[sid].get(k) != v for k, v in ours_s[sid].items()))
    ours_v = [vehicle_entry(v) for v in instance.settings.vehicles]
    if diff_sites or ours_v != previous.get("vehicles", ours_v):
        what = (f"sites {', '.join(diff_sites[:5])}" if diff_sites else "vehicles")
        return None, f"{what} changed, which has no date"
    return period.start, "nothing differs"

