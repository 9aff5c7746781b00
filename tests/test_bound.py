"""The template lower bound never exceeds the true optimum (found here by brute force)."""

from __future__ import annotations

import itertools
import math

from factories import LUNCH, instance, stop, vehicle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bogbus.model import BreakRule
from bogbus.solve.bound import template_lower_bound
from bogbus.solve.bound.core import enumerate_routes
from bogbus.solve.daymodel import arrival_window
from bogbus.solve.template import Budget, TemplateSearch
from bogbus.travel import build_travel


def _shared_times_feasible(inst, travel, v, day, weeks: list[tuple[str, ...]]) -> bool:
    """Is there ONE arrival time per stop, on the `round_to_min` grid, that fits every
    week's order with its lunch break somewhere between two legs? Tries every break
    position of every week; for each, difference constraints solved by pushing earliest
    times forward (a fixpoint: the least solution, if any)."""
    idx, T = travel.index(), travel.minutes
    dep = idx[inst.settings.depot]
    sh, br, step = v.shifts[day], v.break_rule, inst.settings.round_to_min
    win = {}
    for order in weeks:
        for sid in order:
            s = inst.site(sid)
            w = arrival_window(s, sh.start, sh.end, T[dep][idx[sid]], T[idx[sid]][dep])
            if w is None:
                return False
            win[sid] = w
    gaps = [range(len(o) + 1) if br is not None and o else [None] for o in weeks]
    return any(_times_fit(inst, travel, weeks, win, pos, step, sh, br) for pos in
               itertools.product(*gaps))


def _times_fit(inst, travel, weeks, win, breaks, step, sh, br) -> bool:
    """One week order per week, the break before stop `breaks[k]` of week k (None: no
    break; len(order): after the last stop): is there a shared grid time per stop?
    Times only rise and each is capped by its window, so the loop ends."""
    idx, T = travel.index(), travel.minutes
    dep = idx[inst.settings.depot]
    dur = {i: inst.site(i).duration_min for i in win}
    t = {i: -(-w[0] // step) * step for i, w in win.items()}

    def leave(order, p, k):
        """Earliest start of the leg into position p of `order` (p = len: home), after
        the break when it is taken there; None when the break cannot be placed."""
        ready = sh.start if p == 0 else t[order[p - 1]] + dur[order[p - 1]]
        if breaks[k] == p:
            b = max(ready, br.earliest)
            if b > br.latest - br.minutes:
                return None
            ready = b + br.minutes
        return ready

    changed = True
    while changed:
        changed = False
        for k, order in enumerate(weeks):
            for p, sid in enumerate(order):
                ready = leave(order, p, k)
                if ready is None:
                    return False
                frm = dep if p == 0 else idx[order[p - 1]]
                need = -(-(ready + T[frm][idx[sid]]) // step) * step
                if need > t[sid]:
                    t[sid], changed = need, True
                    if need > win[sid][1]:
                        return False
    for k, order in enumerate(weeks):
        if order:
            ready = leave(order, len(order), k)
            if ready is None or ready + T[idx[order[-1]]][dep] > sh.end:
                return False
    return True


def _route_km(inst, travel, order) -> float:
    idx = travel.index()
    seq = [inst.settings.depot, *order, inst.settings.depot]
    return sum(travel.km[idx[a]][idx[b]] for a, b in zip(seq, seq[1:]))


def brute_force_optimum(inst) -> float | None:
    """Minimum km per average week over ALL timetables (every option of every stop,
    every order of every week, shared arrival times); None when none is feasible."""
    travel = build_travel(inst)
    v = inst.settings.vehicles[0]
    stops = list(inst.stops)
    opts = [[(d, p) for d in s.days if d in v.shifts for p in range(s.every_weeks or 1)]
            for s in stops]
    best = None
    for choice in itertools.product(*opts):
        total = 0.0
        for day in v.shifts:
            members = [(s, p) for s, (d, p) in zip(stops, choice) if d == day]
            if not members:
                continue
            L = math.lcm(*(s.every_weeks or 1 for s, _ in members))
            contents = [tuple(s.id for s, p in members if k % (s.every_weeks or 1) == p)
                        for k in range(L)]
            cheapest = None
            for orders in itertools.product(*(itertools.permutations(c) for c in contents)):
                km = sum(_route_km(inst, travel, o) for o in orders if o) / L
                if (cheapest is None or km < cheapest) and _shared_times_feasible(
                        inst, travel, v, day, list(orders)):
                    cheapest = km
            if cheapest is None:
                break
            total += cheapest
        else:
            if best is None or total < best:
                best = total
    return best


def tiny(points, everies, durs, windows, days=("mon", "wed"), brk=None, max_km=None):
    sites = [stop(i + 1, lat, lon, every=e, dur=d, window=w)
             for i, ((lat, lon), e, d, w) in enumerate(zip(points, everies, durs, windows))]
    return instance(sites, [vehicle(days=days, brk=brk, max_km=max_km)])


def bound_of(inst, upper=None):
    travel = build_travel(inst)
    return template_lower_bound(inst, travel, {s.id for s in inst.stops}, upper, det_limit=2.0)


def test_single_weekly_day_is_tight():
    # one weekday, weekly stops only: the relaxation is the real problem (legs rounded down)
    inst = tiny([(56.44, 10.15), (56.54, 10.04), (56.50, 9.90)], [1, 1, 1], [30, 30, 30],
                [(13 * 60, 19 * 60)] * 3, days=("wed",))
    opt = brute_force_optimum(inst)
    b = bound_of(inst)
    assert b.status in ("lp", "optimal")
    assert b.lower_km <= opt
    assert opt - b.lower_km <= 0.1 * 4 + 0.1  # at most the downward rounding of 4 legs


def test_bound_forces_a_split_over_days():
    # the afternoon window holds only two 60-minute stops, so four stops need two days:
    # a bound that ignored the window would be the single-day tour and far too low
    pts = [(56.60, 10.00), (56.61, 10.02), (56.64, 10.05), (56.65, 10.06)]
    inst = tiny(pts, [1, 1, 1, 1], [60] * 4, [(13 * 60, 15 * 60 + 30)] * 4,
                days=("mon", "tue"))
    opt = brute_force_optimum(inst)
    b = bound_of(inst)
    one_day = bound_of(tiny(pts, [1, 1, 1, 1], [60] * 4, [(9 * 60, 16 * 60)] * 4,
                            days=("mon",)))
    assert b.lower_km <= opt
    assert b.lower_km > one_day.lower_km + 5  # the windows are really in the bound
    assert opt - b.lower_km < 0.1 * opt


coord = st.tuples(st.floats(56.35, 56.65), st.floats(9.80, 10.30))
window = st.sampled_from([(13 * 60, 16 * 60 + 15), (14 * 60, 19 * 60), (16 * 60, 19 * 60),
                          (9 * 60, 12 * 60)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(coord, st.sampled_from([1, 2]), st.sampled_from([20, 30, 45, 60]),
                          window), min_size=2, max_size=4),
       st.sampled_from([None, LUNCH, BreakRule(45, 12 * 60, 13 * 60 + 15)]))
def test_bound_never_exceeds_brute_force_optimum(rows, brk):
    # with a lunch break too: the bound keeps it (week-routes and day contents), and so
    # does the brute force
    inst = tiny([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                [r[3] for r in rows], brk=brk)
    opt = brute_force_optimum(inst)
    b = bound_of(inst, upper=opt)
    if opt is None:
        return  # nothing feasible: there is no optimum to bound
    assert b.lower_km is not None
    assert b.lower_km <= opt + 1e-9


def test_bound_below_planner_with_break_and_km_limit():
    inst = tiny([(56.44, 10.15), (56.54, 10.04), (56.50, 9.90), (56.40, 10.00)], [1, 2, 2, 1],
                [45, 30, 30, 40], [(13 * 60, 16 * 60 + 15)] * 4, days=("mon", "tue", "wed"),
                brk=vehicle().break_rule, max_km=80)
    travel = build_travel(inst)
    res = TemplateSearch(inst, travel, budget=Budget(200)).run()
    assert not res.unserved
    b = template_lower_bound(inst, travel, set(res.options), res.cost, det_limit=2.0)
    assert 0 < b.lower_km <= res.cost + 1e-9


def test_enumeration_respects_windows_and_km_limit():
    # two stops, 10 min apart; only one order fits their windows
    km = [[0, 50, 50], [50, 0, 30], [50, 30, 0]]
    mins = [[0, 10, 10], [10, 0, 10], [10, 10, 0]]
    cands = [(1, 600, 600, 20), (2, 630, 640, 20)]
    routes = enumerate_routes(cands, 0, 480, 1000, km, mins, None)
    assert routes == {0: 0, 0b01: 100, 0b10: 100, 0b11: 130}
    late = [(1, 600, 600, 20), (2, 560, 625, 20)]  # only 2 then 1 fits
    assert 0b11 in enumerate_routes(late, 0, 480, 1000, km, mins, None)  # 2 then 1
    assert 0b11 not in enumerate_routes(late, 0, 480, 590 + 20 + 10, km, mins, None)
    assert enumerate_routes(cands, 0, 480, 1000, km, mins, 120) == {0: 0, 0b01: 100,
                                                                      0b10: 100}


def test_too_wide_windows_fall_back_to_the_lp_over_walks(monkeypatch):
    import bogbus.solve.bound.core as bound

    monkeypatch.setattr(bound, "MAX_LABELS", 20)
    inst = tiny([(56.44, 10.15), (56.54, 10.04), (56.50, 9.90), (56.40, 10.00)], [1] * 4,
                [20] * 4, [(9 * 60, 16 * 60)] * 4)
    b = bound_of(inst)
    assert b.status in ("walks", "neighbour") and 0 < b.lower_km <= brute_force_optimum(inst)
    assert "too many possible routes" in b.note


def test_without_routes_the_walks_give_a_bound_below_the_routes_one():
    # the planner's recompute for the served stops skips an enumeration the bound child
    # saw give up: straight to the LP over walks, never above the optimum nor the routes
    inst = tiny([(56.44, 10.15), (56.54, 10.04), (56.50, 9.90), (56.40, 10.00)], [1, 2, 2, 1],
                [20] * 4, [(9 * 60, 16 * 60)] * 4)
    travel = build_travel(inst)
    served = {s.id for s in inst.stops}
    walks = template_lower_bound(inst, travel, served, None, det_limit=2.0, routes=False)
    with_routes = bound_of(inst)
    assert walks.status == "walks" and "routes not enumerated" in walks.note
    assert 0 < walks.lower_km <= with_routes.lower_km + 1e-9
    assert walks.lower_km <= brute_force_optimum(inst) + 1e-9


def test_a_passed_deadline_still_gives_a_proven_bound():
    inst = tiny([(56.44, 10.15), (56.54, 10.04), (56.50, 9.90)], [1, 2, 1], [30] * 3,
                [(13 * 60, 19 * 60)] * 3)
    travel = build_travel(inst)
    b = template_lower_bound(inst, travel, {s.id for s in inst.stops}, None, deadline=0.0)
    assert b.status == "neighbour" and 0 < b.lower_km <= brute_force_optimum(inst)
    assert "no time left" in b.note


def test_reports_only_rising_proven_bounds():
    inst = tiny([(56.44, 10.15), (56.54, 10.04), (56.50, 9.90), (56.40, 10.00)], [1, 2, 2, 1],
                [45, 30, 30, 40], [(13 * 60, 16 * 60 + 15)] * 4, days=("mon", "tue", "wed"))
    travel = build_travel(inst)
    seen = []
    final = template_lower_bound(inst, travel, {s.id for s in inst.stops}, float("inf"),
                                 det_limit=2.0, report=seen.append)
    opt = brute_force_optimum(inst)
    assert [b.status for b in seen[:2]] == ["neighbour", "lp"]
    values = [b.lower_km for b in seen] + [final.lower_km]
    assert values == sorted(values) and values[-1] <= opt + 1e-9


def test_a_bound_is_raised_to_the_next_value_a_timetable_can_have():
    from bogbus.solve.bound.core import _km

    # every route is a multiple of 0.1 km and a day's cycle divides L: a timetable's
    # km per week × 10 × L is an integer, so a bound may round up to that lattice
    assert _km(309.99999999, 4) == 31.0  # an LP that meets a 31.0 timetable says 31.0
    assert _km(308.3, 4) == 30.85 and _km(308.3, 1) == 30.9
    assert _km(308.25, 4) == 30.825  # already on the lattice: unchanged


def test_a_bound_that_meets_the_plan_shows_no_gap(tmp_path):
    # 6 stops, 2 buses, 1/2/4-weekly (a small 36/2 shape): the week-route LP already
    # meets the search's timetable; floored to 0.1 km it used to say 30.9 for 31.0
    from bogbus.bench.municipality import SHAPES, generate, write
    from bogbus.io import load_source

    sh = SHAPES["36-2"]
    write(tmp_path, *generate(6, 2, 0, cycles=sh.cycles, restricted=sh.restricted,
                              ebus_km=sh.ebus_km))
    inst = load_source(str(tmp_path))
    travel = build_travel(inst)
    found = TemplateSearch(inst, travel, budget=Budget(300)).run()
    bound = template_lower_bound(inst, travel, set(found.options), found.cost, det_limit=5)
    assert not found.unserved
    assert math.isclose(bound.lower_km, found.cost, abs_tol=1e-9)
