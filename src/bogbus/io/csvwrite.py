"""The one CSV writer every bogbus output uses (timetable.csv, compare, report figures).

Why one module: the people who open these files are library staff who double-click
them in Danish Excel. Excel (da-DK) splits columns on `;`, reads `,` as the decimal
mark and only recognises UTF-8 when the file starts with a byte-order mark; a
comma-separated UTF-8 file without BOM lands in one column with garbled æøå. Machines
want the opposite (`,`, `.`, no BOM). Both dialects, and the spreadsheet formula
guard, live here so no writer can forget one of them.

Dialects:
- `excel` (default): `;` separated, UTF-8 with BOM, decimal comma, CRLF line ends;
- `plain`: `,` separated, UTF-8 without BOM, decimal point, CRLF line ends (RFC 4180).

Cells are typed: `None` → empty, `bool` → `1`/`0`, `int` → digits, `float` → the
shortest exact decimal with the dialect's decimal mark, `str` → text. A text cell that
would start with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
so a spreadsheet shows it as text instead of running it as a formula; `read_csv`
removes that `'` again. Numbers are never guarded (a negative longitude stays a number).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import BogbusError
from . import atomic
from .csvfile import FORMULA_START, formula_safe, formula_unsafe

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is spelled: separator, decimal mark, byte-order mark."""

    name: str
    delimiter: str
    decimal: str
    bom: bool
    lineterminator: str = "\r\n"


EXCEL = CsvDialect("excel", ";", ",", True)
PLAIN = CsvDialect("plain", ",", ".", False)
DIALECTS: dict[str, CsvDialect] = {d.name: d for d in (EXCEL, PLAIN)}
DEFAULT = EXCEL.name


def get_dialect(name: str | CsvDialect | None) -> CsvDialect:
    """The dialect called `name` (None → excel); a clear error for anything else."""
    if isinstance(name, CsvDialect):
        return name
    key = (name or DEFAULT).strip().lower()
    if key not in DIALECTS:
        raise BogbusError(f"unknown CSV dialect '{name}' — use one of: {', '.join(DIALECTS)}")
    return DIALECTS[key]


# the one formula rule (io.csvfile, CWE-1236), shared with the readers
guard, unguard = formula_safe, formula_unsafe


def format_number(value: float, decimal: str = ".") -> str:
    """The shortest decimal that reads back as `value`, never in exponent notation
    (Excel would read `1e-05` as text in some locales)."""
    if not math.isfinite(value):
        return ""
    text = repr(float(value))
    if "e" in text or "E" in text:  # same digits, written out
        text = format(Decimal(text), "f")
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", decimal)


def cell_text(value: Cell, dialect: CsvDialect) -> str:
    """One typed cell as the dialect writes it (text guarded, numbers localised)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(value, dialect.decimal)
    return guard(str(value))


def csv_text(rows: Iterable[Sequence[Cell]], dialect: str | CsvDialect | None = None) -> str:
    """All rows (the first is usually the header) as one CSV text, BOM included when the
    dialect has one. An empty row is written as an empty line (a table separator)."""
    d = get_dialect(dialect)
    buf = io.StringIO()
    if d.bom:
        buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=d.delimiter, lineterminator=d.lineterminator,
                        quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([cell_text(v, d) for v in row])
    return buf.getvalue()


def dict_rows(columns: Sequence[str], records: Iterable[dict[str, Cell]]
              ) -> list[Sequence[Cell]]:
    """Header + one row per record, cells in `columns` order (missing keys → empty)."""
    return [list(columns), *([r.get(c) for c in columns] for r in records)]


def write_csv(path: Path, rows: Iterable[Sequence[Cell]],
              dialect: str | CsvDialect | None = None) -> Path:
    """Write `rows` to `path` atomically in the dialect (UTF-8, with BOM for excel)."""
    return atomic.write_bytes(Path(path), csv_text(rows, dialect).encode("utf-8"))


def parse_csv_text(data: bytes | str) -> tuple[CsvDialect, list[list[str]]]:
    """Bytes written by `csv_text` (either dialect) → (dialect, rows of unguarded text).

    The dialect is recognised from the BOM and the header's separator, so a reader does
    not need to know which one the writer was asked for."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    bom = text.startswith("\ufeff") or (isinstance(data, bytes)
                                        and data.startswith(codecs.BOM_UTF8))
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    d = EXCEL if (first.count(";") > first.count(",") or (bom and ";" in first)) else PLAIN
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=d.delimiter)
    return d, [[unguard(c) for c in row] for row in reader]


def read_csv(path: Path | str, numeric: Iterable[str] = ()) -> list[dict[str, str]]:
    """Read a CSV written by `write_csv` back into dicts keyed by the header.

    Cells in `numeric` columns are returned with `.` as decimal mark whatever the
    dialect, so callers compare numbers the same way for both."""
    d, rows = parse_csv_text(Path(path).read_bytes())
    if not rows:
        return []
    header, *body = rows
    nums = set(numeric)
    out = []
    for r in body:
        rec = dict(zip(header, r))
        if d.decimal != ".":
            for c in nums & rec.keys():
                rec[c] = rec[c].replace(d.decimal, ".")
        out.append(rec)
    return out


__all__ = ["DEFAULT", "DIALECTS", "EXCEL", "FORMULA_START", "PLAIN", "CsvDialect", "cell_text",
           "csv_text", "dict_rows", "format_number", "get_dialect", "guard", "parse_csv_text",
           "read_csv", "unguard", "write_csv"]
