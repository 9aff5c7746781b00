"""A proven lower bound for days with too many routes to enumerate: relaxed pricing.

Why: core.py prices its column generation by enumerating every elementary week-route
of a day, which explodes from ~40 candidate stops per day (45 stops on 2 buses is
already too many). This module solves the same master LP, but prices over a *larger*
set of routes that a dynamic programme can search in polynomial time: walks that may
visit a stop more than once, but never twice in a row (q-routes with 2-cycle
elimination). Every real route is such a walk, so the LP over walks is a relaxation
of core.py's LP, and its value is a valid lower bound.

**One week stands for all.** The week-route LP (one route per day and week of the
cycle, each stop in the weeks of its phase) is unchanged when the weeks of the cycle
are rotated (k → k+1 mod L, every phase with them). An LP's optimal solutions form a
convex set, so the average of an optimum over the L rotations is optimal too, and it
drives the same route mix in every week and spreads each stop's options evenly over
its phases. So the LP's optimum equals that of the LP over ONE week in which a stop
that comes every e weeks is served 1/e of a time: L times fewer rows, columns and
pricing problems, the same value. (The shared arrival times are relaxed here anyway;
the integer probes of core.py need the weeks, this LP does not. Its link rows are
written × e, integer coefficients only: with 1/3's GLOP ended ABNORMAL on 90-4.)

The bound does not need column generation to converge: at any iteration,

    LP of the restricted master + Σ_class multiplicity · min(0, cheapest reduced cost)

is a valid (Lagrangian) lower bound when each convexity row fixes how many routes a
class of days drives. So the bound can be stopped at any deadline and still be proven.
The master's artificial "uncovered" columns are only a further relaxation (more
columns can only lower an LP), so the bound holds with any penalty; a penalty of a
stop's own out-and-back trip gives useful duals from the first round, and it is
raised tenfold whenever the converged LP still leaves a stop uncovered.

Days with the same shift, break and candidates (e.g. Randers' Monday, Tuesday and
Thursday, or 16 identical buses) form one class with a multiplicity: summing the
original constraints over identical days gives this aggregated master, so its optimum
is not above the original's (aggregation only relaxes).

Pricing DP (per class): a label is (stop j, arrival slot t on the `round_to_min` grid,
break taken or not) with the cheapest reduced cost of a walk from the depot ending
with service at j at that time, and its predecessor stop. Slots are processed in
increasing order (every step takes at least a visit's duration), a label is extended
only when it beats every earlier start at j with a different predecessor (a label
that has had its break beats one that has not), and the two best labels with
different predecessors are kept per state so a walk never returns to the stop it
came from. The lunch break is taken between two legs (or before the first, after the
last), as core.py's enumeration and the day model require. Legs are rounded down to
0.1 km; max_km_per_day and the shared arrival times are relaxed.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from ...model import Instance, Site
from ...travel import TravelMatrix
from ..daymodel import route_spec
from .master import UNCOVERED_PENALTY, stop_rows

INF = float("inf")
COLUMNS_PER_PRICING = 24


def _km10(km: float) -> int:
    return int(math.floor(km * 10 + 1e-9))


def km10_matrix(travel: TravelMatrix) -> np.ndarray:
    """The km matrix in 0.1 km, every leg rounded down, as the pricing reads it."""
    return np.array([[_km10(x) for x in row] for row in travel.km], dtype=float)


@dataclass
class DayClass:
    """Identical (vehicle, weekday) pairs: one shift, break, candidate list."""

    start: int
    end: int
    cand: list[Site]
    idx: np.ndarray  # matrix rows of the candidates
    lo: np.ndarray
    hi: np.ndarray
    dur: np.ndarray
    count: int  # how many (vehicle, weekday) pairs share it
    step: int = 1  # arrivals lie on this grid (minutes)
    brk: tuple[int, int, int] | None = None  # break: earliest start, latest start, minutes


def day_classes(instance: Instance, travel: TravelMatrix, stops: list[Site],
                only: set[tuple[str, str]] | None = None) -> list[DayClass]:
    """Identical (vehicle, weekday) pairs grouped; `only`: just these pairs."""
    idx = travel.index()
    dep = idx[instance.settings.depot]
    T = travel.minutes
    step = instance.settings.round_to_min
    classes: dict[tuple, DayClass] = {}
    for v in instance.settings.vehicles:
        for d, sh in v.shifts.items():
            if only is not None and (v.name, d) not in only:
                continue
            cand, spec, brk = route_spec(v, d, sh.start, sh.end, stops, idx, dep, T)
            if not cand:
                continue
            key = (sh.start, sh.end, brk, tuple(spec))
            if key in classes:
                classes[key].count += 1
            else:
                a = np.array(spec, dtype=np.int64)
                classes[key] = DayClass(sh.start, sh.end, cand, a[:, 0], a[:, 1], a[:, 2],
                                        a[:, 3], 1, step, brk)
    return list(classes.values())


def price(cls: DayClass, dep: int, km10: np.ndarray, minutes: np.ndarray, L: int,
          pi: np.ndarray, limit: int = COLUMNS_PER_PRICING
          ) -> list[tuple[float, dict[int, int], int]]:
    """Cheapest walks by reduced cost (without the convexity dual): up to `limit` of
    (reduced cost, visits per candidate, cost in 0.1 km), best first, only negative
    ones. `pi`: link duals per candidate; a walk costs its km ÷ L. Exact over walks
    without 2-cycles, as the Lagrangian bound requires (needs every visit to take
    ≥ 1 minute)."""
    n = len(cls.cand)
    step = max(1, int(cls.step))
    lo = -(-cls.lo // step) * step  # the window's first and last grid minutes
    hi = cls.hi // step * step
    base = int(lo.min())
    width = max(1, int(hi.max() - base) // step + 1)
    brk = cls.brk
    # per (flag, slot, stop, time): flag 1 = break taken (or no break rule); two labels
    # (slots) per state with different predecessors: value, predecessor stop (-1 = the
    # depot) and the flat index of the predecessor's label (-1 = the depot). Flat
    # arrays: fancy indexing on one axis is what numpy does fastest.
    nw = n * width
    val = np.full(4 * nw, INF)
    pred = np.full(4 * nw, -2, dtype=np.int64)
    ptr = np.full(4 * nw, -1, dtype=np.int64)
    leg = km10[np.ix_(cls.idx, cls.idx)] / L  # 0.1 km per average week
    drive = minutes[np.ix_(cls.idx, cls.idx)]
    out_km = km10[dep, cls.idx] / L
    back_km = km10[cls.idx, dep] / L
    back_min = minutes[cls.idx, dep]
    cols = np.arange(n)
    row = cols * width  # a stop's offset in a (flag, slot) block

    def slots(ready: np.ndarray | int, travel: np.ndarray) -> np.ndarray:
        """Arrival slot per stop leaving at `ready` (−1 where its window is missed)."""
        arr = np.maximum(lo, -(-(ready + travel) // step) * step)
        return np.where(arr <= hi, (arr - base) // step, -1)

    def put(k0: np.ndarray, x: np.ndarray, j: int, src: int) -> None:
        """Offer labels (value x, predecessor j whose label is `src`) to the states
        whose first slot is k0 (all distinct); the second slot is k0 + nw."""
        k1 = k0 + nw
        top = x < val[k0]
        other = pred[k0] != j
        demote = top & other  # the old best moves to the second slot
        d0, d1 = k0[demote], k1[demote]
        val[d1], pred[d1], ptr[d1] = val[d0], pred[d0], ptr[d0]
        t0 = k0[top]
        val[t0], pred[t0], ptr[t0] = x[top], j, src
        second = ~top & other & (x < val[k1])
        s1 = k1[second]
        val[s1], pred[s1], ptr[s1] = x[second], j, src

    def start(f: int, ready: int) -> None:
        sl = slots(ready, minutes[dep, cls.idx])
        ok = sl >= 0
        k = 2 * f * nw + row[ok] + sl[ok]
        x = (out_km - pi)[ok]
        better = x < val[k]
        val[k[better]], pred[k[better]], ptr[k[better]] = x[better], -1, -1

    if brk is None:
        start(1, cls.start)
    else:
        start(0, cls.start)
        b = max(cls.start, brk[0])
        if b <= brk[1]:
            start(1, b + brk[2])
    # best two earlier labels per (flag, stop) with different predecessors (dominance)
    b0 = np.full((2, n), INF)
    p0 = np.full((2, n), -3, dtype=np.int64)
    b1 = np.full((2, n), INF)
    ends: list[tuple[float, int]] = []  # (reduced cost, flat index of the last label)

    def dominated(g: int, j: int, v: float, p: int) -> bool:
        return bool(v >= b1[g, j] or (v >= b0[g, j] and (p0[g, j] == p or p0[g, j] == -1)))

    for t in range(width):
        for f in (1, 0):  # a label with its break taken may dominate one without
            for r in (0, 1):
                block = (2 * f + r) * nw + t
                for jj in np.flatnonzero(val[block:block + nw:width] < INF):
                    j = int(jj)
                    here = block + j * width
                    v, p = float(val[here]), int(pred[here])
                    # dominated: an earlier label as cheap that may go everywhere this
                    # one may (same predecessor, or the depot), or two with different ones
                    if dominated(1, j, v, p) or (f == 0 and dominated(0, j, v, p)):
                        continue
                    if v < b0[f, j]:
                        if p0[f, j] != p:
                            b1[f, j] = b0[f, j]
                        b0[f, j], p0[f, j] = v, p
                    elif p != p0[f, j]:
                        b1[f, j] = min(b1[f, j], v)
                    finish = base + t * step + int(cls.dur[j])
                    home = finish
                    if f == 0:  # the break before the drive home
                        assert brk is not None
                        bs = max(finish, brk[0])
                        home = bs + brk[2] if bs <= brk[1] else cls.end + 1
                    if home + back_min[j] <= cls.end:
                        ends.append((v + back_km[j], here))
                    free = (cols != j) & (cols != p)
                    x = v + leg[j] - pi
                    sl = slots(finish, drive[j])
                    reach = free & (sl >= 0)
                    keys = 2 * f * nw + row[reach] + sl[reach]
                    offer = x[reach]
                    if f == 0:  # or the break, then the drive (other states: no clash)
                        assert brk is not None
                        bs = max(finish, brk[0])
                        if bs <= brk[1]:
                            sl = slots(bs + brk[2], drive[j])
                            reach = free & (sl >= 0)
                            keys = np.concatenate((keys, 2 * nw + row[reach] + sl[reach]))
                            offer = np.concatenate((offer, x[reach]))
                    if len(keys):
                        put(keys, offer, j, here)
    ends.sort()
    out: list[tuple[float, dict[int, int], int]] = []
    seen: set[tuple] = set()
    for rc, last in ends:
        if rc >= -1e-9 or len(out) >= limit:
            break
        visits: dict[int, int] = {}
        at = last
        cj = at % nw // width
        cost = int(km10[cls.idx[cj], dep])
        while True:
            visits[cj] = visits.get(cj, 0) + 1
            p = int(pred[at])
            if p == -1:
                cost += int(km10[dep, cls.idx[cj]])
                break
            cost += int(km10[cls.idx[p], cls.idx[cj]])
            at = int(ptr[at])
            cj = at % nw // width
            assert cj == p
        key = tuple(sorted(visits.items()))
        if key in seen:
            continue
        seen.add(key)
        out.append((rc, visits, cost))
    return out


def qroute_bound(instance: Instance, travel: TravelMatrix, stops: list[Site], *,
                 deadline: float | None = None, cpu_limit: float | None = None,
                 max_rounds: int = 1000, report=None) -> tuple[float | None, int, bool]:
    """(lower bound in km per average week or None, columns, converged). Stops at the
    `deadline` (perf_counter) or after `cpu_limit` CPU seconds, whichever is first;
    `report` gets every rise of the (Lagrangian) bound as it is proven."""
    if any(s.duration_min < 1 for s in stops):
        return None, 0, False  # the pricing's time order needs every visit to take time
    return WalkLP(instance, travel, stops).run(deadline=deadline, cpu_limit=cpu_limit,
                                                max_rounds=max_rounds, report=report)


class WalkLP:
    """The master LP over walks and its column generation, kept so it can go on later
    for fewer stops (`drop`): when a plan leaves stops unserved, its bound must be for
    the stops it serves, and the LP already converged for all of them needs only a few
    rounds more (job.py) where one built anew took 11–22 s at 180 / 8."""

    def __init__(self, instance: Instance, travel: TravelMatrix, stops: list[Site]) -> None:
        assert all(s.duration_min >= 1 for s in stops)  # see qroute_bound
        idx = travel.index()
        self.stops = stops
        self.dep = idx[instance.settings.depot]
        self.km10 = km10_matrix(travel)
        self.minutes = np.array(travel.minutes, dtype=np.int64)
        self.classes = day_classes(instance, travel, stops)
        self.solver = solver = pywraplp.Solver.CreateSolver("GLOP")
        obj = solver.Objective()
        assign, self.art = stop_rows(solver, stops)
        # the penalty of leaving a stop uncovered: its own out-and-back trip per week to
        # start with (any penalty keeps the bound valid, see the module docstring)
        km10, dep = self.km10, self.dep
        trip = {s.id: (km10[dep, idx[s.id]] + km10[idx[s.id], dep]) / (s.every_weeks or 1)
                for s in stops}
        self.penalty = {s.id: max(1.0, trip[s.id]) for s in stops}
        self.dropped: set[str] = set()  # stops the timetable may leave out (penalty 0)
        for s, a in zip(stops, self.art):
            obj.SetCoefficient(a, self.penalty[s.id])
        self.conv: list[pywraplp.Constraint] = []
        self.link: list[list] = []
        for cls in self.classes:
            self.conv.append(solver.Constraint(cls.count, cls.count))
            # no upper bound (the row implies it): so its reduced cost −μ ≥ 0 at an
            # optimum, and walks of reduced cost ≥ 0 without μ never price out
            empty = solver.NumVar(0, solver.infinity(), "")
            self.conv[-1].SetCoefficient(empty, 1)
            self.link.append([solver.Constraint(0, 0) for _ in cls.cand])
            for j, st in enumerate(cls.cand):
                y = solver.NumVar(0, 1, "")  # the share of the stop's weeks on this class
                assign[st.id].SetCoefficient(y, 1)
                self.link[-1][j].SetCoefficient(y, -1)  # rows × e: integer coefficients only
        obj.SetMinimization()
        self.freq = [np.array([st.every_weeks or 1 for st in cls.cand], dtype=float)
                     for cls in self.classes]
        self.where: dict[str, list[tuple[int, int]]] = {st.id: [] for st in stops}
        for c, cls in enumerate(self.classes):
            for j, st in enumerate(cls.cand):
                self.where[st.id].append((c, j))
        self.columns = 0
        self.walks: list[tuple[pywraplp.Variable, int, dict[int, int]]] = []  # (λ, class, visits)

    def drop(self, ids: set[str]) -> None:
        """Let the timetable leave these stops out: their "uncovered" column costs
        nothing from now on, the walks through them are taken out of the master and
        the pricing no longer reaches them — so the LP is the LP over walks of the
        others, as if built for them alone. (Walks through a dropped stop would still
        give a bound, but a weaker one: two stops at one place with a dropped one
        between them make a walk that returns to a stop at no cost.) Values proven
        before are for all stops and are not carried over (`run` starts anew)."""
        obj = self.solver.Objective()
        for s, a in zip(self.stops, self.art):
            if s.id in ids:
                self.penalty[s.id] = 0.0
                obj.SetCoefficient(a, 0.0)
        for cls in self.classes:
            for j, st in enumerate(cls.cand):
                if st.id in ids:
                    cls.hi[j] = cls.lo[j] - 1  # no arrival: never priced into a walk
        for var, c, visits in self.walks:
            if any(self.classes[c].cand[j].id in ids for j in visits):
                var.SetUb(0)
        self.dropped |= ids

    def run(self, *, deadline: float | None = None, cpu_limit: float | None = None,
            max_rounds: int = 1000, report=None) -> tuple[float | None, int, bool]:
        """Column generation from the master as it stands: (bound in km per average
        week or None, columns, converged); see qroute_bound."""
        cpu0 = time.process_time()

        def late() -> bool:
            return ((deadline is not None and time.perf_counter() > deadline)
                    or (cpu_limit is not None and time.process_time() - cpu0 > cpu_limit))

        solver, obj, classes = self.solver, self.solver.Objective(), self.classes
        conv, link, freq, penalty = self.conv, self.link, self.freq, self.penalty
        kept = [(s, a) for s, a in zip(self.stops, self.art) if s.id not in self.dropped]
        best = None

        def lagrangian(pis: list[np.ndarray]) -> tuple[float, list[list]] | None:
            """The Lagrangian function at link duals `pis` (0.1 km per week) and the
            walks priced there per class; None when time ran out. Each class drives
            `count` of its cheapest walks (or empty days), each stop takes its cheapest
            share (or the penalty): a lower bound for ANY duals, however inexact the
            LP's are."""
            total = sum(min([penalty[s.id]] + [pis[c][j] / (s.every_weeks or 1)
                                               for c, j in self.where[s.id]])
                        for s in self.stops)
            walks = []
            for c, cls in enumerate(classes):
                if late():
                    return None
                found = price(cls, self.dep, self.km10, self.minutes, 1, pis[c])
                if found:
                    total += cls.count * min(0.0, found[0][0])
                walks.append(found)
            return total, walks

        for _ in range(max_rounds):
            status = solver.Solve()
            if status != pywraplp.Solver.OPTIMAL:  # GLOP's warm start can end ABNORMAL:
                fresh = pywraplp.MPSolverParameters()  # solve once more from scratch
                fresh.SetIntegerParam(fresh.INCREMENTALITY, fresh.INCREMENTALITY_OFF)
                status = solver.Solve(fresh)
            if status != pywraplp.Solver.OPTIMAL:
                return best, self.columns, False
            uncovered = sum(a.solution_value() for _, a in kept)
            # a walk's link coefficient is e × its visits: as a dual per visit, e × the row's
            duals = [(con.dual_value(), np.array([x.dual_value() for x in rows]) * freq[c])
                     for c, (con, rows) in enumerate(zip(conv, link))]
            got = lagrangian([pi for _, pi in duals])
            if got is None:
                return best, self.columns, False
            lagrange, walks = got
            # km are never negative: 0 is a bound too (stops at the depot), not "none"
            value = max(0.0, math.floor(lagrange - 1e-6 * max(1.0, abs(lagrange))) / 10)
            if best is None or value > best:
                best = value
                if report is not None:
                    report(best)
            added = 0
            for c, found in enumerate(walks):
                mu = duals[c][0]
                for rc, visits, cost in found:
                    if rc - mu >= -1e-7:  # sorted: none after it prices out either
                        break
                    lam = solver.NumVar(0, classes[c].count, "")
                    obj.SetCoefficient(lam, cost)
                    conv[c].SetCoefficient(lam, 1)
                    for j, times in visits.items():
                        link[c][j].SetCoefficient(lam, times * float(freq[c][j]))
                    self.walks.append((lam, c, visits))
                    added += 1
                    self.columns += 1
            if not added:
                if uncovered > 1e-6 and max((penalty[s.id] for s, _ in kept),
                                            default=UNCOVERED_PENALTY) < UNCOVERED_PENALTY:
                    for s, a in kept:  # the LP leans on the penalty: raise it
                        penalty[s.id] = min(UNCOVERED_PENALTY, penalty[s.id] * 10)
                        obj.SetCoefficient(a, penalty[s.id])
                    continue
                return (None if best is None else max(0.0, best)), self.columns, True
        return (None if best is None else max(0.0, best)), self.columns, False
