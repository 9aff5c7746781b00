"""Multi-vehicle day routing on the OR-Tools RoutingModel.

The engine's day-routing layer: given a travel matrix and the customers to serve on
one day, find routes (order only) that respect capacity, time windows, route
duration, route length and a lunch break. `bogbus plan` uses it to route dated days
(planner.improve_day), the Solomon bench calls it directly, and the PVRP bench routes
each day of a visit pattern with it.

The model is built only over `customers` and the depot (a small sub-matrix), so
routing a handful of sites out of a large matrix is cheap. Without a time limit the
search stops at a solution count, which makes the result deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

# Stop after this many solutions when the caller gives no limit at all. A solution
# count alone can run forever on a tightly constrained day (every neighbour fails, no
# solution is ever counted), so without a time limit a search-branch limit applies
# too; both are counts, so the result stays deterministic.
DEFAULT_SOLUTION_LIMIT = 2000
DEFAULT_WORK_LIMIT = 50_000  # search branches

# Search settings. On Solomon C101/R101/RC101/R105/R201/RC201 at 10 s none of SAVINGS,
# simulated annealing, tabu search, GLS lambda 0.05/0.3, narrower operator neighbourhoods
# or extra operators beat these by more than the run-to-run noise (docs/benchmarks.md).
FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
METAHEURISTIC = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
GLS_LAMBDA = 0.1


@dataclass(frozen=True)
class Break:
    """A break every used route takes inside its span: start in [earliest, latest],
    `duration` long, never during a visit (it may sit between two visits, the drive
    between them taking the rest of that gap), never before the depot start or after
    the depot end."""

    earliest: int
    latest: int  # latest start
    duration: int


@dataclass(frozen=True)
class RouterProblem:
    dist: Sequence[Sequence[int]]  # integer arc cost (already scaled), full matrix
    time: Sequence[Sequence[int]]  # integer travel time, same indexing
    depot: int  # node index of the depot
    customers: tuple[int, ...]  # node indices to serve this day
    service: Sequence[int] | None = None  # service time per node (full length), None = 0
    demand: Sequence[int] | None = None  # demand per node, None = 0
    windows: Sequence[tuple[int, int]] | None = None  # start-of-service window per node;
    # windows[depot] = route horizon (depart no earlier, return no later)
    vehicles: int = 1
    capacity: int | None = None
    max_duration: int | None = None  # per route, depot start to depot end incl. waiting
    max_distance: int | None = None  # per route, in `dist` units
    break_rule: Break | None = None  # the same break for every vehicle


@dataclass
class RouterSolution:
    routes: list[list[int]]  # node indices in visiting order, depot excluded; no empty routes
    cost: int  # sum of dist over the routes, depot legs included


def route_cost(dist: Sequence[Sequence[int]], depot: int, routes: list[list[int]]) -> int:
    """Sum of `dist` over depot → route → depot for every non-empty route."""
    total = 0
    for r in routes:
        if r:
            seq = [depot, *r, depot]
            total += sum(dist[a][b] for a, b in zip(seq, seq[1:]))
    return total


def _search_parameters(time_limit_s: float | None, solution_limit: int | None):
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FIRST_SOLUTION
    params.local_search_metaheuristic = METAHEURISTIC
    params.guided_local_search_lambda_coefficient = GLS_LAMBDA
    if time_limit_s is None and solution_limit is None:
        solution_limit = DEFAULT_SOLUTION_LIMIT
    if time_limit_s is not None:
        params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = max(1, solution_limit)
    return params


def route(problem: RouterProblem, *, time_limit_s: float | None = None,
          solution_limit: int | None = None, seed: int = 0,
          initial_routes: list[list[int]] | None = None,
          work_limit: int | None = None) -> RouterSolution | None:
    """Best routes found, or None when infeasible or nothing was found in the limit.

    `work_limit` caps the search branches (default DEFAULT_WORK_LIMIT when there is
    no time limit). `seed` permutes the customers' order inside the model (0 = as given), which
    changes the search's tie-breaking without any hidden randomness. Deterministic
    unless `time_limit_s` is given."""
    p = problem
    custs = list(dict.fromkeys(p.customers))
    if p.depot in custs:
        raise ValueError("the depot cannot be a customer")
    if seed:
        random.Random(seed).shuffle(custs)
    if not custs:
        return RouterSolution([], 0)
    nodes = [p.depot, *custs]  # local index → matrix node
    local = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    service = [p.service[v] if p.service is not None else 0 for v in nodes]
    manager = pywrapcp.RoutingIndexManager(n, p.vehicles, 0)
    model = pywrapcp.RoutingModel(manager)

    cost = model.RegisterTransitMatrix([[int(p.dist[a][b]) for b in nodes] for a in nodes])
    model.SetArcCostEvaluatorOfAllVehicles(cost)
    if p.max_distance is not None:
        model.AddDimension(cost, 0, int(p.max_distance), True, "distance")

    if p.capacity is not None:
        dem = model.RegisterUnaryTransitVector(
            [int(p.demand[v]) if p.demand is not None else 0 for v in nodes])
        model.AddDimensionWithVehicleCapacity(dem, 0, [int(p.capacity)] * p.vehicles, True,
                                              "load")

    needs_time = p.windows is not None or p.max_duration is not None or p.break_rule
    if needs_time:
        tmat = [[int(p.time[a][b]) + service[i] if i != j else 0
                 for j, b in enumerate(nodes)] for i, a in enumerate(nodes)]
        tcb = model.RegisterTransitMatrix(tmat)
        if p.windows is not None:
            lo, hi = p.windows[p.depot]
        else:
            lo, hi = 0, sum(max(row) for row in tmat) + 1
        model.AddDimension(tcb, hi - lo, hi, False, "time")
        tdim = model.GetDimensionOrDie("time")
        for v in range(p.vehicles):
            tdim.CumulVar(model.Start(v)).SetRange(lo, hi)
            tdim.CumulVar(model.End(v)).SetRange(lo, hi)
            if p.max_duration is not None:
                tdim.SetSpanUpperBoundForVehicle(int(p.max_duration), v)
        if p.windows is not None:
            for i in range(1, n):
                a, b = p.windows[nodes[i]]
                if a > b:
                    return None
                tdim.CumulVar(manager.NodeToIndex(i)).SetRange(int(a), int(b))
        if p.break_rule is not None:
            _add_breaks(model, manager, tdim, p.break_rule, service, p.vehicles)
        for v in range(p.vehicles):  # prefer compact schedules among equal-cost ones
            model.AddVariableMinimizedByFinalizer(tdim.CumulVar(model.End(v)))
            model.AddVariableMaximizedByFinalizer(tdim.CumulVar(model.Start(v)))

    params = _search_parameters(time_limit_s, solution_limit)
    if work_limit is None and time_limit_s is None:
        work_limit = DEFAULT_WORK_LIMIT
    if work_limit is not None:
        limit = model.solver().BranchesLimit(max(1, work_limit))
        model.AddSearchMonitor(limit)
    model.CloseModelWithParameters(params)
    solution = None
    if initial_routes:
        start = _read_routes(model, manager, local, initial_routes, p.vehicles)
        if start is not None:
            solution = model.SolveFromAssignmentWithParameters(start, params)
    if solution is None:
        solution = model.SolveWithParameters(params)
    if solution is None:
        return None
    routes = []
    for v in range(p.vehicles):
        idx = solution.Value(model.NextVar(model.Start(v)))
        r = []
        while not model.IsEnd(idx):
            r.append(nodes[manager.IndexToNode(idx)])
            idx = solution.Value(model.NextVar(idx))
        if r:
            routes.append(r)
    return RouterSolution(routes, route_cost(p.dist, p.depot, routes))


def _add_breaks(model, manager, tdim, rule: Break, service: list[int], vehicles: int) -> None:
    """One break per vehicle inside its route span; visits are never interrupted."""
    solver = model.solver()
    visit = [service[manager.IndexToNode(i)] if not model.IsEnd(i) else 0
             for i in range(model.Size())]
    for v in range(vehicles):
        b = solver.FixedDurationIntervalVar(rule.earliest, rule.latest, rule.duration, False,
                                            f"break{v}")
        tdim.SetBreakIntervalsOfVehicle([b], v, visit)
        solver.Add(b.StartExpr() >= tdim.CumulVar(model.Start(v)))
        solver.Add(b.EndExpr() <= tdim.CumulVar(model.End(v)))


def _read_routes(model, manager, local: dict[int, int], routes: list[list[int]],
                 vehicles: int):
    """An assignment from `routes` (matrix node ids), or None if it does not fit."""
    if len([r for r in routes if r]) > vehicles:
        return None
    try:
        idx_routes = [[manager.NodeToIndex(local[c]) for c in r] for r in routes if r]
    except KeyError:
        return None
    idx_routes += [[] for _ in range(vehicles - len(idx_routes))]
    return model.ReadAssignmentFromRoutes(idx_routes, True)
