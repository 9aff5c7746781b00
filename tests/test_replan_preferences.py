"""Planning the next quarter against a published one keeps each institution's weekday
and time of day where it can (`outreach_preferences`)."""

from __future__ import annotations

from factories import small

from bogbus.calendar import parse_quarter
from bogbus.check import check_plan
from bogbus.io.previous import outreach_preferences
from bogbus.plan import build_plan
from bogbus.solve import plan_quarter


def published(visits: list[tuple[str, str, str]]) -> dict:
    """A published plan reduced to what preferences read: dated institution visits."""
    return {"quarter": "2027Q1", "stop_timetable": [], "routes": [
        {"date": d, "vehicle": "bogbus", "visits": [{"site_id": sid, "kind": "daycare",
                                                     "arrival": t, "departure": t}]}
        for d, sid, t in visits]}


def test_most_frequent_weekday_then_its_most_frequent_time():
    p = published([("2027-01-05", "D01", "09:00"), ("2027-02-02", "D01", "09:00"),
                   ("2027-03-03", "D01", "10:00"), ("2027-03-04", "D02", "09:30")])
    assert outreach_preferences(p) == {"D01": ("tue", 540), "D02": ("thu", 570)}


def test_next_quarter_keeps_an_institutions_tuesday_morning():
    inst = small()
    q2 = parse_quarter("2027Q2")
    plain = build_plan(plan_quarter(inst, q2, time_limit_s=60, work=300, seed=0))
    d01 = [(r["weekday"], x["arrival"]) for r in plain["routes"] for x in r["visits"]
           if x["site_id"] == "D01"]
    assert all(wd != "tue" for wd, _ in d01)  # left alone, D01 is not a Tuesday visit
    # every 4 weeks on a Tuesday through Q1, so its rhythm runs on to Tuesday 27 April
    prev = published([("2027-01-05", "D01", "09:00"), ("2027-02-02", "D01", "09:00"),
                      ("2027-03-02", "D01", "09:00"), ("2027-03-30", "D01", "09:00")])
    plan = build_plan(plan_quarter(inst, q2, time_limit_s=60, work=300, seed=0, previous=prev))
    assert check_plan(plan, inst) == []
    d01 = [(r["weekday"], x["arrival"]) for r in plan["routes"] for x in r["visits"]
           if x["site_id"] == "D01"]
    assert d01 and all(v == ("tue", "09:00") for v in d01)
