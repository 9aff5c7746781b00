"""The public timetable: each stop gets a vehicle, weekday, week phase and time.

Search space: an *option* (vehicle, weekday, phase) per stop; the cost of a weekday
is the exact optimum of its day model (shared times across the weeks of its cycle),
averaged per week. Greedy construction in order of difficulty, then relocate and
swap moves screened by cheap insertion estimates and confirmed by exact day solves,
then seeded perturbation (iterated local search) while the work budget lasts.

The budget counts day solves, not seconds, so the same data + seed + time limit
give the same timetable on any machine.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import astuple, dataclass, field
from functools import reduce

from ..model import Instance, Site, hhmm
from ..travel import TravelMatrix
from .daymodel import DayNode, DayProblem, DaySolution, solve_day

MAX_CYCLE_WEEKS = 12
ELITE_SIZE = 5  # distinct good templates handed to the outreach phase to choose from
MAX_STALE_ROUNDS = 150  # rounds without a new best before the search stops
RESTART_AFTER = 15  # failed perturbations before a randomised fresh construction


@dataclass(frozen=True)
class Option:
    vehicle: str
    weekday: str
    phase: int


@dataclass
class Budget:
    """Deterministic work budget in day solves."""

    limit: int
    used: int = 0

    @property
    def left(self) -> bool:
        return self.used < self.limit


def lcm(values) -> int:
    return reduce(lambda a, b: a * b // math.gcd(a, b), values, 1)


@dataclass
class TemplateResult:
    options: dict[str, Option]  # stop id → chosen option
    days: dict[tuple[str, str], DaySolution]  # (vehicle, weekday) → solution
    unserved: dict[str, str]  # stop id → reason
    cost: float  # mean km per week
    solves: int
    stopped_by: str
    elite: list["TemplateResult"] = field(default_factory=list)  # best distinct, incl. self
    released: dict[str, str] = field(default_factory=dict)  # re-planning: stop id → why freed


@dataclass
class TemplateSearch:
    instance: Instance
    travel: TravelMatrix
    seed: int = 0
    budget: Budget = field(default_factory=lambda: Budget(600))
    deadline: float | None = None  # perf_counter() value; a safety net, not the normal stop
    # re-planning: stop id → (previous option, previous arrival, previous every_weeks)
    previous: dict[str, tuple[Option, int, int | None]] | None = None

    def __post_init__(self) -> None:
        self.locks: dict[str, tuple[Option, int]] = {}  # kept stops: option and arrival
        self.released: dict[str, str] = {}
        self.idx = self.travel.index()
        self.depot = self.idx[self.instance.settings.depot]
        self.stops = {s.id: s for s in self.instance.stops}
        self.step = self.instance.settings.round_to_min
        self.cache: dict[tuple, DaySolution | None] = {}
        self.rng = random.Random(self.seed)

    # -- options and day problems -------------------------------------------------
    def node(self, s: Site, vehicle: str, weekday: str) -> DayNode | None:
        v = self.instance.settings.vehicle(vehicle)
        shift = v.shifts[weekday]
        i = self.idx[s.id]
        lo = max(s.earliest if s.earliest is not None else 0,
                 shift.start + self.travel.minutes[self.depot][i])
        latest = s.latest if s.latest is not None else 24 * 60
        hi = min(latest, shift.end - self.travel.minutes[i][self.depot]) - s.duration_min
        if s.fixed_time is not None:
            lo, hi = max(lo, s.fixed_time), min(hi, s.fixed_time)
        lock = self.locks.get(s.id)
        if lock is not None and (lock[0].vehicle, lock[0].weekday) == (vehicle, weekday):
            if not lo <= lock[1] <= hi or lock[1] % self.step:
                return None
            lo = hi = lock[1]
        if lo > hi:
            return None
        return DayNode(s.id, i, s.duration_min, lo, hi, self.step)

    def options_for(self, s: Site) -> list[Option]:
        out = []
        for v in self.instance.settings.vehicles:
            if not s.allows_vehicle(v.name):
                continue
            for d in s.days:
                if d not in v.shifts or (s.fixed_day and d != s.fixed_day):
                    continue
                if self.node(s, v.name, d) is None:
                    continue
                for p in range(s.every_weeks or 1):
                    out.append(Option(v.name, d, p))
        return out

    def day_problem(self, vehicle: str, weekday: str, content: frozenset) -> DayProblem | None:
        v = self.instance.settings.vehicle(vehicle)
        shift = v.shifts[weekday]
        L = lcm(self.stops[sid].every_weeks or 1 for sid, _ in content)
        if L > MAX_CYCLE_WEEKS:
            return None
        nodes = []
        for sid, _ in sorted(content):
            n = self.node(self.stops[sid], vehicle, weekday)
            if n is None:
                return None
            nodes.append(n)
        scen = tuple(
            frozenset(sid for sid, p in content if k % (self.stops[sid].every_weeks or 1) == p)
            for k in range(L)
        )
        return DayProblem(shift.start, shift.end, self.depot, tuple(nodes), scen,
                          self.travel.km, self.travel.minutes, v.break_rule, v.max_km_per_day)

    def evaluate(self, vehicle: str, weekday: str, content: frozenset) -> DaySolution | None:
        locked = tuple(sorted(sid for sid, _ in content if sid in self.locks
                              and (self.locks[sid][0].vehicle, self.locks[sid][0].weekday)
                              == (vehicle, weekday)))
        key = (vehicle, weekday, content, locked)
        if key in self.cache:
            return self.cache[key]
        if not content:
            sol = DaySolution({}, [], "optimal")
        else:
            prob = self.day_problem(vehicle, weekday, content)
            sol = None
            if prob is not None:
                if sum(n.duration for n in prob.nodes) <= prob.shift_end - prob.shift_start:
                    self.budget.used += 1
                    sol = solve_day(prob, seed=self.seed, det_limit=2.0)
        self.cache[key] = sol
        return sol

    @staticmethod
    def day_cost(sol: DaySolution | None) -> float:
        return math.inf if sol is None else sol.mean_km

    # -- estimates ----------------------------------------------------------------
    def insertion_estimate(self, s: Site, opt: Option, sol: DaySolution | None,
                           content: frozenset) -> float:
        """Mean extra km per week of adding s to the day, inserting into current routes."""
        i = self.idx[s.id]
        D = self.travel.km
        N = s.every_weeks or 1
        if not content or sol is None or not sol.routes:
            return 2 * D[self.depot][i] / N
        L = len(sol.routes)
        L2 = lcm([L, N])
        total = 0.0
        for k in range(L2):
            if k % N != opt.phase:
                continue
            order = [self.depot] + [self.idx[x] for x in sol.routes[k % L].order] + [self.depot]
            total += min(D[a][i] + D[i][b] - D[a][b] for a, b in zip(order, order[1:]))
        return total / L2

    # -- state helpers --------------------------------------------------------------
    def content_of(self, assign: dict[str, Option], vehicle: str, weekday: str) -> frozenset:
        return frozenset((sid, o.phase) for sid, o in assign.items()
                         if o.vehicle == vehicle and o.weekday == weekday)

    def total(self, assign: dict[str, Option]) -> float:
        days = {(o.vehicle, o.weekday) for o in assign.values()}
        return sum(self.day_cost(self.evaluate(v, d, self.content_of(assign, v, d)))
                   for v, d in days)

    def try_place(self, assign: dict[str, Option], s: Site, opts: list[Option],
                  tries: int = 4) -> tuple[Option, float] | None:
        """Best of the `tries` most promising feasible options: (option, delta km)."""
        scored = []
        for o in opts:
            content = self.content_of(assign, o.vehicle, o.weekday)
            base = self.evaluate(o.vehicle, o.weekday, content)
            if base is None and content:
                continue
            scored.append((self.insertion_estimate(s, o, base, content), o, content, base))
        scored.sort(key=lambda x: (x[0], x[1].vehicle, x[1].weekday, x[1].phase))
        best = None
        tested = 0
        for _, o, content, base in scored:
            if tested >= tries and best is not None:
                break
            new = self.evaluate(o.vehicle, o.weekday, content | {(s.id, o.phase)})
            tested += 1
            if new is None:
                continue
            delta = self.day_cost(new) - self.day_cost(base)
            if best is None or delta < best[1] - 1e-9:
                best = (o, delta)
        return best

    # -- the search -----------------------------------------------------------------
    def construct(self, opts: dict[str, list[Option]], noise: bool) -> tuple[dict, dict]:
        """Greedy: hardest stops first, each to its cheapest feasible option. With noise
        (restarts) the order is shuffled within priority and a near-best option may win."""
        stops = list(self.stops.values())
        if noise:
            self.rng.shuffle(stops)
            order = sorted(stops, key=lambda s: (s.fixed_time is None and s.fixed_day is None,
                                                 -(s.priority or 0), not opts[s.id]))
        else:
            order = sorted(stops, key=lambda s: (
                s.fixed_time is None and s.fixed_day is None, -(s.priority or 0),
                len(opts[s.id]), -s.duration_min / (s.every_weeks or 1), s.id))
        assign: dict[str, Option] = {}
        unserved: dict[str, str] = {}
        for s in order:
            cand = opts[s.id]
            if noise and len(cand) > 1 and self.rng.random() < 0.3:
                cand = self.rng.sample(cand, k=max(1, len(cand) // 2))
            placed = self.try_place(assign, s, cand, tries=6) if cand else None
            if placed is None and cand is not opts[s.id] and opts[s.id]:
                placed = self.try_place(assign, s, opts[s.id], tries=6)
            if placed is None:
                unserved[s.id] = ""
            else:
                assign[s.id] = placed[0]
        return assign, unserved

    # -- re-planning against a previous timetable ------------------------------------
    def construct_previous(self, opts: dict[str, list[Option]]) -> tuple[dict, dict]:
        """Keep every stop at its previous (vehicle, weekday, week phase, arrival) where
        possible: lock it (its only option, arrival lo = hi), check each locked weekday
        exactly, and on a day that is infeasible release the fewest locks (one, else a
        pair, else all of that day). Released and new stops are then placed greedily.
        Locked stops keep a single option, so no later search move touches them."""
        assert self.previous is not None
        self.locks, self.released = {}, {}
        for sid, (opt, t, every) in sorted(self.previous.items()):
            s = self.stops.get(sid)
            if s is None:
                continue  # no longer a stop in the data; reported by the plan's replan section
            if (s.every_weeks or 1) != (every or 1):
                self.released[sid] = (f"its frequency changed in the data (every {every} → "
                                      f"{s.every_weeks} weeks)")
                continue
            if opt not in opts[sid]:
                self.released[sid] = (f"its previous day ({opt.vehicle} {opt.weekday}) is no "
                                      "longer possible: days, vehicles, shifts or window changed")
                continue
            if t % self.step:
                self.released[sid] = (f"its previous time {hhmm(t)} is not on the "
                                      f"{self.step}-minute grid (timetable.round_to_min)")
                continue
            self.locks[sid] = (opt, t)
            if self.node(s, opt.vehicle, opt.weekday) is None:
                del self.locks[sid]
                self.released[sid] = (f"its previous time {opt.weekday} {hhmm(t)} no longer "
                                      "fits its window or the shift")
        by_day: dict[tuple[str, str], list[str]] = {}
        for sid, (opt, _t) in self.locks.items():
            by_day.setdefault((opt.vehicle, opt.weekday), []).append(sid)
        for (v, d), sids in sorted(by_day.items()):
            for sid in self._fewest_release(v, d, sorted(sids)):
                t = self.locks.pop(sid)[1]
                self.released[sid] = (f"its previous slot ({v} {d} {hhmm(t)}) no longer fits "
                                      f"together with the other kept stops of that day")
        for sid, (opt, _t) in self.locks.items():
            opts[sid] = [opt]
        for sid in self.released:  # free again: all options, without the lock
            opts[sid] = self.options_for(self.stops[sid])
        assign = {sid: opt for sid, (opt, _t) in self.locks.items()}
        unserved: dict[str, str] = {}
        rest = sorted((s for s in self.stops.values() if s.id not in assign), key=lambda s: (
            s.fixed_time is None and s.fixed_day is None, -(s.priority or 0),
            len(opts[s.id]), -s.duration_min / (s.every_weeks or 1), s.id))
        for s in rest:
            placed = self.try_place(assign, s, opts[s.id], tries=6) if opts[s.id] else None
            if placed is None:
                unserved[s.id] = ""
            else:
                assign[s.id] = placed[0]
        self._rescue(assign, unserved, opts)
        return assign, unserved

    def _rescue(self, assign: dict[str, Option], unserved: dict[str, str],
                opts: dict[str, list[Option]]) -> None:
        """A kept slot that leaves another stop unserved is "clearly worse": for each
        unserved stop, free one (else two) kept stops of a day it could use, if the freed
        stops can then be placed elsewhere (or at another time) and the unserved one fits."""
        from itertools import combinations

        for sid in sorted(unserved):
            s = self.stops[sid]
            for size, o in ((k, o) for k in (1, 2) for o in opts[sid]):
                kept = sorted(x for x, (lo, _t) in self.locks.items()
                              if (lo.vehicle, lo.weekday) == (o.vehicle, o.weekday))
                if any(self._rescue_with(assign, sid, o, list(xs), opts)
                       for xs in combinations(kept, size)):
                    del unserved[sid]
                    break

    def _rescue_with(self, assign, sid: str, o: Option, xs: list[str], opts) -> bool:
        s = self.stops[sid]
        saved = {x: (self.locks.pop(x), assign.pop(x)) for x in xs}
        if self.evaluate(o.vehicle, o.weekday,
                         self.content_of(assign, o.vehicle, o.weekday) | {(sid, o.phase)}):
            assign[sid] = o
            placed = {}
            for x in xs:
                x_opts = self.options_for(self.stops[x])
                px = self.try_place(assign, self.stops[x], x_opts, tries=6)
                if px is None:
                    break
                assign[x] = placed[x] = px[0]
            else:
                for x in xs:
                    lock = saved[x][0]
                    opts[x] = self.options_for(self.stops[x])
                    self.released[x] = (f"its previous slot ({lock[0].vehicle} "
                                        f"{lock[0].weekday} {hhmm(lock[1])}) was needed "
                                        f"to serve {sid} ({s.name})")
                return True
            for x in placed:
                del assign[x]
            del assign[sid]
        for x, (lock, xo) in saved.items():
            self.locks[x], assign[x] = lock, xo
        return False

    def _fewest_release(self, vehicle: str, weekday: str, sids: list[str]) -> list[str]:
        """The fewest locked stops of a day to free so the rest keep their slots: none
        when the day is feasible, else the cheapest single, else the cheapest pair, else
        all of them."""
        def content(keep):
            return frozenset((sid, self.locks[sid][0].phase) for sid in keep)

        if self.evaluate(vehicle, weekday, content(sids)) is not None:
            return []
        for size in (1, 2):
            best = None
            for i, a in enumerate(sids):
                for b in (sids[i + 1:] if size == 2 else [None]):
                    out = [a] if b is None else [a, b]
                    sol = self.evaluate(vehicle, weekday,
                                        content([x for x in sids if x not in out]))
                    if sol is not None and (best is None or sol.mean_km < best[0] - 1e-9):
                        best = (sol.mean_km, out)
            if best is not None:
                return best[1]
        return list(sids)

    def descend(self, assign: dict[str, Option], unserved: dict[str, str], opts) -> float:
        """Local search to a local optimum, re-trying unserved stops as space opens."""
        while True:
            self.local_search(assign, opts)
            placed_any = False
            for sid in sorted(unserved):
                if opts[sid] and self.budget.left and not self.out_of_time():
                    placed = self.try_place(assign, self.stops[sid], opts[sid],
                                            tries=len(opts[sid]))
                    if placed:
                        assign[sid] = placed[0]
                        del unserved[sid]
                        placed_any = True
            if not placed_any or not self.budget.left or self.out_of_time():
                return self.total(assign)

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline

    def run(self) -> TemplateResult:
        """Construction + descent, then iterated local search: perturb the best
        (2–5 stops moved at random) and descend; after a run of failures restart from
        a randomised construction. Stops on the work budget, on MAX_STALE_ROUNDS
        rounds without a new best, or (safety net) on the wall-clock deadline."""
        opts = {s.id: self.options_for(s) for s in self.stops.values()}
        if self.previous is not None:
            cur, unserved = self.construct_previous(opts)
        else:
            cur, unserved = self.construct(opts, noise=False)
        cost = self.descend(cur, unserved, opts)
        best, best_unserved, best_cost = dict(cur), dict(unserved), cost
        elite: list[tuple[int, float, dict, dict]] = []
        self._remember(elite, cur, unserved, cost)
        stale = since_restart = 0
        stopped_by = "converged"
        while True:
            if not self.budget.left:
                stopped_by = "budget"
                break
            if self.out_of_time():
                stopped_by = "time"
                break
            if stale >= MAX_STALE_ROUNDS:
                break
            if since_restart >= RESTART_AFTER and self.previous is None:
                cur, unserved = self.construct(opts, noise=True)
                since_restart = 0
            else:
                cur, unserved = dict(best), dict(best_unserved)
                self.perturb(cur, opts, strength=self.rng.randint(2, 5))
            cost = self.descend(cur, unserved, opts)
            self._remember(elite, cur, unserved, cost)
            if (len(cur), -cost) > (len(best), -best_cost + 1e-6):
                best, best_unserved, best_cost = dict(cur), dict(unserved), cost
                stale = since_restart = 0
            else:
                stale += 1
                since_restart += 1
        results = [self._result(a, u, c, opts, stopped_by) for _, c, a, u in elite]
        results.sort(key=lambda r: (len(r.unserved), r.cost))
        main = results[0]
        main.elite = results
        return main

    @staticmethod
    def _remember(elite: list, assign: dict, unserved: dict, cost: float) -> None:
        """Keep the ELITE_SIZE best distinct local optima (fewest unserved, then km)."""
        if any(a == assign for _, _, a, _ in elite):
            return
        elite.append((len(unserved), cost, dict(assign), dict(unserved)))
        elite.sort(key=lambda e: (e[0], e[1], sorted((k, astuple(v)) for k, v in e[2].items())))
        del elite[ELITE_SIZE:]

    def _result(self, assign, unserved, cost, opts, stopped_by) -> TemplateResult:
        unserved = {sid: self.explain(self.stops[sid], opts[sid], assign) for sid in unserved}
        days = {}
        for v in self.instance.settings.vehicles:
            for d in v.shifts:
                content = self.content_of(assign, v.name, d)
                if content:
                    days[(v.name, d)] = self.evaluate(v.name, d, content)
        return TemplateResult(dict(assign), days, unserved, cost, self.budget.used,
                              stopped_by, released=dict(self.released))

    def local_search(self, assign: dict[str, Option], opts: dict[str, list[Option]]) -> bool:
        """Relocate and swap until no move improves; True if anything improved."""
        any_improved = False
        improved = True
        while improved and self.budget.left and not self.out_of_time():
            improved = False
            ids = sorted(assign)
            self.rng.shuffle(ids)
            for sid in ids:
                if not self.budget.left or self.out_of_time():
                    break
                if self.relocate(assign, sid, opts[sid]):
                    improved = any_improved = True
            for a, b in self.swap_pairs(assign, opts):
                if not self.budget.left or self.out_of_time():
                    break
                if self.swap(assign, a, b, opts):
                    improved = any_improved = True
            if not improved:
                for sid in ids:
                    if not self.budget.left or self.out_of_time():
                        break
                    if self.eject(assign, sid, opts):
                        improved = any_improved = True
                        break
        return any_improved

    def eject(self, assign: dict[str, Option], sid: str, opts) -> bool:
        """Ejection chain of two: move `sid` into a day where it only fits if one stop
        `x` of that day leaves for its best other option. Only pairs whose insertion
        estimate beats the removal gain are solved exactly."""
        s, o = self.stops[sid], assign[sid]
        content = self.content_of(assign, o.vehicle, o.weekday)
        gain = (self.day_cost(self.evaluate(o.vehicle, o.weekday, content))
                - self.day_cost(self.evaluate(o.vehicle, o.weekday, content - {(sid, o.phase)})))
        del assign[sid]
        screened = []
        for alt in opts[sid]:
            if (alt.vehicle, alt.weekday) == (o.vehicle, o.weekday):
                continue
            c = self.content_of(assign, alt.vehicle, alt.weekday)
            base = self.evaluate(alt.vehicle, alt.weekday, c)
            est = self.insertion_estimate(s, alt, base, c)
            if est < gain - 0.05:
                screened.append((est, alt, c, base))
        screened.sort(key=lambda x: (x[0], x[1].vehicle, x[1].weekday, x[1].phase))
        for est, alt, c, base in screened[:3]:
            for x, xp in sorted(c):
                new_day = self.evaluate(alt.vehicle, alt.weekday, c - {(x, xp)} | {(sid, alt.phase)})
                if new_day is None:
                    continue
                xo = assign.pop(x)
                placed = self.try_place(assign, self.stops[x],
                                        [q for q in opts[x] if (q.vehicle, q.weekday) !=
                                         (alt.vehicle, alt.weekday)], tries=3)
                if placed is not None:
                    trial = {**assign, sid: alt, x: placed[0]}
                    if self.total(trial) < self.total({**assign, sid: o, x: xo}) - 0.05:
                        assign.update(trial)
                        return True
                assign[x] = xo
        assign[sid] = o
        return False

    def relocate(self, assign: dict[str, Option], sid: str, opts: list[Option]) -> bool:
        s = self.stops[sid]
        o = assign[sid]
        content = self.content_of(assign, o.vehicle, o.weekday)
        before = self.day_cost(self.evaluate(o.vehicle, o.weekday, content))
        removed = self.evaluate(o.vehicle, o.weekday, content - {(sid, o.phase)})
        gain = before - self.day_cost(removed)
        del assign[sid]
        others = [x for x in opts if x != o]
        placed = self.try_place(assign, s, others, tries=3) if others else None
        if placed and placed[1] < gain - 0.05:
            assign[sid] = placed[0]
            return True
        assign[sid] = o
        return False

    def swap_pairs(self, assign: dict[str, Option], opts) -> list[tuple[str, str]]:
        """Pairs on different days that could trade options, nearest first."""
        D = self.travel.km
        pairs = []
        ids = sorted(assign)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                oa, ob = assign[a], assign[b]
                if (oa.vehicle, oa.weekday) == (ob.vehicle, ob.weekday):
                    continue
                pairs.append((D[self.idx[a]][self.idx[b]], a, b))
        pairs.sort()
        return [(a, b) for _, a, b in pairs[: 3 * len(ids)]]

    def swap(self, assign, a: str, b: str, opts) -> bool:
        oa, ob = assign[a], assign[b]
        na = Option(ob.vehicle, ob.weekday, ob.phase % (self.stops[a].every_weeks or 1))
        nb = Option(oa.vehicle, oa.weekday, oa.phase % (self.stops[b].every_weeks or 1))
        if na not in opts[a] or nb not in opts[b]:
            return False
        days = {(oa.vehicle, oa.weekday), (ob.vehicle, ob.weekday)}
        before = sum(self.day_cost(self.evaluate(v, d, self.content_of(assign, v, d)))
                     for v, d in days)
        assign[a], assign[b] = na, nb
        after = sum(self.day_cost(self.evaluate(v, d, self.content_of(assign, v, d)))
                    for v, d in days)
        if after < before - 0.05:
            return True
        assign[a], assign[b] = oa, ob
        return False

    def perturb(self, cur: dict[str, Option], opts, strength: int) -> None:
        """Move `strength` random stops to random feasible options (seeded)."""
        ids = sorted(cur)
        for sid in self.rng.sample(ids, k=min(strength, len(ids))):
            o = cur.pop(sid)
            alts = [x for x in opts[sid] if x != o]
            self.rng.shuffle(alts)
            for alt in alts[:4]:
                content = self.content_of(cur, alt.vehicle, alt.weekday)
                if self.evaluate(alt.vehicle, alt.weekday, content | {(sid, alt.phase)}):
                    cur[sid] = alt
                    break
            else:
                cur[sid] = o

    # -- explanations ---------------------------------------------------------------
    def explain(self, s: Site, opts: list[Option], assign: dict[str, Option]) -> str:
        """Why a stop got no timetable slot, in words a planner can act on."""
        from ..model import hhmm

        window = (f"{hhmm(s.earliest) if s.earliest is not None else 'shift start'}–"
                  f"{hhmm(s.latest) if s.latest is not None else 'shift end'}")
        if not opts:
            runs = sorted({d for v in self.instance.settings.vehicles
                           if s.allows_vehicle(v.name) for d in v.shifts})
            if not set(s.days) & set(runs):
                return (f"no allowed vehicle runs on its days ({','.join(s.days)}); vehicles run "
                        f"on {','.join(runs) or 'no day'} — widen 'days' or add a shift")
            by = (f" of the vehicles allowed to serve it ({'|'.join(s.vehicles)})"
                  if s.vehicles is not None else "")
            if s.fixed_time is not None or s.fixed_day:
                lock = " ".join(x for x in (s.fixed_day or "",
                                            hhmm(s.fixed_time) if s.fixed_time is not None
                                            else "") if x)
                return (f"it is locked to {lock} (fixed_day/fixed_time), which does not fit its "
                        f"window {window} with {s.duration_min} min on site within a shift{by} — "
                        "change or clear the lock")
            return (f"its window {window} with {s.duration_min} min on site cannot be reached and "
                    f"left in time within any shift{by} on {','.join(s.days)} — widen the window "
                    "or lengthen a shift")
        alone = [o for o in opts if self.evaluate(o.vehicle, o.weekday,
                                                  frozenset({(s.id, o.phase)})) is not None]
        if not alone:
            return (f"even alone, a {s.duration_min} min visit in {window} does not fit a shift "
                    "with the lunch break and the drive from and back to the depot"
                    " (or exceeds max_km_per_day) — widen the window or shorten the visit")
        days = sorted({o.weekday for o in opts}, key=lambda d: ["mon", "tue", "wed", "thu",
                                                                  "fri", "sat", "sun"].index(d))
        return (f"no weekday ({', '.join(days)}) has {s.duration_min} free minutes between "
                f"{window} once the other stops are placed — shorten stops, widen the window, "
                "lower a frequency or add a shift")
