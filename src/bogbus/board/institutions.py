"""The institutions' month calendar and the what-if of moving one visit to another date.

The calendar lists each daycare and nursing-home visit of the plan with the
collection delivered and collected. Moving a visit is checked by the plan checker's
own spacing rule (`plan.check.rhythm.check_outreach_spacing`) on the site's visits with
the one date changed, plus whether the bus runs that day and the site allows it —
so the board says what the checker would say, in the planner's words.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..calendar import weekday_key
from ..errors import BogbusError
from ..model import parse_hhmm
from ..plan.check.context import Violations, context_for
from ..plan.check.rhythm import check_outreach_spacing
from ..plan.document import Plan
from .move import DAY_NAMES

KINDS = ("daycare", "nursing_home")


def month_visits(plan: Plan, month: str) -> list[dict[str, Any]]:
    """Every institution visit in `month` ("2027-01"), by date and arrival."""
    names = {s["id"]: s["name"] for s in plan.get("sites", [])}
    rot = plan.get("rotation")
    coll = {c["id"]: c["name"] for c in (rot["collections"] if rot is not None else [])}
    out = []
    for r in plan.get("routes", []):
        if not r["date"].startswith(month):
            continue
        for v in r["visits"]:
            if v["kind"] in KINDS:
                out.append({"date": r["date"], "site_id": v["site_id"],
                            "name": names.get(v["site_id"], v["site_id"]), "kind": v["kind"],
                            "arrival": v["arrival"], "vehicle": r["vehicle"],
                            "deliver": [coll.get(c, c) for c in v.get("deliver", [])],
                            "collect": [coll.get(c, c) for c in v.get("collect", [])]})
    return sorted(out, key=lambda x: (x["date"], x["arrival"]))


def months(plan: Plan) -> list[str]:
    start, end = plan["period"]["start"], plan["period"]["end"]
    y, m = int(start[:4]), int(start[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= end[:7]:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def check_visit_move(plan: Plan, site_id: str, from_date: str, to_date: str) -> list[str]:
    """What breaks if `site_id`'s visit on `from_date` moves to `to_date` (Danish lines;
    empty: nothing the checker would reject about the dates)."""
    try:
        old, new = date.fromisoformat(from_date), date.fromisoformat(to_date)
    except (TypeError, ValueError) as exc:
        raise BogbusError("from/to: give dates as YYYY-MM-DD") from exc
    visits = [(date.fromisoformat(r["date"]), parse_hhmm(v["arrival"]), r["vehicle"])
              for r in plan.get("routes", []) for v in r["visits"]
              if v["site_id"] == site_id and v["kind"] in KINDS]
    if not any(d == old for d, _, _ in visits):
        raise BogbusError(f"{site_id} has no institution visit on {from_date} in this plan")
    sites = {s["id"]: s for s in plan.get("sites", [])}
    site = sites[site_id]
    out = Violations()
    ctx = context_for(plan, None, out)
    problems: list[str] = []
    if not ctx.period.start <= new <= ctx.period.end:
        problems.append(f"{to_date} ligger uden for kvartalet {plan['quarter']}")
        return problems
    vehicle = next(v for d, _, v in visits if d == old)
    off = ctx.calendar.off_reason(new, vehicle, site_id)
    if off is not None:
        problems.append(f"bussen kører ikke {to_date}: {off}")
    day = weekday_key(new)
    if day not in ctx.vehicles[vehicle]["shifts"]:
        problems.append(f"{vehicle} har ingen vagt om {DAY_NAMES.get(day, day)}en ({to_date})")
    if site.get("days") and day not in site["days"]:
        problems.append(f"{site['name']} kan kun besøges "
                        f"{', '.join(DAY_NAMES.get(d, d) for d in site['days'])}")
    if any(d == new for d, _, _ in visits):
        problems.append(f"{site['name']} har allerede et besøg {to_date}")
    moved = sorted((new if d == old else d, a, v) for d, a, v in visits)
    every = site.get("every_weeks")
    if every:  # the spacing rule of an institution with a rhythm
        check_outreach_spacing(site_id, every, moved, ctx, out)
    problems += [f"afstand: {v.message}" for v in out if v.rule == "spacing"]
    return problems
