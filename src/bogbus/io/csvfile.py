"""Read a CSV file the way Danish Excel writes it.

Planners edit `sites.csv` in Excel, which saves `;`-separated files with decimal
commas in Windows-1252 (or UTF-8 with a BOM, or tab-separated UTF-16 "Unicode
text"). This module hides those dialects so the site loader sees plain strings
keyed by lower-case column names, each row tagged with the row number the
planner sees in the spreadsheet.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from dataclasses import dataclass, field

from ..errors import Problem

DELIMITERS: tuple[str, ...] = (";", "\t", ",")  # order breaks ties: Danish Excel first
_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$', re.IGNORECASE)
_FLOAT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True)
class CsvRow:
    """One non-empty data row; `row` is 1-based as a spreadsheet shows it."""

    row: int
    values: dict[str, str]  # normalised column name → stripped cell text

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class CsvTable:
    """A parsed CSV file plus what was detected and what looked wrong."""

    file: str
    columns: tuple[str, ...]  # normalised header names, in file order
    rows: tuple[CsvRow, ...]
    encoding: str
    delimiter: str
    header_row: int | None = 1  # None: a GIS layer, whose fields have no row
    problems: tuple[Problem, ...] = field(default=())


def decode(data: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). Anything that is not valid UTF-8 is cp1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1"), "cp1252"


def normalise_column(name: str) -> str:
    """Header cell → key: trimmed, lower case, spaces/hyphens as `_`."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def sniff_delimiter(header_line: str) -> str:
    """The delimiter used most often outside quotes in the header line."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_number(text: str) -> float:
    """A number as a Danish or English spreadsheet writes it (`56,4607`, `1.234,5`).

    Raises ValueError for anything else, including nan and infinity.
    """
    t = text.strip().replace("\u2212", "-").replace("\xa0", "").replace(" ", "")
    if "," in t and "." in t:  # one is a thousands separator: the later one is decimal
        if t.rfind(",") > t.rfind("."):
            t = t.replace(".", "").replace(",", ".")
        else:
            t = t.replace(",", "")
    else:
        t = t.replace(",", ".")
    if not _FLOAT.fullmatch(t):
        raise ValueError(f"not a number: {text!r}")
    value = float(t)
    if not math.isfinite(value):
        raise ValueError(f"not a number: {text!r}")
    return value


def _is_blank(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


def parse_csv(data: bytes, file: str) -> CsvTable:
    """Parse CSV bytes; `file` names the file in problems."""
    text, encoding = decode(data)
    first, _, rest = text.partition("\n")
    sep = _SEP_LINE.match(first.rstrip("\r"))
    if sep:  # Excel's `sep=;` hint line: Excel hides it, so rows count after it
        text = rest
    header_line = next((ln for ln in text.splitlines() if ln.strip(" \t;,")), "")
    delimiter = sep.group(1) if sep else sniff_delimiter(header_line)

    problems: list[Problem] = []
    records: list[tuple[int, list[str]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for n, cells in enumerate(reader, start=1):
            records.append((n, cells))
    except csv.Error as exc:
        problems.append(
            Problem(file, f"the file could not be read as CSV ({exc})",
                    "open it in Excel and save it again as CSV (semikolonsepareret)",
                    row=len(records) + 1)
        )
    data_records = [(n, cells) for n, cells in records if not _is_blank(cells)]
    if not data_records:
        problems.append(Problem(file, "the file is empty (no header row)",
                                "put the column names in the first row, e.g. id;kind;name;lat;lon"))
        return CsvTable(file, (), (), encoding, delimiter, 1, tuple(problems))

    header_row, header_cells = data_records[0]
    columns = tuple(normalise_column(c) for c in header_cells)
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            problems.append(Problem(file, f"column '{name}' appears twice in the header",
                                    "delete or rename one of the two columns",
                                    row=header_row, column=name))
        seen.add(name)

    rows: list[CsvRow] = []
    for n, cells in data_records[1:]:
        values: dict[str, str] = {}
        for i, cell in enumerate(cells):
            name = columns[i] if i < len(columns) else ""
            if name:
                values.setdefault(name, cell.strip())
            elif cell.strip():
                problems.append(Problem(
                    file, f"value '{cell.strip()}' is in column {i + 1}, which has no header",
                    "give the column a name in row 1 or delete the value",
                    row=n, severity="warning"))
        for name in columns:
            if name:
                values.setdefault(name, "")
        rows.append(CsvRow(n, values))
    named = tuple(dict.fromkeys(c for c in columns if c))
    return CsvTable(file, named, tuple(rows), encoding, delimiter, header_row, tuple(problems))


# Cells a spreadsheet would run as a formula (CWE-1236): =, +, -, @, tab, CR.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """Text for a CSV cell that Excel shows as text: a leading `'` when it starts like a
    formula (a site named `=HYPERLINK(…)` must not become a link in the library's
    spreadsheet). Every CSV bogbus writes goes through this, via `io.csvwrite`."""
    return "'" + text if text.startswith(FORMULA_START) else text


def formula_unsafe(text: str) -> str:
    """Undo `formula_safe` when reading a CSV bogbus wrote."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text
