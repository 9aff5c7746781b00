"""The bound beside the search (solve/bound/job.py): what the child reports, and the
bound for the stops a plan serves when it leaves some unserved (`narrow`)."""

from __future__ import annotations

import time

from test_bound import brute_force_optimum, tiny

from bogbus.solve.bound import BoundJob, template_lower_bound
from bogbus.travel import build_travel

POINTS = [(56.45, 10.02), (56.52, 10.20), (56.40, 9.90), (56.60, 10.10)]
WINDOW = (13 * 60, 16 * 60 + 15)


def four():
    return tiny(POINTS, [1, 2, 1, 2], [30, 45, 30, 20], [WINDOW] * 4)


def test_without_narrowing_the_bound_is_for_every_stop():
    inst = four()
    travel = build_travel(inst)
    every = {s.id for s in inst.stops}
    job = BoundJob(inst, travel, every, det_limit=2.0, seed=0,
                   deadline=time.perf_counter() + 60)
    got = job.result(until=time.perf_counter() + 60)
    alone = template_lower_bound(inst, travel, every, float("inf"), det_limit=2.0)
    assert got is not None and got.final and not got.narrowed
    assert got.lower_km == alone.lower_km


def test_narrowed_the_child_answers_for_the_stops_served():
    inst = four()
    travel = build_travel(inst)
    every = {s.id for s in inst.stops}
    served = every - {"S02"}
    job = BoundJob(inst, travel, every, det_limit=2.0, seed=0,
                   deadline=time.perf_counter() + 60)
    assert job.narrow(served, float("inf"), until=time.perf_counter() + 30)
    got = job.result(until=time.perf_counter() + 60)
    assert got is not None and got.final and got.narrowed
    fewer = template_lower_bound(inst, travel, served, float("inf"), det_limit=1.0)
    assert got.lower_km == fewer.lower_km
    full = template_lower_bound(inst, travel, every, float("inf"), det_limit=2.0)
    assert got.lower_km < full.lower_km  # the bound for all stops would be wrong here
    rest = [0, 2, 3]
    opt = brute_force_optimum(tiny([POINTS[i] for i in rest], [1, 1, 2], [30, 30, 20],
                                   [WINDOW] * 3))
    assert opt is not None and got.lower_km <= opt + 1e-9


def test_a_plan_that_leaves_a_stop_unserved_carries_the_bound_of_the_stops_it_serves():
    from test_solve_unserved import tied

    from bogbus.calendar import parse_quarter
    from bogbus.solve import plan_quarter

    inst = tied()  # Wednesday evening holds two of the three stops
    res = plan_quarter(inst, parse_quarter("2027Q1"), time_limit_s=6)
    served = set(res.template.options)
    assert len(served) == 2 and res.bound is not None and res.bound.narrowed
    fewer = template_lower_bound(inst, build_travel(inst), served, res.template.cost,
                                 det_limit=1.0)
    assert res.bound.lower_km == fewer.lower_km <= res.template.cost + 1e-9
