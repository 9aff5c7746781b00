"""The shared CSV writer: both dialects round-trip, text never runs as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bogbus.errors import BogbusError
from bogbus.io.csvwrite import (
    FORMULA_START,
    csv_text,
    format_number,
    get_dialect,
    parse_csv_text,
    read_csv,
    write_csv,
)

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
numbers = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)


def test_excel_dialect_is_what_danish_excel_opens():
    text = csv_text([["navn", "lat", "antal"], ["Ålum, Kirken", 56.4607, 12]])
    assert text.startswith("\ufeff")
    assert text == "\ufeffnavn;lat;antal\r\nÅlum, Kirken;56,4607;12\r\n"


def test_plain_dialect_is_rfc4180_without_bom():
    text = csv_text([["navn", "lat"], ["Ålum, Kirken", 56.4607]], "plain")
    assert text == 'navn,lat\r\n"Ålum, Kirken",56.4607\r\n'


def test_numbers_are_localised_but_never_guarded():
    assert csv_text([[-3.25, -4, None, True]], "excel") == "\ufeff-3,25;-4;;1\r\n"
    assert format_number(1e-05) == "0.00001" and format_number(2.0) == "2"


def test_unknown_dialect_is_a_clear_error():
    with pytest.raises(BogbusError, match="excel, plain"):
        get_dialect("semicolon")


@pytest.mark.parametrize("dialect", ["excel", "plain"])
@given(rows=st.lists(st.tuples(texts, numbers, texts), min_size=1, max_size=5))
def test_round_trip_any_text_and_number(dialect, rows):
    text = csv_text([("a", "b", "c"), *rows], dialect)
    found, back = parse_csv_text(text.encode("utf-8"))
    assert found.name == dialect
    assert back[0] == ["a", "b", "c"]
    for (a, b, c), got in zip(rows, back[1:]):
        assert got[0] == a and got[2] == c
        assert float(got[1].replace(found.decimal, ".")) == b
    # what a spreadsheet would see: no text cell starts a formula
    sep = ";" if dialect == "excel" else ","
    raw = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=sep))
    for (a, _b, c), cells in zip(rows, raw[1:]):
        for original, cell in ((a, cells[0]), (c, cells[2])):
            assert not cell.startswith(FORMULA_START)
            assert cell in (original, "'" + original)


def test_write_and_read_file(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["id", "lon"], ["=cmd", -10.5]])
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid;lon\r\n'=cmd;-10,5")
    assert read_csv(path, numeric=["lon"]) == [{"id": "=cmd", "lon": "-10.5"}]


def test_every_csv_writer_goes_through_csvwrite():
    """Issue 15: every CSV bogbus writes opens in Danish Excel and keeps the formula guard,
    so no module but the reader (io/csvfile) and the writer (io/csvwrite) uses `csv`."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "bogbus"
    allowed = {src / "io" / "csvfile.py", src / "io" / "csvwrite.py"}
    offenders = sorted(str(p.relative_to(src)) for p in src.rglob("*.py") if p not in allowed
                       and any(line.strip() in ("import csv", "from csv import *")
                               or line.strip().startswith("from csv import")
                               for line in p.read_text(encoding="utf-8").splitlines()))
    assert offenders == [], f"write CSV with bogbus.io.csvwrite instead: {offenders}"
