"""One vehicle on one weekday, over one or more weeks that share stop times.

This is the building block of the planner. A *scenario* is one week of the day's
cycle (e.g. even and odd weeks for a Tuesday with fortnightly stops); each scenario
gets its own depot-to-depot circuit over the sites active that week, but a site's
arrival time is ONE variable shared by all scenarios. That is the regularity rule
("same weekday, same time") held by construction rather than by penalties.

The same model with a single scenario and stop times fixed re-routes a dated day
after outreach visits are added.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..model import BreakRule, Site, Vehicle
from .cpsat import deterministic_solver


@dataclass(frozen=True)
class DayNode:
    """A site to serve: `lo`/`hi` bound its arrival; arrival is on the `step` grid."""

    site_id: str
    index: int  # row in the travel matrix
    duration: int
    lo: int
    hi: int
    step: int = 1


@dataclass(frozen=True)
class DayProblem:
    shift_start: int
    shift_end: int
    depot_index: int
    nodes: tuple[DayNode, ...]
    scenarios: tuple[frozenset[str], ...]  # site ids active in each week of the cycle
    km: tuple[tuple[float, ...], ...]
    minutes: tuple[tuple[int, ...], ...]
    break_rule: BreakRule | None = None
    max_km: float | None = None


@dataclass(frozen=True)
class ScenarioRoute:
    order: tuple[str, ...]  # site ids in visiting order
    start: int  # depot departure
    end: int  # depot return
    break_start: int | None
    km: float
    drive_min: int


@dataclass
class DaySolution:
    times: dict[str, int]  # arrival per site id (shared by all scenarios)
    routes: list[ScenarioRoute]  # one per scenario (empty route for an empty week)
    status: str  # "optimal" | "feasible"
    det_time: float = 0.0

    @property
    def mean_km(self) -> float:
        return sum(r.km for r in self.routes) / max(1, len(self.routes))


def overloaded(problem: DayProblem) -> bool:
    """True when one week's visits cannot all fit the times their windows allow: a
    proof that the day is infeasible, found without routing it.

    For an interval [a, b] (a: an arrival window's opening, b: a visit's latest end),
    the visits whose whole window lies inside it need their minutes, and each of them
    but the first visited also its drive in, all inside [a, b]; the drive in is at
    least the shortest one from any other site of that week (or the depot). Travel
    times need not obey the triangle inequality for this to hold. Why: when a packed
    afternoon is full, nearly every content the search asks for is infeasible (the
    180-stop, 8-bus shape, ejections for unserved stops: 131,630 of 136,598 day answers
    in 45 s), and this proves 71 % of them in a few microseconds each instead of an
    enumeration."""
    by_id = {n.site_id: n for n in problem.nodes}
    minutes = problem.minutes
    depot = problem.depot_index
    for week in set(problem.scenarios):
        if len(week) < 2:
            continue
        nodes = [by_id[sid] for sid in week]
        rows = [n.index for n in nodes]
        loads = []  # (window opening, latest end, minutes there, shortest drive in)
        for n in nodes:
            drive = minutes[depot][n.index]
            for j in rows:
                if j != n.index and minutes[j][n.index] < drive:
                    drive = minutes[j][n.index]
            loads.append((n.lo, n.hi + n.duration, n.duration, drive))
        loads.sort(key=lambda x: x[1])
        for a in {lo for lo, _, _, _ in loads}:
            total = longest = 0
            for lo, end, dur, drive in loads:  # by latest end: [a, end] grows
                if lo < a:
                    continue
                total += dur + drive
                longest = max(longest, drive)
                if total - longest > end - a:
                    return True
    return False


def arrival_window(s: Site, shift_start: int, shift_end: int, to_site: int,
                   from_site: int) -> tuple[int, int] | None:
    """Arrival times at `s` that fit its window and a depot-to-depot trip in the shift
    (`to_site`/`from_site`: drive minutes from and back to the depot); None if none."""
    lo = max(s.earliest if s.earliest is not None else 0, shift_start + to_site)
    latest = s.latest if s.latest is not None else 24 * 60
    hi = min(latest, shift_end - from_site) - s.duration_min
    if s.fixed_time is not None:
        lo, hi = max(lo, s.fixed_time), min(hi, s.fixed_time)
    return (lo, hi) if lo <= hi else None


def day_candidates(vehicle: Vehicle, weekday: str, shift_start: int, shift_end: int,
                   stops: Sequence[Site], index: dict[str, int], depot: int,
                   minutes: Sequence[Sequence[int]]) -> list[tuple[Site, int, tuple[int, int]]]:
    """The stops `vehicle` may serve on `weekday` in that shift, each with its matrix
    index and arrival window — the one rule the bounds and the search share, so a
    bound never counts a stop on a day the planner could not use (or the reverse)."""
    out = []
    for s in stops:
        if not s.allows_vehicle(vehicle.name) or weekday not in s.days or (
                s.fixed_day and weekday != s.fixed_day):
            continue
        i = index[s.id]
        w = arrival_window(s, shift_start, shift_end, minutes[depot][i], minutes[i][depot])
        if w is not None:
            out.append((s, i, w))
    return out


def route_spec(vehicle: Vehicle, weekday: str, shift_start: int, shift_end: int,
               stops: Sequence[Site], index: dict[str, int], depot: int,
               minutes: Sequence[Sequence[int]]
               ) -> tuple[list[Site], list[tuple[int, int, int, int]],
                          tuple[int, int, int] | None]:
    """What the route bounds (route enumeration, the LP over walks) need of one
    (vehicle, weekday): its candidate stops, each as (matrix index, arrival lo, arrival
    hi, minutes there), and the break as (earliest start, latest start, minutes) or None.
    One place, so both bounds see the same day."""
    found = day_candidates(vehicle, weekday, shift_start, shift_end, stops, index, depot,
                           minutes)
    br = vehicle.break_rule
    brk = None if br is None else (br.earliest, br.latest - br.minutes, br.minutes)
    return ([s for s, _, _ in found], [(i, w[0], w[1], s.duration_min) for s, i, w in found],
            brk)


def _grid(lo: int, hi: int, step: int) -> tuple[int, int] | None:
    first = math.ceil(lo / step) * step
    last = (hi // step) * step
    return (first, last) if first <= last else None


@dataclass
class DayModel:
    """The CP-SAT model of one DayProblem before its objective is set: `solve_day`
    minimises km then spans; the lower bound (bound_content.py) minimises km alone."""

    model: cp_model.CpModel
    times: dict[str, cp_model.LinearExprT]  # arrival per site id
    built: list[tuple[list, dict, object, object, object]]  # per distinct week: ids, arcs, …
    km: list  # per distinct week: its km in 0.1 km (legs rounded) × the weeks it stands for
    spans: list  # per distinct non-empty week: (end - start) × the weeks it stands for
    of_week: list[int]  # per scenario: its entry in `built`


def build_day_model(problem: DayProblem, hint: dict[str, int] | None = None, *,
                    floor_km: bool = False) -> DayModel | None:
    """Shared arrival times, one circuit per distinct scenario, the break and the km
    limit; None when a site has no grid minute in its window. Legs count in 0.1 km,
    rounded to the nearest — or down with `floor_km`, so that a lower bound never
    over-counts a leg. Weeks with the same stops share one circuit, its km counted once
    per such week: the times are shared, so both weeks face the same question and an
    optimum can drive them alike. Why: a 5- and a 7-weekly stop make a 35-week cycle of
    only three different weeks (both, one, the other)."""
    nodes = {n.site_id: n for n in problem.nodes}
    m = cp_model.CpModel()
    horizon = problem.shift_end
    t: dict[str, cp_model.LinearExprT] = {}
    for n in problem.nodes:
        g = _grid(n.lo, n.hi, n.step)
        if g is None:
            return None
        u = m.NewIntVar(0, (g[1] - g[0]) // n.step, f"u_{n.site_id}")
        t[n.site_id] = g[0] + n.step * u
        if hint and n.site_id in hint and g[0] <= hint[n.site_id] <= g[1]:
            m.AddHint(u, (hint[n.site_id] - g[0]) // n.step)
    D, T, dep = problem.km, problem.minutes, problem.depot_index
    br = problem.break_rule
    objective_km = []
    durations = []
    built: list[tuple[list, dict, object, object, object]] = []
    weeks: dict[frozenset[str], int] = {}  # distinct scenario → its entry in `built`
    of_week = [weeks.setdefault(active, len(weeks)) for active in problem.scenarios]
    times_seen = [of_week.count(j) for j in range(len(weeks))]
    for k, active in enumerate(weeks):
        ids = sorted(active)
        if not ids:
            built.append(([], {}, None, None, None))
            continue
        start = m.NewIntVar(problem.shift_start, horizon, f"start{k}")
        end = m.NewIntVar(problem.shift_start, horizon, f"end{k}")
        m.Add(end >= start)
        pos = {sid: i + 1 for i, sid in enumerate(ids)}
        arcs: dict[tuple[str, str], cp_model.IntVar] = {}
        circuit = []
        ends = ["@"] + ids  # "@" is the depot
        for a in ends:
            for b in ends:
                if a == b:
                    continue
                lit = m.NewBoolVar(f"x{k}_{a}_{b}")
                arcs[(a, b)] = lit
                circuit.append((0 if a == "@" else pos[a], 0 if b == "@" else pos[b], lit))
        m.AddCircuit(circuit)

        # both are called only within this iteration, so the loop's start/end are the right ones
        def dep_time(a: str):
            return start if a == "@" else t[a] + nodes[a].duration  # noqa: B023

        def arr_time(b: str):
            return end if b == "@" else t[b]  # noqa: B023

        def idx(a: str) -> int:
            return dep if a == "@" else nodes[a].index

        for (a, b), lit in arcs.items():
            m.Add(arr_time(b) >= dep_time(a) + T[idx(a)][idx(b)]).OnlyEnforceIf(lit)
        km_terms = [(math.floor(D[idx(a)][idx(b)] * 10 + 1e-9) if floor_km
                     else round(D[idx(a)][idx(b)] * 10), lit) for (a, b), lit in arcs.items()]
        km_expr = sum(c * lit for c, lit in km_terms)
        if problem.max_km is not None:
            m.Add(km_expr <= int(math.floor(problem.max_km * 10 + 1e-9)))
        objective_km.append(times_seen[k] * km_expr)
        durations.append(times_seen[k] * (end - start))
        bstart = None
        if br is not None:
            bstart = m.NewIntVar(br.earliest, br.latest - br.minutes, f"b{k}")
            ys = []
            for (a, b), lit in arcs.items():
                y = m.NewBoolVar(f"y{k}_{a}_{b}")
                m.AddImplication(y, lit)
                m.Add(bstart >= dep_time(a)).OnlyEnforceIf(y)
                m.Add(bstart + br.minutes + T[idx(a)][idx(b)] <= arr_time(b)).OnlyEnforceIf(y)
                ys.append(y)
            m.AddExactlyOne(ys)
        built.append((ids, arcs, start, end, bstart))

    return DayModel(m, t, built, objective_km, durations, of_week)


def solve_day(
    problem: DayProblem,
    *,
    seed: int = 0,
    det_limit: float = 5.0,
    hint: dict[str, int] | None = None,
    max_wall: float | None = None,
) -> DaySolution | None:
    """Optimal (or best found within `det_limit`) routes; None when infeasible or
    nothing was found. Deterministic: one worker and a deterministic-time limit —
    unless `max_wall` seconds (a caller's deadline) end it first."""
    dm = build_day_model(problem, hint)
    if dm is None:
        return None
    m, t, built = dm.model, dm.times, dm.built
    nodes = {n.site_id: n for n in problem.nodes}
    D, T, dep = problem.km, problem.minutes, problem.depot_index
    n_scen = len(problem.scenarios)
    weight = 600 * n_scen + 1  # 0.1 km always outweighs all waiting time
    m.Minimize(weight * sum(dm.km) + sum(dm.spans))

    solver = deterministic_solver(seed, det_limit, max(10.0, det_limit * 10) if max_wall is None
                                  else min(max_wall, 10.0 * det_limit))
    status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    times = {sid: int(solver.Value(expr)) for sid, expr in t.items()}
    distinct: list[ScenarioRoute] = []
    for ids, arcs, start, end, bstart in built:
        if not ids:
            distinct.append(ScenarioRoute((), 0, 0, None, 0.0, 0))
            continue
        succ = {a: b for (a, b), lit in arcs.items() if solver.Value(lit)}
        order, cur = [], succ["@"]
        while cur != "@":
            order.append(cur)
            cur = succ[cur]
        seq = ["@"] + order + ["@"]
        idxs = [dep if s == "@" else nodes[s].index for s in seq]
        km = round(sum(D[i][j] for i, j in zip(idxs, idxs[1:])), 1)
        drive = sum(T[i][j] for i, j in zip(idxs, idxs[1:]))
        distinct.append(
            ScenarioRoute(
                tuple(order),
                int(solver.Value(start)),
                int(solver.Value(end)),
                int(solver.Value(bstart)) if bstart is not None else None,
                km,
                drive,
            )
        )
    return DaySolution(
        times=times,
        routes=[distinct[j] for j in dm.of_week],
        status="optimal" if status == cp_model.OPTIMAL else "feasible",
        det_time=solver.ResponseProto().deterministic_time,
    )
