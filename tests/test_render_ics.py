"""bogbus.ics: one event per visit, local Copenhagen times, stable UIDs."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bogbus.render import write_outreach, write_timetables

PLAN = Path(__file__).parent / "data" / "plan_small.json"
CPH = ZoneInfo("Europe/Copenhagen")


def load_plan() -> dict:
    return json.loads(PLAN.read_text(encoding="utf-8"))


def events(path: Path):
    cal = Calendar.from_ical(path.read_bytes())
    return cal, list(cal.walk("VEVENT"))


def staff_ics(plan: dict, out: Path) -> Path:
    """bogbus-personale.ics: every visit, institutions included (the staff's calendar)."""
    paths = write_outreach(plan, out, formats=["ics"])
    return next(p for p in paths if p.name == "bogbus-personale.ics")


def test_the_public_calendar_holds_public_stops_only(tmp_path):
    plan = load_plan()
    (path,) = write_timetables(plan, tmp_path, formats=["ics"])
    assert path.name == "bogbus.ics"
    stops = [(r["date"], v) for r in plan["routes"] for v in r["visits"] if v["kind"] == "stop"]
    evs = events(path)[1]
    assert len(evs) == len(stops)
    text = path.read_text(encoding="utf-8")
    for s in plan["sites"]:
        if s["kind"] not in ("stop", "depot"):
            assert s["name"] not in text and s["id"] not in text
            assert not s.get("address") or s["address"] not in text


def test_one_event_per_visit_with_local_times(tmp_path):
    plan = load_plan()
    path = staff_ics(plan, tmp_path)
    cal, evs = events(path)
    visits = [(r["date"], v) for r in plan["routes"] for v in r["visits"]]
    assert len(evs) == len(visits)
    got = sorted((e["DTSTART"].dt, e["DTEND"].dt) for e in evs)
    want = sorted(
        (
            datetime.fromisoformat(f"{d}T{v['arrival']}").replace(tzinfo=CPH),
            datetime.fromisoformat(f"{d}T{v['departure']}").replace(tzinfo=CPH),
        )
        for d, v in visits
    )
    assert got == want
    for e in evs:
        assert e["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert e["DTSTART"].dt.tzinfo is not None
    # both sides of the DST change (28 March 2027) keep their wall-clock time
    offsets = {e["DTSTART"].dt.utcoffset().total_seconds() / 3600 for e in evs}
    assert offsets == {1.0, 2.0}
    tzs = cal.walk("VTIMEZONE")
    assert len(tzs) == 1 and tzs[0]["TZID"] == "Europe/Copenhagen"


def test_uids_stable_and_unique(tmp_path):
    plan = load_plan()
    (a,) = write_timetables(plan, tmp_path / "a", formats=["ics"])
    (b,) = write_timetables(plan, tmp_path / "b", formats=["ics"])
    uids_a = [str(e["UID"]) for e in events(a)[1]]
    uids_b = [str(e["UID"]) for e in events(b)[1]]
    assert uids_a == uids_b
    assert len(set(uids_a)) == len(uids_a)
    # a different scenario gives different UIDs (two scenarios never overwrite each other)
    plan["scenario"] = "other"
    (c,) = write_timetables(plan, tmp_path / "c", formats=["ics"])
    assert not set(uids_a) & {str(e["UID"]) for e in events(c)[1]}


def test_uid_survives_a_time_change(tmp_path):
    plan = load_plan()
    a = staff_ics(plan, tmp_path / "a")
    plan["routes"][0]["visits"][0]["arrival"] = "09:35"
    b = staff_ics(plan, tmp_path / "b")
    ua = {str(e["UID"]): e["DTSTART"].dt for e in events(a)[1]}
    ub = {str(e["UID"]): e["DTSTART"].dt for e in events(b)[1]}
    assert ua.keys() == ub.keys()  # re-import updates the event instead of adding one
    assert sum(ua[k] != ub[k] for k in ua) == 1


def test_categories_tell_public_from_outreach(tmp_path):
    plan = load_plan()
    path = staff_ics(plan, tmp_path)
    kinds = {s["id"]: s["kind"] for s in plan["sites"]}
    for e in events(path)[1]:
        cats = [str(c) for c in e["CATEGORIES"].cats]
        uid = str(e["UID"])
        site = uid.split("-")[3]
        if kinds[site] == "stop":
            assert "Holdeplads" in cats and "Opsøgende" not in cats
        else:
            assert "Opsøgende" in cats and "Holdeplads" not in cats
    summaries = [str(e["SUMMARY"]) for e in events(path)[1]]
    assert any("Ørsted, Søndergade" in s for s in summaries)
