"""End to end: plan tiny data folders with the osm and matrix travel models, then check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_travel_osm import NODES, write_osm

from bogbus.check import check_plan
from bogbus.cli import main
from bogbus.geo import haversine_km
from bogbus.io import load_source

SITES_CSV = """\
id,kind,name,lat,lon,address,every_weeks,duration_min,earliest,latest,days,visitors
DEPOT,depot,Aby bibliotek,{a[0]},{a[1]},,,,,,,
B,stop,Bby torv,{b[0]},{b[1]},,1,30,13:00,19:00,"mon,tue,wed,thu,fri",10
C,stop,Cby skole,{c[0]},{c[1]},,1,30,13:00,19:00,"mon,tue,wed,thu,fri",10
D,stop,Dby kirke,{d[0]},{d[1]},,2,30,13:00,19:00,"mon,tue,wed,thu,fri",10
""".format(a=NODES[1], b=NODES[3], c=NODES[5], d=NODES[6])

SETTINGS = """\
name: Testbibliotek
depot: DEPOT
vehicles:
  - name: bogbus
    shifts: {{mon: "08:30-16:30", tue: "08:30-16:30", wed: "10:00-19:30",
              thu: "08:30-16:30", fri: "08:30-14:30"}}
    break: {{minutes: 30, earliest: "11:00", latest: "13:30"}}
calendar: {{holidays: DK}}
travel:
{travel}
solver: {{time_limit_s: 2, seed: 0}}
"""


def data_folder(root: Path, travel: str) -> Path:
    folder = root / "data"
    folder.mkdir(parents=True)
    (folder / "sites.csv").write_text(SITES_CSV, encoding="utf-8")
    (folder / "settings.yaml").write_text(SETTINGS.format(travel=travel), encoding="utf-8")
    write_osm(folder / "roads.osm")
    return folder


def plan_and_check(folder: Path, out: Path) -> dict:
    res = CliRunner().invoke(main, ["plan", str(folder), "--quarter", "2027Q1",
                                    "--time-limit", "2", "--out", str(out), "--no-render"])
    assert res.exit_code == 0, res.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert plan["unserved"] == []
    assert check_plan(plan, load_source(folder)) == []
    chk = CliRunner().invoke(main, ["check", str(out / "plan.json"), str(folder)])
    assert chk.exit_code == 0, chk.output
    return plan


@pytest.mark.slow
def test_plan_with_osm_roads_has_shapes_and_passes_check(tmp_path):
    folder = data_folder(tmp_path, "  model: osm\n  file: roads.osm\n  max_speed_kmh: 80\n")
    plan = plan_and_check(folder, tmp_path / "out")
    tm = plan["travel_model"]
    assert tm["model"] == "osm" and tm["file"] == "roads.osm" and len(tm["sha256"]) == 64
    sites = {s["id"]: s for s in plan["sites"]}
    legs = [leg for r in plan["routes"] for leg in r["legs"] if leg["from"] != leg["to"]]
    assert legs
    for leg in legs:
        a, b = sites[leg["from"]], sites[leg["to"]]
        assert leg["km"] >= haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]) - 1e-9
        shape = leg["shape"]
        along = sum(haversine_km(*p, *q) for p, q in zip(shape, shape[1:]))
        assert abs(along - leg["km"]) < 0.1 + 1e-6
    assert (folder / ".bogbus-cache").is_dir()


@pytest.mark.slow
def test_plan_with_matrix_file_passes_check(tmp_path):
    folder = data_folder(tmp_path, "  model: matrix\n  file: matrix.csv\n")
    ids = ["DEPOT", "B", "C", "D"]
    rows = ["from;to;km;minutes"]
    expected = {}
    for a in ids:
        for b in ids:
            if a != b:
                km = round(4 + len(a + b) / 10, 1)
                rows.append(f"{a};{b};{str(km).replace('.', ',')};{7 + len(a) + len(b)},5")
                expected[(a, b)] = (km, 8 + len(a) + len(b))  # x,5 minutes → rounded up
    (folder / "matrix.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    plan = plan_and_check(folder, tmp_path / "out")
    assert plan["travel_model"]["model"] == "matrix"
    legs = [leg for r in plan["routes"] for leg in r["legs"] if leg["from"] != leg["to"]]
    assert legs
    for leg in legs:
        assert (leg["km"], leg["min"]) == expected[(leg["from"], leg["to"])]
        assert "shape" not in leg


def test_travel_build_command_reports_and_caches(tmp_path):
    folder = data_folder(tmp_path, "  model: osm\n  file: roads.osm\n")
    first = CliRunner().invoke(main, ["travel", "build", str(folder)])
    assert first.exit_code == 0, first.output
    out = first.output
    assert "sites snapped: 4" in out and "4 × 4 sites (12 legs)" in out and "written" in out
    assert "distance to road max 0 m" in out
    second = CliRunner().invoke(main, ["travel", "build", str(folder)])
    assert second.exit_code == 0 and "(hit)" in second.output


def test_missing_osm_file_is_an_input_problem(tmp_path):
    folder = data_folder(tmp_path, "  model: osm\n  file: nowhere.osm.pbf\n")
    res = CliRunner().invoke(main, ["validate", str(folder)])
    assert res.exit_code == 1
    assert "settings.yaml" in res.output and "travel.file" in res.output \
        and "nowhere.osm.pbf" in res.output


def test_scenario_reads_the_osm_file_from_its_base_data_folder(tmp_path):
    folder = data_folder(tmp_path, "  model: osm\n  file: roads.osm\n")
    scen = tmp_path / "scenarios"
    scen.mkdir()
    (scen / "no-d.yaml").write_text("name: no-d\nbase: ../data\nremove: [D]\n", encoding="utf-8")
    from bogbus.travel import build_travel

    tm = build_travel(load_source(scen / "no-d.yaml"))
    assert tm.ids == ("DEPOT", "B", "C") and tm.description["model"] == "osm"
    assert (folder / ".bogbus-cache").is_dir()
