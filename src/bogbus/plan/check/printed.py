"""What citizens read is what was checked: the printed timetable and the stored data.

Posters, the køreplan, timetable.csv and bogbus.ics are rendered from the plan's
`stop_timetable` and its stored `sites` — not from `routes`. So a plan whose
timetable says 17:00 while its routes arrive at 16:00, or whose stored site name
differs from the data, would print something no rule verified. These rules tie the
printed parts to the routes and to the data, and make the unserved list honest.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ...calendar import rhythm_dates, week_index, weekday_key
from ...model import Instance, parse_hhmm
from .. import document as doc
from ..document import Plan, StopEntry
from ..entries import site_entry, vehicle_entry
from .context import CheckContext, Violations

StopVisit = tuple[date, str, str, str]  # (date, vehicle, arrival, departure)


def route_stop_visits(plan: Plan, ctx: CheckContext) -> dict[str, list[StopVisit]]:
    """Every visit of a public stop in the routes, per stop."""
    out: dict[str, list[StopVisit]] = defaultdict(list)
    for r in plan["routes"]:
        for v in r["visits"]:
            s = ctx.sites.get(v["site_id"])
            if s is not None and s["kind"] == "stop":
                out[v["site_id"]].append((date.fromisoformat(r["date"]), r["vehicle"],
                                          v["arrival"], v["departure"]))
    return out


def check_stop_timetable(plan: Plan, ctx: CheckContext, out: Violations) -> None:
    """Each `stop_timetable` entry is one public stop's slot exactly as the routes drive it:
    same vehicle, weekday, arrival and departure on every listed date, every rhythm date
    either listed or skipped for the day off the calendar gives, and no stop driven
    without an entry (posters would not show it) or listed without its visits."""
    visits = route_stop_visits(plan, ctx)
    seen: set[str] = set()
    for e in plan.get("stop_timetable", []):
        sid = e["site_id"]
        if sid in seen:
            out.add("timetable", "listed twice in stop_timetable", None, sid)
            continue
        seen.add(sid)
        s = ctx.sites.get(sid)
        if s is None:
            out.add("timetable", "stop_timetable names a site that is not in the data",
                    None, sid)
            continue
        if s["kind"] != "stop":
            out.add("timetable", f"stop_timetable lists a {s['kind']}, not a public stop",
                    None, sid)
            continue
        _entry_matches_site(e, s, ctx, out)
        _entry_matches_calendar(e, s, ctx, out)
        mine = visits.get(sid, [])
        if e.get("valid_from"):  # a slot new in a repair: the visits before are the old slot's
            mine = [v for v in mine if v[0] >= date.fromisoformat(e["valid_from"])]
        _entry_matches_routes(e, mine, out)
    for sid in sorted(set(visits) - seen):
        out.add("timetable", f"driven {len(visits[sid])} time(s) but missing from "
                "stop_timetable, so no poster, CSV or calendar shows it", None, sid)


def _entry_matches_site(e: StopEntry, s: doc.Site, ctx: CheckContext,
                        out: Violations) -> None:
    sid = e["site_id"]
    n = s.get("every_weeks") or 1
    if (e.get("every_weeks") or 1) != n:
        out.add("timetable", f"timetable says every {e.get('every_weeks')} weeks, the data "
                f"says every {n}", None, sid)
    arr, dep = parse_hhmm(e["arrival"]), parse_hhmm(e["departure"])
    if dep - arr != s["duration_min"]:
        out.add("timetable", f"timetable {e['arrival']}–{e['departure']} is {dep - arr} min, "
                f"the stop takes {s['duration_min']}", None, sid)
    if (earliest := s["earliest"]) and arr < parse_hhmm(earliest):
        out.add("timetable", f"timetable arrival {e['arrival']} is before earliest "
                f"{s['earliest']}", None, sid)
    if (latest := s["latest"]) and dep > parse_hhmm(latest):
        out.add("timetable", f"timetable departure {e['departure']} is after latest "
                f"{s['latest']}", None, sid)
    if e["weekday"] not in s["days"]:
        out.add("timetable", f"timetable weekday {e['weekday']} is not one of the stop's days "
                f"({','.join(s['days'])})", None, sid)
    v = ctx.vehicles.get(e["vehicle"])
    if v is None:
        out.add("timetable", f"timetable vehicle {e['vehicle']!r} is not in the data", None, sid)
    elif e["weekday"] not in v["shifts"]:
        out.add("timetable", f"{e['vehicle']} does not run on {e['weekday']}", None, sid)
    if arr % ctx.round_to_min:
        out.add("timetable", f"timetable arrival {e['arrival']} is not on the "
                f"{ctx.round_to_min}-minute grid", None, sid)


def _entry_matches_calendar(e: StopEntry, s: doc.Site, ctx: CheckContext,
                            out: Violations) -> None:
    """dates + skipped are exactly the stop's rhythm dates; skipped ones are days off
    with the calendar's reason (for everyone, the stop's vehicle or the stop) or dates
    listed unserved, listed ones are not. A slot new in a repair (`valid_from`) is
    due from that date."""
    sid, n = e["site_id"], s.get("every_weeks") or 1
    vname = e["vehicle"]
    start = date.fromisoformat(e["valid_from"]) if e.get("valid_from") else None
    phase = e.get("week_phase")
    listed = [date.fromisoformat(d) for d in e["dates"]]
    skipped = {date.fromisoformat(x["date"]): x["reason"] for x in e["skipped"]}
    if not isinstance(phase, int) or not 0 <= phase < n:
        known = listed or sorted(skipped)
        phase = week_index(known[0]) % n if known else 0
    due = {d for d in rhythm_dates(ctx.period, e["weekday"], n, phase)
           if start is None or d >= start}
    for d in listed:
        if d not in due:
            out.add("timetable", f"listed date {d} is not a {e['weekday']} of its every-{n}-"
                    "weeks rhythm in the quarter", d.isoformat(), sid)
        elif (off := ctx.calendar.off_reason(d, vname, sid)) is not None:
            out.add("timetable", f"listed date {d} is a day off ({off})", d.isoformat(), sid)
    for d, reason in sorted(skipped.items()):
        off = ctx.calendar.off_reason(d, vname, sid)
        if (sid, d.isoformat()) in ctx.unserved_dates and d in due:
            continue  # cancelled with its reason in the unserved list (a repair)
        if d not in due:
            out.add("timetable", f"skipped date {d} is not one of its rhythm dates",
                    d.isoformat(), sid)
        elif off is None:
            out.add("timetable", f"skipped date {d} is not a holiday or closure",
                    d.isoformat(), sid)
        elif off != reason:
            out.add("timetable", f"skipped date {d} gives the reason {reason!r}, the calendar "
                    f"says {off!r}", d.isoformat(), sid)
    for d in sorted(due - set(listed) - set(skipped)):
        out.add("timetable", f"rhythm date {d} is neither listed nor skipped", d.isoformat(),
                sid)
    if len(set(listed)) != len(listed):
        out.add("timetable", "a date is listed twice", None, sid)


def _entry_matches_routes(e: StopEntry, visits: list[StopVisit], out: Violations) -> None:
    sid = e["site_id"]
    listed = set(e["dates"])
    driven = {d.isoformat() for d, _, _, _ in visits}
    for day_s in sorted(listed - driven):
        out.add("timetable", f"the timetable lists {day_s} but no route visits the stop that "
                "day", day_s, sid)
    for day_s in sorted(driven - listed):
        out.add("timetable", f"a route visits the stop on {day_s}, which the timetable does "
                "not list", day_s, sid)
    for d, vehicle, arr, dep in sorted(visits):
        if d.isoformat() not in listed:
            continue
        if weekday_key(d) != e["weekday"]:
            out.add("timetable", f"visited on {weekday_key(d)}, the timetable says "
                    f"{e['weekday']}", d.isoformat(), sid)
        if (arr, dep) != (e["arrival"], e["departure"]):
            out.add("timetable", f"the route is there {arr}–{dep}, the timetable prints "
                    f"{e['arrival']}–{e['departure']}", d.isoformat(), sid)
        if vehicle != e["vehicle"]:
            out.add("timetable", f"served by {vehicle}, the timetable says {e['vehicle']}",
                    d.isoformat(), sid)


def check_unserved_honest(plan: Plan, ctx: CheckContext, out: Violations) -> None:
    """Nothing listed as unserved was served: a public stop listed without a date has no
    visit, and no site listed for a date is visited that date."""
    visited: dict[str, set[str]] = defaultdict(set)
    for r in plan["routes"]:
        for v in r["visits"]:
            visited[v["site_id"]].add(r["date"])
    for u in plan["unserved"]:
        sid, day = u["site_id"], u.get("date")
        s = ctx.sites.get(sid)
        if day and day in visited.get(sid, ()):
            out.add("unserved", "listed as unserved on a day it is visited", day, sid)
        elif not day and s is not None and s["kind"] == "stop" and visited.get(sid):
            out.add("unserved", f"listed as unserved but visited {len(visited[sid])} time(s)",
                    None, sid)


def check_stored_data(plan: Plan, instance: Instance | None,
                      out: Violations) -> bool:
    """Against fresh data: the plan records which data it was made from, and the sites,
    vehicles, depot and library the renderers print from the plan are the data's.
    False when the plan's sites are not the data's (then the route rules would only
    repeat that in a hundred ways, or fail on sites the data does not have)."""
    if instance is None:
        return True
    if instance.inputs_sha256 and not plan.get("inputs_sha256"):  # data read from files
        out.add("data", "the plan does not record inputs_sha256, so nothing ties it to this "
                "data — re-run `bogbus plan`")
    stored = {s.get("id"): s for s in plan.get("sites", [])}
    fresh = {s.id: site_entry(s) for s in instance.sites}
    only_plan, only_data = sorted(set(stored) - set(fresh)), sorted(set(fresh) - set(stored))
    if only_plan:
        out.add("data", f"the plan has site(s) the data does not: {', '.join(only_plan[:10])}"
                + (" …" if len(only_plan) > 10 else "") + " — was it made from other data?")
    if only_data:
        out.add("data", f"the data has site(s) the plan does not: {', '.join(only_data[:10])}"
                + (" …" if len(only_data) > 10 else "") + " — was the plan made from other "
                "data?")
    for sid in sorted(set(stored) & set(fresh)):
        for key, value in fresh[sid].items():
            if stored[sid].get(key) != value:
                out.add("data", f"the plan stores {key} {stored[sid].get(key)!r}, the data "
                        f"says {value!r}", None, sid)
    st = instance.settings
    vehicles = {v.get("name"): v for v in plan.get("vehicles", [])}
    for v in st.vehicles:
        entry = vehicle_entry(v)
        if vehicles.get(v.name) != entry:
            out.add("data", f"vehicle {v.name}: the plan stores "
                    f"{vehicles.get(v.name)!r}, the data says {entry!r}")
    for name in sorted(set(vehicles) - {v.name for v in st.vehicles}):
        out.add("data", f"the plan has vehicle {name!r}, the data does not")
    if plan.get("depot") != st.depot:
        out.add("data", f"the plan's depot is {plan.get('depot')!r}, the data's {st.depot!r}")
    library = plan.get("library") or {}
    if (library.get("name"), library.get("contact")) != (st.name, st.contact):
        out.add("data", "the library name or contact printed on the posters differs from "
                "settings.yaml")
    return not (only_plan or only_data)
