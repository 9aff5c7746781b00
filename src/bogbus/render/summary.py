"""The text summary `bogbus plan` prints: figures, bound, unserved, re-plan changes.

Formatting lives here, not in the CLI, so the CLI only parses, calls and prints, and
other front ends (a notebook, a report) can show the same summary.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..plan.document import Kpis, Plan
from .shortfall import shortfall_lines


def plan_summary(data: Plan) -> list[str]:
    """The summary of a plan dict as lines of text (English: it is for the planner)."""
    lines: list[str] = []
    say = lines.append
    k = data["kpis"]
    v = k["visits"]
    say(f"{data['scenario']} {data['quarter']} ({data['period']['start']} – "
        f"{data['period']['end']})")
    say(f"  km {k['km_total']:.1f}   drive {k['drive_hours']:.1f} h   "
        f"public service {k['public_service_hours']:.1f} h   CO2 {k['co2_kg']:.0f} kg")
    say(f"  visits: {v.get('stop', 0)} stop, {v.get('daycare', 0)} daycare, "
        f"{v.get('nursing_home', 0)} nursing home"
        + (f", {v['branch']} branch" if v.get("branch") else "")
        + f"   routes {k['service_days']}")
    say(_reach_line(k))
    if k.get("institutions_visited"):
        say(f"  institutions on one weekday all quarter: {k['institutions_one_weekday']} "
            f"of {k['institutions_visited']}")
    rot = data.get("rotation")
    if isinstance(rot, dict):
        used = sum(1 for n in rot.get("uses", {}).values() if n)
        say(f"  collections: {sum(rot.get('uses', {}).values())} deliveries, {used} of "
            f"{len(rot.get('collections', []))} collections in use, no repeat within "
            f"{rot.get('no_repeat_weeks')} weeks"
            + ("" if not rot.get("shortfall") else " except:"))
        for line in shortfall_lines(data):  # in Danish: the words staff pass on
            say(f"    {line}")
    if k.get("lower_bound_km") is not None:
        scope = k.get("lower_bound_scope")
        if scope == "template_week":
            say(f"  timetable {k['template_km_per_week']:.1f} km/week, proven lower bound "
                f"{k['lower_bound_km']:.1f} km/week: gap {k['gap_pct']:.2f} % "
                "(public stops, average week)")
        else:
            say(f"  lower bound {k['lower_bound_km']:.1f} km, gap {k['gap_pct']:.2f} % "
                f"({scope})")
    elif k.get("lower_bound_note"):
        say(f"  lower bound: not available ({k['lower_bound_note']})")
    s = data["solver"]
    limit = f"limit {s['time_limit_s']} s, " if s.get("time_limit_s") is not None else ""
    say(f"  runtime {s['runtime_s']:.1f} s ({limit}seed {s['seed']})")
    if s.get("clock_cut"):
        say(f"  the clock, not the work budget, ended: {', '.join(s['clock_cut'])} "
            f"({s['template_day_solves']} of {s['work']} day solves; "
            "not reproducible — see --work)")
    if data["unserved"]:
        say(f"  UNSERVED: {len(data['unserved'])}")
        for u in data["unserved"]:
            say(f"    {u['site_id']}{' ' + u['date'] if u['date'] else ''}: {u['reason']}")
    else:
        say("  unserved: none")
    if "replan" in data:
        r = data["replan"]
        say(f"  re-plan against {r['previous']['scenario']} {r['previous']['quarter']}: "
            f"{r['kept']} stops kept, {r['moved']} moved, {r['dropped']} dropped, "
            f"{r['added']} added")
        for c in r["changes"]:
            a, b = c["from"], c["to"]
            say(f"    {c['site_id']}: "
                f"{a['weekday'] + ' ' + a['arrival'] if a else 'new'} → "
                f"{b['weekday'] + ' ' + b['arrival'] if b else 'none'}: {c['reason']}")
    return lines


def _reach_line(k: Kpis) -> str:
    """Unique people and person-visits, both named (a board reading "children reached"
    must not be given child-visits)."""
    return (f"  reach: {k['children_unique']} children in the daycares served "
            f"({k['child_visits']} child-visits), {k['residents_unique']} nursing-home "
            f"residents ({k['resident_visits']} resident-visits)")


def year_summary(plans: Sequence[Plan]) -> list[str]:
    """The totals of a year's plans (unique reach counted once over the year)."""
    from .report import group_figures

    t = group_figures(plans)["totals"]
    return [f"{plans[0]['scenario']} {str(plans[0]['quarter'])[:4]} (year)",
            f"  km {t['km']:.1f}   public service {t['public_service_hours']:.1f} h   "
            f"CO2 {t['co2_kg']:.0f} kg   unserved {t['unserved']}",
            _reach_line(t)]


def repair_summary(data: Plan, how: str = "") -> list[str]:
    """The change list of a repaired plan (`plan --previous P --from D`) as lines."""
    r = data.get("repair")
    if not isinstance(r, dict):
        return []
    c = r["counts"]
    lines = [f"  repair from {r['from']}{' (' + how + ')' if how else ''}: "
             f"{c.get('kept', 0)} visits kept, {c['cancelled']} cancelled, {c['moved']} moved, "
             f"{c['released']} released, {c['added']} added"]
    for ch in r["changes"]:
        a, b = ch["old"], ch["new"]
        lines.append(f"    {ch['change']:9} {ch['site_id']}: "
                     f"{a['date'] + ' ' + a['arrival'] if a else '–'} → "
                     f"{b['date'] + ' ' + b['arrival'] if b else '–'}: {ch['reason']}")
    return lines
