"""Repair of a published plan of the same quarter (`plan --previous P --from D`)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from functools import cache

import pytest
from factories import daycare, instance, nursing_home, small, stop, vehicle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bogbus.calendar import parse_quarter
from bogbus.check import check_plan
from bogbus.errors import BogbusError
from bogbus.model import Closure
from bogbus.plan import build_plan
from bogbus.plan.changes import changes_csv
from bogbus.plan.check.keep import check_keep
from bogbus.plan.repair import plan_repair
from bogbus.solve import plan_quarter

Q2 = parse_quarter("2027Q2")
WED = date(2027, 5, 12)


def random_small(seed: int):
    """A small random data set: stops, daycares and a nursing home around the depot."""
    import random

    rnd = random.Random(seed)

    def near():
        return 56.46 + rnd.uniform(-0.15, 0.15), 10.04 + rnd.uniform(-0.25, 0.25)

    sites = [stop(i, *near(), every=rnd.choice((1, 1, 2)), dur=rnd.choice((20, 30, 45)))
             for i in range(1, 6)]
    sites += [daycare(i, *near(), every=rnd.choice((3, 4))) for i in range(1, 3)]
    sites.append(nursing_home(1, *near(), every=rnd.choice((4, 6))))
    return instance(sites)


@cache
def published(two_vehicles: bool = False, seed: int | None = None):
    inst = small() if seed is None else random_small(seed)
    if two_vehicles:
        sites = [dataclasses.replace(s, vehicles=("van",)) if s.id in ("S03", "D02") else s
                 for s in inst.sites[1:]]  # the van must run, so closing it matters
        inst = instance(sites, [vehicle("bogbus"), vehicle("van", late_wed=False)])
    plan = build_plan(plan_quarter(inst, Q2, time_limit_s=120, seed=0, work=225))
    assert check_plan(plan, inst) == []
    return inst, plan


def with_closures(inst, *closures):
    return dataclasses.replace(inst, settings=dataclasses.replace(
        inst.settings, closures=tuple(closures)))


def visits(plan, pred=lambda d: True):
    return {(x["site_id"], r["date"], r["vehicle"], x["arrival"], x["departure"])
            for r in plan["routes"] for x in r["visits"] if pred(r["date"])}


def repair(inst, pub, frm):
    plan, _how = plan_repair(inst, pub, Q2, frm)
    assert check_plan(plan, inst) == []
    assert check_keep(plan, pub) == []
    return plan


def test_whole_bus_closure_cancels_that_wednesdays_stops_and_moves_institutions():
    inst, pub = published()
    closed = with_closures(inst, Closure(WED, WED, "Bussen er på værksted"))
    plan = repair(closed, pub, "2027-05-05")
    cut = "2027-05-05"
    assert visits(plan, lambda d: d < cut) == visits(pub, lambda d: d < cut)
    that_day = {x["site_id"] for r in pub["routes"] if r["date"] == WED.isoformat()
                for x in r["visits"]}
    changes = plan["repair"]["changes"]
    changed = {c["site_id"] for c in changes}
    assert changed == that_day  # nothing else changes
    for c in changes:
        assert c["reason"] == "Bussen er på værksted"
        if c["kind"] == "stop":
            assert c["change"] == "cancelled" and c["new"] is None
            entry = next(e for e in plan["stop_timetable"] if e["site_id"] == c["site_id"])
            assert {"date": WED.isoformat(), "reason": "Bussen er på værksted"} in entry["skipped"]
        else:
            assert c["change"] == "moved" and c["new"]["date"] != WED.isoformat()
            gap = abs(date.fromisoformat(c["new"]["date"]) - WED).days
            assert gap <= closed.settings.outreach_tolerance_days  # the nearest dates
    assert not any(r["date"] == WED.isoformat() for r in plan["routes"])
    # every visit no change touched keeps date, vehicle and times
    untouched = {v for v in visits(pub) if v[0] not in that_day or v[1] != WED.isoformat()}
    moved_old = {(c["site_id"], c["old"]["date"]) for c in changes}
    assert {v for v in untouched if (v[0], v[1]) not in moved_old} <= visits(plan)
    assert plan["repair"]["counts"]["cancelled"] == sum(c["kind"] == "stop" for c in changes)


def test_one_week_daycare_closure_moves_only_that_daycares_visits():
    inst, pub = published()
    d01 = sorted(r["date"] for r in pub["routes"] for x in r["visits"] if x["site_id"] == "D01")
    hit = date.fromisoformat(d01[1])
    monday = hit - timedelta(hit.weekday())
    closed = with_closures(inst, Closure(monday, monday + timedelta(6), "Personaledage",
                                         sites=("D01",)))
    plan = repair(closed, pub, monday.isoformat())
    changes = plan["repair"]["changes"]
    assert changes and {c["site_id"] for c in changes} == {"D01"}
    assert all(c["change"] == "moved" for c in changes)
    new_d01 = [r["date"] for r in plan["routes"] for x in r["visits"] if x["site_id"] == "D01"]
    assert not any(monday.isoformat() <= d <= (monday + timedelta(6)).isoformat()
                   for d in new_d01)
    others = {v for v in visits(pub) if v[0] != "D01"}
    assert others == {v for v in visits(plan) if v[0] != "D01"}


def test_default_from_is_the_first_date_the_data_differs():
    inst, pub = published()
    closed = with_closures(inst, Closure(WED, WED, "Værksted"))
    plan, how = plan_repair(closed, pub, Q2, None)
    assert plan["repair"]["from"] == WED.isoformat() and "closures differ" in how


def test_nothing_changed_keeps_everything():
    inst, pub = published()
    plan = repair(inst, pub, "2027-04-01")
    assert plan["repair"]["changes"] == [] and visits(plan) == visits(pub)


def test_a_new_stop_is_fitted_around_what_is_kept():
    inst, pub = published()
    grown = dataclasses.replace(inst, sites=inst.sites + (
        stop(7, 56.47, 10.05, every=2, dur=20, window=(14 * 60, 19 * 60)),))
    plan = repair(grown, pub, "2027-05-03")
    entry = next(e for e in plan["stop_timetable"] if e["site_id"] == "S07")
    assert entry["valid_from"] == "2027-05-03" and entry["dates"]
    assert all(d >= "2027-05-03" for d in entry["dates"])
    others = {c["site_id"] for c in plan["repair"]["changes"]} - {"S07"}
    assert not others  # no kept visit had to give way
    assert {c["change"] for c in plan["repair"]["changes"]} == {"added"}


def test_vehicle_closure_takes_only_that_vehicle_off():
    inst, pub = published(two_vehicles=True)
    van_days = sorted({r["date"] for r in pub["routes"] if r["vehicle"] == "van"})
    day = date.fromisoformat(van_days[len(van_days) // 2])
    closed = with_closures(inst, Closure(day, day, "Varevognen til syn", vehicles=("van",)))
    plan = repair(closed, pub, day.isoformat())
    assert not any(r["vehicle"] == "van" and r["date"] == day.isoformat()
                   for r in plan["routes"])
    bus = {v for v in visits(pub) if v[2] == "bogbus" and v[1] == day.isoformat()}
    assert bus <= visits(plan)  # the other vehicle still runs that day
    assert {c["old"]["vehicle"] for c in plan["repair"]["changes"]} == {"van"}


def test_changes_csv_lists_old_and_new_with_reason():
    inst, pub = published()
    plan = repair(with_closures(inst, Closure(WED, WED, "Værksted")), pub, "2027-05-05")
    rows = changes_csv(plan["repair"]["changes"], "plain").splitlines()
    assert rows[0].startswith("change,site_id,name,kind,old_date,old_time")
    assert any(r.startswith("cancelled,S") and ",2027-05-12," in r and "Værksted" in r
               for r in rows[1:])
    excel = changes_csv(plan["repair"]["changes"])  # the file's default: Danish Excel
    assert excel.startswith("\ufeffchange;site_id;name;kind;old_date")


@pytest.mark.parametrize("frm, message", [
    ("2027-07-02", "outside 2027Q2"),
    ("12/5", "not a date"),
])
def test_bad_from_is_a_clear_error(frm, message):
    inst, pub = published()
    with pytest.raises(BogbusError, match=message):
        plan_repair(inst, pub, Q2, frm)


def test_published_plan_of_another_quarter_or_data_set_is_refused():
    inst, pub = published()
    with pytest.raises(BogbusError, match="same quarter"):
        plan_repair(inst, pub, parse_quarter("2027Q3"), "2027-07-05")
    other = dict(pub, depot="ELSEWHERE")
    with pytest.raises(BogbusError, match="not a plan of this data"):
        plan_repair(inst, other, Q2, "2027-05-05")
    strangers = dict(pub, sites=[dict(s, id="X" + s["id"]) for s in pub["sites"]])
    with pytest.raises(BogbusError, match="none of its sites"):
        plan_repair(inst, strangers, Q2, "2027-05-05")


def test_a_closure_before_from_would_rewrite_the_past():
    inst, pub = published()
    closed = with_closures(inst, Closure(WED, WED, "Værksted"))
    with pytest.raises(BogbusError, match="before --from"):
        plan_repair(closed, pub, Q2, "2027-05-20")


def test_a_closure_leaving_a_site_no_date_is_listed_unserved():
    inst, pub = published()
    closed = with_closures(inst, Closure(date(2027, 4, 1), date(2027, 6, 30), "Ombygning",
                                         sites=("N01",)))
    plan, _ = plan_repair(closed, pub, Q2, "2027-04-01")
    assert check_plan(plan, closed) == []
    assert any(u["site_id"] == "N01" and "closed on every date" in u["reason"]
               and "Ombygning" in u["reason"]
               for u in plan["unserved"])
    assert not any(x["site_id"] == "N01" for r in plan["routes"] for x in r["visits"])


def test_check_keep_catches_a_moved_stop_date_and_a_changed_past():
    inst, pub = published()
    plan = repair(with_closures(inst, Closure(WED, WED, "Værksted")), pub, "2027-05-05")
    tampered = dict(plan, routes=[dict(r) for r in plan["routes"]])
    first = tampered["routes"][0]
    first["visits"] = [dict(first["visits"][0], arrival="06:00")] + first["visits"][1:]
    assert any("before --from" in v.message for v in check_keep(tampered, pub))


closure_strategy = st.tuples(
    st.integers(0, 80),  # start: days after April 1st
    st.integers(0, 9),  # length - 1
    st.sampled_from([(), ("D01",), ("D02",), ("N01",), ("S01",), ("S03",), ("D01", "S02")]),
    st.integers(0, 20),  # --from: days before the closure
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(closure_strategy, min_size=1, max_size=3),
       st.sampled_from([(False, None), (True, None), (False, 1), (False, 2), (False, 3)]))
def test_property_random_closures_keep_the_past_and_every_untouched_visit(spec, data):
    two, seed = data
    inst, pub = published(two_vehicles=two, seed=seed)
    closures = []
    for start, length, sites, _ in spec:
        a = date(2027, 4, 1) + timedelta(start)
        vehicles = ("van",) if two and not sites and start % 2 else ()
        closures.append(Closure(a, min(a + timedelta(length), date(2027, 6, 30)), "Lukket",
                                sites=sites, vehicles=vehicles))
    frm = max(date(2027, 4, 1), min(c.start for c in closures)
              - timedelta(min(b for *_, b in spec)))
    closed = with_closures(inst, *closures)
    plan, _ = plan_repair(closed, pub, Q2, frm.isoformat())
    assert check_plan(plan, closed) == []
    assert check_keep(plan, pub) == []
    cut = frm.isoformat()
    assert visits(plan, lambda d: d < cut) == visits(pub, lambda d: d < cut)
    listed = {(c["site_id"], c["old"]["date"]) for c in plan["repair"]["changes"] if c["old"]}
    untouched = {v for v in visits(pub, lambda d: d >= cut) if (v[0], v[1]) not in listed}
    assert untouched <= visits(plan)
    for c in plan["repair"]["changes"]:  # a stop date is cancelled, never moved
        if c["kind"] == "stop":
            assert c["change"] == "cancelled"


def test_a_lifted_closure_gives_the_stops_their_date_back():
    inst, _ = published()
    closed = with_closures(inst, Closure(WED, WED, "Værksted"))
    pub = build_plan(plan_quarter(closed, Q2, time_limit_s=120, seed=0, work=225))
    plan, how = plan_repair(inst, pub, Q2, None)  # the closure is gone from the data
    assert plan["repair"]["from"] == WED.isoformat()
    assert check_plan(plan, inst) == [] and check_keep(plan, pub) == []
    back = [c for c in plan["repair"]["changes"] if c["kind"] == "stop"]
    assert back and all(c["change"] == "added" and c["new"]["date"] == WED.isoformat()
                        for c in back)


def test_a_stop_whose_duration_changed_gets_a_new_slot_from_the_date():
    inst, pub = published()
    longer = dataclasses.replace(inst, sites=tuple(
        dataclasses.replace(s, duration_min=45) if s.id == "S02" else s for s in inst.sites))
    plan = repair(longer, pub, "2027-05-03")
    entry = next(e for e in plan["stop_timetable"] if e["site_id"] == "S02")
    assert entry["valid_from"] == "2027-05-03"
    assert entry["departure"] != next(e for e in pub["stop_timetable"]
                                      if e["site_id"] == "S02")["departure"]
    changed = {c["site_id"] for c in plan["repair"]["changes"]}
    assert "S02" in changed
    assert all("duration changed" in c["reason"] for c in plan["repair"]["changes"]
               if c["site_id"] == "S02")


def test_published_unserved_visits_carry_over_unless_the_site_is_re_placed():
    inst, pub = published()
    pub = dict(pub, unserved=[{"site_id": "D02", "date": "2027-04-20", "reason": "before"},
                              {"site_id": "N01", "date": "2027-06-20", "reason": "after"}])
    closed = with_closures(inst, Closure(WED, WED, "Værksted"))
    plan, _ = plan_repair(closed, pub, Q2, "2027-05-05")
    kept = {(u["site_id"], u["date"]) for u in plan["unserved"]}
    assert ("D02", "2027-04-20") in kept  # the past is fact
    touched = {c["site_id"] for c in plan["repair"]["changes"]}
    assert (("N01", "2027-06-20") in kept) == ("N01" not in touched)


def test_a_new_stop_that_only_fits_where_a_daycare_is_releases_that_daycare():
    inst, pub = published()
    wed_d01 = [r["date"] for r in pub["routes"] if r["weekday"] == "wed"
               and any(x["site_id"] == "D01" for x in r["visits"])]
    assert wed_d01, "the fixture should visit D01 on a Wednesday"
    frm = wed_d01[-1]
    # the new stop must stand exactly where D01's published Wednesday slot is (its
    # window is that hour, its duration fills it), wherever the planner put D01
    at = next(x["arrival"] for r in pub["routes"] if r["date"] == frm
              for x in r["visits"] if x["site_id"] == "D01")
    start = int(at[:2]) * 60 + int(at[3:])
    s07 = stop(7, 56.45, 10.15, every=1, dur=60, window=(start, start + 60),
               fixed_day="wed")
    grown = dataclasses.replace(inst, sites=inst.sites + (s07,))
    plan = repair(grown, pub, frm)
    changes = plan["repair"]["changes"]
    released = [c for c in changes if c["change"] == "released"]
    assert released and all(c["site_id"] == "D01" and "S07" in c["reason"] for c in released)
    assert {c["site_id"] for c in changes} <= {"S07", "D01"}
    assert any(c["change"] == "added" and c["site_id"] == "S07" for c in changes)


def test_a_repaired_plan_can_be_repaired_again_and_keeps_its_identities():
    inst, pub = published()
    c1 = Closure(WED, WED, "Værksted")
    first = repair(with_closures(inst, c1), pub, "2027-05-05")
    d01 = [r["date"] for r in first["routes"] for x in r["visits"] if x["site_id"] == "D01"
           and r["date"] > "2027-05-20"]
    hit = date.fromisoformat(d01[0])
    c2 = Closure(hit, hit, "Lukket", sites=("D01",))
    second = repair(with_closures(inst, c1, c2), first, (hit - timedelta(2)).isoformat())
    assert {c["site_id"] for c in second["repair"]["changes"]} == {"D01"}
    uids = {x["uid"] for r in first["routes"] for x in r["visits"]}
    moved = next(c for c in second["repair"]["changes"] if c["old"]["date"] == hit.isoformat())
    assert moved["uid"] in uids and moved["sequence"] >= 1
    cancelled_first = {c["uid"] for c in first["repair"]["changes"] if c["change"] == "cancelled"}
    assert cancelled_first == {c["uid"] for c in second["repair"]["earlier_cancellations"]}


def test_every_visit_of_a_repaired_plan_has_its_uid():
    inst, pub = published()
    plan = repair(with_closures(inst, Closure(WED, WED, "Værksted")), pub, "2027-05-05")
    uids = [x["uid"] for r in plan["routes"] for x in r["visits"]]
    assert all(uids) and len(set(uids)) == len(uids)


def test_removing_a_visited_site_says_to_close_it_instead():
    inst, pub = published()
    gone = dataclasses.replace(inst, sites=tuple(s for s in inst.sites if s.id != "S01"))
    with pytest.raises(BogbusError, match=r"close it: calendar.closures.*sites: \[S01\]"):
        plan_repair(gone, pub, Q2, "2027-05-05")
    closed = with_closures(inst, Closure(date(2027, 5, 5), date(2027, 6, 30), "Nedlagt",
                                         sites=("S01",)))
    plan = repair(closed, pub, "2027-05-05")
    s01 = [c for c in plan["repair"]["changes"] if c["site_id"] == "S01"]
    assert s01 and all(c["change"] == "cancelled" and c["reason"] == "Nedlagt" for c in s01)
    assert {c["site_id"] for c in plan["repair"]["changes"]} == {"S01"}
