"""The planner: template timetable → dated quarter → outreach → re-routed days.

Decomposition (see docs/planner.md):
1. `template`: public stops get (vehicle, weekday, week phase, time); each weekday is
   solved exactly over its week cycle, so "same weekday, same time" holds by
   construction.
2. The quarter's dates instantiate the template, skipping holidays and closures.
3. `outreach`: dated visits are inserted around the fixed stop times.
4. Each dated day with outreach is re-routed: the day router (OR-Tools routing) and
   the screened route compete as the hint of an exact CP-SAT re-route with stop times
   fixed; the shortest of the three is kept.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from ..calendar import Calendar, Period, build_calendar, no_service_problem, week_index, weekday_key
from ..errors import InputError, Problem
from ..io.previous import PreviousPlan, previous_plan
from ..model import Instance
from ..travel import TravelMatrix, build_travel
from .bound import BoundJob, TemplateBound, template_lower_bound
from .daymodel import DayNode, DayProblem, DaySolution, solve_day
from .fastday import UNDECIDED, fast_day
from .outreach import DatedDay, OutreachResult, OutreachScheduler
from .phases import best_phases, dated_service
from .rotation import RotationResult, assign_rotation
from .router import Break, RouterProblem, route
from .schedule import Timed, time_route
from .steady import steady_timing
from .template import SCREEN_FROM_STOPS, Budget, Option, TemplateResult, TemplateSearch

if TYPE_CHECKING:  # the plan document's type (plan.document: pure types, no imports)
    from ..plan.document import Plan

# The time limit is a promise (docs/planner.md, "Time and work"): the template search
# ends at SEARCH_SHARE of it, the outreach choice among the elite timetables at
# OUTREACH_SHARE, and re-routing and the bound (which runs beside the search) by the
# limit itself. Each later phase keeps a valid, simpler result when the clock runs out.
SEARCH_SHARE = 0.75
# ... at most: the outreach placement grows with sites × dated days, so on a large
# instance the search ends earlier to leave the outreach the time it needs before
# REROUTE_SHARE (search_share); never below SEARCH_SHARE_MIN. A placement pass took
# 1.6 s of CPU for 86 sites × 240 dated days and 5.5 s for 343 × 960 with main's
# outreach of 18:40 (before it: 4.3 and 42.1 s); 0.04 ms a pair is a cautious figure.
SEARCH_SHARE_MIN = 0.3
# What the outreach for the elite timetables and the re-routing need beyond the
# placement estimate: without it Randers (collections: re-routing ends at 0.8) left
# them 1.5 s after a 22.5 s search, and the clock cut both on an idle machine while the
# plan ended at 25.3 s of its 30
OUTREACH_FLOOR = 0.08
OUTREACH_MS_PER_SITE_DAY = 0.04
OUTREACH_SHARE = 0.88
# When stops are left unserved the bound is recomputed for the served ones; its route
# enumeration and LP are not interruptible everywhere (45 / 2 started it at 57 s of 60
# and ended at 64.0 s), so it gets until RECOMPUTE_END only — past it, the instant
# neighbour bound for the served stops.
RECOMPUTE_END = 0.9
REROUTE_SHARE = 0.95  # re-routing needs a little; the rest is a margin for writing
# The default work budget: the day solves an idle core does in the search's share,
# so that the work budget, not the clock, normally ends the search and the same data +
# seed + time limit give the same plan; `work` overrides it and makes a run
# reproducible on any machine. A day solve's cost, search overhead included, measured
# as CPU time on this 2-core machine (seed 0, 2000 solves, docs/planner.md "Time and
# work"): Randers 12.0 ms, synthetic 45/2 13.6, 90/4 12.9, 180/8 6.3, 360/16 4.3 —
# the larger ones' first 2000 solves are mostly quick placements; their local search
# costs ~10 ms a solve (360/16: 3093 solves in 30.6 s). All these have ~4.5 stops
# per (vehicle, weekday); CP-SAT's day model grows with the square of a day's stops
# (arcs and break arcs), so bigger days cost more per solve.
# Measured again on the merged code (idle, the bound child on the other core): Randers'
# default search did 1,672 units in its 22.5 s (13.5 ms each), so at 13 ms the clock,
# not the work budget, ended 3 of 4 seeds; 15 ms leaves the margin that lets the work
# budget end it (seeds 0-3 at 1,500 units: 204.4, 204.4, 209.8, 209.8 km/week).
SOLVE_MS = 15.0  # per day solve at DAY_STOPS_REF stops per (vehicle, weekday)
# From SCREEN_FROM_STOPS stops on, relocates and swaps are screened by estimates, and a
# unit costs less than half as much: over whole searches alone on the idle machine
# (search seed 0) 4.3 and 4.7 ms at 90 / 4 (3000 units), 4.1 and 4.8 (9000), 3.7–5.1 at
# 180 / 8, against 5.7–9.2 ms on Randers, 18 / 1, 36 / 2 and 45 / 2 — so 15 ms left the
# 90 / 4 search ended by its budget at 16–21 s of a 60 s limit's 45. Once the
# assignment kept its day contents (placement.py) 4.1 and 4.5 ms at 90 / 4 (7500
# units), 2.6 over a whole 30,000-unit search: 5 ms keeps a tenth of margin.
SCREENED_SOLVE_MS = 5.0
DAY_STOPS_REF = 4.5
# Day router: metres as the integer cost; counts (solutions, search branches), not
# seconds, as its limits, so dated routes stay deterministic. With stop times fixed
# and the lunch break a dated day is tightly constrained: 1500 branches take ~0.1 s.
ROUTER_SCALE = 1000
ROUTER_SOLUTIONS = 300
ROUTER_BRANCHES = 1500

# Deterministic time for the lower bound's integer probes, as a share of the time limit
# (docs/lower-bound.md); the route enumeration and LP before them take ~4 s on Randers.
BOUND_SHARE = 0.6
# How long the plan waits past the search for the bound to settle whether it has an
# optimal timetable to offer (Randers: it has, ~10 s into a 30 s run, so no wait)
WITNESS_WAIT = 0.05
# the collections' assignment gets a small, deterministic share of the run (0.9 s of
# CP-SAT work at the default 30 s; unbounded it took 40 s on Randers Q1, breaking the
# promise that a plan ends within --time-limit + 5 %); the greedy hint keeps it good.
# CP-SAT's deterministic seconds are not wall seconds: under load 3.3 the rotation's
# 1.5 det-s (then 0.05 of the limit) took 5.2–6.5 s of wall, model building included,
# and Randers at 30 s ran 32.0–32.3 s. So the share is 0.03, outreach and re-routing
# end ROTATION_RESERVE of the limit early when there are collections, and if even that
# leaves less wall than ROTATION_WALL_PER_DET seconds per deterministic second before
# the limit (+ 3 %), the rotation's budget is cut to fit and the plan records
# "rotation" among the phases the clock cut.
ROTATION_SHARE = 0.03
ROTATION_RESERVE = 0.15
ROTATION_WALL_PER_DET = 4.5

Progress = Callable[[str], None]


class PlanResult:
    """Everything the plan file is built from."""

    def __init__(self, instance: Instance, period: Period, calendar: Calendar,
                 travel: TravelMatrix, template: TemplateResult, outreach: OutreachResult,
                 routes: dict[tuple[str, date], Timed], runtime_s: float, seed: int,
                 time_limit_s: float, previous: PreviousPlan | None = None,
                 bound: TemplateBound | None = None, work: int | None = None,
                 clock_cut: list[str] | None = None,
                 rotation: RotationResult | None = None,
                 anchors: dict[str, date] | None = None):
        # institution → its last published visit its rhythm continues from (--previous
        # of the quarter before; empty otherwise): plan.json's `rhythm` section
        self.anchors = anchors or {}
        self.rotation = rotation  # collections delivered/collected (None: no collections.csv)
        self.bound = bound  # proven lower bound on the timetable's km per week
        self.work = work  # the template search's work budget (day solves)
        self.clock_cut = clock_cut or []  # phases the clock ended (not reproducible then)
        self.previous = previous  # the previous plan when re-planning (--previous)
        self.instance = instance
        self.period = period
        self.calendar = calendar
        self.travel = travel
        self.template = template
        self.outreach = outreach
        self.routes = routes
        self.runtime_s = runtime_s
        self.seed = seed
        self.time_limit_s = time_limit_s


def solve_seconds(instance: Instance | None, *, screened: bool = True) -> float:
    """Seconds of an idle core per day solve on this instance: SOLVE_MS at the
    reference day size (SCREENED_SOLVE_MS where moves are screened, unless `screened`
    is False), growing with the square of the stops per (vehicle, weekday) above it
    (never below: small days still pay the model-building overhead)."""
    if instance is None:
        return SOLVE_MS / 1000
    days = sum(len(v.shifts) for v in instance.settings.vehicles)
    per_day = len(instance.stops) / max(1, days)
    ms = (SCREENED_SOLVE_MS if screened and len(instance.stops) >= SCREEN_FROM_STOPS
          else SOLVE_MS)
    return ms / 1000 * max(1.0, per_day / DAY_STOPS_REF) ** 2


def search_share(time_limit_s: float, instance: Instance | None = None) -> float:
    """The share of the limit the template search may use: SEARCH_SHARE, less where the
    outreach placement (estimated from sites × a quarter's shift days) needs more than
    the rest of the limit gives it before re-routing's end; at least SEARCH_SHARE_MIN.
    A pure function of the data and the limit, so the default budget stays reproducible."""
    if instance is None or not instance.outreach or time_limit_s <= 0:
        return SEARCH_SHARE
    dated = 13 * sum(len(v.shifts) for v in instance.settings.vehicles)
    outreach_s = OUTREACH_MS_PER_SITE_DAY / 1000 * len(instance.outreach) * dated
    reserve = ROTATION_RESERVE if instance.collections else 0.0
    room = REROUTE_SHARE - reserve - OUTREACH_FLOOR - outreach_s / time_limit_s
    return min(SEARCH_SHARE, max(SEARCH_SHARE_MIN, room))


def default_work(time_limit_s: float, instance: Instance | None = None) -> int:
    """The work budget (day solves) a time limit buys by default on `instance`: what an
    idle core does in the search's share of the limit."""
    share = search_share(time_limit_s, instance)
    return max(40, int(share * time_limit_s / solve_seconds(instance)))


def go_on_work(time_limit_s: float, instance: Instance | None = None) -> int:
    """The work after which a default search with stops still unserved turns to them
    (the ejection pool, to the clock) although its budget is not spent: the budget at
    SOLVE_MS a unit. Below SCREEN_FROM_STOPS stops that is the budget itself; above,
    the pool keeps the time it had before the budget was measured again (180 / 8 at
    60 s, seeds 0–2: 0 / 6 / 3 stops unserved when the pool started only at the
    screened budget, against 1 / 2 / 1 when it started here)."""
    share = search_share(time_limit_s, instance)
    return max(40, int(share * time_limit_s / solve_seconds(instance, screened=False)))


def plan_quarter(instance: Instance, period: Period, *, time_limit_s: float | None = None,
                 seed: int | None = None, work: int | None = None,
                 progress: Progress | None = None,
                 previous: PreviousPlan | Plan | None = None,
                 started: float | None = None) -> PlanResult:
    """Plan a quarter within `time_limit_s` (bound included), counted from `started`
    (a perf_counter() value; default: now — the CLI passes its own start, so loading
    the data counts too). `work`: the template
    search's budget in day solves (default `default_work(time_limit_s)`); the same
    data + seed + work give the same plan unless the clock ends a phase first, which
    the result records (`clock_cut`). `previous` (a previous plan) makes its public
    timetable a target: each stop keeps its vehicle, weekday, week phase and arrival
    unless that is infeasible (see TemplateSearch.construct_previous and
    docs/scenarios.md)."""
    say = progress or (lambda msg: None)
    st = instance.settings
    time_limit_s = st.time_limit_s if time_limit_s is None else time_limit_s
    seed = st.seed if seed is None else seed
    t0 = time.perf_counter() if started is None else started
    end = t0 + time_limit_s
    cal = build_calendar(period, st.holidays, st.closures, st.optional_holidays)
    closed = no_service_problem(st, cal)
    if closed:
        raise InputError([Problem(f"{instance.source} (settings.yaml)", closed,
                                  "shorten calendar.closures or plan another quarter",
                                  column="calendar.closures")])
    travel = build_travel(instance, period)
    clock_cut: list[str] = []  # phases the clock, not the work budget, ended

    say(f"timetable for {len(instance.stops)} public stops")
    share = search_share(time_limit_s, instance)
    budget = Budget(limit=default_work(time_limit_s, instance) if work is None else max(1, work))
    if isinstance(previous, dict):  # a plan dict as read by plan.files.read_plan
        previous = previous_plan(previous)
    targets = None if previous is None else {
        sid: (Option(p.vehicle, p.weekday, p.week_phase), p.arrival, p.every_weeks)
        for sid, p in previous.slots.items()}
    search = TemplateSearch(instance, travel, seed=seed, budget=budget,
                            deadline=t0 + share * time_limit_s, previous=targets)
    # the default budget may end the search only when every stop is placed; an explicit
    # --work always ends it, so that a run reproduces (docs/planner.md, "Time and work")
    search.to_clock_when_unserved = work is None
    if work is None:
        search.go_on_after = go_on_work(time_limit_s, instance)
    work_units = budget.limit  # recorded before the search may lift it
    servable = {s.id for s in instance.stops if search.options_for(s)}
    # the bound's deterministic budget follows the work budget (the time limit that
    # would buy it by default), so a --work run gets the same bound on any machine
    equivalent_s = min(time_limit_s, budget.limit * solve_seconds(instance) / share)
    job = BoundJob(instance, travel, servable, seed=seed, deadline=end,
                   det_limit=max(1.0, BOUND_SHARE * equivalent_s))  # beside the search
    tmpl = search.run()
    if tmpl.stopped_by == "clock":
        clock_cut.append("search")
    narrowed_to = set(tmpl.options)
    if narrowed_to != servable:  # the bound must be for the stops served: asked now
        job.narrow(narrowed_to, tmpl.cost, until=t0 + RECOMPUTE_END * time_limit_s)
    if previous is None and set(tmpl.options) == servable and tmpl.unserved == {}:
        # the bound beside the search may have proven the optimum with a real timetable
        # (docs/lower-bound.md); it is awaited until WITNESS_WAIT of the limit past the
        # search's deadline — not past the search's end, which comes early when the work
        # budget ends it: then the wait, and so the plan, would depend on the machine's
        # speed. A run reproduces unless the clock ended the wait, which the plan says.
        assert search.deadline is not None
        settled = job.witness(until=min(end, search.deadline + WITNESS_WAIT * time_limit_s))
        if settled is None:
            clock_cut.append("bound witness")
        # the bound's optimal timetable, else the cheapest real one its master's
        # contents made by then (docs/planner.md, "The master's timetable"); the last
        # report read is the settled one, or the latest when the clock ended the wait
        offered = job.latest
        timetable: tuple = ()
        what = ""
        if offered is not None:
            timetable, what = ((offered.witness, "optimal timetable") if offered.witness
                               else (offered.incumbent, "master's timetable"))
        if timetable:
            better = search.adopt(timetable, tmpl)
            if better is not None:
                say(f"the lower bound's {what} ({better.cost:.2f} km/week) joins "
                    f"the search's best ({tmpl.cost:.2f})")
                tmpl = better
    prefer = None if previous is None else previous.outreach_prefs
    # each institution's rhythm runs on from its last published visit (docs/outreach.md)
    outreach_ids = {s.id for s in instance.outreach}
    anchors = {} if previous is None else {
        sid: d for sid, d in previous.anchors_for(period).items() if sid in outreach_ids}
    note = None if previous is None else previous.rhythm_note(period)
    if note:
        warnings.warn(note, stacklevel=2)  # the CLI prints it as a warning

    # the collections' rotation runs last, on a deterministic budget of ROTATION_SHARE
    # of the limit: outreach and re-routing leave it room (ROTATION_RESERVE)
    reroute_end = REROUTE_SHARE - (ROTATION_RESERVE if instance.collections else 0.0)
    say(f"outreach visits for {len(instance.outreach)} sites "
        f"on the {len(tmpl.elite)} best timetables")
    # One measure for the whole plan (docs/planner.md, "One measure"): fewest unserved,
    # then the template's km per average week (what the search minimises and the bound
    # proves), then the quarter's stop visits and stop km with each day's week phases
    # turned to their best (phases.py), then the quarter's km with outreach. An elite
    # timetable dearer per week than one already placed without unserved sites cannot
    # win: skipped.
    chosen: tuple | None = None
    for n, cand in enumerate(tmpl.elite):  # outreach cost depends on each weekday's geography
        if n and time.perf_counter() > t0 + OUTREACH_SHARE * time_limit_s:
            clock_cut.append("outreach")  # the best timetable's outreach is kept
            break
        if chosen is not None and chosen[0][0] == 0 and (
                len(cand.unserved), round(cand.cost, 6)) > chosen[0][:2]:
            continue
        if previous is None:  # re-planning keeps each stop's previous week phase
            cand = best_phases(instance, travel, cal, cand)
        days = dated_days(instance, cal, cand)
        # the first timetable's visits may use the time up to re-routing's share
        out = OutreachScheduler(instance, travel, cal, days, prefer=prefer,
                                anchors=anchors).run(
            deadline=t0 + (min(OUTREACH_SHARE, reroute_end) if n else reroute_end)
            * time_limit_s)
        if out.cut and "outreach visits" not in clock_cut:
            clock_cut.append("outreach visits")
        unserved = len(cand.unserved) + len(out.unserved)
        km = sum(d.timed.km for d in days.values() if d.timed and d.timed.order)
        visits, stop_km = dated_service(instance, travel, cal, cand)
        measure = (unserved, round(cand.cost, 6), -visits, round(stop_km, 6), round(km, 6))
        if chosen is None or measure < chosen[0]:
            chosen = (measure, cand, days, out)
    assert chosen is not None
    _, tmpl, days, out = chosen

    say("re-routing days with outreach")
    routes: dict[tuple[str, date], Timed] = {}
    for key, dd in sorted(days.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if dd.timed is None or not dd.timed.order:
            continue
        sol = tmpl.days.get((key[0], weekday_key(key[1])))
        r = sol.routes[week_index(key[1]) % len(sol.routes)] if sol else None
        reroute = r is None or dd.outreach or set(r.order) != set(dd.stop_times)  # closed stop
        if reroute and time.perf_counter() < t0 + reroute_end * time_limit_s:
            improved = improve_day(instance, travel, dd, seed)
            # a steady on-grid slot for the institutions (solve/steady.py), km unchanged
            routes[key] = ((steady_timing(instance, travel, dd, improved.order)
                            or steady_timing(instance, travel, dd, dd.timed.order) or improved)
                           if dd.outreach else improved)
        elif reroute:  # out of time: the screened route, valid but not re-routed
            if "re-routing" not in clock_cut:
                clock_cut.append("re-routing")
            routes[key] = dd.timed
        else:  # exactly the template's week: its exact route and timing
            assert r is not None and sol is not None  # else it was re-routed above
            routes[key] = Timed(r.order, tuple(sol.times[s] for s in r.order), r.start, r.end,
                                r.break_start, r.km, r.drive_min)
    rotation = None
    if instance.collections:
        say(f"rotating {len(instance.collections)} collections")
        det = max(0.5, ROTATION_SHARE * time_limit_s)
        left = t0 + 1.03 * time_limit_s - time.perf_counter()
        if det * ROTATION_WALL_PER_DET > left:  # late: a smaller budget, said so
            det = max(0.1, left / ROTATION_WALL_PER_DET)
            clock_cut.append("rotation")
        rotation = assign_rotation(instance, {k: list(t.order) for k, t in routes.items()},
                                   period.start, previous.plan if previous else None, seed,
                                   det_limit=det)
    say("collecting the lower bound on the timetable's km")
    bound = job.result(until=end)
    if set(tmpl.options) != servable and not (
            bound is not None and bound.narrowed and set(tmpl.options) == narrowed_to):
        # no bound for the stops served (the child had none in time, or the outreach
        # chose a timetable serving others): recompute
        # where the child found the routes too many, straight to the walks (45 / 2 with
        # two stops unserved: the enumeration ate the time and left the neighbour floor)
        enumerate_routes = bound is None or bound.status not in ("walks", "shared-walks")
        left = t0 + RECOMPUTE_END * time_limit_s - time.perf_counter()
        bound = template_lower_bound(instance, travel, set(tmpl.options), tmpl.cost,
                                     det_limit=1.0 if enumerate_routes else max(1.0, left),
                                     seed=seed, deadline=t0 + RECOMPUTE_END * time_limit_s,
                                     routes=enumerate_routes)
    return PlanResult(instance, period, cal, travel, tmpl, out, routes,
                      time.perf_counter() - t0, seed, time_limit_s, previous=previous,
                      bound=bound, work=work_units, clock_cut=clock_cut,
                      rotation=rotation, anchors=anchors)


def dated_days(instance: Instance, cal: Calendar,
               tmpl: TemplateResult) -> dict[tuple[str, date], DatedDay]:
    """The template laid on the quarter's service dates (holidays and closures skipped)."""
    days: dict[tuple[str, date], DatedDay] = {}
    for v in instance.settings.vehicles:
        for d in cal.service_dates(v):
            sol = tmpl.days.get((v.name, weekday_key(d)))
            stop_times = {}
            if sol is not None:
                route = sol.routes[week_index(d) % len(sol.routes)]
                stop_times = {sid: sol.times[sid] for sid in route.order
                              if cal.off_reason(d, site=sid) is None}  # a closed stop
            shift = v.shifts[weekday_key(d)]
            days[(v.name, d)] = DatedDay(v.name, d, (shift.start, shift.end), stop_times)
    return days


def improve_day(instance: Instance, travel: TravelMatrix, dd: DatedDay, seed: int) -> Timed:
    """Re-route one dated day with the stop times fixed: the day router's route and
    the screened route compete as the hint of the exact CP-SAT day model; the
    shortest of the three routes is kept (never worse than the screened one)."""
    assert dd.timed is not None  # only timed days are re-routed
    v = instance.settings.vehicle(dd.vehicle)
    idx = travel.index()
    sites = {s.id: s for s in instance.sites}
    windows = {}
    nodes = []
    for sid in dd.timed.order:
        s = sites[sid]
        if sid in dd.stop_times:
            lo = hi = dd.stop_times[sid]
        elif sid in dd.pins:  # an institution kept at its usual time (--previous)
            lo = hi = dd.pins[sid]
        else:
            lo = s.earliest if s.earliest is not None else 0
            hi = (s.latest if s.latest is not None else 24 * 60) - s.duration_min
        windows[sid] = (lo, hi)
        nodes.append(DayNode(sid, idx[sid], s.duration_min, lo, hi, 1))
    depot = idx[instance.settings.depot]
    durations = {sid: sites[sid].duration_min for sid in dd.timed.order}
    candidates = [dd.timed]
    prob = DayProblem(dd.shift[0], dd.shift[1], depot, tuple(nodes),
                      (frozenset(dd.timed.order),), travel.km, travel.minutes, v.break_rule,
                      v.max_km_per_day)
    if dd.outreach:
        # the fewest-km order by enumeration (fastday.py) when the day is small; only
        # the order matters here, as the institutions are re-timed on their grid
        # (steady.py) — so neither the router nor CP-SAT is needed (~1 ms, not ~60)
        quick = fast_day(prob)
        if isinstance(quick, DaySolution):
            r = quick.routes[0]
            candidates.append(Timed(r.order, tuple(quick.times[s] for s in r.order), r.start,
                                    r.end, r.break_start, r.km, r.drive_min))
        if quick is not UNDECIDED:
            return min(reversed(candidates), key=_route_key)
    routed = route_day(dd, windows, durations, idx, depot, travel, v, seed)
    if routed is not None:
        candidates.append(routed)
    hint_from = min(candidates, key=_route_key)
    sol = solve_day(prob, seed=seed, det_limit=1.0,
                    hint=dict(zip(hint_from.order, hint_from.arrivals)))
    if sol is not None:
        r = sol.routes[0]
        candidates.append(Timed(r.order, tuple(sol.times[s] for s in r.order), r.start, r.end,
                                r.break_start, r.km, r.drive_min))
    return min(reversed(candidates), key=_route_key)  # ties: the exact model's timing


def _route_key(t: Timed) -> tuple[float, int]:
    return (round(t.km, 1), t.end - t.start)


def route_day(dd: DatedDay, windows: dict[str, tuple[int, int]], durations: dict[str, int],
              idx: dict[str, int], depot: int, travel: TravelMatrix, vehicle,
              seed: int) -> Timed | None:
    """The day router's route for one dated day (windows, break, km limit), timed
    exactly by the screening model; None if the router finds nothing it accepts."""
    assert dd.timed is not None  # only timed days are re-routed
    order = list(dd.timed.order)
    rows = [depot] + [idx[s] for s in order]  # local node k → matrix row
    km = [[travel.km[a][b] for b in rows] for a in rows]
    br = vehicle.break_rule
    prob = RouterProblem(
        dist=[[round(ROUTER_SCALE * x) for x in r] for r in km],
        time=[[travel.minutes[a][b] for b in rows] for a in rows],
        depot=0,
        customers=tuple(range(1, len(rows))),
        service=[0] + [durations[s] for s in order],
        windows=[dd.shift] + [windows[s] for s in order],
        max_distance=(None if vehicle.max_km_per_day is None
                      else int(vehicle.max_km_per_day * ROUTER_SCALE + 1e-6)),
        break_rule=None if br is None else Break(br.earliest, br.latest - br.minutes,
                                                 br.minutes),
    )
    sol = route(prob, solution_limit=ROUTER_SOLUTIONS, work_limit=ROUTER_BRANCHES, seed=seed,
                initial_routes=[list(range(1, len(rows)))])
    if sol is None or not sol.routes:
        return None
    return time_route([order[k - 1] for k in sol.routes[0]], windows, durations, idx, depot,
                      travel.km, travel.minutes, dd.shift, br, vehicle.max_km_per_day)
