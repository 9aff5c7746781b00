"""The time limit is a promise and the work budget makes runs reproducible
(solve/planner.py, "Time and work" in docs/planner.md)."""

from __future__ import annotations

import time

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
    # 22 stops cost several day solves of work to construct, even with enumerated days
    write(tmp_path, *generate(22, 1, seed=1))
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
