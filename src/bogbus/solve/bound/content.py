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
listed. So after every round the Lagrangian bound

    LP value + Σ_class count · min(0, smallest reduced cost any content can have)

is proven, converged or not; converged it is the LP optimum over ALL contents.
"""

from __future__ import annotations

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
from .master import stop_rows

FIRST_LISTED = 16  # contents listed (and costed exactly) per class and round, at first
MAX_LISTED = 200_000  # never list more per class and round or probe (memory)
EVAL_DET = 0.5  # deterministic seconds for one content's exact cost
TOL = 1e-6  # reduced costs above -TOL count as non-negative (0.1 km per week)
MAX_STALLS = 6  # rounds in a row without a new column (each lists 4× more) before giving up
MAX_STEPS = 300_000  # search steps of one listing (~1 s); a cut listing stays valid
MAX_MASK_BITS = 62  # candidates per day: a route is an int64 bitmask

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
    """The content over its own cycle, rotated to the least week order: rotations of
    the weeks serve the same stops at the same cost, so they are one column."""
    bits = 0
    for m in masks:
        bits |= m
    own = math.lcm(1, *(int(every[j]) for j in range(len(every)) if bits >> j & 1))
    cyc = masks[:own]
    return min(cyc[s:] + cyc[:s] for s in range(own))


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
    cls.exact[key] = value  # an unfinished solve keeps its proven bound
    return value, used


class _Cut(Exception):
    """The listing ran out of steps."""


def list_contents(cls: DayClass, g: np.ndarray, L: int, limit: float, keep: int,
                  max_steps: int | None = MAX_STEPS) -> tuple[list[tuple[float, Masks]], float]:
    """The contents with Σ_k g(M_k) < `limit`, cheapest first, at most `keep` of them;
    and a value every content NOT listed reaches (`limit` when all were listed). After
    `max_steps` steps of the search it stops; then that value is only L × the least g
    (every week is a route), still true, and below `limit`.

    Week k's route must agree with the earlier weeks: a stop that comes every e ≤ k
    weeks is in M_k exactly when it is in M_{k−e}; one that comes less often and was
    already served in an earlier week is not. Week 0 is a cheapest week (rotations are
    the same column), so week 0's g times L must stay under the limit."""
    order = np.argsort(g, kind="stable")
    gs = g[order]
    ms = cls.masks[order]
    groups: list[dict[int, tuple[np.ndarray, np.ndarray]]] = []
    periodic: list[int] = []  # per week k: bits of candidates with every ≤ k
    by_every = {int(e): int(sum(1 << j for j in range(len(cls.every)) if cls.every[j] == e))
                for e in set(cls.every.tolist())}
    for k in range(L):
        pk = sum(b for e, b in by_every.items() if e <= k)
        periodic.append(pk)
        keys = ms & pk
        srt = np.lexsort((np.arange(len(keys)), keys))  # by key, then by g (stable)
        ks = keys[srt]
        splits = np.flatnonzero(np.diff(ks)) + 1
        grp = {}
        for a, b in zip(np.r_[0, splits], np.r_[splits, len(ks)]):
            if b > a:
                sel = srt[a:b]
                grp[int(ks[a])] = (gs[sel], ms[sel])
        groups.append(grp)
    heap: list[tuple[float, int, Masks]] = []  # max-heap by total (negated)
    serial = [0]
    steps = [0]

    def threshold() -> float:
        return limit if len(heap) < keep else -heap[0][0]

    def push(total: float, masks: Masks) -> None:
        serial[0] += 1
        item = (-total, serial[0], masks)
        if len(heap) < keep:
            heapq.heappush(heap, item)
        elif total < -heap[0][0]:
            heapq.heapreplace(heap, item)

    def forced_of(chosen: list[int], k: int) -> tuple[int, int]:
        forced = 0
        for e, b in by_every.items():
            if e <= k:
                forced |= chosen[k - e] & b
        seen = 0
        for m in chosen:
            seen |= m
        return forced, seen & ~periodic[k]

    def rec(chosen: list[int], partial: float, g0: float) -> None:
        k = len(chosen)
        if k == L:
            push(partial, tuple(chosen))
            return
        steps[0] += 1
        if max_steps is not None and steps[0] > max_steps:
            raise _Cut
        forced, banned = forced_of(chosen, k)
        got = groups[k].get(forced)
        if got is None:
            return
        gg, mm = got
        lo = int(np.searchsorted(gg, g0, side="left"))  # later weeks cost ≥ week 0
        rest = (L - k - 1) * g0
        if k == L - 1:  # the last week, vectorised
            if lo >= len(gg) or partial + float(gg[lo]) >= threshold():
                return  # the common case, without the array work below
            hi = int(np.searchsorted(gg, threshold() - partial, side="left"))
            sel = np.flatnonzero((mm[lo:hi] & banned) == 0) + lo
            for i in sel.tolist():
                t = partial + float(gg[i])
                if t >= threshold():
                    break
                push(t, (*chosen, int(mm[i])))
            return
        for i in range(lo, len(gg)):
            steps[0] += 1  # every candidate tried is a step, so a cut comes in time
            if partial + float(gg[i]) + rest >= threshold():
                break
            if int(mm[i]) & banned:
                continue
            rec([*chosen, int(mm[i])], partial + float(gg[i]), g0)

    cut = False
    try:
        for i in range(len(gs)):
            g0 = float(gs[i])
            if g0 * L >= threshold():
                break
            if L == 1:
                push(g0, (int(ms[i]),))
            else:
                rec([int(ms[i])], g0, g0)
    except _Cut:
        cut = True
    items = sorted((-t, s, m) for t, s, m in heap)
    rest_value = limit if len(heap) < keep else -heap[0][0]
    if cut:
        rest_value = min(rest_value, L * float(gs[0]))
    return [(t, m) for t, _, m in items], rest_value


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


def content_bound(stops: list[Site], classes: list[DayClass], L: int, *, det_limit: float,
                  seed: int = 0, deadline: float | None = None,
                  report: Callable[[float], None] | None = None,
                  max_rounds: int = 1000) -> ContentResult:
    """Column generation over day contents; the Lagrangian bound after every round."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    obj = solver.Objective()
    assign, art = stop_rows(solver, stops)
    conv = []
    for cls in classes:
        row = solver.Constraint(cls.count, cls.count)
        empty = solver.NumVar(0, cls.count, "")
        row.SetCoefficient(empty, 1)
        conv.append(row)
    obj.SetMinimization()
    added: list[set[Masks]] = [set() for _ in classes]
    keep = [FIRST_LISTED] * len(classes)
    best: float | None = None
    spent = 0.0
    columns = stalls = 0

    def late() -> bool:
        return spent >= det_limit or (deadline is not None and time.perf_counter() > deadline)

    for _ in range(max_rounds):
        if solver.Solve() != pywraplp.Solver.OPTIMAL:
            break
        z = obj.Value()
        uncovered = sum(a.solution_value() for a in art)
        pi = {s.id: assign[s.id].dual_value() for s in stops}
        mus = [row.dual_value() for row in conv]
        lagrange = z
        new = 0
        complete = True
        for c, cls in enumerate(classes):
            if late():
                return ContentResult(best, False, columns, _costed(classes), spent)
            mu = mus[c]
            pis = np.array([pi[s.id] for s in cls.cand]) * cls.every / L
            g = cls.costs / L - cls.member @ pis
            listed, rest = list_contents(cls, g, L, mu - TOL, keep[c])
            least = rest - mu  # every content not listed has a reduced cost ≥ this
            found = 0
            for relaxed, masks in listed:
                if late():
                    least = min(least, relaxed - mu)  # the rest of the list is uncosted
                    break
                wall = None if deadline is None else deadline - time.perf_counter()
                value, used = exact_cost(cls, masks, L, seed, EVAL_DET, wall)
                spent += used
                if value is None:
                    continue
                key = _canonical(masks, cls.every)
                bits = 0
                for m in key:
                    bits |= m
                rc = value - mu - sum(pi[cls.cand[j].id] for j in range(len(cls.cand))
                                      if bits >> j & 1)
                least = min(least, rc)
                if rc < -TOL and key not in added[c]:
                    var = solver.NumVar(0, cls.count, "")
                    obj.SetCoefficient(var, value)
                    conv[c].SetCoefficient(var, 1)
                    for j in range(len(cls.cand)):
                        if bits >> j & 1:
                            assign[cls.cand[j].id].SetCoefficient(var, 1)
                    added[c].add(key)
                    found += 1
                    columns += 1
            lagrange += cls.count * min(0.0, least)
            new += found
            if rest < mu - TOL:  # some content may still price out: not converged
                complete = False
                if not found:  # all listed were costed and none prices out: list more
                    keep[c] = min(MAX_LISTED, keep[c] * 4)
        if uncovered < 1e-6 and (best is None or lagrange > best):
            best = lagrange
            if report is not None:
                report(best)
        if not new and complete:
            return ContentResult(best, True, columns, _costed(classes), spent, z, pi, mus)
        stalls = stalls + 1 if not new else 0
        if stalls > MAX_STALLS:  # listings cut or too long: leave the time to bound.py
            break
    return ContentResult(best, False, columns, _costed(classes), spent)


def content_probe(stops: list[Site], classes: list[DayClass], L: int, res: ContentResult,
                  target: float, *, seed: int, det_limit: float,
                  deadline: float | None = None, witness: list | None = None
                  ) -> tuple[str, float, float]:
    """Is there a timetable cheaper than `target` (0.1 km per week)? ("none" | "optimal"
    | "unknown", the optimum when found, deterministic time used).

    Needs converged duals (`res.converged`): then every content's reduced cost is
    ≥ 0 and a timetable's cost is the LP value plus the reduced costs of its contents,
    so one cheaper than `target` uses only contents with reduced cost < target − LP.
    Those are listed by their relaxed reduced cost (a lower bound) and costed exactly;
    the probe is then a set partitioning over them, and a proven "none" lifts the
    bound to `target`."""
    slack = target - res.lp + TOL
    spent = 0.0
    m = cp_model.CpModel()
    cover: dict[str, list] = {s.id: [] for s in stops}
    total = []
    chosen: list[tuple[cp_model.IntVar, int, Masks]] = []
    scale = math.lcm(1, L)
    for c, cls in enumerate(classes):
        mu = res.mu[c]
        pis = np.array([res.pi[s.id] for s in cls.cand]) * cls.every / L
        g = cls.costs / L - cls.member @ pis
        listed, rest = list_contents(cls, g, L, mu + slack, MAX_LISTED)
        if rest < mu + slack:  # maybe not all of them: the probe would not be exact
            return "unknown", 0.0, spent
        lits = []
        seen: set[Masks] = set()
        for _, masks in listed:
            if deadline is not None and time.perf_counter() > deadline or spent > det_limit:
                return "unknown", 0.0, spent
            key = _canonical(masks, cls.every)
            if key in seen:
                continue
            seen.add(key)
            value, used = exact_cost(cls, masks, L, seed, EVAL_DET, None)
            spent += used
            if value is None:
                continue
            bits = 0
            for mk in key:
                bits |= mk
            ids = [cls.cand[j].id for j in range(len(cls.cand)) if bits >> j & 1]
            if not ids or value - mu - sum(res.pi[i] for i in ids) >= slack:
                continue
            x = m.NewBoolVar("")
            lits.append(x)
            chosen.append((x, c, key))
            for i in ids:
                cover[i].append(x)
            total.append(int(math.ceil(value * scale - 1e-6)) * x)
        if lits:
            m.Add(sum(lits) <= cls.count)
    for s in stops:
        if not cover[s.id]:
            return "none", 0.0, spent
        m.AddExactlyOne(cover[s.id])
    obj = sum(total)
    m.Add(obj <= math.ceil(target * scale) - 1)
    m.Minimize(obj)
    wall = None if deadline is None else deadline - time.perf_counter()
    solver = deterministic_solver(seed, max(0.01, det_limit - spent), wall)
    status = solver.Solve(m)
    spent += solver.ResponseProto().deterministic_time
    if status == cp_model.INFEASIBLE:
        return "none", 0.0, spent
    if status == cp_model.OPTIMAL:
        if witness is not None:  # the contents of the optimum (class index, week masks)
            witness.extend((c, key) for x, c, key in chosen if solver.Value(x))
        return "optimal", solver.ObjectiveValue() / scale, spent
    return "unknown", 0.0, spent


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
                      report: Callable[[float, str, int], None] | None = None
                      ) -> SharedTimeResult:
    """The LP over day contents, then probes "is there a timetable cheaper than U?"
    for U rising in doubling steps (a quarter step after a probe that ran out of
    time), as bound.py's `integer_bound` does for week-routes. `upper` (0.1 km per
    week): stop there. A probe that finds a timetable has found the optimum."""
    say = report or (lambda v, how, cols: None)
    classes = day_classes(instance, travel, stops, pools)
    if len(classes) < len({id(p) for p in pools.values()}):  # a day too wide for bitmasks
        return SharedTimeResult(None, "shared", 0, 0.0, False)
    res = content_bound(stops, classes, L, det_limit=det_limit, seed=seed, deadline=deadline,
                        report=lambda v: say(v, "shared", 0))
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
