"""The matrix travel model: long CSV and OSRM table JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import vehicle

from bogbus.errors import InputError
from bogbus.model import Instance, Settings, Site, TravelOptions, TravelSettings
from bogbus.travel import build_travel

SITES = [
    Site("DEPOT", "depot", "Aby", 56.0, 10.0),
    Site("S01", "stop", "Bby", 56.0, 10.04, every_weeks=1, duration_min=30),
    Site("S02", "stop", "Cby", 56.02, 10.04, every_weeks=1, duration_min=30),
]
IDS = [s.id for s in SITES]


def make_instance(folder: Path, file: str) -> Instance:
    st = Settings(name="T", depot="DEPOT", vehicles=(vehicle(),),
                  travel=TravelSettings(model="matrix", options=TravelOptions(file=file)))
    return Instance("t", str(folder), tuple(SITES), st)


def full_csv(skip: set[tuple[str, str]] = frozenset()) -> str:
    rows = ["from,to,km,minutes"]
    for i, a in enumerate(IDS):
        for j, b in enumerate(IDS):
            if a != b and (a, b) not in skip:
                rows.append(f"{a},{b},{i + j + 0.44},{(i + 1) * 10 + j + 0.2}")
    return "\n".join(rows) + "\n"


def test_complete_csv_loads_minutes_rounded_up(tmp_path):
    (tmp_path / "m.csv").write_text(full_csv(), encoding="utf-8")
    tm = build_travel(make_instance(tmp_path, "m.csv"))
    assert tm.ids == tuple(IDS)
    assert tm.leg("DEPOT", "S01") == (1.4, 12)   # km 1.44 → 1.4; 11.2 min → 12
    assert tm.leg("S02", "S01") == (3.4, 32)
    assert tm.leg("S01", "S01") == (0.0, 0)
    d = tm.description
    assert d["model"] == "matrix" and d["file"] == "m.csv" and len(d["sha256"]) == 64


def test_danish_excel_csv_with_semicolons_and_decimal_commas(tmp_path):
    text = full_csv().replace(",", ";").replace(".", ",")
    (tmp_path / "m.csv").write_bytes(text.encode("cp1252"))
    tm = build_travel(make_instance(tmp_path, "m.csv"))
    assert tm.leg("DEPOT", "S01") == (1.4, 12)


def test_missing_pairs_fail_clearly(tmp_path):
    (tmp_path / "m.csv").write_text(full_csv({("S01", "S02"), ("S02", "DEPOT")}),
                                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        build_travel(make_instance(tmp_path, "m.csv"))
    text = str(exc.value)
    assert "2 pair(s)" in text and "S01 → S02" in text and "S02 → DEPOT" in text


def test_many_missing_pairs_are_listed_first_20_and_counted(tmp_path):
    sites = [Site(f"X{i:02d}", "stop", "x", 56.0, 10.0) for i in range(6)]
    st = Settings(name="T", depot="X00", vehicles=(vehicle(),),
                  travel=TravelSettings(model="matrix", options=TravelOptions(file="m.csv")))
    (tmp_path / "m.csv").write_text("from,to,km,minutes\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        build_travel(Instance("t", str(tmp_path), tuple(sites), st))
    text = str(exc.value)
    assert "30 pair(s)" in text and "and 10 more" in text


def test_bad_rows_name_file_row_and_column(tmp_path):
    text = full_csv().replace("DEPOT,S01,1.44", "DEPOT,S01,abc")
    (tmp_path / "m.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        build_travel(make_instance(tmp_path, "m.csv"))
    p = exc.value.problems[0]
    assert p.file == "m.csv" and p.row == 2 and p.column == "km" and "abc" in p.message


def test_missing_column(tmp_path):
    (tmp_path / "m.csv").write_text("from,to,km\nDEPOT,S01,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 'minutes' is missing"):
        build_travel(make_instance(tmp_path, "m.csv"))


def osrm(ids, null_at=None):
    n = len(ids)
    dur = [[0 if i == j else 600.0 + 60 * i + j for j in range(n)] for i in range(n)]
    dist = [[0 if i == j else 5000.0 + 1000 * i + 40 * j for j in range(n)] for i in range(n)]
    if null_at:
        dur[null_at[0]][null_at[1]] = None
    return {"code": "Ok", "ids": ids, "durations": dur, "distances": dist}


def test_osrm_table_json_loads(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps(osrm(list(reversed(IDS)))), encoding="utf-8")
    tm = build_travel(make_instance(tmp_path, "t.json"))
    # ids in the file: S02, S01, DEPOT → DEPOT is index 2, S01 index 1
    assert tm.leg("DEPOT", "S01") == (7.0, 13)   # 7040 m; 600 + 120 + 1 = 721 s → 13 min
    assert tm.description["format"] == "osrm-table"


def test_osrm_no_route_is_a_missing_pair(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps(osrm(IDS, null_at=(1, 2))), encoding="utf-8")
    with pytest.raises(InputError, match="S01 → S02"):
        build_travel(make_instance(tmp_path, "t.json"))
