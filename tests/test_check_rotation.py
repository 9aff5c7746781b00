"""`bogbus check` on rotating collections: a real small plan passes; each way of breaking
the rotation by hand is caught, with the rule, date and site."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date

import pytest
from factories import small

from bogbus.calendar import parse_quarter
from bogbus.check import check_plan
from bogbus.model import Collection, HistoryEntry
from bogbus.plan import build_plan
from bogbus.solve import plan_quarter

COLLS = (Collection("DA", "Dyr", "daycare", 1), Collection("DB", "Eventyr", "daycare", 2),
         Collection("DC", "Rim", "daycare", 1), Collection("DD", "Tal", "daycare", 1),
         Collection("DE", "Vejr", "daycare", 2), Collection("DF", "Skov", "daycare", 1),
         Collection("PA", "Storskrift", "nursing_home", 3),
         Collection("PB", "Lydbøger", "nursing_home", 2),
         Collection("PC", "Lokalhistorie", "nursing_home", 3))
HISTORY = (HistoryEntry("D01", "DA", date(2026, 12, 7)),
           HistoryEntry("N01", "PA", date(2026, 11, 23)))


def rotating_instance():
    inst = small()
    return dataclasses.replace(inst, collections=COLLS, rotation_history=HISTORY)


@pytest.fixture(scope="module")
def planned():
    inst = rotating_instance()
    return inst, build_plan(plan_quarter(inst, parse_quarter("2027Q1"), time_limit_s=60, work=300))


def institution_visits(plan):
    return [(r, v) for r in plan["routes"] for v in r["visits"] if "deliver" in v]


def rules(plan, inst=None):
    return [str(v) for v in check_plan(plan, inst) if v.rule == "rotation"]


def test_the_plan_rotates_and_passes(planned):
    inst, plan = planned
    visits = institution_visits(plan)
    assert visits and all(v["deliver"] for _, v in visits)
    assert plan["rotation"]["holdings_at_start"] == {"D01": "DA", "N01": "PA"}
    first_d01 = next(v for _, v in visits if v["site_id"] == "D01")
    assert first_d01["collect"] == ["DA"] and first_d01["deliver"] != ["DA"]
    assert check_plan(plan, inst) == []
    assert check_plan(plan) == []  # from the plan file alone, too


def test_a_collection_in_two_places_is_caught(planned):
    inst, plan = planned
    bad = copy.deepcopy(plan)
    _, v = institution_visits(bad)[0]
    v["deliver"] = ["DA" if v["site_id"] != "D01" else "PA"]
    assert rules(bad), "a collection still at D01 (or of the other kind) cannot be delivered"


def test_an_unlisted_repeat_is_caught(planned):
    _, plan = planned
    bad = copy.deepcopy(plan)
    d01 = [v for _, v in institution_visits(bad) if v["site_id"] == "D01"]
    # give D01's second visit what it got at the first: collect/deliver adjusted so only
    # the repeat rule is broken
    assert len(d01) >= 2
    bad["rotation"]["history"].append({"site_id": "D01", "collection_id": d01[1]["deliver"][0],
                                       "date": "2026-12-01"})
    msgs = rules(bad)
    assert any("again within 52 weeks" in m for m in msgs), msgs


def test_a_visit_without_delivery_must_be_listed(planned):
    _, plan = planned
    bad = copy.deepcopy(plan)
    _, v = institution_visits(bad)[-1]  # the last visit: nothing depends on what it leaves
    v["deliver"] = []
    bad["rotation"]["uses"] = {c: sum(x["deliver"].count(c) for _, x in institution_visits(bad))
                               for c in bad["rotation"]["uses"]}
    msgs = rules(bad)
    assert any("does not list it as a shortfall" in m for m in msgs), msgs
    kind = next(s["kind"] for s in bad["sites"] if s["id"] == v["site_id"])
    bad["rotation"]["shortfall"] = [{
        "kind": kind, "collections": sum(c["kind"] == kind for c in bad["rotation"]["collections"]),
        "visits": [{"site_id": v["site_id"], "date": r["date"], "problem": "none"}
                   for r, x in institution_visits(bad) if x is v]}]
    assert rules(bad) == []


def test_an_overloaded_leg_is_caught(planned):
    _, plan = planned
    bad = copy.deepcopy(plan)
    for veh in bad["vehicles"]:
        veh["crate_capacity"] = 1
    msgs = [str(v) for v in check_plan(bad) if v.rule == "rotation"]
    assert any("crate_capacity 1" in m for m in msgs), msgs


def test_the_data_must_match_the_plan(planned):
    inst, plan = planned
    other = dataclasses.replace(inst, collections=COLLS[:-1])
    assert any("differ from collections.csv" in m for m in rules(plan, other))
    later = dataclasses.replace(inst, rotation_history=HISTORY + (
        HistoryEntry("D02", "DB", date(2026, 12, 14), row=4),))
    assert any("row 4" in m for m in rules(plan, later))


def test_a_plan_without_rotation_for_data_with_collections(planned):
    inst, plan = planned
    bare = copy.deepcopy(plan)
    del bare["rotation"]
    assert any("no rotation section" in m for m in rules(bare, inst))
