"""A proven lower bound on the public timetable's km per week, and so the plan's gap.

Why: the template search (`template.py`) is a heuristic and cannot say how far its
timetable is from the best one. A planner comparing scenarios needs that figure.

Method (docs/lower-bound.md): a *relaxation* of the timetable problem.

1. **Week-routes.** For every (vehicle, weekday) all feasible one-week routes over the
   stops that may use that day are enumerated by a labelling algorithm: depot start
   at the shift start, each stop reached inside its arrival window on the
   `round_to_min` grid, the lunch break between two legs, back by the shift end,
   within `max_km_per_day`. A route's cost is its cheapest order, with every leg
   rounded DOWN to 0.1 km.
2. **Week-route LP.** Each (vehicle, weekday, week of the cycle) takes one route
   (convex combination), each served stop takes one option (vehicle, weekday, phase),
   and a stop is in week k's route of a day exactly when its option puts it there.
   Columns with negative reduced cost are added from the enumerated pool until none
   is left, so the LP optimum is over ALL routes. This LP times every week on its
   own (it drops the one arrival time shared by all weeks of a cycle).
3. **Day contents** (bound_content.py): the same routes priced into whole days with
   one arrival time per stop for all weeks, costed by the exact day model, then
   set-partitioning probes. When that cannot finish, the week-route LP is raised by
   integer probes (`integer_bound`).

Dropped, so the optimum here can only be lower than the real one: MAX_CYCLE_WEEKS,
previous-plan locks, the rounding of legs (down) — and, before the probes,
integrality.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

import numpy as np
from ortools.linear_solver import pywraplp

from ...model import Instance, Site
from ...travel import TravelMatrix
from ..cpsat import deterministic_solver
from ..daymodel import route_spec
from .degree import neighbour_bound
from .master import stop_rows
from .result import TemplateBound

MAX_BOUND_CYCLE = 12  # weeks; beyond that the master LP is not built
# The stage with walk days (`_mixed_bound`) runs only where at least this share of the
# (vehicle, weekday) pairs with candidates keep day contents. Below it the walks decide
# the bound and the stage only holds the plan to its time limit: 90 / 4 and 180 / 8
# keep only their Fridays (4 of 20, 8 of 40 days): +0.1 km/week on 90-4 seed 0, and
# 180-8 plans that ended at 30–36 s waited to 60 s. 36 / 2 seed 3 keeps 9 of 10 days,
# 45 / 2 8 of 10.
MIXED_MIN_SHARE = 0.5
# Labelling states per day before the exact bound gives up for the neighbour bound
# (bound_degree.py): ~400k labels keep the bound under ~400 MB and ~4 s.
MAX_LABELS = 400_000
# Label extensions tried (labels × candidates) before giving up: with hundreds of
# candidates a day explodes long before MAX_LABELS labels exist (Randers' late
# Wednesday, the largest day it has, needs ~1.3 s CPU, about 7M of them).
MAX_EXTENSIONS = 12_000_000


Report = Callable[[TemplateBound], None]


def _km10(km: float) -> int:
    """0.1 km units, rounded down: the relaxation never over-counts a leg."""
    return int(math.floor(km * 10 + 1e-9))


def _on_grid(t: int, step: int) -> int:
    """The first minute ≥ t on the `round_to_min` grid (arrivals are printed on it)."""
    return -(-t // step) * step


def enumerate_routes(cands: list[tuple[int, int, int, int]], depot: int, start: int, end: int,
                     km10, minutes, max_km10: int | None,
                     deadline: float | None = None, step: int = 1,
                     brk: tuple[int, int, int] | None = None) -> dict[int, int] | None:
    """All feasible one-week routes: bitmask of `cands` → cheapest cost (0.1 km).

    `cands`: (matrix index, arrival lo, arrival hi, duration) per candidate stop.
    Arrivals lie on the `step` grid. `brk`: (earliest start, latest start, minutes) of
    the lunch break every non-empty route takes between two legs (or before the first
    or after the last), as the day model (daymodel.py) requires. Labels (mask, last,
    break taken) keep the Pareto set of (ready time, cost). None when the label count
    or the extensions tried pass MAX_LABELS / MAX_EXTENSIONS (or surely will in the
    next layer), or the `deadline` (perf_counter) passes."""
    n = len(cands)
    limit = max_km10 if max_km10 is not None else 1 << 60
    drive = [[minutes[a[0]][b[0]] for b in cands] for a in cands]
    leg = [[km10[a[0]][b[0]] for b in cands] for a in cands]
    home_km = [km10[c[0]][depot] for c in cands]
    home_min = [minutes[c[0]][depot] for c in cands]
    b_lo, b_hi, b_min = brk if brk is not None else (0, 0, 0)
    done = 1 if brk is None else 0  # the flag of a label that needs no more break

    def arrive(ready: int, j: int, travel: int, took: bool) -> int | None:
        """Arrival at candidate j leaving at `ready` (after the break when `took`)."""
        if took:
            b = max(ready, b_lo)
            if b > b_hi:
                return None
            ready = b + b_min
        arr = _on_grid(max(ready + travel, cands[j][1]), step)
        return arr if arr <= cands[j][2] else None

    def home(ready: int, last: int, flag: int) -> bool:
        if flag:
            return ready + home_min[last] <= end
        b = max(ready, b_lo)
        return b <= b_hi and b + b_min + home_min[last] <= end

    best: dict[int, int] = {0: 0}
    # (mask, last) → Pareto set of (ready, cost, flag): a label that has had its break
    # dominates one that has not, if it is also ready no later and no dearer
    layer: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for j, (ij, _, _, dur) in enumerate(cands):
        for flag in ((0, 1) if brk is not None else (1,)):
            arr = arrive(start, j, minutes[depot][ij], flag > done)
            if arr is not None:
                _pareto_add(layer.setdefault((1 << j, j), []), arr + dur, km10[depot][ij],
                            flag)
    count = len(layer)
    tried = 0
    # per candidate, what the hot loop reads: (j, its bit, lo, hi, minutes there, km home)
    spec = [(j, 1 << j, c[1], c[2], c[3], home_km[j]) for j, c in enumerate(cands)]
    while layer:
        nxt: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for (mask, last), labels in layer.items():
            tried += n * len(labels)
            if count + len(nxt) > MAX_LABELS or tried > MAX_EXTENSIONS:  # a layer can be huge
                return None
            back, dl, ll = home_km[last], drive[last], leg[last]
            free = [x for x in spec if not mask & x[1]]  # once per (mask, last)
            for ready, cost, flag in labels:
                total = cost + back
                if (total <= limit and total < best.get(mask, 1 << 60)
                        and home(ready, last, flag)):
                    best[mask] = total
                for j, bit, lo, hi, dur, hk in free:  # the hot path, inline
                    c = cost + ll[j]
                    if c + hk > limit:
                        continue
                    arr = ready + dl[j]  # straight on
                    if arr < lo:
                        arr = lo
                    arr = -(-arr // step) * step
                    key = (mask | bit, j)
                    if arr <= hi:
                        got = nxt.get(key)
                        if got is None:
                            nxt[key] = [(arr + dur, c, flag)]
                        else:
                            _pareto_add(got, arr + dur, c, flag)
                    if not flag:  # or the break first
                        b_arr = arrive(ready, j, dl[j], True)
                        if b_arr is not None:
                            _pareto_add(nxt.setdefault(key, []), b_arr + dur, c, 1)
        count += len(nxt)
        if deadline is not None and time.perf_counter() > deadline:
            return None
        # give up before a layer that cannot end within the cap: it tries n extensions
        # per label of this one (180-8's first day failed 3.9 s later, mid-layer). (An
        # estimate from the growth so far was tried, and wrongly gave up on a 36-2 day
        # of 172k routes.)
        if tried + n * sum(len(x) for x in nxt.values()) > MAX_EXTENSIONS:
            return None
        layer = nxt
    return best


def _pareto_add(labels: list[tuple[int, int, int]], ready: int, cost: int, flag: int) -> None:
    for r, c, f in labels:
        if r <= ready and c <= cost and f >= flag:
            return
    labels[:] = [(r, c, f) for r, c, f in labels
                 if not (ready <= r and cost <= c and flag >= f)]
    labels.append((ready, cost, flag))


class RoutePool(NamedTuple):
    """All feasible week-routes of one (vehicle, weekday)."""

    cand: list[Site]  # candidate stops; bit j of a mask is cand[j]
    member: np.ndarray  # route × candidate, 1.0 when the route visits it
    costs: np.ndarray  # route → cheapest km, 0.1 km units (legs rounded down)
    table: dict[int, int]  # mask → cost, the same routes for lookups


def route_pools(instance: Instance, travel: TravelMatrix, stops: list[Site],
                deadline: float | None = None, wide: list[tuple[str, str]] | None = None,
                interrupt: Callable[[], bool] | None = None, *,
                known: frozenset[tuple[str, str]] = frozenset(),
                max_cand: int | None = None, failed: list[tuple[str, str]] | None = None
                ) -> tuple[dict[tuple[str, str], RoutePool] | None, str]:
    """The route pool of every (vehicle, weekday) with candidates; (None, why) when a
    day has too many routes to enumerate — or, when `wide` is given, such days are
    appended to it and left out of the pools, as are, without trying, the days in
    `known` (found too wide before) and those with more than `max_cand` candidates.
    Days with the same shift and candidates share one pool object (enumerated once;
    `_probe` treats them as symmetric). `interrupt()` true before a day: (None, why).
    `failed` gets the day that had too many routes when `wide` is not given."""
    idx = travel.index()
    dep = idx[instance.settings.depot]
    km10 = [[_km10(x) for x in row] for row in travel.km]
    T = travel.minutes
    step = instance.settings.round_to_min
    pools: dict[tuple[str, str], RoutePool] = {}
    memo: dict[tuple, RoutePool | None] = {}  # None: too many routes
    for v in instance.settings.vehicles:
        for d, sh in v.shifts.items():
            cand, spec, brk = route_spec(v, d, sh.start, sh.end, stops, idx, dep, T)
            if not cand:
                continue
            mk = _km10(v.max_km_per_day) if v.max_km_per_day is not None else None
            key = (tuple(spec), sh.start, sh.end, mk, brk)
            if wide is not None and ((key in memo and memo[key] is None)
                                     or (v.name, d) in known
                                     or (max_cand is not None and len(cand) > max_cand)):
                memo[key] = None
                wide.append((v.name, d))
                continue
            if key not in memo:  # e.g. Monday, Tuesday and Thursday with the same shift
                if interrupt is not None and interrupt():
                    return None, "interrupted"
                routes = enumerate_routes(spec, dep, sh.start, sh.end, km10, T, mk, deadline,
                                          step, brk)
                if routes is None:
                    if deadline is not None and time.perf_counter() > deadline:
                        return None, f"{v.name} {d}: route enumeration ran out of time"
                    if wide is not None:
                        memo[key] = None
                        wide.append((v.name, d))
                        continue
                    if failed is not None:
                        failed.append((v.name, d))
                    return None, (f"{v.name} {d}: too many possible routes to enumerate "
                                  f"(> {MAX_LABELS:,} labels; windows too wide)")
                member = np.array([[m >> j & 1 for j in range(len(cand))] for m in routes],
                                  dtype=float).reshape(len(routes), len(cand))
                memo[key] = RoutePool(cand, member, np.array(list(routes.values()), dtype=float),
                                      routes)
            pool = memo[key]
            assert pool is not None
            pools[(v.name, d)] = pool
    return pools, ""


def _mixed_bound(instance: Instance, travel: TravelMatrix, stops: list[Site], L: int,
                 walks: TemplateBound, *, det_limit: float, seed: int,
                 deadline: float | None, say: Report,
                 interrupt: Callable[[], bool] | None = None,
                 known: frozenset[tuple[str, str]] = frozenset()) -> TemplateBound:
    """Some days have too many routes to enumerate: the shared-time LP over day
    contents for the days whose routes do enumerate, beside the LP over walks for the
    others (content.py, `WalkDays`). Why: the LP over walks lets every day time each
    week on its own; on 36 stops / 2 buses one wide Wednesday sent all ten days there
    (docs/lower-bound.md). Never below `walks`; no timetable to offer (the walk days
    have no contents), so the method is `shared-walks`. `known`: the days already
    found too wide; days with more candidates than a content's bitmask holds are walk
    days without trying their routes (90 / 4: 16 s of enumeration for nothing)."""
    from .content import MAX_MASK_BITS, keeps_contents, shared_time_bound

    if any(s.duration_min < 1 for s in stops):  # the walks' pricing needs visits to take time
        return walks
    idx = travel.index()
    dep = idx[instance.settings.depot]
    days = [(v.name, d, len(route_spec(v, d, sh.start, sh.end, stops, idx, dep,
                                       travel.minutes)[0]))
            for v in instance.settings.vehicles for d, sh in v.shifts.items()]
    days = [x for x in days if x[2]]
    hopeful = sum(1 for v, d, n in days if n <= MAX_MASK_BITS and (v, d) not in known)
    if hopeful < MIXED_MIN_SHARE * len(days):  # decided before any enumeration
        return walks
    wide: list[tuple[str, str]] = []
    pools, _ = route_pools(instance, travel, stops, deadline, wide=wide, interrupt=interrupt,
                           known=known, max_cand=MAX_MASK_BITS)
    if pools is None or not wide:
        return walks
    content = [vd for vd, p in pools.items() if keeps_contents(p)]
    if len(content) < MIXED_MIN_SHARE * (len(pools) + len(wide)):
        return walks  # the walks decide it: the stage would only hold the plan to its limit
    floor = walks.lower_km or 0.0
    n_routes = sum(len(p.costs) for p in {id(p): p for p in pools.values()}.values())

    def heard(v10: float, how: str, cols: int) -> None:
        if _km(v10, L) > floor:
            say(TemplateBound(_km(v10, L), "shared-walks", L, n_routes, cols,
                              note=walks.note + "; shared times on the other days"))

    shared = shared_time_bound(instance, travel, stops, pools, L, math.inf,
                               det_limit=det_limit, seed=seed, deadline=deadline,
                               report=heard, wide=wide, interrupt=interrupt)
    if shared.value is None or _km(shared.value, L) <= floor:
        return walks
    return TemplateBound(_km(shared.value, L), "shared-walks", L, n_routes, shared.columns,
                         note=walks.note + "; shared times on the other days"
                         + ("" if shared.finished else " (stopped early: Lagrangian bound)"))


def _walk_bound(instance: Instance, travel: TravelMatrix, stops: list[Site], L: int,
                weak: TemplateBound, why: str, deadline: float | None, cpu_limit: float,
                say: Report, keep: dict | None = None) -> TemplateBound:
    """Too many routes to enumerate: the LP over walks (bound_qroute.py), never below
    the neighbour bound. `keep` gets the LP (key "walks") to go on from later."""
    from .qroute import WalkLP

    if deadline is not None and time.perf_counter() > deadline:
        return replace(weak, note=f"{why}; {weak.note}")  # no time to even build the LP
    if any(s.duration_min < 1 for s in stops):  # the pricing's time order needs every
        return replace(weak, note=f"{why}; {weak.note}")  # visit to take time
    lp = WalkLP(instance, travel, stops)
    if keep is not None:
        keep["walks"] = lp
    return _walks_run(lp, L, weak, why, say, deadline=deadline, cpu_limit=cpu_limit)


def narrowed_walk_bound(instance: Instance, travel: TravelMatrix, lp, served: set[str], *,
                        deadline: float | None, report: Report) -> TemplateBound:
    """The bound for timetables serving exactly `served`, from an LP over walks kept
    for more stops (`template_lower_bound(keep=…)`): the others are let go
    (`WalkLP.drop`) and its column generation goes on from where it stood — a few
    rounds where building it anew took 11–22 s at 180 / 8. Never below the neighbour
    bound of the served stops."""
    stops = sorted((s for s in lp.stops if s.id in served), key=lambda s: s.id)
    if not stops:
        return TemplateBound(0.0, "optimal", 1)
    L = math.lcm(*(s.every_weeks for s in stops))
    weak = neighbour_bound(instance, travel, stops)
    report(weak)
    lp.drop({s.id for s in lp.stops} - set(served))
    return _walks_run(lp, L, weak, "for the stops served; routes too many to enumerate",
                      report, deadline=deadline)


def _walks_run(lp, L: int, weak: TemplateBound, why: str, say: Report, *,
               deadline: float | None, cpu_limit: float | None = None) -> TemplateBound:
    """Run the LP over walks on from where it stands: each rise above the neighbour
    bound `weak` is said as it is proven; the result, never below `weak`."""
    floor = weak.lower_km if weak.lower_km is not None else 0.0

    def lifted(v: float) -> None:
        if v > floor:
            say(TemplateBound(v, "walks", L, note=f"{why}; LP over walks (stopped early)"))

    value, cols, converged = lp.run(deadline=deadline, cpu_limit=cpu_limit, report=lifted)
    if value is None or value <= floor:
        return replace(weak, note=f"{why}; {weak.note}")
    value = _km(value * 10, L)  # the next value a timetable can have (see _km)
    return TemplateBound(value, "walks", L, columns=cols,
                         note=f"{why}; LP over walks" + ("" if converged else
                                                          " (stopped early: Lagrangian bound)"))


def _km(value10: float, L: int) -> float:
    """0.1 km per week → km, stepped down a hair for LP tolerances, then rounded UP to
    the next value a timetable can have: every route's km is a multiple of 0.1 and a
    day's cycle divides L, so a timetable's km per average week × 10 × L is an integer
    and no timetable lies strictly between a bound and that next multiple of 1/(10 L).
    (Before: rounded down to 0.1 km, so an LP that met the plan's 31.0 said 30.9.)"""
    units = value10 * L
    return max(0.0, math.ceil(units - 1e-6 * max(1.0, units)) / L / 10)


def template_lower_bound(instance: Instance, travel: TravelMatrix, served: set[str],
                         upper_km: float | None = None, *, det_limit: float = 10.0,
                         seed: int = 0, deadline: float | None = None,
                         report: Report | None = None, routes: bool = True,
                         keep: dict | None = None,
                         offer: Callable[[float, tuple], None] | None = None,
                         interrupt: Callable[[], bool] | None = None
                         ) -> TemplateBound:
    """Lower bound on km per average week for timetables serving exactly `served`.

    `upper_km`: the cost of a known timetable serving `served` (the plan's; `inf` when
    none is known yet). With it, the week-route LP bound is raised by the shared-time
    stage (bound_content.py) and, if that cannot finish, by integer probes
    (`integer_bound`), within `det_limit`. `deadline` (perf_counter) cuts the work; the
    best bound proven so far is returned. `report` gets every improvement as it is
    proven (bound_job.py sends them to the planner).

    When the week-routes are too many to enumerate (or time runs out doing it), the
    weaker neighbour bound (bound_degree.py) is returned instead, so a plan of any
    size carries a proven gap. `routes=False` skips the enumeration (a caller that
    saw it give up already) and goes straight to the LP over walks. `keep` (a dict)
    receives that LP under "walks" when it is used, to go on from (job.py). `offer(km
    per week, timetable)` gets every cheaper real timetable the shared-time stage's
    contents make (content.py, `master_timetable`): job.py passes it to the planner.
    `interrupt()` true ends the stage with walk days early (job.py: the planner has
    asked for the bound of fewer stops)."""
    heard = report or (lambda b: None)
    proven = [-1.0]

    def say(b: TemplateBound) -> None:
        """Pass on only what raises the bound: a listener keeps the last report."""
        if b.lower_km is not None and b.lower_km > proven[0]:
            proven[0] = b.lower_km
            heard(b)

    stops = sorted((s for s in instance.stops if s.id in served), key=lambda s: s.id)
    if not stops:
        return TemplateBound(0.0, "optimal", 1)
    L = math.lcm(*(s.every_weeks for s in stops))
    weak = neighbour_bound(instance, travel, stops)  # instant; a floor for everything below
    say(weak)
    if L > MAX_BOUND_CYCLE:
        return replace(weak, note=f"the stops' week cycle is {L} weeks (> {MAX_BOUND_CYCLE}); "
                                  + weak.note)
    if deadline is not None and time.perf_counter() > deadline:
        return replace(weak, note=f"no time left for more; {weak.note}")
    if not routes:  # the caller knows the routes are too many: straight to the walks
        return _walk_bound(instance, travel, stops, L, weak, "routes not enumerated",
                           deadline, det_limit, say, keep)
    failed: list[tuple[str, str]] = []
    pools, note = route_pools(instance, travel, stops, deadline, failed=failed)
    if pools is None:  # CPU for the walks: as much as the probes would get
        walks = _walk_bound(instance, travel, stops, L, weak, note, deadline, det_limit, say,
                            keep)
        if deadline is not None and time.perf_counter() > deadline:
            return walks
        if not failed:  # out of time, not too many routes
            return walks
        return _mixed_bound(instance, travel, stops, L, walks, det_limit=det_limit, seed=seed,
                            deadline=deadline, say=say, interrupt=interrupt,
                            known=frozenset(failed))
    lp = _MasterLP(stops, pools, L)
    value = lp.solve()
    n_routes = sum(len(p.costs) for p in {id(p): p for p in pools.values()}.values())
    if value is None or lp.uncovered > 1e-6:
        why = "the LP did not solve" if value is None else "some served stop fits no route"
        return replace(weak, routes=n_routes, note=f"{why}; {weak.note}")
    if weak.lower_km is not None and _km(value, L) < weak.lower_km:
        return replace(weak, routes=n_routes)  # cannot happen in theory; never report less
    status = "lp"
    say(TemplateBound(_km(value, L), status, L, n_routes, lp.n_columns))
    if upper_km is None or upper_km * 10 <= value + 1e-6:
        return TemplateBound(_km(value, L), status, L, n_routes, lp.n_columns)
    from .content import shared_time_bound

    shared = shared_time_bound(instance, travel, stops, pools, L, upper_km * 10,
                               det_limit=det_limit, seed=seed, deadline=deadline,
                               report=lambda v10, how, cols: say(
                                   TemplateBound(_km(v10, L), how, L, n_routes, cols)),
                               offer=None if offer is None else
                               lambda v10, days: offer(v10 / 10, days))
    if shared.finished:  # converged: never below the week-route probes' relaxation
        v10 = max(value, shared.value or 0.0)
        # an optimum found by the probe is a sum of integers over the cycle's weeks (no
        # LP tolerance to allow): kept exact, not floored to 0.1 km, so that a plan
        # driving this very optimum shows a gap of 0.00 % (docs/lower-bound.md)
        km = v10 / 10 if shared.status == "optimal" else _km(v10, L)
        return TemplateBound(km, shared.status, L, n_routes, shared.columns,
                             witness=shared.witness)
    best = max(value, shared.value or 0.0)

    def lifted(v10: float) -> None:
        if v10 > best:
            say(TemplateBound(_km(v10, L), "integer", L, n_routes, lp.n_columns))

    left = max(0.0, det_limit - shared.det_used)  # the week-route probes with the rest
    probed, optimal = integer_bound(stops, pools, L, lp.reduced_costs(), value,
                                    upper_km * 10, det_limit=left, seed=seed,
                                    deadline=deadline, report=lifted)
    if probed >= best:
        how = "optimal" if optimal else "integer" if probed > value else "lp"
        return TemplateBound(_km(probed, L), how, L, n_routes, lp.n_columns)
    return TemplateBound(_km(best, L), shared.status, L, n_routes, shared.columns)


class _MasterLP:
    """Restricted master over the route pools, priced by full enumeration — over ONE
    week of the cycle.

    Why one week: the LP over the L weeks of the cycle (each (vehicle, weekday, week)
    one route, each stop one phase) keeps its value when the weeks are turned, so
    averaging an optimum over the L turns gives an optimum in which every week of a
    day has the same route mix and a stop that comes every e weeks is in 1/e of it.
    That LP is this one: per (vehicle, weekday) one convex mix of routes, a stop
    covered by its days' mixes e × (share in the mix) = its share of the day, shares
    summing to 1. Same value, L times fewer rows and pricing runs (36 stops, cycle 4:
    13 s → a few). The L-week duals are these divided by L (they are feasible and
    reach the same value there), so `reduced_costs` gives the integer probes the
    reduced cost of every (vehicle, weekday, week) route as before. The link rows are
    written with e, not 1/e (whole coefficients keep GLOP stable)."""

    def __init__(self, stops: list[Site], pools, L: int):
        self.stops, self.pools, self.L = stops, pools, L
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        s = self.solver
        self.obj = s.Objective()
        self.convex: dict[tuple[str, str, int], pywraplp.Constraint] = {}
        self.link: dict[tuple[str, str, str, int], pywraplp.Constraint] = {}
        self.cols: dict[tuple[str, str, int], set[int]] = {}
        self.every: dict[tuple[str, str], np.ndarray] = {}
        assign, self.art = stop_rows(s, stops)
        for (veh, day), (cand, member, _costs, _) in pools.items():
            key = (veh, day, 0)
            self.convex[key] = s.Constraint(1, 1, f"one_{veh}_{day}")
            self.cols[key] = set()
            self.every[(veh, day)] = np.array([st.every_weeks for st in cand], dtype=float)
            for st in cand:
                # e × (share of the route mix visiting the stop) − its share of the day = 0
                row = s.Constraint(0, 0, f"in_{st.id}_{veh}_{day}")
                self.link[(st.id, veh, day, 0)] = row
                x = s.NumVar(0, 1, f"x_{st.id}_{veh}_{day}")
                assign[st.id].SetCoefficient(x, 1)
                row.SetCoefficient(x, -1)
            empty = int(np.flatnonzero(member.sum(axis=1) == 0)[0])
            self._add(key, empty)
        self.obj.SetMinimization()

    @property
    def n_columns(self) -> int:
        return sum(len(c) for c in self.cols.values())

    @property
    def uncovered(self) -> float:
        return sum(a.solution_value() for a in self.art)

    def _add(self, key: tuple[str, str, int], col: int) -> None:
        veh, day, _ = key
        cand, member, costs, _ = self.pools[(veh, day)]
        lam = self.solver.NumVar(0, 1, f"r_{veh}_{day}_{col}")
        self.obj.SetCoefficient(lam, costs[col])  # 0.1 km: one (average) week
        self.convex[key].SetCoefficient(lam, 1)
        for j in np.flatnonzero(member[col]):
            self.link[(cand[j].id, veh, day, 0)].SetCoefficient(lam, cand[j].every_weeks)
        self.cols[key].add(col)

    def solve(self, max_rounds: int = 500, per_round: int = 30) -> float | None:
        """Column generation to LP optimality; the objective in 0.1 km per average week."""
        for _ in range(max_rounds):
            if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
                return None
            duals = {}  # read all duals before the model changes
            for key, con in self.convex.items():
                veh, day, _ = key
                cand = self.pools[(veh, day)][0]
                pi = np.array([self.link[(st.id, veh, day, 0)].dual_value() for st in cand])
                duals[key] = (con.dual_value(), pi * self.every[(veh, day)])
            added = 0
            for key, (mu, pi) in duals.items():
                cand, member, costs, _ = self.pools[key[:2]]
                reduced = costs - mu - member @ pi
                order = np.argsort(reduced, kind="stable")
                for col in order[: per_round * 3]:
                    if reduced[col] > -1e-7 or added >= per_round * len(self.convex):
                        break
                    if int(col) not in self.cols[key]:
                        self._add(key, int(col))
                        added += 1
            if not added:
                self.duals = duals
                return self.obj.Value()
        return None

    def reduced_costs(self) -> dict[tuple[str, str, int], np.ndarray]:
        """Every pooled column's reduced cost in the L-week LP, for every week of the
        cycle, at the final duals divided by L (all ≥ -1e-7 / L)."""
        out = {}
        for (veh, day, _), (mu, pi) in self.duals.items():
            cand, member, costs, _ = self.pools[(veh, day)]
            reduced = (costs - mu - member @ pi) / self.L
            for k in range(self.L):
                out[(veh, day, k)] = reduced
        return out


def integer_bound(stops: list[Site], pools, L: int, reduced, lp_value: float, upper: float,
                  *, det_limit: float, seed: int = 0, deadline: float | None = None,
                  report: Callable[[float], None] | None = None) -> tuple[float, bool]:
    """Raise the LP bound by integer probes: (bound, proven optimal), 0.1 km per week.

    Probe "is there a timetable cheaper than U?". Reduced-cost filtering makes each
    probe small: every solution cheaper than U uses only columns whose reduced cost is
    ≤ U − lp_value. A probe proven infeasible lifts the bound to U; one that finds a
    solution below U has found the relaxation's optimum (it minimises). U climbs in
    doubling steps (a quarter of the step after a probe that ran out of time) until
    `upper`, or the total deterministic time `det_limit` is spent."""
    bound, step, spent = lp_value, 0.005 * lp_value, 0.0
    while bound < upper - 1e-9 and spent < det_limit:
        wall = None if deadline is None else deadline - time.perf_counter()
        if wall is not None and wall <= 0:
            break
        target = min(upper, bound + step)
        verdict, value, used = _probe(stops, pools, L, reduced, lp_value, target,
                                      (det_limit - spent) / 2, seed, wall)  # room to retry
        spent += used
        if verdict == "optimal":
            return value, True
        if verdict == "none":
            bound, step = target, step * 2
            if report is not None:
                report(bound)
        elif step > 0.001 * lp_value:
            step /= 4  # timed out: a smaller step is a cheaper question
        else:
            break
    return bound, bound >= upper - 1e-9


def _probe(stops, pools, L: int, reduced, lp_value: float, target: float, det_limit: float,
           seed: int, wall: float | None = None) -> tuple[str, float, float]:
    """("none" | "optimal" | "unknown", optimum if found, deterministic time used)."""
    from ortools.sat.python import cp_model

    slack = target - lp_value + 1e-6
    m = cp_model.CpModel()
    inside: dict[tuple[str, str, str, int], list] = {}
    objective = []
    first = {}  # (vehicle, weekday) → index of its week-0 route
    for key, rc in reduced.items():
        veh, day, k = key
        cand, member, costs, _ = pools[(veh, day)]
        lits = []
        kept = np.flatnonzero(rc <= slack)
        for col in kept:
            lam = m.NewBoolVar("")
            lits.append(lam)
            objective.append(int(costs[col]) * lam)
            for j in np.flatnonzero(member[col]):
                inside.setdefault((cand[j].id, veh, day, k), []).append(lam)
        if not lits:
            return "none", 0.0, 0.0
        m.AddExactlyOne(lits)
        if k == 0:
            first[(veh, day)] = sum(int(col) * lam for col, lam in zip(kept, lits))
    for st in stops:
        n = st.every_weeks
        xs = []
        for (veh, day), (cand, *_) in pools.items():
            if st not in cand:
                continue
            for p in range(n):
                x = m.NewBoolVar("")
                xs.append(x)
                for k in range(p, L, n):
                    m.Add(sum(inside.get((st.id, veh, day, k), [])) == x)
        m.AddExactlyOne(xs)
    # days with the same route pool (e.g. Mon, Tue, Thu with one shift) are
    # interchangeable as a whole: order them by their week-0 route (symmetry breaking)
    groups: dict[int, list[tuple[str, str]]] = {}
    for vd in first:
        groups.setdefault(id(pools[vd]), []).append(vd)
    for days in groups.values():
        for a, b in zip(days, days[1:]):
            m.Add(first[a] <= first[b])
    total = sum(objective)
    m.Add(total <= math.ceil(target * L) - 1)  # strictly cheaper than the target
    m.Minimize(total)
    solver = deterministic_solver(seed, det_limit, max(30.0, det_limit * 5) if wall is None
                                  else max(0.05, wall))
    status = solver.Solve(m)
    used = solver.ResponseProto().deterministic_time
    if status == cp_model.INFEASIBLE:
        return "none", 0.0, used
    if status == cp_model.OPTIMAL:
        return "optimal", solver.ObjectiveValue() / L, used
    return "unknown", 0.0, used
