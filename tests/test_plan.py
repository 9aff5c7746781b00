import json

import pytest
from factories import small

from bogbus.calendar import parse_quarter
from bogbus.errors import BogbusError
from bogbus.plan import build_plan, read_plan, write_json_atomic
from bogbus.plan.schema import plan_structure_problems
from bogbus.solve import plan_quarter


@pytest.fixture(scope="module")
def plan():
    return build_plan(plan_quarter(small(), parse_quarter("2027Q1"), time_limit_s=60, work=300))


def test_built_plan_has_contract_keys_and_valid_structure(plan):
    for key in ("schema", "scenario", "quarter", "period", "data", "inputs_sha256",
                "travel_model", "solver", "calendar", "routes", "unserved", "kpis"):
        assert key in plan
    assert plan["solver"]["engine"] and plan["solver"]["seed"] == 0
    assert plan_structure_problems(plan) == []
    r = plan["routes"][0]
    assert r["legs"][0]["from"] == "DEPOT" and r["legs"][-1]["to"] == "DEPOT"
    assert len(r["legs"]) == len(r["visits"]) + 1


def test_write_is_atomic_and_round_trips(plan, tmp_path):
    path = write_json_atomic(plan, tmp_path / "sub" / "plan.json")
    assert read_plan(path) == json.loads(json.dumps(plan))
    assert [p.name for p in path.parent.iterdir()] == ["plan.json"]  # no temp files left


@pytest.mark.parametrize("damage", [
    lambda p: p["routes"][0].pop("legs"),
    lambda p: p["routes"][0]["visits"][0].__setitem__("arrival", "x"),
    lambda p: p["stop_timetable"][0].__setitem__("weekday", 3),
    lambda p: p.__setitem__("routes", 7),
])
def test_damaged_plan_is_a_clear_error(plan, tmp_path, damage):
    bad = json.loads(json.dumps(plan))
    damage(bad)
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(BogbusError, match="damaged"):
        read_plan(f)


def test_a_shortfall_that_more_collections_cannot_end_is_a_valid_plan(plan, tmp_path):
    # rotation.shortfall[].more_needed is null when even one more collection per visit
    # hit is not enough (the bus's room is the limit): the planner writes it so, and
    # `check` and every reader must take it
    doc = json.loads(json.dumps(plan))
    doc["rotation"] = {"no_repeat_weeks": 52, "collections": [], "holdings_at_start": {},
                       "history": [], "uses": {}, "shortfall": [
                           {"kind": "daycare", "collections": 0, "more_needed": None,
                            "visits": []}]}
    assert plan_structure_problems(doc) == []
    doc["rotation"]["shortfall"][0]["more_needed"] = -1
    assert any("more_needed" in p for p in plan_structure_problems(doc))


def test_not_a_plan(tmp_path):
    f = tmp_path / "x.json"
    f.write_text("{\"a\": 1}", encoding="utf-8")
    with pytest.raises(BogbusError, match="not a bogbus plan"):
        read_plan(f)


def test_kpis_carry_a_proven_bound_and_its_gap(plan):
    k = plan["kpis"]
    assert k["lower_bound_scope"] == "template_week"
    assert k["template_km_per_week"] == plan["solver"]["template_km_per_week"]
    assert 0 < k["lower_bound_km"] <= k["template_km_per_week"]
    assert k["gap_pct"] == round((k["template_km_per_week"] - k["lower_bound_km"])
                                 / k["template_km_per_week"] * 100, 2)
    assert k["lower_bound_method"] in ("lp", "integer", "optimal")


def test_checker_rejects_a_bound_above_the_timetable(plan):
    from bogbus.check import check_plan

    bad = json.loads(json.dumps(plan))
    bad["kpis"]["lower_bound_km"] = bad["kpis"]["template_km_per_week"] + 1
    assert any(v.rule == "kpis" and "lower bound" in v.message for v in check_plan(bad))
    assert not [v for v in check_plan(plan) if v.rule == "kpis"]
