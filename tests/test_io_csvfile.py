"""The CSV dialects Danish Excel writes: encodings, delimiters, decimal commas."""

from __future__ import annotations

import codecs

import pytest

from bogbus.io.csvfile import decode, normalise_column, parse_csv, parse_number, sniff_delimiter

DANISH = ("id;kind;name;lat;lon\r\nS01;stop;Ærø Købmand;56,4607;10,0364\r\n"
          "S02;stop;Østergård Å;56,5;10,1\r\n")


def test_cp1252_semicolon_decimal_comma() -> None:
    table = parse_csv(DANISH.encode("cp1252"), "sites.csv")
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert table.columns == ("id", "kind", "name", "lat", "lon")
    assert [r.row for r in table.rows] == [2, 3]
    assert table.rows[0].get("name") == "Ærø Købmand"
    assert table.rows[1].get("name") == "Østergård Å"
    assert parse_number(table.rows[0].get("lat")) == pytest.approx(56.4607)
    assert not table.problems


def test_utf8_bom_comma() -> None:
    text = 'id,kind,name,lat,lon\nS01,stop,"Bogbus, Æbeltoft",56.4607,10.0364\n'
    table = parse_csv(codecs.BOM_UTF8 + text.encode("utf-8"), "sites.csv")
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert table.columns[0] == "id"  # no BOM glued to the first header
    assert table.rows[0].get("name") == "Bogbus, Æbeltoft"


def test_utf8_without_bom_and_tab_delimiter() -> None:
    text = "id\tkind\tname\nS01\tstop\tSøby\n"
    table = parse_csv(text.encode("utf-8"), "sites.csv")
    assert (table.encoding, table.delimiter) == ("utf-8", "\t")
    assert table.rows[0].get("name") == "Søby"


def test_utf16_unicode_text_from_excel() -> None:
    data = "id\tname\r\nS01\tLøgstør\r\n".encode("utf-16")
    table = parse_csv(data, "sites.csv")
    assert table.encoding == "utf-16"
    assert table.rows[0].get("name") == "Løgstør"


def test_sep_hint_line_is_used_and_not_counted() -> None:
    table = parse_csv(b"sep=;\nid;name\nS01;A,B\n", "sites.csv")
    assert table.delimiter == ";"
    assert table.rows[0].get("name") == "A,B"
    assert table.rows[0].row == 2


def test_blank_lines_skipped_but_rows_numbered_like_a_spreadsheet() -> None:
    data = b"id;name\r\n\r\nS01;A\r\n;;\r\n   \r\nS02;B\r\n\r\n"
    table = parse_csv(data, "sites.csv")
    assert [(r.row, r.get("id")) for r in table.rows] == [(3, "S01"), (6, "S02")]


def test_header_case_and_whitespace_and_cells_trimmed() -> None:
    table = parse_csv(b" ID ; Kind ;Every Weeks\nS01 ;  stop ; 2 \n", "sites.csv")
    assert table.columns == ("id", "kind", "every_weeks")
    assert table.rows[0].values == {"id": "S01", "kind": "stop", "every_weeks": "2"}


def test_short_rows_are_padded() -> None:
    table = parse_csv(b"id;name;lat\nS01\n", "sites.csv")
    assert table.rows[0].values == {"id": "S01", "name": "", "lat": ""}


def test_quoted_newline_counts_as_one_row() -> None:
    table = parse_csv(b'id;address\nS01;"Torvet 1\n8900 Randers"\nS02;x\n', "sites.csv")
    assert [r.row for r in table.rows] == [2, 3]
    assert table.rows[0].get("address") == "Torvet 1\n8900 Randers"


def test_duplicate_header_is_an_error_at_row_1() -> None:
    table = parse_csv(b"id;lat;lat\nS01;1;2\n", "x/sites.csv")
    (p,) = table.problems
    assert (p.file, p.row, p.column, p.severity) == ("x/sites.csv", 1, "lat", "error")


def test_value_without_header_is_a_warning() -> None:
    table = parse_csv(b"id;name\nS01;A;oops\n", "sites.csv")
    (p,) = table.problems
    assert (p.row, p.severity) == (2, "warning")
    assert "oops" in p.message


def test_empty_file() -> None:
    table = parse_csv(b"\r\n\r\n", "sites.csv")
    assert table.rows == ()
    assert table.problems and table.problems[0].severity == "error"


def test_decode_prefers_utf8_then_cp1252() -> None:
    assert decode("æøå".encode()) == ("æøå", "utf-8")
    assert decode("æøå".encode("cp1252")) == ("æøå", "cp1252")
    assert decode(b"\x81") == ("\x81", "cp1252")  # undefined in cp1252: still readable


@pytest.mark.parametrize(
    ("text", "value"),
    [("56,4607", 56.4607), ("56.4607", 56.4607), (" 12 ", 12.0), ("-3", -3.0),
     ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("1e3", 1000.0), ("\u22125", -5.0)],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "nan", "inf", "1_000", "12 km"])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_sniff_delimiter() -> None:
    assert sniff_delimiter("id;name;lat") == ";"
    assert sniff_delimiter('id,"a;b;c",x') == ","  # delimiters inside quotes do not count
    assert sniff_delimiter("id") == ","
    assert normalise_column("  Duration-Min ") == "duration_min"
