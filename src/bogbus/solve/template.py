"""The public timetable: each stop gets a vehicle, weekday, week phase and time.

The Randers side of the pattern-assignment layer (`patterns.py`): an item is a
public stop, an option is (vehicle, weekday, phase) touching the one day
(vehicle, weekday), the content element a stop adds is (stop id, phase), and the day
oracle is the exact CP-SAT day model (shared times across the weeks of its cycle),
whose cost is km averaged per week. Re-planning against a previous timetable lives
in `replan_search.py`, recombination in `recombine.py`: each names what it uses of the
search as a Protocol there, so neither imports this module.

The budget counts day solves, not seconds, so the same data + seed + time limit
give the same timetable on any machine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ..model import Instance, Site, hhmm
from ..travel import TravelMatrix
from .capacity import Capacity
from .daymodel import (
    DayNode,
    DayProblem,
    DaySolution,
    ScenarioRoute,
    arrival_window,
    overloaded,
    solve_day,
)
from .fastday import ENUMERATED, UNDECIDED, FastDay
from .option import Day, Option
from .patterns import Budget, PatternSearch
from .placement import Placement
from .replan_search import construct_previous
from .tied import Blocker, TiedDays

__all__ = ["Budget", "Option", "TemplateResult", "TemplateSearch", "lcm"]

# One day's cycle: the lcm of its stops' rhythms (every_weeks may be 1–13, so a 13-weekly
# stop alone has a cycle of 13, with a 12-weekly one 156). A longer cycle cannot be
# held by one day, and neither can one of more than MAX_DISTINCT_WEEKS different weeks
# (the day model has one circuit per distinct week: a 5- and a 7-weekly stop make 35
# weeks but three different ones)
MAX_CYCLE_WEEKS = 156
MAX_DISTINCT_WEEKS = 12
ELITE_SIZE = PatternSearch.ELITE_SIZE  # distinct good templates handed to the outreach phase
# From this many stops on, relocates and swaps are screened by estimates (SCREEN_MOVES);
# Randers (22) keeps exact confirmation of every move.
SCREEN_FROM_STOPS = 60
# Two templates whose km per average week differ by less than this are equally good on
# the template measure (costs are sums of 0.1 km legs over ≤ 12 weeks: equal timetables
# differ only by float noise); the quarter's km then decide (phases.py)
SAME_KM = 1e-6
# How an unserved stop's reason opens (plan.json, the summary; plan/check accepts both):
# a proof that no feasible slot exists even alone, or the honest opposite
PROVEN = "proven infeasible"
NOT_PROVEN = "not proven infeasible"

_NOT_ASKED: Any = object()  # evaluate(): a memo miss (None is a proven-infeasible day)


def lcm(values) -> int:
    return math.lcm(*values)


def _intersect(xs: list[tuple[int, int]], ys: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The intersection of two unions of closed intervals."""
    return [(max(a, c), min(b, d)) for a, b in xs for c, d in ys if max(a, c) <= min(b, d)]


@dataclass
class TemplateResult:
    options: dict[str, Option]  # stop id → chosen option
    days: dict[tuple[str, str], DaySolution]  # (vehicle, weekday) → solution
    unserved: dict[str, str]  # stop id → reason
    cost: float  # mean km per week
    solves: int
    stopped_by: str
    elite: list[TemplateResult] = field(default_factory=list)  # best distinct, incl. self
    released: dict[str, str] = field(default_factory=dict)  # re-planning: stop id → why freed


class TemplateSearch(PatternSearch[str, Option, Day]):
    """Stops → (vehicle, weekday, phase); days solved exactly by the CP-SAT day model.
    `previous` (re-planning): stop id → (previous option, arrival, every_weeks)."""

    def __init__(self, instance: Instance, travel: TravelMatrix, seed: int = 0,
                 budget: Budget | None = None, deadline: float | None = None,
                 previous: dict[str, tuple[Option, int, int]] | None = None) -> None:
        super().__init__(seed=seed, budget=budget, deadline=deadline)
        self.instance, self.travel, self.previous = instance, travel, previous
        self.locks: dict[str, tuple[Option, int]] = {}  # kept stops: option and arrival
        self.released: dict[str, str] = {}
        self.idx = self.travel.index()
        self.depot = self.idx[self.instance.settings.depot]
        self.stops = {s.id: s for s in self.instance.stops}
        self.step = self.instance.settings.round_to_min
        self.cache: dict[tuple, DaySolution | None] = {}
        self._forgotten = 0  # memo answers dropped (MEMO_DAYS)
        self._known_bad = 0  # infeasible contents filed (KNOWN_BAD_KEPT)
        # day contents proven infeasible, per (vehicle, weekday, locks): a superset of
        # one is infeasible too (one more stop never makes a day fit), so it needs no solve.
        # Each set is filed under one of its elements: a set inside a content has that
        # element in the content, so a check looks only under the content's elements.
        # The element is the one the day was least often asked with (`_asked`): a stop
        # tried there, not one that stays there, so few sets share it (a scan of every
        # set was a fifth of the search's CPU at 180 stops, and 44 % of its ejection pool)
        self.infeasible: dict[tuple, dict[Hashable, list[frozenset]]] = {}
        self._asked: dict[tuple, dict[Hashable, int]] = {}
        # local search screened by estimates on large instances (docs/planner.md, "Time
        # and work"): exact confirmation of every relocate and swap would spend a whole
        # descent's budget at 360 stops before the first improvement
        self.SCREEN_MOVES = len(self.stops) >= SCREEN_FROM_STOPS
        self._recombined = 0  # memo size at the last recombination
        self._growth = self.RECOMBINE_GROWTH  # memo growth the next one waits for
        self.recombinations = 0  # how many improved the timetable
        self.stopped_by = "converged"  # set by run(); explanations mention a cut search
        self.explaining = False  # explanations' day solves ignore the search deadline
        self._nodes: dict[tuple, DayNode | None] = {}  # node() memo
        self.fast = FastDay()  # exact enumeration for small days (fastday.py)
        self._enum_work = 0.0  # enumeration work not yet charged as whole day solves
        self._alone: dict[str, bool | None] = {}  # alone(): stop id → fits a day alone
        self._alone_on: dict[tuple, bool | None] = {}  # fits_alone_on() memo
        self._together: dict[tuple, bool | None] = {}  # fits_together() memo
        self._together_solves = 0  # CP-SAT solves fits_together() has asked
        self.tied = TiedDays(self)  # stops the data ties to one day (tied.py)
        self.capacity = Capacity(self)  # the most stops any timetable serves (capacity.py)
        # insertion estimates: km *to* each site as a row (the matrix's column) and the
        # arcs of route orders seen (`_arcs`)
        self._km_to = tuple(zip(*self.travel.km))
        self._arc_memo: dict[tuple[str, ...], list[tuple[int, int, float]]] = {}

    # ~2.5 µs per bookkeeping step, ~12 ms of CPU per unit of work (planner.SOLVE_MS)
    OVERHEAD_STEPS_PER_UNIT = 12000

    # -- options and day problems -------------------------------------------------
    def node(self, s: Site, vehicle: str, weekday: str) -> DayNode | None:
        """The stop's node on that day: its arrival window there, or its kept arrival
        when it is locked to this day; None if it cannot be served there. Memoised by
        the lock too (the search asks this hundreds of thousands of times)."""
        key = (s.id, vehicle, weekday, self.locks.get(s.id))
        if key not in self._nodes:
            self._nodes[key] = self._node(s, vehicle, weekday)
        return self._nodes[key]

    def _node(self, s: Site, vehicle: str, weekday: str) -> DayNode | None:
        v = self.instance.settings.vehicle(vehicle)
        shift = v.shifts[weekday]
        i = self.idx[s.id]
        window = arrival_window(s, shift.start, shift.end, self.travel.minutes[self.depot][i],
                                self.travel.minutes[i][self.depot])
        if window is None:
            return None
        lo, hi = window
        lock = self.locks.get(s.id)
        if lock is not None and (lock[0].vehicle, lock[0].weekday) == (vehicle, weekday):
            if not lo <= lock[1] <= hi or lock[1] % self.step:
                return None
            lo = hi = lock[1]
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
                for p in range(s.every_weeks):
                    out.append(Option(v.name, d, p))
        return out

    def day_problem(self, vehicle: str, weekday: str, content: frozenset) -> DayProblem | None:
        v = self.instance.settings.vehicle(vehicle)
        shift = v.shifts[weekday]
        L = lcm(self.stops[sid].every_weeks for sid, _ in content)
        if L > MAX_CYCLE_WEEKS:
            return None
        nodes = []
        for sid, _ in sorted(content):
            n = self.node(self.stops[sid], vehicle, weekday)
            if n is None:
                return None
            nodes.append(n)
        scen = tuple(
            frozenset(sid for sid, p in content if k % self.stops[sid].every_weeks == p)
            for k in range(L)
        )
        if len(set(scen) - {frozenset()}) > MAX_DISTINCT_WEEKS:
            return None
        return DayProblem(shift.start, shift.end, self.depot, tuple(nodes), scen,
                          self.travel.km, self.travel.minutes, v.break_rule, v.max_km_per_day)

    # -- the pattern-search hooks ---------------------------------------------------
    def items(self) -> list[str]:
        return list(self.stops)

    def item_options(self, item: str) -> list[Option]:
        return self.options_for(self.stops[item])

    def days_of(self, opt: Option) -> tuple[Day, ...]:
        return ((opt.vehicle, opt.weekday),)

    def element(self, item: str, opt: Option) -> tuple[str, int]:
        return (item, opt.phase)

    def item_of(self, element: Hashable) -> str:
        assert isinstance(element, tuple)  # what `element` made: (stop id, phase)
        return element[0]

    def option_key(self, opt: Option) -> tuple:
        # the fields by hand: dataclasses.astuple deep-copies them, and the search sorts
        # by this key ~100,000 times a run (a twentieth of its CPU at 36 stops)
        return (opt.vehicle, opt.weekday, opt.phase)

    def content_of(self, assign: dict[str, Option], day: Day) -> frozenset:
        """PatternSearch.content_of for one-day options: the same set and charge, the
        day compared directly (the generic days_of tuple per item was the search's
        single most frequent call)."""
        self.charge(len(assign))
        if isinstance(assign, Placement):
            return assign.day(day)
        vehicle, weekday = day
        return frozenset((i, o.phase) for i, o in assign.items()
                         if o.weekday == weekday and o.vehicle == vehicle)

    def evaluate(self, day: Day, content: frozenset, near: Any = None) -> DaySolution | None:
        """Exact day model, memoised by content and the locks that apply to the day."""
        vehicle, weekday = day
        key = self._key(day, content)
        sol = self.cache.get(key, _NOT_ASKED)
        if sol is not _NOT_ASKED:
            return sol
        known_bad = self.infeasible.setdefault((vehicle, weekday, key[3]), {})
        asked = self._asked.setdefault((vehicle, weekday, key[3]), {})
        for e in content:
            asked[e] = asked.get(e, 0) + 1
        if any(bad <= content for e in content for bad in known_bad.get(e, ())):
            self._memo(key, None)
            return None
        if not content:
            sol = DaySolution({}, [], "optimal")
        else:
            prob = self.day_problem(vehicle, weekday, content)
            sol = None
            if prob is not None:
                # a quick proof of infeasibility: the visits inside some interval of
                # one week outlast it (a week's visits outlasting the shift among them),
                # charged as bookkeeping
                self.charge(len(prob.nodes) ** 2)
                if not overloaded(prob):
                    got = self._enumerated(prob)
                    if got is UNDECIDED:
                        got = self._solved(prob)
                        if got is UNDECIDED:
                            return None  # cut by the clock, not proven infeasible: not memoised
                    assert got is None or isinstance(got, DaySolution)
                    sol = got
        self._memo(key, sol)
        if sol is None and content:
            if self._known_bad >= self.KNOWN_BAD_KEPT:
                for filed in self.infeasible.values():
                    filed.clear()
                self._known_bad = 0
            rarest = min(content, key=lambda e: (asked[e], e))
            known_bad.setdefault(rarest, []).append(content)
            self._known_bad += 1
        return sol

    # The memo's bounds, counts so that runs stay reproducible. A day answer with its
    # solution takes ~1 KB: the 180-stop, 8-bus shape asked 132,000 day contents in
    # 48 s of its search going on for unserved stops (search alone, 321 MB resident),
    # where budget-ended searches ask far fewer: 180 stops at 9,000 units 32,000, 90
    # stops / 4 buses at 11,000 units 47,000 (15,500 of them infeasible), so neither
    # meets a bound. Past MEMO_DAYS answers the oldest half is forgotten (asked again,
    # solved again); past KNOWN_BAD_KEPT infeasible contents the superset index starts
    # anew.
    MEMO_DAYS = 80_000
    KNOWN_BAD_KEPT = 40_000

    def _memo(self, key: tuple, sol: DaySolution | None) -> None:
        self.cache[key] = sol
        if len(self.cache) > self.MEMO_DAYS:
            drop = len(self.cache) - self.MEMO_DAYS // 2
            for old in list(islice(self.cache, drop)):
                del self.cache[old]
            self._forgotten += drop

    def memo_size(self) -> int:
        """Day answers memoised so far, the forgotten ones included (recombination
        waits for the memo to grow)."""
        return len(self.cache) + self._forgotten

    def _solved(self, prob: DayProblem) -> DaySolution | None | object:
        """The exact CP-SAT day model; UNDECIDED when the search's deadline cut it."""
        self.budget.used += 1
        # while searching, one solve may not run past the deadline (a big day can take
        # seconds on a loaded machine); explanations afterwards get the full
        # deterministic limit, so their reasons stay true
        wall = (None if self.deadline is None or self.explaining
                else self.deadline - time.perf_counter())
        t = time.perf_counter()
        sol = solve_day(prob, seed=self.seed, det_limit=2.0, max_wall=wall)
        if sol is None and wall is not None and time.perf_counter() - t >= wall:
            return UNDECIDED
        return sol

    def _key(self, day: Day, content: frozenset) -> tuple:
        """The memo key: the day, its content and the locks that apply to it."""
        vehicle, weekday = day
        if not self.locks:
            return (vehicle, weekday, content, ())
        locked = tuple(sorted(sid for sid, _ in content if sid in self.locks
                              and (self.locks[sid][0].vehicle, self.locks[sid][0].weekday)
                              == (vehicle, weekday)))
        return (vehicle, weekday, content, locked)

    def timed(self, day: Day, content: frozenset) -> DaySolution | None:
        """The day's solution as the timetable prints it: an enumerated answer carries
        the earliest timing, so it is re-timed once by the exact CP-SAT model (least
        working span at the same km) with the enumerated routes as the hint; the
        memo keeps the result."""
        sol = self.evaluate(day, content)
        if sol is None or sol.status != ENUMERATED:
            return sol
        prob = self.day_problem(day[0], day[1], content)
        assert prob is not None
        polished = solve_day(prob, seed=self.seed, det_limit=1.0, hint=sol.times)
        km = round(sum(r.km for r in sol.routes), 1)
        if polished is None or round(sum(r.km for r in polished.routes), 1) > km:
            polished = DaySolution(sol.times, sol.routes, "optimal")
        self.cache[self._key(day, content)] = polished
        return polished

    def _enumerated(self, prob: DayProblem) -> DaySolution | None | object:
        """The day answered by enumeration (fastday.py) when it is small enough,
        charged to the work budget by the steps it took (ENUM_STEPS_PER_SOLVE steps,
        or ENUM_CALLS_PER_SOLVE answers, cost about one CP-SAT day solve of CPU);
        UNDECIDED sends the day to CP-SAT."""
        before = self.fast.work
        sol = self.fast.solve(prob)
        self._enum_work += (1 / self.ENUM_CALLS_PER_SOLVE
                            + (self.fast.work - before) / self.ENUM_STEPS_PER_SOLVE)
        whole = int(self._enum_work)
        self.budget.used += whole
        self._enum_work -= whole
        return sol

    def day_cost(self, sol: DaySolution | None) -> float:
        return math.inf if sol is None else sol.mean_km

    def insertion_estimate(self, item: str, opt: Option, day: Day, sol: DaySolution | None,
                           content: frozenset) -> float:
        """Mean extra km per week of adding the stop to the day, inserting into current
        routes."""
        s = self.stops[item]
        i = self.idx[s.id]
        D = self.travel.km
        N = s.every_weeks
        if not content or sol is None or not sol.routes:
            return 2 * D[self.depot][i] / N
        routes = sol.routes
        L = len(routes)
        L2 = math.lcm(L, N)
        to_i, from_i = self._km_to[i], D[i]
        total = 0.0
        # the weeks k < L2 with k % N == phase (none if the phase is not below N)
        for k in range(opt.phase, L2 if opt.phase < N else 0, N):
            total += min(to_i[a] + from_i[b] - ab for a, b, ab in self._arcs(routes[k % L].order))
        return total / L2

    # route orders whose arcs are kept (a memo, cleared when full: it only saves time)
    ARCS_KEPT = 50_000

    def _arcs(self, order: tuple[str, ...]) -> list[tuple[int, int, float]]:
        """The arcs (from, to, km) of a route from the depot through `order` and back."""
        arcs = self._arc_memo.get(order)
        if arcs is None:
            if len(self._arc_memo) >= self.ARCS_KEPT:
                self._arc_memo.clear()
            D = self.travel.km
            ids = [self.depot, *(self.idx[x] for x in order), self.depot]
            arcs = self._arc_memo[order] = [(a, b, D[a][b]) for a, b in zip(ids, ids[1:])]
        return arcs

    def removal_estimate(self, item: str, opt: Option, day: Day, sol: DaySolution,
                         content: frozenset) -> float:
        """Mean km per week saved by cutting the stop out of the day's current routes."""
        D = self.travel.km
        if sol is None or not sol.routes:
            return 0.0
        i = self.idx[item]
        saved = 0.0
        for r in sol.routes:
            if item in r.order:
                k = r.order.index(item)
                a = self.depot if k == 0 else self.idx[r.order[k - 1]]
                b = self.depot if k == len(r.order) - 1 else self.idx[r.order[k + 1]]
                saved += D[a][i] + D[i][b] - D[a][b]
        return saved / len(sol.routes)

    def fits(self, item: str, opt: Option, day: Day, sol: DaySolution | None,
             content: frozenset) -> bool:
        """Whether the stop can join the day's current routes at one arrival time
        shared by its weeks, every other stop, the depot trips' ends within the shift and
        the lunch break (on its arc, which may slide) left as they are. Sufficient, not
        necessary: a re-timed day may still take the stop, which the exact model decides."""
        s = self.stops[item]
        n = self.node(s, opt.vehicle, opt.weekday)
        if n is None or (content and (sol is None or not sol.routes)):
            return False
        routes = sol.routes if content and sol is not None else [ScenarioRoute((), 0, 0, None,
                                                                               0.0, 0)]
        times = sol.times if content and sol is not None else {}
        L = len(routes)
        L2 = lcm([L, s.every_weeks])
        if L2 > MAX_CYCLE_WEEKS:
            return False
        window = [(n.lo, n.hi)]
        for k in range(opt.phase, L2, s.every_weeks):
            window = _intersect(window, self._slots(n, opt, routes[k % L], times))
            if not window:
                return False
        return any(math.ceil(lo / n.step) * n.step <= hi for lo, hi in window)

    def _slots(self, n: DayNode, opt: Option, r: ScenarioRoute,
               times: dict[str, int]) -> list[tuple[int, int]]:
        """Arrival intervals at which node `n` fits into route `r` (one week of the day)
        between two consecutive visits without moving them, the depot trips inside the
        shift, the lunch break on its own arc (it may slide there) and max_km kept."""
        v = self.instance.settings.vehicle(opt.vehicle)
        shift = v.shifts[opt.weekday]
        br = v.break_rule
        T, D, i = self.travel.minutes, self.travel.km, n.index
        seq = ["@", *r.order, "@"]
        out = []
        for a, b in zip(seq, seq[1:]):
            ia = self.depot if a == "@" else self.idx[a]
            ib = self.depot if b == "@" else self.idx[b]
            if v.max_km_per_day is not None and (
                    r.km + D[ia][i] + D[i][ib] - D[ia][ib] > v.max_km_per_day):
                continue
            dep = shift.start if a == "@" else times[a] + self.stops[a].duration_min
            arr = shift.end if b == "@" else times[b]
            lo, hi = dep + T[ia][i], arr - n.duration - T[i][ib]
            holds_break = br is not None and (
                (not r.order) or (r.break_start is not None
                                  and dep <= r.break_start and r.break_start + br.minutes <= arr))
            if not holds_break:
                if lo <= hi:
                    out.append((lo, hi))
                continue
            assert br is not None
            first, last = br.earliest, br.latest - br.minutes  # the break's start
            # the break before the stop: it starts once the bus has left `a`
            if max(dep, first) <= last:
                b_lo = max(dep, first) + br.minutes + T[ia][i]
                if b_lo <= hi:
                    out.append((b_lo, hi))
            # the break after the stop: it ends in time to drive on to `b`
            latest_b = min(last, arr - br.minutes - T[i][ib])
            if first <= latest_b and lo <= latest_b - n.duration:
                out.append((lo, latest_b - n.duration))
        return out

    def construction_order(self, opts: dict[str, list[Option]], noise: bool) -> list[str]:
        """Locked first, then priority, fewest (vehicle, weekday) days, farthest from
        the depot, most minutes per week. Far stops go early because the drive out and
        back leaves them few places in a shift: placed last, they found every day
        already full (at 180 stops far-first placed 150 stops where fewest-options-
        first placed 112). With noise the order is shuffled within priority."""
        stops = list(self.stops.values())
        if noise:
            self.rng.shuffle(stops)
            order = sorted(stops, key=lambda s: (s.fixed_time is None and s.fixed_day is None,
                                                 -(s.priority or 0), not opts[s.id]))
        else:
            T = self.travel.minutes
            order = sorted(stops, key=lambda s: (
                s.fixed_time is None and s.fixed_day is None, -(s.priority or 0),
                len({o.vehicle + o.weekday for o in opts[s.id]}),
                -(T[self.depot][self.idx[s.id]] + T[self.idx[s.id]][self.depot]),
                -s.duration_min / s.every_weeks, s.id))
        return [s.id for s in order]

    def outranks(self, a: str, b: str) -> bool:
        """A stop kept from a previous plan outranks one that is not (a kept slot is never
        given up for another stop: replan_search.py), then a stop the data locks
        (fixed_day / fixed_time), then a higher priority (docs/data.md: placed first)."""
        return self._rank(a) > self._rank(b)

    def _rank(self, sid: str) -> tuple[bool, bool, int]:
        s = self.stops[sid]
        return (sid in self.locks, s.fixed_day is not None or s.fixed_time is not None,
                s.priority or 0)

    def adapt(self, item: str, opt: Option) -> Option:
        """A swap partner's slot, with the phase folded onto this stop's rhythm."""
        return Option(opt.vehicle, opt.weekday, opt.phase % self.stops[item].every_weeks)

    def swap_pairs(self, assign: dict[str, Option], opts) -> list[tuple[str, str]]:
        """PatternSearch's pairs on different days, then the pairs of rhythm stops on
        one day whose week phases a swap changes, nearest first. A day of a 4-week
        cycle is four week-routes: trading two stops' weeks can balance them where
        moving either stop alone to the other's week overfills that week (no relocate
        reaches it), and it costs a single day evaluation."""
        pairs = super().swap_pairs(assign, opts)
        same = []
        ids = sorted(sid for sid in assign if self.stops[sid].every_weeks > 1)
        for i, a in enumerate(ids):
            oa = assign[a]
            for b in ids[i + 1:]:
                ob = assign[b]
                if (ob.vehicle, ob.weekday) != (oa.vehicle, oa.weekday):
                    continue
                if self.adapt(a, ob) == oa or self.adapt(b, oa) == ob:
                    continue  # one of them keeps its week: a relocate, tried already
                same.append((self.item_distance(a, b), a, b))
        self.charge(len(ids) ** 2 // 2)
        same.sort()
        return pairs + [(a, b) for _, a, b in same]

    def item_distance(self, a: str, b: str) -> float:
        return self.travel.km[self.idx[a]][self.idx[b]]

    def initial(self, opts: dict[str, list[Option]]) -> tuple[dict, dict]:
        if self.previous is not None:
            return self.construct_previous(opts)
        return self.construct(opts, noise=False)

    # Set-partitioning recombination (recombine.py) when local search is stuck and the
    # memo of solved days has grown by RECOMBINE_GROWTH since the last one; it costs
    # RECOMBINE_WORK day solves of the work budget plus its CP-SAT time (recombine.py).
    # With enumerated days the memo grows ~10x faster than with CP-SAT alone; at 150
    # the recombinations ate most of the budget (Randers seed 0, work 1900: 224.9
    # km/week against 204.4 with 1500; seeds 1-3 reach 204.4 either way).
    # A recombination that finds nothing doubles the growth the next one waits for (one
    # that improves resets it): each costs ~100 units of CP-SAT time, and on 36 stops /
    # 2 buses six of eight found nothing and took 600 of the 1500 units (seed 0 at 1500
    # units: 427.77 → 416.72 km/week with the back-off; Randers and 18-1 unchanged).
    RECOMBINE_GROWTH = 1500
    RECOMBINE_WORK = 15
    # Enumeration's charge to the work budget (measured on Randers, idle: a CP-SAT day
    # solve ~12 ms of CPU; an enumerated answer ~0.3 ms plus ~5 µs per step)
    ENUM_CALLS_PER_SOLVE = 40
    ENUM_STEPS_PER_SOLVE = 2500

    def block_moves(self, assign: dict[str, Option], opts) -> bool:
        """Recombine memoised days into a cheaper timetable (recombine.py)."""
        from .recombine import recombine

        if self.previous is not None or self.memo_size() < self._recombined + self._growth:
            return False
        self._recombined = self.memo_size()
        self.budget.used += self.RECOMBINE_WORK
        better = recombine(self, assign)
        if better is None:
            self._growth *= 2
            return False
        self._growth = self.RECOMBINE_GROWTH
        assign.clear()
        assign.update({sid: Option(*slot) for sid, slot in better.items()})
        self.recombinations += 1
        return True

    def restarts_allowed(self) -> bool:
        return self.previous is None  # a fresh construction would ignore the kept slots

    # -- re-planning (replan_search.py) -----------------------------------------------
    def construct_previous(self, opts: dict[str, list[Option]]) -> tuple[dict, dict]:
        """Keep the previous timetable where feasible (see replan_search.py)."""
        return construct_previous(self, opts)

    # -- the run --------------------------------------------------------------------
    def run(self) -> TemplateResult:
        """The pattern search (patterns.py), its elite pool as template results."""
        out = self.search()
        self.stopped_by = out.stopped_by
        self.explaining = True
        results = [self._result(e.assign, e.unserved, e.cost, out.opts, out.stopped_by)
                   for e in out.elite]
        results.sort(key=lambda r: (len(r.unserved), r.cost))
        main = results[0]
        main.elite = results
        return main

    def adopt(self, days, current: TemplateResult) -> TemplateResult | None:
        """The lower bound's optimal timetable (`TemplateBound.witness`: (vehicle,
        weekday, ((stop, phase), …)) per day) as this search's result when it serves
        the same stops, every day is feasible in the exact day model and it is not
        dearer than `current` per average week; it then joins the elite, first among
        those of its cost. Not "cheaper by MIN_GAIN": an optimum the search also found
        may have its week phases a better way round for the quarter, and the plan
        compares them on its one measure (docs/planner.md). None otherwise."""
        assign: dict[str, Option] = {}
        for vehicle, weekday, content in days:
            for sid, phase in content:
                if sid not in self.stops or sid in assign:
                    return None
                assign[sid] = Option(vehicle, weekday, phase)
        if set(assign) != set(current.options):
            return None
        opts = {sid: self.options_for(self.stops[sid]) for sid in self.stops}
        if any(o not in opts[sid] for sid, o in assign.items()):
            return None
        self.explaining = True  # exact answers, whatever the search's deadline
        cost = 0.0
        for day in sorted({(o.vehicle, o.weekday) for o in assign.values()}):
            sol = self.evaluate(day, self.content_of(assign, day))
            if sol is None:
                return None
            cost += sol.mean_km
        if cost > current.cost + SAME_KM:
            return None
        best = self._result(assign, {}, cost, opts, current.stopped_by)
        others = [e for e in current.elite if e.options != assign]
        # stable: the witness first among equal costs, the rest keep their order
        best.elite = sorted([best] + others, key=lambda r: (len(r.unserved), r.cost - (
            SAME_KM if r is best else 0.0)))[:ELITE_SIZE]
        return best

    def _result(self, assign, unserved, cost, opts, stopped_by) -> TemplateResult:
        unserved = {sid: self.explain(self.stops[sid], opts[sid], assign) for sid in unserved}
        days = {}
        for v in self.instance.settings.vehicles:
            for d in v.shifts:
                content = self.content_of(assign, (v.name, d))
                # an accepted assignment's days are all feasible: each has a solution
                if content and (sol := self.timed((v.name, d), content)) is not None:
                    days[(v.name, d)] = sol
        return TemplateResult(dict(assign), days, unserved, cost, self.budget.used,
                              stopped_by, released=dict(self.released))

    # -- explanations ---------------------------------------------------------------
    def explain(self, s: Site, opts: list[Option], assign: dict[str, Option]) -> str:
        """Why a stop got no timetable slot, in words a planner can act on."""
        window = (f"{hhmm(s.earliest) if s.earliest is not None else 'shift start'}–"
                  f"{hhmm(s.latest) if s.latest is not None else 'shift end'}")
        if s.id in self.cut:
            what = ("the time limit" if self.stopped_by == "clock" else "the work budget")
            return (f"{NOT_PROVEN}: {what} ended the search before this stop was placed "
                    "(the timetable is partial, not infeasible) — raise --time-limit"
                    + ("" if self.stopped_by == "clock" else " or --work"))
        if not opts:
            return self._no_option(s, window)
        alone = self.alone(s, opts)
        if alone is False:
            return (f"{PROVEN}: even alone, a {s.duration_min} min visit in {window} does not "
                    "fit a shift with the lunch break and the drive from and back to the depot"
                    " (or exceeds max_km_per_day) on any of its vehicle-weekdays — widen the "
                    "window or shorten the visit")
        if alone is None:
            return (f"{NOT_PROVEN}: the exact day model could not decide within its limit "
                    "whether it fits even alone — raise --time-limit")
        blocked = self.tied.blockers(s, assign)
        if blocked is not None:
            return self._blocked_reason(s, blocked)
        most = self.capacity.known()
        if most is not None and len(assign) >= most.most:
            return (f"{PROVEN} beside the {len(assign)} stops served: no timetable serves "
                    f"more than {most.most} of the {most.stops} stops — every set of stops one "
                    f"week's route of each vehicle-weekday can hold was listed ({most.sets} "
                    "sets) and no choice of them holds more — so it can only be served "
                    "instead of another: add a shift or a vehicle, lower a frequency, widen "
                    "windows or shorten visits")
        days = sorted({o.weekday for o in opts}, key=lambda d: ["mon", "tue", "wed", "thu",
                                                                  "fri", "sat", "sun"].index(d))
        partly = ""
        if self.went_on and self.stopped_by == "clock":
            # the time after the budget was the unserved stops': the retries tried its
            # options with each stop of their day moved aside (insert_by_ejection)
            partly = (" (the search went on to the time limit for the unserved stops, "
                      "moving others aside to make room, and did not place this one — a "
                      "longer run may place it)")
        elif self.stopped_by in ("clock", "work") and len(opts) > self.RETRY_TRIES:
            partly = (f" (the {'time limit' if self.stopped_by == 'clock' else 'work budget'} "
                      f"ended the search before all {len(opts)} options were tried — a longer "
                      "run may place it" + ("" if self.stopped_by == "clock" else
                                            "; without --work the search goes on to the "
                                            "clock while a stop is unserved") + ")")
        if most is not None:  # proven room for more: say how much
            partly += (f" (at most {most.most} of the {most.stops} stops fit any timetable — "
                       f"proven — and this one serves {len(assign)})")
        return (f"{NOT_PROVEN}: no weekday ({', '.join(days)}) has {s.duration_min} free "
                f"minutes between {window} once the other stops are placed{partly} — shorten "
                "stops, widen the window, lower a frequency or add a shift")

    def _blocked_reason(self, s: Site, blocked: dict[Day, Blocker]) -> str:
        """The proof that the stop has no place while the stops tied to its days are
        served (tied.py), with the days and those stops named."""
        others = sorted({t for b in blocked.values() for t in b.stops})
        one = len(others) == 1
        parts = []
        for (v, d), b in blocked.items():
            names = ", ".join(b.stops)
            if b.rhythm:
                same = ", ".join(x for x in b.stops if x not in b.beside)
                beside = f" beside {', '.join(b.beside)} (weekly)" if b.beside else ""
                parts.append(f"{v} {d}: {same} and this stop all come every {b.rhythm} "
                             f"weeks and no two of them fit one week's route{beside}, so "
                             f"with {b.rhythm} week phases two of them meet")
            else:
                parts.append(f"{v} {d}: no route of a week holds {names} and this stop")
        return (f"{PROVEN} while {', '.join(others)} {'is' if one else 'are'} served: the "
                f"data (vehicles, days, windows) ties {'it' if one else 'them'} to the "
                f"{'day' if len(blocked) == 1 else 'days'} this stop could use, and the "
                f"exact day model says "
                f"{'; '.join(parts)} — it can only be served instead of "
                f"{others[0] if one else 'one of them'}: allow another vehicle or weekday, "
                "widen a window or shorten a visit")

    def _no_option(self, s: Site, window: str) -> str:
        """Why a stop has no (vehicle, weekday) whose shift its window can reach: a
        proof from the data (windows, shifts, days, vehicles), unless a kept slot of
        re-planning is what narrowed its options."""
        proof = f"{NOT_PROVEN}: " if s.id in self.locks else f"{PROVEN}: "
        runs = sorted({d for v in self.instance.settings.vehicles
                       if s.allows_vehicle(v.name) for d in v.shifts})
        if not set(s.days) & set(runs):
            return proof + (f"no allowed vehicle runs on its days ({','.join(s.days)}); "
                            f"vehicles run on {','.join(runs) or 'no day'} — widen 'days' or "
                            "add a shift")
        by = (f" of the vehicles allowed to serve it ({'|'.join(s.vehicles)})"
              if s.vehicles is not None else "")
        if s.fixed_time is not None or s.fixed_day:
            lock = " ".join(x for x in (s.fixed_day or "",
                                        hhmm(s.fixed_time) if s.fixed_time is not None
                                        else "") if x)
            return proof + (f"it is locked to {lock} (fixed_day/fixed_time), which does not fit "
                            f"its window {window} with {s.duration_min} min on site within a "
                            f"shift{by} — change or clear the lock")
        return proof + (f"its window {window} with {s.duration_min} min on site cannot be "
                        f"reached and left in time within any shift{by} on {','.join(s.days)} "
                        "— widen the window or lengthen a shift")

    def alone(self, s: Site, opts: list[Option]) -> bool | None:
        """Whether the stop fits at least one of its (vehicle, weekday) days alone, every
        other stop left out: True (it fits somewhere), False (proven: the exact day model
        finds no feasible route on any of them), None (a solve was cut before it
        decided). One question per distinct day problem — the phase, twin days and the
        other stops change nothing alone. Memoised: the search asks it too (`unplaceable`)."""
        if s.id in self._alone:
            return self._alone[s.id]
        answer: bool | None = False
        tried: set = set()
        for o in opts:
            v = self.instance.settings.vehicle(o.vehicle)
            sig = (v.shifts[o.weekday], v.break_rule, v.max_km_per_day,
                   (o.vehicle, o.weekday) if s.id in self.locks else None)
            if sig in tried:
                continue
            tried.add(sig)
            fits = self.fits_alone_on(s, (o.vehicle, o.weekday))
            if fits:
                answer = True
                break
            if fits is None:
                answer = None
        self._alone[s.id] = answer
        return answer

    def fits_alone_on(self, s: Site, day: Day) -> bool | None:
        """One stop alone on one day: enumeration (fastday.py) decides a one-stop day
        exactly; if it cannot, CP-SAT's status (INFEASIBLE is a proof, a cut solve is
        not). Not charged to the work budget: asked once per stop, after a search or for
        the few unserved ones."""
        v = self.instance.settings.vehicle(day[0])
        # the answer depends on the vehicle only through its day: memoised by that
        key = (s.id, v.shifts[day[1]], v.break_rule, v.max_km_per_day,
               day if s.id in self.locks else None)
        if key not in self._alone_on:
            prob = self.day_problem(day[0], day[1], frozenset({(s.id, 0)}))
            self._alone_on[key] = (False if prob is None
                                   or s.duration_min > prob.shift_end - prob.shift_start
                                   else self._decide(prob))
        return self._alone_on[key]

    def fits_together(self, day: Day, ids: frozenset[str]) -> bool | None:
        """Whether one week's route of the day can visit all these stops (tied.py): a
        single scenario, so no arrival time is shared with other weeks — False is a
        proof that no timetable has them on that day in the same week. Not charged to
        the work budget: asked only for unserved stops and the stops tied to their days,
        memoised. A day too big for the enumeration goes to CP-SAT only when the
        explanations are written (`explaining`); during the search it stays undecided,
        so the search's time is never spent on a proof."""
        key = (day, ids)
        if key in self._together:  # decided, or undecided by CP-SAT: final
            return self._together[key]
        cpsat = self.explaining and self._together_solves < self.TOGETHER_SOLVES
        if not cpsat and (day, ids, None) in self._together:  # enumeration gave up
            return None
        v = self.instance.settings.vehicle(day[0])
        nodes = []
        for sid in sorted(ids):
            n = self.node(self.stops[sid], day[0], day[1])
            if n is None:
                self._together[key] = False
                return False
            nodes.append(n)
        shift = v.shifts[day[1]]
        prob = DayProblem(shift.start, shift.end, self.depot, tuple(nodes), (frozenset(ids),),
                          self.travel.km, self.travel.minutes, v.break_rule, v.max_km_per_day)
        found = self.fast.solve(prob)
        got: bool | None = None
        if found is not UNDECIDED:
            got = found is not None
        elif cpsat:
            self._together_solves += 1
            got = self._cpsat(prob, self.TOGETHER_DET, 2.5 * self.TOGETHER_DET)
        self._together[key if got is not None or cpsat else (day, ids, None)] = got
        return got

    # CP-SAT for the tied stops' questions (fits_together), only while explaining and
    # only where enumeration gives up (more than ~7 stops in a week): at most this many
    # solves of this many deterministic seconds each. A week of 12 short stops takes
    # ~0.2 s, one of 14 ran into 2 det-s undecided — so a few such questions per
    # unserved stop could have added seconds past the time limit.
    TOGETHER_SOLVES = 20
    TOGETHER_DET = 0.2

    def _decide(self, prob: DayProblem) -> bool | None:
        """Feasible (True), proven infeasible (False) or undecided (None, a cut solve):
        the enumeration, else CP-SAT."""
        got = self.fast.solve(prob)
        if got is not UNDECIDED:
            return got is not None
        return self._cpsat(prob, 2.0, 5.0)

    def _cpsat(self, prob: DayProblem, det: float, wall: float) -> bool | None:
        """CP-SAT's answer to a day problem: INFEASIBLE is a proof, a cut solve is None."""
        from ortools.sat.python import cp_model

        from .cpsat import deterministic_solver
        from .daymodel import build_day_model

        dm = build_day_model(prob)
        if dm is None:
            return False
        status = deterministic_solver(self.seed, det, wall).Solve(dm.model)
        if status == cp_model.INFEASIBLE:
            return False
        return True if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    def unplaceable(self, item: str) -> bool:
        return self.alone(self.stops[item], self.options_for(self.stops[item])) is False

    def blocked(self, item: str, assign: dict[str, Option]) -> bool:
        return self.tied.blockers(self.stops[item], assign) is not None

    def settled(self, assign: dict[str, Option]) -> bool:
        most = self.capacity.most()
        return most is not None and len(assign) >= most.most
