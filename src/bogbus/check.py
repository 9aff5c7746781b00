"""`bogbus check`: re-verify a plan against its data and every regularity rule.

Deliberately independent of the solver: it reads only the plan dict, the data
(sites, vehicles, calendar) and the travel model, and re-derives every time and
distance. Tests run it on every plan they make.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from .check_rotation import check_rotation
from .calendar import build_calendar, parse_quarter, week_index, weekday_key
from .kpis import compute_kpis
from .model import WEEKDAYS, Closure, Instance, Site, parse_hhmm
from .plan import _site_entry, _vehicle_entry
from .travel import build_travel
from .travel.greatcircle import greatcircle_matrix


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    date: str | None = None
    site_id: str | None = None

    def __str__(self) -> str:
        where = " ".join(x for x in (self.date, self.site_id) if x)
        return f"[{self.rule}] {where + ': ' if where else ''}{self.message}"


def _m(t: str) -> int:
    return parse_hhmm(t)


def _travel_for(plan: dict, instance: Instance | None):
    if instance is not None:
        return build_travel(instance)
    tm = plan.get("travel_model", {})
    if tm.get("model") != "greatcircle":
        return None  # legs cannot be re-derived without the source data
    sites = [Site(s["id"], s["kind"], s["name"], s["lat"], s["lon"]) for s in plan["sites"]]
    return greatcircle_matrix(sites, float(tm["circuity"]), float(tm["speed_kmh"]))


def check_plan(plan: dict, instance: Instance | None = None) -> list[Violation]:
    """All rule violations found in the plan (empty list: the plan is valid)."""
    out: list[Violation] = []

    def bad(rule: str, msg: str, day: str | None = None, sid: str | None = None) -> None:
        out.append(Violation(rule, msg, day, sid))

    for key in ("schema", "quarter", "period", "routes", "unserved", "kpis", "calendar"):
        if key not in plan:
            bad("schema", f"missing key {key!r}")
    if out:
        return out

    if instance is not None:
        sites = {s.id: _site_entry(s) for s in instance.sites}
        vehicles = {v.name: _vehicle_entry(v) for v in instance.settings.vehicles}
        depot = instance.settings.depot
        tol = instance.settings.outreach_tolerance_days
        step = instance.settings.round_to_min
        period = parse_quarter(plan["quarter"])
        cal = build_calendar(period, instance.settings.holidays, instance.settings.closures,
                             instance.settings.optional_holidays)
        if plan.get("inputs_sha256") and plan["inputs_sha256"] != instance.inputs_sha256:
            bad("data", "the data changed since this plan was made (inputs_sha256 differs)")
    else:
        sites = {s["id"]: s for s in plan["sites"]}
        vehicles = {v["name"]: v for v in plan["vehicles"]}
        depot = plan["depot"]
        tol = plan["settings"]["outreach_tolerance_days"]
        step = plan["settings"]["round_to_min"]
        period = parse_quarter(plan["quarter"])
        closures = tuple(Closure(date.fromisoformat(c["start"]), date.fromisoformat(c["end"]),
                                 c["reason"]) for c in plan["calendar"]["closures"])
        cal = build_calendar(period, None, closures)
        cal.holidays.update({date.fromisoformat(h["date"]): h["name"]
                             for h in plan["calendar"]["holidays"]})
    travel = _travel_for(plan, instance)
    tindex = travel.index() if travel else {}

    unserved_sites = {u["site_id"] for u in plan["unserved"]}
    for u in plan["unserved"]:
        if u["site_id"] not in sites:
            bad("unserved", "unknown site id", u.get("date"), u["site_id"])
        if not str(u.get("reason", "")).strip():
            bad("unserved", "no reason given", u.get("date"), u["site_id"])

    visits_by_site: dict[str, list[tuple[date, int, str]]] = defaultdict(list)
    seen_route = set()
    for r in plan["routes"]:
        day_s = r["date"]
        day = date.fromisoformat(day_s)
        vname = r["vehicle"]
        if (vname, day_s) in seen_route:
            bad("route", f"two routes for vehicle {vname}", day_s)
        seen_route.add((vname, day_s))
        v = vehicles.get(vname)
        if v is None:
            bad("route", f"unknown vehicle {vname!r}", day_s)
            continue
        if day not in period:
            bad("calendar", "date outside the quarter", day_s)
        wd = weekday_key(day)
        if wd not in v["shifts"]:
            bad("shift", f"{vname} does not run on {wd}", day_s)
            continue
        off = cal.off_reason(day)
        if off:
            bad("calendar", f"the bus drives on a day off ({off})", day_s)
        s0, s1 = (_m(x) for x in v["shifts"][wd].split("-"))
        start, end = _m(r["start"]), _m(r["end"])
        if start < s0 or end > s1:
            bad("shift", f"route {r['start']}–{r['end']} outside shift {v['shifts'][wd]}", day_s)
        legs, visits = r["legs"], r["visits"]
        if len(legs) != len(visits) + 1:
            bad("legs", f"{len(legs)} legs for {len(visits)} visits (need visits + 1)", day_s)
            continue
        chain = [depot] + [x["site_id"] for x in visits] + [depot]
        for i, leg in enumerate(legs):
            if (leg["from"], leg["to"]) != (chain[i], chain[i + 1]):
                bad("legs", f"leg {i} is {leg['from']}→{leg['to']}, expected "
                            f"{chain[i]}→{chain[i + 1]}", day_s)
            elif travel is not None:
                km, mins = travel.leg(leg["from"], leg["to"])
                if abs(km - leg["km"]) > 0.05 or mins != leg["min"]:
                    bad("legs", f"leg {leg['from']}→{leg['to']} says {leg['km']} km/{leg['min']} "
                                f"min, travel model gives {km} km/{mins} min", day_s)
        if abs(sum(x["km"] for x in legs) - r["km"]) > 0.05 + 0.01 * len(legs):
            bad("km", f"route km {r['km']} ≠ sum of legs", day_s)
        if sum(x["min"] for x in legs) != r["drive_min"]:
            bad("km", "drive_min ≠ sum of leg minutes", day_s)
        if v.get("max_km_per_day") is not None and r["km"] > v["max_km_per_day"] + 1e-6:
            bad("range", f"{r['km']} km exceeds max_km_per_day {v['max_km_per_day']}", day_s)
        # timing: arrive after the drive, serve the full duration, stay in windows
        gaps = []  # (from departure, to arrival, drive minutes)
        prev_dep = start
        crates = 0
        seen = set()
        for i, x in enumerate(visits):
            sid = x["site_id"]
            s = sites.get(sid)
            if s is None:
                bad("visit", "unknown site id", day_s, sid)
                continue
            if sid in seen:
                bad("visit", "visited twice on one route", day_s, sid)
            seen.add(sid)
            arr, dep = _m(x["arrival"]), _m(x["departure"])
            gaps.append((prev_dep, arr, legs[i]["min"]))
            if arr < prev_dep + legs[i]["min"]:
                bad("timing", f"arrives {x['arrival']} but cannot be there before "
                              f"{prev_dep + legs[i]['min']} min", day_s, sid)
            if dep - arr != s["duration_min"]:
                bad("timing", f"stays {dep - arr} min, needs {s['duration_min']}", day_s, sid)
            if s.get("earliest") and arr < _m(s["earliest"]):
                bad("window", f"arrives {x['arrival']} before earliest {s['earliest']}", day_s, sid)
            if s.get("latest") and dep > _m(s["latest"]):
                bad("window", f"leaves {x['departure']} after latest {s['latest']}", day_s, sid)
            if s["kind"] != "stop" and arr % step:
                bad("grid", f"arrives {x['arrival']}, not on the {step}-minute grid", day_s, sid)
            if wd not in s["days"]:
                bad("window", f"visited on {wd}, allowed {','.join(s['days'])}", day_s, sid)
            if s.get("vehicles") and vname not in s["vehicles"]:
                bad("vehicle", f"served by {vname}, allowed {s['vehicles']}", day_s, sid)
            if s["kind"] != "stop":
                crates += s.get("crates") or 0
            visits_by_site[sid].append((day, arr, vname))
            prev_dep = dep
        gaps.append((prev_dep, end, legs[-1]["min"]))
        if end < prev_dep + legs[-1]["min"]:
            bad("timing", f"back at depot {r['end']} before the drive is over", day_s)
        cap = v.get("crate_capacity")
        if cap is not None and crates > cap:
            bad("crates", f"{crates} crates exceed crate_capacity {cap}", day_s)
        br = v.get("break")
        if br:
            b = r.get("break")
            if not b:
                bad("break", "no lunch break", day_s)
            else:
                bs, be = _m(b["start"]), _m(b["end"])
                if be - bs != br["minutes"]:
                    bad("break", f"break is {be - bs} min, needs {br['minutes']}", day_s)
                if bs < _m(br["earliest"]) or be > _m(br["latest"]):
                    bad("break", f"break {b['start']}–{b['end']} outside "
                                 f"{br['earliest']}–{br['latest']}", day_s)
                if not any(a <= bs and be <= z and z - a >= drive + br["minutes"]
                           for a, z, drive in gaps):
                    bad("break", "break overlaps a visit or a drive", day_s)

    # public stops: same weekday, time and vehicle; every N weeks without gaps
    for sid, s in sites.items():
        if s["kind"] == "depot" or not s.get("every_weeks"):
            continue
        vs = sorted(visits_by_site.get(sid, []))
        if not vs:
            if sid not in unserved_sites:
                bad("dropped", "never visited and not listed as unserved", None, sid)
            continue
        n = s["every_weeks"]
        if s["kind"] == "stop":
            if len({weekday_key(d) for d, _, _ in vs}) > 1:
                bad("regular", "visited on more than one weekday", None, sid)
            if len({a for _, a, _ in vs}) > 1:
                bad("regular", "arrival time differs between visits", None, sid)
            if vs[0][1] % step:
                bad("regular", f"arrival not on the {step}-minute grid", None, sid)
            if len({week_index(d) % n for d, _, _ in vs}) > 1:
                bad("regular", f"visits do not keep an every-{n}-weeks rhythm", None, sid)
            wd = WEEKDAYS.index(weekday_key(vs[0][0]))
            phase = week_index(vs[0][0]) % n
            vname = vs[0][2]
            visited = {d for d, _, _ in vs}
            day = period.start - timedelta(period.start.weekday()) + timedelta(wd)
            while day <= period.end:
                if (day >= period.start and week_index(day) % n == phase
                        and cal.off_reason(day) is None and day not in visited
                        and weekday_key(day) in vehicles[vname]["shifts"]):
                    bad("regular", "rhythm date without a visit (not a holiday or closure)",
                        day.isoformat(), sid)
                day += timedelta(7)
        else:
            P = 7 * n
            relaxed = sid in unserved_sites  # a listed missed visit explains a gap
            ds = [d for d, _, _ in vs]
            for a, b in zip(ds, ds[1:]):
                g = cal.open_days_between(a, b)
                if relaxed:
                    ok = any(abs(g - r * P) <= tol for r in range(1, 1 + g // max(1, P - tol)))
                else:
                    ok = abs(g - P) <= tol
                if not ok:
                    bad("spacing", f"{g} days between visits {a} and {b}, expected {P} ±{tol}",
                        b.isoformat(), sid)
            if not relaxed:
                if cal.open_days_between(period.start, ds[0]) > P - 1:
                    bad("spacing", f"first visit {ds[0]} later than the first {n} weeks",
                        ds[0].isoformat(), sid)
                if cal.open_days_between(ds[-1], period.end) > P - 1:
                    bad("spacing", f"last visit {ds[-1]} leaves more than {n} weeks uncovered",
                        ds[-1].isoformat(), sid)

    check_rotation(plan, instance, bad)  # rotating collections (check_rotation.py)

    kp = compute_kpis(plan) if "sites" in plan else None
    if kp:
        for k in ("km_total", "drive_hours", "public_service_hours", "visits",
                  "children_reached", "co2_kg", "institutions_one_weekday"):
            if plan["kpis"].get(k) != kp[k]:
                bad("kpis", f"{k} is {plan['kpis'].get(k)}, routes give {kp[k]}")
    lb, tk = plan["kpis"].get("lower_bound_km"), plan["kpis"].get("template_km_per_week")
    if isinstance(lb, (int, float)) and isinstance(tk, (int, float)):
        if lb > tk + 1e-9:  # a bound above a timetable that exists cannot be a bound
            bad("kpis", f"lower bound {lb} km/week is above the timetable's {tk} km/week")
        elif tk > 0 and plan["kpis"].get("gap_pct") != round((tk - lb) / tk * 100, 2):
            bad("kpis", f"gap_pct is {plan['kpis'].get('gap_pct')}, the lower bound and "
                        f"template km give {round((tk - lb) / tk * 100, 2)}")
    return out
