"""An institution's rhythm runs on across quarter boundaries (`plan --previous` of the
quarter before, `plan --year`), and `check --previous` / a year folder verify it; the
repair and planning read the published plan, its usual slots and its rhythm alike."""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date, timedelta
from functools import cache

import pytest
from click.testing import CliRunner
from factories import daycare, instance, nursing_home, stop

from bogbus.calendar import Calendar, parse_quarter
from bogbus.cli import main
from bogbus.errors import BogbusError
from bogbus.io.previous import previous_plan, usual_slots
from bogbus.model import Closure
from bogbus.pipeline import plan_instance, repair_instance
from bogbus.plan.check import check_plan
from bogbus.plan.check.rhythm import last_visits
from bogbus.plan.check.sequence import check_against
from bogbus.solve.repair import repair_quarter

Q1, Q2, Q3 = (parse_quarter(f"2027Q{n}") for n in (1, 2, 3))
INSTITUTIONS = ("D01", "D02", "N01")


def data():
    return instance([stop(1, 56.44, 10.15), stop(2, 56.54, 10.04, every=2),
                     daycare(1, 56.45, 10.16), daycare(2, 56.53, 10.03, every=3),
                     nursing_home(1, 56.40, 9.90, every=8)])


def plan(inst, quarter, previous=None):
    # a work budget, and a time limit the load of a test machine never reaches
    return plan_instance(inst, quarter, time_limit_s=300, seed=0, work=40, previous=previous)


@cache
def quarters() -> tuple[dict, dict]:
    inst = data()
    q1 = plan(inst, Q1)
    return q1, plan(inst, Q2, previous=q1)


def visits(p, sid):
    return sorted(date.fromisoformat(r["date"]) for r in p["routes"]
                  for x in r["visits"] if x["site_id"] == sid)


def test_each_institution_continues_from_its_last_visit_of_the_quarter_before():
    q1, q2 = quarters()
    assert q2["rhythm"] == {"continues": "2027Q1",
                            "last_visits": {s: visits(q1, s)[-1].isoformat()
                                            for s in INSTITUTIONS}}
    for sid, every in (("D01", 4), ("D02", 3), ("N01", 8)):
        gap = (visits(q2, sid)[0] - visits(q1, sid)[-1]).days
        assert abs(gap - 7 * every) <= 3, (sid, gap)
    assert check_plan(q2, data()) == [] and check_against(q2, q1, data()) == []


def shifted_anchor(plan: dict, sid: str) -> dict:
    """`plan` claiming `sid`'s last visit before the quarter a week off: a week later
    (its first visit then comes too soon), or earlier when that would not be before
    the quarter (then too late) — either way a broken spacing."""
    fake = copy.deepcopy(plan)
    real = date.fromisoformat(fake["rhythm"]["last_visits"][sid])
    moved = real + timedelta(7) if real + timedelta(7) < Q2.start else real - timedelta(7)
    fake["rhythm"]["last_visits"][sid] = moved.isoformat()
    return fake


def test_a_plan_that_breaks_the_boundary_spacing_is_rejected():
    q1, q2 = quarters()
    fake = shifted_anchor(q2, "D01")
    found = check_plan(fake, data())
    assert [(v.rule, v.site_id) for v in found] == [("spacing", "D01")]
    # against Q1 the claim itself is wrong (the real spacing is right)
    across = check_against(fake, q1, data())
    assert [(v.rule, v.site_id) for v in across] == [("rhythm", "D01")]
    # a plan made without --previous cannot pass for the next quarter of Q1
    alone = copy.deepcopy(q2)
    del alone["rhythm"]
    assert {v.rule for v in check_against(alone, q1, data())} >= {"rhythm"}
    # the previous plan tampered instead: its last visit moved a week later
    moved = copy.deepcopy(q1)
    last = max((r for r in moved["routes"] if any(x["site_id"] == "N01" for x in r["visits"])),
               key=lambda r: r["date"])
    last["date"] = (date.fromisoformat(last["date"]) + timedelta(7)).isoformat()
    assert any(v.rule == "spacing" and v.site_id == "N01"
               for v in check_against(q2, moved, data()))


def test_check_previous_and_a_year_folder_on_the_command_line(tmp_path):
    q1, q2 = quarters()
    year = tmp_path / "tiny-2027"
    for q, p in (("Q1", q1), ("Q2", q2)):
        (year / q).mkdir(parents=True)
        (year / q / "plan.json").write_text(json.dumps(p), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(year / "Q2" / "plan.json"),
                                    "--previous", str(year / "Q1" / "plan.json")])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["check", str(year)])
    assert res.exit_code == 0 and "2 quarter(s) and across each boundary" in res.output
    bad = shifted_anchor(q2, "N01")
    (year / "Q2" / "plan.json").write_text(json.dumps(bad), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(year)])
    assert res.exit_code == 1 and "2027Q2 [spacing]" in res.output and "N01" in res.output
    assert "Traceback" not in res.output
    res = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert res.exit_code == 1 and "year folder" in res.output
    # the folder `plan --out` writes is its plan: checked as the file
    res = CliRunner().invoke(main, ["check", str(year / "Q1")])
    assert res.exit_code == 0 and "keeps every rule (" in res.output, res.output
    res = CliRunner().invoke(main, ["check", str(year / "Q2"), "--previous",
                                    str(year / "Q1" / "plan.json")])
    assert res.exit_code == 1 and "[spacing]" in res.output and "N01" in res.output


def test_the_repair_keeps_what_planning_made_and_anchors_the_same_way():
    """Planning and repair agree: a plan continuing Q1 is, to the repair, in rhythm
    (nothing to re-place); a repair that must move the first visit keeps the spacing
    from the same last visit of Q1."""
    q1, q2 = quarters()
    res = repair_quarter(data(), Q2, q2, Q2.start)
    assert res.touched == set() and res.reasons == {} and res.unserved == []
    first = visits(q2, "D01")[0]
    closed = dataclasses.replace(data(), settings=dataclasses.replace(
        data().settings, closures=(Closure(first, first, "Personaledag", ("D01",)),)))
    fixed, _ = repair_instance(closed, q2, Q2, first.isoformat())
    assert first not in visits(fixed, "D01") and fixed["rhythm"] == q2["rhythm"]
    assert check_against(fixed, q1, closed) == []
    gap = (visits(fixed, "D01")[0] - visits(q1, "D01")[-1]).days
    assert abs(gap - 28) <= 3 or any(u["site_id"] == "D01" for u in fixed["unserved"])


def test_one_usual_slot_for_planning_and_repair():
    # weekday first (Tuesday: 3 visits), then its most frequent time; ties Monday-first
    vs = [("D01", date(2027, 1, 5), 540), ("D01", date(2027, 1, 12), 570),
          ("D01", date(2027, 1, 19), 600), ("D01", date(2027, 1, 21), 600),
          ("D01", date(2027, 1, 28), 600),
          ("D02", date(2027, 1, 8), 600), ("D02", date(2027, 1, 11), 630)]
    assert usual_slots(vs) == {"D01": ("tue", 540), "D02": ("mon", 630)}
    q1, _ = quarters()
    prefs = previous_plan(q1).outreach_prefs
    repair = repair_quarter(data(), Q1, q1, Q1.end)  # the repair reads the same slots
    assert set(prefs) == set(INSTITUTIONS) and repair.touched == set()


def test_a_plan_further_back_or_of_no_institution_visit_starts_as_today():
    q1, _ = quarters()
    assert previous_plan(q1).anchors_for(Q3) == {}  # Q1 says nothing of Q2's visits
    with pytest.warns(UserWarning, match="rhythm starts afresh in 2027Q3"):
        q3 = plan(data(), Q3, previous=q1)
    assert "rhythm" not in q3 and check_plan(q3, data()) == []
    assert previous_plan(q1).anchors_for(Q2).keys() == set(INSTITUTIONS)
    # a new institution in Q2 has no last visit: its first visit within its first rhythm
    inst = instance([*data().sites[1:], daycare(3, 56.50, 10.10)])
    q2 = plan(inst, Q2, previous=q1)
    assert "D03" not in q2["rhythm"]["last_visits"]
    assert (visits(q2, "D03")[0] - Q2.start).days < 28 and check_plan(q2, inst) == []


def test_a_rhythm_longer_than_the_quarter_is_visited_when_due():
    long = daycare(9, 56.47, 10.10, every=26)
    inst = instance([stop(1, 56.44, 10.15), long])
    q1 = {**quarters()[0], "routes": [
        {"date": "2027-02-01", "vehicle": "bogbus", "visits": [
            {"site_id": "D09", "kind": "daycare", "arrival": "09:00", "departure": "09:30"}]}]}
    q2 = plan(inst, Q2, previous=q1)
    assert visits(q2, "D09") == [] and not q2["unserved"]
    assert q2["rhythm"]["last_visits"] == {"D09": "2027-02-01"}
    assert check_plan(q2, inst) == []
    assert last_visits(q2) == {"D09": date(2027, 2, 1)}  # carried on to Q3
    q3 = plan(inst, Q3, previous=q2)
    got = visits(q3, "D09")
    assert len(got) == 1 and abs((got[0] - date(2027, 2, 1)).days - 182) <= 3
    assert check_against(q3, q2, inst) == []


def test_a_closure_at_the_boundary_pauses_the_rhythm():
    closure = Closure(date(2027, 3, 29), date(2027, 4, 9), "Påskelukket")
    inst = dataclasses.replace(data(), settings=dataclasses.replace(
        data().settings, closures=(closure,)))
    q1 = plan(inst, Q1)
    q2 = plan(inst, Q2, previous=q1)
    cal = Calendar(Q2, {}, (closure,))
    for sid, every in (("D01", 4), ("N01", 8)):
        a, b = visits(q1, sid)[-1], visits(q2, sid)[0]
        assert abs(cal.open_days_between(a, b, sid) - 7 * every) <= 3, (sid, a, b)
    assert check_against(q2, q1, inst) == []


def test_a_changed_every_weeks_starts_the_new_rhythm_from_the_last_visit():
    q1, _ = quarters()
    inst = instance([*(s for s in data().sites[1:] if s.id != "N01"),
                     nursing_home(1, 56.40, 9.90, every=4)])  # every 8 weeks → every 4
    q2 = plan(inst, Q2, previous=q1)
    last, first = visits(q1, "N01")[-1], visits(q2, "N01")[0]
    if last + timedelta(28 + 3) >= Q2.start:  # due in Q2: four weeks after the last visit
        assert abs((first - last).days - 28) <= 3
    else:  # already overdue when Q2 begins: within its first four weeks, not a wait
        assert (first - Q2.start).days < 28
    assert check_plan(q2, inst) == [] and check_against(q2, q1, inst) == []


@pytest.mark.parametrize("damage", [{"last_visits": {"D01": "not a date"}}, "x",
                                    {"last_visits": ["D01"]},
                                    {"last_visits": {"D01": "2027-05-05"}}])
def test_a_damaged_rhythm_section_is_said_never_ignored(damage):
    _, q2 = quarters()
    bad = {**q2, "rhythm": damage}
    assert "rhythm" in {v.rule for v in check_plan(bad, data())}
    if damage != {"last_visits": {"D01": "2027-05-05"}}:
        with pytest.raises(BogbusError, match="rhythm.last_visits"):
            previous_plan(bad)
