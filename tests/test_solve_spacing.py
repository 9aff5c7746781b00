"""The one visit-spacing DP (solve/spacing.py): an institution's rhythm within a quarter
and across its start, from the last published visit (the anchor)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bogbus.calendar import Calendar, parse_quarter
from bogbus.model import Closure
from bogbus.plan.check.rhythm import anchored_start_problem
from bogbus.solve.spacing import ChainCosts, Spacing, best_chain

Q2 = parse_quarter("2027Q2")
COSTS = ChainCosts(10_000.0, 0.01, 5_000.0)


def gap_with(closures: tuple[Closure, ...] = ()):
    cal = Calendar(Q2, {}, closures)
    return lambda a, b: cal.open_days_between(a, b, "D01")


def every_day(period=Q2, skip=()) -> list[date]:
    return [d for d in period.days() if d.weekday() < 5 and d not in skip]


def chain(dates, every_weeks=4, tol=3, anchor=None, closures=(), costs=COSTS):
    sp = Spacing(7 * every_weeks, tol, gap_with(closures), Q2.start, Q2.end, anchor)
    got = best_chain(dates, [0.0] * len(dates), sp, costs)
    return [dates[i] for i in got.chosen], got.missed


def test_without_an_anchor_the_first_visit_falls_in_the_first_rhythm():
    visits, missed = chain(every_day())
    assert not missed and (visits[0] - Q2.start).days < 28
    assert all(abs((b - a).days - 28) <= 3 for a, b in zip(visits, visits[1:]))


def test_the_rhythm_runs_on_from_the_last_published_visit():
    # D02 in the issue: last visit 23 Sep, then 7 Oct — 14 days. Here: last visit
    # 24 March, so the first Q2 visit is 21 April ± 3, not "some day in April".
    visits, missed = chain(every_day(), anchor=date(2027, 3, 24))
    assert not missed
    assert abs((visits[0] - date(2027, 3, 24)).days - 28) <= 3
    assert all(abs((b - a).days - 28) <= 3 for a, b in zip(visits, visits[1:]))


def test_an_eight_weekly_home_gets_every_visit_it_is_due():
    # N01 in the issue: one visit a quarter, 98–105 days apart. From 10 Feb: 7 Apr, 2 Jun.
    visits, missed = chain(every_day(), every_weeks=8, anchor=date(2027, 2, 10))
    assert not missed and len(visits) == 2
    assert abs((visits[0] - date(2027, 2, 10)).days - 56) <= 3


def test_a_rhythm_longer_than_the_quarter_visits_only_when_due():
    # every 26 weeks: last visit 20 Feb → due 21 Aug, not in Q2: no visit, none missed
    visits, missed = chain(every_day(), every_weeks=26, anchor=date(2027, 2, 20))
    assert visits == [] and missed == []
    # last visit 2 Nov 2026 → due 3 May 2027: exactly one visit, then
    visits, missed = chain(every_day(), every_weeks=26, anchor=date(2026, 11, 2))
    assert not missed and len(visits) == 1
    assert abs((visits[0] - date(2026, 11, 2)).days - 182) <= 3


def test_a_closure_across_the_boundary_pauses_the_rhythm():
    closure = Closure(date(2027, 3, 29), date(2027, 4, 9), "Påskelukket")  # 12 days
    visits, missed = chain(every_day(), anchor=date(2027, 3, 20), closures=(closure,))
    assert not missed
    assert abs((visits[0] - date(2027, 3, 20)).days - (28 + 12)) <= 3


def test_a_visit_overdue_when_the_quarter_begins_starts_the_rhythm_afresh():
    # last visit 17 February, due 17 March ± 3 — before Q2 (the previous plan missed
    # it, or every_weeks shrank): not a wait until 14 April, but a visit in its first
    # four weeks, as for a first quarter
    visits, missed = chain(every_day(), anchor=date(2027, 2, 17))
    assert not missed and (visits[0] - Q2.start).days < 28
    # one day later it is not overdue: due 1 April − 3 … + 3
    visits, missed = chain(every_day(), anchor=date(2027, 3, 1))
    assert not missed and abs((visits[0] - date(2027, 3, 1)).days - 28) <= 3


def test_a_rhythm_no_date_can_continue_restarts_with_a_missed_visit_in_planning():
    # only Thursdays can be visited now; the last visit was a Monday and the tolerance 1
    thursdays = [d for d in Q2.days() if d.weekday() == 3]
    visits, missed = chain(thursdays, tol=1, anchor=date(2027, 3, 22))
    assert visits and missed and missed[0] == date(2027, 4, 19)
    assert (visits[0] - date(2027, 3, 22)).days > 28 + 1
    # the repair never restarts a rhythm: it lists the visits instead
    visits, missed = chain(thursdays, tol=1, anchor=date(2027, 3, 22),
                           costs=ChainCosts(100_000.0))
    assert visits == [] and len(missed) == 3


def test_the_rhythm_is_kept_rather_than_a_cheaper_restart():
    dates = every_day()
    sp = Spacing(28, 3, gap_with(), Q2.start, Q2.end, date(2027, 3, 24))
    costs = [0.0 if (d - date(2027, 3, 24)).days == 35 else 500.0 for d in dates]
    got = best_chain(dates, costs, sp, COSTS)
    assert got.missed == [] and abs((dates[got.chosen[0]] - date(2027, 3, 24)).days - 28) <= 3


@settings(max_examples=150, deadline=None)
@given(every_weeks=st.integers(1, 13), tol=st.integers(0, 5),
       back=st.integers(1, 120), skip=st.sets(st.integers(0, 90), max_size=12),
       closures=st.lists(st.tuples(st.integers(-60, 90), st.integers(0, 20)), max_size=2),
       weekdays=st.sets(st.integers(0, 4), min_size=1), restart=st.booleans())
def test_property_an_anchored_chain_keeps_the_rhythm_the_checker_holds_it_to(
        every_weeks, tol, back, skip, closures, weekdays, restart):
    """For any rhythm, tolerance, anchor, holes in the candidate dates and closures
    (before or inside the quarter): every gap of the chosen chain — the one from the
    anchor included, unless its visit was overdue when the quarter began — is a whole
    number of rhythms ± tolerance of open days, never shorter than one rhythm −
    tolerance, each skipped due date is listed as missed, and the independent checker
    accepts the first visit."""
    P = 7 * every_weeks
    cl = tuple(Closure(Q2.start + timedelta(s), Q2.start + timedelta(s + n), "Lukket")
               for s, n in closures)
    gap = gap_with(cl)
    anchor = Q2.start - timedelta(back)
    dates = [d for d in Q2.days() if (d - Q2.start).days not in skip
             and d.weekday() in weekdays and not any(c.covers(d) for c in cl)]
    sp = Spacing(P, tol, gap, Q2.start, Q2.end, anchor)
    got = best_chain(dates, [0.0] * len(dates), sp,
                     ChainCosts(10_000.0, 0.01, 5_000.0 if restart else None))
    visits = [dates[i] for i in got.chosen]
    seq = [anchor, *visits]
    if gap(anchor, Q2.start) > P + tol:  # overdue when the quarter began: afresh
        assert sp.anchor is None
        seq = visits
        if visits and not got.missed:
            assert gap(Q2.start, visits[0]) < P
    elif visits and restart and not sp.in_rhythm(gap(anchor, visits[0])):
        # a restarted rhythm: never sooner than the rhythm allows, and said as missed
        assert gap(anchor, visits[0]) >= P - tol and got.missed
        seq = visits
    for a, b in zip(seq, seq[1:]):
        g = gap(a, b)
        r = max(1, round(g / P))
        assert g >= P - tol and abs(g - r * P) <= tol
    listed = {d for d in got.missed if d is not None}
    for a, b in zip(seq, seq[1:]):  # each rhythm skipped is listed
        r = max(1, round(gap(a, b) / P))
        assert all(max(Q2.start, a + timedelta(P * k)) in listed for k in range(1, r))
    if visits:
        assert gap(visits[-1], Q2.end) < P or got.missed  # the end is covered or said
        why = anchored_start_problem(P, tol, gap, anchor, Q2, visits[0], bool(got.missed))
        assert why is None
    elif not got.missed:  # no visit and none missed: nothing was due in the quarter
        assert anchored_start_problem(P, tol, gap, anchor, Q2, None, False) is None
