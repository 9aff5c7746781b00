"""The checker must catch every kind of broken plan (mutations of a valid one)."""

import copy

import pytest

from bogbus.plan.check import check_plan


@pytest.fixture(scope="module")
def good(small_plan):
    """The small plan of conftest (checked once by the pipeline); tests deep-copy it."""
    return small_plan


def first_visit(p, kind):
    for r in p["routes"]:
        for v in r["visits"]:
            if v["kind"] == kind:
                return r, v
    raise AssertionError(kind)


def rules(p, inst=None):
    return {v.rule for v in check_plan(p, inst)}


def test_valid_plan_has_no_violations(good):
    inst, p = good
    assert check_plan(p) == [] and check_plan(p, inst) == []


def test_moved_stop_time_breaks_regularity(good):
    p = copy.deepcopy(good[1])
    r, v = first_visit(p, "stop")
    h, m = map(int, v["arrival"].split(":"))
    v["arrival"] = f"{h:02d}:{m + 5:02d}" if m < 50 else f"{h + 1:02d}:00"
    assert "regular" in rules(p)


def test_dropped_stop_visit_is_a_gap(good):
    p = copy.deepcopy(good[1])
    for r in p["routes"]:
        for i, v in enumerate(r["visits"]):
            if v["kind"] == "stop":
                del r["visits"][i]
                del r["legs"][i + 1]
                r["legs"][i]["to"] = r["legs"][i + 1]["from"] if i + 1 < len(r["legs"]) else "DEPOT"
                break
        else:
            continue
        break
    assert "regular" in rules(p) or "legs" in rules(p)


def test_route_outside_shift(good):
    p = copy.deepcopy(good[1])
    p["routes"][0]["end"] = "23:00"
    assert "shift" in rules(p)


def test_missing_break(good):
    p = copy.deepcopy(good[1])
    p["routes"][0]["break"] = None
    assert "break" in rules(p)


def test_wrong_leg_distance(good):
    p = copy.deepcopy(good[1])
    p["routes"][0]["legs"][0]["km"] += 3
    assert "legs" in rules(p)


def test_silently_dropped_site(good):
    p = copy.deepcopy(good[1])
    sid = "D01"
    for r in p["routes"]:
        r["visits"] = [v for v in r["visits"] if v["site_id"] != sid]
    assert "dropped" in rules(p)


def test_kpis_must_match_routes(good):
    p = copy.deepcopy(good[1])
    p["kpis"]["km_total"] += 10
    assert "kpis" in rules(p)


def test_drive_on_holiday(good):
    p = copy.deepcopy(good[1])
    p["routes"][0]["date"] = "2027-03-25"  # Skærtorsdag
    p["routes"][0]["weekday"] = "thu"
    assert "calendar" in rules(p) or "shift" in rules(p)
