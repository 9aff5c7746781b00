"""Rules of each visit on a route: arrive after the drive, stay the full duration,
inside the site's window, weekdays and allowed vehicles, within the crate capacity;
institutions arrive on the `round_to_min` grid."""

from __future__ import annotations

from datetime import date

from ...model import parse_hhmm
from .. import document as doc
from ..document import Route
from .context import CheckContext, Violations
from .routes import RouteFrame

Gap = tuple[int, int, int]  # (from departure, to arrival, drive minutes) between two stops


def _site_rules(s: doc.Site, x: doc.Visit, arr: int, dep: int, wd: str,
                vname: str, day_s: str, out: Violations) -> None:
    """A visit against its site's rules: duration, window, weekdays, vehicles."""
    sid = x["site_id"]
    if dep - arr != s["duration_min"]:
        out.add("timing", f"stays {dep - arr} min, needs {s['duration_min']}", day_s, sid)
    if (earliest := s["earliest"]) and arr < parse_hhmm(earliest):
        out.add("window", f"arrives {x['arrival']} before earliest {s['earliest']}",
                day_s, sid)
    if (latest := s["latest"]) and dep > parse_hhmm(latest):
        out.add("window", f"leaves {x['departure']} after latest {s['latest']}", day_s, sid)
    if wd not in s["days"]:
        out.add("window", f"visited on {wd}, allowed {','.join(s['days'])}", day_s, sid)
    if (allowed := s.get("vehicles")) and vname not in allowed:
        out.add("vehicle", f"served by {vname}, allowed {allowed}", day_s, sid)


def check_visits(r: Route, frame: RouteFrame, ctx: CheckContext,
                 out: Violations) -> list[Gap]:
    """Check the visits of a route; return the gaps between them (for the break rule)."""
    day_s, wd, vname = frame.day, frame.weekday, r["vehicle"]
    legs = r["legs"]
    gaps: list[Gap] = []
    prev_dep = frame.start
    crates: float = 0
    seen: set[str] = set()
    for i, x in enumerate(r["visits"]):
        sid = x["site_id"]
        s = ctx.sites.get(sid)
        if s is None:
            out.add("visit", "unknown site id", day_s, sid)
            continue
        if sid in seen:
            out.add("visit", "visited twice on one route", day_s, sid)
        seen.add(sid)
        arr, dep = parse_hhmm(x["arrival"]), parse_hhmm(x["departure"])
        gaps.append((prev_dep, arr, legs[i]["min"]))
        if arr < prev_dep + legs[i]["min"]:
            out.add("timing", f"arrives {x['arrival']} but cannot be there before "
                              f"{prev_dep + legs[i]['min']} min", day_s, sid)
        day = date.fromisoformat(day_s)
        if not ctx.is_fact(day):
            _site_rules(s, x, arr, dep, wd, vname, day_s, out)
            if s["kind"] != "stop" and arr % ctx.round_to_min:
                out.add("grid", f"arrives {x['arrival']}, not on the {ctx.round_to_min}-minute "
                        "grid", day_s, sid)
        site_off = ctx.calendar.off_reason(day, site=sid)
        if site_off and not ctx.calendar.off_reason(day, vname):
            out.add("calendar", f"visited while the site is closed ({site_off})", day_s, sid)
        if s["kind"] != "stop":
            crates += s.get("crates") or 0
        ctx.visits_by_site[sid].append((date.fromisoformat(day_s), arr, vname))
        prev_dep = dep
    gaps.append((prev_dep, frame.end, legs[-1]["min"]))
    if frame.end < prev_dep + legs[-1]["min"]:
        out.add("timing", f"back at depot {r['end']} before the drive is over", day_s)
    cap = frame.vehicle.get("crate_capacity")
    if cap is not None and crates > cap:
        out.add("crates", f"{crates} crates exceed crate_capacity {cap}", day_s)
    return gaps
