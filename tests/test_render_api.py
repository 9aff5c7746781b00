"""write_timetables / write_map: files, formats, --stop, errors, atomic writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from bogbus.errors import BogbusError
from bogbus.render import atomic, write_map, write_outreach, write_timetables
from bogbus.render.planview import view

PLAN = Path(__file__).parent / "data" / "plan_small.json"


def load_plan() -> dict:
    return json.loads(PLAN.read_text(encoding="utf-8"))


def test_default_writes_everything(tmp_path):
    paths = write_timetables(load_plan(), tmp_path / "out")
    names = [p.name for p in paths]
    assert names == [
        "poster-S01.pdf",
        "poster-S02.pdf",
        "poster-S03.pdf",
        "poster-S04.pdf",
        "koereplan.pdf",
        "posters.html",
        "koereplan.html",
        "timetable.csv",
        "bogbus.ics",
    ]
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths)
    assert sorted(os.listdir(tmp_path / "out")) == sorted(names)  # no temp files left


def test_html_pages(tmp_path):
    plan = load_plan()
    write_timetables(plan, tmp_path, formats=("html",))
    posters = (tmp_path / "posters.html").read_text(encoding="utf-8")
    assert posters.count('class="poster"') == 4
    assert "Tirsdag kl. 14.10\u201314.55" in posters and "Lige uger" in posters
    assert "@page" in posters and "A4" in posters
    k = (tmp_path / "koereplan.html").read_text(encoding="utf-8")
    assert "Til personalet" not in k and "Børnehuset Æblehaven" not in k  # public: stops only
    write_outreach(plan, tmp_path, formats=("html",))
    staff = (tmp_path / "koereplan-personale.html").read_text(encoding="utf-8")
    assert "Til personalet" in staff and "Børnehuset Æblehaven" in staff
    one = write_timetables(plan, tmp_path / "one", formats=["html"], stop="S01")
    assert (tmp_path / "one" / "posters.html").read_text(encoding="utf-8").count(
        'class="poster"'
    ) == 1
    assert [p.name for p in one] == ["posters.html", "koereplan.html"]


def test_format_as_string_and_errors(tmp_path):
    plan = load_plan()
    assert [p.name for p in write_timetables(plan, tmp_path, formats="csv")] == ["timetable.csv"]
    with pytest.raises(BogbusError, match="unknown timetable format"):
        write_timetables(plan, tmp_path, formats=["docx"])
    with pytest.raises(BogbusError, match="S99"):
        write_timetables(plan, tmp_path, stop="S99")
    with pytest.raises(BogbusError, match="schema"):
        write_timetables({**plan, "schema": "other/9"}, tmp_path)


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "bogbus.ics"
    target.write_text("old")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(OSError):
        write_timetables(load_plan(), tmp_path, formats=["ics"])
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["bogbus.ics"]


def test_write_map_returns_path(tmp_path):
    p = write_map(load_plan(), tmp_path / "a" / "b" / "map.html")
    assert p.is_file() and p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_plan_without_stop_timetable_falls_back_to_routes():
    plan = load_plan()
    want = {e["site_id"]: e for e in plan["stop_timetable"]}
    del plan["stop_timetable"]
    got = {e.site_id: e for e in view(plan).stop_entries}
    assert got.keys() == want.keys()
    for sid, e in got.items():
        assert list(e.dates) == want[sid]["dates"]
        assert (e.weekday, e.arrival, e.departure) == (
            want[sid]["weekday"],
            want[sid]["arrival"],
            want[sid]["departure"],
        )
        assert e.week_parity == want[sid]["week_parity"]


def test_unserved_stop_gets_a_poster_saying_so(tmp_path):
    plan = load_plan()
    plan["sites"].append(
        {
            "id": "S05",
            "kind": "stop",
            "name": "Ålum, Kirkevej",
            "lat": 56.5,
            "lon": 9.95,
            "address": "",
            "every_weeks": 2,
            "duration_min": 30,
        }
    )
    reason = "proven infeasible while S01 is served: … bogbus wed …"
    plan["unserved"].append({"site_id": "S05", "date": None, "reason": reason})
    poster = write_timetables(plan, tmp_path, formats=["pdf", "html"], stop="S05")[0]
    text = " ".join(PdfReader(str(poster)).pages[0].extract_text().split())
    assert "Ålum, Kirkevej" in text
    assert "Bogbussen kommer ikke her i 1. kvartal 2027" in text
    # public: the planner's reason (English, other stops' ids, bus names) is not on it;
    # the nearest stop the bus does serve is, with its weekday and time
    view_ = view(plan)
    near = view_.nearest_served("S05")
    assert near is not None and near != "S05"
    assert f"Nærmeste holdeplads: {view_.name(near)}" in text
    page = (tmp_path / "posters.html").read_text(encoding="utf-8")
    for internal in ("proven", "infeasible", "S01 ", "bogbus wed", "Årsag"):
        assert internal not in text and internal not in page
    assert "Nærmeste holdeplads" in page
    assert "Bogbussen holder ikke her" in text and "Bogbussen holder ikke her" in page
    assert "Bogbussen holder her" not in text  # the band promised a bus that never came


def test_many_dates_and_long_name_fit_one_page(tmp_path):
    plan = load_plan()
    s01 = next(s for s in plan["sites"] if s["id"] == "S01")
    s01["name"] = "Ørsted Forsamlingshus og Idrætshal, parkeringspladsen bag Søndergade " * 2
    e = next(e for e in plan["stop_timetable"] if e["site_id"] == "S01")
    e["skipped"] = e["skipped"] * 4
    second = dict(e, weekday="tue", arrival="09:00", departure="09:30")
    plan["stop_timetable"].append(second)
    (poster, _k) = write_timetables(plan, tmp_path, formats=["pdf"], stop="S01")
    reader = PdfReader(str(poster))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Torsdag kl. 15.00\u201315.45" in text and "Tirsdag kl. 09.00\u201309.30" in text
