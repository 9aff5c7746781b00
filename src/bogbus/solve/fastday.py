"""An exact, fast answer to the day model for the small days a timetable is made of.

Why: the template search is limited by how many day contents it can cost — on
Randers 3,375 exact CP-SAT day solves give 231.5 km/week, 12,000 give 217.2
(docs/planner.md). A CP-SAT solve costs ~10 ms however small the day; most days hold
two to six stops a week, where complete enumeration is far cheaper. This module
answers the *same* question as `daymodel.solve_day` — the fewest km (every leg
rounded to 0.1 km as there) over the weeks of the cycle, one arrival time per stop
shared by all weeks, on the `step` grid, inside windows and shift, with the lunch
break parked on one leg of each week and `max_km` per week — by enumeration:

1. Each distinct week of the cycle gets all its feasible visiting orders (a depth-
   first search with earliest-arrival pruning; weeks with the same stops share
   routes, so identical weeks are solved once and counted as often as they occur).
2. Order combinations are visited cheapest first (a best-first walk over prefixes of
   the sorted lists, a prefix with no shared timing cut with all its extensions), and
   each is checked *exactly* for a shared timing: with the grid, the
   precedences, the windows and the chosen break leg, all constraints are difference
   constraints on integer grid indices, so a longest-path relaxation decides them.
   The first combination with a timing is the optimum; exhausting all proves the day
   infeasible.

It gives up (returns `UNDECIDED`, the caller then runs CP-SAT) when a day is too big
for enumeration — more orders, combinations or break choices than fixed caps — or
uses several grids. The caps are counts, not seconds, so the answer is deterministic.
The timing it returns is the earliest feasible one; the search only needs the km,
and the final timetable's days are re-timed by CP-SAT (least working span) with this
solution as the hint (`template.TemplateSearch._result`).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import NamedTuple

from .daymodel import DayNode, DayProblem, DaySolution, ScenarioRoute

__all__ = ["ENUMERATED", "UNDECIDED", "FastDay", "fast_day"]

ENUMERATED = "enumerated"  # DaySolution.status: optimal km, earliest timing (not re-timed)

# Caps that keep one answer well below the cost of a CP-SAT solve (~10 ms); beyond
# them the day goes to CP-SAT. Counted work, so the cut-off is deterministic.
MAX_ORDERS = 4000  # feasible orders of one week
MAX_NODES = 30000  # depth-first steps over all weeks of one day
MAX_COMBOS = 400  # order combinations (prefixes: this × the distinct weeks) checked for a timing
MAX_BREAK_CHOICES = 400  # break-leg picks visited (partial ones too) for one combination
# The memo of week order lists is emptied when it holds more orders than this (~100
# bytes each): Randers at 3,375 units of work stores ~50,000, so this only guards a
# very long run on big data against unbounded memory. A count, so still deterministic.
MAX_MEMO_ORDERS = 1_000_000


class _Undecided:
    """Marker: the day is too big for enumeration; ask CP-SAT."""

    def __repr__(self) -> str:
        return "UNDECIDED"


UNDECIDED = _Undecided()


@dataclass
class _Week:
    stops: tuple[str, ...]  # sorted site ids active that week
    count: int  # how many weeks of the cycle have exactly these stops
    orders: list[tuple[int, tuple[str, ...]]]  # (km10, order), cheapest first


Constraint = tuple[int, int, int]  # (a, b, w): u_b − u_a ≥ w, on stop numbers


class FastDay:
    """Enumeration-based day solver with a per-search memo of week order lists
    (the same week's stops recur in many day contents). `work` counts the steps
    done, the unit the caller converts into its work budget."""

    def __init__(self) -> None:
        self.work = 0
        self._orders: dict[tuple, list[tuple[int, tuple[str, ...]]] | None] = {}
        self._stored = 0  # orders held by the memo

    def solve(self, p: DayProblem) -> DaySolution | None | _Undecided:
        """The optimum of `p` (as `solve_day` defines it, up to the timing), None when
        `p` is infeasible, UNDECIDED when the day is too big for enumeration."""
        nodes = {n.site_id: n for n in p.nodes}
        steps = {n.step for n in p.nodes}
        if len(steps) > 1:
            return UNDECIDED
        g = steps.pop() if steps else 1
        br = p.break_rule
        if br is not None and br.latest - br.minutes < br.earliest:
            return None  # no break start exists: the model has no solution
        counts: dict[frozenset[str], int] = {}
        for scen in p.scenarios:
            counts[scen] = counts.get(scen, 0) + 1
        weeks: list[_Week] = []
        for scen in sorted(counts, key=lambda s: sorted(s)):
            if not scen:
                continue
            orders = self._week_orders(p, nodes, scen, g)
            if orders is None:
                return UNDECIDED
            if not orders:
                return None  # one week alone cannot be served: the day is infeasible
            weeks.append(_Week(tuple(sorted(scen)), counts[scen], orders))
        if not weeks:
            return DaySolution({}, [_empty() for _ in p.scenarios], "optimal")
        found = self._best_combination(p, nodes, weeks, g)
        if found is None or found is UNDECIDED:
            return found
        combo, times, breaks = found
        by_stops = {w.stops: (w.orders[i][1], breaks[k])
                    for k, (w, i) in enumerate(zip(weeks, combo))}
        routes = []
        for scen in p.scenarios:
            if not scen:
                routes.append(_empty())
                continue
            order, leg = by_stops[tuple(sorted(scen))]
            routes.append(_route(p, nodes, order, times, leg))
        return DaySolution({s: g * u for s, u in times.items()}, routes, ENUMERATED)

    # -- one week: every feasible order ----------------------------------------------
    def _week_orders(self, p: DayProblem, nodes: dict[str, DayNode], scen: frozenset[str],
                     g: int) -> list[tuple[int, tuple[str, ...]]] | None:
        key = (p.shift_start, p.shift_end, p.depot_index, p.max_km, g,
               tuple(nodes[s] for s in sorted(scen)), id(p.km), id(p.minutes))
        if key in self._orders:
            return self._orders[key]
        out = self._enumerate(p, nodes, sorted(scen), g)
        if out is not None:
            self._stored += len(out)
            if self._stored > MAX_MEMO_ORDERS:
                self._orders.clear()
                self._stored = len(out)
        self._orders[key] = out
        return out

    def _enumerate(self, p: DayProblem, nodes: dict[str, DayNode], ids: list[str],
                   g: int) -> list[tuple[int, tuple[str, ...]]] | None:
        """All orders with a feasible timing for this week alone (no break: that is
        decided with the shared times), with their km in 0.1 km units."""
        D, T, dep = p.km, p.minutes, p.depot_index
        limit = (None if p.max_km is None else int(math.floor(p.max_km * 10 + 1e-9)))
        lo = {s: math.ceil(nodes[s].lo / g) * g for s in ids}
        hi = {s: (nodes[s].hi // g) * g for s in ids}
        out: list[tuple[int, tuple[str, ...]]] = []
        steps = 0
        n = len(ids)
        stack: list[tuple[tuple[str, ...], int, int, int]] = [((), dep, p.shift_start, 0)]
        while stack:
            order, at, ready, km10 = stack.pop()
            steps += 1
            if steps > MAX_NODES:
                self.work += steps
                return None
            if len(order) == n:
                back = ready + T[at][dep]
                total = km10 + round(D[at][dep] * 10)
                if back <= p.shift_end and (limit is None or total <= limit):
                    out.append((total, order))
                    if len(out) > MAX_ORDERS:
                        self.work += steps
                        return None
                continue
            for s in reversed(ids):
                if s in order:
                    continue
                nd = nodes[s]
                i = nd.index
                arrive = ready + T[at][i]
                t = max(lo[s], -(-arrive // g) * g)
                if t > hi[s]:
                    continue
                leg = km10 + round(D[at][i] * 10)
                if limit is not None and leg > limit:
                    continue
                stack.append((order + (s,), i, t + nd.duration, leg))
        self.work += steps
        out.sort()
        return out

    # -- the weeks together: cheapest combination with a shared timing --------------
    def _best_combination(self, p: DayProblem, nodes: dict[str, DayNode],
                          weeks: list[_Week], g: int):
        """The cheapest order combination (km weighted by how often each week occurs)
        with a shared timing, ties to the smallest index tuple; None if none has one.

        Best-first over *prefixes*: a node fixes the orders of the first weeks, its key
        is the cheapest completion (every later week at its cheapest order, which is
        also the smallest index tuple below it), and a prefix with no shared timing is
        cut with every combination that extends it (more weeks only add constraints).
        Checking whole combinations instead tried them one by one: on a 4-week cycle of
        5-stop weeks the cheapest orders of two weeks often clash, and every
        combination holding that pair was tried (hundreds per day, the day then left to
        CP-SAT). The answer is the same: the first complete node popped is the
        smallest-key combination with a timing, which is what the one-by-one walk
        found when it found one.

        A prefix's timing is built on its parent's (`_Timer.extend`: one more week's
        constraints, warm-started from the parent's least solution), so checking a
        prefix of k weeks no longer rebuilds the k − 1 weeks before it — most of the
        shared-time bound's CPU on long cycles (docs/lower-bound.md)."""
        n = len(weeks)
        rest = [0] * (n + 1)  # rest[k]: the cheapest km of weeks k… (index 0 each)
        for k in range(n - 1, -1, -1):
            rest[k] = rest[k + 1] + weeks[k].count * weeks[k].orders[0][0]

        def key(prefix: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
            km = sum(w.count * w.orders[i][0] for w, i in zip(weeks, prefix))
            return (km + rest[len(prefix)], prefix + (0,) * (n - len(prefix)))

        timer = _Timer(self, p, nodes, weeks, g)
        # heap entries carry the parent prefix's timing state (never compared: the keys'
        # padded prefixes are distinct for distinct pushed prefixes)
        heap: list[tuple] = [(key((0,)), (0,), timer.root)]
        checked = 0
        while heap:
            _, prefix, parent = heapq.heappop(heap)
            while True:
                k = len(prefix)
                if prefix[-1] + 1 < len(weeks[k - 1].orders):  # the next sibling
                    sib = prefix[:-1] + (prefix[-1] + 1,)
                    heapq.heappush(heap, (key(sib), sib, parent))
                checked += 1
                self.work += 1
                if checked > MAX_COMBOS * n:
                    return UNDECIDED
                state = timer.extend(parent, k - 1, prefix[-1])
                if state is None:
                    break  # no combination with this prefix has a timing
                timing = timer.timing(state)
                if timing is None:
                    break
                if k == n:
                    if timing is UNDECIDED:
                        return UNDECIDED
                    return prefix, timing[0], timing[1]
                # undecided for a prefix: not cut, decided further down
                prefix = prefix + (0,)  # the first child has the same key: no heap trip
                parent = state
        return None

    @staticmethod
    def _break_legs(p: DayProblem, nodes: dict[str, DayNode], o: tuple[str, ...], g: int):
        """Each leg of the week's route that can carry the break, with the bounds and
        difference constraints it adds (the break start eliminated):
        break on leg a→b: t_a + dur_a ≤ b₀ ≤ latest − minutes, b₀ ≥ earliest,
        b₀ + minutes + drive(a, b) ≤ t_b; the depot legs use the shift's ends."""
        br = p.break_rule
        assert br is not None
        T, dep = p.minutes, p.depot_index
        b_lo, b_hi, m = br.earliest, br.latest - br.minutes, br.minutes
        legs: list[tuple[int, list, list, list]] = []
        first = o[0]
        go = T[dep][nodes[first].index]
        if max(p.shift_start, b_lo) <= b_hi:  # leave the depot, park, drive on
            legs.append((0, [(first, _up(max(p.shift_start, b_lo) + m + go, g))], [], []))
        for k, (a, b) in enumerate(zip(o, o[1:]), start=1):
            na, nb = nodes[a], nodes[b]
            drive = T[na.index][nb.index]
            legs.append((k, [(b, _up(b_lo + m + drive, g))],
                         [(a, (b_hi - na.duration) // g)],
                         [(a, b, _up(na.duration + m + drive, g))]))
        last = nodes[o[-1]]
        home = T[last.index][dep]
        if b_lo + m + home <= p.shift_end:  # park after the last stop, then drive home
            cap = min(b_hi, p.shift_end - m - home) - last.duration
            legs.append((len(o), [], [(o[-1], cap // g)], []))
        return legs


class _State(NamedTuple):
    """The shared-timing system of a prefix of weeks, over grid indices: bounds, the
    difference constraints u_b − u_a ≥ w, their least solution, and (with a break
    rule) each week's break legs that admit a timing alone beside the others."""

    lo: list[int]
    hi: list[int]
    cons: list[Constraint]
    u: list[int]
    kept: list[list[tuple]]
    orders: tuple[tuple[str, ...], ...]  # the prefix's week orders


class _Timer:
    """Shared timings of growing prefixes of one day's weeks (`_best_combination`).
    Stops are numbered once; a prefix's state extends its parent's, which gives the
    same answers as building each prefix from scratch: constraints only add up, so
    the parent's least solution is a valid warm start and a break leg with no timing
    beside the parent's weeks has none beside more weeks. The work counted is the
    same as a rebuild's (every leg of every week is charged as if tested), so the
    work budget, and with it the plans, do not change."""

    def __init__(self, owner: FastDay, p: DayProblem, nodes: dict[str, DayNode],
                 weeks: list[_Week], g: int):
        self.owner, self.p, self.nodes, self.weeks, self.g = owner, p, nodes, weeks, g
        self.ids = sorted({s for w in weeks for s in w.stops})
        self.pos = {s: i for i, s in enumerate(self.ids)}
        lo = [math.ceil(nodes[s].lo / g) for s in self.ids]
        hi = [nodes[s].hi // g for s in self.ids]
        self.root = _State(lo, hi, [], list(lo), [], ())
        self._legs: dict[tuple[str, ...], list[tuple]] = {}
        self._prec: dict[tuple[str, ...], tuple] = {}

    def _order_parts(self, o: tuple[str, ...]) -> tuple:
        """The first stop's earliest index, the last stop's latest, the precedences."""
        got = self._prec.get(o)
        if got is None:
            p, nodes, g, pos = self.p, self.nodes, self.g, self.pos
            T, dep = p.minutes, p.depot_index
            first, last = o[0], o[-1]
            got = (pos[first], _up(p.shift_start + T[dep][nodes[first].index], g),
                   pos[last], (p.shift_end - T[nodes[last].index][dep]
                               - nodes[last].duration) // g,
                   [(pos[a], pos[b], _up(nodes[a].duration + T[nodes[a].index][nodes[b].index],
                                         g)) for a, b in zip(o, o[1:])])
            self._prec[o] = got
        return got

    def _legs_of(self, o: tuple[str, ...]) -> list[tuple]:
        """`FastDay._break_legs` of the order, on stop numbers."""
        got = self._legs.get(o)
        if got is None:
            pos = self.pos
            got = [(k, [(pos[s], v) for s, v in raises], [(pos[s], v) for s, v in lowers],
                    [(pos[a], pos[b], w) for a, b, w in extra])
                   for k, raises, lowers, extra in FastDay._break_legs(self.p, self.nodes, o,
                                                                        self.g)]
            self._legs[o] = got
        return got

    def extend(self, parent: _State, k: int, i: int) -> _State | None:
        """The state of the parent's prefix with week k at its i-th order; None when it
        has no timing (then no extension has one)."""
        o = self.weeks[k].orders[i][1]
        fi, fv, li, lv, prec = self._order_parts(o)
        lo, hi = list(parent.lo), list(parent.hi)
        if fv > lo[fi]:
            lo[fi] = fv
        if lv < hi[li]:
            hi[li] = lv
        cons = parent.cons + prec
        u = _isolve(lo, hi, cons, parent.u)
        if u is None:
            return None
        orders = parent.orders + (o,)
        if self.p.break_rule is None:
            return _State(lo, hi, cons, u, [], orders)
        kept = []
        for j, oj in enumerate(orders):
            legs = self._legs_of(oj)
            self.owner.work += len(legs)  # charged as the rebuild tested each leg
            tried = parent.kept[j] if j < len(parent.kept) else legs
            ok = [leg for leg in tried if _isolve(*_with_leg(lo, hi, cons, leg), u) is not None]
            if not ok:
                return None
            kept.append(ok)
        return _State(lo, hi, cons, u, kept, orders)

    def timing(self, s: _State):
        """Earliest shared grid times (stop id → index) for the prefix and the leg that
        carries each week's break; None if no timing exists, UNDECIDED past the cap.
        Depth-first over the weeks' legs in the order of their product, a partial pick
        with no timing pruned with everything below it (more weeks' legs only add
        constraints): the first complete pick with a timing is the product's first,
        found without trying the thousands of picks a 4-week cycle of 5-stop weeks
        has (the cap counts visited picks, so the cut-off stays deterministic)."""
        if self.p.break_rule is None:
            return self._times(s.u), [None] * len(s.orders)
        visited = 0
        owner = self.owner

        def dfs(k: int, lo: list[int], hi: list[int], cons: list, at: list[int],
                legs: list) -> tuple | None | _Undecided:
            nonlocal visited
            if k == len(s.kept):
                return self._times(at), legs
            for leg in s.kept[k]:
                visited += 1
                owner.work += 1
                if visited > MAX_BREAK_CHOICES:
                    return UNDECIDED
                nlo, nhi, ncons = _with_leg(lo, hi, cons, leg)
                u = _isolve(nlo, nhi, ncons, at)
                if u is None:
                    continue
                got = dfs(k + 1, nlo, nhi, ncons, u, legs + [leg[0]])
                if got is not None:
                    return got
            return None

        return dfs(0, s.lo, s.hi, s.cons, s.u, [])

    def _times(self, u: list[int]) -> dict[str, int]:
        return dict(zip(self.ids, u))


def _up(minutes: int, g: int) -> int:
    """The smallest grid index k with g·k ≥ minutes."""
    return -(-minutes // g)


def _with_leg(lo: list[int], hi: list[int], cons: list[Constraint],
              leg: tuple) -> tuple[list[int], list[int], list[Constraint]]:
    """Bounds and constraints with one week's break leg (from `_break_legs`, on stop
    numbers) added."""
    _k, raises, lowers, extra = leg
    if raises:
        lo = list(lo)
        for s, v in raises:
            if v > lo[s]:
                lo[s] = v
    if lowers:
        hi = list(hi)
        for s, v in lowers:
            if v < hi[s]:
                hi[s] = v
    return lo, hi, (cons + extra) if extra else cons


def _isolve(lo: list[int], hi: list[int], cons: list[Constraint],
            start: list[int] | None = None) -> list[int] | None:
    """The least integer solution of lo ≤ u ≤ hi and u_b − u_a ≥ w (a longest-path
    relaxation from the lower bounds); None if it passes an upper bound, which is
    also how a positive cycle shows (the bounds are finite). `start`: the least
    solution of a subset of these constraints, a warm start below the answer (the
    least solution is unique, so the answer is the same)."""
    for a, b in zip(lo, hi):
        if a > b:
            return None
    if start is None:
        u = list(lo)
    else:  # the least solution is at least the start: a start above a bound is infeasible
        u = [a if a > s else s for a, s in zip(lo, start)]
        for x, b in zip(u, hi):
            if x > b:
                return None
    for _ in range(len(u) + 1):
        changed = False
        for a, b, w in cons:
            v = u[a] + w
            if u[b] < v:
                if v > hi[b]:
                    return None
                u[b] = v
                changed = True
        if not changed:
            return u
    return None  # still rising after |V| rounds: a positive cycle


def _empty() -> ScenarioRoute:
    return ScenarioRoute((), 0, 0, None, 0.0, 0)


def _route(p: DayProblem, nodes: dict[str, DayNode], order: tuple[str, ...],
           times: dict[str, int], leg: int | None) -> ScenarioRoute:
    """The week's route with the shared times: depot departure as late and return as
    early as the times allow, the break where its leg permits (earliest start)."""
    D, T, dep = p.km, p.minutes, p.depot_index
    g = nodes[order[0]].step
    t = {s: g * times[s] for s in order}
    first, last = nodes[order[0]], nodes[order[-1]]
    start = t[order[0]] - T[dep][first.index]
    end = t[order[-1]] + last.duration + T[last.index][dep]
    b0 = None
    br = p.break_rule
    if br is not None and leg is not None:
        if leg == 0:
            b0 = min(br.latest - br.minutes, t[order[0]] - br.minutes - T[dep][first.index])
            start = max(p.shift_start, min(start, b0))
        elif leg == len(order):
            b0 = max(br.earliest, t[order[-1]] + last.duration)
            end = b0 + br.minutes + T[last.index][dep]
        else:
            a = nodes[order[leg - 1]]
            b0 = max(br.earliest, t[order[leg - 1]] + a.duration)
    idxs = [dep] + [nodes[s].index for s in order] + [dep]
    km = round(sum(D[i][j] for i, j in zip(idxs, idxs[1:])), 1)
    drive = sum(T[i][j] for i, j in zip(idxs, idxs[1:]))
    return ScenarioRoute(order, start, end, b0, km, drive)


def fast_day(p: DayProblem) -> DaySolution | None | _Undecided:
    """One-off use of FastDay (tests; the search keeps one FastDay for its memo)."""
    return FastDay().solve(p)
