"""The planner's day routing through the router (planner.route_day / improve_day)."""

import itertools
from datetime import date

from factories import small

from bogbus.solve.outreach import DatedDay
from bogbus.solve.planner import improve_day, route_day
from bogbus.solve.schedule import time_route
from bogbus.travel import build_travel


def setup_day(windows_for):
    inst = small()
    travel = build_travel(inst)
    idx = travel.index()
    depot = idx["DEPOT"]
    v = inst.settings.vehicles[0]
    sites = {s.id: s for s in inst.sites}
    ids = ["S01", "S02", "S05", "D01", "N01"]
    windows = {s: windows_for(sites[s]) for s in ids}
    durations = {s: sites[s].duration_min for s in ids}
    shift = (v.shifts["mon"].start, v.shifts["mon"].end)

    def timed(order):
        return time_route(list(order), windows, durations, idx, depot, travel.km,
                          travel.minutes, shift, v.break_rule, v.max_km_per_day)

    feasible = [t for t in map(timed, itertools.permutations(ids)) if t is not None]
    worst = max(feasible, key=lambda t: t.km)
    dd = DatedDay(v.name, date(2027, 1, 4), shift, {}, outreach=["D01", "N01"], timed=worst)
    return inst, travel, idx, depot, v, windows, durations, feasible, dd


def test_route_day_finds_the_best_order_from_the_worst():
    # wide windows: the order is a real routing decision, with the lunch break
    inst, travel, idx, depot, v, windows, durations, feasible, dd = setup_day(
        lambda s: (8 * 60 + 30, 16 * 60 - s.duration_min))
    best = min(t.km for t in feasible)
    assert dd.timed.km > best + 1  # the start is clearly bad
    got = route_day(dd, windows, durations, idx, depot, travel, v, seed=0)
    assert got is not None
    assert got.km == best
    assert got.break_start is not None
    again = route_day(dd, windows, durations, idx, depot, travel, v, seed=0)
    assert again == got  # deterministic


def test_improve_day_never_worse_than_the_screened_route():
    inst, travel, idx, depot, v, windows, durations, feasible, dd = setup_day(
        lambda s: (8 * 60 + 30, 16 * 60 - s.duration_min))
    out = improve_day(inst, travel, dd, seed=0)
    assert out.km <= dd.timed.km
    assert sorted(out.order) == sorted(dd.timed.order)


def test_improve_day_with_outreach_reaches_the_fewest_km_order():
    # the sites' own windows (what improve_day uses): the enumerated re-routing must
    # find the cheapest feasible order of all 120, from the dearest one
    inst, travel, idx, depot, v, windows, durations, feasible, dd = setup_day(
        lambda s: (s.earliest, s.latest - s.duration_min))
    best = min(t.km for t in feasible)
    assert dd.timed.km > best + 1
    out = improve_day(inst, travel, dd, seed=0)
    assert out.km == best
    assert sorted(out.order) == sorted(dd.timed.order)
    assert improve_day(inst, travel, dd, seed=0) == out  # deterministic
