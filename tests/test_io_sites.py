"""sites.csv rows → Site: every column, Danish spellings, and per-cell problems."""

from __future__ import annotations

import pytest

from bogbus.io.csvfile import parse_csv
from bogbus.io.sites import DEFAULT_DAYS, parse_day, parse_days, parse_kind, parse_sites

HEADER = ("id;kind;name;lat;lon;address;every_weeks;duration_min;earliest;latest;days;"
          "visitors;children;residents;crates;fixed_day;fixed_time;priority;vehicles")


def _parse(text: str, encoding: str = "utf-8"):
    return parse_sites(parse_csv(text.encode(encoding), "data/x/sites.csv"))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon,tue", ("mon", "tue")),
        ("wed|mon", ("mon", "wed")),
        ("Man/Ons", ("mon", "wed")),
        ("mandag; fredag", ("mon", "fri")),
        ("tir tor", ("tue", "thu")),
        ("mon-fri", ("mon", "tue", "wed", "thu", "fri")),
        ("man - fre", ("mon", "tue", "wed", "thu", "fri")),
        ("Lør,SØN", ("sat", "sun")),
        ("lørdag–søndag", ("sat", "sun")),
        ("fri-mon", ("mon", "fri", "sat", "sun")),
        ("Monday, thursday", ("mon", "thu")),
        ("man., ons.", ("mon", "wed")),
        ("", DEFAULT_DAYS),
        ("mon, blah", ("mon", "blah")),
        (", ;", ()),
    ],
)
def test_parse_days(text: str, days: tuple[str, ...]) -> None:
    assert parse_days(text) == days


def test_parse_day_and_kind() -> None:
    assert parse_day("Torsdag") == "thu"
    assert parse_day("xyz") is None
    assert parse_kind("Nursing Home") == "nursing_home"
    assert parse_kind("plejehjem") == "nursing_home"
    assert parse_kind("Holdeplads") == "stop"
    assert parse_kind("DAYCARE") == "daycare"
    assert parse_kind("bus") == "bus"  # unknown kinds are kept for validation to name


def test_all_columns_cp1252_semicolon_decimal_comma() -> None:
    text = (HEADER + "\r\n"
            "D07;Daginstitution;Børnehuset Ærtebjerg;56,4607;10,0364;Ågade 3, Ørum;4;30;"
            "09.00;11:30;tir|tor;12,5;25;;3;Tirsdag;09:30;2;bogbus|elbus\r\n")
    parsed = _parse(text, "cp1252")
    assert not parsed.problems
    (s,) = parsed.sites
    assert (s.id, s.kind, s.name, s.address) == ("D07", "daycare", "Børnehuset Ærtebjerg",
                                                 "Ågade 3, Ørum")
    assert (s.lat, s.lon) == pytest.approx((56.4607, 10.0364))
    assert (s.every_weeks, s.duration_min, s.earliest, s.latest) == (4, 30, 540, 690)
    assert s.days == ("tue", "thu")
    assert (s.visitors, s.children, s.residents, s.crates) == (12.5, 25, None, 3)
    assert (s.fixed_day, s.fixed_time, s.priority) == ("tue", 570, 2)
    assert s.vehicles == ("bogbus", "elbus")
    assert s.row == 2


def test_defaults_for_empty_optional_cells() -> None:
    parsed = _parse("id,kind,name,lat,lon\nDEPOT,depot,Depot,56.46,10.03\n")
    (s,) = parsed.sites
    assert s.days == DEFAULT_DAYS
    assert (s.every_weeks, s.duration_min, s.earliest, s.crates, s.vehicles) == (
        0, 0, None, 0, None)
    assert parsed.absent_columns >= {"every_weeks", "duration_min", "days"}


def test_every_weeks_below_one_is_refused_by_the_reader() -> None:
    # the model's every_weeks is an int the planner divides by: 0 means "no rhythm"
    # (an empty cell), so a typed 0 or negative value must not reach it
    parsed = _parse("id;kind;name;lat;lon;every_weeks\nS01;stop;A;56;10;0\n"
                    "B01;branch;B;56;10;-2\nB02;branch;C;56;10;\nDEPOT;depot;D;56;10;0\n")
    assert [(p.row, p.column, p.message) for p in parsed.problems] == [
        (2, "every_weeks", "every_weeks is 0"), (3, "every_weeks", "every_weeks is -2")]
    assert [s.every_weeks for s in parsed.sites] == [0, 0, 0, 0]


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("lat", "56°27'", "not a number"),
        ("every_weeks", "2,5", "whole number"),
        ("duration_min", "45 min", "not a number"),
        ("earliest", "9", "not a time"),
        ("latest", "25:00", "not a time"),
        ("fixed_time", "kl 10", "not a time"),
        ("children", "mange", "not a number"),
        ("priority", "high", "not a number"),
    ],
)
def test_bad_cell_names_file_row_column(column: str, value: str, words: str) -> None:
    cells = {"id": "S01", "kind": "stop", "name": "A", "lat": "56,5", "lon": "10,1",
             "every_weeks": "1", "duration_min": "30", column: value}
    text = ";".join(cells) + "\n\n" + ";".join(cells.values()) + "\n"
    parsed = _parse(text)
    (p,) = [p for p in parsed.problems if p.severity == "error"]
    assert (p.file, p.row, p.column) == ("data/x/sites.csv", 3, column)
    assert words in p.message and value in p.message
    assert p.fix
    assert len(parsed.sites) == 1  # the rest of the row is still read


def test_empty_coordinate_and_empty_id() -> None:
    parsed = _parse("id;kind;name;lat;lon\nS01;stop;A;;10,1\n;stop;B;56;10\n")
    assert {(p.row, p.column) for p in parsed.problems} == {(2, "lat"), (3, "id")}
    assert [s.id for s in parsed.sites] == ["S01"]


def test_missing_required_column() -> None:
    parsed = _parse("id;kind;name;lat\nS01;stop;A;56\n")
    (p,) = parsed.problems
    assert (p.row, p.column, p.severity) == (1, "lon", "error")
    assert parsed.sites == []


def test_unknown_column_is_a_warning() -> None:
    parsed = _parse("id;kind;name;lat;lon;Farve\nS01;stop;A;56;10;rød\n")
    (p,) = parsed.problems
    assert (p.row, p.column, p.severity) == (1, "farve", "warning")
    assert len(parsed.sites) == 1


def test_header_only() -> None:
    parsed = _parse("id;kind;name;lat;lon\n")
    assert parsed.problems[0].row == 1 and parsed.problems[0].severity == "error"
