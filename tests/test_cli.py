"""End-to-end: the commands a planner types, on the shipped data and on bad data."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from bogbus.cli import main

ROOT = Path(__file__).resolve().parents[1]
RANDERS = ROOT / "data" / "randers"


@pytest.fixture(scope="module")
def randers_plan(tmp_path_factory):
    out = tmp_path_factory.mktemp("plan")
    res = CliRunner().invoke(main, ["plan", str(RANDERS), "--quarter", "2027Q1",
                                    "--time-limit", "120", "--work", "300", "--out", str(out),
                                    "--no-render"])
    return res, out


@pytest.mark.slow
def test_plan_randers_serves_everything_and_passes_check(randers_plan):
    res, out = randers_plan
    assert res.exit_code == 0, res.output
    assert "unserved: none" in res.output and "km " in res.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["schema"] == "bogbus.plan/1" and plan["quarter"] == "2027Q1"
    assert plan["unserved"] == []
    assert len(plan["stop_timetable"]) == 22
    assert plan["kpis"]["visits"]["daycare"] >= 15 * 3
    chk = CliRunner().invoke(main, ["check", str(out / "plan.json"), str(RANDERS)])
    assert chk.exit_code == 0, chk.output


@pytest.mark.slow
def test_plan_is_deterministic(randers_plan, tmp_path):
    res, out = randers_plan
    again = CliRunner().invoke(main, ["plan", str(RANDERS), "--quarter", "2027Q1",
                                      "--time-limit", "120", "--work", "300",
                                      "--out", str(tmp_path), "--no-render"])
    assert again.exit_code == 0
    a = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    for p in (a, b):
        p["solver"].pop("runtime_s")
    assert a == b


def test_validate_ok():
    res = CliRunner().invoke(main, ["validate", str(RANDERS)])
    assert res.exit_code == 0 and "22 stop" in res.output


def test_bad_input_exit_1_names_file_row_column_and_writes_nothing(tmp_path):
    data = tmp_path / "bad"
    shutil.copytree(RANDERS, data)
    sites = data / "sites.csv"
    lines = sites.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("13:00", "25:99", 1)
    sites.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = sites.read_bytes()
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["plan", str(data), "--quarter", "2027Q1", "--out", str(out)])
    assert res.exit_code == 1
    assert "sites.csv" in res.output and "row 4" in res.output and "earliest" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()
    assert sites.read_bytes() == before


def test_missing_folder_is_a_clean_error(tmp_path):
    res = CliRunner().invoke(main, ["plan", str(tmp_path / "nope"), "--quarter", "2027Q1"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    # names the folder, says what is wrong and how to fix it
    assert str(tmp_path / "nope") in res.output and "does not exist" in res.output
    assert "sites.csv" in res.output and "settings.yaml" in res.output


def test_bad_quarter_is_a_usage_error():
    res = CliRunner().invoke(main, ["plan", str(RANDERS), "--quarter", "2027Q9"])
    assert res.exit_code == 2 and "2027Q9" in res.output and "--quarter" in res.output


@pytest.mark.slow
def test_unserved_gives_exit_3(tmp_path):
    data = tmp_path / "tight"
    shutil.copytree(RANDERS, data)
    sites = data / "sites.csv"
    with sites.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # a fourth evening-only weekly stop of 2 h: Wednesday 16:00–19:00 cannot hold it
    extra = dict(rows[1], id="S99", name="Ny holdeplads", every_weeks="1", duration_min="120",
                 earliest="16:00", latest="19:00", fixed_day="", fixed_time="")
    with sites.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows + [extra])
    res = CliRunner().invoke(main, ["plan", str(data), "--quarter", "2027Q1", "--time-limit", "2",
                                    "--out", str(tmp_path / "o"), "--no-render"])
    assert res.exit_code == 3, res.output
    plan = json.loads((tmp_path / "o" / "plan.json").read_text(encoding="utf-8"))
    assert (res.exit_code == 3) == bool(plan["unserved"])
    chk = CliRunner().invoke(main, ["check", str(tmp_path / "o" / "plan.json"), str(data)])
    assert chk.exit_code == 0, chk.output
    # `bogbus plan` wrote the unserved stop a poster; reprinting it alone works too, and
    # it says the bus does not stop there and where it does, never the planner's reason
    left = [u["site_id"] for u in plan["unserved"] if u["site_id"].startswith("S")]
    assert left
    res = CliRunner().invoke(main, ["timetable", str(tmp_path / "o" / "plan.json"), "--site",
                                    left[0], "--format", "pdf", "--out", str(tmp_path / "t")])
    assert res.exit_code == 0, res.output
    text = " ".join(PdfReader(str(tmp_path / "t" / f"poster-{left[0]}.pdf")).pages[0]
                    .extract_text().split())
    assert "Bogbussen holder ikke her" in text and "Nærmeste holdeplads" in text
    assert "infeasible" not in text


@pytest.mark.slow
def test_check_rejects_a_tampered_plan(randers_plan, tmp_path):
    _, out = randers_plan
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    plan["routes"][0]["visits"][0]["arrival"] = "05:00"
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(plan), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(bad), str(RANDERS)])
    assert res.exit_code == 1 and "violation" in res.output


@pytest.mark.slow
def test_two_vehicles_ebus_range_restricted_sites_excel_dialect(tmp_path):
    """Saved from Danish Excel (';', decimal comma, Windows-1252), with a 100 km e-bus
    and sites only some vehicles may serve: plans and passes check."""
    import yaml

    data = tmp_path / "two"
    data.mkdir()
    with (RANDERS / "sites.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["id"] in ("S05", "D03", "N02"):
            r["vehicles"] = "elbus"
        if r["id"] in ("S12", "D10"):
            r["vehicles"] = "bogbus"
        r["lat"], r["lon"] = r["lat"].replace(".", ","), r["lon"].replace(".", ",")
    with (data / "sites.csv").open("w", encoding="cp1252", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";")
        w.writeheader()
        w.writerows(rows)
    st = yaml.safe_load((RANDERS / "settings.yaml").read_text(encoding="utf-8"))
    st["vehicles"].append({"name": "elbus", "shifts": {d: "09:00-15:00" for d in
                                                        ("mon", "tue", "thu")},
                           "break": {"minutes": 30, "earliest": "11:00", "latest": "13:30"},
                           "max_km_per_day": 100, "crate_capacity": 6,
                           "energy": {"kwh_per_100km": 110}})
    (data / "settings.yaml").write_text(yaml.safe_dump(st, allow_unicode=True), encoding="utf-8")
    shutil.copy(RANDERS / "water.geojson", data)  # settings.yaml names it
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["plan", str(data), "--quarter", "2027Q1", "--time-limit", "120",
                                    "--work", "340",
                                    "--out", str(out), "--no-render"])
    assert res.exit_code == 0, res.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    by_site = {v["site_id"]: r["vehicle"] for r in plan["routes"] for v in r["visits"]}
    assert by_site["S05"] == by_site["D03"] == by_site["N02"] == "elbus"
    assert by_site["S12"] == by_site["D10"] == "bogbus"
    assert all(r["km"] <= 100 for r in plan["routes"] if r["vehicle"] == "elbus")
    assert any(s["name"].startswith("Ø") or "æ" in s["name"] or "å" in s["name"]
               for s in plan["sites"])
    chk = CliRunner().invoke(main, ["check", str(out / "plan.json"), str(data)])
    assert chk.exit_code == 0, chk.output
