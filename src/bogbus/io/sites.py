"""`sites.csv` rows → `model.Site`.

Only per-cell parsing lives here (is it a number, a time, a weekday?); whether
the values make sense together is `bogbus.validate`'s job. A cell that cannot be
read becomes a Problem and a neutral value, so one typo does not hide the rest.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..errors import Problem
from ..model import WEEKDAYS, Site, parse_hhmm
from .csvfile import CsvRow, CsvTable, parse_number

COLUMNS: tuple[str, ...] = (
    "id", "kind", "name", "lat", "lon", "address", "every_weeks", "duration_min",
    "earliest", "latest", "days", "visitors", "children", "residents", "crates",
    "fixed_day", "fixed_time", "priority", "vehicles", "preferred_time", "source",
)  # `source`: free text saying where a row's facts come from; read by people, not the planner
REQUIRED: tuple[str, ...] = ("id", "kind", "name", "lat", "lon")
DEFAULT_DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

# Danish names planners actually type for the kinds.
KIND_ALIASES: dict[str, str] = {
    "holdeplads": "stop",
    "daginstitution": "daycare",
    "børnehave": "daycare",
    "plejehjem": "nursing_home",
    "nursinghome": "nursing_home",
    "filial": "branch",
}

_DAY_NAMES: dict[str, tuple[str, ...]] = {
    "mon": ("monday", "man", "mandag"),
    "tue": ("tuesday", "tir", "tirsdag"),
    "wed": ("wednesday", "ons", "onsdag"),
    "thu": ("thursday", "tor", "torsdag"),
    "fri": ("friday", "fre", "fredag"),
    "sat": ("saturday", "lør", "lørdag", "lor", "loer", "lordag", "loerdag"),
    "sun": ("sunday", "søn", "søndag", "son", "soen", "sondag", "soendag"),
}
DAY_ALIASES: dict[str, str] = {
    alias: key for key, names in _DAY_NAMES.items() for alias in (key, *names)
}
_DAY_SPLIT = re.compile(r"[,|/;\s]+")
_RANGE_DASH = re.compile(r"\s*[-–—]\s*")


def parse_day(text: str) -> str | None:
    """One weekday in English or Danish, any case, optional trailing dot → `mon`…`sun`."""
    return DAY_ALIASES.get(text.strip().lower().rstrip("."))


def parse_days(text: str) -> tuple[str, ...]:
    """`mon,wed`, `man|ons`, `mon-fri`, `mandag/fredag` → weekday keys in week order.

    Tokens that are not weekdays are kept (lower-cased, after the real days) so
    validation can name them; an empty cell gives the default mon–fri.
    """
    if not text.strip():
        return DEFAULT_DAYS
    days: set[str] = set()
    unknown: list[str] = []
    for token in _DAY_SPLIT.split(_RANGE_DASH.sub("-", text.strip())):
        if not token:
            continue
        first, dash, last = token.partition("-")
        a, b = parse_day(first), parse_day(last) if dash else None
        if a and not dash:
            days.add(a)
        elif a and b:
            i, j = WEEKDAYS.index(a), WEEKDAYS.index(b)
            span = (j - i) % 7
            days.update(WEEKDAYS[(i + k) % 7] for k in range(span + 1))
        elif token.lower() not in unknown:
            unknown.append(token.lower())
    return tuple(d for d in WEEKDAYS if d in days) + tuple(unknown)


def parse_kind(text: str) -> str:
    """Kind cell → key; Danish aliases and `nursing home` spellings accepted."""
    key = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return KIND_ALIASES.get(key.replace("_", ""), KIND_ALIASES.get(key, key))


@dataclass
class ParsedSites:
    """Sites read from the file, the problems found, and contract columns not present."""

    sites: list[Site]
    problems: list[Problem]
    absent_columns: frozenset[str] = field(default_factory=frozenset)

    @property
    def failed(self) -> bool:
        """No site at all because of an error: every id another file names would be "not
        in sites.csv", follow-ons that bury the cause, so callers show only the cause."""
        return not self.sites and any(p.severity == "error" for p in self.problems)


class _Cells:
    """Typed access to one row's cells that records a Problem for each bad cell."""

    def __init__(self, row: CsvRow, file: str, problems: list[Problem]):
        self.row, self.file, self.problems = row, file, problems

    def bad(self, column: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, message, fix, row=self.row.row, column=column))

    def text(self, column: str) -> str:
        return self.row.get(column)

    def number(self, column: str, example: str = "12,5") -> float | None:
        raw = self.row.get(column)
        if not raw:
            return None
        try:
            return parse_number(raw)
        except ValueError:
            self.bad(column, f"{column} '{raw}' is not a number", f"write a number, e.g. {example}")
            return None

    def integer(self, column: str, example: str = "2") -> int | None:
        value = self.number(column, example)
        if value is None:
            return None
        if value != int(value):
            self.bad(column, f"{column} '{self.row.get(column)}' is not a whole number",
                     f"write a whole number, e.g. {example}")
            return None
        return int(value)

    def every_weeks(self, kind: str) -> int:
        """Weeks between visits, at least 1; 0 for an empty cell (no rhythm: validation
        refuses it where the kind needs one) or a cell reported here as a problem."""
        weeks = self.integer("every_weeks", "2")
        if weeks is not None and weeks <= 0 and kind != "depot":
            self.bad("every_weeks", f"every_weeks is {weeks}",
                     "write 1 for weekly, 2 for every other week, 4, 6, 8 …")
        return weeks if weeks is not None and weeks > 0 else 0

    def coordinate(self, column: str, example: str) -> float:
        raw = self.row.get(column)
        if not raw:
            self.bad(column, f"{column} is empty", f"fill in the coordinate in decimal degrees, "
                     f"e.g. {example} (right-click the place in Google Maps to copy it)")
            return math.nan
        value = self.number(column, example)
        return math.nan if value is None else value

    def time(self, column: str) -> int | None:
        raw = self.row.get(column)
        if not raw:
            return None
        try:
            return parse_hhmm(raw)
        except ValueError:
            self.bad(column, f"{column} '{raw}' is not a time of day",
                     "write it as HH:MM, e.g. 09:30 (or leave it empty)")
            return None


def _site(cells: _Cells) -> Site | None:
    site_id = cells.text("id")
    if not site_id:
        cells.bad("id", "id is empty", "give every row a unique id, e.g. S23")
        return None
    names = cells.text("vehicles")
    vehicles = tuple(v.strip() for v in re.split(r"[|,;]", names) if v.strip()) or None
    fixed_day_text = cells.text("fixed_day")
    kind = parse_kind(cells.text("kind"))
    return Site(
        id=site_id,
        kind=kind,
        name=cells.text("name"),
        lat=cells.coordinate("lat", "56,4607"),
        lon=cells.coordinate("lon", "10,0364"),
        address=cells.text("address"),
        every_weeks=cells.every_weeks(kind),
        duration_min=cells.integer("duration_min", "45") or 0,
        earliest=cells.time("earliest"),
        latest=cells.time("latest"),
        days=parse_days(cells.text("days")),
        visitors=cells.number("visitors", "12"),
        children=cells.integer("children", "20"),
        residents=cells.integer("residents", "30"),
        crates=cells.integer("crates", "2") or 0,
        fixed_day=(parse_day(fixed_day_text) or fixed_day_text.lower()) if fixed_day_text else None,
        fixed_time=cells.time("fixed_time"),
        priority=cells.integer("priority", "1"),
        vehicles=vehicles,
        row=cells.row.row,
        preferred_time=cells.time("preferred_time"),
    )


def parse_sites(table: CsvTable) -> ParsedSites:
    """Turn a parsed sites.csv into Sites; unknown columns are warnings, not errors."""
    problems = list(table.problems)
    if not table.columns:
        return ParsedSites([], problems, frozenset(COLUMNS))
    present = set(table.columns)
    gis = table.header_row is None  # a GIS layer (io/gisfile.py): fields, not header cells
    for column in REQUIRED:
        if column not in present:
            problems.append(Problem(table.file, f"required column '{column}' is missing",
                                    f"add a field named {column} to the layer's attribute table"
                                    if gis else f"add a column named {column} to the header row",
                                    row=table.header_row, column=column))
    for column in table.columns:
        if column not in COLUMNS:
            problems.append(Problem(
                table.file, f"column '{column}' is not used by bogbus and is ignored",
                f"check the spelling (known columns: {', '.join(COLUMNS)}) or leave it",
                row=table.header_row, column=column, severity="warning"))
    if any(c not in present for c in ("id", "lat", "lon")):
        return ParsedSites([], problems, frozenset(set(COLUMNS) - present))
    if not table.rows:
        problems.append(Problem(table.file, "the file has a header but no sites",
                                "add one row per place: the depot, the stops and the institutions",
                                row=table.header_row))
    sites = [s for r in table.rows if (s := _site(_Cells(r, table.file, problems)))]
    return ParsedSites(sites, problems, frozenset(set(COLUMNS) - present))
