"""Regularity rules: a public stop keeps one weekday, time and vehicle every N weeks
without gaps (days off aside); outreach visits are spaced N weeks ± tolerance — also
across the quarter boundary, from the last visit of the quarter before (the plan's
`rhythm` section, and `check --previous` / a year folder against the plan before);
every unserved entry names a known site and a reason.

Re-derived here from the plan dicts, never taken from the planner (docs/outreach.md,
"The visit rhythm"): the first visit of a continued rhythm comes N weeks ± tolerance of
open days (closure days do not count) after the last visit before the quarter, unless
the site is listed unserved (a listed missed visit explains a longer gap); when that
visit was due, tolerance included, before the quarter began, it is overdue and the
first visit falls within the quarter's first N weeks, as without a last visit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ...calendar import parse_quarter, rhythm_dates, week_index, weekday_key
from ...model import Instance
from ..document import Plan
from .context import CheckContext, Violation, Violations, context_for

Visit = tuple[date, int, str]  # (date, arrival minutes, vehicle)


def check_unserved_list(plan: Plan, ctx: CheckContext, out: Violations) -> None:
    """Each unserved entry names a site of the data and gives a reason. A stop's reason
    may open with "proven infeasible" (no slot even alone) or "not proven infeasible";
    both are accepted, but a stop proven infeasible cannot also have a timetable slot."""
    slotted = {e["site_id"] for e in plan.get("stop_timetable", [])}
    for u in plan["unserved"]:
        if u["site_id"] not in ctx.sites:
            out.add("unserved", "unknown site id", u.get("date"), u["site_id"])
        reason = str(u.get("reason", "")).strip()
        if not reason:
            out.add("unserved", "no reason given", u.get("date"), u["site_id"])
        elif reason.startswith("proven infeasible") and u["site_id"] in slotted:
            out.add("unserved", "proven infeasible, yet it has a timetable slot",
                    u.get("date"), u["site_id"])


def check_stop_rhythm(sid: str, n: int, vs: list[Visit], ctx: CheckContext,
                      out: Violations) -> None:
    """Same weekday and arrival on the time grid, one every-N-weeks phase, no missing date
    (a day off for everyone, the stop's vehicle or the stop itself, or a date listed
    unserved, excuses one). A stop with a new slot in a repair: from `valid_from` on.
    `n`: the stop's every_weeks."""
    step = ctx.round_to_min
    first_day = ctx.valid_from.get(sid)
    if first_day is not None:
        vs = [v for v in vs if v[0] >= first_day]
        if not vs:
            return
    if len({weekday_key(d) for d, _, _ in vs}) > 1:
        out.add("regular", "visited on more than one weekday", None, sid)
    if len({a for _, a, _ in vs}) > 1:
        out.add("regular", "arrival time differs between visits", None, sid)
    if vs[0][1] % step:
        out.add("regular", f"arrival not on the {step}-minute grid", None, sid)
    if len({week_index(d) % n for d, _, _ in vs}) > 1:
        out.add("regular", f"visits do not keep an every-{n}-weeks rhythm", None, sid)
    first, vname = vs[0][0], vs[0][2]
    visited = {d for d, _, _ in vs}
    for day in rhythm_dates(ctx.period, weekday_key(first), n, week_index(first) % n):
        if first_day is not None and day < first_day:
            continue
        if (ctx.calendar.off_reason(day, vname, sid) is None and day not in visited
                and (sid, day.isoformat()) not in ctx.unserved_dates
                and weekday_key(day) in ctx.vehicles[vname]["shifts"]):
            out.add("regular", "rhythm date without a visit (not a holiday or closure)",
                    day.isoformat(), sid)


def check_outreach_spacing(sid: str, n: int, vs: list[Visit], ctx: CheckContext,
                           out: Violations) -> None:
    """Open days between visits within N weeks ± tolerance; the quarter's ends covered.

    A site listed as unserved may skip whole periods (a listed missed visit explains it)."""
    tol, cal = ctx.tolerance_days, ctx.calendar
    period_days = 7 * n
    relaxed = sid in ctx.unserved_sites
    ds = [d for d, _, _ in vs]
    for a, b in zip(ds, ds[1:]):
        g = cal.open_days_between(a, b, sid)
        if relaxed:
            ok = any(abs(g - r * period_days) <= tol
                     for r in range(1, 1 + g // max(1, period_days - tol)))
        else:
            ok = abs(g - period_days) <= tol
        if not ok:
            out.add("spacing", f"{g} days between visits {a} and {b}, expected "
                               f"{period_days} ±{tol}", b.isoformat(), sid)
    anchor = ctx.anchors.get(sid) if sid not in ctx.new_in_repair else None
    if anchor is not None:
        assert ctx.span is not None
        why = anchored_start_problem(period_days, tol, ctx.span_gap(sid), anchor,
                                     ctx.period, ds[0], relaxed)
        if why:
            out.add("spacing", why, ds[0].isoformat(), sid)
    if relaxed:
        return
    start = ctx.repair_from if sid in ctx.new_in_repair and ctx.repair_from else ctx.period.start
    if anchor is None and cal.open_days_between(start, ds[0], sid) > period_days - 1:
        out.add("spacing", f"first visit {ds[0]} later than the first {n} weeks",
                ds[0].isoformat(), sid)
    if cal.open_days_between(ds[-1], ctx.period.end, sid) > period_days - 1:
        out.add("spacing", f"last visit {ds[-1]} leaves more than {n} weeks uncovered",
                ds[-1].isoformat(), sid)


Gap = Callable[[date, date], int]


def anchored_start_problem(P: int, tol: int, gap: Gap, anchor: date, period: Any,
                           first: date | None, relaxed: bool) -> str | None:
    """Why the quarter's first visit (None: no visit) breaks the rhythm running on
    from `anchor`, the last visit before the quarter, or None."""
    if gap(anchor, period.start) > P + tol:  # overdue when the quarter began: afresh
        if first is None:
            return None if relaxed else "never visited and not listed as unserved"
        if relaxed or gap(period.start, first) <= P - 1:
            return None
        return (f"first visit {first} later than the first {P // 7} weeks (its visit after "
                f"{anchor} was overdue when the quarter began)")
    if first is None:
        due = gap(anchor, period.end) // P
        return (None if not due or relaxed else
                f"no visit in the quarter although its rhythm from the last visit {anchor} "
                f"is due ({due} time(s)) and it is not listed unserved")
    g = gap(anchor, first)
    expect = f"expected {P} ±{tol} (closure days not counted)"
    if g < P - tol:
        return f"first visit {first} only {g} days after the last visit {anchor}, {expect}"
    if not relaxed and abs(g - P) > tol:  # a listed missed visit explains a longer gap
        return f"first visit {first} is {g} days after the last visit {anchor}, {expect}"
    return None


def last_visits(plan: Plan) -> dict[str, date]:
    """Each institution's last visit in `plan`, else the one `plan` itself continued
    from (its `rhythm.last_visits`, e.g. a rhythm longer than the quarter): where the
    next quarter's rhythm runs on from."""
    out: dict[str, date] = {}
    section: Any = plan.get("rhythm")  # damage is reported by the plan's own check
    lv = section.get("last_visits") if isinstance(section, dict) else None
    for sid, d in (lv.items() if isinstance(lv, dict) else ()):
        try:
            out[str(sid)] = date.fromisoformat(d)
        except (TypeError, ValueError):
            continue  # the plan's own check reports the damage
    own: dict[str, date] = {}
    for r in plan.get("routes", []):
        d = date.fromisoformat(r["date"])
        for x in r["visits"]:
            if x.get("kind", "stop") not in ("stop", "depot"):
                own[x["site_id"]] = max(d, own.get(x["site_id"], d))
    return {**out, **own}


def check_rhythm_across(plan: Plan, before: Plan,
                        instance: Instance | None = None) -> list[Violation]:
    """`check PLAN --previous BEFORE` with BEFORE the plan of the quarter just before:
    every institution's first visit continues its rhythm from its last visit in
    BEFORE, and the plan says it continues from exactly those visits."""
    out = Violations()
    period, prev = parse_quarter(plan["quarter"]), parse_quarter(before["quarter"])
    if (prev.end - period.start).days != -1:
        return [Violation("rhythm", f"--previous is a plan of {prev.quarter}, not of the "
                                    f"quarter before {period.quarter} (nor a published plan "
                                    "of the same quarter, which a repair keeps)")]
    ctx = context_for(plan, instance, Violations())
    expected = last_visits(before)
    recorded = ctx.anchors
    firsts: dict[str, date] = {}
    for r in plan["routes"]:
        for x in r["visits"]:
            d = date.fromisoformat(r["date"])
            if x["site_id"] not in firsts or d < firsts[x["site_id"]]:
                firsts[x["site_id"]] = d
    for sid, s in sorted(ctx.sites.items()):
        every = s.get("every_weeks")
        if s["kind"] in ("stop", "depot") or not every or sid not in expected:
            continue
        anchor = expected[sid]
        if recorded.get(sid) != anchor:
            got = recorded.get(sid)
            out.add("rhythm", f"the plan continues its rhythm from "
                              f"{got or 'no visit'}, but its last visit in {prev.quarter} is "
                              f"{anchor} — plan it with --previous that plan", None, sid)
        why = anchored_start_problem(7 * every, ctx.tolerance_days,
                                     ctx.span_gap(sid), anchor, period, firsts.get(sid),
                                     sid in ctx.unserved_sites)
        if why:
            out.add("spacing", f"across {prev.quarter}→{period.quarter}: {why}",
                    firsts[sid].isoformat() if sid in firsts else None, sid)
    return list(out)
