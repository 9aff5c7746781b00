"""Hostile and careless inputs through the CLI (issue 11).

Each case runs a real `bogbus` command on a copy of the data (or a damaged plan) and
asserts what docs/promises.md promises: no traceback, the documented exit code (1 bad
input, 2 bad usage), a message that names the file/row/column or the option, inputs
unchanged, nothing written on failure and nothing written outside the output folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bogbus.cli import main

ROOT = Path(__file__).resolve().parents[1]
RANDERS = ROOT / "data" / "randers"
RANDERS_ROWS = len((RANDERS / "sites.csv").read_text(encoding="utf-8").strip().splitlines()) - 1

TINY_SITES = """id,kind,name,lat,lon,every_weeks,duration_min,earliest,latest,days,visitors
DEPOT,depot,Kulturhuset,56.4607,10.0364,,,,,,
S01,stop,Assentoft,56.4421,10.1517,1,30,16:00,19:00,"mon,tue,wed,thu,fri",20
S02,stop,Langå,56.3905,9.8937,2,30,15:00,18:00,"mon,tue,wed,thu,fri",12
"""
TINY_SETTINGS = """name: Testbibliotek
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
  closures: [{start: 2027-02-15, end: 2027-02-19, reason: Vinterferie}]
travel: {model: greatcircle, circuity: 1.3, speed_kmh: 50}
solver: {time_limit_s: 1, seed: 0}
"""


def tree(root: Path) -> dict[str, str]:
    """Every file under root (links not followed into) → sha256, or its kind."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif p.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = "special"
    return out


def run(args: list[str]):
    return CliRunner().invoke(main, args)


def assert_clean(res, code: int, names: tuple[str, ...]) -> None:
    """No traceback, the documented exit code, and the message names what is wrong."""
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output
    assert res.exit_code == code, res.output
    for text in names:
        assert text in res.output, (text, res.output)


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A working folder with a copy of the Randers data in data/, as the cwd."""
    shutil.copytree(RANDERS, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def tiny(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sites.csv").write_text(TINY_SITES, encoding="utf-8")
    (folder / "settings.yaml").write_text(TINY_SETTINGS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_plan(tmp_path_factory) -> Path:
    """A real plan of the tiny data (planned once, ~2 s)."""
    root = tmp_path_factory.mktemp("tiny")
    data = tiny(root / "data")
    res = run(["plan", str(data), "--quarter", "2027Q1", "--out", str(root / "out"),
               "--no-render"])
    assert res.exit_code == 0, res.output
    return root / "out" / "plan.json"


# ------------------------------------------------------------- data folder cases
def _settings(edit: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        p = folder / "settings.yaml"
        p.write_text(edit(p.read_text(encoding="utf-8")), encoding="utf-8")
    return apply


def _set(key: str, value: str) -> Callable[[Path], None]:
    """Replace the value of the first line `  key: …` in settings.yaml (and its nested block)."""
    def edit(text: str) -> str:
        lines = text.splitlines()
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            if stripped.startswith(f"{key}:"):
                indent = line[: len(line) - len(stripped)]
                # the key's old value may be a nested block (holidays: {country, optional}
                # written over several lines): it goes too, or the YAML would break
                end = i + 1
                while end < len(lines) and (not lines[end].strip() or (
                        len(lines[end]) - len(lines[end].lstrip()) > len(indent))):
                    end += 1
                lines[i:end] = [f"{indent}{key}: {value}"]
                return "\n".join(lines) + "\n"
        raise AssertionError(f"{key} not in settings.yaml")
    return _settings(edit)


def _append(extra: str) -> Callable[[Path], None]:
    return _settings(lambda text: text + "\n" + extra + "\n")


def _cell(site: str, column: str, value: str) -> Callable[[Path], None]:
    """Set one cell of sites.csv (the Randers file is comma-separated, quoted days)."""
    def apply(folder: Path) -> None:
        import csv
        import io

        p = folder / "sites.csv"
        rows = list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"))))
        col = rows[0].index(column)
        for r in rows[1:]:
            if r and r[0] == site:
                r[col] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        p.write_text(buf.getvalue(), encoding="utf-8")
    return apply


def _replace_file(name: str, how: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        p = folder / name
        p.unlink()
        if how == "fifo":
            os.mkfifo(p)
        elif how == "zero":
            os.symlink("/dev/zero", p)
        elif how == "dir":
            p.mkdir()
        elif how == "huge":
            with open(p, "wb") as fh:
                fh.truncate(25 * 1024 * 1024)
    return apply


LAUGHS = "lol0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10))


def _many_sites(n: int) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        p = folder / "sites.csv"
        text = p.read_text(encoding="utf-8").rstrip("\n") + "\n"
        rows = [f"X{i:05d},stop,Stop {i},{56.3 + (i % 97) / 300:.4f},{9.8 + (i % 89) / 200:.4f},,"
                f"2,20,13:00,19:00,\"mon,tue\",5,,,,,,," for i in range(n)]
        p.write_text(text + "\n".join(rows) + "\n", encoding="utf-8")
    return apply


def _both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        for change in changes:
            change(folder)
    return apply


# (case id, change to the data folder, texts the message must contain)
DATA_CASES: list[tuple[str, Callable[[Path], None], tuple[str, ...]]] = [
    ("yaml-billion-laughs", _append(LAUGHS), ("settings.yaml", "row", "expand")),
    ("yaml-recursive-alias", _append("extra: &r [*r]"), ("settings.yaml", "row", "*r")),
    ("yaml-recursive-map", _append("extra: &m {a: *m}"), ("settings.yaml", "row", "*m")),
    ("yaml-deep-lists", _append("extra: " + "[" * 5000 + "]" * 5000),
     ("settings.yaml", "row", "levels deep")),
    ("yaml-deep-maps", _append("extra: " + "{a: " * 3000 + "1" + "}" * 3000),
     ("settings.yaml", "row", "levels deep")),
    ("speed-nan", _set("speed_kmh", ".nan"), ("settings.yaml", "travel.speed_kmh", "finite")),
    ("speed-inf", _set("speed_kmh", ".inf"), ("settings.yaml", "travel.speed_kmh")),
    ("speed-huge-int", _set("speed_kmh", "1" + "0" * 400), ("travel.speed_kmh",)),
    ("circuity-1e308", _set("circuity", "1e308"), ("travel.circuity", "at most")),
    ("time-limit-inf", _set("solver", "{time_limit_s: .inf}"), ("solver.time_limit_s",)),
    ("time-limit-zero", _set("solver", "{time_limit_s: 0}"), ("solver.time_limit_s",)),
    ("seed-int64", _set("solver", "{seed: 2147483648}"), ("solver.seed", "at most")),
    ("seed-negative", _set("solver", "{seed: -1}"), ("solver.seed",)),
    ("co2-nan", _set("co2", "{kg_per_litre: .nan}"), ("co2.kg_per_litre",)),
    ("co2-kwh-minus-inf", _set("co2", "{kg_per_kwh: -.inf}"), ("co2.kg_per_kwh",)),
    ("litres-1e308", _set("energy", "{litres_per_100km: 1e308}"),
     ("vehicles[0].energy.litres_per_100km",)),
    ("max-km-nan", _set("max_km_per_day", ".nan"), ("vehicles[0].max_km_per_day",)),
    ("crate-capacity-huge", _set("crate_capacity", "1000000000"),
     ("vehicles[0].crate_capacity",)),
    ("break-minutes-huge", _set("break", '{minutes: 100000, earliest: "11:00", latest: '
                                '"13:30"}'), ("vehicles[0].break.minutes",)),
    ("tolerance-huge", _set("outreach_tolerance_days", "1000"),
     ("calendar.outreach_tolerance_days",)),
    ("round-to-1000", _set("round_to_min", "1000"), ("timetable.round_to_min",)),
    ("round-to-60-no-grid-time", lambda f: (_set("round_to_min", "60")(f),
                                            _cell("S01", "earliest", "16:10")(f),
                                            _cell("S01", "latest", "17:55")(f)),
     ("sites.csv", "row 3", "grid")),
    ("holidays-bad-subdivision", _set("holidays", "DK-99"), ("calendar.holidays", "DK-99")),
    ("holidays-unknown", _set("holidays", "XX"), ("calendar.holidays",)),
    ("holidays-map-unknown-country", _set("holidays", "{country: XX, optional: [juleaftensdag]}"),
     ("calendar.holidays", "XX")),
    ("holidays-map-unknown-optional", _set("holidays", "{country: DK, optional: [blåmandag]}"),
     ("calendar.holidays", "blåmandag")),
    ("settings-fifo", _replace_file("settings.yaml", "fifo"), ("settings.yaml", "named pipe")),
    ("settings-dev-zero", _replace_file("settings.yaml", "zero"), ("settings.yaml", "device")),
    ("settings-is-dir", _replace_file("settings.yaml", "dir"), ("settings.yaml", "folder")),
    ("settings-25mb", _replace_file("settings.yaml", "huge"), ("settings.yaml", "MB")),
    ("sites-fifo", _replace_file("sites.csv", "fifo"), ("sites.csv", "named pipe")),
    ("sites-dev-zero", _replace_file("sites.csv", "zero"), ("sites.csv", "device")),
    ("sites-is-dir", _replace_file("sites.csv", "dir"), ("sites.csv", "folder")),
    ("sites-25mb", _replace_file("sites.csv", "huge"), ("sites.csv", "MB")),
    ("visitors-1e308", _cell("S01", "visitors", "1e308"), ("sites.csv", "row 3", "visitors")),
    ("children-1e9", _cell("D01", "children", "1000000000"), ("sites.csv", "children")),
    ("residents-huge", _cell("N01", "residents", "9" * 30), ("sites.csv", "residents")),
    ("crates-huge", _cell("D01", "crates", "5000"), ("sites.csv", "crates")),
    ("every-weeks-million", _cell("S01", "every_weeks", "1000000"),
     ("sites.csv", "row 3", "every_weeks", "13 weeks")),
    ("every-weeks-14", _cell("S01", "every_weeks", "14"), ("sites.csv", "row 3", "every_weeks")),
    ("duration-huge", _cell("S01", "duration_min", "100000"), ("sites.csv", "duration_min")),
    ("priority-huge", _cell("S01", "priority", "1e12"), ("sites.csv", "priority")),
    ("lat-1e308", _cell("S01", "lat", "1e308"), ("sites.csv", "row 3", "lat")),
    ("ten-thousand-sites", _many_sites(10_000),
     ("sites.csv", f"{10_000 + RANDERS_ROWS:,} sites", "at most")),
    ("thousand-vehicles", _settings(lambda t: t.replace("calendar:", "".join(
        f"  - name: bus{k}\n    shifts: {{mon: \"08:30-16:30\"}}\n"
        for k in range(2, 1001)) + "calendar:", 1)), ("settings.yaml", "vehicles", "at most")),
    ("too-many-stop-slots", _both(_many_sites(900), _settings(lambda t: t.replace(
        "calendar:", "".join(
            f"  - name: bus{k}\n    shifts: {{mon: \"08:30-16:30\", tue: \"08:30-16:30\"}}\n"
            for k in range(2, 21)) + "calendar:", 1))), ("sites.csv", "slots", "measured")),
]


@pytest.mark.parametrize("case_id,change,names", DATA_CASES, ids=[c[0] for c in DATA_CASES])
@pytest.mark.parametrize("command", ["validate", "plan"])
def test_bad_data_is_a_clean_exit_1_and_writes_nothing(work, case_id, change, names, command):
    change(work / "data")
    before = tree(work)
    args = [command, "data"] + (["--quarter", "2027Q1", "--time-limit", "1"]
                                if command == "plan" else [])
    res = run(args)
    assert_clean(res, 1, names)
    assert tree(work) == before  # inputs unchanged, nothing written anywhere


def test_a_whole_quarter_closed_is_a_message_naming_the_closures(work):
    _settings(lambda t: t.replace("start: 2027-07-05, end: 2027-08-06, reason: Sommerferie",
                                  "start: 2026-12-01, end: 2027-04-30, reason: Renovering")
              )(work / "data")
    before = tree(work)
    res = run(["plan", "data", "--quarter", "2027Q1", "--time-limit", "1"])
    assert_clean(res, 1, ("calendar.closures", "Renovering", "settings.yaml"))
    assert "internal error" not in res.output
    assert tree(work) == before


# ---------------------------------------------------------------- scenario cases
def _scenario(body: str) -> Callable[[Path], Path]:
    def make(work: Path) -> Path:
        (work / "scenarios").mkdir(exist_ok=True)
        p = work / "scenarios" / "s.yaml"
        p.write_text("base: ../data\n" + body, encoding="utf-8")
        return p
    return make


def _fifo_scenario(work: Path) -> Path:
    (work / "scenarios").mkdir(exist_ok=True)
    p = work / "scenarios" / "pipe.yaml"
    os.mkfifo(p)
    return p


SCENARIO_CASES = [
    ("name-parent-dirs", _scenario("name: ../../ESC\n"), ("s.yaml", "name")),
    ("name-absolute", _scenario("name: /tmp/ESC\n"), ("s.yaml", "name")),
    ("name-backslash", _scenario("name: '..\\\\ESC'\n"), ("s.yaml", "name")),
    ("name-hidden", _scenario("name: .hidden\n"), ("s.yaml", "name")),
    ("name-dots-inside", _scenario("name: a..b\n"), ("s.yaml", "name")),
    ("scenario-laughs", _scenario(LAUGHS), ("s.yaml", "expand")),
    ("scenario-recursive", _scenario("remove: &r [*r]\n"), ("s.yaml", "*r")),
    ("scenario-deep", _scenario("description: " + "[" * 4000 + "]" * 4000 + "\n"),
     ("s.yaml", "levels deep")),
    ("scenario-every-weeks-huge", _scenario("modify: {S01: {every_weeks: 1e308}}\n"),
     ("s.yaml", "modify.S01.every_weeks")),
    ("scenario-speed-nan", _scenario("settings: {travel: {speed_kmh: .nan}}\n"),
     ("travel.speed_kmh",)),
    ("scenario-fifo", _fifo_scenario, ("pipe.yaml", "named pipe")),
]


@pytest.mark.parametrize("case_id,make,names", SCENARIO_CASES, ids=[c[0] for c in SCENARIO_CASES])
def test_bad_scenario_is_a_clean_exit_1_and_writes_nothing(work, case_id, make, names):
    path = make(work)
    before = tree(work)
    res = run(["plan", str(path.relative_to(work)), "--quarter", "2027Q1", "--time-limit", "1",
               "--out", "out"])
    assert_clean(res, 1, names)
    assert tree(work) == before
    assert not (work.parent / "ESC").exists() and not Path("/tmp/ESC").exists()


# ----------------------------------------------------------------- usage cases
USAGE_CASES = [
    ("plan", "--time-limit", "nan"), ("plan", "--time-limit", "inf"),
    ("plan", "--time-limit", "-inf"), ("plan", "--time-limit", "0"),
    ("plan", "--time-limit", "-1"), ("plan", "--time-limit", "1e308"),
    ("plan", "--time-limit", "ten"), ("plan", "--seed", "2147483648"),
    ("plan", "--seed", "-1"), ("plan", "--seed", "99999999999999999999"),
    ("plan", "--quarter", "0000Q1"), ("plan", "--quarter", "9999Q4"),
    ("plan", "--quarter", "0001Q1"), ("plan", "--quarter", "2027Q9"),
    ("plan", "--quarter", "2027Q0"), ("plan", "--quarter", "Q1"),
    ("compare", "--time-limit", "nan"), ("compare", "--seed", "4294967296"),
    ("compare", "--quarter", "9999Q4"),
]


@pytest.mark.parametrize("command,option,value", USAGE_CASES,
                         ids=[f"{c}{o}={v}" for c, o, v in USAGE_CASES])
def test_bad_option_values_are_usage_errors(work, command, option, value):
    before = tree(work)
    res = run([command, "data", option, value])
    assert_clean(res, 2, (option,))
    assert tree(work) == before


# ------------------------------------------------------------------- plan files
def _plan_edit(edit: Callable[[dict], None]) -> Callable[[Path, Path], Path]:
    def make(work: Path, plan: Path) -> Path:
        data = json.loads(plan.read_text(encoding="utf-8"))
        edit(data)
        p = work / "bad.json"
        p.write_text(json.dumps(data), encoding="utf-8")
        return p
    return make


def _plan_raw(text: str) -> Callable[[Path, Path], Path]:
    def make(work: Path, plan: Path) -> Path:
        p = work / "bad.json"
        p.write_text(text, encoding="utf-8")
        return p
    return make


def _plan_special(how: str) -> Callable[[Path, Path], Path]:
    def make(work: Path, plan: Path) -> Path:
        p = work / "bad.json"
        if how == "dir":
            p.mkdir()
        elif how == "fifo":
            os.mkfifo(p)
        elif how == "zero":
            os.symlink("/dev/zero", p)
        return p
    return make


def _nan_km(d: dict) -> None:
    d["routes"][0]["km"] = float("nan")


PLAN_CASES = [
    ("plan-is-dir", _plan_special("dir"), ("bad.json", "folder")),
    ("plan-fifo", _plan_special("fifo"), ("bad.json", "named pipe")),
    ("plan-dev-zero", _plan_special("zero"), ("bad.json", "device")),
    ("plan-deep-json", _plan_raw("[" * 100_000 + "]" * 100_000), ("bad.json", "deep")),
    ("plan-deep-object", _plan_raw('{"a":' * 50_000 + "1" + "}" * 50_000), ("bad.json",)),
    ("plan-nan", _plan_edit(_nan_km), ("bad.json", "NaN")),
    ("plan-quarter-q9", _plan_edit(lambda d: d.update(quarter="2027Q9")),
     ("bad.json", "plan.quarter")),
    ("plan-quarter-year-0", _plan_edit(lambda d: d.update(quarter="0000Q1")),
     ("bad.json", "plan.quarter")),
    ("plan-period-mismatch", _plan_edit(lambda d: d["period"].update(end="2027-12-31")),
     ("bad.json", "plan.period")),
    ("plan-not-utf8", _plan_raw("\udcff"), ("bad.json",)),
]


@pytest.mark.parametrize("case_id,make,names", PLAN_CASES, ids=[c[0] for c in PLAN_CASES])
@pytest.mark.parametrize("command", ["check", "timetable", "map"])
def test_bad_plan_files_are_refused_by_every_command(work, tiny_plan, case_id, make, names,
                                                     command):
    if case_id == "plan-not-utf8":
        p = work / "bad.json"
        p.write_bytes(b'{"schema": "\xff\xfe"}')
    else:
        p = make(work, tiny_plan)
    before = tree(work)
    args = [command, "bad.json"] + (["--out", "out"] if command != "check" else [])
    res = run(args)
    assert_clean(res, 1, names)
    assert tree(work) == before


# ---------------------------------------------------------------- output places
def test_out_under_a_file_is_refused_before_planning(work):
    (work / "afile").write_text("x")
    before = tree(work)
    res = run(["plan", "data", "--quarter", "2027Q1", "--out", "afile/sub"])
    assert_clean(res, 1, ("--out", "afile"))
    assert "timetable for" not in res.output  # refused before the search started
    assert tree(work) == before


def test_out_in_proc_is_refused_before_planning(work):
    before = tree(work)
    res = run(["plan", "data", "--quarter", "2027Q1", "--out", "/proc/bogbus-test"])
    assert_clean(res, 1, ("--out", "/proc"))
    assert "timetable for" not in res.output
    assert tree(work) == before


@pytest.mark.parametrize("args,names", [
    (["timetable", "PLAN", "--out", "afile/x"], ("--out", "afile")),
    (["map", "PLAN", "--out", "adir"], ("--out", "adir", "directory")),
    (["map", "PLAN", "--out", "afile/x.html"], ("--out", "afile")),
    (["export", "data", "--out", "afile/x.vrp"], ("--out", "afile")),
    (["compare", "data", "--out", "adir", "--quarter", "2027Q1"], ("--out", "directory")),
    (["compare", "data", "--map", "afile/m.html", "--quarter", "2027Q1"], ("--map",)),
    (["compare", "data", "--save-plans", "afile/p", "--quarter", "2027Q1"],
     ("--save-plans",)),
], ids=["timetable-under-file", "map-to-dir", "map-under-file", "export-under-file",
        "compare-out-dir", "compare-map-under-file", "compare-save-under-file"])
def test_bad_output_places_are_refused(work, tiny_plan, args, names):
    (work / "afile").write_text("x")
    (work / "adir").mkdir()
    before = tree(work)
    res = run([str(tiny_plan) if a == "PLAN" else a for a in args])
    # a folder given where a file is meant is click's usage error (2); the others are
    # found by trying to write there (1)
    assert_clean(res, 2 if "adir" in args else 1, names)
    assert tree(work) == before


def test_map_of_a_plan_whose_scenario_climbs_out_stays_in_maps(work, tiny_plan):
    data = json.loads(tiny_plan.read_text(encoding="utf-8"))
    data["scenario"] = "../../../ESC"
    (work / "p.json").write_text(json.dumps(data), encoding="utf-8")
    res = run(["map", "p.json"])
    assert_clean(res, 0, ("maps",))
    written = [p for p in (work / "maps").iterdir()]
    assert len(written) == 1 and written[0].parent == work / "maps"
    assert not any(p.name.startswith("ESC") for p in work.parent.parent.iterdir())


def test_compare_csv_guards_formulas_in_names(work, tmp_path):
    """Scenario and site names starting like a formula reach Excel as text."""
    from bogbus.compare import compare_plans, to_csv

    plan = {"scenario": "=HYPERLINK(\"http://x\")", "quarter": "2027Q1", "sites": [
        {"id": "S01", "kind": "stop", "name": "+cmd|' /C calc'!A0"}], "routes": [],
        "stop_timetable": [{"site_id": "S01", "weekday": "mon", "arrival": "10:00",
                            "every_weeks": 1}], "unserved": [], "kpis": {}}
    other = json.loads(json.dumps(plan))
    other["scenario"] = "@SUM(1)"
    other["stop_timetable"][0]["weekday"] = "tue"
    text = to_csv(compare_plans([plan, other]))
    cells = [c for line in text.splitlines() for c in line.split(",")]
    assert not any(c.lstrip('"').startswith(("=", "+", "@")) for c in cells), text
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and "'+cmd" in text


# ------------------------------------------------------------------------ signals
@pytest.mark.parametrize("sig,code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_ctrl_c_and_sigterm_stop_promptly_with_nothing_written(tmp_path, sig, code):
    """OR-Tools catches SIGINT inside a solve by default; bogbus must still stop."""
    import signal
    import subprocess
    import sys
    import time

    data = shutil.copytree(RANDERS, tmp_path / "data")  # a search that takes a while
    before = tree(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bogbus.cli", "plan", str(data), "--quarter", "2027Q1",
         "--time-limit", "60", "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until the search runs
        if "timetable for" in line:
            break
    time.sleep(2.0)
    t0 = time.perf_counter()
    proc.send_signal(getattr(signal, sig))
    try:
        _out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"{sig} did not stop the plan within 20 s")
    assert proc.returncode == code, err
    assert time.perf_counter() - t0 < 20
    assert "Traceback" not in err
    assert tree(tmp_path) == before  # no out/, no maps/, no temporary files


# ------------------------------------------------------------------ all or nothing
def _plan_tiny(work: Path, *extra: str):
    return run(["plan", "data", "--quarter", "2027Q1", "--time-limit", "1", "--out", "out",
                *extra])


@pytest.fixture
def tiny_work(tmp_path, monkeypatch):
    tiny(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"),
                                     KeyboardInterrupt(), RuntimeError("renderer bug")],
                         ids=["disk-full", "ctrl-c", "bug"])
def test_a_run_failing_while_rendering_leaves_the_previous_set_untouched(tiny_work,
                                                                        monkeypatch, failure):
    first = _plan_tiny(tiny_work)
    assert first.exit_code == 0, first.output
    before = tree(tiny_work)
    assert "out/plan.json" in before and "maps" in before

    import bogbus.render as render

    def broken(*args, **kwargs):
        raise failure
    monkeypatch.setattr(render, "write_map", broken)  # fails after the timetables
    res = _plan_tiny(tiny_work, "--seed", "7")
    assert "Traceback" not in res.output
    if isinstance(failure, OSError):
        assert res.exit_code == 1 and "No space left" in res.output
    elif isinstance(failure, KeyboardInterrupt):
        assert res.exit_code == 130
    else:
        assert res.exit_code != 0
    assert tree(tiny_work) == before  # same plan.json, posters, map; no staging leftovers


def test_a_failed_first_run_leaves_no_folder_behind(tiny_work, monkeypatch):
    import bogbus.render as render

    before = tree(tiny_work)
    monkeypatch.setattr(render, "write_map", lambda *a, **k: (_ for _ in ()).throw(
        OSError(28, "No space left on device")))
    res = run(["plan", "data", "--quarter", "2027Q1", "--time-limit", "1",
               "--out", "deep/er/out"])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert tree(tiny_work) == before  # not even the empty folders deep/er or maps/


def test_a_new_set_replaces_the_old_one_but_keeps_the_users_files(tiny_work):
    assert _plan_tiny(tiny_work).exit_code == 0
    out = tiny_work / "out"
    (out / "poster-S99.pdf").write_bytes(b"old poster of a closed stop")
    manifest = out / ".bogbus-outputs"
    manifest.write_text(manifest.read_text() + "poster-S99.pdf\n")
    (out / "noter.txt").write_text("the planner's own notes")
    res = _plan_tiny(tiny_work, "--no-render")
    assert res.exit_code == 0, res.output
    assert not (out / "poster-S99.pdf").exists()  # the stale poster went with its set
    assert not (out / "poster-S01.pdf").exists()  # --no-render: no poster of an older plan
    assert (out / "noter.txt").read_text() == "the planner's own notes"
    assert (out / "plan.json").exists()


def test_timetable_for_one_stop_keeps_the_rest_of_the_set(tiny_work):
    assert _plan_tiny(tiny_work).exit_code == 0
    before = set(tree(tiny_work / "out"))
    res = run(["timetable", "out/plan.json", "--stop", "S01", "--format", "pdf"])
    assert res.exit_code == 0, res.output
    assert set(tree(tiny_work / "out")) == before


def test_plan_json_mode_follows_the_umask_like_the_other_outputs(tiny_work):
    old = os.umask(0o022)
    try:
        assert _plan_tiny(tiny_work).exit_code == 0
    finally:
        os.umask(old)
    # files are created like open() would (0o666 & ~umask), folders like mkdir
    # (0o777 & ~umask); every entry at any depth (institutioner/ and its letters too)
    out = tiny_work / "out"
    files = {str(p.relative_to(out)): p.stat().st_mode & 0o777
             for p in out.rglob("*") if p.is_file()}
    folders = {str(p.relative_to(out)): p.stat().st_mode & 0o777
               for p in out.rglob("*") if p.is_dir()}
    assert files["plan.json"] == 0o644, files
    assert set(files.values()) == {0o644}, files
    assert "institutioner" in folders and any(f.startswith("institutioner/") for f in files)
    assert set(folders.values()) == {0o755}, folders
    assert not [p for p in out.rglob("*") if not (p.is_file() or p.is_dir())]


def test_plan_prints_the_settings_warnings_validate_prints(tiny_work):
    p = tiny_work / "data" / "settings.yaml"
    p.write_text(p.read_text().replace("crate_capacity: 10", "crate_capacity: 10\n"
                                       "    max_km_per_dy: 150"))
    val = run(["validate", "data"])
    res = _plan_tiny(tiny_work, "--no-render")
    assert "max_km_per_dy" in val.output
    assert res.exit_code == 0 and "warning:" in res.output and "max_km_per_dy" in res.output


# ------------------------------------------------- check verifies what is printed
def _entry(d: dict, sid: str) -> dict:
    return next(e for e in d["stop_timetable"] if e["site_id"] == sid)


def _shift_hour(d: dict) -> None:
    e = _entry(d, "S01")
    e["arrival"], e["departure"] = "17:00", "17:30"


def _past_latest(d: dict) -> None:
    e = _entry(d, "S01")
    e["arrival"], e["departure"] = "18:45", "19:15"


def _weekday(d: dict) -> None:
    _entry(d, "S01")["weekday"] = "thu"


def _delete_entry(d: dict) -> None:
    d["stop_timetable"] = [e for e in d["stop_timetable"] if e["site_id"] != "S02"]


def _add_entry(d: dict) -> None:
    extra = json.loads(json.dumps(_entry(d, "S02")))
    extra["site_id"] = "DEPOT"
    d["stop_timetable"].append(extra)


def _duplicate_entry(d: dict) -> None:
    d["stop_timetable"].append(json.loads(json.dumps(_entry(d, "S02"))))


def _drop_date(d: dict) -> None:
    _entry(d, "S01")["dates"].pop(3)


def _add_date(d: dict) -> None:
    _entry(d, "S02")["dates"].append("2027-03-31")


def _skip_reason(d: dict) -> None:
    _entry(d, "S01")["skipped"][0]["reason"] = "Sygdom"


def _skip_to_date(d: dict) -> None:
    e = _entry(d, "S01")
    e["dates"].append(e["skipped"].pop()["date"])


def _vehicle(d: dict) -> None:
    _entry(d, "S01")["vehicle"] = "ghost"


def _rename_site(d: dict) -> None:
    next(s for s in d["sites"] if s["id"] == "S01")["name"] = "Et andet sted"


def _move_site(d: dict) -> None:
    next(s for s in d["sites"] if s["id"] == "S02")["address"] = "Fake Street 1"


def _contact(d: dict) -> None:
    d["library"]["name"] = "Et andet bibliotek"


def _no_sha(d: dict) -> None:
    del d["inputs_sha256"]


def _served_as_unserved(d: dict) -> None:
    d["unserved"].append({"site_id": "S01", "date": None, "reason": "lukket"})


def _served_as_unserved_dated(d: dict) -> None:
    d["unserved"].append({"site_id": "S02", "date": d["stop_timetable"][1]["dates"][0],
                          "reason": "lukket"})


PRINTED_CASES = [
    ("timetable-hour-later", _shift_hour, "[timetable]"),
    ("timetable-past-latest", _past_latest, "latest"),
    ("timetable-weekday", _weekday, "[timetable]"),
    ("timetable-entry-deleted", _delete_entry, "missing from stop_timetable"),
    ("timetable-entry-added", _add_entry, "[timetable]"),
    ("timetable-entry-twice", _duplicate_entry, "twice"),
    ("timetable-date-dropped", _drop_date, "[timetable]"),
    ("timetable-date-added", _add_date, "[timetable]"),
    ("timetable-skip-reason", _skip_reason, "Sygdom"),
    ("timetable-skipped-listed", _skip_to_date, "[timetable]"),
    ("timetable-vehicle", _vehicle, "ghost"),
    ("stored-site-renamed", _rename_site, "Et andet sted"),
    ("stored-site-address", _move_site, "address"),
    ("stored-library-name", _contact, "library"),
    ("served-listed-unserved", _served_as_unserved, "[unserved]"),
    ("served-listed-unserved-dated", _served_as_unserved_dated, "[unserved]"),
]


@pytest.mark.parametrize("case_id,edit,names", PRINTED_CASES, ids=[c[0] for c in PRINTED_CASES])
def test_check_rejects_a_plan_that_would_print_what_it_did_not_verify(work, tiny_plan, case_id,
                                                                      edit, names):
    data = json.loads(tiny_plan.read_text(encoding="utf-8"))
    assert run(["check", str(tiny_plan)]).exit_code == 0  # the plan itself is fine
    edit(data)
    (work / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    before = tree(work)
    res = run(["check", "bad.json"])  # against the data folder the plan names
    assert_clean(res, 1, (names,))
    assert tree(work) == before


def test_check_without_inputs_sha256_against_changed_data_fails(work, tiny_plan):
    data = json.loads(tiny_plan.read_text(encoding="utf-8"))
    del data["inputs_sha256"]
    (work / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    changed = shutil.copytree(Path(data["data"]), work / "changed")
    p = changed / "settings.yaml"
    p.write_text(p.read_text() + "# edited\n")
    res = run(["check", "bad.json", "changed"])
    assert_clean(res, 1, ("inputs_sha256",))


def test_check_of_a_plan_against_other_data_is_a_clean_message(work, tiny_plan):
    res = run(["check", str(tiny_plan), str(ROOT / "scenarios" / "close-three-stops.yaml")])
    assert_clean(res, 1, ("other data",))
    assert "KeyError" not in res.output


def test_check_against_data_missing_a_visited_stop_is_a_clean_message(work, tiny_plan):
    other = tiny(work / "other")
    p = other / "sites.csv"
    p.write_text("\n".join(x for x in p.read_text().splitlines() if not x.startswith("S02"))
                 + "\n")
    res = run(["check", str(tiny_plan), "other"])
    assert_clean(res, 1, ("S02",))
    assert "KeyError" not in res.output


# ----------------------------------------------------------------- travel matrices
def _matrix_rows(bad: str | None = None) -> str:
    ids = ["DEPOT", "S01", "S02"]
    rows = ["from,to,km,minutes"]
    for a in ids:
        for b in ids:
            if a != b:
                rows.append(f"{a},{b},12.5,17")
    if bad is not None:
        rows[2] = bad
    return "\n".join(rows) + "\n"


MATRIX_CASES = [
    ("km-1e308", "matrix.csv", _matrix_rows("DEPOT,S02,1e308,17"), ("matrix.csv", "row 3", "km")),
    ("minutes-nan", "matrix.csv", _matrix_rows("DEPOT,S02,12,nan"), ("matrix.csv", "minutes")),
    ("osrm-deep", "matrix.json", "[" * 50_000 + "]" * 50_000, ("matrix.json", "deep")),
    ("osrm-nan", "matrix.json", json.dumps({"ids": ["DEPOT", "S01", "S02"],
                                            "durations": [[0, 1, 1], [1, 0, float("nan")],
                                                          [1, 1, 0]],
                                            "distances": [[0, 1, 1], [1, 0, 1], [1, 1, 0]]}),
     ("matrix.json", "[1][2]")),
    ("osrm-true", "matrix.json", json.dumps({"ids": ["DEPOT", "S01", "S02"],
                                             "durations": [[0, True, 1], [1, 0, 1], [1, 1, 0]],
                                             "distances": [[0, 1, 1], [1, 0, 1], [1, 1, 0]]}),
     ("matrix.json", "[0][1]")),
    ("matrix-fifo", "matrix.csv", None, ("travel.file", "named pipe")),
]


@pytest.mark.parametrize("case_id,name,text,names", MATRIX_CASES,
                         ids=[c[0] for c in MATRIX_CASES])
def test_bad_travel_matrices_are_clean_errors(tiny_work, case_id, name, text, names):
    data = tiny_work / "data"
    p = data / "settings.yaml"
    p.write_text(p.read_text().replace("travel: {model: greatcircle, circuity: 1.3, speed_kmh: 50}",
                                       f"travel: {{model: matrix, file: {name}}}"))
    if text is None:
        os.mkfifo(data / name)
    else:
        (data / name).write_text(text, encoding="utf-8")
    before = tree(tiny_work)
    res = _plan_tiny(tiny_work)
    assert_clean(res, 1, names)
    assert tree(tiny_work) == before


def test_compare_reports_an_input_error_found_while_planning_in_a_worker(tiny_work):
    closed = tiny(tiny_work / "closed")
    p = closed / "settings.yaml"
    p.write_text(p.read_text().replace("start: 2027-02-15, end: 2027-02-19",
                                       "start: 2026-12-01, end: 2027-04-30"))
    before = tree(tiny_work)
    res = run(["compare", "data", "closed", "--quarter", "2027Q1", "--time-limit", "1",
               "--out", "cmp.csv", "--format", "csv"])
    assert_clean(res, 1, ("calendar.closures", "Vinterferie"))
    assert tree(tiny_work) == before


def test_sigterm_stops_compare_and_its_workers_promptly(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    shutil.copytree(RANDERS, tmp_path / "a")
    shutil.copytree(RANDERS, tmp_path / "b")
    before = tree(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bogbus.cli", "compare", "a", "b", "--quarter", "2027Q1",
         "--time-limit", "120", "--out", "cmp.md", "--format", "markdown"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "planning 2 sources" in line or "planning a" in line:
            break
    time.sleep(8.0)  # the workers are searching
    t0 = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    try:
        _out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("SIGTERM did not stop compare within 30 s")
    assert proc.returncode == 143, err
    assert time.perf_counter() - t0 < 30 and "Traceback" not in err
    assert tree(tmp_path) == before
