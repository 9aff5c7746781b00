"""Regularity rules: a public stop keeps one weekday, time and vehicle every N weeks
without gaps (days off aside); outreach visits are spaced N weeks ± tolerance; every
unserved entry names a known site and a reason."""

from __future__ import annotations

from datetime import date

from ...calendar import rhythm_dates, week_index, weekday_key
from ..document import Plan
from .context import CheckContext, Violations

Visit = tuple[date, int, str]  # (date, arrival minutes, vehicle)


def check_unserved_list(plan: Plan, ctx: CheckContext, out: Violations) -> None:
    """Each unserved entry names a site of the data and gives a reason."""
    for u in plan["unserved"]:
        if u["site_id"] not in ctx.sites:
            out.add("unserved", "unknown site id", u.get("date"), u["site_id"])
        if not str(u.get("reason", "")).strip():
            out.add("unserved", "no reason given", u.get("date"), u["site_id"])


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
    if relaxed:
        return
    start = ctx.repair_from if sid in ctx.new_in_repair and ctx.repair_from else ctx.period.start
    if cal.open_days_between(start, ds[0], sid) > period_days - 1:
        out.add("spacing", f"first visit {ds[0]} later than the first {n} weeks",
                ds[0].isoformat(), sid)
    if cal.open_days_between(ds[-1], ctx.period.end, sid) > period_days - 1:
        out.add("spacing", f"last visit {ds[-1]} leaves more than {n} weeks uncovered",
                ds[-1].isoformat(), sid)
