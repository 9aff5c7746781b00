"""A proven lower bound for days with too many routes to enumerate: relaxed pricing.

Why: bound.py prices its column generation by enumerating every elementary week-route
of a day, which explodes from ~40 candidate stops per day (45 stops on 2 buses is
already too many). This module solves the same master LP, but prices over a *larger*
set of routes that a dynamic programme can search in polynomial time: walks that may
visit a stop more than once, but never twice in a row (q-routes with 2-cycle
elimination). Every real route is such a walk, so the LP over walks is a relaxation
of bound.py's LP, and its value is a valid lower bound.

The bound does not need column generation to converge: at any iteration,

    LP of the restricted master + Σ_(class, week) multiplicity · min(0, cheapest reduced cost)

is a valid (Lagrangian) lower bound when each convexity row fixes how many routes a
class of days drives. So the bound can be stopped at any deadline and still be proven.

Days with the same shift and candidates (e.g. Randers' Monday, Tuesday and Thursday,
or 16 identical buses) form one class with a multiplicity: summing the original
constraints over identical days gives this aggregated master, so its optimum is not
above the original's (aggregation only relaxes).

Pricing DP (per class and week): a label is (stop j, service start t) with the cheapest
reduced cost of a walk from the depot ending with service at j at minute t, and its
predecessor stop. Start times are processed in increasing order (every step takes at
least a visit's duration), a label is extended only when it beats every earlier
start at j with a different predecessor, and the two best labels with different
predecessors are kept per (j, t) so a walk never returns to the stop it came from.
Legs are rounded down to 0.1 km; the lunch break, the `round_to_min` grid,
max_km_per_day and the shared arrival times are relaxed (bound.py keeps all four
where routes can be enumerated).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from ...model import Instance, Site
from ...travel import TravelMatrix
from ..daymodel import day_candidates
from .master import stop_rows

INF = float("inf")
COLUMNS_PER_PRICING = 8


def _km10(km: float) -> int:
    return int(math.floor(km * 10 + 1e-9))


@dataclass
class DayClass:
    """Identical (vehicle, weekday) pairs: one shift, one candidate list."""

    start: int
    end: int
    cand: list[Site]
    idx: np.ndarray  # matrix rows of the candidates
    lo: np.ndarray
    hi: np.ndarray
    dur: np.ndarray
    count: int  # how many (vehicle, weekday) pairs share it


def day_classes(instance: Instance, travel: TravelMatrix, stops: list[Site]) -> list[DayClass]:
    idx = travel.index()
    dep = idx[instance.settings.depot]
    T = travel.minutes
    classes: dict[tuple, DayClass] = {}
    for v in instance.settings.vehicles:
        for d, sh in v.shifts.items():
            found = day_candidates(v, d, sh.start, sh.end, stops, idx, dep, T)
            cand = [s for s, _, _ in found]
            spec = [(i, w[0], w[1], s.duration_min) for s, i, w in found]
            if not cand:
                continue
            key = (sh.start, sh.end, tuple(spec))
            if key in classes:
                classes[key].count += 1
            else:
                a = np.array(spec, dtype=np.int64)
                classes[key] = DayClass(sh.start, sh.end, cand, a[:, 0], a[:, 1], a[:, 2],
                                        a[:, 3], 1)
    return list(classes.values())


def price(cls: DayClass, dep: int, km10: np.ndarray, minutes: np.ndarray, L: int,
          pi: np.ndarray) -> list[tuple[float, dict[int, int], int]]:
    """Cheapest walks by reduced cost (without the convexity dual): up to
    COLUMNS_PER_PRICING of (reduced cost, visits per candidate, cost in 0.1 km),
    best first. `pi`: link duals per candidate. Exact over walks without 2-cycles, as
    the Lagrangian bound requires (needs every visit to take ≥ 1 minute)."""
    n = len(cls.cand)
    base = int(cls.lo.min())
    width = int(cls.hi.max()) - base + 1
    # two labels per (j, t) with different predecessors: value, predecessor (-1 = the
    # depot), and where the predecessor label sits (its t offset and slot)
    val = np.full((2, n, width), INF)
    pred = np.full((2, n, width), -2, dtype=np.int64)
    ptime = np.zeros((2, n, width), dtype=np.int64)
    pslot = np.zeros((2, n, width), dtype=np.int64)
    leg = km10[np.ix_(cls.idx, cls.idx)] / L  # 0.1 km per average week
    drive = minutes[np.ix_(cls.idx, cls.idx)]
    out_km = km10[dep, cls.idx] / L
    back_km = km10[cls.idx, dep] / L
    back_min = minutes[cls.idx, dep]
    arr0 = np.maximum(cls.lo, cls.start + minutes[dep, cls.idx])
    j: int | np.integer  # a numpy index in the loops, an int from `ends`
    for j in np.flatnonzero(arr0 <= cls.hi):
        val[0, j, arr0[j] - base] = out_km[j] - pi[j]
        pred[0, j, arr0[j] - base] = -1
    # best two earlier labels per stop with different predecessors (dominance)
    b0 = np.full(n, INF)
    p0 = np.full(n, -3, dtype=np.int64)
    b1 = np.full(n, INF)
    cols = np.arange(n)
    ends: list[tuple[float, int, int, int]] = []  # (reduced cost, j, t offset, slot)
    for t in range(width):
        for r in (0, 1):
            for j in np.flatnonzero(val[r, :, t] < INF):
                v, p = float(val[r, j, t]), int(pred[r, j, t])
                # dominated: an earlier label as cheap that may go everywhere this one
                # may (same predecessor, or the depot), or two with different ones
                if v >= b1[j] or (v >= b0[j] and (p0[j] == p or p0[j] == -1)):
                    continue
                if v < b0[j]:
                    if p0[j] != p:
                        b1[j] = b0[j]
                    b0[j], p0[j] = v, p
                elif p != p0[j]:
                    b1[j] = min(b1[j], v)
                finish = base + t + int(cls.dur[j])
                if finish + back_min[j] <= cls.end:
                    ends.append((v + back_km[j], int(j), t, r))
                arr = np.maximum(cls.lo, finish + drive[j])
                reach = (arr <= cls.hi) & (cols != j) & (cols != p)
                i = cols[reach]
                if not len(i):
                    continue
                sl = arr[i] - base
                x = v + leg[j, i] - pi[i]
                c0, q0 = val[0, i, sl], pred[0, i, sl]
                top = x < c0
                demote = top & (q0 != j)  # the old best moves to the second slot
                d_i, d_s = i[demote], sl[demote]
                val[1, d_i, d_s], pred[1, d_i, d_s] = val[0, d_i, d_s], pred[0, d_i, d_s]
                ptime[1, d_i, d_s], pslot[1, d_i, d_s] = ptime[0, d_i, d_s], pslot[0, d_i, d_s]
                t_i, t_s = i[top], sl[top]
                val[0, t_i, t_s], pred[0, t_i, t_s] = x[top], j
                ptime[0, t_i, t_s], pslot[0, t_i, t_s] = t, r
                second = ~top & (q0 != j) & (x < val[1, i, sl])
                s_i, s_s = i[second], sl[second]
                val[1, s_i, s_s], pred[1, s_i, s_s] = x[second], j
                ptime[1, s_i, s_s], pslot[1, s_i, s_s] = t, r
    ends.sort()
    out: list[tuple[float, dict[int, int], int]] = []
    seen: set[tuple] = set()
    for rc, j, t, r in ends:
        if rc >= -1e-9 or len(out) >= COLUMNS_PER_PRICING:
            break
        visits: dict[int, int] = {}
        cost = int(km10[cls.idx[j], dep])
        cj, ct, cr = int(j), t, r
        while True:
            visits[cj] = visits.get(cj, 0) + 1
            p = int(pred[cr, cj, ct])
            if p == -1:
                cost += int(km10[dep, cls.idx[cj]])
                break
            cost += int(km10[cls.idx[p], cls.idx[cj]])
            cj, ct, cr = p, int(ptime[cr, cj, ct]), int(pslot[cr, cj, ct])
        key = tuple(sorted(visits.items()))
        if key in seen:
            continue
        seen.add(key)
        out.append((rc, visits, cost))
    return out


def qroute_bound(instance: Instance, travel: TravelMatrix, stops: list[Site], *,
                 deadline: float | None = None, cpu_limit: float | None = None,
                 max_rounds: int = 400, report=None) -> tuple[float | None, int, bool]:
    """(lower bound in km per average week or None, columns, converged). Stops at the
    `deadline` (perf_counter) or after `cpu_limit` CPU seconds, whichever is first."""
    cpu0 = time.process_time()

    def late() -> bool:
        return ((deadline is not None and time.perf_counter() > deadline)
                or (cpu_limit is not None and time.process_time() - cpu0 > cpu_limit))

    idx = travel.index()
    dep = idx[instance.settings.depot]
    km10 = np.array([[_km10(x) for x in row] for row in travel.km], dtype=float)
    minutes = np.array(travel.minutes, dtype=np.int64)
    L = math.lcm(*(s.every_weeks or 1 for s in stops))
    if any(s.duration_min < 1 for s in stops):
        return None, 0, False  # the pricing's time order needs every visit to take time
    classes = day_classes(instance, travel, stops)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    obj = solver.Objective()
    assign, art = stop_rows(solver, stops)
    conv: dict[tuple[int, int], pywraplp.Constraint] = {}
    link: dict[tuple[int, int], list] = {}
    for c, cls in enumerate(classes):
        for k in range(L):
            conv[(c, k)] = solver.Constraint(cls.count, cls.count)
            empty = solver.NumVar(0, cls.count, "")
            conv[(c, k)].SetCoefficient(empty, 1)
            link[(c, k)] = [solver.Constraint(0, 0) for _ in cls.cand]
        for j, s in enumerate(cls.cand):
            n = s.every_weeks or 1
            for p in range(n):
                x = solver.NumVar(0, 1, "")
                assign[s.id].SetCoefficient(x, 1)
                for k in range(p, L, n):
                    link[(c, k)][j].SetCoefficient(x, -1)
    obj.SetMinimization()
    best = None
    columns = 0
    for _ in range(max_rounds):
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            return best, columns, False
        z = obj.Value()
        uncovered = sum(a.solution_value() for a in art)
        duals = {key: (con.dual_value(), np.array([x.dual_value() for x in link[key]]))
                 for key, con in conv.items()}
        lagrange = z
        added = 0
        for (c, k), (mu, pi) in duals.items():
            if late():
                return best, columns, False
            cls = classes[c]
            found = price(cls, dep, km10, minutes, L, pi)
            if found:
                lagrange += cls.count * min(0.0, found[0][0] - mu)
            for rc, visits, cost in found:
                if rc - mu >= -1e-7:
                    break
                lam = solver.NumVar(0, cls.count, "")
                obj.SetCoefficient(lam, cost / L)
                conv[(c, k)].SetCoefficient(lam, 1)
                for j, times in visits.items():
                    link[(c, k)][j].SetCoefficient(lam, times)
                added += 1
                columns += 1
        if uncovered < 1e-6:  # the Lagrangian bound is only meaningful once all is covered
            value = math.floor(lagrange - 1e-6 * max(1.0, abs(lagrange))) / 10
            if best is None or value > best:
                best = value
                if report is not None:
                    report(max(0.0, best))
        if not added:
            return (None if best is None else max(0.0, best)), columns, True
    return (None if best is None else max(0.0, best)), columns, False
