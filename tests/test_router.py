"""The day router against brute-force optima on instances small enough to enumerate."""

import itertools
import math
import random

import pytest

from bogbus.model import BreakRule
from bogbus.solve.router import Break, RouterProblem, route, route_cost
from bogbus.solve.schedule import time_route


def instance(seed: int, n: int = 7):
    """Random points (node 0 = depot) with distances = times = rounded Euclid × 10."""
    rng = random.Random(seed)
    pts = [(50, 50)] + [(rng.randint(0, 100), rng.randint(0, 100)) for _ in range(n - 1)]
    d = [[round(10 * math.dist(a, b)) for b in pts] for a in pts]
    return d, rng


def feasible(prob: RouterProblem, r: list[int]) -> bool:
    """Capacity, windows (earliest-start timing with waiting) and the depot horizon."""
    if prob.capacity is not None and sum(prob.demand[c] for c in r) > prob.capacity:
        return False
    lo, hi = prob.windows[prob.depot] if prob.windows else (0, 10**9)
    t, prev = lo, prob.depot
    for c in r:
        t = t + prob.time[prev][c]
        if prob.windows:
            a, b = prob.windows[c]
            t = max(t, a)
            if t > b:
                return False
        t += prob.service[c] if prob.service else 0
        prev = c
    return t + prob.time[prev][prob.depot] <= hi


def brute_force(prob: RouterProblem) -> int | None:
    """Optimum over every order of the customers split into one or `vehicles` routes
    (the tests that use it have two vehicles)."""
    best = None
    custs = list(prob.customers)
    for perm in itertools.permutations(custs):
        for cuts in itertools.combinations(range(1, len(custs)), prob.vehicles - 1):
            bounds = [0, *cuts, len(custs)]
            routes = [list(perm[a:b]) for a, b in zip(bounds, bounds[1:])]
            if all(feasible(prob, r) for r in routes):
                c = route_cost(prob.dist, prob.depot, routes)
                best = c if best is None else min(best, c)
    # the cuts above make every route non-empty; a single route is the other case
    for perm in itertools.permutations(custs):
        if feasible(prob, list(perm)):
            c = route_cost(prob.dist, prob.depot, [list(perm)])
            best = c if best is None else min(best, c)
    return best


def windowed(seed: int) -> RouterProblem:
    d, rng = instance(seed)
    n = len(d)
    service = [0] + [rng.randint(5, 30) for _ in range(n - 1)]
    demand = [0] + [rng.randint(1, 6) for _ in range(n - 1)]
    windows = [(0, 2000)]
    for _ in range(n - 1):
        a = rng.randint(0, 1000)
        windows.append((a, a + rng.randint(100, 600)))
    return RouterProblem(dist=d, time=d, depot=0, customers=tuple(range(1, n)),
                         service=service, demand=demand, windows=windows, vehicles=2,
                         capacity=sum(demand) * 2 // 3)


def check_solution(prob: RouterProblem, sol) -> None:
    served = sorted(c for r in sol.routes for c in r)
    assert served == sorted(prob.customers)
    assert len(sol.routes) <= prob.vehicles
    assert all(feasible(prob, r) for r in sol.routes)
    assert sol.cost == route_cost(prob.dist, prob.depot, sol.routes)


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force_with_capacity_and_windows(seed):
    prob = windowed(seed)
    opt = brute_force(prob)
    sol = route(prob, solution_limit=3000)
    if opt is None:
        assert sol is None
        return
    assert sol is not None
    check_solution(prob, sol)
    assert sol.cost == opt


def test_subset_of_a_larger_matrix_only_routes_the_subset():
    d, _ = instance(11, n=40)
    prob = RouterProblem(dist=d, time=d, depot=5, customers=(3, 17, 22, 38, 9),
                         vehicles=1)
    sol = route(prob, solution_limit=500)
    custs = list(prob.customers)
    opt = min(route_cost(d, 5, [list(p)]) for p in itertools.permutations(custs))
    assert sorted(sol.routes[0]) == sorted(custs)
    assert sol.cost == opt


def test_infeasible_returns_none():
    d, _ = instance(3)
    n = len(d)
    windows = [(0, 100)] + [(0, 100)] * (n - 1)  # far more work than the horizon
    prob = RouterProblem(dist=d, time=d, depot=0, customers=tuple(range(1, n)),
                         service=[0] + [60] * (n - 1), windows=windows, vehicles=1)
    assert route(prob, solution_limit=200) is None
    over = RouterProblem(dist=d, time=d, depot=0, customers=(1, 2), demand=[0, 5, 5] + [0] * 4,
                         capacity=4)
    assert route(over, solution_limit=200) is None


def test_capacity_forces_two_routes():
    d, _ = instance(4)
    prob = RouterProblem(dist=d, time=d, depot=0, customers=(1, 2, 3, 4),
                         demand=[0, 3, 3, 3, 3, 0, 0], capacity=6, vehicles=3)
    sol = route(prob, solution_limit=500)
    assert sol is not None and len(sol.routes) == 2
    assert all(len(r) == 2 for r in sol.routes)


def test_max_duration_and_max_distance_are_hard():
    d, _ = instance(5)
    custs = (1, 2, 3, 4, 5, 6)
    free = route(RouterProblem(dist=d, time=d, depot=0, customers=custs), solution_limit=500)
    assert len(free.routes) == 1
    longest = max(route_cost(d, 0, [[c]]) for c in custs)
    for kw in ({"max_duration": longest}, {"max_distance": longest}):
        prob = RouterProblem(dist=d, time=d, depot=0, customers=custs, vehicles=6, **kw)
        sol = route(prob, solution_limit=1000)
        assert sol is not None and len(sol.routes) > 1
        assert all(route_cost(d, 0, [r]) <= longest for r in sol.routes)
        assert sol.cost >= free.cost


def test_break_is_respected_like_the_plan_model():
    """With a lunch break (parked between visits, inside the route) the router's best
    order is as short as the best order the planner's exact timing accepts."""
    d, rng = instance(8, n=6)
    n = len(d)
    t = [[x // 10 for x in row] for row in d]  # minutes
    service = [0] + [30] * (n - 1)
    windows = [(0, 600), (282, 382), (304, 704), (108, 108), (209, 609), (225, 625)]
    brk = BreakRule(minutes=120, earliest=300, latest=480)
    prob = RouterProblem(dist=d, time=t, depot=0, customers=tuple(range(1, n)),
                         service=service, windows=windows,
                         break_rule=Break(brk.earliest, brk.latest - brk.minutes, brk.minutes))
    ids = {str(i): i for i in range(n)}
    win = {str(i): windows[i] for i in range(1, n)}
    dur = {str(i): service[i] for i in range(1, n)}

    def timed(order):
        return time_route([str(c) for c in order], win, dur, ids, 0, d, t, windows[0], brk,
                          None)

    opt = min((route_cost(d, 0, [list(p)]) for p in itertools.permutations(range(1, n))
               if timed(p) is not None), default=None)
    sol = route(prob, solution_limit=500)
    assert opt is not None and sol is not None
    assert timed(sol.routes[0]) is not None
    assert sol.cost == opt
    # a break that cannot fit anywhere makes the day infeasible
    free = route(RouterProblem(dist=d, time=t, depot=0, customers=prob.customers,
                               service=service, windows=windows), solution_limit=500)
    assert free.cost < sol.cost  # the break binds here
    tight = RouterProblem(dist=d, time=t, depot=0, customers=prob.customers, service=service,
                          windows=windows, break_rule=Break(110, 120, 500))  # no gap that long
    assert route(tight, solution_limit=200) is None


def test_deterministic_and_seeded():
    d, rng = instance(21, n=30)
    demand = [0] + [rng.randint(1, 10) for _ in range(29)]
    prob = RouterProblem(dist=d, time=d, depot=0, customers=tuple(range(1, 30)),
                         demand=demand, capacity=50, vehicles=6)
    runs = [route(prob, solution_limit=400, seed=s) for s in (0, 0, 3, 3)]
    assert runs[0].routes == runs[1].routes and runs[0].cost == runs[1].cost
    assert runs[2].routes == runs[3].routes
    for r in runs:
        assert sorted(c for x in r.routes for c in x) == list(range(1, 30))


def test_initial_routes_are_used_and_never_worsened():
    d, _ = instance(9, n=12)
    custs = tuple(range(1, 12))
    prob = RouterProblem(dist=d, time=d, depot=0, customers=custs, vehicles=2)
    start = [list(custs[:6]), list(custs[6:])]
    sol = route(prob, solution_limit=1, initial_routes=start)
    assert sol is not None and sol.cost <= route_cost(d, 0, start)
    ignored = route(prob, solution_limit=300, initial_routes=[[99]])  # 99: no such customer
    assert sorted(c for r in ignored.routes for c in r) == list(custs)
