"""solve/steady.py: institutions get an on-grid slot — their preferred time when the
route allows, otherwise the earliest feasible one — with stop times and km unchanged."""

from __future__ import annotations

import dataclasses
from datetime import date

from factories import daycare, instance, nursing_home, stop
from hypothesis import given, settings
from hypothesis import strategies as st

from bogbus.solve.outreach import DatedDay
from bogbus.solve.steady import steady_timing
from bogbus.travel import build_travel

DAY = date(2027, 1, 5)  # a Tuesday


def _setup(pref=None, step=5):
    inst = instance([stop(1, 56.44, 10.15, dur=45, window=(13 * 60, 16 * 60)),
                     daycare(1, 56.47, 10.12, preferred_time=pref),
                     nursing_home(1, 56.43, 10.00)])
    inst = dataclasses.replace(inst, settings=dataclasses.replace(inst.settings,
                                                                  round_to_min=step))
    travel = build_travel(inst)
    dd = DatedDay("bogbus", DAY, (8 * 60 + 30, 16 * 60 + 30), {"S01": 14 * 60})
    return inst, travel, dd


def test_earliest_on_grid_and_stop_time_kept():
    inst, travel, dd = _setup()
    t = steady_timing(inst, travel, dd, ["D01", "N01", "S01"])
    arr = dict(zip(t.order, t.arrivals))
    assert arr["S01"] == 14 * 60
    assert arr["D01"] == 8 * 60 + 45  # the daycare's earliest: not pushed late
    assert all(a % 5 == 0 for s, a in arr.items())
    drive = travel.minutes[travel.index()["D01"]][travel.index()["N01"]]
    assert arr["N01"] == max(9 * 60 + 30, -(-(arr["D01"] + 30 + drive) // 5) * 5)


def test_preferred_time_when_the_route_allows():
    inst, travel, dd = _setup(pref=10 * 60)
    t = steady_timing(inst, travel, dd, ["D01", "N01", "S01"])
    assert dict(zip(t.order, t.arrivals))["D01"] == 10 * 60


def test_preferred_time_outside_the_window_is_clamped_to_it():
    # window 08:45–11:30 with a 30-min visit: the latest start is 11:00
    inst, travel, dd = _setup(pref=11 * 60 + 15)
    t = steady_timing(inst, travel, dd, ["D01", "N01", "S01"])
    assert dict(zip(t.order, t.arrivals))["D01"] == 11 * 60


def test_preferred_time_the_route_cannot_keep_falls_back_to_earliest():
    # the nursing home first, then the daycare: a preferred 08:45 is before the bus can
    # be there, so the daycare gets the earliest on-grid time after the nursing home
    inst, travel, dd = _setup(pref=8 * 60 + 45)
    t = steady_timing(inst, travel, dd, ["N01", "D01", "S01"])
    arr = dict(zip(t.order, t.arrivals))
    idx = travel.index()
    assert arr["N01"] == 9 * 60 + 30
    assert arr["D01"] == -(-(arr["N01"] + 30 + travel.minutes[idx["N01"]][idx["D01"]]) // 5) * 5


@settings(max_examples=25, deadline=None)
@given(step=st.sampled_from([1, 5, 10, 15]), pref=st.one_of(st.none(),
                                                            st.integers(8 * 60, 11 * 60)))
def test_any_grid_gives_grid_times_or_none(step, pref):
    inst, travel, dd = _setup(pref=pref, step=step)
    t = steady_timing(inst, travel, dd, ["D01", "N01", "S01"])
    assert t is not None
    for sid, a in zip(t.order, t.arrivals):
        if sid != "S01":
            assert a % step == 0
    assert round(t.km, 1) == round(steady_timing(inst, travel, dd, ["D01", "N01", "S01"]).km, 1)
