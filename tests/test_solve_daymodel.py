import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bogbus.model import BreakRule, Site
from bogbus.solve.daymodel import DayNode, DayProblem, build_day_model, overloaded, solve_day
from bogbus.travel.greatcircle import greatcircle_matrix

PTS = [("DEPOT", 56.4607, 10.0364), ("A", 56.44, 10.15), ("B", 56.54, 10.04),
       ("C", 56.65, 10.26), ("D", 56.39, 9.89), ("E", 56.43, 9.79)]
M = greatcircle_matrix([Site(i, "stop", i, la, lo) for i, la, lo in PTS], 1.3, 50)
IDX = M.index()
BRK = BreakRule(30, 11 * 60, 13 * 60 + 30)


def node(sid, dur=30, lo=13 * 60, hi=18 * 60, step=5):
    return DayNode(sid, IDX[sid], dur, lo, hi, step)


def problem(nodes, scenarios, **kw):
    return DayProblem(kw.pop("start", 10 * 60), kw.pop("end", 19 * 60 + 30), 0, tuple(nodes),
                      tuple(frozenset(s) for s in scenarios), M.km, M.minutes,
                      kw.pop("brk", BRK), kw.pop("max_km", None))


def tour_km(order):
    seq = [0] + [IDX[s] for s in order] + [0]
    return sum(M.km[a][b] for a, b in zip(seq, seq[1:]))


def test_single_week_matches_brute_force_optimum():
    ids = ["A", "B", "C", "D"]
    sol = solve_day(problem([node(s) for s in ids], [ids]))
    best = min(tour_km(p) for p in itertools.permutations(ids))
    assert sol is not None and sol.status == "optimal"
    assert abs(sol.routes[0].km - round(best, 1)) < 0.06


def test_shared_times_across_weeks_and_timing_is_consistent():
    nodes = [node(s) for s in "ABCDE"]
    sol = solve_day(problem(nodes, [{"A", "B", "C"}, {"A", "B", "D", "E"}]))
    assert sol is not None
    for r in sol.routes:
        times = [sol.times[s] for s in r.order]
        assert times == sorted(times)
        prev_dep, prev_idx = r.start, 0
        for s in r.order:  # every arrival is reachable after the previous departure
            assert sol.times[s] >= prev_dep + M.minutes[prev_idx][IDX[s]]
            prev_dep, prev_idx = sol.times[s] + 30, IDX[s]
        assert r.end >= prev_dep + M.minutes[prev_idx][0]
        assert BRK.earliest <= r.break_start <= BRK.latest - BRK.minutes
    assert all(t % 5 == 0 for t in sol.times.values())


def test_infeasible_when_window_too_short():
    nodes = [node(s, dur=60, lo=14 * 60, hi=15 * 60) for s in "ABC"]
    assert solve_day(problem(nodes, [{"A", "B", "C"}])) is None


def test_max_km_is_a_hard_limit():
    ids = ["C", "E"]  # far apart: north-east and west
    free = solve_day(problem([node(s) for s in ids], [ids]))
    assert free is not None
    assert solve_day(problem([node(s) for s in ids], [ids], max_km=free.routes[0].km - 1)) is None


def test_break_fits_between_drives():
    # one visit at 13:00 sharp forces the break before it, after departure
    sol = solve_day(problem([node("A", lo=13 * 60, hi=13 * 60)], [{"A"}], start=8 * 60 + 30))
    r = sol.routes[0]
    assert r.break_start >= r.start
    assert r.break_start + 30 + M.minutes[0][IDX["A"]] <= 13 * 60


def test_weeks_with_the_same_stops_share_one_circuit_and_count_each_week():
    # a 5- and a 7-weekly stop on one day: 35 weeks, three different ones
    a, b = "A", "B"
    weeks = [{s for s, e in ((a, 5), (b, 7)) if k % e == 0} for k in range(35)]
    nodes = [node(a), node(b)]
    sol = solve_day(problem(nodes, weeks))
    assert sol is not None and len(sol.routes) == 35
    for k, r in enumerate(sol.routes):
        assert set(r.order) == weeks[k]
    ab = round(min(tour_km(p) for p in itertools.permutations([a, b])), 1)
    # the same day as a three-week problem, each week once: the same routes and times
    short = solve_day(problem(nodes, [{a, b}, {a}, {b}]))
    assert short is not None and short.times == sol.times
    assert abs(short.routes[0].km - ab) < 0.06
    # week 0 has both, 6 weeks only the 5-weekly one, 4 only the 7-weekly one
    assert sum(r.km for r in sol.routes) == pytest.approx(sum(
        w * r.km for w, r in zip((1, 6, 4), short.routes)))
    # one circuit per different week (and the empty weeks), not 35
    dm = build_day_model(problem(nodes, weeks))
    assert dm is not None and len(dm.built) == 4 and len(dm.of_week) == 35


def test_visits_that_outlast_the_interval_their_windows_allow_are_overloaded():
    """A and B, an hour each, must both lie in 13:00–14:45 with the drive between them:
    infeasible without routing, and the exact model agrees; with B's window to 16:00
    the interval is not overloaded and the day is feasible."""
    M_AB = M.minutes[IDX["A"]][IDX["B"]]
    assert M_AB > 15  # the drive is what does not fit
    tight = problem([node("A", dur=60, lo=13 * 60, hi=13 * 60 + 45),
                     node("B", dur=60, lo=13 * 60, hi=13 * 60 + 45)], ["AB"])
    assert overloaded(tight)
    assert solve_day(tight) is None
    loose = problem([node("A", dur=60, lo=13 * 60, hi=13 * 60 + 45),
                     node("B", dur=60, lo=13 * 60, hi=15 * 60)], ["AB"])
    assert not overloaded(loose)
    assert solve_day(loose) is not None


def test_an_overloaded_week_among_feasible_ones_makes_the_day_overloaded():
    """Weeks are routed apart but share times: one overloaded week is enough."""
    nodes = [node(s, dur=45, lo=13 * 60, hi=14 * 60) for s in "ABC"]
    p = problem(nodes, ["A", "AB", "ABC"])
    assert overloaded(p)
    assert not overloaded(problem(nodes, ["A", "B", "C"]))


@st.composite
def odd_day_problems(draw):
    """Small days over a travel matrix that breaks the triangle inequality (detours
    shorter than the direct drive, asymmetric): the proof must not rely on it."""
    n = 5
    minutes = [[0 if a == b else draw(st.integers(1, 60)) for b in range(n)] for a in range(n)]
    km = [[m * 0.8 for m in row] for row in minutes]
    ids = "ABCD"
    nodes = []
    for i, sid in enumerate(ids, start=1):
        lo = draw(st.sampled_from([9 * 60, 12 * 60, 13 * 60, 14 * 60]))
        width = draw(st.sampled_from([0, 15, 45, 90, 180]))
        nodes.append(DayNode(sid, i, draw(st.sampled_from([15, 30, 45, 60])), lo, lo + width, 5))
    weeks = draw(st.lists(st.sets(st.sampled_from(ids), min_size=1), min_size=1, max_size=2))
    brk = draw(st.sampled_from([BRK, None]))
    return DayProblem(8 * 60 + 30, 16 * 60 + 30, 0, tuple(nodes),
                      tuple(frozenset(w) for w in weeks), tuple(map(tuple, km)),
                      tuple(map(tuple, minutes)), brk, None)


@settings(max_examples=150, deadline=None)
@given(odd_day_problems())
def test_an_overloaded_day_has_no_timing_in_the_exact_model(p):
    if overloaded(p):
        assert solve_day(p, det_limit=20) is None
