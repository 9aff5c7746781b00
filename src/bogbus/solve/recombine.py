"""Set-partitioning recombination over the day solutions the search has already paid for.

Why: the template search memoises every day it solves exactly (content → CP-SAT day
solution). After a few hundred moves that memo holds thousands of feasible, exactly
costed days — routes for a (vehicle, weekday) over some set of (stop, phase). Local
moves change one or two stops at a time and plateau (docs/planner.md); picking the
cheapest combination of *known* days that covers every stop exactly once is the
classic way out (ILS-SP, HGS route recombination). The pick is a small set-partitioning
model solved by CP-SAT (one worker, deterministic time, the current timetable as the
hint), so it never returns anything worse than the current timetable.

Twin days: a day's solution depends only on its day problem. When two (vehicle,
weekday) pairs have the same shift, break, km limit and the same arrival window for
every stop of a content, the content's solution is valid there too with the same
cost, so it is offered on both (Randers: Monday, Tuesday and Thursday are twins).
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from ortools.sat.python import cp_model

from ..model import Instance, Site
from .cpsat import deterministic_solver
from .daymodel import DayNode, DaySolution
from .option import Day, Option
from .patterns import Budget


class MemoSearch(Protocol):
    """What recombination uses of the search (template.TemplateSearch): its memo of
    solved days, the locks, the day oracle and the work budget it charges — named here
    so this module never imports the search."""

    instance: Instance
    stops: dict[str, Site]
    locks: dict[str, tuple[Option, int]]
    cache: dict[tuple, DaySolution | None]  # (vehicle, weekday, content, locks) → day
    seed: int
    deadline: float | None
    budget: Budget
    MIN_GAIN: float

    def node(self, s: Site, vehicle: str, weekday: str) -> DayNode | None: ...

    def evaluate(self, day: Day, content: frozenset, near: Any = None
                 ) -> DaySolution | None: ...

    def content_of(self, assign: dict[str, Option], day: Day) -> frozenset: ...

    def day_cost(self, sol: DaySolution | None) -> float: ...

    def out_of_time(self) -> bool: ...

SCALE = 100  # cost units per km (costs are km per average week, 0.01 km resolution)
DET_WORK = 100  # day solves per deterministic second (a day solve is ~7-10 ms)


def twin_days(search: MemoSearch) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(vehicle, weekday) → the days (itself included) with the same shift, break and
    km limit; a content moves between them when every stop allows both."""
    groups: dict[tuple, list[tuple[str, str]]] = {}
    for v in search.instance.settings.vehicles:
        for d, sh in v.shifts.items():
            groups.setdefault((sh.start, sh.end, v.break_rule, v.max_km_per_day), []).append(
                (v.name, d))
    return {day: members for members in groups.values() for day in members}


def _fits(search: MemoSearch, content: frozenset, day: tuple[str, str],
          home: tuple[str, str]) -> bool:
    """Every stop of `content` may use `day` with the same node as on `home`."""
    for sid, _phase in content:
        s = search.stops[sid]
        if not s.allows_vehicle(day[0]) or day[1] not in s.days or (
                s.fixed_day and day[1] != s.fixed_day) or sid in search.locks:
            return False
        if search.node(s, *day) != search.node(s, *home):
            return False
    return True


def recombine(search: MemoSearch, assign: dict[str, Option],
              det_limit: float = 1.0) -> dict[str, tuple[str, str, int]] | None:
    """The cheapest timetable made of memoised day solutions that serves the same stops
    as `assign`, as stop → (vehicle, weekday, phase); None unless it beats `assign` by
    at least search.MIN_GAIN. Charges its CP-SAT deterministic time to the work budget
    (DET_WORK day solves per second)."""
    served = set(assign)
    twins = twin_days(search)
    columns: dict[tuple[tuple[str, str], frozenset], float] = {}
    for n, ((vehicle, weekday, content, locked), sol) in enumerate(list(search.cache.items())):
        if n % 4096 == 0 and search.out_of_time():
            return None  # a big memo takes seconds to read: the deadline comes first
        if sol is None or not content or locked:
            continue
        if any(sid not in served for sid, _ in content):
            continue
        home = (vehicle, weekday)
        for day in twins.get(home, [home]):
            if day == home or _fits(search, content, day, home):
                key = (day, content)
                if key not in columns:
                    columns[key] = sol.mean_km
                    if day != home:  # the same day problem: the same exact solution
                        search.cache.setdefault((day[0], day[1], content, ()), sol)
    current = {d: search.content_of(assign, d) for d in {(o.vehicle, o.weekday)
                                                         for o in assign.values()}}
    now = sum(search.day_cost(search.evaluate(d, c)) for d, c in current.items())
    m = cp_model.CpModel()
    by_day: dict[tuple[str, str], list] = {}
    by_stop: dict[str, list] = {sid: [] for sid in sorted(served)}  # not set order: hash-seeded
    chosen = []
    for n, ((day, content), cost) in enumerate(sorted(
            columns.items(), key=lambda kv: (kv[0][0], sorted(kv[0][1])))):
        if n % 4096 == 0 and search.out_of_time():
            return None
        y = m.NewBoolVar("")
        m.AddHint(y, current.get(day) == content)
        by_day.setdefault(day, []).append(y)
        for sid, _ in content:
            by_stop[sid].append(y)
        chosen.append((y, day, content, round(cost * SCALE)))
    for ys in by_day.values():
        m.Add(sum(ys) <= 1)
    for ys in by_stop.values():
        if not ys:
            return None
        m.AddExactlyOne(ys)
    m.Minimize(sum(c * y for y, _, _, c in chosen))
    if search.out_of_time():
        return None
    # a big model can take seconds to presolve under load: the deadline caps the wall too
    solver = deterministic_solver(search.seed, det_limit, None if search.deadline is None
                                  else search.deadline - time.perf_counter())
    status = solver.Solve(m)
    search.budget.used += round(DET_WORK * solver.ResponseProto().deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if solver.ObjectiveValue() / SCALE >= now - search.MIN_GAIN:
        return None
    out: dict[str, tuple[str, str, int]] = {}
    for y, (vehicle, weekday), content, _ in chosen:
        if solver.Value(y):
            for sid, phase in content:
                out[sid] = (vehicle, weekday, phase)
    return out
