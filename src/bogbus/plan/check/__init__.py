"""`bogbus check`: re-verify a plan against its data and every regularity rule.

Deliberately independent of the solver: it reads only the plan dict, the data
(sites, vehicles, calendar) and the travel model, and re-derives every time and
distance. It imports nothing from `bogbus.solve` (a test walks the imports), so a
bug in the planner cannot hide in shared code. Tests run it on every plan they make.

One module per rule family: `context` (what the plan is checked against),
`routes` (vehicle, calendar, shift, legs, km, range), `visits` (timing, windows,
vehicles, crates), `breaks`, `rhythm` (public stops' regularity, outreach spacing —
across the quarter boundary too —, unserved listing; `check_rhythm_across` for
`check --previous` of the quarter before and for a year folder), `printed` (the
stop timetable posters print, the stored data, an honest unserved list), `rotation`
(collections: where each one is, loads per leg, repeats) and `figures` (kpis
re-derived from the routes).
"""

from __future__ import annotations

from ...model import Instance
from ..document import Plan
from .breaks import check_break
from .context import Violation, Violations, context_for
from .figures import check_figures
from .printed import check_stop_timetable, check_stored_data, check_unserved_honest
from .rhythm import (
    anchored_start_problem,
    check_outreach_spacing,
    check_stop_rhythm,
    check_unserved_list,
)
from .rotation import check_rotation
from .routes import check_route_frame
from .visits import check_visits

__all__ = ["Violation", "check_plan"]

_REQUIRED = ("schema", "quarter", "period", "routes", "unserved", "kpis", "calendar")


def check_plan(plan: Plan, instance: Instance | None = None) -> list[Violation]:
    """All rule violations found in the plan (empty list: the plan is valid)."""
    out = Violations()
    for key in _REQUIRED:
        if key not in plan:
            out.add("schema", f"missing key {key!r}")
    if out:
        return list(out)
    if not check_stored_data(plan, instance, out):
        return list(out)  # a plan of other data: said once, not as a hundred route errors
    ctx = context_for(plan, instance, out)
    check_unserved_list(plan, ctx, out)
    check_unserved_honest(plan, ctx, out)
    seen_route: set[tuple[str, str]] = set()
    for r in plan["routes"]:
        frame = check_route_frame(r, ctx, seen_route, out)
        if frame is None:  # unknown vehicle, no shift that day or broken legs: nothing to time
            continue
        gaps = check_visits(r, frame, ctx, out)
        check_break(r, frame, gaps, out)
    for sid, s in ctx.sites.items():
        every = s["every_weeks"]
        if s["kind"] == "depot" or not every:
            continue
        visits = sorted(ctx.visits_by_site.get(sid, []))
        if not visits:
            if sid in ctx.anchors and s["kind"] != "stop" and sid not in ctx.new_in_repair:
                why = anchored_start_problem(7 * every, ctx.tolerance_days,
                                             ctx.span_gap(sid), ctx.anchors[sid], ctx.period,
                                             None, sid in ctx.unserved_sites)
                if why:  # a rhythm longer than the quarter may have no visit in it
                    out.add("dropped", why, None, sid)
            elif sid not in ctx.unserved_sites:
                out.add("dropped", "never visited and not listed as unserved", None, sid)
            continue
        if s["kind"] == "stop":
            check_stop_rhythm(sid, every, visits, ctx, out)
        else:
            check_outreach_spacing(sid, every, visits, ctx, out)
    check_rotation(plan, instance, out.add)
    check_stop_timetable(plan, ctx, out)  # what posters, CSV and ICS print
    check_figures(plan, out)
    return list(out)
