"""The planner takes up the lower bound's optimal timetable (TemplateBound.witness) when
the search ended above it: checked against the exact day model, never worse."""

from __future__ import annotations

from dataclasses import replace

from bogbus.bench.municipality import generate, write
from bogbus.calendar import parse_quarter
from bogbus.io import load_source
from bogbus.plan import build_plan
from bogbus.plan.check import check_plan
from bogbus.solve import plan_quarter
from bogbus.solve.bound import TemplateBound, template_lower_bound
from bogbus.solve.template import Budget, TemplateSearch
from bogbus.travel import build_travel

# 12 stops on one bus: 3 units of work leave the search at ~110 km/week, while the
# bound proves the optimum 96.8 with a real timetable in well under a second
WORK = 3


def twelve_stops(tmp_path):
    write(tmp_path, *generate(12, 1, seed=2))
    return load_source(str(tmp_path))


def test_the_optimal_witness_is_adopted_only_when_cheaper(tmp_path):
    inst = twelve_stops(tmp_path)
    travel = build_travel(inst)
    search = TemplateSearch(inst, travel, seed=0, budget=Budget(WORK))
    first = search.run()
    bound = template_lower_bound(inst, travel, set(first.options), float("inf"),
                                 det_limit=20, seed=0)
    assert bound.status == "optimal" and bound.witness
    assert bound.lower_km < first.cost - 5  # the short search is far from it
    better = search.adopt(bound.witness, first)
    assert better is not None
    assert abs(better.cost - bound.lower_km) < 1e-9  # the bound's optimum, exact
    assert better.elite[0] is better and set(better.options) == set(first.options)
    same = search.adopt(bound.witness, better)  # as cheap: offered, the plan decides
    assert same is not None and abs(same.cost - better.cost) < 1e-9
    assert search.adopt(bound.witness, replace(better, cost=better.cost - 0.1)) is None
    partial = tuple((v, d, c[1:]) for v, d, c in bound.witness)  # a stop left out
    assert search.adopt(partial, first) is None


def test_a_plan_whose_search_stopped_early_gets_the_optimum(tmp_path):
    inst = twelve_stops(tmp_path)
    plan = build_plan(plan_quarter(inst, parse_quarter("2027Q1"), time_limit_s=60,
                                   work=WORK))
    assert plan["kpis"]["lower_bound_method"] == "optimal"
    assert plan["kpis"]["gap_pct"] == 0.0  # the optimum, from unrounded figures
    assert "bound witness" not in plan["solver"]["clock_cut"]
    assert check_plan(plan, inst) == []
    again = build_plan(plan_quarter(inst, parse_quarter("2027Q1"), time_limit_s=60,
                                    work=WORK))
    assert again["stop_timetable"] == plan["stop_timetable"]  # reproducible


def test_the_masters_timetables_are_real_and_the_plan_takes_them_up(tmp_path, monkeypatch):
    """The shared-time master offers the cheapest timetable its costed contents make
    (content.py `master_timetable`) before it proves anything: each offer is cheaper
    than the last, drivable day by day at its own figure, never below the optimum;
    and a plan whose bound had not settled when the wait ended takes the last offer
    up (job.py `latest`). It fails if an offer's figure is not what its days cost, or
    if the planner reads only settled reports."""
    inst = twelve_stops(tmp_path)
    travel = build_travel(inst)
    search = TemplateSearch(inst, travel, seed=0, budget=Budget(WORK))
    first = search.run()
    offers: list[tuple[float, tuple]] = []
    bound = template_lower_bound(inst, travel, set(first.options), float("inf"),
                                 det_limit=20, seed=0,
                                 offer=lambda km, days: offers.append((km, days)))
    assert bound.status == "optimal" and offers
    kms = [km for km, _ in offers]
    assert kms == sorted(kms, reverse=True) and len(set(kms)) == len(kms)
    for km, days in offers:
        taken = search.adopt(days, replace(first, cost=float("inf")))
        assert taken is not None  # every day drivable, every stop once
        assert km - 1e-6 <= taken.cost <= km + 0.05  # legs floored to 0.1 km in the bound
        assert taken.cost >= bound.lower_km - 1e-6
    assert offers[-1][0] < first.cost - 5  # the short search is beaten

    import bogbus.solve.bound.job as job_module

    last = TemplateBound(bound.lower_km - 5, "shared", bound.cycle_weeks,
                         incumbent=offers[-1][1], incumbent_km=offers[-1][0])
    monkeypatch.setattr(job_module.BoundJob, "witness", lambda self, until: None)
    monkeypatch.setattr(job_module.BoundJob, "latest", property(lambda self: last))
    plan = build_plan(plan_quarter(inst, parse_quarter("2027Q1"), time_limit_s=60,
                                   work=WORK))
    assert "bound witness" in plan["solver"]["clock_cut"]  # the plan says the clock cut
    assert abs(plan["kpis"]["template_km_per_week"] - offers[-1][0]) < 0.05
    assert check_plan(plan, inst) == []
