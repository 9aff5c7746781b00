"""The week phases of the rhythm stops, chosen for the quarter once the template is fixed.

A day's template (vehicle, weekday) with a cycle of L weeks is a list of L week-routes
and one arrival per stop. Turning the cycle — week k drives what week k − r drove, every
stop's phase p becomes (p + r) mod its every_weeks — leaves the day's km per average
week, its routes and its times exactly as they are, so the template measure (and the
lower bound, docs/lower-bound.md) cannot tell the L turns apart. The quarter can: a
holiday or closure skips the route of the week it falls in. A skipped week is visits
lost before it is km saved: a turn that puts a 13-weekly stop's one date of the quarter
on Easter Monday drives fewest km by not serving it at all. So each day independently
takes the turn with the most stop visits over the quarter's service dates, then the
fewest km (holidays, closures and closed stops counted; a stop closed on a date is cut
out of that date's route, its neighbours joined directly), ties to the smallest turn
so the answer is deterministic. Enumerating the turns is exact for this choice: days
do not interact.

This is the second part of the plan's one measure (docs/planner.md, "One measure"):
first the template's km per average week, then the quarter's stop visits and stop km
of its phases.
"""

from __future__ import annotations

from dataclasses import replace

from ..calendar import Calendar, week_index, weekday_key
from ..model import Instance
from ..travel import TravelMatrix
from .daymodel import DaySolution
from .template import Option, TemplateResult


def dated_service(instance: Instance, travel: TravelMatrix, cal: Calendar,
                  tmpl: TemplateResult) -> tuple[int, float]:
    """The stop visits and stop km the template makes over the quarter's service dates,
    before outreach: each date's week-route with the stops closed that day cut out (a
    stop closed on a date, or a date closed for the bus, is no visit). One pass for the
    planner's measure, which compares both."""
    got = [_day_service(instance, travel, cal, vehicle, weekday, sol, 0)
           for (vehicle, weekday), sol in sorted(tmpl.days.items()) if sol is not None]
    return sum(v for v, _ in got), sum(km for _, km in got)


def dated_km(instance: Instance, travel: TravelMatrix, cal: Calendar,
             tmpl: TemplateResult) -> float:
    """The stop km of `dated_service`."""
    return dated_service(instance, travel, cal, tmpl)[1]


def dated_visits(instance: Instance, travel: TravelMatrix, cal: Calendar,
                 tmpl: TemplateResult) -> int:
    """The stop visits of `dated_service`."""
    return dated_service(instance, travel, cal, tmpl)[0]


def best_phases(instance: Instance, travel: TravelMatrix, cal: Calendar,
                tmpl: TemplateResult) -> TemplateResult:
    """`tmpl` with each day's cycle turned to its most quarter visits, then fewest
    quarter km (a new result; the same object when no turn is better). The elite list
    is not touched."""
    turns: dict[tuple[str, str], int] = {}
    for (vehicle, weekday), sol in sorted(tmpl.days.items()):
        if sol is None or len(sol.routes) < 2:
            continue
        got = [_day_service(instance, travel, cal, vehicle, weekday, sol, r)
               for r in range(len(sol.routes))]
        r = min(range(len(got)), key=lambda i: (-got[i][0], round(got[i][1], 6), i))
        if r:
            turns[(vehicle, weekday)] = r
    if not turns:
        return tmpl
    every = {s.id: s.every_weeks for s in instance.stops}
    options = {}
    for sid, o in tmpl.options.items():
        r = turns.get((o.vehicle, o.weekday), 0)
        options[sid] = Option(o.vehicle, o.weekday, (o.phase + r) % every[sid])
    days = {}
    for key, sol in tmpl.days.items():
        r = turns.get(key, 0)
        days[key] = sol if not r or sol is None else DaySolution(
            sol.times, [sol.routes[(k - r) % len(sol.routes)] for k in range(len(sol.routes))],
            sol.status, sol.det_time)
    return replace(tmpl, options=options, days=days)


def _day_service(instance: Instance, travel: TravelMatrix, cal: Calendar, vehicle: str,
                 weekday: str, sol: DaySolution, turn: int) -> tuple[int, float]:
    """Stop visits and km of one template day over the quarter when its cycle is turned
    by `turn`."""
    v = instance.settings.vehicle(vehicle)
    idx = travel.index()
    depot = idx[instance.settings.depot]
    L = len(sol.routes)
    total = 0.0
    visits = 0
    for d in cal.service_dates(v):
        if weekday_key(d) != weekday:
            continue
        route = sol.routes[(week_index(d) - turn) % L]
        order = [s for s in route.order if cal.off_reason(d, site=s) is None]
        visits += len(order)
        if len(order) == len(route.order):
            total += route.km
            continue
        seq = [depot, *(idx[s] for s in order), depot] if order else []
        total += round(sum(travel.km[a][b] for a, b in zip(seq, seq[1:])), 1)
    return visits, total
