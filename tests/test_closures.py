"""Closures with a scope: sites and/or vehicles (calendar, settings, validation, planner)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from factories import small, vehicle
from test_cli_repair import write_folder

from bogbus.calendar import build_calendar, parse_quarter
from bogbus.check import check_plan
from bogbus.errors import InputError
from bogbus.io import load_source, validate_source
from bogbus.io.settings import parse_settings
from bogbus.model import Closure
from bogbus.plan import build_plan
from bogbus.solve import plan_quarter

Q2 = parse_quarter("2027Q2")
WEEK = (date(2027, 5, 10), date(2027, 5, 16))


def test_scope_decides_who_is_off():
    c = Closure(*WEEK, "Personaledage", sites=("D01",))
    v = Closure(date(2027, 5, 12), date(2027, 5, 12), "Værksted", vehicles=("van",))
    cal = build_calendar(Q2, None, (c, v))
    d = date(2027, 5, 12)
    assert cal.off_reason(d) is None  # nobody else is off
    assert cal.off_reason(d, site="D01") == "Personaledage"
    assert cal.off_reason(d, "van") == "Værksted" and cal.off_reason(d, "bogbus") is None
    assert d not in cal.service_dates(vehicle("van")) and d in cal.service_dates(vehicle())


def test_a_site_closure_pauses_only_that_sites_clock():
    cal = build_calendar(Q2, None, (Closure(*WEEK, "Lukket", sites=("D01",)),))
    a, b = date(2027, 5, 5), date(2027, 5, 26)
    assert cal.open_days_between(a, b) == 21
    assert cal.open_days_between(a, b, "D01") == 14
    assert cal.open_days_between(a, b, "D02") == 21


def test_overlapping_closures_are_not_counted_twice():
    cal = build_calendar(Q2, None, (Closure(*WEEK, "a"), Closure(WEEK[0], WEEK[1], "b",
                                                                 sites=("D01",))))
    assert cal.open_days_between(date(2027, 5, 5), date(2027, 5, 26), "D01") == 14


def test_settings_read_sites_and_vehicles_lists_or_one_name():
    p = parse_settings(b"""depot: DEPOT
vehicles: [{name: bogbus, shifts: {mon: "08:00-16:00"}}]
calendar:
  closures:
    - {start: 2027-05-10, end: 2027-05-16, reason: Personaledage, sites: [D01, D02]}
    - {start: 2027-05-12, reason: Vaerksted, vehicles: bogbus}
""")
    c1, c2 = p.settings.closures
    assert c1.sites == ("D01", "D02") and c1.vehicles == ()
    assert c2.vehicles == ("bogbus",) and c2.end == date(2027, 5, 12)


def test_scope_of_the_wrong_type_names_the_key():
    p = parse_settings(b"""depot: DEPOT
vehicles: [{name: bogbus, shifts: {mon: "08:00-16:00"}}]
calendar:
  closures:
    - {start: 2027-05-10, reason: x, sites: [{a: 1}]}
""")
    assert any(x.column == "calendar.closures[0].sites" for x in p.problems)


def test_unknown_site_or_vehicle_in_a_closure_is_an_error_with_line(tmp_path):
    data = write_folder(small(), tmp_path / "d", [
        {"start": "2027-05-10", "reason": "x", "sites": ["D01", "D99"]},
        {"start": "2027-05-12", "reason": "y", "vehicles": ["tram"]}])
    _inst, problems = validate_source(str(data))
    errors = [p for p in problems if p.severity == "error"]
    assert {p.column for p in errors} == {"calendar.closures[0].sites",
                                          "calendar.closures[1].vehicles"}
    assert all(p.row for p in errors)
    assert any("D99" in p.message for p in errors) and any("tram" in p.message for p in errors)
    with pytest.raises(InputError):
        load_source(str(data))


def test_a_scenario_file_can_add_a_scoped_closure(tmp_path):
    data = write_folder(small(), tmp_path / "d")
    sc = tmp_path / "daycare-closed.yaml"
    sc.write_text(f"base: {data}\ncalendar: {{closures: {{add: [{{start: 2027-05-10, "
                  "end: 2027-05-16, reason: Personaledage, sites: [D01]}]}}\n",
                  encoding="utf-8")
    inst = load_source(str(sc))
    assert inst.settings.closures[-1].sites == ("D01",)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"base: {data}\ncalendar: {{closures: {{add: [{{start: 2027-05-10, "
                   "reason: x, sites: [D77]}]}}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_source(str(bad))
    assert any("D77" in p.message for p in exc.value.problems)


def test_planner_keeps_a_closed_daycare_and_stop_away_and_check_agrees():
    inst = small()
    closures = (Closure(*WEEK, "Personaledage", sites=("D01", "S02")),)
    closed = dataclasses.replace(inst, settings=dataclasses.replace(inst.settings,
                                                                    closures=closures))
    plan = build_plan(plan_quarter(closed, Q2, time_limit_s=60, work=300, seed=0))
    assert check_plan(plan, closed) == []
    lo, hi = (d.isoformat() for d in WEEK)
    for r in plan["routes"]:
        if lo <= r["date"] <= hi:
            assert not {"D01", "S02"} & {x["site_id"] for x in r["visits"]}
    s02 = next(e for e in plan["stop_timetable"] if e["site_id"] == "S02")
    assert [k["reason"] for k in s02["skipped"] if lo <= k["date"] <= hi] == ["Personaledage"]
    s01 = next(e for e in plan["stop_timetable"] if e["site_id"] == "S01")
    assert not [k for k in s01["skipped"] if lo <= k["date"] <= hi]  # S01 still served
    closure = plan["calendar"]["closures"][0]
    assert closure["sites"] == ["D01", "S02"] and "vehicles" not in closure
    # check reads the scope back from the plan alone, too
    assert check_plan(plan) == []
    assert check_plan(plan, inst) != []  # against data without the closure: S02 gap
