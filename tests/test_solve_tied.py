"""Stops the data ties to one day (solve/tied.py): an unserved stop whose every day is
taken by served tied stops it cannot share a route with is proven to have no place
beside them, the search does not wait for it, and rhythms that can keep two stops in
different weeks, a second vehicle, or a slot kept by re-planning give no such proof."""

from __future__ import annotations

import time
from itertools import product
from math import lcm

from factories import instance, stop, vehicle
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from bogbus.solve.cpsat import deterministic_solver
from bogbus.solve.daymodel import DayProblem, build_day_model
from bogbus.solve.template import PROVEN, Budget, TemplateSearch
from bogbus.solve.tied import Blocker
from bogbus.travel import build_travel

EVENING = (16 * 60, 19 * 60)  # only Wednesday's shift (10:00–19:30) reaches it


def search(inst, budget=30, deadline=None, to_clock=False):
    s = TemplateSearch(inst, build_travel(inst), budget=Budget(budget), deadline=deadline)
    s.to_clock_when_unserved = to_clock
    return s


def pair(every_a=1, every_b=1, a_vehicles=None):
    """Two 100-minute evening stops: one Wednesday evening (180 minutes) holds one."""
    return instance([
        stop(1, 56.44, 10.15, every=every_a, dur=100, window=EVENING, vehicles=a_vehicles),
        stop(2, 56.45, 10.16, every=every_b, dur=100, window=EVENING, vehicles=("bus1",)),
    ], [vehicle("bus1"), vehicle("bus2")])


def cpsat_says_infeasible(s: TemplateSearch, day, ids) -> bool:
    """The same one-week question asked of the CP-SAT day model, not the enumeration."""
    v = s.instance.settings.vehicle(day[0])
    nodes = tuple(s.node(s.stops[i], *day) for i in sorted(ids))
    shift = v.shifts[day[1]]
    prob = DayProblem(shift.start, shift.end, s.depot, nodes, (frozenset(ids),), s.travel.km,
                      s.travel.minutes, v.break_rule, v.max_km_per_day)
    dm = build_day_model(prob)
    return dm is None or deterministic_solver(0, 5.0, 30.0).Solve(dm.model) == cp_model.INFEASIBLE


def test_an_unserved_stop_tied_with_two_it_cannot_join_is_proven_and_not_waited_for():
    # three 70-minute evening stops, one bus: its Wednesday holds two of them
    inst = instance([stop(i, 56.44 + i / 100, 10.15, dur=70, window=EVENING) for i in (1, 2, 3)])
    t0 = time.perf_counter()
    s = search(inst, 30, deadline=t0 + 60, to_clock=True)
    res = s.run()
    assert len(res.unserved) == 1
    (left, why), = res.unserved.items()
    others = sorted(set(s.stops) - {left})
    assert why.startswith(f"{PROVEN} while {', '.join(others)} are served:")
    assert "bogbus wed: no route of a week holds" in why
    assert not s.went_on and res.stopped_by != "clock" and time.perf_counter() - t0 < 30
    assert cpsat_says_infeasible(s, ("bogbus", "wed"), frozenset(s.stops))
    assert s.tied.tied() == {("bogbus", "wed"): ("S01", "S02", "S03")}


def test_the_proof_names_the_served_stops_and_needs_them_served():
    s = search(pair())
    a = s.stops["S01"]
    # S01 may take either bus, so bus2's Wednesday is free: no proof
    assert s.tied.days_of("S01") == (("bus1", "wed"), ("bus2", "wed"))
    assert s.tied.blockers(a, {"S02"}) is None
    only = search(pair(a_vehicles=("bus1",)))
    a = only.stops["S01"]
    assert only.tied.blockers(a, {"S02"}) == {("bus1", "wed"): Blocker(("S02",))}
    assert cpsat_says_infeasible(only, ("bus1", "wed"), frozenset({"S01", "S02"}))
    assert only.tied.blockers(a, set()) is None  # S02 unserved too: a run may serve either


def test_rhythms_that_can_keep_two_stops_apart_give_no_proof():
    # both fortnightly: opposite phases never meet
    s = search(pair(2, 2, ("bus1",)))
    assert s.tied.blockers(s.stops["S01"], {"S02"}) is None
    # fortnightly and three-weekly meet every sixth week whatever the phases
    s = search(pair(2, 3, ("bus1",)))
    assert s.tied.blockers(s.stops["S01"], {"S02"}) == {("bus1", "wed"): Blocker(("S02",))}
    # a weekly stop meets a four-weekly one in its week
    s = search(pair(1, 4, ("bus1",)))
    assert s.tied.blockers(s.stops["S01"], {"S02"}) == {("bus1", "wed"): Blocker(("S02",))}
    # four-weekly and six-weekly share a factor: phases can keep them apart
    s = search(pair(4, 6, ("bus1",)))
    assert s.tied.blockers(s.stops["S01"], {"S02"}) is None


def test_a_kept_slot_ties_nothing_and_a_kept_stop_gets_no_proof():
    s = search(pair(a_vehicles=("bus1",)))
    b = s.stops["S02"]
    s.locks["S02"] = (s.options_for(b)[0], 16 * 60)
    assert s.tied.blockers(s.stops["S01"], {"S02"}) is None  # S02's day is a choice
    s = search(pair(a_vehicles=("bus1",)))
    a = s.stops["S01"]
    s.locks["S01"] = (s.options_for(a)[0], 16 * 60)
    assert s.tied.blockers(a, {"S02"}) is None


def test_a_day_the_stop_cannot_use_even_alone_does_not_save_it():
    # S01 may also take bus2, but bus2 may drive 1 km a day: not even S01 alone fits it,
    # so its only day is still bus1's Wednesday, taken by S02
    inst = instance([
        stop(1, 56.44, 10.15, dur=100, window=EVENING),
        stop(2, 56.45, 10.16, dur=100, window=EVENING, vehicles=("bus1",)),
        stop(3, 56.46, 10.17, dur=30, window=(9 * 60, 12 * 60), vehicles=("bus1",)),
    ], [vehicle("bus1"), vehicle("bus2", max_km=1.0)])
    s = search(inst)
    assert {(o.vehicle, o.weekday) for o in s.options_for(s.stops["S01"])} == {
        ("bus1", "wed"), ("bus2", "wed")}
    assert s.tied.days_of("S01") == (("bus1", "wed"),)
    assert s.tied.blockers(s.stops["S01"], {"S02", "S03"}) == {("bus1", "wed"): Blocker(("S02",))}
    assert "S03" not in s.tied.tied().get(("bus1", "wed"), ())  # a morning stop has 5 days


def test_more_stops_of_one_rhythm_than_phases_that_cannot_meet_is_a_proof():
    # three fortnightly 100-minute evening stops on bus1's Wednesday only: no two fit a
    # week, and two phases cannot keep three apart
    three = instance([stop(i, 56.44 + i / 100, 10.15, every=2, dur=100, window=EVENING,
                           vehicles=("bus1",)) for i in (1, 2, 3)], [vehicle("bus1")])
    s = search(three)
    got = s.tied.blockers(s.stops["S03"], {"S01", "S02"})
    assert got == {("bus1", "wed"): Blocker(("S01", "S02"), 2)}
    assert s.tied.blockers(s.stops["S03"], {"S01"}) is None  # two phases hold two
    res = search(three, 60, deadline=time.perf_counter() + 60, to_clock=True).run()
    (why,) = res.unserved.values()
    assert why.startswith(PROVEN + " while") and "2 week phases" in why
    # four-weekly: four phases keep three apart — no proof, and all three are served
    four = instance([stop(i, 56.44 + i / 100, 10.15, every=4, dur=100, window=EVENING,
                          vehicles=("bus1",)) for i in (1, 2, 3)], [vehicle("bus1")])
    s = search(four)
    assert s.tied.blockers(s.stops["S03"], {"S01", "S02"}) is None
    assert search(four, 60).run().unserved == {}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1, 2, 2, 3, 4]), st.sampled_from([40, 70, 100])),
                min_size=2, max_size=5))
def test_a_proof_holds_for_every_choice_of_week_phases(specs):
    # evening stops on one bus's Wednesday, any rhythms and lengths: whenever a stop is
    # proven to have no place beside the others, every way of choosing the week phases
    # of it and the stops named leaves some week whose route cannot hold its stops
    inst = instance([stop(i + 1, 56.44 + i / 100, 10.15, every=k, dur=d, window=EVENING,
                          vehicles=("bus1",)) for i, (k, d) in enumerate(specs)],
                    [vehicle("bus1")])
    s = search(inst)
    day = ("bus1", "wed")
    for sid in sorted(s.stops):
        got = s.tied.blockers(s.stops[sid], set(s.stops) - {sid})
        if got is None:
            continue
        group = [sid, *got[day].stops]
        every = [s.stops[g].every_weeks for g in group]
        for phases in product(*(range(k) for k in every)):
            weeks = [frozenset(g for g, k, p in zip(group, every, phases) if w % k == p)
                     for w in range(lcm(*every))]
            assert any(s.fits_together(day, w) is False for w in weeks if w), (sid, phases)


def test_the_budget_lifted_for_an_unserved_stop_comes_back_once_all_left_are_proven():
    inst = instance([stop(i, 56.44 + i / 100, 10.15, dur=70, window=EVENING) for i in (1, 2, 3)])
    s = search(inst, 30, deadline=time.perf_counter() + 60, to_clock=True)
    opts = {it: s.item_options(it) for it in s.items()}
    wed = opts["S01"][0]
    # S02 and S03 unserved: neither is proven (either could join S01), so it goes on
    assert s.go_on({"S02": "", "S03": ""}, opts, {"S01": wed})
    assert s.went_on and s.budget.limit > 30
    # then S02 is served and S03 is proven beside S01 and S02: the budget is 30 again
    assert not s.go_on({"S03": ""}, opts, {"S01": wed, "S02": wed})
    assert s.budget.limit == 30
