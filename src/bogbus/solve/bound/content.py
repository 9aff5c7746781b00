"""The lower bound with the shared arrival times: whole day contents, costed exactly.

Why: the week-route relaxation (bound.py) times every week of a weekday's cycle on its
own, so the even and odd weeks of a Wednesday may visit the weekly stops at different
clock times. The real timetable gives each stop ONE arrival time for all weeks of its
cycle; on Randers the dropped coupling is most of the gap between the route bound and
the timetables the search finds (docs/lower-bound.md).

A column here is a *day content*: a class of identical (vehicle, weekday) pairs and
the stops one such day serves in each week of the cycle, (M_0, …, M_{L-1}), where a
stop that comes every e weeks lies in M_k exactly when k ≡ its phase (mod e). Its
cost is a proven lower bound on the exact day model (daymodel.py: one arrival time
per stop shared by all weeks, the lunch break, the `round_to_min` grid, legs rounded
DOWN to 0.1 km), read from CP-SAT's objective bound when the solve is not finished.

Master LP: min Σ c(C)·y_C with each stop in exactly one chosen content and each class
choosing `count` contents (the empty content among them). Identical days form one
class (summing their rows gives it: aggregation only relaxes).

Pricing is complete without solving every content: a content's exact cost is at least
the sum of its weeks' route costs (bound.py's enumerated pools, which already keep the
break and the grid per week), so with duals (π, μ) its reduced cost is at least

    Σ_k g(M_k) − μ,   g(M) = cost(M)/L − Σ_{s∈M} π_s·e_s/L.

The contents are listed cheapest *relaxed* reduced cost first (a search over the
weeks, each week's route consistent with the earlier weeks), the best few are costed
exactly, and whatever is not costed has a relaxed reduced cost at least the last one
listed. So after every round the Lagrangian bound at the duals (π, μ) priced at

    Σ_s π_s + Σ_class count · min(0, smallest cost − π over its stops any content has)

(plus, per stop, min(0, its uncovered price − π_s)) is proven, converged or not, at
any π; converged at the LP's duals it is the LP optimum over ALL contents.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from ...model import Instance, Site
from ...travel import TravelMatrix
from ..cpsat import deterministic_solver
from ..daymodel import DayNode, DayProblem, DaySolution, build_day_model, day_candidates
from ..fastday import UNDECIDED, FastDay
from .master import UNCOVERED_PENALTY, stop_rows
from .qroute import DayClass as WalkClass
from .qroute import day_classes as walk_classes
from .qroute import km10_matrix
from .qroute import price as price_walks

# contents listed per class and round, at first (the LP takes them at their relaxed
# cost; those it uses are costed). The bound alone at 28 s on 18-1 seed 0 / 36-2 seeds
# 0 and 2, by this number: 16 → 150.0 / 381.3–382.6 / 403.5; 32 → 150.1 / 382.3 /
# 406.5; 48 → 150.9 / 381.9 / 408.6 (converged: probes); 64 → 150.4 / 382.2 / 408.6;
# 96 → 150.3 / 383.0 / 406.6. The days that converge (Randers, 18-1 seeds 2 and 3,
# 36-2 seed 1) reach the same optimum at 16 and 48, within 0.9 s of each other.
FIRST_LISTED = 48
MAX_LISTED = 200_000  # never list more per class and round or probe (memory)
EVAL_DET = 0.5  # deterministic seconds for one content's exact cost
TOL = 1e-6  # reduced costs above -TOL count as non-negative (0.1 km per week)
# weight of the best duals so far in the duals the listing prices at (Wentges
# smoothing); measured at 28 s on 18-1 seed 0 / 36-2 seeds 0, 2 (docs/lower-bound.md):
# 0 → 141.2 / 377.5 / 387.9 km, 0.3 → 144.2 / 382.2 / 401.6, 0.5 → 147.1 / 380.9 /
# 401.8, 0.7 → 147.8 / 379.3 / 375.6, 0.8 → 140.3 on 18-1
SMOOTHING = 0.5
# ... until the best value is within this share of the restricted master's value: then
# the LP's own duals (36-2 seed 1 alone: converged at 14.5 s unsmoothed, 20.8 s
# smoothed to the end, 18.0 s so)
SMOOTH_GAP = 0.02
MAX_STALLS = 6  # rounds in a row without a new column (each lists 4× more) before giving up
MAX_STEPS = 300_000  # search steps of one listing (~1 s); a cut listing stays valid
# A probe needs its listing complete (a cut one makes it "unknown"), and one probe
# decides what many rounds of pricing only approach: so it may list as far as the
# pricing's most raised budget, within the deadline. With MAX_STEPS the busy Wednesday
# of 36-2 seed 1 was cut at every probe and the bound stayed the LP's 451.15 against a
# plan of 465.60 (3.10 %); so the probe finds that day's optimum, 453.275, in 1.6 s.
PROBE_STEPS = 16 * MAX_STEPS
MAX_MASK_BITS = 62  # candidates per day: a route is an int64 bitmask
# Beside walk days (`WalkDays`), a day with more week-routes than this is a walk day
# too: its contents are too many to list before the deadline. 45 stops / 2 buses
# (cycle 12), seed 2: one Wednesday too wide, the other 89,082 routes — as contents the
# stage stayed below the walks' 488.0 for 30 s; as walks it gives 493.6. A 33,283-route
# Wednesday (36 / 2, cycle 4, seed 3) lists well: 275.2 as contents, 265.9 as walks.
MIXED_ROUTES = 50_000


def keeps_contents(pool) -> bool:
    """Beside walk days, does this day's route pool keep day contents? Not with more
    candidates than a bitmask holds, nor with more than `MIXED_ROUTES` routes."""
    return len(pool.cand) <= MAX_MASK_BITS and len(pool.costs) <= MIXED_ROUTES

Masks = tuple[int, ...]  # one bitmask of candidates per week of the content's cycle


@dataclass
class DayClass:
    """Identical (vehicle, weekday) pairs sharing one route pool (bound.py)."""

    days: list[tuple[str, str]]
    cand: list[Site]
    problem: Callable[[list[frozenset[str]]], DayProblem]  # scenarios → exact day model
    masks: np.ndarray  # route → bitmask of candidates (int64)
    costs: np.ndarray  # route → cheapest week-route cost, 0.1 km
    member: np.ndarray  # route × candidate, 1.0 when visited
    every: np.ndarray  # candidate → every_weeks
    exact: dict[Masks, float | None] = field(default_factory=dict)  # 0.1 km per week
    where: dict[int, int] = field(default_factory=dict)  # route bitmask → pool row
    fast: FastDay = field(default_factory=FastDay)  # its memo of week orders
    real: set[Masks] = field(default_factory=set)  # costed by a finished solve: drivable

    @property
    def count(self) -> int:
        return len(self.days)

    def route_cost(self, mask: int) -> float | None:
        """The cheapest week-route over exactly `mask` (0.1 km), None if none is feasible."""
        if not self.where:
            self.where.update((int(m), i) for i, m in enumerate(self.masks))
        row = self.where.get(mask)
        return None if row is None else float(self.costs[row])


def _canonical(masks: Masks, every: np.ndarray) -> Masks:
    """The content over its own cycle, rotated (and mirrored) to the least week order.

    Why: turning the weeks round (week k → k + s) or running them backwards (week k →
    −k) serves the same weeks' stop sets, each stop keeps one arrival time and its
    rhythm (phase p becomes p + s or −p), so the cost is the same — one column. The
    mirror was missing: the listing offered every such content twice and each was
    costed twice."""
    bits = 0
    for m in masks:
        bits |= m
    own = math.lcm(1, *(int(every[j]) for j in range(len(every)) if bits >> j & 1))
    cyc = masks[:own]
    back = cyc[:1] + cyc[:0:-1]  # week k → week −k
    return min(min(cyc[s:] + cyc[:s], back[s:] + back[:s]) for s in range(own))


def day_classes(instance: Instance, travel: TravelMatrix, stops: list[Site],
                pools) -> list[DayClass]:
    """One class per distinct route pool; its exact day problem is built from the
    planner's own rules (windows, grid, break, km limit) with each class member."""
    idx = travel.index()
    dep = idx[instance.settings.depot]
    step = instance.settings.round_to_min
    # legs rounded DOWN to 0.1 km once, so both exact solvers (which round each leg to
    # the nearest 0.1 km) count exactly the floored legs
    floored = tuple(tuple(math.floor(x * 10 + 1e-9) / 10 for x in row) for row in travel.km)
    by_pool: dict[int, list[tuple[str, str]]] = {}
    for vd, pool in pools.items():
        by_pool.setdefault(id(pool), []).append(vd)
    out = []
    for days in by_pool.values():
        pool = pools[days[0]]
        if len(pool.cand) > MAX_MASK_BITS:
            continue
        v = instance.settings.vehicle(days[0][0])
        sh = v.shifts[days[0][1]]
        found = day_candidates(v, days[0][1], sh.start, sh.end, stops, idx, dep,
                               travel.minutes)
        nodes = {s.id: DayNode(s.id, i, s.duration_min, w[0], w[1], step) for s, i, w in found}

        def problem(scen: list[frozenset[str]], v=v, sh=sh, nodes=nodes) -> DayProblem:
            used = sorted(set().union(*scen))
            return DayProblem(sh.start, sh.end, dep, tuple(nodes[s] for s in used),
                              tuple(scen), floored, travel.minutes, v.break_rule,
                              v.max_km_per_day)

        masks = np.array(list(pool.table.keys()), dtype=np.int64)
        out.append(DayClass(days, pool.cand, problem, masks, pool.costs, pool.member,
                            np.array([s.every_weeks for s in pool.cand], dtype=np.int64)))
    return out


def exact_cost(cls: DayClass, masks: Masks, L: int, seed: int, det_limit: float,
               wall: float | None) -> tuple[float | None, float]:
    """(lower bound on the content's km per average week in 0.1 km, or None when no
    day can serve it; deterministic time used). Cached per canonical content."""
    key = _canonical(masks, cls.every)
    if key in cls.exact:
        return cls.exact[key], 0.0
    own = len(key)
    scen = [frozenset(cls.cand[j].id for j in range(len(cls.cand)) if m >> j & 1) for m in key]
    relaxed = sum(cls.route_cost(m) or 0.0 for m in key) / own  # every week is a route
    problem = cls.problem(scen)
    fast = cls.fast.solve(problem)  # complete enumeration for small days (fastday.py)
    if fast is None:
        cls.exact[key] = None
        return None, 0.0
    if fast is not UNDECIDED:
        assert isinstance(fast, DaySolution)
        optimum = max(relaxed, round(sum(r.km for r in fast.routes) * 10) / own)
        cls.exact[key] = optimum
        cls.real.add(key)
        return optimum, 0.0
    dm = build_day_model(problem, floor_km=True)
    if dm is None:
        cls.exact[key] = None
        return None, 0.0
    dm.model.Minimize(sum(dm.km))
    solver = deterministic_solver(seed, det_limit, None if wall is None
                                  else max(0.05, min(wall, 10 * det_limit)))
    solver.parameters.cp_model_presolve = False  # tiny models: presolve cost 30 % of the CPU
    status = solver.Solve(dm.model)
    used = solver.ResponseProto().deterministic_time
    if status == cp_model.INFEASIBLE:
        value: float | None = None
    else:  # OPTIMAL: the optimum; otherwise CP-SAT's proven objective bound
        lb = math.ceil(solver.BestObjectiveBound() - 1e-6)
        value = max(relaxed, lb / own)
        if status == cp_model.OPTIMAL:
            cls.real.add(key)
    cls.exact[key] = value  # an unfinished solve keeps its proven bound
    return value, used


class _Cut(Exception):
    """The listing ran out of steps."""


def list_contents(cls: DayClass, g: np.ndarray, L: int, limit: float, keep: int,
                  max_steps: int | None = MAX_STEPS,
                  extra: Callable[[Masks], float] | None = None,
                  deadline: float | None = None
                  ) -> tuple[list[tuple[float, Masks]], float]:
    """The contents with Σ_k g(M_k) < `limit`, cheapest first, at most `keep` of them;
    and a value every content NOT listed reaches (`limit` when all were listed). After
    `max_steps` steps of the search it stops; then that value is only L × the g of
    the week-0 route it was at (the contents whose cheapest week comes earlier were
    all seen; every week of the others costs at least that), still true, and below
    `limit`.

    Week k's route must agree with the earlier weeks: a stop that comes every e ≤ k
    weeks is in M_k exactly when it is in M_{k−e}; one that comes less often and was
    already served in an earlier week is not. Week 0 is a cheapest week (rotations are
    the same column), so week 0's g times L must stay under the limit.

    `extra(masks)` ≥ 0 is what a content is known to cost above its weeks' sum (its
    exact cost once costed, math.inf when no day can drive it): a content is kept by
    that value, so contents already known dear no longer crowd the list; the listing
    still prunes by the weeks' sums, which are floors of it."""
    order = np.argsort(g, kind="stable")
    gs = g[order]
    ms = cls.masks[order]
    # per week k the routes grouped by the bits the earlier weeks force (`forced_of`):
    # the sorted distinct keys and where each key's routes start in `srt` (by key, then
    # by g). A group's arrays are cut out only when the listing first reads it: with a
    # 12-week cycle and 89,000 routes nearly every route is a group of its own in the
    # late weeks, and two arrays per group for every week held 300 MB (45 / 2)
    index: list[tuple[list[int], list[int], np.ndarray]] = []
    periodic: list[int] = []  # per week k: bits of candidates with every ≤ k
    by_every = {int(e): int(sum(1 << j for j in range(len(cls.every)) if cls.every[j] == e))
                for e in set(cls.every.tolist())}
    for k in range(L):
        pk = sum(b for e, b in by_every.items() if e <= k)
        periodic.append(pk)
        keys = ms & pk
        srt = np.lexsort((np.arange(len(keys)), keys))  # by key, then by g (stable)
        uniq, first = np.unique(keys[srt], return_index=True)
        index.append((uniq.tolist(), [*first.tolist(), len(keys)], srt))
    ahead = _Lookahead(ms, gs, cls.every, L)
    # a group read: its g and masks as arrays (the last week's vectorised step) and as
    # lists (the loop: a list item is ~10× cheaper to read than a numpy scalar)
    cut_out: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, list[float], list[int]]] = {}

    def group(k: int, key: int) -> tuple[np.ndarray, np.ndarray, list[float], list[int]] | None:
        uk, starts, srt = index[k]
        i = bisect.bisect_left(uk, key)
        if i == len(uk) or uk[i] != key:
            return None
        got = cut_out.get((k, i))
        if got is None:
            sel = srt[starts[i]:starts[i + 1]]
            gg, mm = gs[sel], ms[sel]
            got = cut_out[(k, i)] = (gg, mm, gg.tolist(), mm.tolist())
        return got
    heap: list[tuple[float, int, Masks]] = []  # max-heap by total (negated)
    serial = [0]
    steps = [0]

    thr = [limit]  # what a content must beat to be kept: limit, then the heap's worst

    def push(total: float, masks: Masks) -> None:
        if extra is not None:
            total += extra(masks)
            if total >= thr[0]:
                return
        serial[0] += 1
        item = (-total, serial[0], masks)
        if len(heap) < keep:
            heapq.heappush(heap, item)
        elif total < -heap[0][0]:
            heapq.heapreplace(heap, item)
        if len(heap) >= keep:
            thr[0] = -heap[0][0]

    def forced_of(chosen: list[int], k: int) -> tuple[int, int]:
        forced = 0
        for e, b in by_every.items():
            if e <= k:
                forced |= chosen[k - e] & b
        seen = 0
        for m in chosen:
            seen |= m
        return forced, seen & ~periodic[k]

    # `rec` calls itself through this list, cleared at the end: a closure naming itself
    # is a reference cycle that holds this listing's arrays (tens of MB on a
    # 144,000-route day) until a full garbage collection — the bound grew by ~55 MB a
    # listing (36 stops: 1.3 GB)
    again: list[Callable[[list[int], float, float], None]] = []

    def rec(chosen: list[int], partial: float, g0: float) -> None:
        k = len(chosen)
        if k == L:
            push(partial, tuple(chosen))
            return
        steps[0] += 1
        if max_steps is not None and steps[0] > max_steps:
            raise _Cut
        if deadline is not None and steps[0] % 4096 == 0 and time.perf_counter() > deadline:
            raise _Cut  # a cut listing stays valid (below), and the bound keeps its time
        sums = ahead.floor_sums(chosen, g0)  # the weeks still open, at least
        if sums is None:
            return
        open_weeks, rest = sums  # all of them; those after this one
        if partial + open_weeks >= thr[0]:
            return
        forced, banned = forced_of(chosen, k)
        got = group(k, forced)
        if got is None:
            return
        gg, mm, gl, ml = got
        lo = bisect.bisect_left(gl, g0)  # later weeks cost ≥ week 0 (gl ascending)
        # `rest`: the weeks after this one — choosing this one only raises them
        if k == L - 1:  # the last week, vectorised
            if lo >= len(gl) or partial + gl[lo] >= thr[0]:
                return  # the common case, without the array work below
            hi = bisect.bisect_left(gl, thr[0] - partial)
            sel = np.flatnonzero((mm[lo:hi] & banned) == 0) + lo
            for i in sel.tolist():
                t = partial + gl[i]
                if t >= thr[0]:
                    break
                push(t, (*chosen, ml[i]))
            return
        for i in range(lo, len(gl)):
            steps[0] += 1  # every candidate tried is a step, so a cut comes in time
            gi = gl[i]
            if partial + gi + rest >= thr[0]:
                break
            mi = ml[i]
            if mi & banned:
                continue
            again[0]([*chosen, mi], partial + gi, g0)

    again.append(rec)
    cut = False
    g0 = float(gs[0]) if len(gs) else 0.0
    try:
        for i in range(len(gs)):
            g0 = float(gs[i])
            if g0 * L >= thr[0]:
                break
            if L == 1:
                push(g0, (int(ms[i]),))
            else:
                rec([int(ms[i])], g0, g0)
    except _Cut:
        cut = True
    again.clear()  # see `again` above
    items = sorted((-t, s, m) for t, s, m in heap)
    rest_value = limit if len(heap) < keep else -heap[0][0]
    if cut:  # every content not listed has its cheapest week at or after this one
        floor = relaxed_floor(cls.member, g, cls.every, L,
                              min([0.0, *(-t for t, _, _ in heap)]))
        rest_value = min(rest_value, max(L * g0, floor))
    return [(t, m) for t, _, m in items], rest_value


def relaxed_floor(member: np.ndarray, g: np.ndarray, every: np.ndarray, L: int,
                  upper: float, rounds: int = 80) -> float:
    """A proven floor on Σ_k g(M_k) over EVERY consistent content (M_0, …, M_{L−1}),
    by Lagrangian relaxation of the consistency: used when a listing is cut.

    Why: a cut listing could only say "at least L × the week-0 route's g", far below
    the truth for cycles of 3 and 6 weeks (the weeks must agree, the cheapest route
    cannot be taken every week). With y_jk = 1 when candidate j lies in week k's
    route, a content is consistent when y_jk = y_j,k+e for k + e < L (its rhythm e)
    and Σ_{k<e} y_jk ≤ 1 (one phase). Moving both into the objective with
    multipliers λ (free) and ν ≥ 0 leaves one independent cheapest route per week:

        Φ(λ, ν) = −Σ_j ν_j + Σ_k min_r [g_r + Σ_j member_rj · w_jk]

    with w_jk = λ_jk − λ_j,k−e + ν_j·[k < e]. Every Φ is ≤ the least consistent
    content's cost (weak duality); the empty route keeps each week's minimum ≤ 0.
    Subgradient steps (Polyak's, towards `upper`, a consistent content's cost or 0)
    raise it; a fixed number of rounds keeps it deterministic. Milliseconds a round
    (one route × candidate × week product)."""
    n = member.shape[1]
    if n == 0 or len(g) == 0:
        return float(min(0.0, L * float(np.min(g)) if len(g) else 0.0))
    e = every.astype(np.int64)
    lam = np.zeros((n, L))  # λ_jk, used where k + e_j < L
    nu = np.zeros(n)
    k_idx = np.arange(L)
    has_next = k_idx[None, :] + e[:, None] < L  # (n, L): λ_jk exists
    first = k_idx[None, :] < e[:, None]  # (n, L): k < e_j
    phase_row = e > 1  # Σ_{k<e} y ≤ 1 binds only when a stop has several phases
    best = -math.inf
    theta = 1.0
    idle = 0
    for _ in range(rounds):
        lam_eff = np.where(has_next, lam, 0.0)
        prev = np.zeros((n, L))
        for j in range(n):  # −λ_j,k−e_j on week k ≥ e_j
            ej = int(e[j])
            if ej < L:
                prev[j, ej:] = lam_eff[j, :L - ej]
        w = lam_eff - prev + np.where(first & phase_row[:, None], nu[:, None], 0.0)
        total = g[:, None] + member @ w  # (routes, L)
        pick = np.argmin(total, axis=0)
        value = float(total[pick, k_idx].sum() - nu[phase_row].sum())
        if value > best + 1e-9:
            best, idle = value, 0
        else:
            idle += 1
            if idle >= 5:
                theta, idle = theta / 2, 0
        y = member[pick].T  # (n, L): candidate j in week k's route
        nxt = np.zeros((n, L))
        for j in range(n):
            ej = int(e[j])
            if ej < L:
                nxt[j, :L - ej] = y[j, ej:]
        s_lam = np.where(has_next, y - nxt, 0.0)
        s_nu = np.where(phase_row, (y * first).sum(axis=1) - 1.0, 0.0)
        s_nu = np.where((nu <= 0) & (s_nu < 0), 0.0, s_nu)  # ν stays ≥ 0
        norm = float((s_lam ** 2).sum() + (s_nu ** 2).sum())
        if norm < 1e-12:  # the routes picked agree: Φ is a consistent content's cost
            break
        step = theta * max(upper - value, 1e-3 * max(1.0, abs(value))) / norm
        lam = lam + step * s_lam
        nu = np.maximum(0.0, nu + step * s_nu)
    return best


class _Lookahead:
    """A floor on the weeks not chosen yet, from what the chosen weeks already fix.

    Why: with rhythms of 1, 2 and 3 weeks (cycle 6) the first three weeks decide every
    stop's phase, so weeks 3–5 are fixed routes; and after week 0 every 2-weekly stop
    of week 2 is known. Without looking ahead the listing only knew "each later week
    costs at least week 0" and was cut after MAX_STEPS steps on every round for cycles
    of 3 and more weeks (docs/lower-bound.md). A stop that comes every e weeks lies in
    week j exactly as it lies in week j mod e, so once j mod e is chosen for every
    e ≤ E, week j's route is known on the bits of the stops with rhythm ≤ E: the
    cheapest route with those bits is a floor for week j (and never below week 0,
    a cheapest week by rotation); with every rhythm known it is the one route, or
    none — then no content continues these weeks."""

    def __init__(self, masks: np.ndarray, g: np.ndarray, every: np.ndarray, L: int) -> None:
        self.evals = sorted({int(e) for e in every.tolist()})
        self.bits = [int(sum(1 << j for j in range(len(every)) if every[j] == e))
                     for e in self.evals]
        self.least: list[dict[int, float]] = []  # per prefix of rhythms: key → least g
        upto = 0
        for b in self.bits:
            upto |= b
            # g ascending: a key's first route is its least (np.unique: first index)
            keys, first = np.unique(masks & upto, return_index=True)
            self.least.append(dict(zip(keys.tolist(), g[first].tolist())))
        # per number of weeks chosen, per later week j: the (week j mod e, bits of the
        # stops with rhythm e) it reads, shortest rhythms first, while j mod e is chosen
        # (the listing calls `floors` ~10⁶ times a round: this is its hot path)
        self.plan: list[list[list[tuple[int, int]]]] = []
        for k in range(L + 1):
            rows = []
            for j in range(k, L):
                parts = []
                for e, b in zip(self.evals, self.bits):
                    if j % e >= k:
                        break
                    parts.append((j % e, b))
                rows.append(parts)
            self.plan.append(rows)
        # the same per number of chosen weeks, for `floor_sums`: (is the next week free,
        # how many later weeks are free, and per week that reads chosen ones: (is it
        # the next week, its parts, the least-g table it reads, is every rhythm known))
        whole = len(self.evals)
        self._reads: list[tuple[int, int, list[tuple[bool, list[tuple[int, int]],
                                                     dict[int, float], bool]]]] = []
        for k in range(L):
            rows = self.plan[k]
            first_free = int(not rows[0])
            free_after = sum(1 for parts in rows[1:] if not parts)
            reads = [(i == 0, parts, self.least[len(parts) - 1], len(parts) == whole)
                     for i, parts in enumerate(rows) if parts]
            self._reads.append((first_free, free_after, reads))

    def floor_sums(self, chosen: list[int], g0: float) -> tuple[float, float] | None:
        """(Σ of `floors` over the weeks still open, Σ over those after the next one),
        or None as `floors`: the listing's hot path, without building the list.
        Weeks that read no chosen week are g0 each; the rest look up their least g."""
        k = len(chosen)
        if k >= len(self._reads):
            return None if k > len(self._reads) else (0.0, 0.0)
        first_free, free_after, reads = self._reads[k]
        total = after = 0.0
        for first, parts, least, whole in reads:
            key = 0
            for week, bits in parts:
                key |= chosen[week] & bits
            val = least.get(key)
            if val is None or (whole and val < g0):
                return None
            if val < g0:
                val = g0
            total += val
            if not first:
                after += val
        return total + (first_free + free_after) * g0, after + free_after * g0

    def floors(self, chosen: list[int], g0: float) -> list[float] | None:
        """A floor on the g of each week after `chosen`; None when a week the chosen
        ones fix has no route (or one cheaper than week 0: another rotation of this
        content is listed from that week instead)."""
        out: list[float] = []
        whole = len(self.evals)
        for parts in self.plan[len(chosen)]:
            if not parts:
                out.append(g0)
                continue
            key = 0
            for week, bits in parts:
                key |= chosen[week] & bits
            val = self.least[len(parts) - 1].get(key)
            if val is None:
                return None
            if len(parts) == whole and val < g0:
                return None
            out.append(val if val > g0 else g0)
        return out


def _penalties(stops: list[Site], classes: list[DayClass]) -> dict[str, float]:
    """The price (0.1 km per week) of leaving a stop uncovered in the restricted
    master: twice its cheapest visit alone, at its rhythm.

    Why not a huge number: the master is degenerate, and with a price of 10⁶ GLOP's
    duals put 10⁶ on one stop and −10⁶ on a day's row long after every stop is
    covered; pricing then chases that stop, the Lagrangian value is useless and the
    listing is cut every round (18 stops, cycle 6: no shared-time bound at all). The
    uncovered variables are columns of the LP like any other, so the Lagrangian
    bound stays a proven bound whatever their price: the LP with them is a
    relaxation of the LP without. When column generation converges with a stop
    still uncovered its price was too low: it is raised fourfold and the master
    goes on (content_bound)."""
    price: dict[str, float] = {}
    for cls in classes:
        for j, site in enumerate(cls.cand):
            solo = cls.route_cost(1 << j)
            if solo is not None:
                value = 2 * solo / int(cls.every[j])
                price[site.id] = min(price.get(site.id, value), value)
    return {s.id: max(1.0, price.get(s.id, UNCOVERED_PENALTY)) for s in stops}


def _costed(classes: list[DayClass]) -> int:
    return sum(len(c.exact) for c in classes)


@dataclass
class ContentResult:
    value: float | None  # 0.1 km per average week, proven; None when none yet
    converged: bool
    columns: int
    costed: int  # contents costed exactly
    det_used: float
    lp: float = 0.0  # the restricted master's value at the last duals
    pi: dict[str, float] = field(default_factory=dict)  # the last duals: per stop
    mu: list[float] = field(default_factory=list)  # per class


@dataclass
class _Column:
    """A content in the master: its cost is its week-routes' sum until it is used."""

    var: pywraplp.Variable
    cls: int
    key: Masks
    bits: int
    cost: float  # 0.1 km per week: the relaxed cost, or the exact one once costed
    exact: bool = False


def _known_extra(cls: DayClass, masks: Masks) -> float:
    """What the content is known to cost above its week-routes' sum: 0 until costed."""
    key = _canonical(masks, cls.every)
    if key not in cls.exact:
        return 0.0
    value = cls.exact[key]
    return math.inf if value is None else max(0.0, value - relaxed_cost(cls, key))


def _held_by_cut(listed: list[tuple[float, Masks]], rest: float, keep: int,
                 limit: float) -> bool:
    """Did the listing run out of steps with its floor below what it listed? Then the
    Lagrangian value is that floor, and only a longer listing raises it.

    Why not only when it lists few: on 18-1 seed 0 the busy Wednesday listed its 16
    every round and was cut every round, its floor 7 km/week under the 16th listed,
    which held the bound at 147.2 for 16 s; 4 × the steps finished it in 0.3 s."""
    whole = max(t for t, _ in listed) if len(listed) >= keep else limit
    return rest < whole - TOL


def _longer(c: int, budget: list[int], hold: list[list[int]], found: bool) -> None:
    """The steps of class `c`'s next listing, after one cut below what it listed.

    A cut listing that found nothing new lists up to 16 × longer (else the master
    cannot move). One that found columns tries 4 × longer once: on 18-1 seed 0 that
    finishes the busy Wednesday in 0.3 s and the bound rises from 147.2 to 150.3 in
    28 s. If that listing is cut too, the day goes back to the short listing and waits
    twice as many rounds before trying again: on 36-2 seed 0 a Wednesday cut even at
    16 × took 2.5 s a round, 12 rounds in 28 s, and the bound fell from 380.9 to the
    week-route LP's 377.3."""
    wait = hold[c]
    if not found:
        budget[c] = min(MAX_STEPS * 16, budget[c] * 4)
    elif budget[c] > MAX_STEPS:
        budget[c] = MAX_STEPS
        wait[1] *= 2
        wait[0] = wait[1]
    elif wait[0] > 0:
        wait[0] -= 1
    else:
        budget[c] = 4 * MAX_STEPS


def relaxed_cost(cls: DayClass, key: Masks) -> float:
    """Σ of the content's week-routes per average week (0.1 km): a floor on its cost."""
    return sum(cls.route_cost(m) or 0.0 for m in key) / len(key)


# deterministic seconds for one integer solve over the master's contents; one is
# tried every round, as it takes 1-40 ms (36-2 seed 0: ~800 contents) — every 4th
# round, the 412 km/week timetable of 36-2 seed 0 came at 24.6 s of the bound alone,
# not 22.0 s
OFFER_DET = 1.0


def master_timetable(stops: list[Site], classes: list[DayClass], L: int, *, seed: int,
                     det_limit: float = OFFER_DET, deadline: float | None = None
                     ) -> tuple[float | None, list[tuple[int, Masks]], float]:
    """The cheapest timetable made of contents already costed by a finished solve:
    (its km per average week in 0.1 km — None when none was found —, its contents as
    (class, week masks), deterministic time used).

    Why: the column generation costs hundreds of contents exactly to prove its bound,
    and on two buses its LP's best contents often fit together whole: an integer
    solve over them (price-and-branch) found a timetable of 411.0 km/week on 36-2
    seed 0 after 28 s, where the search's best was 416.72. Each chosen content's cost
    is a driven optimum of its day (fastday or a finished CP-SAT solve), so the
    timetable is real; the planner still checks every day before taking it up."""
    m = cp_model.CpModel()
    cover: dict[str, list] = {s.id: [] for s in stops}
    total = []
    chosen: list[tuple[cp_model.IntVar, int, Masks]] = []
    for c, cls in enumerate(classes):
        lits = []
        for key in sorted(cls.real):  # sorted: the model, and so its answer, reproduce
            value = cls.exact.get(key)
            if value is None:
                continue
            bits = 0
            for mk in key:
                bits |= mk
            x = m.NewBoolVar("")
            lits.append(x)
            chosen.append((x, c, key))
            for j in range(len(cls.cand)):
                if bits >> j & 1:
                    cover[cls.cand[j].id].append(x)
            total.append(int(round(value * L)) * x)  # an integer: its own cycle divides L
        if lits:
            m.Add(sum(lits) <= cls.count)
    if any(not lits for lits in cover.values()):
        return None, [], 0.0
    for lits in cover.values():
        m.AddExactlyOne(lits)
    m.Minimize(sum(total))
    wall = None if deadline is None else deadline - time.perf_counter()
    if wall is not None and wall <= 0:
        return None, [], 0.0
    solver = deterministic_solver(seed, det_limit, wall)
    status = solver.Solve(m)
    used = solver.ResponseProto().deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, [], used
    return (solver.ObjectiveValue() / L,
            [(c, key) for x, c, key in chosen if solver.Value(x)], used)


@dataclass
class WalkDays:
    """Days whose routes are too many to enumerate (or too many candidates for a
    bitmask), kept in the content master as the LP over walks keeps them (qroute.py):
    per class `count` walks, priced exactly by its dynamic programme, a walk covering
    e × its visits of a stop that comes every e weeks (one week for the cycle, as
    there). Their weeks are timed each on their own, so this part only relaxes; the
    other days keep their shared times. `km10`, `minutes`: the matrices as the pricing
    reads them."""

    classes: list[WalkClass]
    dep: int
    km10: np.ndarray
    minutes: np.ndarray
    seen: list[set[tuple[tuple[int, int], ...]]] = field(default_factory=list)

    def solo(self) -> dict[str, float]:
        """Each stop's out-and-back trip at its rhythm (0.1 km per week): a price for
        leaving it uncovered, as `_penalties` gives the content days' stops."""
        out: dict[str, float] = {}
        for cls in self.classes:
            for j, s in enumerate(cls.cand):
                i = int(cls.idx[j])
                trip = (self.km10[self.dep, i] + self.km10[i, self.dep]) / (s.every_weeks or 1)
                out[s.id] = min(out.get(s.id, trip), trip)
        return out


def content_bound(stops: list[Site], classes: list[DayClass], L: int, *, det_limit: float,
                  seed: int = 0, deadline: float | None = None,
                  report: Callable[[float], None] | None = None,
                  max_rounds: int = 1000, alpha: float = SMOOTHING,
                  offer: Callable[[float, list[tuple[int, Masks]]], None] | None = None,
                  walks: WalkDays | None = None,
                  interrupt: Callable[[], bool] | None = None) -> ContentResult:
    """Column generation over day contents; the Lagrangian bound after every round.
    `walks`: days kept as walks beside the contents (`WalkDays`; no `offer` then: a
    timetable needs every day's contents). `interrupt()` true: stop as at the deadline.

    Contents join the master at their *relaxed* cost (the sum of their week-routes, a
    floor on the exact cost) and are costed exactly only when the LP uses them; then
    the LP is solved again. Why: costing every listed content exactly (the day model,
    often by CP-SAT) took 85 % of the time and most of those contents are never used
    (18 stops, cycle 6: 21,678 costings, 9,000 CP-SAT solves, no convergence within
    minutes). Every LP on the way is the LP with costs between the relaxed and the
    exact ones — a relaxation — so every Lagrangian value stays proven; when no
    content prices out and the LP uses only exactly costed contents, its optimum is
    the optimum of the LP with exact costs (its solution is feasible there at the same
    cost, and no LP there is cheaper).

    The listing prices at *smoothed* duals, `alpha` × the duals that gave the best
    Lagrangian value so far + (1 − `alpha`) × the LP's (Wentges smoothing). Why: the
    master is degenerate and its duals jump; on a busy long day (18 stops, cycle 6, the
    10:00–19:30 Wednesday) the contents the LP's duals make attractive are, costed
    exactly, ~10 km/week dearer than their week-routes, and pricing chased a new 16 of
    them every round while the bound stood still. The Lagrangian value is proven at
    any duals π: Σ_s π_s + Σ_s min(0, price_s − π_s) (a stop left uncovered) +
    Σ_class count · min(0, least content cost − π over its stops). Convergence is
    declared only at the LP's own duals (a round at them follows every round whose
    smoothed duals found nothing the LP wants).

    `offer(km·10 per week, contents)` gets every cheaper real timetable the contents
    costed so far make (`master_timetable`), tried every round while the LP's value
    is below the cheapest offered."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    obj = solver.Objective()
    assign, art = stop_rows(solver, stops)
    penalty = _penalties(stops, classes)
    if walks is not None:
        offer = None
        for sid, trip in walks.solo().items():
            penalty[sid] = max(1.0, min(penalty[sid], 2 * trip))
    for s, a in zip(stops, art):
        obj.SetCoefficient(a, penalty[s.id])
    conv = []
    for cls in classes:
        row = solver.Constraint(cls.count, cls.count)
        empty = solver.NumVar(0, cls.count, "")
        row.SetCoefficient(empty, 1)
        conv.append(row)
    wconv = []  # the walk days' rows (`walks`)
    if walks is not None:
        walks.seen = [set() for _ in walks.classes]
        for wc in walks.classes:
            row = solver.Constraint(wc.count, wc.count)
            row.SetCoefficient(solver.NumVar(0, wc.count, ""), 1)
            wconv.append(row)
    obj.SetMinimization()
    columns: list[_Column] = []
    added: list[dict[Masks, _Column]] = [{} for _ in classes]
    keep = [FIRST_LISTED] * len(classes)
    budget = [MAX_STEPS] * len(classes)  # listing steps per class, raised when cut
    hold = [[0, 1] for _ in classes]  # per class: rounds before the next raise, back-off
    best: float | None = None
    spent = 0.0
    stalls = 0
    center: tuple[dict[str, float], list[float]] | None = None  # the best duals so far
    smooth = True
    offered = math.inf  # the cheapest timetable offered

    def try_offer(z: float) -> None:
        """No integer solution over contents at or above their LP costs is below z."""
        nonlocal spent, offered
        if offer is None or z >= offered - TOL:
            return
        value, chosen, used = master_timetable(stops, classes, L, seed=seed,
                                               deadline=deadline)
        spent += used
        if value is not None and value < offered - TOL:
            offered = value
            offer(value, chosen)

    def late() -> bool:
        return (spent >= det_limit or (deadline is not None and time.perf_counter() > deadline)
                or (interrupt is not None and interrupt()))

    def stop_here() -> ContentResult:
        return ContentResult(best, False, len(columns), _costed(classes), spent)

    for _ in range(max_rounds):
        solved = True
        while True:  # the LP, with every content it uses costed exactly
            if solver.Solve() != pywraplp.Solver.OPTIMAL:
                solved = False
                break
            raised = 0
            used_now = [col for col in columns
                        if not col.exact and col.var.solution_value() > 1e-9]
            if not used_now:
                break
            for col in used_now:
                if late():
                    return stop_here()
                wall = None if deadline is None else deadline - time.perf_counter()
                value, used = exact_cost(classes[col.cls], col.key, L, seed, EVAL_DET, wall)
                spent += used
                col.exact = True
                if value is None:  # no day can drive it
                    col.var.SetUb(0)
                    raised += 1
                elif value > col.cost + 1e-9:
                    col.cost = value
                    obj.SetCoefficient(col.var, value)
                    raised += 1
            if not raised:
                break
        if not solved:
            break
        z = obj.Value()
        uncovered = sum(a.solution_value() for a in art)
        pi_lp = {s.id: assign[s.id].dual_value() for s in stops}
        mus_lp = [row.dual_value() for row in conv]
        mus_walk = [row.dual_value() for row in wconv]  # read before columns are added
        if center is None:
            center = (pi_lp, mus_lp)
        # near the LP's value the smoothed duals only halve the distance each round
        a = alpha if smooth and (best is None or z - best > SMOOTH_GAP * abs(z)) else 0.0
        pi = {k: a * center[0][k] + (1 - a) * v for k, v in pi_lp.items()}
        mus = [a * mc + (1 - a) * ml for mc, ml in zip(center[1], mus_lp)]
        # the Lagrangian value at (pi, mus): valid at any duals (docstring)
        lagrange = sum(pi.values()) + sum(min(0.0, penalty[k] - v) for k, v in pi.items())
        new = 0
        complete = True
        for c, cls in enumerate(classes):
            if late():
                return stop_here()
            mu = mus[c]
            pis = np.array([pi[s.id] for s in cls.cand]) * cls.every / L
            g = cls.costs / L - cls.member @ pis
            listed, rest = list_contents(cls, g, L, mu - TOL, keep[c], budget[c],
                                         extra=functools.partial(_known_extra, cls),
                                         deadline=deadline)
            least = rest  # every content not listed has cost − duals ≥ this
            found = 0
            for t, masks in listed:
                least = min(least, t)
                key = _canonical(masks, cls.every)
                if key in added[c] or (key in cls.exact and cls.exact[key] is None):
                    continue
                bits = 0
                for m in key:
                    bits |= m
                served = [cls.cand[j].id for j in range(len(cls.cand)) if bits >> j & 1]
                cost = cls.exact.get(key) or relaxed_cost(cls, key)
                rc_lp = cost - mus_lp[c] - sum(pi_lp[sid] for sid in served)
                var = solver.NumVar(0, cls.count, "")
                obj.SetCoefficient(var, cost)
                conv[c].SetCoefficient(var, 1)
                for sid in served:
                    assign[sid].SetCoefficient(var, 1)
                col = _Column(var, c, key, bits, cost, key in cls.exact)
                added[c][key] = col
                columns.append(col)
                found += rc_lp < -TOL
            lagrange += cls.count * min(0.0, least)
            new += found
            if rest < mu - TOL:  # some content may still price out: not converged
                complete = False
                if _held_by_cut(listed, rest, keep[c], mu - TOL):
                    _longer(c, budget, hold, bool(found))
                if not found:  # none of the listed prices out: list more
                    keep[c] = min(MAX_LISTED, keep[c] * 4)
        if walks is not None:
            got = _price_walk_days(walks, solver, obj, assign, wconv, pi, pi_lp, mus_walk,
                                   late)
            if got is None:
                return stop_here()
            lagrange += got[0]
            new += got[1]
        if best is None or lagrange > best:  # valid with the penalties too (_penalties)
            best = lagrange
            center = (pi, mus)
            if report is not None:
                report(best)
        try_offer(z)
        if not new and complete and a == 0.0:
            if uncovered > 1e-6:  # a penalty below a stop's true price: raise it, go on
                for s, a_s in zip(stops, art):
                    if a_s.solution_value() > 1e-6:
                        penalty[s.id] *= 4
                        obj.SetCoefficient(a_s, penalty[s.id])
                continue
            return ContentResult(best, True, len(columns), _costed(classes), spent, z, pi_lp,
                                 mus_lp)
        smooth = bool(new)  # nothing new at the smoothed duals: price at the LP's next
        stalls = stalls + 1 if not new else 0
        if stalls > MAX_STALLS:  # listings cut or too long: leave the time to bound.py
            break
    return stop_here()


def _price_walk_days(walks: WalkDays, solver, obj, assign, wconv, pi: dict[str, float],
                     pi_lp: dict[str, float], mus_lp: list[float], late: Callable[[], bool]
                     ) -> tuple[float, int] | None:
    """One round for the walk days: each class's cheapest walks at the duals `pi`
    join the master (those not in it yet); (their part of the Lagrangian value —
    count × the least reduced cost, exact over walks, or 0 — and how many price out
    at the LP's duals `pi_lp`, `mus_lp`), None when time ran out."""
    part, new = 0.0, 0
    for w, wc in enumerate(walks.classes):
        if late():
            return None
        every = [s.every_weeks or 1 for s in wc.cand]
        pis = np.array([pi[s.id] * e for s, e in zip(wc.cand, every)])
        found = price_walks(wc, walks.dep, walks.km10, walks.minutes, 1, pis)
        part += wc.count * min(0.0, found[0][0] if found else 0.0)
        mu_lp = mus_lp[w]
        for _rc, visits, cost in found:
            sig = tuple(sorted(visits.items()))
            if sig in walks.seen[w]:
                continue
            walks.seen[w].add(sig)
            var = solver.NumVar(0, wc.count, "")
            obj.SetCoefficient(var, cost)
            wconv[w].SetCoefficient(var, 1)
            for j, times in visits.items():
                assign[wc.cand[j].id].SetCoefficient(var, times * every[j])
            rc_lp = cost - mu_lp - sum(pi_lp[wc.cand[j].id] * every[j] * t
                                       for j, t in visits.items())
            new += rc_lp < -TOL
    return part, new


def content_probe(stops: list[Site], classes: list[DayClass], L: int, res: ContentResult,
                  target: float, *, seed: int, det_limit: float,
                  deadline: float | None = None, witness: list | None = None
                  ) -> tuple[str, float, float]:
    """Is there a timetable cheaper than `target` (0.1 km per week)? ("none" | "optimal"
    | "unknown", the optimum when found, deterministic time used).

    Needs converged duals (`res.converged`): then every content's reduced cost is
    ≥ 0 and a timetable's cost is the LP value plus the reduced costs of its contents,
    so one cheaper than `target` uses only contents with reduced cost < target − LP.
    Those are listed by their relaxed reduced cost (a lower bound); the probe is then
    a set partitioning over them, and a proven "none" lifts the bound to `target`.

    Contents are costed exactly only when a partitioning wants them (`_Probe`): the
    partitioning over costs between relaxed and exact is a relaxation, so its "none"
    is proven, and an optimum whose contents are all costed exactly is the optimum.
    Why: on 36 stops / 2 buses a probe listed ~13,000 contents, and costing every one
    of them was most of its 14 s; now it takes 5 s."""
    slack = target - res.lp + TOL
    spent = 0.0
    probe = _Probe(stops, math.lcm(1, L), slack)
    for c, cls in enumerate(classes):
        mu = res.mu[c]
        pis = np.array([res.pi[s.id] for s in cls.cand]) * cls.every / L
        g = cls.costs / L - cls.member @ pis
        listed, rest = list_contents(cls, g, L, mu + slack, MAX_LISTED, PROBE_STEPS,
                                     deadline=deadline)
        if rest < mu + slack:  # maybe not all of them: the probe would not be exact
            return "unknown", 0.0, spent
        seen: set[Masks] = set()
        for _, masks in listed:
            key = _canonical(masks, cls.every)
            if key in seen:
                continue
            seen.add(key)
            bits = 0
            for mk in key:
                bits |= mk
            ids = [cls.cand[j].id for j in range(len(cls.cand)) if bits >> j & 1]
            if ids:
                probe.add(c, key, bits, ids, mu + sum(res.pi[i] for i in ids),
                          cls.exact[key] if key in cls.exact else relaxed_cost(cls, key),
                          key in cls.exact)
    if any(s.id not in probe.covered for s in stops):
        return "none", 0.0, spent
    batch = PROBE_BATCH
    while True:
        if deadline is not None and time.perf_counter() > deadline or spent > det_limit:
            return "unknown", 0.0, spent
        m, live, xs = probe.model(classes, target)
        wall = None if deadline is None else deadline - time.perf_counter()
        solver = deterministic_solver(seed, max(0.01, det_limit - spent), wall)
        status = solver.Solve(m)
        spent += solver.ResponseProto().deterministic_time
        if status == cp_model.INFEASIBLE:
            return "none", 0.0, spent
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "unknown", 0.0, spent
        used = [e for e, x in zip(live, xs) if solver.Value(x)]
        lazy = [e for e in used if not e.exact]
        if not lazy:
            if status != cp_model.OPTIMAL:
                return "unknown", 0.0, spent
            if witness is not None:  # the contents of the optimum (class index, week masks)
                witness.extend((e.cls, e.key) for e in used)
            return "optimal", solver.ObjectiveValue() / probe.scale, spent
        # cost what the partitioning wanted, then the `batch` cheapest of those classes
        # not yet costed: every round costs at least as many as the one before, so
        # the rounds are few even where most contents turn out dear
        todo = list(lazy)
        for c in sorted({e.cls for e in lazy}):
            todo += sorted((e for e in probe.live() if e.cls == c and not e.exact
                            and e not in lazy), key=probe.reduced)[:batch]
        for e in todo:
            if deadline is not None and time.perf_counter() > deadline:
                return "unknown", 0.0, spent
            value, det = exact_cost(classes[e.cls], e.key, L, seed, EVAL_DET, None)
            spent += det
            e.value, e.exact = value, True
        batch *= 2


# contents costed beside those a probe's partitioning wants, at first (doubling). 36-2
# seed 2, the bound alone, its probe at 412.65 km/week ("none"): every listed content
# costed 14.1 s; by this number 64 → 7.2-7.7 s, 256 → 6.2, 512 → 4.9, 1024 → 6.1,
# 2048 → 7.9 (fewer rounds of the partitioning against more costing)
PROBE_BATCH = 512


@dataclass(eq=False, slots=True)
class _ProbeEntry:
    """One listed content (a probe may hold 100,000 of them: slots, and its stops
    as the bits of its class's candidates)."""

    cls: int
    key: Masks
    bits: int  # its candidates, over all weeks
    dual: float  # mu + Σ π of its stops: the content is wanted below dual + slack
    value: float | None  # 0.1 km per week: relaxed until `exact`; None: no day drives it
    exact: bool


class _Probe:
    """A probe's contents (relaxed or exactly costed) and its set partitioning."""

    def __init__(self, stops: list[Site], scale: int, slack: float) -> None:
        self.scale, self.slack = scale, slack
        self.stops = [s.id for s in stops]
        self.entries: list[_ProbeEntry] = []
        self.covered: set[str] = set()  # stops some wanted content serves

    def add(self, cls: int, key: Masks, bits: int, ids: list[str], dual: float,
            value: float | None, exact: bool) -> None:
        e = _ProbeEntry(cls, key, bits, dual, value, exact)
        if self.wanted(e):
            self.entries.append(e)
            self.covered.update(ids)

    def wanted(self, e: _ProbeEntry) -> bool:
        return self.reduced(e) < self.slack

    @staticmethod
    def reduced(e: _ProbeEntry) -> float:
        return math.inf if e.value is None else e.value - e.dual

    def live(self) -> list[_ProbeEntry]:
        return [e for e in self.entries if self.wanted(e)]

    def model(self, classes: list[DayClass], target: float
              ) -> tuple[cp_model.CpModel, list[_ProbeEntry], list[cp_model.IntVar]]:
        """Exactly one content per stop, at most a class's days, cheaper than target;
        with the contents it holds and their variables, in the same order."""
        m = cp_model.CpModel()
        live = self.live()
        xs = [m.NewBoolVar("") for _ in live]
        cover: dict[str, list] = {i: [] for i in self.stops}
        per: dict[int, list] = {}
        total = []
        for e, x in zip(live, xs):
            cand = classes[e.cls].cand
            for j in range(len(cand)):
                if e.bits >> j & 1:
                    cover[cand[j].id].append(x)
            per.setdefault(e.cls, []).append(x)
            assert e.value is not None
            total.append(int(math.ceil(e.value * self.scale - 1e-6)) * x)
        for c, lits in per.items():
            m.Add(sum(lits) <= classes[c].count)
        for lits in cover.values():
            m.AddExactlyOne(lits)  # an empty list: infeasible, as it should be
        obj = sum(total)
        m.Add(obj <= math.ceil(target * self.scale) - 1)
        m.Minimize(obj)
        return m, live, xs



@dataclass
class SharedTimeResult:
    value: float | None  # 0.1 km per average week, proven; None when none
    status: str  # "shared" | "shared-integer" | "optimal"
    columns: int
    det_used: float
    finished: bool  # the LP converged: the week-route probes (bound.py) are not needed
    witness: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = ()


def shared_time_bound(instance: Instance, travel: TravelMatrix, stops: list[Site], pools,
                      L: int, upper: float, *, det_limit: float, seed: int = 0,
                      deadline: float | None = None,
                      report: Callable[[float, str, int], None] | None = None,
                      offer: Callable[[float, tuple], None] | None = None,
                      wide: list[tuple[str, str]] | None = None,
                      interrupt: Callable[[], bool] | None = None
                      ) -> SharedTimeResult:
    """The LP over day contents, then probes "is there a timetable cheaper than U?"
    for U rising in doubling steps (a quarter step after a probe that ran out of
    time), as bound.py's `integer_bound` does for week-routes. `upper` (0.1 km per
    week): stop there. A probe that finds a timetable has found the optimum.
    `offer(km·10 per week, timetable)` gets the real timetables found on the way
    (`master_timetable`). `wide`: (vehicle, weekday) pairs left out of `pools`
    because their routes are too many: they, and any day with too many candidates
    for a bitmask, join as walks (`WalkDays`), the result is the LP's (its Lagrangian
    bound when cut), status "shared-walks", with no probes and no timetable;
    `interrupt()` true ends it as the deadline would."""
    say = report or (lambda v, how, cols: None)
    classes = day_classes(instance, travel, stops, pools)
    if wide is not None:
        walk_days = set(wide) | {vd for vd, p in pools.items() if not keeps_contents(p)}
        idx = travel.index()
        walks = WalkDays(walk_classes(instance, travel, stops, only=walk_days),
                         idx[instance.settings.depot],
                         km10_matrix(travel),
                         np.array(travel.minutes, dtype=np.int64))
        res = content_bound(stops, classes, L, det_limit=det_limit, seed=seed,
                            deadline=deadline, report=lambda v: say(v, "shared-walks", 0),
                            walks=walks, interrupt=interrupt)
        return SharedTimeResult(res.value, "shared-walks", res.columns, res.det_used,
                                res.converged)
    if len(classes) < len({id(p) for p in pools.values()}):  # a day too wide for bitmasks
        return SharedTimeResult(None, "shared", 0, 0.0, False)
    res = content_bound(stops, classes, L, det_limit=det_limit, seed=seed, deadline=deadline,
                        report=lambda v: say(v, "shared", 0),
                        offer=None if offer is None else
                        lambda v, chosen: offer(v, _timetable(classes, chosen)))
    spent = res.det_used
    if not res.converged or res.value is None:
        return SharedTimeResult(res.value, "shared", res.columns, spent, False)
    bound, status = res.value, "shared"
    step = 0.005 * res.lp
    while bound < upper - 1e-9 and spent < det_limit:
        if deadline is not None and time.perf_counter() > deadline:
            break
        target = min(upper, bound + step)
        witness: list[tuple[int, Masks]] = []
        verdict, value, used = content_probe(stops, classes, L, res, target, seed=seed,
                                             det_limit=(det_limit - spent) / 2,
                                             deadline=deadline, witness=witness)
        spent += used
        if verdict == "optimal":
            return SharedTimeResult(max(bound, value), "optimal", res.columns, spent, True,
                                    _timetable(classes, witness))
        if verdict == "none":
            bound, step, status = target, step * 2, "shared-integer"
            say(bound, status, res.columns)
        elif step > 0.001 * res.lp:
            step /= 4
        else:
            break
    return SharedTimeResult(bound, status, res.columns, spent, True)


def _timetable(classes: list[DayClass], chosen: list[tuple[int, Masks]]
               ) -> tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...]:
    """The probe's optimum as (vehicle, weekday, ((stop id, phase), …)) per used day;
    identical days of a class take its contents in weekday order."""
    out = []
    used: dict[int, int] = {}
    for c, masks in chosen:
        cls = classes[c]
        veh, day = cls.days[used.get(c, 0)]
        used[c] = used.get(c, 0) + 1
        content = {(cls.cand[j].id, k % int(cls.every[j])) for k, m in enumerate(masks)
                   for j in range(len(cls.cand)) if m >> j & 1}
        out.append((veh, day, tuple(sorted(content))))
    return tuple(out)
