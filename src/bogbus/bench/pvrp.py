"""Cordeau periodic VRP instances (p01…, pr01…): reader and solve through the engine.

The same two layers as `bogbus plan`: the pattern-assignment search
(`solve/patterns.py`) picks one allowed visit pattern per customer, and every day
is routed by the multi-vehicle day router (`solve/router.py`).

Format (bench/instances/pvrp/FORMAT.md): line 1 `type m n t`; t lines `D Q` (D = 0:
no duration limit); the depot line `0 x y 0 0 0 0`; n customer lines
`i x y d q f a c_1 … c_a` where each c is the decimal value of a t-bit string whose
LEFTMOST bit is day 1. Tokens are whitespace-separated with varying spacing, and some
files end with blank lines.

Conventions: cost = total Euclidean distance in double precision over all days,
service time counts toward D but not toward cost, at most m routes per day, load ≤ Q.
Customers with f = 0 are never visited. p01's dummy customer (at the depot, demand
= Q, day 1 only) is routed and printed like any customer: it fills one vehicle on
day 1 at zero distance (Cordeau's p01.res leaves it out; either way the cost is the
same, and printing it lets a checker that reads the file see every f > 0 customer).
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..solve.patterns import Budget, PatternSearch
from ..solve.router import RouterProblem, RouterSolution, route, route_cost

# Integer model: distances × SCALE. Costs are rounded; travel times are rounded UP, so
# a route within D in the integer model is within D in double precision.
SCALE = 1000


@dataclass(frozen=True)
class PVRPInstance:
    name: str
    vehicles: int  # m, per day
    days: int  # t
    max_duration: tuple[float, ...]  # D per day (0 = no limit)
    capacity: tuple[int, ...]  # Q per day
    x: tuple[float, ...]  # index 0 is the depot, i is customer i
    y: tuple[float, ...]
    service: tuple[float, ...]
    demand: tuple[int, ...]
    frequency: tuple[int, ...]
    patterns: tuple[tuple[tuple[int, ...], ...], ...]  # allowed day sets (1-based days)

    @property
    def n(self) -> int:
        return len(self.x) - 1


def pattern_days(code: int, t: int) -> tuple[int, ...]:
    """Days (1-based) of a pattern code: a t-bit string, leftmost bit = day 1."""
    if not 0 <= code < 2 ** t:
        raise ValueError(f"pattern code {code} is not a {t}-bit number")
    return tuple(day for day in range(1, t + 1) if code >> (t - day) & 1)


def _num(tok: str) -> float:
    v = float(tok)
    return int(v) if v == int(v) else v


def parse(text: str, name: str = "") -> PVRPInstance:
    """Parse the text of a Cordeau file; raises ValueError saying what is wrong."""
    rows = [ln.split() for ln in text.splitlines() if ln.strip()]
    if not rows or len(rows[0]) < 4:
        raise ValueError("line 1 must be 'type m n t'")
    typ, m, n, t = (int(v) for v in rows[0][:4])
    if typ != 1:
        raise ValueError(f"problem type {typ} is not 1 (PVRP)")
    if len(rows) < 1 + t + 1 + n:
        raise ValueError(f"expected {t} day lines, a depot line and {n} customer lines")
    dq = [(float(r[0]), int(float(r[1]))) for r in rows[1:1 + t]]
    x, y, service, demand, freq, pats = [], [], [], [], [], []
    for expect, r in enumerate(rows[1 + t:1 + t + 1 + n]):
        if int(r[0]) != expect:
            raise ValueError(f"customer line {expect} has id {r[0]}")
        x.append(_num(r[1]))
        y.append(_num(r[2]))
        service.append(_num(r[3]))
        demand.append(int(float(r[4])))
        f, a = int(r[5]), int(r[6])
        codes = [int(c) for c in r[7:7 + a]]
        if len(codes) != a:
            raise ValueError(f"customer {expect} lists {len(codes)} of {a} patterns")
        freq.append(f)
        pats.append(tuple(pattern_days(c, t) for c in codes) if f > 0 else ())
    return PVRPInstance(name, m, t, tuple(d for d, _ in dq), tuple(q for _, q in dq),
                        tuple(x), tuple(y), tuple(service), tuple(demand), tuple(freq),
                        tuple(pats))


def read(path: str | Path) -> PVRPInstance:
    p = Path(path)
    return parse(p.read_text(encoding="utf-8"), p.name)


def euclid(inst: PVRPInstance, a: int, b: int) -> float:
    return math.hypot(inst.x[a] - inst.x[b], inst.y[a] - inst.y[b])


class PVRPSearch(PatternSearch[int, tuple, int]):
    """Items = customers with f > 0, options = allowed day sets, a day is routed by
    the day router. While searching the router runs with a small solution limit,
    warm-started from the routes of the day before the move (or the last routes of
    that day) with the new customers inserted cheaply; `polish` then gives each day
    of the final pattern assignment a longer run."""

    MIN_GAIN = 1e-3  # in distance units
    SCREEN_MOVES = True
    EJECT_CANDIDATES = 5
    ROUTE_MOVES_PER_CALL = 30
    FINISH_FIRST_CONSTRUCTION = True  # a partial benchmark solution is worthless
    CONSTRUCT_TRIES = 2
    MERGE_SOLUTION_LIMIT = 200
    MERGE_TIME_CAP_S = 2.0
    SEARCH_SOLUTION_LIMIT = 20
    # Guided local search can go long without a new solution on a small day; this cap
    # only fires then (a call normally takes 5-60 ms).
    SEARCH_TIME_CAP_S = 0.5

    def __init__(self, inst: PVRPInstance, *, seed: int = 0, budget: Budget | None = None,
                 deadline: float | None = None) -> None:
        super().__init__(seed=seed, budget=budget, deadline=deadline)
        self.inst = inst
        nodes = range(inst.n + 1)
        self.dist = [[round(euclid(inst, a, b) * SCALE) for b in nodes] for a in nodes]
        self.time = [[math.ceil(euclid(inst, a, b) * SCALE) for b in nodes] for a in nodes]
        self.service = [math.ceil(s * SCALE) for s in inst.service]
        self.cache: dict[tuple, RouterSolution | None] = {}
        self.last: dict[int, RouterSolution] = {}  # per day: the last routes computed
        self.merged: set[tuple[frozenset, frozenset]] = set()  # day pairs tried together
        self.constructions = 0
        self.call_cap = self.SEARCH_TIME_CAP_S  # router time cap per search call
        # estimates come from fixed routes, the router re-optimises: let a move whose
        # estimate is slightly worse than zero still be evaluated
        custs = self.items()
        self.SCREEN_SLACK = (SCREEN_SLACK_SHARE * sum(euclid(inst, 0, c) for c in custs)
                             / max(1, len(custs)))

    # -- the problem ------------------------------------------------------------------
    def items(self) -> list[int]:
        return [c for c in range(1, self.inst.n + 1) if self.inst.frequency[c] > 0]

    def item_options(self, item: int) -> list[tuple]:
        return list(self.inst.patterns[item])

    def days_of(self, opt: tuple) -> tuple[int, ...]:
        return opt

    def element(self, item: int, opt: tuple) -> int:
        return item

    def item_of(self, element: Hashable) -> int:
        assert isinstance(element, int)  # what `element` made: the item itself
        return element

    def day_key(self, day: int) -> tuple:
        """Days with the same D and Q route alike, so they share the cache."""
        return (self.inst.max_duration[day - 1], self.inst.capacity[day - 1])

    def problem(self, day: int, content: frozenset) -> RouterProblem:
        D = self.inst.max_duration[day - 1]
        return RouterProblem(self.dist, self.time, 0, tuple(sorted(content)),
                             service=self.service, demand=self.inst.demand,
                             vehicles=self.inst.vehicles, capacity=self.inst.capacity[day - 1],
                             max_duration=math.floor(D * SCALE) if D > 0 else None)

    def evaluate(self, day: int, content: frozenset, near: Any = None) -> RouterSolution | None:
        key = (self.day_key(day), content)
        if key in self.cache:
            sol = self.cache[key]
            if sol is not None:
                self.last[day] = sol
            return sol
        if not content:
            sol = RouterSolution([], 0)
        elif (sum(self.inst.demand[c] for c in content)
              > self.inst.vehicles * self.inst.capacity[day - 1]):
            sol = None
        else:
            self.budget.used += 1
            start = near if near is not None else self.last.get(day)
            init = self.warm_start(start, content, day) if start is not None else None
            sol = route(self.problem(day, content), solution_limit=self.SEARCH_SOLUTION_LIMIT,
                        time_limit_s=self.call_cap, seed=self.seed,
                        initial_routes=init)
        self.cache[key] = sol
        if sol is not None:
            self.last[day] = sol
        return sol

    def warm_start(self, sol: RouterSolution, content: frozenset, day: int) -> list | None:
        """The routes of `sol` restricted to `content`, missing customers inserted at
        their cheapest position with capacity left (None if one does not fit)."""
        routes = [[c for c in r if c in content] for r in sol.routes]
        routes = [r for r in routes if r]
        for c in sorted(content - {c for r in routes for c in r}):
            best = self.cheapest_insertion(routes, c, day)
            if best is None:
                return None
            self.insert(routes, c, best)
        return routes

    def cheapest_insertion(self, routes: list[list[int]], c: int,
                           day: int) -> tuple[int, int, int] | None:
        """(extra distance, route, position) of the cheapest insertion of `c` that
        keeps load ≤ Q and duration ≤ D (a new route if a vehicle is free)."""
        Q, D = self.inst.capacity[day - 1], self.inst.max_duration[day - 1]
        d, q = self.dist, self.inst.demand
        limit = math.floor(D * SCALE) if D > 0 else None
        best = None
        for ri, r in enumerate(routes):
            if sum(q[v] for v in r) + q[c] > Q:
                continue
            seq = [0, *r, 0]
            base = (sum(self.time[a][b] for a, b in zip(seq, seq[1:]))
                    + sum(self.service[v] for v in r) + self.service[c]) if limit else 0
            for pos in range(len(seq) - 1):
                a, b = seq[pos], seq[pos + 1]
                delta = d[a][c] + d[c][b] - d[a][b]
                if limit is not None and (base + self.time[a][c] + self.time[c][b]
                                          - self.time[a][b]) > limit:
                    continue
                if best is None or delta < best[0]:
                    best = (delta, ri, pos)
        if len(routes) < self.inst.vehicles and q[c] <= Q and (
                limit is None or self.time[0][c] + self.time[c][0] + self.service[c] <= limit):
            delta = 2 * d[0][c]
            if best is None or delta < best[0]:
                best = (delta, len(routes), 0)
        return best

    @staticmethod
    def insert(routes: list[list[int]], c: int, where: tuple[int, int, int]) -> None:
        _, ri, pos = where
        if ri == len(routes):
            routes.append([c])
        else:
            routes[ri].insert(pos, c)

    def construct(self, opts: dict[int, list[tuple]], noise: bool) -> tuple[dict, dict]:
        """Greedy on route sketches, no router call per customer: each customer (in
        construction order) takes the pattern whose cheapest insertions into the
        sketched routes of its days cost least (with noise: ±20 % random weights);
        then every day is routed once, warm-started from its sketch. Falls back to the
        generic router-confirmed construction if a sketched day cannot be routed; a
        customer with no room in the sketch is placed afterwards by the router.
        Every second construction (restarts) is the generic one, for diversity: the
        two lead to different local optima."""
        self.constructions += 1
        if self.constructions % 2 == 0:  # restarts alternate with the router-confirmed greedy
            return super().construct(opts, noise)
        t = self.inst.days
        sketch: dict[int, list[list[int]]] = {d: [] for d in range(1, t + 1)}
        assign: dict[int, tuple] = {}
        unserved: dict[int, str] = {}
        pending: list[int] = []
        for c in self.construction_order(opts, noise):
            best = None
            for p in opts[c]:
                tried = [(day, self.cheapest_insertion(sketch[day], c, day)) for day in p]
                plan = [(day, w) for day, w in tried if w is not None]
                if len(plan) < len(tried):  # no room on some day of the pattern
                    continue
                cost: float = sum(w[0] for _, w in plan)
                if noise:
                    cost *= 0.8 + 0.4 * self.rng.random()
                if best is None or cost < best[0]:
                    best = (cost, p, plan)
            if best is None:  # no room in the sketch (tight D or Q): the router decides
                pending.append(c)
                continue
            for day, w in best[2]:
                self.insert(sketch[day], c, w)
            assign[c] = best[1]
        for day in range(1, t + 1):
            content = self.content_of(assign, day)
            key = (self.day_key(day), content)
            if content and key not in self.cache:  # a sketch needs a longer first routing
                self.budget.used += 1
                self.cache[key] = route(self.problem(day, content),
                                        solution_limit=self.MERGE_SOLUTION_LIMIT,
                                        time_limit_s=self.MERGE_TIME_CAP_S, seed=self.seed,
                                        initial_routes=sketch[day])
            if self.evaluate(day, content) is None:
                return super().construct(opts, noise)
        for n, c in enumerate(pending):
            # each router call gets a share of the time left before the search deadline
            # (at least 0.05 s), so tight instances (pr04: ~110 pending customers) stay
            # near their time limit instead of 0.5 s per call
            left = (self.deadline - time.perf_counter()) if self.deadline else math.inf
            self.call_cap = max(0.05, min(self.SEARCH_TIME_CAP_S, left / (len(pending) - n)))
            placed = self.try_place(assign, c, opts[c], tries=2)
            if placed is None:
                unserved[c] = ""
            else:
                assign[c] = placed[0]
        self.call_cap = self.SEARCH_TIME_CAP_S
        return assign, unserved

    def day_cost(self, sol: RouterSolution | None) -> float:
        return math.inf if sol is None else sol.cost / SCALE

    def insertion_estimate(self, item: int, opt: tuple, day: int, sol: RouterSolution | None,
                           content: frozenset) -> float:
        """Cheapest insertion into the day's routes (distance); a route of its own when
        a vehicle is free; a full route counts double."""
        d = self.dist
        if sol is None or not sol.routes:
            return 2 * d[0][item] / SCALE
        Q = self.inst.capacity[day - 1]
        best = 2 * d[0][item] if len(sol.routes) < self.inst.vehicles else math.inf
        for r in sol.routes:
            seq = [0, *r, 0]
            ins = min(d[a][item] + d[item][b] - d[a][b] for a, b in zip(seq, seq[1:]))
            if sum(self.inst.demand[v] for v in r) + self.inst.demand[item] > Q:
                ins *= 2
            best = min(best, ins)
        return best / SCALE

    def removal_estimate(self, item: int, opt: tuple, day: int, sol: RouterSolution | None,
                         content: frozenset) -> float:
        """Distance saved by cutting the customer out of its route as it stands."""
        if sol is None:
            return math.inf  # the day is infeasible now; leaving may fix it
        d = self.dist
        for r in sol.routes:
            if item in r:
                k = r.index(item)
                a = r[k - 1] if k > 0 else 0
                b = r[k + 1] if k + 1 < len(r) else 0
                return (d[a][item] + d[item][b] - d[a][b]) / SCALE
        return 0.0

    def construction_order(self, opts: dict[int, list[tuple]], noise: bool) -> list[int]:
        """Fewest patterns, most visits, largest demand, farthest first."""
        ids = self.items()
        if noise:
            self.rng.shuffle(ids)
            return sorted(ids, key=lambda c: len(opts[c]) > 1 and -self.inst.frequency[c])
        return sorted(ids, key=lambda c: (len(opts[c]), -self.inst.frequency[c],
                                          -self.inst.demand[c], -self.dist[0][c], c))

    def adapt(self, item: int, opt: tuple) -> tuple | None:
        return opt if opt in self.inst.patterns[item] else None

    def item_distance(self, a: int, b: int) -> float:
        return self.dist[a][b]

    def block_moves(self, assign: dict[int, tuple], opts) -> bool:
        return self.merge_days(assign) or self.exchange_routes(assign)

    def local_search(self, assign: dict[int, tuple], opts) -> bool:
        """Day-pair merges first (cheap in calls, large steps), then the generic moves."""
        any_improved = False
        while self.merge_days(assign):
            any_improved = True
        return super().local_search(assign, opts) or any_improved

    def merge_days(self, assign: dict[int, tuple]) -> bool:
        """Two days re-partitioned by the router: the customers on only one of them are
        routed together with 2m vehicles, the routes are dealt back to the two days (a
        customer whose patterns do not allow the other day keeps its day), and each
        day is then routed again with its customers on both days added. Only for day
        pairs with equal D and Q. Pairs already tried with the same contents are
        skipped."""
        t = self.inst.days
        pairs = [(a, b) for a in range(1, t + 1) for b in range(a + 1, t + 1)
                 if self.day_key(a) == self.day_key(b)]
        self.rng.shuffle(pairs)
        for a, b in pairs:
            if not self.budget.left or self.out_of_time():
                return False
            ca, cb = self.content_of(assign, a), self.content_of(assign, b)
            both = ca & cb
            if not ca - both or not cb - both or (ca, cb) in self.merged:
                continue
            self.merged.add((ca, cb))
            sa, sb = self.evaluate(a, ca), self.evaluate(b, cb)
            if sa is None or sb is None:
                continue
            fixed = {}  # customer → the only one of the two days it may take
            for c in (ca | cb) - both:
                here, there = (a, b) if c in ca else (b, a)
                q = tuple(sorted(set(assign[c]) - {here} | {there}))
                if q not in self.inst.patterns[c]:
                    fixed[c] = here
            prob = self.problem(a, (ca | cb) - both)
            prob = RouterProblem(prob.dist, prob.time, 0, prob.customers, service=prob.service,
                                 demand=prob.demand, vehicles=2 * self.inst.vehicles,
                                 capacity=prob.capacity, max_duration=prob.max_duration)
            self.budget.used += 1
            start = [[c for c in r if c not in both] for r in (*sa.routes, *sb.routes)]
            sol = route(prob, solution_limit=self.MERGE_SOLUTION_LIMIT,
                        time_limit_s=self.MERGE_TIME_CAP_S, seed=self.seed,
                        initial_routes=[r for r in start if r])
            if sol is None:
                continue
            if not both and sol.cost >= sa.cost + sb.cost - self.MIN_GAIN * SCALE:
                continue
            split = self._deal(sol.routes, fixed, a, b)
            if split is None:
                continue
            moved = {}
            for day, other, rs in ((a, b, split[0]), (b, a, split[1])):
                for r in rs:
                    for c in r:
                        if c in (cb if day == a else ca):  # changes day
                            moved[c] = tuple(sorted(set(assign[c]) - {other} | {day}))
            if not both:
                for day, rs in ((a, split[0]), (b, split[1])):
                    content = frozenset(c for r in rs for c in r)
                    self.cache[(self.day_key(day), content)] = RouterSolution(
                        [list(r) for r in rs], route_cost(self.dist, 0, rs))
                assign.update(moved)
                return True
            trial = {**assign, **moved}
            new = []
            for day, rs in ((a, split[0]), (b, split[1])):
                near = RouterSolution([list(r) for r in rs], 0)
                new.append(self.evaluate(day, self.content_of(trial, day), near=near))
                if new[-1] is None:
                    break
            got = [x for x in new if x is not None]
            if len(got) < len(new):
                continue
            if sum(x.cost for x in got) < sa.cost + sb.cost - self.MIN_GAIN * SCALE:
                assign.update(moved)
                return True
        return False

    def _deal(self, routes, fixed, a, b):
        """Routes for day a and day b (≤ m each) respecting fixed customers, or None."""
        m = self.inst.vehicles
        to_a: list[list[int]] = []
        to_b: list[list[int]] = []
        free: list[list[int]] = []
        for r in routes:
            need = {fixed[c] for c in r if c in fixed}
            if len(need) > 1:
                return None
            (to_a if need == {a} else to_b if need == {b} else free).append(r)
        for r in free:
            (to_a if len(to_a) < m else to_b).append(r)
        if len(to_a) > m or len(to_b) > m:
            return None
        return to_a, to_b

    def exchange_routes(self, assign: dict[int, tuple]) -> bool:
        """Route exchange: a whole route of day a moves to day b and (optionally) a
        route of day b to day a, when every customer's pattern allows the shift. The
        router then re-optimises routes that never shared a day before. At most
        ROUTE_MOVES_PER_CALL candidates (seeded sample) are evaluated per call."""
        t = self.inst.days
        maybe = {d: self.evaluate(d, self.content_of(assign, d)) for d in range(1, t + 1)}
        sols = {d: sol for d, sol in maybe.items() if sol is not None}
        if len(sols) < len(maybe):
            return False

        def shifted(route, a, b):
            out = {}
            for c in route:
                p = assign[c]
                if b in p:
                    return None
                q = tuple(sorted(set(p) - {a} | {b}))
                if q not in self.inst.patterns[c]:
                    return None
                out[c] = q
            return out

        cands = []
        for a in range(1, t + 1):
            for b in range(a + 1, t + 1):
                for i, ra in enumerate([*sols[a].routes, []]):
                    for j, rb in enumerate([*sols[b].routes, []]):
                        if not ra and not rb:
                            continue
                        ma, mb = shifted(ra, a, b), shifted(rb, b, a)
                        if ma is not None and mb is not None:
                            cands.append((a, b, i, j, {**ma, **mb}))
        if len(cands) > self.ROUTE_MOVES_PER_CALL:
            cands = self.rng.sample(cands, self.ROUTE_MOVES_PER_CALL)
        for a, b, _i, _j, moved in cands:
            if not self.budget.left or self.out_of_time():
                return False
            trial = {**assign, **moved}
            before = self.day_cost(sols[a]) + self.day_cost(sols[b])
            new_a = self.evaluate(a, self.content_of(trial, a), near=sols[a])
            if new_a is None:
                continue
            new_b = self.evaluate(b, self.content_of(trial, b), near=sols[b])
            if new_b is None:
                continue
            if self.day_cost(new_a) + self.day_cost(new_b) < before - self.MIN_GAIN:
                assign.update(moved)
                return True
        return False

    # -- the final routes ---------------------------------------------------------------
    def day_routes(self, assign: dict[int, tuple]) -> dict[int, RouterSolution]:
        out = {}
        for day in range(1, self.inst.days + 1):
            sol = self.evaluate(day, self.content_of(assign, day))
            out[day] = sol if sol is not None else RouterSolution([], 0)
        return out

    def polish(self, routes: dict[int, RouterSolution], assign: dict[int, tuple],
               seconds: float) -> dict[int, RouterSolution]:
        """A longer router run per day (time shared equally), kept when cheaper."""
        days = [d for d in sorted(routes) if routes[d].routes]
        out = dict(routes)
        for i, day in enumerate(days):
            left = seconds / (len(days) - i)
            t0 = time.perf_counter()
            content = self.content_of(assign, day)
            sol = route(self.problem(day, content), time_limit_s=max(0.05, left),
                        seed=self.seed, initial_routes=routes[day].routes)
            if sol is not None and sol.cost < out[day].cost:
                out[day] = sol
            seconds -= time.perf_counter() - t0
        return out


SCREEN_SLACK_SHARE = 0.1  # of the mean depot–customer distance

# Shares of the time limit: pattern search, then the per-day polish.
SEARCH_SHARE = 0.6
POLISH_SHARE = 0.35


def solve(inst: PVRPInstance, *, time_limit_s: float, seed: int = 0) -> dict:
    """Pattern search + per-day polish; the JSON answer of `python -m bogbus.bench pvrp`:
    routes per day (days "1".."t", customer ids as in the file), cost recomputed in
    double precision, vehicles = the most routes used on any day."""
    t0 = time.perf_counter()
    search = PVRPSearch(inst, seed=seed, budget=Budget(10 ** 9),
                        deadline=t0 + SEARCH_SHARE * time_limit_s)
    best = search.search().elite[0]
    days = search.day_routes(best.assign)
    left = t0 + (SEARCH_SHARE + POLISH_SHARE) * time_limit_s - time.perf_counter()
    if left > 0:
        days = search.polish(days, best.assign, left)
    routes = {str(d): [list(r) for r in days[d].routes] for d in sorted(days)}
    return {"instance": inst.name, "cost": round(total_cost(inst, routes), 6),
            "vehicles": max((len(r) for r in routes.values()), default=0), "routes": routes}


def total_cost(inst: PVRPInstance, routes: dict[str, list[list[int]]]) -> float:
    """Double-precision Euclidean distance over every route of every day."""
    total = 0.0
    for day_routes in routes.values():
        for r in day_routes:
            seq = [0, *r, 0]
            total += sum(euclid(inst, a, b) for a, b in zip(seq, seq[1:]))
    return total


__all__ = ["PVRPInstance", "PVRPSearch", "parse", "read", "solve", "pattern_days",
           "total_cost"]
