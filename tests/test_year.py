"""`bogbus plan --year`: four quarters in sequence, written all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bogbus.cli import main
from bogbus.errors import BogbusError
from bogbus.year import write_year, year_quarters

SITES = """\
id,kind,name,lat,lon,address,every_weeks,duration_min,earliest,latest,days,visitors,\
children,residents,crates
DEPOT,depot,Bibliotek,56.4607,10.0364,,,,,,,,,,
S01,stop,Ålum Kirke,56.44,10.15,,1,30,13:00,19:00,"mon,tue,wed,thu,fri",10,,,
S02,stop,Spentrup,56.54,10.04,,2,30,13:00,19:00,"mon,tue,wed,thu,fri",10,,,
S03,stop,Havndal,56.65,10.26,,1,30,13:00,19:00,"mon,tue,wed,thu,fri",10,,,
D01,daycare,Børnehuset,56.45,10.16,,4,30,08:45,11:30,"mon,tue,wed,thu,fri",,20,,1
N01,nursing_home,Plejecenter Ådalen,56.40,9.90,,6,30,09:30,14:00,"mon,tue,wed,thu,fri",,,25,2
"""
SETTINGS = """name: Testbibliotek
depot: DEPOT
vehicles:
  - name: bogbus
    shifts: {mon: "08:30-16:30", tue: "08:30-16:30", wed: "10:00-19:30",
             thu: "08:30-16:30", fri: "08:30-14:30"}
    break: {minutes: 30, earliest: "11:00", latest: "13:30"}
    crate_capacity: 10
    energy: {litres_per_100km: 30}
calendar:
  holidays: DK
  closures: CLOSURES
solver: {time_limit_s: 60, seed: 0}
goals: {children_per_year: 100}
"""


def data_folder(tmp_path: Path, closures: str = "[]") -> Path:
    d = tmp_path / "tiny"
    d.mkdir()
    (d / "sites.csv").write_text(SITES, encoding="utf-8")
    (d / "settings.yaml").write_text(SETTINGS.replace("CLOSURES", closures), encoding="utf-8")
    return d


def test_year_quarters():
    assert year_quarters(2027) == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    with pytest.raises(BogbusError):
        year_quarters(27000)


def test_unplannable_quarter_exit_1_nothing_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = data_folder(tmp_path, "[{start: 2027-07-01, end: 2027-09-30, reason: Ombygning}]")
    res = CliRunner().invoke(main, ["plan", str(data), "--year", "2027", "--work", "20"])
    assert res.exit_code == 1
    assert "2027Q3" in res.output and "no service day" in res.output
    assert "Ombygning" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "plans").exists() and not (tmp_path / "maps").exists()


def test_quarter_and_year_together_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(main, ["plan", str(data_folder(tmp_path)), "--year", "2027",
                                    "--work", "20", "--quarter", "2027Q1"])
    assert res.exit_code == 2


def test_write_year_is_all_or_nothing(tmp_path):
    out = tmp_path / "plans" / "x-2027"
    plans = [{"quarter": q} for q in year_quarters(2027)]

    def write(plan, folder):
        if plan["quarter"] == "2027Q3":
            raise OSError("disk full")
        folder.mkdir(parents=True)
        return [folder / "plan.json"]

    with pytest.raises(OSError):
        write_year(plans, out, write)
    assert not out.exists() and list((tmp_path / "plans").iterdir()) == []

    # an earlier year stays as it was when the new one fails, and is replaced when it works
    out.mkdir()
    (out / "old.txt").write_text("old")
    with pytest.raises(OSError):
        write_year(plans, out, write)
    assert (out / "old.txt").read_text() == "old"

    def ok(plan, folder):
        folder.mkdir(parents=True)
        (folder / "plan.json").write_text(json.dumps(plan))
        return [folder / "plan.json"]

    written = write_year(plans, out, ok)
    assert written == [out / q / "plan.json" for q in ("Q1", "Q2", "Q3", "Q4")]
    assert (out / "old.txt").read_text() == "old"  # not written by bogbus: carried over
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == ["x-2027"]


@pytest.mark.slow
def test_cli_year_plans_four_quarters_with_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = data_folder(tmp_path)
    res = CliRunner().invoke(main, ["plan", str(data), "--year", "2027", "--work", "20", "--quiet",
                                    "--csv-dialect", "plain"])
    assert res.exit_code == 0, res.output
    year = tmp_path / "plans" / "tiny-2027"
    plans = [json.loads((year / q / "plan.json").read_text(encoding="utf-8"))
             for q in ("Q1", "Q2", "Q3", "Q4")]
    assert [p["quarter"] for p in plans] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    for prev, p in zip(plans, plans[1:]):
        assert p["replan"]["previous"]["quarter"] == prev["quarter"]
    for name in ("report.pdf", "report.html", "report.json", "report.csv"):
        assert (year / name).is_file()
    assert (year / "Q1" / "map.html").is_file() and (year / "Q1" / "timetable.csv").is_file()
    assert not (year / "Q1" / "timetable.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (tmp_path / "maps").exists()  # the year keeps its maps inside its folder
    for q, p in zip(("Q1", "Q2", "Q3", "Q4"), plans):  # every quarter's outreach files
        institutions = [s["id"] for s in p["sites"] if s["kind"] in ("daycare", "nursing_home")]
        assert institutions and (year / q / "koereplan-personale.pdf").is_file()
        for sid in institutions:
            assert (year / q / "institutioner" / f"brev-{sid}.pdf").is_file(), (q, sid)
            assert (year / q / "institutioner" / f"kalender-{sid}.ics").is_file(), (q, sid)
    report = json.loads((year / "report.json").read_text(encoding="utf-8"))
    assert report["groups"][0]["totals"]["km"] == pytest.approx(
        sum(p["kpis"]["km_total"] for p in plans), abs=0.2)
    assert report["groups"][0]["goal"]["children_per_year"] == 100
    assert "reach: 20 children in the daycares served" in res.output
    chk = CliRunner().invoke(main, ["check", str(year / "Q4" / "plan.json"), str(data)])
    assert chk.exit_code == 0, chk.output


def test_out_folder_with_other_files_is_refused_before_planning(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    res = CliRunner().invoke(main, ["plan", str(data_folder(tmp_path)), "--year", "2027",
                                    "--work", "20", "--out", str(mine)])
    assert res.exit_code == 1 and "notes.txt" in res.output
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
