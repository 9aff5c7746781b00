"""The most stops any timetable can serve, proven by listing every day in full.

Why: when the data asks more than the buses' hours hold (a kommune adds stops, a bus
is taken off), some stops stay unserved whatever the search does. Without a proof each
of them says "not proven infeasible … a longer run may place it", the search waits to
the clock for nothing, and a planner cannot tell "the buses are full" from "the search
gave up". This module answers "at most U of the N stops can be served by any
timetable" on data small enough to list: when the plan serves U, its unserved count is
proven minimal, each unserved stop could only be served instead of another, and the
search need not wait for them.

How: for each (vehicle, weekday) every set of stops that ONE week's route can visit is
listed (the exact day model of a single week: no arrival time shared across weeks, so
the list holds every week content of every timetable, and more). A set packing then
chooses, for every day and week of the cycle, one listed set, each stop on one
(vehicle, weekday, phase) and present exactly in its phase's weeks; its most stops
(CP-SAT's proven bound) is U. The listing extends only sets that fit: this relies on
"a route through more stops never takes less time (or km)", true when the travel
matrix keeps the triangle inequality — checked on the stops listed, else no answer.

Only small data is listed (at most MAX_CANDIDATES stops a day, MAX_CHECKS day
questions, MAX_SETS sets): above that the answer is None and nothing is claimed. Every
limit is a count, so the answer is the same on every machine. Re-planning's kept
slots are a choice, not the data: a search with kept stops gets no answer.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from math import lcm
from typing import Protocol

from ..model import Instance, Site
from ..travel import TravelMatrix
from .daymodel import DayNode
from .option import Day, Option

# The listing's limits (counts, not seconds: the same answer on every machine). On a
# one-bus kommune of 22 weekly stops (the afternoons hold 3, the late Wednesday 6)
# the busiest day lists 13,434 sets in ~30,000 questions.
MAX_CANDIDATES = 40  # stops one day may take
MAX_CHECKS = 60_000  # day questions in all
MAX_SETS = 40_000  # listed sets in all (× weeks of the cycle: the packing's variables)
PACKING_DET = 20.0  # deterministic seconds for the set packing
# Of the time left before the search's deadline, the listing may take this share: it
# is asked when the budget has ended with stops unserved, the moment the search would
# go on to the clock for them, and a listing that cannot finish (18 stops on a cycle
# of 6 weeks runs past MAX_SETS after ~20 s) must leave that time to the search
TIME_SHARE = 0.6


class CapacitySearch(Protocol):
    """What this module uses of the search (template.TemplateSearch), named here so it
    never imports the search."""

    instance: Instance
    stops: dict[str, Site]
    locks: dict
    idx: dict[str, int]
    depot: int
    seed: int
    deadline: float | None

    travel: TravelMatrix

    def options_for(self, s: Site) -> list[Option]: ...

    def node(self, s: Site, vehicle: str, weekday: str) -> DayNode | None: ...

    def fits_alone_on(self, s: Site, day: Day) -> bool | None: ...

    def fits_together(self, day: Day, ids: frozenset[str]) -> bool | None: ...


@dataclass(frozen=True)
class MostServed:
    """At most `most` of the `stops` stops fit any timetable (proven); `sets` week
    contents were listed for it."""

    most: int
    stops: int
    sets: int


class Capacity:
    """`most()`: the proven most stops served, or None (data too big to list, kept
    slots, a matrix without the triangle inequality, or a packing not closed).
    Computed once, on first use."""

    def __init__(self, search: CapacitySearch) -> None:
        self.search = search
        self._done = False
        self._answer: MostServed | None = None
        self.checks = 0
        self.cut = False  # the search's deadline came first: no answer
        self._until: float | None = None  # TIME_SHARE of what was left, set on first use

    def most(self) -> MostServed | None:
        """Computed on the first call, within TIME_SHARE of the time left before the
        search's deadline."""
        if not self._done:
            self._done = True
            self._answer = self._compute()
        return self._answer

    def known(self) -> MostServed | None:
        """The answer if it was asked for (never computes: a reason written after a
        `--work` run must not depend on the clock)."""
        return self._answer

    def _late(self) -> bool:
        d = self._until
        if d is not None and time.perf_counter() > d:
            self.cut = True
        return self.cut

    def _compute(self) -> MostServed | None:
        s = self.search
        if s.deadline is not None:
            now = time.perf_counter()
            self._until = now + TIME_SHARE * (s.deadline - now)
        if s.locks or not s.stops or self._late():
            return None
        options = {sid: s.options_for(st) for sid, st in s.stops.items()}
        named: dict[Day, list[str]] = {}
        for sid, opts in options.items():
            for day in sorted({(o.vehicle, o.weekday) for o in opts}):
                named.setdefault(day, []).append(sid)
        if any(len(c) > MAX_CANDIDATES for c in named.values()):
            return None  # before any day question: 180 stops cost nothing here
        days = {day: [sid for sid in ids if s.fits_alone_on(s.stops[sid], day) is not False]
                for day, ids in named.items()}
        listed = {sid for c in days.values() for sid in c}
        if not self._metric(listed):
            return None
        sets: dict[tuple, list[frozenset[str]]] = {}
        content: dict[Day, list[frozenset[str]]] = {}
        for day in sorted(days):
            key = self._twin_key(day, days[day])
            if key not in sets:
                got = self._list(day, sorted(days[day]))
                if got is None:
                    return None
                sets[key] = got
            content[day] = sets[key]
        weeks = lcm(*(st.every_weeks for st in s.stops.values()))
        if weeks * sum(len(c) for c in content.values()) > MAX_SETS:
            return None
        most = self._pack(options, days, content, weeks)
        if most is None:
            return None
        return MostServed(most, len(s.stops), sum(len(v) for v in sets.values()))

    def _metric(self, ids: set[str]) -> bool:
        """The triangle inequality on the stops listed and the depot (minutes, and km
        where a vehicle has a km limit): the listing's pruning needs it."""
        s = self.search
        rows = sorted({s.depot, *(s.idx[i] for i in ids)})
        mats: list[Sequence[Sequence[float]]] = [s.travel.minutes]
        if any(v.max_km_per_day is not None for v in s.instance.settings.vehicles):
            mats.append(s.travel.km)
        for mat in mats:
            for b in rows:
                for a in rows:
                    ab = mat[a][b]
                    for c in rows:
                        if mat[a][c] > ab + mat[b][c] + 1e-9:
                            return False
        return True

    def _twin_key(self, day: Day, ids: list[str]) -> tuple:
        """Days with the same shift, break, km limit and the same stops at the same
        arrival windows list the same sets (Randers' Monday, Tuesday and Thursday)."""
        s = self.search
        v = s.instance.settings.vehicle(day[0])
        nodes = tuple(sorted((sid, n.lo, n.hi) for sid in ids
                             if (n := s.node(s.stops[sid], day[0], day[1])) is not None))
        return (v.shifts[day[1]], v.break_rule, v.max_km_per_day, nodes)

    def _list(self, day: Day, ids: list[str]) -> list[frozenset[str]] | None:
        """Every set of these stops one week's route of the day may visit (a set the
        day model cannot decide counts as one it may), or None past the limits. Two
        stops whose windows cannot hold both visits and the drive between them, in
        either order, never share a set (no question asked)."""
        s = self.search
        nodes = {sid: s.node(s.stops[sid], day[0], day[1]) for sid in ids}
        ids = [i for i in ids if nodes[i] is not None]
        mins = s.travel.minutes

        def pair(a: str, b: str) -> bool:
            na, nb = nodes[a], nodes[b]
            assert na is not None and nb is not None
            return (max(nb.lo, na.lo + na.duration + mins[na.index][nb.index]) <= nb.hi
                    or max(na.lo, nb.lo + nb.duration + mins[nb.index][na.index]) <= na.hi)

        mate = {a: {b for b in ids if b != a and pair(a, b)} for a in ids}
        out: list[frozenset[str]] = []
        stack: list[tuple[frozenset[str], list[str]]] = [
            (frozenset({a}), [b for b in ids[i + 1:] if b in mate[a]])
            for i, a in reversed(list(enumerate(ids)))]
        while stack:
            cur, rest = stack.pop()
            if len(cur) > 1:
                self.checks += 1
                if self.checks > MAX_CHECKS or (self.checks % 256 == 0 and self._late()):
                    return None
                if s.fits_together(day, cur) is False:
                    continue
            out.append(cur)
            if len(out) > MAX_SETS:
                return None
            for j in range(len(rest) - 1, -1, -1):
                b = rest[j]
                stack.append((cur | {b}, [c for c in rest[j + 1:] if c in mate[b]]))
        return out

    def _pack(self, options: dict[str, list[Option]], days: dict[Day, list[str]],
              content: dict[Day, list[frozenset[str]]], weeks: int) -> int | None:
        """The set packing's proven most stops served, or None if it is not closed
        within PACKING_DET (an open bound would still be valid, but a planner reads
        "at most U" as the answer: only a closed packing is reported). A solve the
        deadline cuts sets `cut`."""
        from ortools.sat.python import cp_model

        from .cpsat import deterministic_solver

        s = self.search
        m = cp_model.CpModel()
        y: dict[tuple[str, Option], cp_model.IntVar] = {}
        for sid, opts in options.items():
            lits = []
            for o in opts:
                y[sid, o] = m.NewBoolVar("")
                lits.append(y[sid, o])
                if sid not in days.get((o.vehicle, o.weekday), ()):
                    m.Add(y[sid, o] == 0)
            if lits:
                m.AddAtMostOne(lits)
        for day, sets in content.items():
            for w in range(weeks):
                xs = [m.NewBoolVar("") for _ in sets]
                m.AddAtMostOne(xs)
                holding: dict[str, list] = {}
                for x, c in zip(xs, sets):
                    for sid in c:
                        holding.setdefault(sid, []).append(x)
                for sid in days[day]:
                    opt = Option(day[0], day[1], w % s.stops[sid].every_weeks)
                    m.Add(sum(holding.get(sid, [])) == y[sid, opt])
        m.Maximize(sum(y.values()))
        wall = 4 * PACKING_DET
        if self._until is not None:
            wall = min(wall, self._until - time.perf_counter())
            if wall <= 0:
                self.cut = True
                return None
        solver = deterministic_solver(s.seed, PACKING_DET, wall)
        status = solver.Solve(m)
        if status != cp_model.OPTIMAL:
            self._late()
            return None
        return round(solver.ObjectiveValue())
