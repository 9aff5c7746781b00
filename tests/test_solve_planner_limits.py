"""The time limit is a promise and the work budget makes runs reproducible
(solve/planner.py, "Time and work" in docs/planner.md)."""

from __future__ import annotations

import time

import pytest
from factories import small

from bogbus.bench.municipality import generate, write
from bogbus.calendar import parse_quarter
from bogbus.io import load_source
from bogbus.plan import build_plan
from bogbus.plan.check import check_plan
from bogbus.solve import plan_quarter
from bogbus.solve.recombine import DET_WORK, recombine
from bogbus.solve.template import Budget, Option, TemplateSearch
from bogbus.travel import build_travel

Q = parse_quarter("2027Q1")
CUT = "ended the search before this stop was placed"


def test_a_construction_cut_by_the_work_budget_is_a_valid_partial_plan(tmp_path):
    # 60 stops cost several units of work to construct, even with enumerated days and
    # about one evaluation per placed stop (the bookkeeping is charged too)
    write(tmp_path, *generate(60, 3, seed=1))
    inst = load_source(str(tmp_path))
    result = plan_quarter(inst, Q, time_limit_s=60, work=1)
    plan = build_plan(result)
    assert plan["solver"]["template_stopped_by"] == "work" and plan["solver"]["work"] == 1
    cut = [u for u in plan["unserved"] if CUT in u["reason"]]
    assert cut, plan["unserved"]
    assert all("work budget" in u["reason"] and "--work" in u["reason"] for u in cut)
    assert plan["solver"]["clock_cut"] == []
    assert check_plan(plan, inst) == []
    served = {e["site_id"] for e in plan["stop_timetable"]}
    assert served and served.isdisjoint(u["site_id"] for u in cut)


def test_a_construction_that_would_overrun_stops_at_the_deadline(tmp_path):
    # 120 stops on 5 buses need ~1,000 day evaluations to construct (seconds, even
    # with enumerated days); 0.4 s leave 0.3 s for the search, so construction must
    # stop and say so, and end in time. The work budget is made huge so that only
    # the clock can end it (else the test would depend on the machine's speed).
    write(tmp_path, *generate(120, 5, seed=1))
    inst = load_source(str(tmp_path))
    t0 = time.perf_counter()
    result = plan_quarter(inst, Q, time_limit_s=0.4, work=1_000_000)
    wall = time.perf_counter() - t0
    plan = build_plan(result)
    assert plan["solver"]["template_stopped_by"] == "clock"
    assert "search" in plan["solver"]["clock_cut"]
    cut = [u for u in plan["unserved"] if CUT in u["reason"]]
    assert cut and all("time limit" in u["reason"] for u in cut)
    assert check_plan(plan, inst) == []
    assert wall < 0.4 * 1.05 + 1.5  # the promise, with room for a loaded test machine
    assert plan["kpis"]["lower_bound_km"] is not None or plan["kpis"]["lower_bound_note"]


def test_same_data_seed_and_work_give_the_same_plan():
    a = build_plan(plan_quarter(small(), Q, time_limit_s=120, seed=2, work=60))
    b = build_plan(plan_quarter(small(), Q, time_limit_s=120, seed=2, work=60))
    for p in (a, b):
        p["solver"].pop("runtime_s")
    assert a == b
    # the budget is checked before each step: it overshoots by at most one step
    assert a["solver"]["template_day_solves"] <= 60 + TemplateSearch.RECOMBINE_WORK + DET_WORK


def test_recombination_never_worsens_and_keeps_every_stop():
    inst = small()
    search = TemplateSearch(inst, build_travel(inst), budget=Budget(150))
    best = search.run()
    # a worse timetable: the first stop moved to another option the memo knows
    worse = dict(best.options)
    opts = search.options_for(inst.site("S01"))
    for o in opts:
        trial = {**worse, "S01": o}
        if o != worse["S01"] and search.total(trial) > best.cost + 0.5:
            worse = trial
            break
    assert search.total(worse) > best.cost
    slots = recombine(search, worse)
    assert slots is not None
    got = {sid: Option(*slot) for sid, slot in slots.items()}
    assert set(got) == set(worse)
    assert all(got[sid] in search.options_for(inst.site(sid)) for sid in got)
    assert search.total(got) <= search.total(worse) - search.MIN_GAIN
    again = recombine(search, got)
    assert again is None or search.total({s: Option(*o) for s, o in again.items()}) < \
        search.total(got)


def test_a_recombination_past_the_deadline_solves_nothing(monkeypatch):
    # at 180 stops reading the memo and building the model took seconds past the
    # search's deadline; past it, recombine gives up before any solve
    inst = small()
    search = TemplateSearch(inst, build_travel(inst), budget=Budget(150))
    best = search.run()

    def no_solve(*args):
        raise AssertionError("a solver was made past the deadline")

    monkeypatch.setattr("bogbus.solve.recombine.deterministic_solver", no_solve)
    search.deadline = time.perf_counter() - 1
    assert recombine(search, dict(best.options)) is None


def test_a_recombination_that_finds_nothing_makes_the_next_wait_twice_as_long(monkeypatch):
    """Each recombination costs ~100 units of CP-SAT time; after one that finds nothing
    the memo must grow twice as much again before the next, and one that improves
    brings the wait back (template.py, RECOMBINE_GROWTH)."""
    inst = small()
    search = TemplateSearch(inst, build_travel(inst), budget=Budget(10_000))
    answers: list[dict | None] = [None, None, {}]
    monkeypatch.setattr("bogbus.solve.recombine.recombine", lambda s, a: answers.pop(0))
    grow = TemplateSearch.RECOMBINE_GROWTH
    search.cache.update({("x", "mon", frozenset({(str(i), 0)}), ()): None
                         for i in range(grow - 1)})
    assert not search.block_moves({}, {}) and search._growth == grow  # too early: no call
    waits = []
    for step in range(3):
        search.cache[("x", "mon", frozenset({("y", step)}), ())] = None
        while not (len(search.cache) >= search._recombined + search._growth):
            search.cache[("x", "tue", frozenset({(str(len(search.cache)), 0)}), ())] = None
        waits.append(len(search.cache) - search._recombined)
        search.block_moves({}, {})
    assert waits == [grow, 2 * grow, 4 * grow]  # two found nothing: the wait doubled twice
    assert search._growth == grow and search.recombinations == 1  # the third improved


def test_the_summary_says_when_the_clock_ended_the_search(tmp_path):
    from click.testing import CliRunner

    from bogbus.cli import main

    write(tmp_path / "data", *generate(22, 1, seed=3))
    # a huge work budget, so the clock (not a fast machine's work budget) ends it
    res = CliRunner().invoke(main, ["plan", str(tmp_path / "data"), "--quarter", "2027Q1",
                                    "--time-limit", "0.5", "--work", "1000000",
                                    "--out", str(tmp_path / "out"), "--no-render"])
    assert res.exit_code in (0, 3), res.output  # 3: something unserved, said and listed
    assert "the clock, not the work budget, ended: search" in res.output
    assert "not reproducible — see --work" in res.output
    again = CliRunner().invoke(main, ["plan", str(tmp_path / "data"), "--quarter", "2027Q1",
                                      "--work", "0"])
    assert again.exit_code != 0 and "--work" in again.output


def test_the_default_work_budget_follows_the_limit_and_the_day_size(tmp_path):
    from bogbus.solve.planner import SEARCH_SHARE, default_work, solve_seconds

    inst = small()
    assert default_work(60, inst) == pytest.approx(2 * default_work(30, inst), abs=1)
    # an idle core's day solves in the search's share of the limit
    assert default_work(30, inst) == int(SEARCH_SHARE * 30 / solve_seconds(inst))
    # twice the stops on the same vehicle: bigger days, dearer solves, fewer of them
    sizes = {}
    for stops in (22, 44):
        write(tmp_path / str(stops), *generate(stops, 1, seed=0))
        sizes[stops] = load_source(str(tmp_path / str(stops)))
    assert solve_seconds(sizes[44]) > 3 * solve_seconds(sizes[22])
    assert default_work(30, sizes[44]) < default_work(30, sizes[22]) / 3
    assert default_work(0.01, inst) == 40  # a floor, so a tiny limit still searches


def test_the_search_leaves_a_large_outreach_its_time(tmp_path):
    from bogbus.solve.planner import SEARCH_SHARE, SEARCH_SHARE_MIN, search_share

    assert search_share(30, small()) == SEARCH_SHARE  # Randers-sized: the full share
    write(tmp_path, *generate(180, 8, seed=0))
    big = load_source(str(tmp_path))
    # 172 sites on 8 buses' quarter: the outreach needs ~3 s, a lot of a short limit
    assert search_share(600, big) == SEARCH_SHARE
    assert SEARCH_SHARE_MIN < search_share(10, big) < SEARCH_SHARE
    assert search_share(4, big) == SEARCH_SHARE_MIN  # never below the floor


def test_a_large_construction_cut_by_the_clock_ends_in_time_with_a_valid_plan(tmp_path):
    # 90 stops, 86 institutions, 4 buses in 3 s: construction, outreach and re-routing
    # are all cut; the plan must still come back in time, valid, every cut said so
    write(tmp_path, *generate(90, 4, seed=0))
    inst = load_source(str(tmp_path))
    t0 = time.perf_counter()
    result = plan_quarter(inst, Q, time_limit_s=3, work=1_000_000, started=t0)
    wall = time.perf_counter() - t0
    plan = build_plan(result)
    assert plan["solver"]["template_stopped_by"] == "clock"
    assert "search" in plan["solver"]["clock_cut"]
    assert check_plan(plan, inst) == []
    assert wall < 3 * 1.05 + 1.5  # the promise, with room for a loaded test machine
    for u in plan["unserved"]:
        assert u["reason"]  # every unserved stop and visit says why
    cut = [u for u in plan["unserved"] if CUT in u["reason"]]
    assert all("time limit" in u["reason"] for u in cut)


def test_cheap_screened_units_buy_more_work_but_the_pool_keeps_its_time(tmp_path):
    from bogbus.solve.planner import default_work, go_on_work, search_share, solve_seconds
    from bogbus.solve.template import SCREEN_FROM_STOPS

    sizes = {}
    for stops, vehicles in ((SCREEN_FROM_STOPS - 4, 3), (SCREEN_FROM_STOPS + 30, 4)):
        write(tmp_path / str(stops), *generate(stops, vehicles, seed=0))
        sizes[stops] = load_source(str(tmp_path / str(stops)))
    small_, large = sizes[SCREEN_FROM_STOPS - 4], sizes[SCREEN_FROM_STOPS + 30]
    # unscreened: one budget, the pool starts where it ends
    assert go_on_work(60, small_) == default_work(60, small_)
    # screened: more than twice the units in the same time; unserved stops still get
    # the ejection pool from where the old budget ended
    assert default_work(60, large) > 2 * go_on_work(60, large)
    assert go_on_work(60, large) == int(search_share(60, large) * 60
                                        / solve_seconds(large, screened=False))
