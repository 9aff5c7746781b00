"""`bogbus plan --previous P --from D`, `notices`, `check --previous` from the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from factories import small

from bogbus.cli import main
from bogbus.model import hhmm

COLUMNS = ("id", "kind", "name", "lat", "lon", "address", "every_weeks", "duration_min",
           "earliest", "latest", "days", "visitors", "children", "residents", "crates",
           "vehicles")


# only the work budget ends these plans, never the clock of a loaded test machine
PLAN = ["plan", "--work", "300"]

def write_folder(inst, folder: Path, closures: list[dict] | None = None) -> Path:
    """The factory instance as a data folder a planner would keep."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "sites.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for s in inst.sites:
            w.writerow([s.id, s.kind, s.name, s.lat, s.lon, s.address, s.every_weeks or "",
                        s.duration_min or "", hhmm(s.earliest) if s.earliest is not None else "",
                        hhmm(s.latest) if s.latest is not None else "",
                        ",".join(s.days) if s.kind != "depot" else "", s.visitors or "",
                        s.children or "", s.residents or "", s.crates or "",
                        "|".join(s.vehicles or ())])
    st = inst.settings
    v = st.vehicles[0]
    doc = {"name": st.name, "depot": st.depot,
           "vehicles": [{"name": v.name, "shifts": {d: str(w) for d, w in v.shifts.items()},
                         "break": {"minutes": v.break_rule.minutes,
                                   "earliest": hhmm(v.break_rule.earliest),
                                   "latest": hhmm(v.break_rule.latest)},
                         "crate_capacity": v.crate_capacity}],
           "calendar": {"holidays": "DK", "closures": closures or [],
                        "outreach_tolerance_days": st.outreach_tolerance_days},
           "solver": {"time_limit_s": 60, "seed": 0},  # with --work below: only work ends it
           "timetable": {"round_to_min": 5, "contact": "Bogbussen · tlf. 1234 5678"}}
    (folder / "settings.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True),
                                          encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("pub")
    data = write_folder(small(), root / "data")
    res = CliRunner().invoke(main, [*PLAN, str(data), "--quarter", "2027Q2",
                                    "--out", str(root / "pub"), "--no-render"])
    assert res.exit_code == 0, res.output
    return root, root / "pub" / "plan.json"


def closed_folder(root: Path, closures: list[dict]) -> Path:
    return write_folder(small(), root / f"closed-{len(list(root.iterdir()))}", closures)


def test_repair_writes_plan_changes_notices_and_passes_check(published, tmp_path):
    root, pub = published
    data = closed_folder(root, [{"start": "2027-05-12", "end": "2027-05-12",
                                 "reason": "Bussen er på værksted"}])
    out = tmp_path / "rep"
    res = CliRunner().invoke(main, [*PLAN, str(data), "--previous", str(pub),
                                    "--from", "2027-05-05", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "repair from 2027-05-05 (given)" in res.output and "cancelled" in res.output
    for name in ("plan.json", "changes.csv", "changes.json", "bogbus.ics", "koereplan.pdf"):
        assert (out / name).is_file(), name
    doc = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert doc["counts"]["cancelled"] > 0 and doc["from"] == "2027-05-05"
    stops = {c["site_id"] for c in doc["changes"] if c["kind"] == "stop"}
    assert {f"notice-{s}.pdf" for s in stops} <= {p.name for p in (out / "notices").iterdir()}
    assert b"STATUS:CANCELLED" in (out / "bogbus.ics").read_bytes()
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    institutions = [s["id"] for s in plan["sites"] if s["kind"] in ("daycare", "nursing_home")]
    assert institutions and (out / "koereplan-personale.pdf").is_file()
    for sid in institutions:  # the repaired dates reach each institution's letter
        assert (out / "institutioner" / f"brev-{sid}.pdf").is_file(), sid
    chk = CliRunner().invoke(main, ["check", str(out / "plan.json"), str(data),
                                    "--previous", str(pub)])
    assert chk.exit_code == 0, chk.output
    again = CliRunner().invoke(main, ["notices", str(out / "plan.json"), "--previous", str(pub),
                                      "--out", str(tmp_path / "n")])
    assert again.exit_code == 0 and "notice-" in again.output


def test_check_previous_rejects_a_plan_that_rewrote_the_past(published, tmp_path):
    root, pub = published
    data = closed_folder(root, [{"start": "2027-05-12", "reason": "Værksted"}])
    out = tmp_path / "rep"
    CliRunner().invoke(main, [*PLAN, str(data), "--previous", str(pub), "--from", "2027-05-05",
                              "--out", str(out), "--no-render"])
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    plan["repair"]["from"] = "2027-06-01"  # now the cancelled Wednesday lies in "the past"
    (out / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    chk = CliRunner().invoke(main, ["check", str(out / "plan.json"), str(data),
                                    "--previous", str(pub)])
    assert chk.exit_code == 1 and "[keep]" in chk.output


@pytest.mark.parametrize("args, message", [
    (["--from", "2027-08-01"], "outside 2027Q2"),
    (["--from", "2027-05-05", "--quarter", "2027Q3"], "same quarter"),
])
def test_bad_repair_input_exit_1_nothing_written(published, tmp_path, args, message):
    root, pub = published
    out = tmp_path / "o"
    res = CliRunner().invoke(main, [*PLAN, str(root / "data"), "--previous", str(pub),
                                    "--out", str(out), *args])
    assert res.exit_code == 1 and message in res.output
    assert not out.exists()


def test_from_without_previous_and_unknown_schema(published, tmp_path):
    root, pub = published
    res = CliRunner().invoke(main, [*PLAN, str(root / "data"), "--from", "2027-05-05"])
    assert res.exit_code == 1 and "--previous" in res.output
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({"schema": "bogbus.plan/9"}), encoding="utf-8")
    res = CliRunner().invoke(main, [*PLAN, str(root / "data"), "--previous", str(odd),
                                    "--from", "2027-05-05", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "not a bogbus plan" in res.output
    assert not (tmp_path / "o").exists()


def test_closure_naming_an_unknown_site_is_exit_1(published, tmp_path):
    root, pub = published
    data = closed_folder(root, [{"start": "2027-05-12", "reason": "x", "sites": ["D99"]}])
    res = CliRunner().invoke(main, [*PLAN, str(data), "--previous", str(pub),
                                    "--from", "2027-05-05", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "D99" in res.output and "calendar.closures[0].sites" in res.output
    assert not (tmp_path / "o").exists()


def test_closure_leaving_a_site_no_date_is_exit_3_with_reason(published, tmp_path):
    root, pub = published
    data = closed_folder(root, [{"start": "2027-04-01", "end": "2027-06-30",
                                 "reason": "Ombygning", "sites": ["N01"]}])
    res = CliRunner().invoke(main, [*PLAN, str(data), "--previous", str(pub), "--quarter",
                                    "2027Q2", "--out", str(tmp_path / "o"), "--no-render"])
    assert res.exit_code == 3, res.output
    assert "repair from 2027-04-01 (first date the data differs" in res.output
    assert "N01" in res.output and "Ombygning" in res.output


def test_data_change_without_a_date_needs_from(published, tmp_path):
    root, pub = published
    inst = small()
    import dataclasses
    grown = dataclasses.replace(inst, sites=tuple(
        dataclasses.replace(s, duration_min=40) if s.id == "S02" else s for s in inst.sites))
    data = write_folder(grown, tmp_path / "grown")
    res = CliRunner().invoke(main, [*PLAN, str(data), "--previous", str(pub),
                                    "--quarter", "2027Q2", "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and "give the first date" in res.output
