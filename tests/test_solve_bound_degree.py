"""The neighbour bound (solve/bound/degree.py) never exceeds the true optimum."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bound import brute_force_optimum, tiny

from bogbus.solve.bound.degree import neighbour_bound
from bogbus.travel import build_travel


def nb(inst):
    return neighbour_bound(inst, build_travel(inst), list(inst.stops))


coord = st.tuples(st.floats(56.35, 56.65), st.floats(9.80, 10.30))
window = st.sampled_from([(13 * 60, 16 * 60 + 15), (14 * 60, 19 * 60), (16 * 60, 19 * 60),
                          (9 * 60, 12 * 60)])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coord, st.sampled_from([1, 2]), st.sampled_from([20, 30, 45, 60]),
                          window), min_size=1, max_size=4))
def test_neighbour_bound_never_exceeds_brute_force_optimum(rows):
    inst = tiny([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                [r[3] for r in rows])
    opt = brute_force_optimum(inst)
    b = nb(inst)
    if opt is None:
        return  # nothing feasible: there is no optimum to bound
    assert b.status == "neighbour" and b.lower_km is not None
    assert 0 <= b.lower_km <= opt + 1e-9  # 0 when a stop sits at the depot


def test_one_stop_is_at_least_its_round_trip_half():
    inst = tiny([(56.60, 10.00)], [1], [30], [(13 * 60, 16 * 60)], days=("mon",))
    opt = brute_force_optimum(inst)
    assert opt / 2 <= nb(inst).lower_km <= opt


def test_spread_stops_are_bounded_usefully():
    # three stops around the depot, each ~10 km from the others: every leg is long, so
    # each stop's cheapest legs in and out are most of the tour
    pts = [(56.52, 10.04), (56.43, 10.12), (56.43, 9.95)]
    inst = tiny(pts, [1] * 3, [20] * 3, [(13 * 60, 19 * 60)] * 3, days=("wed",))
    opt = brute_force_optimum(inst)
    assert 0.6 * opt < nb(inst).lower_km <= opt


def test_close_stops_far_away_give_a_weak_but_valid_bound():
    # the documented weakness: a cluster far from the depot is bounded by its short
    # inner legs, not by the long drive out (docs/lower-bound.md)
    pts = [(56.70, 10.30 + 0.02 * k) for k in range(4)]
    inst = tiny(pts, [1] * 4, [20] * 4, [(13 * 60, 19 * 60)] * 4, days=("wed",))
    assert 0 < nb(inst).lower_km <= brute_force_optimum(inst)


def test_windows_that_forbid_a_neighbour_raise_the_bound():
    # two close stops whose windows cannot follow each other: each must come from and
    # go back to the depot, unlike with wide windows
    pts = [(56.70, 10.30), (56.701, 10.301)]
    tight = tiny(pts, [1, 1], [60, 60], [(13 * 60, 14 * 60), (13 * 60, 14 * 60)], days=("mon",
                                                                                          "tue"))
    wide = tiny(pts, [1, 1], [60, 60], [(13 * 60, 16 * 60), (13 * 60, 16 * 60)], days=("mon",))
    assert nb(tight).lower_km > nb(wide).lower_km + 5
    assert nb(tight).lower_km <= brute_force_optimum(tight)


def test_a_stop_that_fits_no_shift_makes_it_unavailable():
    inst = tiny([(56.60, 10.00)], [1], [30], [(20 * 60, 21 * 60)], days=("mon",))
    b = nb(inst)
    assert b.lower_km is None and "S01" in b.note
