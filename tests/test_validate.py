"""Loading a data folder end to end, and one test per class of bad input.

Each bad-input test builds a small, otherwise valid data folder in tmp_path,
breaks one thing, and checks the Problem points at the right file, row and column.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import pytest

from bogbus.errors import BogbusError, InputError, Problem
from bogbus.io import load_source, validate_source

COLUMNS = ("id", "kind", "name", "lat", "lon", "every_weeks", "duration_min", "earliest",
           "latest", "days", "visitors", "children", "residents", "crates", "fixed_day",
           "fixed_time", "priority", "vehicles")

# Rows 2..5 in the spreadsheet.
BASE_SITES = [
    {"id": "DEPOT", "kind": "depot", "name": "Hovedbiblioteket", "lat": "56,4607",
     "lon": "10,0364"},
    {"id": "S01", "kind": "stop", "name": "Havndal Torv", "lat": "56,6500", "lon": "10,1900",
     "every_weeks": "1", "duration_min": "45", "earliest": "14:00", "latest": "16:00",
     "visitors": "12"},
    {"id": "D01", "kind": "daycare", "name": "Børnehuset Æblet", "lat": "56,5000",
     "lon": "10,1000", "every_weeks": "4", "duration_min": "30", "earliest": "09:00",
     "latest": "11:30", "days": "tir,tor", "children": "25", "crates": "2"},
    {"id": "N01", "kind": "nursing_home", "name": "Plejecenter Ørum", "lat": "56,4000",
     "lon": "9,9000", "every_weeks": "6", "duration_min": "20", "residents": "30",
     "crates": "3"},
]

SETTINGS = """\
name: Randers Bibliotek – Bogbussen
depot: DEPOT
vehicles:
  - name: bogbus
    shifts:
      mon: "08:30-16:30"
      tue: "08:30-16:30"
      wed: "10:00-19:30"
      thu: "08:30-16:30"
      fri: "08:30-14:30"
    break: {minutes: 30, earliest: "11:00", latest: "13:30"}
    crate_capacity: 10
    energy: {litres_per_100km: 30}
calendar:
  holidays: DK
  closures:
    - {start: 2027-07-05, end: 2027-08-06, reason: Sommerferie}
timetable: {round_to_min: 5}
"""


def write_folder(tmp: Path, sites: list[dict[str, str]] | None = None,
                 settings: str = SETTINGS, name: str = "randers") -> Path:
    """A data folder the way Danish Excel saves it: cp1252, `;`, decimal commas."""
    folder = tmp / name
    folder.mkdir()
    rows = [";".join(COLUMNS)] + [";".join(r.get(c, "") for c in COLUMNS)
                                  for r in (BASE_SITES if sites is None else sites)]
    (folder / "sites.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    (folder / "settings.yaml").write_text(settings, encoding="utf-8")
    return folder


def with_site(row: int, **changes: str) -> list[dict[str, str]]:
    """BASE_SITES with the site on spreadsheet row `row` changed."""
    sites = [dict(s) for s in BASE_SITES]
    sites[row - 2].update(changes)
    return sites


def errors_at(folder: Path, column: str) -> list[Problem]:
    instance, problems = validate_source(folder)
    assert instance is None
    return [p for p in problems if p.column == column and p.severity == "error"]


def assert_one(folder: Path, file: str, row: int | None, column: str, *words: str) -> Problem:
    found = errors_at(folder, column)
    assert len(found) == 1, found
    p = found[0]
    assert (Path(p.file).name, p.row, p.column) == (file, row, column)
    assert p.file.startswith(str(folder))
    for w in words:
        assert w in str(p), str(p)
    assert p.fix, "every problem says how to fix it"
    return p


# ------------------------------------------------------------------ good data
def test_valid_folder_loads(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    instance, problems = validate_source(folder)
    assert problems == []
    assert instance is not None
    assert instance.scenario == "randers"
    assert instance.source == str(folder)
    assert [s.id for s in instance.sites] == ["DEPOT", "S01", "D01", "N01"]
    assert instance.depot.name == "Hovedbiblioteket"
    assert instance.site("D01").name == "Børnehuset Æblet"
    assert instance.site("D01").days == ("tue", "thu")
    assert instance.site("S01").lat == pytest.approx(56.65)
    assert load_source(folder) == instance


def test_inputs_unchanged_and_hashed(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    instance = load_source(folder)
    validate_source(folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    expected = hashlib.sha256(before["settings.yaml"] + before["sites.csv"]).hexdigest()
    assert instance.inputs_sha256 == expected


def test_excel_dialects_give_the_same_instance(tmp_path: Path) -> None:
    excel = load_source(write_folder(tmp_path, name="a"))
    plain = tmp_path / "b"
    plain.mkdir()
    text = (write_folder(tmp_path, name="c") / "sites.csv").read_bytes().decode("cp1252")
    out = io.StringIO()
    for line in text.splitlines():  # decimal points, `,` between cells, quotes where needed
        csv.writer(out).writerow(re.sub(r"^(-?\d+),(\d+)$", r"\1.\2", c) for c in line.split(";"))
    (plain / "sites.csv").write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    (plain / "settings.yaml").write_text(SETTINGS, encoding="utf-8")
    assert load_source(plain).sites == excel.sites


def test_data_file_path_names_its_folder(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    assert load_source(folder / "settings.yaml").scenario == "randers"


# --------------------------------------------------------- folders and files
def test_missing_folder_is_a_problem(tmp_path: Path) -> None:
    instance, problems = validate_source(tmp_path / "nope")
    assert instance is None
    assert problems[0].severity == "error" and "does not exist" in problems[0].message
    with pytest.raises(InputError):
        load_source(tmp_path / "nope")


def test_missing_file_is_a_problem_with_excel_hint(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    (folder / "sites.csv").rename(folder / "sites.xlsx")
    instance, problems = validate_source(folder)
    (p,) = problems
    assert instance is None and Path(p.file).name == "sites.csv"
    assert "CSV" in p.fix


def test_scenario_with_missing_base_names_the_scenario_file(tmp_path: Path) -> None:
    scenario = tmp_path / "close_s01.yaml"
    scenario.write_text("base: no/such/folder\nremove: [S01]\n")
    with pytest.raises(BogbusError, match="close_s01.yaml"):
        load_source(scenario)
    instance, problems = validate_source(scenario)
    assert instance is None and problems[0].column == "base"


def test_load_source_reports_every_problem_at_once(tmp_path: Path) -> None:
    sites = with_site(3, every_weeks="0", lat="x")
    sites[2]["kind"] = "børnehus"
    folder = write_folder(tmp_path, sites, SETTINGS + "surprise: 1\n")
    with pytest.raises(InputError) as info:
        load_source(folder)
    got = {(p.row, p.column, p.severity) for p in info.value.problems}
    assert {(3, "every_weeks", "error"), (3, "lat", "error"), (4, "kind", "error"),
            (SETTINGS.count("\n") + 1, "surprise", "warning")} <= got
    assert info.value.problems[0].severity == "error"  # errors first
    assert "Traceback" not in str(info.value)


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, settings=SETTINGS + "colour: red\n")
    instance, problems = validate_source(folder)
    assert instance is not None and [p.severity for p in problems] == ["warning"]
    load_source(folder)


def test_not_strict_skips_plausibility_only(tmp_path: Path) -> None:
    far = write_folder(tmp_path, with_site(3, lat="55,0", lon="12,6"), name="far")
    with pytest.raises(InputError):
        load_source(far)
    assert load_source(far, strict=False).site("S01").lat == 55.0
    dup = write_folder(tmp_path, with_site(3, id="D01"), name="dup")
    with pytest.raises(InputError):
        load_source(dup, strict=False)


# ------------------------------------------------- one test per class of bad input
def test_duplicate_id(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(4, id="S01")), "sites.csv", 4, "id",
               "'S01' is used twice", "row 3")


def test_unknown_kind_lists_allowed(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(3, kind="busstop")), "sites.csv", 3, "kind",
               "busstop", "daycare, nursing_home")


def test_depot_id_missing(tmp_path: Path) -> None:
    settings = SETTINGS.replace("depot: DEPOT", "depot: GARAGE")
    assert_one(write_folder(tmp_path, settings=settings), "settings.yaml", 2, "depot",
               "'GARAGE' is not an id")


def test_depot_not_of_kind_depot(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(2, kind="branch")), "sites.csv", 2, "kind",
               "kind is 'branch'")


def test_exactly_one_depot(tmp_path: Path) -> None:
    settings = SETTINGS.replace("depot: DEPOT", "depot: [DEPOT, D01]")
    assert_one(write_folder(tmp_path, settings=settings), "settings.yaml", 2, "depot",
               "exactly one depot")
    sites = BASE_SITES + [{"id": "DEPOT2", "kind": "depot", "name": "Garage", "lat": "56,46",
                           "lon": "10,04"}]
    _, problems = validate_source(write_folder(tmp_path, sites, name="two"))
    (p,) = problems
    assert (p.row, p.column, p.severity) == (6, "kind", "warning")


@pytest.mark.parametrize("value", ["", "0", "-2"])
def test_every_weeks_missing_or_not_positive(tmp_path: Path, value: str) -> None:
    assert_one(write_folder(tmp_path, with_site(5, every_weeks=value)), "sites.csv", 5,
               "every_weeks", "every_weeks")


def test_every_weeks_column_missing_reported_once(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    text = (folder / "sites.csv").read_text(encoding="cp1252").replace("every_weeks", "freq")
    (folder / "sites.csv").write_text(text, encoding="cp1252")
    assert_one(folder, "sites.csv", 1, "every_weeks", "missing")


@pytest.mark.parametrize("value", ["", "0", "-5"])
def test_duration_missing_or_not_positive(tmp_path: Path, value: str) -> None:
    assert_one(write_folder(tmp_path, with_site(3, duration_min=value)), "sites.csv", 3,
               "duration_min", "duration_min")


def test_earliest_after_latest(tmp_path: Path) -> None:
    p = assert_one(write_folder(tmp_path, with_site(3, earliest="15:00", latest="14.00")),
                   "sites.csv", 3, "latest")
    assert p.message == "latest 14:00 is before earliest 15:00"
    assert p.fix == "swap them or widen the window"


def test_visit_longer_than_window(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(3, duration_min="150")), "sites.csv", 3,
               "duration_min", "150 min", "only 120 min")


@pytest.mark.parametrize(("value", "words"), [(",", "days is empty"),
                                              ("mon,frei", "'frei' is not a weekday")])
def test_days_empty_or_not_a_weekday(tmp_path: Path, value: str, words: str) -> None:
    assert_one(write_folder(tmp_path, with_site(4, days=value)), "sites.csv", 4, "days", words)


def test_no_vehicle_runs_on_the_days(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(4, days="lør|søn")), "sites.csv", 4, "days",
               "(sat, sun)", "mon, tue, wed, thu, fri")


def test_fixed_day_not_in_days(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(4, fixed_day="fredag")), "sites.csv", 4,
               "fixed_day", "fixed_day fri", "(tue, thu)")


def test_fixed_day_not_a_weekday(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(4, fixed_day="someday")), "sites.csv", 4,
               "fixed_day", "'someday' is not a weekday")


def test_fixed_time_outside_window(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(3, fixed_time="15:30")), "sites.csv", 3,
               "fixed_time", "15:30", "14:00-16:00")


def test_fixed_time_off_the_grid(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(3, fixed_time="14:07")), "sites.csv", 3,
               "fixed_time", "5-minute", "14:05 or 14:10")


def test_fixed_time_outside_the_shift_is_a_warning_and_plans_as_unserved(tmp_path: Path) -> None:
    sites = with_site(5, fixed_day="fri", fixed_time="14:20")
    folder = write_folder(tmp_path, sites)
    instance, problems = validate_source(folder)
    (p,) = [p for p in problems if p.column == "fixed_time"]
    assert p.severity == "warning" and p.row == 5 and p.fix
    assert "does not fit in any shift" in str(p) and "fri 08:30-14:30" in str(p)
    assert instance is not None  # the rest can be planned; the planner lists it unserved


def test_unknown_vehicle_name(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(3, vehicles="bogbus|elbus")), "sites.csv", 3,
               "vehicles", "'elbus'", "bogbus")


@pytest.mark.parametrize(("column", "value"), [("lat", "156,4"), ("lon", "-190")])
def test_coordinates_out_of_range(tmp_path: Path, column: str, value: str) -> None:
    assert_one(write_folder(tmp_path, with_site(3, **{column: value})), "sites.csv", 3, column,
               "outside")


def test_far_from_depot_suggests_swapped_lat_lon(tmp_path: Path) -> None:
    p = assert_one(write_folder(tmp_path, with_site(3, lat="10,19", lon="56,65")), "sites.csv",
                   3, "lat", "km from the depot")
    assert "lat/lon swapped?" in p.fix


def test_far_from_depot_without_swap(tmp_path: Path) -> None:
    p = assert_one(write_folder(tmp_path, with_site(3, lat="55,68", lon="12,57")), "sites.csv",
                   3, "lat", "km from the depot")
    assert "swapped?" not in p.fix


def test_window_outside_every_shift(tmp_path: Path) -> None:
    folder = write_folder(tmp_path, with_site(4, earliest="17:00", latest="19:00"))
    instance, problems = validate_source(folder)
    (p,) = [p for p in problems if p.column == "earliest"]
    assert (Path(p.file).name, p.row, p.severity) == ("sites.csv", 4, "warning")
    assert "17:00-19:00" in str(p) and "tue 08:30-16:30" in str(p) and p.fix


def test_window_reachable_only_without_driving_is_a_warning(tmp_path: Path) -> None:
    sites = with_site(3, earliest="07:00", latest="09:15", days="mon")  # 45 min from 08:30
    instance, problems = validate_source(write_folder(tmp_path, sites))
    (p,) = problems
    assert (p.row, p.column, p.severity) == (3, "earliest", "warning")
    assert "drive" in p.message and instance is not None


@pytest.mark.parametrize(("shift", "words"), [('"16:30-08:30"', "ends before it starts"),
                                              ('"10:00-10:00"', "no length")])
def test_shift_end_before_start(tmp_path: Path, shift: str, words: str) -> None:
    settings = SETTINGS.replace('tue: "08:30-16:30"', f"tue: {shift}")
    assert_one(write_folder(tmp_path, settings=settings), "settings.yaml", 7,
               "vehicles[0].shifts.tue", words)


def test_malformed_shift(tmp_path: Path) -> None:
    settings = SETTINGS.replace('tue: "08:30-16:30"', 'tue: "hele dagen"')
    assert_one(write_folder(tmp_path, settings=settings), "settings.yaml", 7,
               "vehicles[0].shifts.tue", "hele dagen", "HH:MM-HH:MM")


def test_break_does_not_fit_shift(tmp_path: Path) -> None:
    settings = SETTINGS.replace('fri: "08:30-14:30"', 'fri: "13:20-17:00"')
    assert_one(write_folder(tmp_path, settings=settings), "settings.yaml", 11,
               "vehicles[0].break", "fri 13:20-17:00", "30-minute")


def test_break_window_shorter_than_break(tmp_path: Path) -> None:
    settings = SETTINGS.replace('latest: "13:30"', 'latest: "11:15"')
    assert_one(write_folder(tmp_path, settings=settings), "settings.yaml", 11,
               "vehicles[0].break", "shorter than the 30-minute break")


def test_crates_over_capacity(tmp_path: Path) -> None:
    assert_one(write_folder(tmp_path, with_site(5, crates="12")), "sites.csv", 5, "crates",
               "12 crates", "at most 10")


def test_closure_ends_before_start(tmp_path: Path) -> None:
    settings = SETTINGS.replace("start: 2027-07-05, end: 2027-08-06",
                                "start: 2027-08-06, end: 2027-07-05")
    assert_one(write_folder(tmp_path, settings=settings), "settings.yaml", 17,
               "calendar.closures[0].end", "Sommerferie", "swap")


@pytest.mark.parametrize("column", ["visitors", "children", "residents", "crates"])
def test_negative_counts(tmp_path: Path, column: str) -> None:
    assert_one(write_folder(tmp_path, with_site(4, **{column: "-1"})), "sites.csv", 4, column,
               "negative")


def test_round_trip_longer_than_range(tmp_path: Path) -> None:
    settings = SETTINGS.replace("crate_capacity: 10", "crate_capacity: 10\n    max_km_per_day: 30")
    assert_one(write_folder(tmp_path, settings=settings), "sites.csv", 3, "lat",
               "round trip", "max_km_per_day 30")


def test_unreadable_cell_is_reported_once(tmp_path: Path) -> None:
    _, problems = validate_source(write_folder(tmp_path, with_site(3, every_weeks="x")))
    assert [(p.row, p.column) for p in problems] == [(3, "every_weeks")]
