"""Rules of a route as a whole: one route per vehicle and day, a known vehicle on a
service day inside its shift, legs that chain depot → visits → depot with the travel
model's km and minutes, and the vehicle's daily range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...calendar import weekday_key
from ...model import parse_hhmm
from .. import document as doc
from ..document import Route
from .context import CheckContext, Violations


@dataclass(frozen=True)
class RouteFrame:
    """What the visit and break rules need from a route that passed the frame rules."""

    day: str
    weekday: str
    vehicle: doc.Vehicle
    start: int
    end: int


def check_route_frame(r: Route, ctx: CheckContext, seen: set[tuple[str, str]],
                      out: Violations) -> RouteFrame | None:
    """The route-level rules; None when the route cannot be checked further."""
    day_s = r["date"]
    day = date.fromisoformat(day_s)
    vname = r["vehicle"]
    if (vname, day_s) in seen:
        out.add("route", f"two routes for vehicle {vname}", day_s)
    seen.add((vname, day_s))
    v = ctx.vehicles.get(vname)
    if v is None:
        out.add("route", f"unknown vehicle {vname!r}", day_s)
        return None
    if day not in ctx.period:
        out.add("calendar", "date outside the quarter", day_s)
    wd = weekday_key(day)
    if wd not in v["shifts"]:
        out.add("shift", f"{vname} does not run on {wd}", day_s)
        return None
    off = ctx.calendar.off_reason(day, vname)
    if off:
        out.add("calendar", f"the bus drives on a day off ({off})", day_s)
    s0, s1 = (parse_hhmm(x) for x in v["shifts"][wd].split("-"))
    start, end = parse_hhmm(r["start"]), parse_hhmm(r["end"])
    if start < s0 or end > s1:
        out.add("shift", f"route {r['start']}–{r['end']} outside shift {v['shifts'][wd]}", day_s)
    if not _legs_ok(r, ctx, out):
        return None
    return RouteFrame(day_s, wd, v, start, end)


def _legs_ok(r: Route, ctx: CheckContext, out: Violations) -> bool:
    """Legs chain the visits, match the travel model and add up; False if uncountable."""
    day_s, legs, visits = r["date"], r["legs"], r["visits"]
    if len(legs) != len(visits) + 1:
        out.add("legs", f"{len(legs)} legs for {len(visits)} visits (need visits + 1)", day_s)
        return False
    chain = [ctx.depot] + [x["site_id"] for x in visits] + [ctx.depot]
    for i, leg in enumerate(legs):
        if (leg["from"], leg["to"]) != (chain[i], chain[i + 1]):
            out.add("legs", f"leg {i} is {leg['from']}→{leg['to']}, expected "
                            f"{chain[i]}→{chain[i + 1]}", day_s)
        elif (ctx.travel is not None and leg["from"] in ctx.sites and leg["to"] in ctx.sites
              and not ctx.is_fact(date.fromisoformat(day_s))):
            km, mins = ctx.travel.leg(leg["from"], leg["to"])
            if abs(km - leg["km"]) > 0.05 or mins != leg["min"]:
                out.add("legs", f"leg {leg['from']}→{leg['to']} says {leg['km']} km/{leg['min']} "
                                f"min, travel model gives {km} km/{mins} min", day_s)
    if abs(sum(x["km"] for x in legs) - r["km"]) > 0.05 + 0.01 * len(legs):
        out.add("km", f"route km {r['km']} ≠ sum of legs", day_s)
    if sum(x["min"] for x in legs) != r["drive_min"]:
        out.add("km", "drive_min ≠ sum of leg minutes", day_s)
    v = ctx.vehicles[r["vehicle"]]
    if (most := v["max_km_per_day"]) is not None and r["km"] > most + 1e-6:
        out.add("range", f"{r['km']} km exceeds max_km_per_day {most}", day_s)
    return True
