"""The pattern-assignment layer: each item picks one option; an option touches days.

This is the generic search behind the public timetable (`template.py`: an option is
(vehicle, weekday, week phase), touching one day) and the periodic-VRP benchmark
(`bench/pvrp.py`: an option is a visit pattern, touching several days). A day's cost
comes only from the subclass's exact or heuristic *day oracle* on the day's content
(the set of elements the items placed there contribute), so the search never needs
to know what a day is.

Greedy construction in order of difficulty, then relocate / swap / ejection moves
screened by cheap insertion estimates and confirmed by day evaluations, then seeded
perturbation (iterated local search) with restarts and an elite pool while the work
budget lasts. The budget counts day evaluations, not seconds, so the same data +
seed + budget give the same result on any machine.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from itertools import chain, combinations
from typing import Any, Generic, Protocol, TypeVar

from .placement import Placement


class Key(Protocol):
    """What items and days are: hashable, and ordered — the search sorts them so the
    same data gives the same plan (str ids, tuples of them)."""

    def __hash__(self) -> int: ...

    def __lt__(self, other: Any, /) -> bool: ...


Item = TypeVar("Item", bound=Key)
Opt = TypeVar("Opt", bound=Hashable)
Day = TypeVar("Day", bound=Key)


@dataclass
class Budget:
    """Deterministic work budget in day evaluations."""

    limit: int
    used: int = 0

    @property
    def left(self) -> bool:
        return self.used < self.limit


@dataclass
class Elite(Generic[Item, Opt]):
    """One distinct local optimum kept by the search."""

    unserved_count: int
    cost: float
    assign: dict
    unserved: dict


@dataclass
class SearchOutcome(Generic[Item, Opt]):
    elite: list[Elite]  # best first: fewest unserved, then cost
    opts: dict  # item → its options (re-planning may have narrowed or widened them)
    stopped_by: str  # "converged" | "work" (the budget) | "clock" (the deadline)
    cut: frozenset = frozenset()  # items construction never reached: the search was stopped


class PatternSearch(Generic[Item, Opt, Day]):
    """Subclasses provide the problem: items and their options, the days an option
    touches, the content element an item adds to a day, the day oracle and estimates.
    All randomness comes from `self.rng` (seeded), so runs are reproducible."""

    # Search parameters (class level so a subclass can tune them for its cost scale).
    ELITE_SIZE = 5  # distinct good solutions kept
    MAX_STALE_ROUNDS = 150  # rounds without a new best before the search stops
    RESTART_AFTER = 15  # failed perturbations before a randomised fresh construction
    MIN_GAIN = 0.05  # a move must improve the cost by at least this much
    PERTURB = (2, 5)  # items moved at random per perturbation (min, max)
    CONSTRUCT_TRIES = 6  # options confirmed exactly per item in construction
    MOVE_TRIES = 3  # options confirmed exactly per relocate / ejection
    EJECT_SCREEN = 3  # screened target options tried per ejection
    # Move screening for oracles that are expensive per call (the router): a move is
    # only evaluated when its estimate from the current day solutions (insertion into
    # and removal from the routes, no oracle call) improves by more than -SCREEN_SLACK.
    # Off for the timetable, whose exact day model is cheap on its small days.
    SCREEN_MOVES = False
    SCREEN_SLACK = 0.0
    EJECT_CANDIDATES: int | None = None  # items tried per ejection target (None: all)
    # Share of the work budget the first construction may spend: with many items the
    # options confirmed per item shrink (never below one), so a large instance still
    # gets local search instead of spending its whole budget placing items.
    CONSTRUCT_SHARE = 0.3
    RETRY_TRIES = 12  # options confirmed per unserved item each time it is retried
    # Options that fail `fits` are only worth an exact evaluation when none that passes
    # was feasible (a day re-timed may still take the item): at most UNFIT_TRIES of
    # them per placement, so an item that no day has room for costs a few evaluations,
    # not one per option (that was 90 % of the solves at 360 stops); it stays unserved
    # for now and is retried as local search opens room.
    UNFIT_TRIES = 4
    # The first construction stops at the deadline too (unplaced items are reported as
    # cut short); a subclass whose result is worthless unless complete (the benchmark)
    # may let it finish and rely on restarts being cut instead.
    FINISH_FIRST_CONSTRUCTION = False
    # The search's own bookkeeping charged to the work budget: one unit per this many
    # steps (an item scanned for a day's content, ~OPTION_STEPS per option scored or
    # move screened). With cheap day answers (enumerated days) the bookkeeping, not the
    # oracle, is most of the CPU on a large instance — at 180 stops a unit of work cost
    # 143 ms of CPU instead of ~12 — so without this a default budget calibrated in
    # CPU per unit would not hold at scale. None: only the oracle counts (the bench).
    OVERHEAD_STEPS_PER_UNIT: int | None = None
    OPTION_STEPS = 10

    def __init__(self, *, seed: int = 0, budget: Budget | None = None,
                 deadline: float | None = None) -> None:
        self.seed = seed
        self.budget = budget if budget is not None else Budget(600)
        self.deadline = deadline  # perf_counter() value: the search ends there at the latest
        self.rng = random.Random(seed)
        self.cut: set = set()  # items the first construction never reached (stopped early)
        # The work budget may end the search only when every item with an option is
        # placed: with this set (the planner's default budget, not an explicit --work)
        # and a deadline, an unserved item lifts the budget and the search goes on to
        # the clock. Off: the budget always ends it (reproducible --work).
        self.to_clock_when_unserved = False
        self.went_on = False  # the budget was lifted for unserved items
        # With items unserved the search goes on this early, before its budget is
        # spent (the planner's default: the time the ejection pool needs; None: at the
        # budget's end). Nothing changes while every item is placed.
        self.go_on_after: int | None = None
        self._lifted: int | None = None  # the budget's limit while go_on has lifted it
        self._ejections: dict = {}  # pack(): item → 1 + its failed insertions
        self._failed_packs = 0  # pack(): rounds since one served more
        self._steps = 0  # bookkeeping steps not yet charged (OVERHEAD_STEPS_PER_UNIT)

    # -- the problem (subclass hooks) -----------------------------------------------
    def items(self) -> list[Item]:
        raise NotImplementedError

    def item_options(self, item: Item) -> list[Opt]:
        raise NotImplementedError

    def days_of(self, opt: Opt) -> tuple[Day, ...]:
        """The days an option touches (one for a weekday slot, several for a pattern)."""
        raise NotImplementedError

    def element(self, item: Item, opt: Opt) -> Hashable:
        """What the item adds to the content of each day of `opt`."""
        raise NotImplementedError

    def item_of(self, element: Hashable) -> Item:
        raise NotImplementedError

    def evaluate(self, day: Day, content: frozenset, near: Any = None) -> Any | None:
        """The day oracle: a solution for the day's content, None when infeasible.
        `near` is the solution of a nearby content (the day before the move), a
        warm start the oracle may use. Must count real work in `self.budget`."""
        raise NotImplementedError

    def day_cost(self, sol: Any | None) -> float:
        raise NotImplementedError

    def insertion_estimate(self, item: Item, opt: Opt, day: Day, sol: Any | None,
                           content: frozenset) -> float:
        """Cheap estimate of the cost the item adds to one day of `opt`."""
        raise NotImplementedError

    def fits(self, item: Item, opt: Opt, day: Day, sol: Any | None,
             content: frozenset) -> bool:
        """A cheap *sufficient* check that the item fits one day of `opt` as the day is
        solved now (nothing else moves). Options that pass are confirmed first, so
        placing an item usually costs one exact evaluation instead of a string of
        infeasible ones; the default (True for all) keeps the estimate order."""
        return True

    def removal_estimate(self, item: Item, opt: Opt, day: Day, sol: Any,
                         content: frozenset) -> float:
        """Cheap estimate of the cost saved by taking the item out of a day it is in
        (only needed with SCREEN_MOVES)."""
        raise NotImplementedError

    def construction_order(self, opts: dict[Item, list[Opt]], noise: bool) -> list[Item]:
        """Items in the order greedy construction places them (hardest first)."""
        raise NotImplementedError

    def adapt(self, item: Item, opt: Opt) -> Opt | None:
        """The item's version of another item's option for a swap (None: cannot)."""
        return opt

    def item_distance(self, a: Item, b: Item) -> float:
        """Closeness of two items; swaps are tried between the nearest pairs."""
        raise NotImplementedError

    def option_key(self, opt: Opt) -> Any:
        """A total order on options for deterministic tie-breaks."""
        return opt

    def initial(self, opts: dict[Item, list[Opt]]) -> tuple[dict, dict]:
        """The first solution (assign, unserved); re-planning overrides it."""
        return self.construct(opts, noise=False)

    def restarts_allowed(self) -> bool:
        return True

    def outranks(self, a: Item, b: Item) -> bool:
        """Whether `a` must stay served rather than make room for `b`: the ejection pool
        never pushes `a` out to let `b` in (kept or locked slots, priorities). Default:
        no item outranks another."""
        return False

    def unplaceable(self, item: Item) -> bool:
        """True when the item is proven to fit none of its options even alone (then no
        search can place it and `go_on` does not wait for it). Default: not proven."""
        return False

    def blocked(self, item: Item, assign: dict[Item, Opt]) -> bool:
        """True when the unserved item is proven to have no place while the items of
        `assign` stay served (template.py: stops the data ties to its days). The search
        then neither waits for it (`go_on`) nor pools it; it could only be served
        instead of another. Default: not proven."""
        return False

    def settled(self, assign: dict[Item, Opt]) -> bool:
        """True when no solution serves more items than `assign` does (proven), so
        `go_on` need not wait for the unserved ones: placing one would need another
        left out. Asked only once the budget has ended with items unserved (it may
        cost seconds). Default: not proven."""
        return False

    # -- state helpers --------------------------------------------------------------
    def charge(self, steps: int) -> None:
        """Count bookkeeping steps; every OVERHEAD_STEPS_PER_UNIT of them cost one unit
        of the work budget (deterministic: counts, not seconds)."""
        if self.OVERHEAD_STEPS_PER_UNIT is None:
            return
        self._steps += steps
        if self._steps >= self.OVERHEAD_STEPS_PER_UNIT:
            units, self._steps = divmod(self._steps, self.OVERHEAD_STEPS_PER_UNIT)
            self.budget.used += units

    def placement(self, assign: dict[Item, Opt]) -> Placement:
        """`assign` as a Placement: the same mapping, its day contents kept current
        (placement.py), for the assignments the search changes move by move."""
        return Placement(self.days_of, self.element, assign.items())

    def content_of(self, assign: dict[Item, Opt], day: Day) -> frozenset:
        self.charge(len(assign))
        if isinstance(assign, Placement):
            return assign.day(day)
        return frozenset(self.element(i, o) for i, o in assign.items() if day in self.days_of(o))

    def total(self, assign: dict[Item, Opt]) -> float:
        """The cost of every used day, summed in day order. One pass builds the
        contents; the charge is that of one `content_of` per day, as it always was."""
        by_day = self.contents(assign)
        days = sorted(by_day)
        self.charge(len(assign) * (len(days) - 1))
        return sum(self.day_cost(self.evaluate(d, by_day[d])) for d in days)

    def _with(self, item: Item, opt: Opt, contents: Iterable[frozenset],
              bases: Iterable[Any]) -> list[Any] | None:
        """Day solutions with `item` added to each day of `opt`; None if one is infeasible."""
        e = self.element(item, opt)
        out = []
        for d, c, b in zip(self.days_of(opt), contents, bases):
            new = self.evaluate(d, c | {e}, near=b)
            if new is None:
                return None
            out.append(new)
        return out

    def contents(self, assign: dict[Item, Opt]) -> dict[Day, frozenset]:
        """Every used day's content in one pass (content_of per option is O(items) each,
        which dominated construction at 360 stops × 160 options)."""
        self.charge(len(assign))
        if isinstance(assign, Placement):
            return assign.contents()
        by_day: dict[Day, set] = {}
        for i, o in assign.items():
            e = self.element(i, o)
            for d in self.days_of(o):
                by_day.setdefault(d, set()).add(e)
        return {d: frozenset(c) for d, c in by_day.items()}

    def try_place(self, assign: dict[Item, Opt], item: Item, opts: list[Opt],
                  tries: int = 4) -> tuple[Opt, float] | None:
        """Best of the `tries` most promising feasible options: (option, delta cost)."""
        scored = []
        by_day = self.contents(assign)
        empty: frozenset = frozenset()
        self.charge(self.OPTION_STEPS * len(opts))
        for o in opts:
            days = self.days_of(o)
            contents = [by_day.get(d, empty) for d in days]
            bases = [self.evaluate(d, c) for d, c in zip(days, contents)]
            if any(b is None and c for b, c in zip(bases, contents)):
                continue
            est = sum(self.insertion_estimate(item, o, d, b, c)
                      for d, b, c in zip(days, bases, contents))
            fit = all(self.fits(item, o, d, b, c) for d, b, c in zip(days, bases, contents))
            scored.append((not fit, est, o, contents, bases))
        scored.sort(key=lambda x: (x[0], x[1], self.option_key(x[2])))
        best = None
        tested = unfit = 0
        for unfits, _, o, contents, bases in scored:
            if tested >= tries and best is not None:
                break
            if unfits and unfit >= max(tries, self.UNFIT_TRIES):
                break  # the rest rarely fit at all: leave the item to later retries
            if tested and self.stopped():
                break
            new = self._with(item, o, contents, bases)
            tested += 1
            unfit += unfits
            if new is None:
                continue
            delta = sum(self.day_cost(n) - self.day_cost(b) for n, b in zip(new, bases))
            if best is None or delta < best[1] - 1e-9:
                best = (o, delta)
        return best

    # -- the search -----------------------------------------------------------------
    def construct(self, opts: dict[Item, list[Opt]], noise: bool) -> tuple[dict, dict]:
        """Greedy: hardest items first, each to its cheapest feasible option. With noise
        (restarts) the order is shuffled (by the subclass) and a near-best option may win."""
        assign = self.placement({})
        unserved: dict[Item, str] = {}
        order = self.construction_order(opts, noise)
        tries = self.construct_tries(len(order))
        for it in order:
            if self.stopped() and (noise or not self.FINISH_FIRST_CONSTRUCTION):
                # the limit is a promise: stop placing, say why
                unserved[it] = ""
                if not noise:
                    self.cut.add(it)
                continue
            cand = opts[it]
            if noise and len(cand) > 1 and self.rng.random() < 0.3:
                cand = self.rng.sample(cand, k=max(1, len(cand) // 2))
            placed = self.try_place(assign, it, cand, tries=tries) if cand else None
            if placed is None and cand is not opts[it] and opts[it]:
                placed = self.try_place(assign, it, opts[it], tries=tries)
            if placed is None:
                unserved[it] = ""
            else:
                assign[it] = placed[0]
        return assign, unserved

    def construct_tries(self, n_items: int) -> int:
        """Options confirmed per item in construction: CONSTRUCT_TRIES, fewer when that
        would spend more than CONSTRUCT_SHARE of the work budget (a pure function of
        the budget and the item count, so runs stay reproducible) — of the work before
        the search would turn to unserved items where that comes first (`go_on_after`):
        construction's tries are exact answers, as dear as before the screened moves
        made the budget's other units cheap. Once the budget is lifted for unserved
        items, restarts confirm CONSTRUCT_TRIES."""
        if not n_items:
            return self.CONSTRUCT_TRIES
        # each try costs about one evaluation per day of the option (+1 for the base)
        per_try = 1.5
        work = (self.budget.limit if self.went_on or self.go_on_after is None
                else min(self.budget.limit, self.go_on_after))
        fit = int(self.CONSTRUCT_SHARE * work / (n_items * per_try))
        return max(1, min(self.CONSTRUCT_TRIES, fit))

    def stopped(self) -> bool:
        """The work budget is spent or the deadline has passed."""
        return not self.budget.left or self.out_of_time()

    def descend(self, assign: dict[Item, Opt], unserved: dict[Item, str], opts) -> float:
        """Local search to a local optimum, re-trying unserved items as space opens.
        Unserved items are retried before the first local search too: serving one more
        item outranks any saving, and on a large instance the first local search may
        spend the rest of the budget."""
        self.retry_unserved(assign, unserved, opts)
        while True:
            self.local_search(assign, opts)
            placed_any = self.retry_unserved(assign, unserved, opts)
            if not placed_any or not self.budget.left or self.out_of_time():
                return self.total(assign)

    def retry_unserved(self, assign: dict[Item, Opt], unserved: dict[Item, str],
                       opts) -> bool:
        """Place unserved items where they fit now, or where one placed item makes room
        by moving to another of its options; True if any was placed."""
        placed_any = False
        for it in sorted(unserved):
            if (not opts[it] or not self.budget.left or self.out_of_time()
                    or self.blocked(it, assign)):  # no place while the others stay
                continue
            placed = self.try_place(assign, it, opts[it],
                                    tries=min(len(opts[it]), self.RETRY_TRIES))
            if placed:
                assign[it] = placed[0]
            elif not self.insert_by_ejection(assign, it, opts):
                continue
            del unserved[it]
            placed_any = True
        return placed_any

    # Ejection insertion of an unserved item: the options tried (best insertion estimate
    # first) and, per option, the items on its days tried as the one that makes room
    # (nearest first); each try costs one or two exact evaluations plus a placement.
    # Once the budget has been lifted for unserved items (`go_on`: the time left is
    # theirs) every option × every item follows. On a packed 180-stop, 8-bus kommune
    # at 60 s: 2 → 1 and 15 → 12 stops unserved. Wide from the start it cost km where
    # every stop gets placed anyway (90 stops / 4 buses, two data sets × four seeds:
    # mean 1532.3 → 1564.8 km/week at 3000 units). A second step (the item making room
    # makes room in turn) placed fewer in the same time. docs/planner.md, "Unserved
    # stops while time is left".
    EJECT_INSERT_OPTIONS = 3
    EJECT_INSERT_ITEMS = 3

    def insert_by_ejection(self, assign: dict[Item, Opt], item: Item, opts) -> bool:
        """Serve `item` on an option whose days only take it once one placed item `x`
        leaves them for another of its own options (x stays served): the number of
        served items grows by one. The classic remedy for a full day, where every
        insertion alone fails. Tries EJECT_INSERT_OPTIONS × EJECT_INSERT_ITEMS, every
        option × every item once the search goes on for unserved items (`went_on`).
        True (and `assign` updated) if it worked."""
        by_day = self.contents(assign)
        scored = []
        for o in opts[item]:
            days = self.days_of(o)
            if not all(d in by_day for d in days):
                continue  # an empty day would have taken the item directly
            cs = [by_day[d] for d in days]
            bases = [self.evaluate(d, c) for d, c in zip(days, cs)]
            if any(b is None for b in bases):
                continue
            est = sum(self.insertion_estimate(item, o, d, b, c)
                      for d, b, c in zip(days, bases, cs))
            scored.append((est, self.option_key(o), o, cs, bases))
        scored.sort(key=lambda x: (x[0], x[1]))
        # the narrow pass first (its first success is the one a narrow search takes),
        # then, once the search goes on for unserved items, every pair it skipped
        n_opts, n_items = self.EJECT_INSERT_OPTIONS, self.EJECT_INSERT_ITEMS
        narrow = [(o, cs, bases, x) for _, _, o, cs, bases in scored[:n_opts]
                  for x in self._there(item, cs)[:n_items]]
        rest = ((o, cs, bases, x) for i, (_, _, o, cs, bases) in enumerate(scored)
                for j, x in enumerate(self._there(item, cs)) if i >= n_opts or j >= n_items)
        for o, cs, bases, x in chain(narrow, rest) if self.went_on else narrow:
            if self.stopped():
                return False
            days = self.days_of(o)
            mine = self.element(item, o)
            xe = self.element(x, assign[x])
            if any(self.evaluate(d, c - {xe} | {mine}, near=b) is None
                   for d, c, b in zip(days, cs, bases)):
                continue
            xo = assign.pop(x)
            assign[item] = o
            away = [q for q in opts[x] if not set(self.days_of(q)) & set(days)]
            placed = self.try_place(assign, x, away, tries=1) if away else None
            if placed is not None:
                assign[x] = placed[0]
                return True
            del assign[item]
            assign[x] = xo
        return False

    def _there(self, item: Item, contents: list[frozenset]) -> list[Item]:
        """The items on days with these contents, nearest to `item` first."""
        return sorted({self.item_of(el) for c in contents for el in c},
                      key=lambda x: (self.item_distance(item, x), x))

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline

    def search(self) -> SearchOutcome:
        """Construction + descent, then iterated local search: perturb the best
        (PERTURB items moved at random) and descend; after RESTART_AFTER failures
        restart from a randomised construction. Stops on the work budget, on
        MAX_STALE_ROUNDS rounds without a new best, or (safety net) on the deadline."""
        opts = {it: self.item_options(it) for it in self.items()}
        cur, unserved = self.initial(opts)
        cur = self.placement(cur)
        cost = self.descend(cur, unserved, opts)
        best, best_unserved, best_cost = dict(cur), dict(unserved), cost
        elite: list[Elite] = []
        self._remember(elite, cur, unserved, cost)
        stale = since_restart = 0
        stopped_by = "converged"
        while True:
            if (best_unserved and self.go_on_after is not None and not self.went_on
                    and self.budget.used >= self.go_on_after):
                self.go_on(best_unserved, opts, best)
            if self._lifted is not None:
                self.go_on(best_unserved, opts, best)  # gives the budget back if done
            if not self.budget.left and not self.go_on(best_unserved, opts, best):
                stopped_by = "work"
                break
            if self.out_of_time():
                stopped_by = "clock"
                break
            if stale >= self.MAX_STALE_ROUNDS and not self.go_on(best_unserved, opts, best):
                break
            packed = False
            if since_restart >= self.RESTART_AFTER and self.restarts_allowed():
                cur, unserved = self.construct(opts, noise=True)
                since_restart = 0
            else:
                cur, unserved = self.placement(best), dict(best_unserved)
                packed = self.went_on and self.pack(cur, unserved, opts)
                if not packed:
                    self.perturb(cur, opts, strength=self.rng.randint(*self.PERTURB))
            if packed and unserved:
                # a round that served more but not all: the next round goes on from it
                # at once. The descent's km are undone by the next round's ejections,
                # and it took 3-9 s a time on 180 stops (the search alone, 180-8 data
                # seeds 0-3 x search seeds 0-1 at 60 s: 9 stops unserved in all -> 6,
                # with daymodel.overloaded 3, two of them proven)
                cost = self.total(cur)
            else:
                cost = self.descend(cur, unserved, opts)
            self._remember(elite, cur, unserved, cost)
            if (len(cur), -cost) > (len(best), -best_cost + 1e-6):
                best, best_unserved, best_cost = dict(cur), dict(unserved), cost
                stale = since_restart = 0
            else:
                stale += 1
                since_restart += 1
        if stopped_by == "converged" and self.cut:  # construction itself was stopped
            stopped_by = "clock" if self.out_of_time() else "work"
        return SearchOutcome(elite, opts, stopped_by, frozenset(self.cut))

    def go_on(self, unserved: dict, opts: dict, assign: dict) -> bool:
        """Whether the search must go on although the work budget is spent or it has
        converged: an item that has options is still unserved and not proven to have no
        place beside `assign`'s, the deadline is still ahead and `to_clock_when_unserved`
        is set. Then the budget is lifted (the deadline ends the search) and
        construction's cut items are left to the retries. Asked again each round while
        lifted: once every item the best leaves is proven (placed elsewhere meanwhile,
        or proven beside the others), or no solution serves more items than the best
        (`settled`), the budget is given back and ends the search."""
        if not (self.to_clock_when_unserved and self.deadline is not None
                and any(opts[it] and not self.unplaceable(it) and not self.blocked(it, assign)
                        for it in unserved) and not self.settled(assign)):
            if self._lifted is not None:  # every stop left is proven: the budget again
                self.budget.limit, self._lifted = self._lifted, None
            return False
        if self._lifted is None:
            self._lifted = self.budget.limit
            self.budget.limit = max(self.budget.limit, 1 << 62)
        if not self.went_on:
            self.went_on = True
            self.cut.clear()  # retried from here on: no longer "never reached"
        return True

    def _remember(self, elite: list[Elite], assign: dict, unserved: dict, cost: float) -> None:
        """Keep the ELITE_SIZE best distinct local optima (fewest unserved, then cost)."""
        if any(e.assign == assign for e in elite):
            return
        elite.append(Elite(len(unserved), cost, dict(assign), dict(unserved)))
        elite.sort(key=lambda e: (e.unserved_count, e.cost,
                                  sorted((k, self.option_key(v)) for k, v in e.assign.items())))
        del elite[self.ELITE_SIZE:]

    def local_search(self, assign: dict[Item, Opt], opts: dict[Item, list[Opt]]) -> bool:
        """Relocate and swap until no move improves, then one ejection chain, then the
        subclass's block moves; repeat. True if anything improved."""
        any_improved = False
        improved = True
        while improved and self.budget.left and not self.out_of_time():
            improved = False
            ids = sorted(assign)
            self.rng.shuffle(ids)
            for it in ids:
                if not self.budget.left or self.out_of_time():
                    break
                if self.relocate(assign, it, opts[it]):
                    improved = any_improved = True
            for a, b in self.swap_pairs(assign, opts):
                if not self.budget.left or self.out_of_time():
                    break
                if self.swap(assign, a, b, opts):
                    improved = any_improved = True
            if not improved:
                for it in ids:
                    if not self.budget.left or self.out_of_time():
                        break
                    if self.eject(assign, it, opts):
                        improved = any_improved = True
                        break
            if not improved and self.budget.left and not self.out_of_time():
                if self.empty_day(assign, opts):
                    improved = any_improved = True
            if not improved and self.budget.left and not self.out_of_time():
                if self.block_moves(assign, opts):
                    improved = any_improved = True
        return any_improved

    # A day emptied is a trip saved, which no single move sees: taking one item off a
    # day that still runs saves next to nothing, so stops that could all join other
    # days' trips stay where they are (all stops of a kommune at one square: 1.67 trips
    # a week where one does). Tried on the days with the fewest items first, at most
    # EMPTY_TRIES days per call and days of at most EMPTY_MAX items.
    EMPTY_TRIES = 3
    EMPTY_MAX = 8

    def empty_day(self, assign: dict[Item, Opt], opts) -> bool:
        """Move every item of one day to other days (each to its best option elsewhere,
        the longest-placed first), kept when the whole timetable is cheaper by MIN_GAIN;
        else `assign` is left as it was. True if a day was emptied."""
        by_day = self.contents(assign)
        sizes = {d: len(c) for d, c in by_day.items() if c}
        days = sorted((d for d, n in sizes.items() if n <= self.EMPTY_MAX),
                      key=lambda d: (sizes[d], d))
        tried = 0
        before = None
        for day in days:
            if tried >= self.EMPTY_TRIES or not self.budget.left or self.out_of_time():
                break
            items = sorted(it for it, o in assign.items() if day in self.days_of(o))
            elsewhere = {it: [o for o in opts[it] if day not in self.days_of(o)]
                         for it in items}
            if not all(elsewhere.values()):
                continue  # an item with no other day keeps this one running
            if self._emptying_estimate(elsewhere, by_day) >= (
                    self.day_cost(self.evaluate(day, by_day[day])) - self.MIN_GAIN):
                continue  # by the insertion estimates the others' days cost more
            tried += 1
            if before is None:
                before = self.total(assign)
            kept = {it: assign.pop(it) for it in items}
            moved = True
            for it in items:
                placed = self.try_place(assign, it, elsewhere[it], tries=self.MOVE_TRIES)
                if placed is None:
                    moved = False
                    break
                assign[it] = placed[0]
            if moved and self.total(assign) < before - self.MIN_GAIN:
                return True
            for it in items:
                assign.pop(it, None)
            assign.update(kept)
        return False

    def _emptying_estimate(self, elsewhere: dict[Item, list[Opt]], by_day: dict) -> float:
        """What the day's items would add on their other options, each at its cheapest
        insertion estimate into today's other days (they would share those days, so
        this is a screen, not a bound)."""
        empty: frozenset = frozenset()
        total = 0.0
        for it, others in elsewhere.items():
            best = math.inf
            for o in others:
                days = self.days_of(o)
                cs = [by_day.get(d, empty) for d in days]
                bases = [self.evaluate(d, c) if c else None for d, c in zip(days, cs)]
                if any(b is None and c for b, c in zip(bases, cs)):
                    continue
                best = min(best, sum(self.insertion_estimate(it, o, d, b, c)
                                     for d, b, c in zip(days, bases, cs)))
            total += best
        return total

    def block_moves(self, assign: dict[Item, Opt], opts) -> bool:
        """Moves of many items at once that a subclass knows (e.g. a whole route to
        another day); True if one improved. None by default."""
        return False

    def removal_gain(self, assign: dict[Item, Opt], item: Item) -> float:
        """Cost saved on the item's days by taking it out."""
        o = assign[item]
        e = self.element(item, o)
        gain = 0.0
        for d in self.days_of(o):
            c = self.content_of(assign, d)
            gain += self.day_cost(self.evaluate(d, c)) - self.day_cost(self.evaluate(d, c - {e}))
        return gain

    def eject(self, assign: dict[Item, Opt], item: Item, opts) -> bool:
        """Ejection chain of two: move `item` to an option whose days it only fits if
        one item `x` there leaves for its best option elsewhere. Only targets whose
        insertion estimate beats the removal gain are evaluated."""
        o = assign[item]
        if self.SCREEN_MOVES:
            gain = sum(self.removal_estimate(item, o, d, self.evaluate(d, c), c)
                       for d in self.days_of(o) for c in [self.content_of(assign, d)])
            gain += self.SCREEN_SLACK
        else:
            gain = self.removal_gain(assign, item)
        del assign[item]
        screened = []
        for alt in opts[item]:
            days = self.days_of(alt)
            if days == self.days_of(o):
                continue
            cs = [self.content_of(assign, d) for d in days]
            bases = [self.evaluate(d, c) for d, c in zip(days, cs)]
            est = sum(self.insertion_estimate(item, alt, d, b, c)
                      for d, b, c in zip(days, bases, cs))
            if est < gain - self.MIN_GAIN:
                screened.append((est, alt, cs, bases))
        screened.sort(key=lambda x: (x[0], self.option_key(x[1])))
        for _est, alt, cs, bases in screened[: self.EJECT_SCREEN]:
            days = self.days_of(alt)
            mine = self.element(item, alt)
            there = sorted({self.item_of(el) for c in cs for el in c})
            if self.EJECT_CANDIDATES is not None:
                there = sorted(there, key=lambda x: (self.item_distance(item, x), x))
                there = there[: self.EJECT_CANDIDATES]
            for x in there:
                xe = self.element(x, assign[x])
                if any(self.evaluate(d, c - {xe} | {mine}, near=b) is None
                       for d, c, b in zip(days, cs, bases)):
                    continue
                xo = assign.pop(x)
                placed = self.try_place(assign, x, [q for q in opts[x]
                                                    if not set(self.days_of(q)) & set(days)],
                                        tries=self.MOVE_TRIES)
                if placed is not None:
                    trial = {**assign, item: alt, x: placed[0]}
                    if self.total(trial) < self.total({**assign, item: o, x: xo}) - self.MIN_GAIN:
                        assign.update(trial)
                        return True
                assign[x] = xo
        assign[item] = o
        return False

    def change_estimate(self, assign: dict[Item, Opt], item: Item, new: Opt,
                        by_day: dict[Day, frozenset] | None = None) -> float:
        """Estimated cost change of moving `item` to `new`, from the current day
        solutions only: inserted on the days it joins, removed from those it leaves.
        `by_day`: `contents(assign)` when the caller has it (one pass instead of one
        per day, which dominated the screened search at 360 stops)."""
        by_day = self.contents(assign) if by_day is None else by_day
        empty: frozenset = frozenset()
        self.charge(self.OPTION_STEPS)
        old = assign[item]
        est = 0.0
        for d in self.days_of(new):
            if d not in self.days_of(old):
                c = by_day.get(d, empty)
                est += self.insertion_estimate(item, new, d, self.evaluate(d, c), c)
        for d in self.days_of(old):
            if d not in self.days_of(new):
                c = by_day.get(d, empty)
                est -= self.removal_estimate(item, old, d, self.evaluate(d, c), c)
        return est

    def relocate(self, assign: dict[Item, Opt], item: Item, opts: list[Opt]) -> bool:
        o = assign[item]
        others = [x for x in opts if x != o]
        if self.SCREEN_MOVES:
            by_day = self.contents(assign)
            others = [x for x in others
                      if self.change_estimate(assign, item, x, by_day) < self.SCREEN_SLACK]
            if not others:
                return False
        gain = self.removal_gain(assign, item)
        del assign[item]
        placed = self.try_place(assign, item, others, tries=self.MOVE_TRIES) if others else None
        if placed and placed[1] < gain - self.MIN_GAIN:
            assign[item] = placed[0]
            return True
        assign[item] = o
        return False

    def swap_pairs(self, assign: dict[Item, Opt], opts) -> list[tuple[Item, Item]]:
        """Pairs on different days that could trade options, nearest first."""
        pairs = []
        ids = sorted(assign)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if self.days_of(assign[a]) == self.days_of(assign[b]):
                    continue
                pairs.append((self.item_distance(a, b), a, b))
        pairs.sort()
        return [(a, b) for _, a, b in pairs[: 3 * len(ids)]]

    def swap(self, assign: dict[Item, Opt], a: Item, b: Item, opts) -> bool:
        oa, ob = assign[a], assign[b]
        na, nb = self.adapt(a, ob), self.adapt(b, oa)
        if na is None or nb is None or na not in opts[a] or nb not in opts[b]:
            return False
        if self.SCREEN_MOVES:
            by_day = self.contents(assign)
            if (self.change_estimate(assign, a, na, by_day)
                    + self.change_estimate(assign, b, nb, by_day)) >= self.SCREEN_SLACK:
                return False
        days = sorted(set(self.days_of(oa)) | set(self.days_of(ob)))
        before = sum(self.day_cost(self.evaluate(d, self.content_of(assign, d))) for d in days)
        assign[a], assign[b] = na, nb
        after = sum(self.day_cost(self.evaluate(d, self.content_of(assign, d))) for d in days)
        if after < before - self.MIN_GAIN:
            return True
        assign[a], assign[b] = oa, ob
        return False

    # The ejection pool while the search goes on for unserved items (`went_on`), after
    # Nagata & Bräysy's route minimisation: an unserved item that fits nowhere takes an
    # option whose days fit it once PACK_EJECT or fewer items there leave (one more
    # where that many cannot); those join the pool. Each failed insertion makes an item
    # harder to eject (its count grows), so the items that are hard to place end up
    # placed and the easy ones wait. On the 180-stop, 8-bus shape at 60 s (two data
    # sets, search seeds 0–1) it left 6 stops unserved where the random make-room
    # perturbation it replaced left 15; three ejected always: 8; three only where two
    # cannot: 10 against 13 over seven runs, 4 → 1 on a data set the tuning never saw
    # (docs/planner.md, "Unserved stops while time is left").
    PACK_EJECT = 2
    # ejections tried per step, fewest ejection counts first. 1000, not 400, since
    # daymodel.overloaded made most infeasible tries cheap: 180-8 at 60 s, data seeds
    # 0-7, 2 stops left unproven in all instead of 7 (docs/benchmarks.md)
    PACK_EVALS = 1000
    PACK_STALL = 300  # steps without a smaller pool before the descent takes over
    # After a failed round the next one pools the PACK_RUIN placed items nearest one
    # unserved item too (a ruin around it, the pool recreating it). 180-8 at 60 s,
    # the search alone, data seeds 0-2 x search seeds 0-1: 9 stops unserved in all
    # against 11, data seed 0's last stop placed in both runs (none of 2 before);
    # ruin around all unserved items: 9; only every second round: 8.
    PACK_RUIN = 12

    def pack(self, cur: dict[Item, Opt], unserved: dict[Item, str], opts) -> bool:
        """Serve more items by the ejection pool: pop an unserved item, place it where it
        fits, else put it in where the items with the lowest ejection counts leave room
        (up to PACK_EJECT of them, one more where that many cannot) and pool them.
        Ends when the pool is empty, after PACK_STALL steps without a smaller pool, or
        on the deadline; leaves `cur`/`unserved` at the smallest pool seen. The km are
        the descent's: an ejection ignores them. True if it served more items; False
        leaves `cur` as it was. After a round that served no more, the next one first
        takes out the PACK_RUIN placed items nearest one unserved item (at random, none
        that outranks it) and pools them behind the unserved ones: the rounds started
        from the same best every time and met the same wall."""
        pool = sorted(it for it in unserved if opts[it] and not self.unplaceable(it)
                      and not self.blocked(it, cur))
        if not pool:
            return False
        self.rng.shuffle(pool)
        start = len(pool)
        best_cur, best_pool = dict(cur), list(pool)
        if self._failed_packs and self.PACK_RUIN:
            u = self.rng.choice(pool)
            near = sorted((x for x in cur if not self.outranks(x, u)),
                          key=lambda x: (self.item_distance(x, u), x))
            near = near[:self.PACK_RUIN]
            self.rng.shuffle(near)
            for x in near:
                del cur[x]
            pool = near + pool  # the unserved items are popped first
        low = len(pool)
        count = self._ejections
        step = last = 0
        while pool and not self.stopped() and step - last <= self.PACK_STALL:
            step += 1
            item = pool.pop()
            placed = self.try_place(cur, item, opts[item],
                                    tries=min(len(opts[item]), self.RETRY_TRIES))
            if placed is not None:
                cur[item] = placed[0]
                if len(pool) < len(best_pool):
                    best_cur, best_pool, last = dict(cur), list(pool), step
                if len(pool) < low:
                    low, last = len(pool), step
                continue
            count[item] = count.get(item, 1) + 1
            out = (self._room(cur, item, opts[item], range(1, self.PACK_EJECT + 1))
                   or self._room(cur, item, opts[item], (self.PACK_EJECT + 1,)))
            if out is None:
                pool.insert(0, item)  # nowhere even with ejections: later
                continue
            o, gone = out
            for x in gone:
                del cur[x]
                pool.append(x)
            cur[item] = o
        cur.clear()
        cur.update(best_cur)
        reasons = dict(unserved)
        unserved.clear()
        unserved.update((it, reasons.get(it, "")) for it in opts if it not in cur)
        self._failed_packs = 0 if len(best_pool) < start else self._failed_packs + 1
        return len(best_pool) < start

    def _room(self, cur: dict[Item, Opt], item: Item, opts: list[Opt],
              sizes: Iterable[int]) -> tuple[Opt, tuple[Item, ...]] | None:
        """The option and the items (as many as one of `sizes`, none that `outranks` it)
        whose leaving lets `item` in, the lowest sum of ejection counts first (ties at
        random), among the first PACK_EVALS; None if none of them works."""
        count = self._ejections
        by_day = self.contents(cur)
        empty: frozenset = frozenset()
        cands = []
        for o in opts:
            days = self.days_of(o)
            # what outranks the item stays: only the others may leave
            there = [x for x in sorted({self.item_of(el) for d in days
                                        for el in by_day.get(d, empty)})
                     if not self.outranks(x, item)]
            for k in sizes:
                for out in combinations(there, k):
                    cands.append((sum(count.get(x, 1) for x in out), k, self.rng.random(),
                                  o, out))
        self.charge(self.OPTION_STEPS * len(cands))
        cands.sort(key=lambda c: c[:3])
        for _, _, _, o, out in cands[:self.PACK_EVALS]:
            if self.stopped():
                return None
            days = self.days_of(o)
            gone = {self.element(x, cur[x]) for x in out}
            if self._with(item, o, [by_day.get(d, empty) - gone for d in days],
                          [None] * len(days)) is not None:
                return o, out
        return None

    def perturb(self, cur: dict[Item, Opt], opts, strength: int) -> None:
        """Move `strength` random items to random feasible options (seeded)."""
        ids = sorted(cur)
        for it in self.rng.sample(ids, k=min(strength, len(ids))):
            o = cur.pop(it)
            alts = [x for x in opts[it] if x != o]
            self.rng.shuffle(alts)
            for alt in alts[:4]:
                days = self.days_of(alt)
                cs = [self.content_of(cur, d) for d in days]
                if self._with(it, alt, cs, [None] * len(days)) is not None:
                    cur[it] = alt
                    break
            else:
                cur[it] = o
