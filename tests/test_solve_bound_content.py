"""The shared-arrival-time bound (bound_content.py): complete pricing, valid costs, and
a case where the coupling it adds is what lifts the bound to the optimum."""

from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
import test_bound
from factories import LUNCH, instance, vehicle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bound import _shared_times_feasible, bound_of, brute_force_optimum, tiny

from bogbus.bench.municipality import SHAPES, generate, write
from bogbus.io.source import load_source
from bogbus.solve.bound import core, template_lower_bound
from bogbus.solve.bound.content import (
    EVAL_DET,
    MAX_LISTED,
    MAX_STEPS,
    PROBE_STEPS,
    TOL,
    DayClass,
    _canonical,
    _held_by_cut,
    _longer,
    content_bound,
    content_probe,
    day_classes,
    exact_cost,
    list_contents,
)
from bogbus.solve.bound.core import route_pools
from bogbus.solve.bound.qroute import qroute_bound
from bogbus.solve.fastday import UNDECIDED
from bogbus.solve.template import TemplateSearch
from bogbus.travel import build_travel

EVERY_DAY = [(9 * 60, 16 * 60)] * 2
EARLY = [(9 * 60, 9 * 60 + 45)] * 2  # 30-minute visits: arrive 09:00–09:15


def crossing():
    """Two weekly stops A (west) and B (east), and two fortnightly stops that must be
    served first thing in the morning, one beyond A and one beyond B. Each week alone
    would run F→A→B or F→B→A along the line; with one arrival time for A and B in both
    weeks, one of the weeks has to cross over."""
    pts = [(56.46, 9.90), (56.46, 10.17), (56.50, 9.85), (56.50, 10.22)]
    return tiny(pts, [1, 1, 2, 2], [30] * 4, EVERY_DAY + EARLY, days=("mon",), brk=None)


def uncoupled_optimum(inst) -> float | None:
    """The brute force with each week timed on its own (the week-route relaxation)."""
    orig = test_bound._shared_times_feasible
    test_bound._shared_times_feasible = lambda i, tr, v, d, weeks: all(
        orig(i, tr, v, d, [w]) for w in weeks)
    try:
        return brute_force_optimum(inst)
    finally:
        test_bound._shared_times_feasible = orig


def test_the_shared_times_lift_the_bound_to_the_optimum():
    inst = crossing()
    opt, loose = brute_force_optimum(inst), uncoupled_optimum(inst)
    assert opt - loose > 5  # the coupling matters here: one week must cross over
    b = bound_of(inst, upper=opt)
    assert b.status in ("shared", "shared-integer", "optimal")
    assert loose + 5 < b.lower_km <= opt  # far above the old relaxation's optimum
    assert opt - b.lower_km <= 0.1 * 10  # and tight up to the downward rounding of legs


def test_the_optimum_found_is_a_real_timetable():
    # no known upper bound: the probes climb until one finds the relaxation's optimum,
    # which serves every stop on days the planner's own day model can drive
    inst = crossing()
    travel = build_travel(inst)
    b = template_lower_bound(inst, travel, {s.id for s in inst.stops}, float("inf"),
                             det_limit=5.0)
    assert b.status == "optimal" and b.witness
    search = TemplateSearch(inst, travel)
    served = [sid for _, _, content in b.witness for sid, _ in content]
    assert sorted(served) == sorted(s.id for s in inst.stops)
    km = sum(search.evaluate((veh, day), frozenset(content)).mean_km
             for veh, day, content in b.witness)
    assert b.lower_km <= km + 1e-9 and km - b.lower_km <= 0.1 * 10
    assert abs(km - brute_force_optimum(inst)) < 1e-6


def test_exact_cost_lies_between_the_week_routes_and_the_planner():
    inst = crossing()
    travel = build_travel(inst)
    stops = sorted(inst.stops, key=lambda s: s.id)
    pools, _ = route_pools(inst, travel, stops)
    (cls,) = day_classes(inst, travel, stops, pools)
    ids = [s.id for s in cls.cand]
    bit = {sid: 1 << j for j, sid in enumerate(ids)}
    weeks = (bit["S01"] | bit["S02"] | bit["S03"], bit["S01"] | bit["S02"] | bit["S04"])
    value, _ = exact_cost(cls, weeks, 2, 0, 5.0, None)
    relaxed = sum(cls.route_cost(m) for m in weeks) / 2
    real = TemplateSearch(inst, travel).evaluate(
        ("bogbus", "mon"), frozenset({("S01", 0), ("S02", 0), ("S03", 0), ("S04", 1)}))
    assert relaxed < value <= real.mean_km * 10 + 1e-9  # 0.1 km; legs floored


def test_a_cut_column_generation_still_gives_a_proven_bound():
    inst = crossing()
    travel = build_travel(inst)
    stops = sorted(inst.stops, key=lambda s: s.id)
    pools, _ = route_pools(inst, travel, stops)
    full = content_bound(stops, day_classes(inst, travel, stops, pools), 2, det_limit=10.0)
    assert full.converged
    for rounds in (1, 2, 3):
        cut = content_bound(stops, day_classes(inst, travel, stops, pools), 2,
                            det_limit=10.0, max_rounds=rounds)
        assert cut.value is None or cut.value <= full.value + 1e-6



@pytest.fixture(scope="module")
def cycle6(tmp_path_factory):
    """8 stops of the 18-1 shape (1-, 2- and 3-weekly: cycle 6), where the master's
    duals jump for 8–12 rounds before the LP converges."""
    sh = SHAPES["18-1"]
    folder = tmp_path_factory.mktemp("cycle6")
    write(folder, *generate(8, sh.vehicles, 0, cycles=sh.cycles, restricted=sh.restricted,
                            ebus_km=sh.ebus_km, summer=sh.summer))
    inst = load_source(str(folder))
    travel = build_travel(inst)
    stops = sorted(inst.stops, key=lambda s: s.id)
    pools, _ = route_pools(inst, travel, stops)
    return stops, lambda: day_classes(inst, travel, stops, pools)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(alpha=st.floats(0.0, 0.95), rounds=st.integers(1, 12))
def test_smoothed_pricing_gives_proven_values_and_the_same_lp(cycle6, alpha, rounds):
    """The Lagrangian value at smoothed duals is a bound at every round, and smoothing
    changes only the way to the LP optimum, not the optimum. It fails if the value at
    smoothed duals is read off the LP's value, or if convergence is declared at
    smoothed duals (then a content the LP wants may never be priced)."""
    stops, classes = cycle6
    plain = content_bound(stops, classes(), 6, det_limit=30.0, alpha=0.0)
    assert plain.converged
    smooth = content_bound(stops, classes(), 6, det_limit=30.0, alpha=alpha)
    assert smooth.converged and abs(smooth.value - plain.value) < 1e-4  # TOL per class
    seen: list[float] = []
    cut = content_bound(stops, classes(), 6, det_limit=30.0, alpha=alpha, max_rounds=rounds,
                        report=seen.append)
    assert seen and all(v <= plain.value + 1e-4 for v in seen)
    assert cut.value is None or cut.value <= plain.value + 1e-4

def _cost_every_listed_content(classes, res, L: int, target: float) -> int:
    """What the probe did before it costed lazily: every content it lists, costed."""
    slack = target - res.lp + TOL
    n = 0
    for c, cls in enumerate(classes):
        pis = np.array([res.pi[s.id] for s in cls.cand]) * cls.every / L
        g = cls.costs / L - cls.member @ pis
        listed, rest = list_contents(cls, g, L, res.mu[c] + slack, MAX_LISTED, PROBE_STEPS)
        assert rest >= res.mu[c] + slack  # complete: the probe decides
        for _, masks in listed:
            exact_cost(cls, masks, L, 0, EVAL_DET, None)
            n += 1
    return n


@pytest.fixture(scope="module")
def probe_cases(tmp_path_factory):
    """Two day sets a probe must climb: the crossing example (a week must cross over,
    so its contents cost more than their week-routes), and 10 stops of the 18-1 shape
    (seed 1), whose shared-time LP (947.6) lies 4 % under the best timetable (987.2)."""
    sh = SHAPES["18-1"]
    folder = tmp_path_factory.mktemp("integral_gap")
    write(folder, *generate(10, sh.vehicles, 1, cycles=sh.cycles, restricted=sh.restricted,
                            ebus_km=sh.ebus_km, summer=sh.summer))
    cases = []
    for inst in (crossing(), load_source(str(folder))):
        travel = build_travel(inst)
        stops = sorted(inst.stops, key=lambda s: s.id)
        pools, _ = route_pools(inst, travel, stops)
        cases.append((stops, lambda i=inst, t=travel, s=stops, p=pools: day_classes(i, t, s, p),
                      math.lcm(*(s.every_weeks for s in stops))))
    return cases


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=st.integers(0, 1), rise=st.floats(0.0, 0.2))
def test_a_probe_that_costs_only_what_it_wants_answers_as_one_that_costs_all(probe_cases,
                                                                            case, rise):
    """The probe's partitioning starts from the contents' relaxed costs and costs
    exactly only those an answer wants; its answer ("none", or the optimum and its
    value) must be the one it gives with every listed content costed first. Both run
    on days with nothing costed yet. It fails if an answer that still uses a relaxed
    cost is taken as the optimum (the crossing example then gives 55.2 km for 64.7)."""
    stops, classes, L = probe_cases[case]
    res = content_bound(stops, classes(), L, det_limit=30.0)
    assert res.converged
    target = res.lp * (1 + rise)
    eager_classes = classes()
    _cost_every_listed_content(eager_classes, res, L, target)
    eager = content_probe(stops, eager_classes, L, res, target, seed=0, det_limit=30.0)
    lazy = content_probe(stops, classes(), L, res, target, seed=0, det_limit=30.0)
    assert eager[0] in ("none", "optimal")
    assert lazy[0] == eager[0] and abs(lazy[1] - eager[1]) < 1e-9


def test_a_content_run_backwards_is_the_same_column(cycle6):
    """Weeks run backwards (week k → −k) keep every stop's rhythm and one arrival
    time, so the cost is the same and the master keeps one column. It fails if the
    mirror is not in the canonical form, or if a mirrored content were not a content
    (then its cost would differ or no day could drive it)."""
    stops, classes = cycle6
    ahead, behind = classes(), classes()
    checked = 0
    for cls, other in zip(ahead, behind):
        listed, _ = list_contents(cls, cls.costs / 6, 6, 1e9, 40)
        for _, weeks in listed:
            back = (weeks[0], *weeks[:0:-1])
            assert _consistent(back, [int(e) for e in cls.every])
            assert _canonical(back, cls.every) == _canonical(weeks, cls.every)
            if back in _rotations(weeks):
                continue
            checked += 1
            cls.exact.clear()  # no cache between the two: each costed on its own
            assert exact_cost(cls, weeks, 6, 0, 5.0, None)[0] == exact_cost(
                other, back, 6, 0, 5.0, None)[0]
            other.exact.clear()
    assert checked >= 10


def test_a_listing_cut_below_what_it_listed_lists_longer_then_backs_off():
    # the floor of a cut listing (rest) under its 16th content holds the bound: list
    # longer once; cut again, go back to the short listing and wait 2, then 4 rounds
    listed = [(float(-t), (1,)) for t in range(16, 0, -1)]
    assert _held_by_cut(listed, -30.0, 16, 0.0)
    assert not _held_by_cut(listed, -1.0, 16, 0.0)  # full and not cut: rest = the 16th
    assert not _held_by_cut(listed[:3], 0.0, 16, 0.0)  # not full: rest = the limit
    assert _held_by_cut(listed[:3], -0.5, 16, 0.0)  # cut before it was full
    budget, hold = [MAX_STEPS], [[0, 1]]
    seen = []
    for _ in range(10):
        _longer(0, budget, hold, True)
        seen.append(budget[0] // MAX_STEPS)
    assert seen == [4, 1, 1, 1, 4, 1, 1, 1, 1, 1]
    budget = [MAX_STEPS]
    for want in (4, 16, 16):  # nothing new found: the master cannot move, list longer
        _longer(0, budget, hold, False)
        assert budget[0] == want * MAX_STEPS


# -- the listing behind the pricing: complete, for every pool and every dual ---------

def _consistent(weeks: tuple[int, ...], every: list[int]) -> bool:
    """Each candidate lies in no week, or in exactly the weeks k ≡ p (mod its rhythm)."""
    L = len(weeks)
    for j, e in enumerate(every):
        inside = {k for k in range(L) if weeks[k] >> j & 1}
        if inside and not any(inside == set(range(p, L, e)) for p in range(e)):
            return False
    return True


def _rotations(weeks: tuple[int, ...]) -> set[tuple[int, ...]]:
    return {weeks[s:] + weeks[:s] for s in range(len(weeks))}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([([1, 2, 2], 2), ([1, 1, 2, 2], 2), ([1, 2, 4], 4), ([2, 4, 4], 4),
                        ([1, 2, 3], 6), ([1, 3, 3], 3), ([2, 3, 3], 6), ([1, 3, 6], 6)]),
       st.data())
def test_listing_misses_no_content_below_what_it_reports(shape, data):
    """Also for cycles of 3 and 6 weeks, where the later weeks are fixed by the first
    ones and the listing prunes on them (content.py `_Lookahead`)."""
    every, L = shape
    n = len(every)
    most = 8 if L <= 4 else 4  # every week combination is checked below: masks ** L
    masks = sorted({0, *data.draw(st.lists(st.integers(1, 2 ** n - 1), max_size=most))})
    g = np.array([data.draw(st.floats(-5, 5)) for _ in masks])
    limit = data.draw(st.floats(-10, 10))
    keep = data.draw(st.integers(1, 6))
    steps = data.draw(st.sampled_from([None, 1, 3, 10]))  # a cut listing must stay true
    cls = DayClass([("bogbus", "mon")], [], lambda scen: None, np.array(masks, dtype=np.int64),
                   np.zeros(len(masks)), np.zeros((len(masks), n)), np.array(every))
    listed, rest = list_contents(cls, g, L, limit, keep, steps)
    value = dict(zip(masks, g))
    assert len(listed) <= keep and rest <= limit
    totals = [t for t, _ in listed]
    assert totals == sorted(totals)
    seen = set()
    for total, weeks in listed:
        assert _consistent(weeks, every) and total < limit
        assert abs(total - sum(value[m] for m in weeks)) < 1e-9
        seen |= _rotations(weeks)
    for weeks in itertools.product(masks, repeat=L):
        if _consistent(weeks, every) and weeks not in seen:
            assert sum(value[m] for m in weeks) >= rest - 1e-9


def test_brute_force_counts_the_break_and_the_grid():
    # the brute force that checks the bound must itself keep the rules the bound keeps:
    # a 30-minute stop at 11:00-11:40 leaves no room for a lunch break before 11:30 ...
    inst = tiny([(56.46, 10.00)], [1], [30], [(11 * 60, 11 * 60 + 40)], days=("mon",),
                brk=LUNCH)
    travel = build_travel(inst)
    v = inst.settings.vehicles[0]
    assert _shared_times_feasible(inst, travel, v, "mon", [("S01",)])  # break after it
    late = tiny([(56.46, 10.00)], [1], [150], [(11 * 60, 13 * 60 + 40)], days=("mon",),
                brk=LUNCH)
    # ... but a 150-minute visit from 11:00 covers the whole break window: infeasible
    assert not _shared_times_feasible(late, build_travel(late), late.settings.vehicles[0],
                                      "mon", [("S01",)])


def test_enumerated_and_cp_sat_costs_agree():
    # contents are costed by fastday's enumeration when small, by CP-SAT otherwise:
    # on every content of a day the two must give the same floored-km optimum
    inst = tiny([(56.46, 9.90), (56.46, 10.17), (56.50, 9.85), (56.50, 10.22),
                 (56.42, 10.05)], [1, 1, 2, 2, 2], [30, 20, 30, 30, 45],
                EVERY_DAY + EARLY + [(12 * 60, 16 * 60)], days=("mon",), brk=LUNCH)
    travel = build_travel(inst)
    stops = sorted(inst.stops, key=lambda s: s.id)
    pools, _ = route_pools(inst, travel, stops)
    (cls,) = day_classes(inst, travel, stops, pools)
    listed, _ = list_contents(cls, np.zeros(len(cls.masks)), 2, 1.0, 10_000)
    assert len(listed) > 20

    class Undecided:
        def solve(self, problem):
            return UNDECIDED

    slow = DayClass(cls.days, cls.cand, cls.problem, cls.masks, cls.costs, cls.member,
                    cls.every, fast=Undecided())
    for _, weeks in listed:
        assert exact_cost(cls, weeks, 2, 0, 5.0, None)[0] == exact_cost(
            slow, weeks, 2, 0, 5.0, None)[0]


def test_a_probe_whose_listing_is_cut_never_decides(monkeypatch):
    # the probe answers "none" or "optimal" only over a complete listing: cut to a few
    # steps (as MAX_STEPS cut the busy Wednesday of a 36-stop kommune at every probe)
    # it says nothing and the bound stays the LP's; with its own budget (PROBE_STEPS)
    # the same probes find the optimum
    import bogbus.solve.bound.content as content

    inst = crossing()
    travel = build_travel(inst)
    every = {s.id for s in inst.stops}
    monkeypatch.setattr(content, "PROBE_STEPS", 1)
    cut = template_lower_bound(inst, travel, every, float("inf"), det_limit=5.0)
    monkeypatch.setattr(content, "PROBE_STEPS", 16 * content.MAX_STEPS)
    full = template_lower_bound(inst, travel, every, float("inf"), det_limit=5.0)
    assert cut.status == "shared" and not cut.witness
    assert full.status == "optimal" and full.witness and full.lower_km >= cut.lower_km


def _one_day_too_wide(monkeypatch, wide_size: int) -> None:
    """Route enumeration gives up (as on a day with too many routes) for every day
    with exactly `wide_size` candidates."""
    real = core.enumerate_routes

    def enumerate_routes(cands, *args, **kw):
        return None if len(cands) == wide_size else real(cands, *args, **kw)

    monkeypatch.setattr(core, "enumerate_routes", enumerate_routes)


def crossing_beside_a_wide_day():
    """`crossing()` on Tuesdays, and one stop that only Monday serves."""
    inst = crossing()
    moved = [replace(s, days=("tue",)) for s in inst.stops]
    far = replace(moved[0], id="S09", lat=56.70, lon=10.30, days=("mon",))
    return instance([*moved, far], [vehicle(days=("mon", "tue"), brk=None)])


def test_days_too_wide_for_routes_become_walks_and_the_others_keep_shared_times(monkeypatch):
    inst = crossing_beside_a_wide_day()
    opt = brute_force_optimum(inst)
    walks_only = qroute_bound(inst, build_travel(inst), list(inst.stops))[0]
    _one_day_too_wide(monkeypatch, 1)  # Monday, with its one stop
    b = bound_of(inst, upper=opt)
    assert b.status == "shared-walks"
    # Tuesday's weekly stops keep one time, so one of its weeks crosses over: the
    # walks alone cannot see that (as the week-routes could not, above)
    assert walks_only + 5 < b.lower_km <= opt


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.tuples(st.floats(56.35, 56.65), st.floats(9.80, 10.30)),
                          st.sampled_from([1, 2]), st.sampled_from([20, 30, 45]),
                          st.sampled_from([(13 * 60, 16 * 60), (9 * 60, 12 * 60),
                                           (10 * 60, 16 * 60)]),
                          st.sampled_from([("mon",), ("wed",), ("mon", "wed")])),
                min_size=2, max_size=4))
def test_the_mixed_bound_lies_between_the_walks_and_the_optimum(rows):
    """Wednesday's routes "too many": its stops are walks, Monday keeps contents. The
    bound must stay a relaxation (≤ the brute-force optimum) and never fall below the
    LP over walks it started from."""
    sites = [test_bound.stop(i + 1, la, lo, every=e, dur=d, window=w, days=days)
             for i, ((la, lo), e, d, w, days) in enumerate(rows)]
    inst = instance(sites, [vehicle(days=("mon", "wed"), brk=LUNCH)])
    opt = brute_force_optimum(inst)
    if opt is None:
        return  # no timetable serves them all: nothing to bound
    travel = build_travel(inst)
    walks_only = qroute_bound(inst, travel, list(inst.stops))[0]
    with pytest.MonkeyPatch.context() as mp:
        real = core.enumerate_routes
        mp.setattr(core, "enumerate_routes", lambda cands, dep, start, *a, **kw:
                   None if start == 10 * 60 else real(cands, dep, start, *a, **kw))
        b = template_lower_bound(inst, travel, {s.id for s in inst.stops}, opt, det_limit=2.0)
    assert b.lower_km is not None and b.lower_km <= opt + 1e-9
    if walks_only is not None:
        assert b.lower_km >= walks_only - 1e-9


def test_a_walk_day_serves_a_fortnightly_stop_every_other_week(monkeypatch):
    """On a walk day a fortnightly stop is a visit in half of the weeks: its walk
    covers it twice over per visit (one week stands for the cycle). Counted once, the
    bound would charge a trip every week and pass the optimum."""
    sites = [test_bound.stop(1, 56.70, 10.30, every=2, window=(13 * 60, 16 * 60), days=("wed",)),
             test_bound.stop(2, 56.72, 10.28, every=2, window=(13 * 60, 16 * 60), days=("wed",)),
             test_bound.stop(3, 56.44, 10.15, days=("mon",), window=(13 * 60, 16 * 60))]
    inst = instance(sites, [vehicle(days=("mon", "wed"), brk=None)])
    opt = brute_force_optimum(inst)
    _one_day_too_wide(monkeypatch, 2)  # Wednesday, with its two fortnightly stops
    b = bound_of(inst, upper=opt)
    assert b.status == "shared-walks" and b.lower_km <= opt + 1e-9
    assert opt - b.lower_km <= 0.1 * 6  # tight up to the legs' downward rounding


def test_the_stage_with_walk_days_stops_when_interrupted(monkeypatch):
    """The bound child runs it after the walks' bound is final; when the planner asks
    for the bound of fewer stops (job.py) it must give way at once, with the walks'
    bound, rather than hold the answer until its deadline."""
    inst = crossing_beside_a_wide_day()
    _one_day_too_wide(monkeypatch, 1)
    travel = build_travel(inst)
    every = {s.id for s in inst.stops}
    asked = []

    def interrupt() -> bool:
        asked.append(1)
        return True

    b = template_lower_bound(inst, travel, every, float("inf"), det_limit=2.0,
                             interrupt=interrupt)
    assert asked and b.status == "walks"
    b = template_lower_bound(inst, travel, every, float("inf"), det_limit=2.0,
                             interrupt=lambda: False)
    assert b.status == "shared-walks"


def test_where_walk_days_are_most_days_the_walks_decide_and_nothing_waits(monkeypatch):
    """With three of four days too wide the contents cannot lift the bound much, and
    the stage would only keep the bound child, and so the plan, busy to its limit
    (`MIXED_MIN_SHARE`): the walks' bound is the answer. Below the share it runs."""
    inst = crossing_beside_a_wide_day()
    far = next(s for s in inst.stops if s.days == ("mon",))
    sites = [replace(far, days=("mon", "wed", "thu")) if s is far else s for s in inst.stops]
    inst = instance(sites, [vehicle(days=("mon", "tue", "wed", "thu"), brk=None)])
    _one_day_too_wide(monkeypatch, 1)  # Monday, Wednesday and Thursday
    assert bound_of(inst, upper=brute_force_optimum(inst)).status == "walks"
    monkeypatch.setattr(core, "MIXED_MIN_SHARE", 0.25)
    assert bound_of(inst, upper=brute_force_optimum(inst)).status == "shared-walks"
