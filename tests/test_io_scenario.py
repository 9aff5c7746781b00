"""Scenario overlays: each change type, errors that name the scenario key, base untouched."""

import hashlib
import shutil
from pathlib import Path

import pytest

from bogbus.errors import InputError
from bogbus.io import load_source
from bogbus.io.source import validate_source

ROOT = Path(__file__).resolve().parents[1]
RANDERS = ROOT / "data" / "randers"


def scenario(tmp_path: Path, body: str, name: str = "test.yaml") -> Path:
    p = tmp_path / name
    p.write_text(f"base: {RANDERS}\n" + body, encoding="utf-8")
    return p


def digest(folder: Path) -> dict[str, str]:
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file()}


def test_name_defaults_to_stem_and_base_is_relative_to_the_file(tmp_path):
    inst = load_source(ROOT / "scenarios" / "close-three-stops.yaml")
    assert inst.scenario == "close-three-stops"
    shutil.copytree(RANDERS, tmp_path / "data" / "randers")
    (tmp_path / "scenarios").mkdir()
    p = tmp_path / "scenarios" / "my-idea.yaml"
    p.write_text("base: ../data/randers\nremove: [S01]\n")
    inst = load_source(p)
    assert inst.scenario == "my-idea" and "S01" not in {s.id for s in inst.sites}


def test_remove_add_modify_move(tmp_path):
    base = load_source(RANDERS)
    p = scenario(tmp_path, """
name: mix
remove: [S03]
add:
  - {id: S30, kind: stop, name: Nyby, lat: 56.50, lon: 10.05, every_weeks: 2,
     duration_min: 30, earliest: "14:00", latest: "16:00", days: [mon, tue]}
modify: {S05: {every_weeks: 3, duration_min: 40, earliest: "14:00", days: [tue, wed]}}
move: {S06: {lat: 56.53, lon: 9.87}}
""")
    inst = load_source(p)
    ids = {s.id for s in inst.sites}
    assert inst.scenario == "mix" and "S03" not in ids and "S30" in ids
    s30, s05, s06 = inst.site("S30"), inst.site("S05"), inst.site("S06")
    assert (s30.every_weeks, s30.earliest, s30.latest, s30.days) == (2, 840, 960, ("mon", "tue"))
    assert (s05.every_weeks, s05.duration_min, s05.earliest, s05.days) == \
        (3, 40, 840, ("tue", "wed"))
    assert s05.latest == base.site("S05").latest
    assert (s06.lat, s06.lon) == (56.53, 9.87)
    assert inst.inputs_sha256 != base.inputs_sha256


def test_modify_all_by_kind():
    inst = load_source(ROOT / "scenarios" / "every-third-week.yaml")
    assert {s.every_weeks for s in inst.stops} == {3}
    assert {s.every_weeks for s in inst.sites if s.kind == "daycare"} == {4}


def test_vehicles_modify_add_remove(tmp_path):
    inst = load_source(ROOT / "scenarios" / "electric-bus.yaml")
    v = inst.settings.vehicle("bogbus")
    assert v.max_km_per_day == 150 and v.kwh_per_100km == 110 and v.litres_per_100km is None
    assert v.shifts["wed"].end == 19 * 60 + 30  # untouched keys survive the deep merge
    van = load_source(ROOT / "scenarios" / "deposit-van.yaml")
    assert [x.name for x in van.settings.vehicles] == ["bogbus", "depotbil"]
    assert set(van.settings.vehicle("depotbil").shifts) == {"tue", "thu"}
    assert all(s.vehicles == ("depotbil",) for s in van.sites if s.kind == "nursing_home")
    p = scenario(tmp_path, "vehicles: {modify: {bogbus: {shifts: {fri: null, "
                           "tue: '10:00-19:30'}}}}\n")
    sh = load_source(p).settings.vehicle("bogbus").shifts
    assert "fri" not in sh and sh["tue"].end == 19 * 60 + 30


def test_calendar_closures_add_and_replace_and_settings_merge(tmp_path):
    base = load_source(RANDERS).settings.closures
    add = load_source(scenario(tmp_path, """
calendar: {closures: {add: [{start: 2027-02-15, end: 2027-02-19, reason: Vinterferie}]}}
settings: {travel: {speed_kmh: 45}}
"""))
    assert len(add.settings.closures) == len(base) + 1
    assert add.settings.travel.speed_kmh == 45 and add.settings.travel.circuity == 1.3
    rep = load_source(ROOT / "scenarios" / "summer-closure.yaml")
    assert rep.settings.closures[0].reason.startswith("Sommerferie (forlænget)")
    assert len(rep.settings.closures) == 2


@pytest.mark.parametrize("body,column,text", [
    ("remove: [S99]\n", "remove[0]", "S99"),
    ("modify: {S99: {every_weeks: 2}}\n", "modify.S99", "S99"),
    ("modify: {S05: {colour: red}}\n", "modify.S05.colour", "colour"),
    ("modify: {S05: {every_weeks: [1, 2]}}\n", "modify.S05.every_weeks", "list"),
    ("vehicles: {modify: {tram: {max_km_per_day: 1}}}\n", "vehicles.modify.tram", "tram"),
    ("surprise: 1\n", "surprise", "surprise"),
])
def test_errors_name_scenario_file_and_key(tmp_path, body, column, text):
    p = scenario(tmp_path, body)
    with pytest.raises(InputError) as info:
        load_source(p)
    (problem,) = [x for x in info.value.problems if x.severity == "error"]
    assert problem.file == str(p) and problem.column == column and text in problem.message
    assert problem.row is not None


def test_validation_of_changed_values_points_at_the_scenario(tmp_path):
    p = scenario(tmp_path, "modify: {S05: {every_weeks: 0, earliest: '25:00'}}\n"
                           "vehicles: {modify: {bogbus: {max_km_per_day: -5}}}\n")
    instance, problems = validate_source(p)
    assert instance is None
    errors = [x for x in problems if x.severity == "error"]
    assert errors and all(x.file == str(p) for x in errors), [str(x) for x in errors]
    cols = {x.column for x in errors}
    assert {"modify.S05.every_weeks", "modify.S05.earliest",
            "vehicles.modify.bogbus.max_km_per_day"} <= cols


def test_base_files_are_never_modified(tmp_path):
    before = digest(RANDERS)
    for f in sorted((ROOT / "scenarios").glob("*.yaml")):
        load_source(f)
    load_source(scenario(tmp_path, "remove: [S01]\nmodify: {S02: {every_weeks: 2}}\n"))
    assert digest(RANDERS) == before


def test_every_shipped_scenario_validates():
    for f in sorted((ROOT / "scenarios").glob("*.yaml")):
        instance, problems = validate_source(f)
        assert instance is not None, [str(p) for p in problems]
        assert instance.scenario == f.stem


def test_base_relative_to_the_working_directory_is_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    p = tmp_path / "cwd.yaml"
    p.write_text("base: data/randers\nremove: [S02]\n")
    assert "S02" not in {s.id for s in load_source(p).sites}


def test_inputs_sha256_covers_the_scenario_file_and_the_base(tmp_path):
    a = load_source(scenario(tmp_path, "remove: [S01]\n", "a.yaml"))
    b = load_source(scenario(tmp_path, "remove: [S01]\n# a comment\n", "b.yaml"))
    assert a.inputs_sha256 != b.inputs_sha256
    assert a.inputs_sha256 == load_source(tmp_path / "a.yaml").inputs_sha256
