"""`bogbus export --format vrplib`: the file reads back with the `vrplib` package and says
exactly what bogbus's own travel model and windows say; bad input writes nothing."""

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import vrplib
from click.testing import CliRunner
from factories import instance, small, stop, vehicle

from bogbus.cli import main
from bogbus.errors import InputError
from bogbus.export import NO_CAPACITY, export_vrplib
from bogbus.io import load_source
from bogbus.travel import build_travel

ROOT = Path(__file__).resolve().parents[1]
RANDERS = ROOT / "data" / "randers"


def _export(args: list[str]):
    return CliRunner().invoke(main, ["export", *args])


@pytest.fixture(scope="module")
def randers_vrp(tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "randers.vrp"
    res = _export([str(RANDERS), "--format", "vrplib", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out, vrplib.read_instance(str(out))


def test_randers_header_and_nodes(randers_vrp):
    path, inst = randers_vrp
    data = load_source(RANDERS)
    assert path.read_bytes().isascii()
    assert inst["type"] == "VRPTW" and inst["name"] == "bogbus-randers-weekly"
    assert inst["dimension"] == 1 + len(data.stops) == 23
    assert inst["vehicles"] == 5 and inst["capacity"] == 10
    assert list(inst["depot"]) == [0]
    assert list(inst["site_id"]) == ["DEPOT"] + [s.id for s in data.stops]
    assert "greatcircle" in inst["comment"] and "metres" in inst["comment"]
    assert [float(x) for x in inst["node_coord"][1]] == [data.stops[0].lon, data.stops[0].lat]


def test_randers_matrix_is_bogbus_travel_to_the_metre(randers_vrp):
    _, inst = randers_vrp
    data = load_source(RANDERS)
    tm = build_travel(data)
    rows = [tm.index()[sid] for sid in inst["site_id"]]
    for a, i in enumerate(rows):
        for b, j in enumerate(rows):
            assert abs(inst["edge_weight"][a][b] / 1000 - tm.km[i][j]) < 0.0005
            assert inst["travel_time"][a][b] == tm.minutes[i][j]
    assert inst["edge_weight"].shape == (23, 23) and inst["edge_weight"][0][0] == 0


def test_randers_windows_service_and_frequency(randers_vrp):
    _, inst = randers_vrp
    data = load_source(RANDERS)
    # depot: the hull of the shifts, 08:30 (mon) to 19:30 (the late Wednesday)
    assert list(inst["time_window"][0]) == [8 * 60 + 30, 19 * 60 + 30]
    # S01 16:00-19:00, 60 min: arrive from 16:00; the Wednesday shift (to 19:30, 12 min
    # back to the depot) lets it end at 19:00, so the last start is 18:00
    s01 = list(inst["site_id"]).index("S01")
    assert list(inst["time_window"][s01]) == [16 * 60, 18 * 60]
    for k, s in enumerate(data.stops, 1):
        lo, hi = inst["time_window"][k]
        assert s.earliest <= lo <= hi <= s.latest - s.duration_min
    assert list(inst["service_time"]) == [0] + [s.duration_min for s in data.stops]
    assert list(inst["frequency"]) == [0] + [s.every_weeks for s in data.stops]
    assert list(inst["demand"]) == [0] * 23
    assert list(inst["vehicles_max_duration"]) == [480, 480, 570, 480, 360]
    assert "vehicles_max_distance" not in inst


def test_include_outreach_adds_daycares_and_nursing_homes(tmp_path):
    out = tmp_path / "all.vrp"
    res = _export([str(RANDERS), "--out", str(out), "--include", "outreach"])
    assert res.exit_code == 0, res.output
    inst = vrplib.read_instance(str(out))
    data = load_source(RANDERS)
    assert inst["dimension"] == 1 + len(data.stops) + len(data.outreach) == 44
    ids = list(inst["site_id"])
    for s in data.outreach:
        k = ids.index(s.id)
        assert inst["demand"][k] == s.crates and inst["frequency"][k] == s.every_weeks


def test_small_fixture_windows_from_shifts_and_travel(tmp_path):
    inst_ = small()
    tm = build_travel(inst_)
    w = export_vrplib(inst_, tmp_path / "small.vrp", include_outreach=True)
    inst = vrplib.read_instance(str(tmp_path / "small.vrp"))
    ids = list(inst["site_id"])
    assert inst["dimension"] == w.dimension == 10
    # S06 16:00-19:00, 30 min: only the Wednesday shift (to 19:30) reaches it
    back = tm.leg("S06", "DEPOT")[1]
    assert list(inst["time_window"][ids.index("S06")]) == [16 * 60,
                                                           min(19 * 60, 19 * 60 + 30 - back) - 30]
    # D01 08:45-11:30, 30 min: the bus leaves the depot at 08:30 at the earliest
    out_ = tm.leg("DEPOT", "D01")[1]
    assert list(inst["time_window"][ids.index("D01")]) == [max(8 * 60 + 45, 8 * 60 + 30 + out_),
                                                           11 * 60]
    assert inst["demand"][ids.index("N01")] == 3 and inst["demand"][ids.index("D01")] == 1


def test_distance_limit_and_no_capacity(tmp_path):
    inst_ = instance([stop(1, 56.44, 10.15)], [vehicle(max_km=150, crates=None)])
    export_vrplib(inst_, tmp_path / "e.vrp")
    inst = vrplib.read_instance(str(tmp_path / "e.vrp"))
    assert list(inst["vehicles_max_distance"]) == [150_000] * 5
    assert inst["capacity"] == NO_CAPACITY


def test_names_that_would_break_the_format_are_made_safe(tmp_path):
    inst_ = instance([stop(1, 56.44, 10.15)], name="GEOFENCE_SECTION #1")
    export_vrplib(inst_, tmp_path / "x.vrp")
    inst = vrplib.read_instance(str(tmp_path / "x.vrp"))
    assert list(inst["site_id"]) == ["DEPOT", "S01"] and inst["dimension"] == 2


def test_unwritable_site_id_names_row_and_column(tmp_path):
    bad = replace(stop(1, 56.44, 10.15), id="S 1", row=3)
    with pytest.raises(InputError) as exc:
        export_vrplib(instance([bad]), tmp_path / "x.vrp")
    assert exc.value.problems[0].row == 3 and exc.value.problems[0].column == "id"
    assert not (tmp_path / "x.vrp").exists()


def test_site_that_fits_no_shift_fails_and_keeps_the_old_file(tmp_path):
    out = tmp_path / "keep.vrp"
    out.write_text("previous export\n")
    never = replace(stop(1, 56.44, 10.15), days=("sat",), row=2)
    with pytest.raises(InputError) as exc:
        export_vrplib(instance([never]), out)
    assert "S01" in str(exc.value) and exc.value.problems[0].row == 2
    assert out.read_text() == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.vrp"]  # no temp file left


def test_bad_source_exits_1_and_writes_nothing(tmp_path):
    out = tmp_path / "x.vrp"
    res = _export([str(tmp_path / "missing"), "--out", str(out)])
    assert res.exit_code == 1 and "does not exist" in res.output
    folder = tmp_path / "data"
    shutil.copytree(RANDERS, folder)
    sites = folder / "sites.csv"
    sites.write_text(sites.read_text(encoding="utf-8").replace("56.44210", "nord", 1),
                     encoding="utf-8")
    res = _export([str(folder), "--out", str(out)])
    assert res.exit_code == 1
    assert "sites.csv, row 3, column 'lat'" in res.output
    assert not out.exists()


def test_format_is_checked_by_click(tmp_path):
    res = _export([str(RANDERS), "--format", "json", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2


def test_pyvrp_is_not_needed(tmp_path):
    out = tmp_path / "r.vrp"
    code = ("import sys; sys.modules['pyvrp'] = None; from bogbus.cli import main; "
            f"main(['export', {str(RANDERS)!r}, '--out', {str(out)!r}])")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert out.read_text().rstrip().endswith("EOF")
