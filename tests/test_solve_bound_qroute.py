"""The LP over walks (solve/bound/qroute.py) is a relaxation: never above the exact
LP over routes (bound.py) nor above the brute-force optimum."""

from __future__ import annotations

import numpy as np
from factories import LUNCH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bound import brute_force_optimum, tiny

from bogbus.solve.bound import template_lower_bound
from bogbus.solve.bound.qroute import DayClass, price, qroute_bound
from bogbus.travel import build_travel

coord = st.tuples(st.floats(56.35, 56.65), st.floats(9.80, 10.30))
window = st.sampled_from([(13 * 60, 16 * 60 + 15), (14 * 60, 19 * 60), (16 * 60, 19 * 60),
                          (9 * 60, 12 * 60)])


def walks(inst):
    return qroute_bound(inst, build_travel(inst), list(inst.stops))


def assert_below_optimum_and_route_lp(inst) -> None:
    """The LP over walks converges and stays at or below the brute-force optimum and
    the LP over routes (a walk relaxes a route); nothing to check without an optimum."""
    opt = brute_force_optimum(inst)
    value, _, converged = walks(inst)
    if opt is None:
        return
    assert converged and value is not None
    assert value <= opt + 1e-9
    exact = template_lower_bound(inst, build_travel(inst), {s.id for s in inst.stops})
    assert value <= exact.lower_km + 0.1 + 1e-9  # LP over walks ≤ LP over routes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coord, st.sampled_from([1, 2]), st.sampled_from([20, 30, 45, 60]),
                          window), min_size=2, max_size=4))
def test_walk_bound_never_exceeds_the_route_lp_or_the_optimum(rows):
    inst = tiny([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                [r[3] for r in rows])
    assert_below_optimum_and_route_lp(inst)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coord, st.sampled_from([1, 3]), st.sampled_from([20, 45, 60]),
                          window), min_size=2, max_size=3))
def test_walk_bound_with_the_break_and_three_week_stops_stays_below_the_optimum(rows):
    # the break, the grid and a 3-week cycle folded into one week: still a
    # relaxation of the brute-force optimum (shared times, real orders) and of the LP
    # over routes
    inst = tiny([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                [r[3] for r in rows], brk=LUNCH)
    assert_below_optimum_and_route_lp(inst)


def test_one_weekly_day_matches_the_route_lp():
    # three stops that can only be served in one order: a walk cannot do better
    inst = tiny([(56.44, 10.15), (56.54, 10.04), (56.50, 9.90)], [1, 1, 1], [30, 30, 30],
                [(13 * 60, 14 * 60), (14 * 60 + 30, 15 * 60 + 30), (16 * 60, 17 * 60)],
                days=("wed",))
    value, _, _ = walks(inst)
    exact = template_lower_bound(inst, build_travel(inst), {s.id for s in inst.stops})
    assert abs(value - exact.lower_km) <= 0.2
    assert value <= brute_force_optimum(inst)


def test_pricing_never_returns_to_the_stop_it_came_from():
    # stop 0 pays a huge dual; a walk 0 → 1 → 0 would collect it twice, which the
    # 2-cycle elimination forbids, while 0 → 1 → 2 → 0 is allowed
    cls = DayClass(0, 1000, [None] * 3, np.array([1, 2, 3]), np.array([0, 0, 0]),
                   np.array([900, 900, 900]), np.array([10, 10, 10]), 1)
    km10 = np.ones((4, 4)) * 10
    minutes = np.ones((4, 4), dtype=np.int64) * 5
    found = price(cls, 0, km10, minutes, 1, np.array([100.0, 0.0, 0.0]))
    assert found
    _, best, cost = found[0]
    others = best.get(1, 0) + best.get(2, 0)
    assert best[0] >= 2  # longer cycles are allowed (a relaxation) …
    assert best[0] <= others // 2 + 1  # … but never straight back: two others between
    assert cost == 10 * (sum(best.values()) + 1)  # one leg into every visit, one home


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 6), st.integers(0, 10_000), st.sampled_from([1, 5]), st.booleans())
def test_pricing_is_never_above_the_cheapest_real_route(n, seed, step, lunch):
    """The Lagrangian bound needs pricing to be exact (or lower) over every real route:
    the DP's cheapest reduced cost is checked against core.py's enumeration of all
    feasible routes (same windows, grid, break), with random duals."""
    from bogbus.solve.bound.core import enumerate_routes

    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 30, size=(n + 1, 2))
    km10 = np.floor(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)) * 10)
    minutes = np.ceil(km10 / 10 * 1.5).astype(np.int64) + 1
    np.fill_diagonal(minutes, 0)
    lo = rng.integers(480, 800, size=n)
    hi = lo + rng.integers(0, 240, size=n)
    dur = rng.integers(5, 60, size=n)
    brk = (660, 780, 30) if lunch else None
    start, end = 450, 1000
    cls = DayClass(start, end, [None] * n, np.arange(1, n + 1), lo, hi, dur, 1, step, brk)
    pi = rng.uniform(0, 400, size=n)
    spec = [(j + 1, int(lo[j]), int(hi[j]), int(dur[j])) for j in range(n)]
    routes = enumerate_routes(spec, 0, start, end, km10.astype(int).tolist(), minutes.tolist(),
                              None, None, step, brk)
    assert routes is not None
    cheapest = min(cost - sum(pi[j] for j in range(n) if mask >> j & 1)
                   for mask, cost in routes.items())
    found = price(cls, 0, km10, minutes, 1, pi)
    least = found[0][0] if found else 0.0
    assert least <= cheapest + 1e-6
    for rc, visits, cost in found:  # each column is what it says it is
        assert abs(rc - (cost - sum(pi[j] * k for j, k in visits.items()))) < 1e-6
        assert all(k >= 1 for k in visits.values())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coord, st.sampled_from([1, 2]), st.sampled_from([20, 30, 45, 60]),
                          window), min_size=2, max_size=4),
       st.data())
def test_the_kept_lp_let_go_of_some_stops_is_the_lp_of_the_others(rows, data):
    """A plan that leaves stops unserved needs the bound of the stops it serves: the LP
    over walks kept for all of them, with the others let go (`WalkLP.drop`) and gone
    on, proves the same value as one built for those stops alone — and so stays below
    their brute-force optimum."""
    from bogbus.solve.bound.core import narrowed_walk_bound

    inst = tiny([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                [r[3] for r in rows])
    ids = sorted(s.id for s in inst.stops)
    keep_ids = set(data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids) - 1,
                                      unique=True)))
    travel = build_travel(inst)
    kept: dict = {}
    template_lower_bound(inst, travel, set(ids), routes=False, keep=kept)
    if "walks" not in kept:  # a stop with no shift at all: no LP to keep
        return
    heard = []
    narrowed = narrowed_walk_bound(inst, travel, kept["walks"], keep_ids, deadline=None,
                                   report=heard.append)
    fresh = template_lower_bound(inst, travel, keep_ids, routes=False)
    assert narrowed.lower_km is not None and fresh.lower_km is not None
    assert abs(narrowed.lower_km - fresh.lower_km) <= 0.1 + 1e-9, (narrowed, fresh)
    assert all(b.lower_km is None or b.lower_km <= narrowed.lower_km + 1e-9 for b in heard)
    rest = [i for i, s in enumerate(inst.stops) if s.id in keep_ids]
    sub = tiny([rows[i][0] for i in rest], [rows[i][1] for i in rest],
               [rows[i][2] for i in rest], [rows[i][3] for i in rest])
    opt = brute_force_optimum(sub)
    if opt is not None:
        assert narrowed.lower_km <= opt + 1e-9


def test_stops_at_the_depot_have_a_bound_of_zero_not_none():
    # found by the hypothesis test above: two weekly stops where the depot is cost
    # nothing to drive to, and a bound of 0 km was reported as no bound at all
    at_depot = (56.4609375, 10.0364)
    inst = tiny([at_depot, at_depot], [1, 1], [20, 20], [(13 * 60, 16 * 60 + 15)] * 2)
    value, _, converged = walks(inst)
    assert converged and value == 0.0
    assert_below_optimum_and_route_lp(inst)
