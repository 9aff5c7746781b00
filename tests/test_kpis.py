"""Reach: unique people vs person-visits, and plans from before the split."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bogbus.check import check_plan
from bogbus.plan import read_plan
from bogbus.plan.kpis import REACH_KEYS, compute_kpis, reach, upgrade_kpis

PLAN = Path(__file__).parent / "data" / "plan_small.json"


def _plan(visits: list[str], children: dict[str, int]) -> dict:
    sites = [{"id": sid, "kind": "daycare", "children": n} for sid, n in children.items()]
    sites.append({"id": "N1", "kind": "nursing_home", "residents": 25})
    return {"sites": sites, "routes": [{"visits": [{"site_id": s} for s in visits]}]}


def test_unique_children_count_each_daycare_once():
    p = _plan(["D1", "D1", "D2", "D1", "N1", "N1"], {"D1": 20, "D2": 12, "D3": 40})
    assert reach(p) == {"children_unique": 32, "child_visits": 72,
                        "residents_unique": 25, "resident_visits": 50}


@given(st.lists(st.sampled_from(["D1", "D2", "D3", "N1"]), max_size=30),
       st.lists(st.integers(0, 200), min_size=3, max_size=3))
def test_unique_never_exceeds_visits_and_equals_it_for_one_visit_each(visits, counts):
    p = _plan(visits, dict(zip(["D1", "D2", "D3"], counts)))
    r = reach(p)
    assert r["children_unique"] <= r["child_visits"]
    assert r["residents_unique"] <= r["resident_visits"]
    if len(set(visits)) == len(visits):
        assert r["children_unique"] == r["child_visits"]


@pytest.fixture(scope="module")
def fresh():
    from factories import small

    from bogbus.pipeline import plan_instance

    return plan_instance(small(), "2027Q1", time_limit_s=60, work=300)


def test_check_verifies_the_reach_figures(fresh):
    assert check_plan(fresh) == []
    bad = copy.deepcopy(fresh)
    bad["kpis"]["children_unique"] += 1
    assert [v.rule for v in check_plan(bad)] == ["kpis"]


def test_check_reads_a_plan_from_before_the_split(fresh):
    old = copy.deepcopy(fresh)
    for key in REACH_KEYS:
        old["kpis"].pop(key)
    old["kpis"]["children_reached"] = fresh["kpis"]["child_visits"]
    assert check_plan(old) == []
    old["kpis"]["children_reached"] += 5
    assert any("children_reached" in str(v) for v in check_plan(old))


def test_old_plan_is_upgraded_on_read(fresh, tmp_path):
    old = copy.deepcopy(fresh)
    for key in REACH_KEYS:
        old["kpis"].pop(key)
    old["kpis"]["children_reached"] = fresh["kpis"]["child_visits"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    plan = read_plan(path)
    assert all(plan["kpis"][key] == fresh["kpis"][key] for key in REACH_KEYS)
    assert plan["kpis"]["children_reached"] == old["kpis"]["children_reached"]


def test_tiny_plan_file_reach():
    plan = upgrade_kpis(json.loads(PLAN.read_text(encoding="utf-8")))
    k = compute_kpis(plan)
    assert plan["kpis"]["child_visits"] == plan["kpis"]["children_reached"] == k["child_visits"]
    assert plan["kpis"]["children_unique"] < plan["kpis"]["child_visits"]
