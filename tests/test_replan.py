"""Stable re-planning: a re-plan against the previous plan keeps the stop timetable."""

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bogbus.calendar import parse_quarter
from bogbus.cli import main
from bogbus.pipeline import plan_instance

ROOT = Path(__file__).resolve().parents[1]
Q1 = parse_quarter("2027Q1")


def plan(instance, previous=None, quarter=Q1, seed=0):
    """A plan through the pipeline, which refuses any plan its checker rejects."""
    return plan_instance(instance, quarter, time_limit_s=60, work=300, seed=seed, previous=previous)


def slots(p):
    return {e["site_id"]: (e["vehicle"], e["weekday"], e["week_phase"], e["arrival"])
            for e in p["stop_timetable"]}


@pytest.fixture(scope="module")
def base(small_plan):
    """conftest's small plan (2 s, seed 0): the previous plan of every test here."""
    return small_plan


def test_unchanged_data_moves_nothing(base):
    inst, first = base
    again = plan(inst, previous=first, seed=7)  # even another seed keeps every slot
    assert slots(again) == slots(first)
    r = again["replan"]
    assert (r["moved"], r["dropped"], r["added"], r["changes"]) == (0, 0, 0, [])
    assert r["kept"] == len(first["stop_timetable"])


def test_next_quarter_keeps_weekday_time_and_phase(base):
    inst, first = base
    q2 = plan(inst, previous=first, quarter=parse_quarter("2027Q2"))
    assert slots(q2) == slots(first) and q2["replan"]["moved"] == 0


def test_closing_a_stop_moves_no_other(base):
    inst, first = base
    closed = dataclasses.replace(inst, sites=tuple(s for s in inst.sites if s.id != "S03"))
    again = plan(closed, previous=first)
    r = again["replan"]
    assert r["dropped"] == 1 and r["moved"] == 0
    assert [c["site_id"] for c in r["changes"]] == ["S03"]
    assert r["changes"][0]["to"] is None and r["changes"][0]["reason"]


def test_changed_frequency_is_released_with_a_reason(base):
    inst, first = base
    sites = tuple(dataclasses.replace(s, every_weeks=4) if s.id == "S04" else s
                  for s in inst.sites)
    again = plan(dataclasses.replace(inst, sites=sites), previous=first)
    others = {k: v for k, v in slots(again).items() if k != "S04"}
    assert others == {k: v for k, v in slots(first).items() if k != "S04"}
    # the slot includes the rhythm, so S04 is always a change, released for its frequency
    (change,) = [c for c in again["replan"]["changes"] if c["site_id"] == "S04"]
    assert "frequency" in change["reason"]
    assert change["from"]["every_weeks"] == 2 and change["to"]["every_weeks"] == 4


def test_a_locked_stop_whose_window_moved_is_freed(base):
    inst, first = base
    prev = {e["site_id"]: e for e in first["stop_timetable"]}["S06"]
    h, m = map(int, prev["arrival"].split(":"))
    arrival = h * 60 + m
    assert arrival >= 16 * 60  # S06's window opens at 16:00 (factories.small)
    # the window now ends before the old arrival (175 min long, so the stop still fits
    # its 30 minutes): the old slot is impossible
    sites = tuple(dataclasses.replace(s, earliest=arrival - 180, latest=arrival - 5)
                  if s.id == "S06" else s for s in inst.sites)
    again = plan(dataclasses.replace(inst, sites=sites), previous=first)
    (change,) = [c for c in again["replan"]["changes"] if c["site_id"] == "S06"]
    assert "no longer fits" in change["reason"]


@pytest.mark.slow
def test_cli_previous_on_randers(tmp_path):
    runner = CliRunner()
    args = ["plan", str(ROOT / "data" / "randers"), "--quarter", "2027Q1", "--time-limit", "120",
            "--work", "340",
            "--no-render"]
    res = runner.invoke(main, args + ["--out", str(tmp_path / "a")])
    assert res.exit_code == 0, res.output
    prev = tmp_path / "a" / "plan.json"
    res = runner.invoke(main, args + ["--out", str(tmp_path / "b"), "--previous", str(prev)])
    assert res.exit_code == 0, res.output
    assert "0 moved" in res.output
    # a plan of another quarter keeps today's meaning: its timetable is the target
    # (the same quarter would be a repair, see test_repair.py)
    res = runner.invoke(main, ["plan", str(ROOT / "scenarios" / "close-three-stops.yaml"),
                               "--quarter", "2027Q2", "--time-limit", "120", "--work", "340",
                               "--no-render",
                               "--out", str(tmp_path / "c"), "--previous", str(prev)])
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "c" / "plan.json").read_text(encoding="utf-8"))["replan"]
    assert r["dropped"] == 3 and r["moved"] <= 2
