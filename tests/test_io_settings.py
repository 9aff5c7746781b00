"""settings.yaml → Settings: the contract keys, hand-written YAML, and clear type errors."""

from __future__ import annotations

from datetime import date

import pytest

from bogbus.io.settings import parse_settings
from bogbus.model import TravelOptions

CONTRACT = """\
name: Randers Bibliotek – Bogbussen
depot: DEPOT                      # a site id of kind depot
vehicles:
  - name: bogbus
    shifts:
      mon: "08:30-16:30"
      tue: "08:30-16:30"
      wed: "10:00-19:30"          # the late day
      thu: "08:30-16:30"
      fri: "08:30-14:30"
    break: {minutes: 30, earliest: "11:00", latest: "13:30"}
    max_km_per_day: null
    crate_capacity: 10
    energy: {litres_per_100km: 30}
calendar:
  holidays: DK
  closures:
    - {start: 2027-07-05, end: 2027-08-06, reason: Sommerferie}
  outreach_tolerance_days: 3
travel:
  model: greatcircle
  circuity: 1.3
  speed_kmh: 50
solver: {time_limit_s: 30, seed: 0}
timetable: {round_to_min: 5}
co2: {kg_per_litre: 3.24}
"""

MINIMAL = """\
name: Test
depot: DEPOT
vehicles:
  - name: bogbus
    shifts: {mon: "08:00-16:00"}
"""


def _parse(text: str, encoding: str = "utf-8"):
    return parse_settings(text.encode(encoding), "data/x/settings.yaml")


def _errors(parsed):
    return [p for p in parsed.problems if p.severity == "error"]


def test_contract_example() -> None:
    parsed = _parse(CONTRACT)
    assert parsed.problems == []
    s = parsed.settings
    assert s.name == "Randers Bibliotek – Bogbussen"
    assert s.depot == "DEPOT"
    (v,) = s.vehicles
    assert v.name == "bogbus"
    assert set(v.shifts) == {"mon", "tue", "wed", "thu", "fri"}
    assert (v.shifts["wed"].start, v.shifts["wed"].end) == (600, 1170)
    assert (v.break_rule.minutes, v.break_rule.earliest, v.break_rule.latest) == (30, 660, 810)
    assert (v.max_km_per_day, v.crate_capacity, v.litres_per_100km, v.kwh_per_100km) == (
        None, 10, 30, None)
    assert s.holidays == "DK"
    assert s.closures[0].start == date(2027, 7, 5) and s.closures[0].reason == "Sommerferie"
    assert s.outreach_tolerance_days == 3
    assert (s.travel.model, s.travel.circuity, s.travel.speed_kmh) == ("greatcircle", 1.3, 50)
    assert (s.time_limit_s, s.seed, s.round_to_min, s.co2_kg_per_litre) == (30, 0, 5, 3.24)
    assert parsed.lines["vehicles[0].shifts.wed"] == 8


def test_defaults_from_minimal_file() -> None:
    s = _parse(MINIMAL).settings
    assert (s.holidays, s.closures, s.outreach_tolerance_days) == ("DK", (), 3)
    assert (s.travel.model, s.round_to_min, s.contact) == ("greatcircle", 5, "")
    assert s.vehicles[0].break_rule is None


def test_hand_written_times_unquoted_dots_danish_days_and_dashes() -> None:
    text = """\
name: Test
depot: DEPOT
vehicles:
  - name: elbus
    shifts:
      Mandag: 08:30-16:30
      ons: "10.00 – 19.30"
      fre: null
    break: {minutes: 30, earliest: 11:00, latest: 13.30}
    max_km_per_day: 150
    energy: {kwh_per_100km: "120,5"}
calendar: {holidays: false, closures: [{start: "24.12.2027", reason: Jul}]}
timetable: {round_to_min: 10, contact: "Bogbussen · tlf. 89 15 81 00"}
co2: {kg_per_kwh: 0.1}
"""
    parsed = _parse(text, "cp1252")
    assert parsed.problems == []
    s = parsed.settings
    v = s.vehicles[0]
    assert set(v.shifts) == {"mon", "wed"}  # fre: null → does not run on fridays
    assert (v.shifts["mon"].start, v.shifts["wed"].end) == (510, 1170)
    assert (v.break_rule.earliest, v.break_rule.latest) == (660, 810)  # not base-60 integers
    assert (v.max_km_per_day, v.kwh_per_100km) == (150, 120.5)
    assert s.holidays is None
    assert s.closures[0].start == s.closures[0].end == date(2027, 12, 24)
    assert s.contact == "Bogbussen · tlf. 89 15 81 00"
    assert (s.round_to_min, s.co2_kg_per_kwh) == (10, 0.1)


def test_travel_keys_another_model_uses_are_warnings() -> None:
    parsed = _parse(MINIMAL + "travel: {model: greatcircle, speed_bands: [30, 50]}\n")
    (p,) = parsed.problems
    assert (p.column, p.severity) == ("travel.speed_bands", "warning")
    t = parsed.settings.travel
    assert t.model == "greatcircle" and t.options == TravelOptions()


def test_yaml_syntax_error_has_line() -> None:
    parsed = _parse("name: Test\ndepot: DEPOT\nvehicles:\n  - name: bogbus\n   shifts: x\n")
    assert parsed.settings is None
    (p,) = parsed.problems
    assert p.file == "data/x/settings.yaml"
    assert p.row == 5
    assert "not valid YAML" in p.message and p.fix


def test_tab_indentation_hint() -> None:
    parsed = _parse("name: Test\nvehicles:\n\t- name: bogbus\n")
    (p,) = parsed.problems
    assert p.row == 3 and "tabs" in p.fix


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- b\n"])
def test_empty_or_not_a_mapping(text: str) -> None:
    parsed = _parse(text)
    assert parsed.settings is None and parsed.problems[0].severity == "error"


def test_unknown_keys_are_warnings_with_line() -> None:
    parsed = _parse(MINIMAL + "colour: blue\nsolver: {time_limit: 5}\n")
    assert _errors(parsed) == []
    got = {(p.column, p.row) for p in parsed.problems}
    assert got == {("colour", 6), ("solver.time_limit", 7)}
    assert all(p.severity == "warning" for p in parsed.problems)


def test_duplicate_key() -> None:
    parsed = _parse(MINIMAL + "depot: DEPOT2\n")
    (p,) = parsed.problems
    assert (p.column, p.row) == ("depot", 6)


@pytest.mark.parametrize(
    ("text", "column", "row"),
    [
        (MINIMAL.replace('"08:00-16:00"', '"8 til 16"'), "vehicles[0].shifts.mon", 5),
        (MINIMAL.replace("{mon:", "{mandy:"), "vehicles[0].shifts.mandy", 5),
        (MINIMAL + "    crate_capacity: ten\n", "vehicles[0].crate_capacity", 6),
        (MINIMAL + "    crate_capacity: 2.5\n", "vehicles[0].crate_capacity", 6),
        (MINIMAL + "    max_km_per_day: -5\n", "vehicles[0].max_km_per_day", 6),
        (MINIMAL + "    break: {minutes: 30, earliest: noon}\n", "vehicles[0].break.earliest", 6),
        (MINIMAL + "    break: 30\n", "vehicles[0].break", 6),
        (MINIMAL + "travel:\n  speed_kmh: fast\n", "travel.speed_kmh", 7),
        (MINIMAL + "travel:\n  model: google\n", "travel.model", 7),
        (MINIMAL + "travel:\n  circuity: 0.5\n", "travel.circuity", 7),
        (MINIMAL + "calendar:\n  holidays: XX\n", "calendar.holidays", 7),
        (MINIMAL + "calendar:\n  closures:\n    - {start: 2027-13-01}\n",
         "calendar.closures[0].start", 8),
        (MINIMAL + "calendar:\n  closures:\n    - {end: 2027-07-01}\n", "calendar.closures[0]", 8),
        (MINIMAL + "calendar:\n  closures: sommer\n", "calendar.closures", 7),
        (MINIMAL + "calendar:\n  outreach_tolerance_days: -1\n",
         "calendar.outreach_tolerance_days", 7),
        (MINIMAL + "timetable: {round_to_min: 0}\n", "timetable.round_to_min", 6),
        (MINIMAL + "solver: {seed: abc}\n", "solver.seed", 6),
        (MINIMAL.replace("depot: DEPOT", "depot: [DEPOT, DEPOT2]"), "depot", 2),
        (MINIMAL.replace("name: Test\n", ""), "name", None),
        ("name: Test\ndepot: DEPOT\nvehicles:\n  -\n", "vehicles[0]", 4),
        ("name: Test\ndepot: DEPOT\nvehicles:\n  - bogbus\n", "vehicles[0]", 4),
        ("name: Test\ndepot: DEPOT\nvehicles: []\n", "vehicles", 3),
        ("name: Test\ndepot: DEPOT\nvehicles:\n  - name: bus\n", "vehicles[0].shifts", 4),
    ],
)
def test_type_errors_name_key_path_and_line(text: str, column: str, row: int | None) -> None:
    parsed = _parse(text)
    errors = _errors(parsed)
    assert [(p.column, p.row) for p in errors][:1] == [(column, row)]
    p = errors[0]
    assert p.file == "data/x/settings.yaml"
    assert p.message and p.fix
    assert parsed.settings is not None  # the rest is still readable for validation


def _parse_in(folder, text: str):
    return parse_settings(text.encode("utf-8"), str(folder / "settings.yaml"))


def test_travel_file_is_checked_against_the_data_folder(tmp_path) -> None:
    parsed = _parse_in(tmp_path, MINIMAL + "travel: {model: matrix, file: matrix.csv}\n")
    (p,) = [p for p in parsed.problems if p.severity == "error"]
    assert p.file.endswith("settings.yaml") and p.column == "travel.file"
    assert "matrix.csv" in p.message and "does not exist" in p.message
    (tmp_path / "matrix.csv").write_text("from,to,km,minutes\n", encoding="utf-8")
    parsed = _parse_in(tmp_path, MINIMAL + "travel: {model: matrix, file: matrix.csv}\n")
    assert parsed.problems == []
    assert parsed.settings.travel.options == TravelOptions(file="matrix.csv",
                                                          data_folder=str(tmp_path.resolve()))


def test_travel_osm_keys_are_checked(tmp_path) -> None:
    (tmp_path / "roads.osm").write_text("<osm/>", encoding="utf-8")
    parsed = _parse_in(tmp_path, MINIMAL + "travel:\n  model: osm\n  file: roads.osm\n"
                       "  speeds_kmh: {primary: fast}\n  max_speed_kmh: -3\n  snap_warm_m: 5\n")
    cols = {p.column: p.severity for p in parsed.problems}
    assert cols == {"travel.speeds_kmh.primary": "error", "travel.max_speed_kmh": "error",
                    "travel.snap_warm_m": "warning"}
    parsed = _parse_in(tmp_path, MINIMAL + "travel: {model: osm}\n")
    (p,) = parsed.problems
    assert p.column == "travel" and "travel.file is missing" in p.message
    parsed = _parse_in(tmp_path, MINIMAL + "travel: {model: osm, file: roads.csv}\n")
    assert parsed.problems[0].column == "travel.file"


def test_travel_osm_options_are_read_once_with_their_defaults(tmp_path) -> None:
    (tmp_path / "roads.osm").write_text("<osm/>", encoding="utf-8")
    parsed = _parse_in(tmp_path, MINIMAL + "travel:\n  model: osm\n  file: roads.osm\n"
                       "  speeds_kmh: {' Primary ': '65,5'}\n  snap_max_m: 2000\n")
    assert parsed.problems == []
    o = parsed.settings.travel.options
    assert (o.file, o.data_folder, o.cache_dir) == ("roads.osm", str(tmp_path.resolve()), "")
    assert dict(o.speeds_kmh) == {"primary": 65.5}  # only the override; osm adds the rest
    assert (o.max_speed_kmh, o.snap_warn_m, o.snap_max_m, o.snap_speed_kmh) == \
        (80.0, 500.0, 2000.0, 20.0)


def test_control_characters_are_a_problem_not_a_crash() -> None:
    from bogbus.io.settings import parse_settings

    parsed = parse_settings(b"name: Bog\x02bus\ndepot: DEPOT\n", "settings.yaml")
    (p,) = parsed.problems
    assert p.file == "settings.yaml" and "character" in p.message and p.fix


def test_goals_and_costs_for_the_report() -> None:
    s = _parse(MINIMAL + "goals: {children_per_year: 10000}\n"
               "costs: {per_km: '12,5', per_hour: 450}\n").settings
    assert (s.children_per_year, s.cost_per_km, s.cost_per_hour) == (10000, 12.5, 450.0)
    s = _parse(MINIMAL).settings
    assert (s.children_per_year, s.cost_per_km, s.cost_per_hour) == (None, None, None)


@pytest.mark.parametrize("text, column", [
    ("goals: {children_per_year: 0}", "goals.children_per_year"),
    ("goals: {children_per_year: 12.5}", "goals.children_per_year"),
    ("goals: {children_per_year: mange}", "goals.children_per_year"),
    ("costs: {per_km: -3}", "costs.per_km"),
    ("costs: {per_hour: dyr}", "costs.per_hour"),
    ("costs: 12", "costs"),
])
def test_goals_and_costs_type_errors(text: str, column: str) -> None:
    parsed = _parse(MINIMAL + text + "\n")
    (err,) = _errors(parsed)
    assert err.column == column and err.row == 6 and err.fix


def test_unknown_goal_is_a_warning() -> None:
    parsed = _parse(MINIMAL + "goals: {adults_per_year: 5}\n")
    assert [p.column for p in parsed.problems if p.severity == "warning"] == \
        ["goals.adults_per_year"]
