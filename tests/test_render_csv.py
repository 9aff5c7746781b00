"""timetable.csv round-trips to the plan."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bogbus.render import read_timetable_csv, write_outreach, write_timetables
from bogbus.render.csvout import COLUMNS

PLAN = Path(__file__).parent / "data" / "plan_small.json"
DOC = Path(__file__).parents[1] / "docs" / "timetable-csv.md"


def load_plan() -> dict:
    return json.loads(PLAN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("dialect", ["excel", "plain"])
def test_csv_round_trips(tmp_path, dialect):
    plan = load_plan()
    (path,) = write_timetables(plan, tmp_path, formats=["csv"], csv_dialect=dialect)
    assert path.name == "timetable.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (dialect == "excel")
    rows = read_timetable_csv(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sep = ";" if dialect == "excel" else ","
        assert tuple(next(csv.reader(fh, delimiter=sep))) == COLUMNS
    lats = {s["id"]: s["lat"] for s in plan["sites"]}
    assert all(float(r["lat"]) == lats[r["site_id"]] for r in rows)

    patterns = [r for r in rows if r["record"] == "pattern"]
    back = [
        {
            "site_id": r["site_id"],
            "vehicle": r["vehicle"],
            "weekday": r["weekday"],
            "arrival": r["arrival"],
            "departure": r["departure"],
            "every_weeks": int(r["every_weeks"]),
            "week_parity": r["week_parity"] or None,
            "dates": r["dates"].split(),
            "skipped": [
                {"date": s["date"], "reason": s["reason"]}
                for s in rows
                if s["record"] == "skipped"
                and s["site_id"] == r["site_id"]
                and s["weekday"] == r["weekday"]
                and s["arrival"] == r["arrival"]
            ],
        }
        for r in patterns
    ]
    def key(e):
        return (e["site_id"], e["weekday"], e["arrival"])

    assert sorted(back, key=key) == sorted(plan["stop_timetable"], key=key)

    visits = sorted(
        (r["date"], r["vehicle"], r["site_id"], r["kind"], r["arrival"], r["departure"])
        for r in rows
        if r["record"] == "visit"
    )
    want = sorted(
        (rt["date"], rt["vehicle"], v["site_id"], v["kind"], v["arrival"], v["departure"])
        for rt in plan["routes"]
        for v in rt["visits"]
    )
    # private by default: the public file has the stops' visits, the staff file all
    assert visits == [w for w in want if w[3] == "stop"]
    assert any(w[3] != "stop" for w in want)
    staff = write_outreach(plan, tmp_path / "staff", formats=["csv"], csv_dialect=dialect)
    staff_csv = next(p for p in staff if p.name == "timetable-personale.csv")
    assert sorted((r["date"], r["vehicle"], r["site_id"], r["kind"], r["arrival"],
                   r["departure"]) for r in read_timetable_csv(staff_csv)
                  if r["record"] == "visit") == want

    names = {s["id"]: s["name"] for s in plan["sites"]}
    for r in rows:
        assert r["name"] == names[r["site_id"]]
        assert r["public"] == ("1" if r["kind"] == "stop" else "0")
        assert r["scenario"] == plan["scenario"] and r["quarter"] == plan["quarter"]
    s02 = next(r for r in patterns if r["site_id"] == "S02")
    assert s02["text_da"] == "Tirsdag kl. 14.10\u201314.55, lige uger"
    assert s02["pattern_da"] == "lige uger"


def test_formula_like_names_are_guarded_and_restored(tmp_path):
    plan = load_plan()
    plan["sites"][1]["name"] = '=HYPERLINK("http://evil","klik")'
    plan["sites"][2]["name"] = "-Torvet, Ålum"
    (path,) = write_timetables(plan, tmp_path, formats=["csv"])
    with open(path, encoding="utf-8-sig", newline="") as fh:
        raw = list(csv.DictReader(fh, delimiter=";"))
    assert all(not r["name"].startswith(("=", "-")) for r in raw)
    rows = read_timetable_csv(path)
    assert {r["name"] for r in rows if r["site_id"] == "S01"} == {plan["sites"][1]["name"]}
    assert {r["name"] for r in rows if r["site_id"] == "S02"} == {"-Torvet, Ålum"}


def test_columns_documented():
    doc = DOC.read_text(encoding="utf-8")
    for c in COLUMNS:
        assert f"`{c}`" in doc, c


def test_default_is_danish_excel(tmp_path):
    """A double-click in Danish Excel: BOM, `;`, decimal comma in lat/lon, æøå intact."""
    plan = load_plan()
    (path,) = write_timetables(plan, tmp_path, formats=["csv"])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    header, first = text.split("\r\n")[:2]
    assert header.split(";") == list(COLUMNS)
    cells = next(csv.reader([first], delimiter=";"))
    lat = cells[COLUMNS.index("lat")]
    assert "," in lat and "." not in lat
    assert "Ærø" in text or "ø" in text
