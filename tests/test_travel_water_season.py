"""Seasonal ferries: used when their season covers the whole planned quarter (one matrix
serves the quarter), the memo shared by quarters that differ in nothing, and `bogbus check`
re-deriving the same legs from the plan's own quarter (travel/water.py, docs/travel.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from bogbus.calendar import parse_quarter
from bogbus.cli import main
from bogbus.io import load_source
from bogbus.model import Site, TimeWindow, Vehicle
from bogbus.plan.check import check_plan
from bogbus.solve.repair.core import Repair
from bogbus.travel import build_travel
from bogbus.travel.water import build_water, compute, in_season
from bogbus.travel.waterfile import Crossing, read_water

SITES = """\
id,kind,name,lat,lon,every_weeks,duration_min,earliest,latest,days,visitors
DEPOT,depot,Vestby bibliotek,56.0,9.98,,,,,,
S1,stop,Østby torv,56.0,10.02,1,30,13:00,16:00,"mon,tue,wed,thu,fri",10
S2,stop,Vestby skole,56.03,9.97,1,30,09:00,12:00,"mon,tue,wed,thu,fri",10
"""

SETTINGS = """\
name: Testbibliotek
depot: DEPOT
vehicles:
  - name: bogbus
    shifts: {mon: "08:30-16:30", tue: "08:30-16:30", wed: "08:30-16:30",
             thu: "08:30-16:30", fri: "08:30-14:30"}
travel: {model: greatcircle, circuity: 1.3, speed_kmh: 50, water: water.geojson}
solver: {time_limit_s: 2, seed: 0}
"""

FJORD = {"type": "Feature", "properties": {"kind": "barrier", "name": "Fjorden"},
         "geometry": {"type": "LineString", "coordinates": [[10.0, 55.9], [10.0, 56.1]]}}
SUMMER = {"from": "05-01", "to": "09-30"}
WINTER = {"from": "11-01", "to": "03-31"}  # wraps the new year


def ferry(season: dict | None) -> dict:
    return {"type": "Feature",
            "properties": {"kind": "crossing", "mode": "ferry", "name": "Sommerfærgen",
                           "crossing_min": 5, "wait_min": 10, "season": season},
            "geometry": {"type": "LineString", "coordinates": [[9.995, 56.0], [10.005, 56.0]]}}


def folder(tmp_path: Path, season: dict | None, name: str = "data") -> Path:
    d = tmp_path / name
    d.mkdir()
    (d / "sites.csv").write_text(SITES, encoding="utf-8")
    (d / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    (d / "water.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": [FJORD, ferry(season)]}), encoding="utf-8")
    return d


def crossing(season: tuple[tuple[int, int], tuple[int, int]] | None) -> Crossing:
    return Crossing(0, "F", "ferry", ((0.0, 0.0), (1.0, 0.0)), season=season)


@pytest.mark.parametrize("season, quarter, sails", [
    (((5, 1), (9, 30)), "2027Q3", True),
    (((5, 1), (9, 30)), "2027Q1", False),
    (((5, 1), (9, 30)), "2027Q2", False),  # starts 05-01: April is not covered
    (((4, 1), (9, 30)), "2027Q2", True),
    (((11, 1), (3, 31)), "2027Q1", True),  # wraps the new year
    (((11, 1), (3, 31)), "2028Q1", True),  # leap year: 02-29 lies inside
    (((11, 1), (3, 31)), "2027Q4", False),  # October is not covered
    (((10, 1), (3, 31)), "2027Q4", True),
    (((1, 1), (12, 31)), "2027Q2", True),
    (None, "2027Q2", True),
])
def test_season_must_cover_every_day_of_the_quarter(season, quarter, sails):
    assert in_season(crossing(season), parse_quarter(quarter)) is sails


def test_without_a_period_only_all_year_ferries_sail():
    assert not in_season(crossing(((5, 1), (9, 30))), None)
    assert in_season(crossing(((1, 1), (12, 31))), None)
    assert in_season(crossing(None), None)


def _sites() -> list[Site]:
    return [Site("DEPOT", "depot", "Vest", 56.0, 9.98), Site("B", "stop", "Øst", 56.0, 10.02)]


def _van() -> Vehicle:
    return Vehicle("van", {"mon": TimeWindow(8 * 60, 16 * 60)})


@pytest.mark.parametrize("season, quarter, used", [
    (SUMMER, "2027Q3", True), (SUMMER, "2027Q1", False), (SUMMER, "2027Q2", False),
    (WINTER, "2027Q1", True), (WINTER, "2027Q3", False),
])
def test_summer_ferry_shortens_legs_only_in_its_season(tmp_path, season, quarter, used):
    path = tmp_path / "water.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection",
                                "features": [FJORD, ferry(season)]}), encoding="utf-8")
    w = read_water(path, "water.geojson")
    b = compute(_sites(), w, [_van()], 1.3, 50, {}, period=parse_quarter(quarter))
    km, minutes = b.matrix.leg("DEPOT", "B")
    assert (("DEPOT", "B") in b.matrix.via) is used
    assert (km < 10) is used  # over the ferry ~5 km; round the fjord's end ~30 km
    assert b.matrix.description["in_season"] == {"Sommerfærgen": used}
    if not used:
        assert any(name == "Sommerfærgen" and "season" in why and quarter in why
                   for name, why in b.unused)


def test_memo_shared_by_quarters_that_change_nothing(tmp_path):
    inst = load_source(folder(tmp_path, SUMMER))
    q1 = build_water(inst, parse_quarter("2027Q1"))
    assert build_water(inst, parse_quarter("2028Q1")) is q1  # other dates, same flags
    assert build_water(inst, parse_quarter("2027Q2")) is q1  # out of season as well
    q3 = build_water(inst, parse_quarter("2027Q3"))
    assert q3 is not q1
    assert q3.matrix.leg("DEPOT", "S1")[0] < q1.matrix.leg("DEPOT", "S1")[0]
    assert build_travel(inst) is q1.matrix  # no period: only all-year ferries


def test_all_year_ferry_leaves_the_description_as_before(tmp_path):
    inst = load_source(folder(tmp_path, None))
    q1 = build_travel(inst, parse_quarter("2027Q1"))
    assert "in_season" not in q1.description
    assert build_travel(inst, parse_quarter("2027Q3")) is q1
    assert ("DEPOT", "S1") in q1.via


def test_travel_check_reports_for_the_quarter(tmp_path):
    d = folder(tmp_path, SUMMER)
    summer = CliRunner().invoke(main, ["travel", "check", str(d), "--quarter", "2027Q3"])
    assert summer.exit_code == 0, summer.output
    assert "seasonal ferry Sommerfærgen: in season" in summer.output
    assert "crossings used: Sommerfærgen" in summer.output
    winter = CliRunner().invoke(main, ["travel", "check", str(d), "--quarter", "2027Q1"])
    assert winter.exit_code == 0, winter.output
    assert "not in season" in winter.output
    assert "crossing not used: Sommerfærgen (its season 05-01 to 09-30 does not cover all " \
           "of 2027Q1" in winter.output
    default = CliRunner().invoke(main, ["travel", "check", str(d)])  # the next quarter
    assert default.exit_code == 0 and "quarter: " in default.output
    built = CliRunner().invoke(main, ["travel", "build", str(d), "--quarter", "2027Q3"])
    assert built.exit_code == 0 and "legs go round it" in built.output, built.output


def test_a_repair_uses_its_quarter(tmp_path):
    inst = load_source(folder(tmp_path, SUMMER))
    summer = Repair(inst, parse_quarter("2027Q3"), {}, date(2027, 8, 2))
    winter = Repair(inst, parse_quarter("2027Q1"), {}, date(2027, 2, 1))
    assert ("DEPOT", "S1") in summer.travel.via
    assert ("DEPOT", "S1") not in winter.travel.via


def _plan(tmp_path: Path, d: Path, quarter: str) -> dict:
    out = tmp_path / f"out-{quarter}"
    res = CliRunner().invoke(main, ["plan", str(d), "--quarter", quarter, "--time-limit",
                                    "300", "--work", "20", "--out", str(out), "--no-render"])
    assert res.exit_code == 0, res.output
    return json.loads((out / "plan.json").read_text(encoding="utf-8"))


def _ferry_legs(plan: dict) -> int:
    return sum(1 for r in plan["routes"] for leg in r["legs"]
               if "Sommerfærgen" in (leg.get("via") or ()))


@pytest.mark.slow
def test_plans_use_the_ferry_in_season_and_check_rejects_it_out_of_season(tmp_path):
    d = folder(tmp_path, SUMMER)
    inst = load_source(d)
    q3, q1 = _plan(tmp_path, d, "2027Q3"), _plan(tmp_path, d, "2027Q1")
    assert q3["travel_model"]["in_season"] == {"Sommerfærgen": True}
    assert q1["travel_model"]["in_season"] == {"Sommerfærgen": False}
    assert _ferry_legs(q3) > 0 and _ferry_legs(q1) == 0
    assert check_plan(q3, inst) == [] and check_plan(q1, inst) == []
    for q in ("2027Q3", "2027Q1"):
        chk = CliRunner().invoke(main, ["check", str(tmp_path / f"out-{q}" / "plan.json")])
        assert chk.exit_code == 0, chk.output

    # a Q1 plan whose legs take the summer ferry: the legs and the record are refused
    summer = build_travel(inst, parse_quarter("2027Q3"))
    forged = json.loads(json.dumps(q1))
    forged["travel_model"]["in_season"] = {"Sommerfærgen": True}
    for r in forged["routes"]:
        for leg in r["legs"]:
            leg["km"], leg["min"] = summer.leg(leg["from"], leg["to"])
        r["km"] = round(sum(leg["km"] for leg in r["legs"]), 1)
        r["drive_min"] = sum(leg["min"] for leg in r["legs"])
    found = check_plan(forged, inst)
    assert any(v.rule == "legs" and "travel model gives" in v.message for v in found)
    assert any("in_season" in v.message for v in found)
