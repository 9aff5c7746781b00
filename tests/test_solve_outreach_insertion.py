"""The outreach insertion shortcuts (solve/outreach.py) give the answer of timing
every position, and many buses are searched nearest first without losing visits."""

from __future__ import annotations

from datetime import date

from factories import daycare, instance, nursing_home, stop, vehicle
from hypothesis import given, settings
from hypothesis import strategies as st

from bogbus.calendar import build_calendar, parse_quarter
from bogbus.solve.outreach import NEAREST_VEHICLES, DatedDay, OutreachScheduler
from bogbus.travel import build_travel

Q = parse_quarter("2027Q1")
MONDAY = date(2027, 1, 4)


def brute_force(sched: OutreachScheduler, day: DatedDay, site):
    """Time every position; the fewest km, then the earliest position."""
    cur = list(day.timed.order) if day.timed else []
    base = day.timed.km if day.timed and cur else 0.0
    best = None
    for pos in range(len(cur) + 1):
        timed = sched._time(day, cur[:pos] + [site.id] + cur[pos:])
        if timed is not None and (best is None or timed.km < best[1].km):
            best = (timed.km - base, timed)
    return best


@st.composite
def days_and_sites(draw):
    n = draw(st.integers(0, 4))
    stops = [stop(i + 1, 56.40 + draw(st.integers(0, 30)) / 100,
                  9.85 + draw(st.integers(0, 40)) / 100, dur=draw(st.sampled_from([30, 45])))
             for i in range(n)]
    # fixed stop times: an increasing sequence on the 5-minute grid from the morning on,
    # with gaps from none to an hour, so insertions are often tight or impossible
    times, t = {}, draw(st.sampled_from([9 * 60, 10 * 60, 11 * 60, 13 * 60]))
    for s in stops:
        t += draw(st.integers(0, 12)) * 5
        times[s.id] = t
        t += s.duration_min + draw(st.integers(1, 8)) * 5
    sites = [daycare(1, 56.40 + draw(st.integers(0, 30)) / 100,
                     9.85 + draw(st.integers(0, 40)) / 100,
                     dur=draw(st.sampled_from([30, 45, 60]))),
             nursing_home(1, 56.40 + draw(st.integers(0, 30)) / 100,
                          9.85 + draw(st.integers(0, 40)) / 100)]
    shift_end = draw(st.sampled_from([14 * 60 + 30, 16 * 60 + 30, 19 * 60 + 30]))
    return stops, times, sites, shift_end


@settings(max_examples=150, deadline=None)
@given(days_and_sites())
def test_insertion_equals_timing_every_position(case):
    stops, times, sites, shift_end = case
    inst = instance([*stops, *sites])
    travel = build_travel(inst)
    cal = build_calendar(Q, None, ())
    dd = DatedDay("bogbus", MONDAY, (8 * 60 + 30, shift_end), dict(times))
    sched = OutreachScheduler(inst, travel, cal, {("bogbus", MONDAY): dd})
    if dd.timed is None:
        return  # the drawn stop times do not fit the shift: no day to insert into
    for site in sites:
        got, want = sched.best_insertion(dd, site), brute_force(sched, dd, site)
        assert (got is None) == (want is None)
        if got is not None and want is not None:
            assert got[1] == want[1] and abs(got[0] - want[0]) < 1e-9


def test_many_buses_are_searched_nearest_first_and_all_when_needed():
    # six buses, each with one stop; the daycare sits next to bus "b2"'s stop
    buses = [vehicle(f"b{k}") for k in range(6)]
    stops = [stop(k + 1, 56.40 + k / 20, 9.90 + k / 20, vehicles=(f"b{k}",)) for k in range(6)]
    home = daycare(1, 56.40 + 2 / 20 + 0.002, 9.90 + 2 / 20)
    inst = instance([*stops, home], buses)
    travel = build_travel(inst)
    cal = build_calendar(Q, None, ())
    mondays = [date.fromordinal(MONDAY.toordinal() + 7 * w) for w in range(12)]

    def days():
        return {(f"b{k}", d): DatedDay(f"b{k}", d, (8 * 60 + 30, 16 * 60 + 30),
                                       {f"S{k + 1:02d}": 13 * 60})
                for k in range(6) for d in mondays}

    sched = OutreachScheduler(inst, travel, cal, days())
    near = sched.near["D01"]
    assert len(near) == NEAREST_VEHICLES and "b2" in near
    visits, missed = sched.place(home)
    assert len(visits) == 3 and not missed and {v for _, v in visits} == {"b2"}
    # when the nearest buses cannot take it on any date, every bus is tried
    full = OutreachScheduler(inst, travel, cal, days())
    for (v, _d), dd in full.days.items():
        if v in near:
            dd.crates = 10  # no crate fits
    visits, missed = full.place(home)
    assert len(visits) == 3 and not missed and all(v not in near for _, v in visits)
