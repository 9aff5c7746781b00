"""The most stops any timetable can serve (solve/capacity.py): proven by listing every
week content of every day, equal to the true most on weekly data (brute force over
every timetable), never below it with other rhythms; the search stops waiting once its
best serves that many, and its unserved stops say so; too big, kept slots or a matrix
without the triangle inequality give no answer."""

from __future__ import annotations

import dataclasses
import time
from itertools import product

from factories import DEPOT, instance, stop, vehicle
from hypothesis import given, settings
from hypothesis import strategies as st

from bogbus.solve import capacity
from bogbus.solve.capacity import Capacity
from bogbus.solve.template import NOT_PROVEN, PROVEN, Budget, TemplateSearch
from bogbus.travel import build_travel

AFTERNOON = (13 * 60, 16 * 60 + 15)  # 195 minutes: three 60-minute visits, not four


def full(n: int = 7, days: tuple[str, ...] = ("mon", "tue")):
    """n weekly 60-minute afternoon stops a minute or two apart, one bus on two
    afternoons: each holds three, so at most six are served — and no stop is tied to
    one day, so only the capacity proves it."""
    return instance([stop(i, DEPOT.lat + i * 0.004, DEPOT.lon, dur=60, window=AFTERNOON)
                     for i in range(1, n + 1)], [vehicle(days=days, brk=None)])


def search(inst, budget=30, deadline=None, to_clock=False):
    s = TemplateSearch(inst, build_travel(inst), budget=Budget(budget), deadline=deadline)
    s.to_clock_when_unserved = to_clock
    return s


def test_full_afternoons_prove_the_unserved_count_and_the_search_stops_waiting():
    t0 = time.perf_counter()
    s = search(full(), deadline=t0 + 60, to_clock=True)
    res = s.run()
    assert len(res.unserved) == 1
    (why,) = res.unserved.values()
    assert why.startswith(f"{PROVEN} beside the 6 stops served: no timetable serves more "
                          "than 6 of the 7 stops")
    assert not s.went_on and res.stopped_by != "clock" and time.perf_counter() - t0 < 30
    most = s.capacity.known()
    assert most is not None and (most.most, most.stops) == (6, 7)
    assert not s.tied.tied()  # two afternoons each: the tie proof has nothing to say


def test_a_timetable_with_room_left_says_how_much():
    s = search(full())
    res = s.run()
    assert s.capacity.most() is not None
    left = next(iter(res.unserved))
    fewer = {k: v for k, v in res.options.items() if k != min(res.options)}
    why = s.explain(s.stops[left], s.options_for(s.stops[left]), fewer)
    assert why.startswith(NOT_PROVEN)
    assert "(at most 6 of the 7 stops fit any timetable — proven — and this one serves 5)" in why


def test_without_the_deadline_or_the_clock_phase_no_answer_is_claimed():
    s = search(full(), deadline=time.perf_counter() - 1)
    assert s.capacity.most() is None and s.capacity.cut
    # a --work run never goes on to the clock, so its reasons never ask
    w = search(full(), to_clock=False)
    res = w.run()
    assert w.capacity.known() is None
    assert all(r.startswith(NOT_PROVEN) for r in res.unserved.values())


def test_kept_slots_big_days_and_a_matrix_without_the_triangle_inequality_give_none(monkeypatch):
    s = search(full())
    s.locks = {"S01": (s.options_for(s.stops["S01"])[0], 13 * 60)}
    assert Capacity(s).most() is None
    monkeypatch.setattr(capacity, "MAX_CANDIDATES", 6)
    assert Capacity(search(full())).most() is None
    monkeypatch.setattr(capacity, "MAX_CANDIDATES", 40)
    s = search(full())
    minutes = [list(r) for r in s.travel.minutes]
    a, b = s.idx["S01"], s.idx["S03"]
    minutes[a][b] = minutes[a][s.idx["S02"]] + minutes[s.idx["S02"]][b] + 5
    s.travel = dataclasses.replace(s.travel, minutes=tuple(tuple(r) for r in minutes))
    assert Capacity(s).most() is None
    monkeypatch.setattr(capacity, "MAX_CHECKS", 3)
    assert Capacity(search(full())).most() is None


def most_by_brute_force(s: TemplateSearch) -> int:
    """Every timetable: each stop on one of its options or unserved, each day's content
    asked of the exact day model (all weeks of its cycle, one time per stop)."""
    s.explaining = True
    ids = sorted(s.stops)
    choices = [[None, *s.options_for(s.stops[i])] for i in ids]
    memo: dict = {}
    best = 0
    for pick in product(*choices):
        served = sum(o is not None for o in pick)
        if served <= best:
            continue
        days: dict = {}
        for sid, o in zip(ids, pick):
            if o is not None:
                days.setdefault((o.vehicle, o.weekday), set()).add((sid, o.phase))
        ok = True
        for day, content in days.items():
            key = (day, frozenset(content))
            if key not in memo:
                memo[key] = s.evaluate(day, frozenset(content)) is not None
            if not memo[key]:
                ok = False
                break
        if ok:
            best = served
    return best


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([1, 1, 2]), st.sampled_from([40, 60, 80, 100]),
                          st.sampled_from([AFTERNOON, (9 * 60, 12 * 60), (14 * 60, 16 * 60)]),
                          st.integers(0, 30), st.integers(-10, 10)), min_size=3, max_size=5),
       st.sampled_from([("mon",), ("mon", "tue")]))
def test_the_most_is_exact_on_weekly_data_and_never_below_the_true_most(rows, days):
    inst = instance([stop(i, DEPOT.lat + dy / 500, DEPOT.lon + dx / 500, every=e, dur=d,
                          window=w) for i, (e, d, w, dy, dx) in enumerate(rows, 1)],
                    [vehicle(days=days)])
    s = search(inst, budget=10**6)
    most = Capacity(s).most()
    assert most is not None
    truth = most_by_brute_force(search(inst, budget=10**6))
    assert most.most >= truth
    if all(e == 1 for e, *_ in rows):
        assert most.most == truth
