"""Every write path of `bogbus plan` — a quarter, a year, a repair — honours every
output flag: `--csv-dialect`, `--no-render`, `--out`, `--quiet` (bogbus.outputs).

The three paths share one writer (outputs.write_plan_files); these tests hold each path
to the flags, so a path that forgets one (the repair once wrote Excel CSV whatever
`--csv-dialect` said) fails here. Plans are made with small `--work` budgets on the
tiny data folder of test_year, so they are fast and the same on any machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_year import data_folder

from bogbus.cli import main

BOM = b"\xef\xbb\xbf"
WORK = ["--work", "40", "--time-limit", "600"]  # the work budget ends planning, not the clock


def plain_csv(path: Path) -> bool:
    """The plain dialect: no BOM, comma separated (the Excel one: BOM and ';')."""
    raw = path.read_bytes()
    return not raw.startswith(BOM) and "," in raw.decode("utf-8").splitlines()[0] \
        and ";" not in raw.decode("utf-8").splitlines()[0]


def excel_csv(path: Path) -> bool:
    raw = path.read_bytes()
    return raw.startswith(BOM) and ";" in raw.decode("utf-8-sig").splitlines()[0]


def run(args: list[str]):
    res = CliRunner().invoke(main, args)
    assert res.exit_code in (0, 3), res.output
    return res


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()
            and p.name != ".bogbus-outputs"}


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the map of a quarter goes to ./maps
    return data_folder(tmp_path)


def test_quarter_path_honours_csv_dialect_out_quiet_and_render(tiny, tmp_path):
    out = tmp_path / "q"
    res = run(["plan", str(tiny), "--quarter", "2027Q1", *WORK, "--out", str(out),
               "--csv-dialect", "plain", "--quiet"])
    assert "…" not in res.stderr  # --quiet: no progress
    assert plain_csv(out / "timetable.csv")
    assert (out / "koereplan.pdf").is_file() and (out / "institutioner").is_dir()
    assert (tmp_path / "maps" / "tiny-2027Q1.html").is_file()
    assert not (tmp_path / "plans").exists()  # --out, not the default folder

    loud = run(["plan", str(tiny), "--quarter", "2027Q1", *WORK, "--out", str(out),
                "--no-render"])
    assert "…" in loud.stderr  # without --quiet the progress is shown
    assert files_in(out) == {"plan.json"}  # the rendered files of the old set are gone,
    assert not list((out / "institutioner").glob("brev-*"))  # the letters too

    excel = run(["plan", str(tiny), "--quarter", "2027Q1", *WORK, "--out", str(out)])
    assert excel.exit_code in (0, 3)
    assert excel_csv(out / "timetable.csv")


@pytest.mark.slow
def test_year_path_honours_csv_dialect_out_quiet_and_render(tiny, tmp_path):
    out = tmp_path / "y"
    res = run(["plan", str(tiny), "--year", "2027", *WORK, "--out", str(out),
               "--csv-dialect", "plain", "--quiet"])
    assert "…" not in res.stderr
    for q in ("Q1", "Q2", "Q3", "Q4"):
        assert plain_csv(out / q / "timetable.csv")
        assert (out / q / "map.html").is_file()
    assert plain_csv(out / "report.csv")
    assert not (tmp_path / "maps").exists() and not (tmp_path / "plans").exists()

    bare = tmp_path / "y2"
    run(["plan", str(tiny), "--year", "2027", *WORK, "--out", str(bare), "--no-render",
         "--quiet"])
    assert files_in(bare) == {f"{q}/plan.json" for q in ("Q1", "Q2", "Q3", "Q4")} | {
        "report.html", "report.pdf", "report.json", "report.csv"}


@pytest.fixture
def published(tiny, tmp_path) -> Path:
    pub = tmp_path / "pub"
    run(["plan", str(tiny), "--quarter", "2027Q1", *WORK, "--out", str(pub), "--no-render",
         "--quiet"])
    return pub / "plan.json"


def test_repair_path_honours_csv_dialect_out_quiet_and_render(tiny, published, tmp_path):
    out = tmp_path / "rep"
    res = run(["plan", str(tiny), "--previous", str(published), "--from", "2027-02-01",
               "--out", str(out), "--csv-dialect", "plain", "--quiet"])
    assert "…" not in res.stderr
    assert plain_csv(out / "timetable.csv") and plain_csv(out / "changes.csv")
    repair = json.loads((out / "plan.json").read_text(encoding="utf-8"))["repair"]
    # notices only when a visit changed: no empty folder that looks like notices gone missing
    assert (out / "koereplan.pdf").is_file()
    assert (out / "notices").is_dir() == bool(repair["changes"])
    assert (tmp_path / "maps" / "tiny-2027Q1-repair.html").is_file()

    bare = tmp_path / "rep2"
    run(["plan", str(tiny), "--previous", str(published), "--from", "2027-02-01",
         "--out", str(bare), "--no-render"])
    assert files_in(bare) == {"plan.json", "changes.csv", "changes.json"}
    assert excel_csv(bare / "changes.csv")  # the default dialect
