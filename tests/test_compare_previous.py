"""`bogbus compare --previous PLAN`: every source against the same published plan."""

from __future__ import annotations

import dataclasses
import json

from click.testing import CliRunner
from factories import small
from test_cli_repair import write_folder

from bogbus.cli import main
from bogbus.compare import compare_plans


def test_compare_previous_shows_only_what_each_scenario_causes(tmp_path):
    inst = small()
    base = write_folder(inst, tmp_path / "base")
    fewer = write_folder(dataclasses.replace(
        inst, sites=tuple(s for s in inst.sites if s.id != "S03")), tmp_path / "fewer")
    pub = tmp_path / "pub"
    res = CliRunner().invoke(main, ["plan", str(base), "--quarter", "2027Q2", "--out", str(pub),
                                    "--no-render", "--time-limit", "60", "--work", "300"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["compare", str(base), str(fewer), "--previous",
                                    str(pub / "plan.json"), "--format", "json",
                                    "--time-limit", "60", "--work", "300",
                                    "--save-plans", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output[res.output.index("{"):])
    assert doc["quarter"] == ["2027Q2"]  # the published plan's quarter by default
    by = {c["source"]: c for c in doc["changes"]}
    assert len(by) == 2 and all(c["against"].startswith("previous ") for c in by.values())
    assert by["base"]["counts"]["stops_changed"] == 0
    assert [s["site_id"] for s in by["fewer"]["stops"]] == ["S03"]
    assert by["fewer"]["stops"][0]["kinds"] == ["dropped"]


def test_compare_plans_without_previous_still_uses_the_first():
    a = {"scenario": "a", "quarter": "2027Q2", "sites": [], "routes": [], "stop_timetable": []}
    doc = compare_plans([a, dict(a, scenario="b")])
    assert [c["against"] for c in doc["changes"]] == ["a"]
