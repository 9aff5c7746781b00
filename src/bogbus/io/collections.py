"""`collections.csv` and `rotation_history.csv` → `model.Collection` / `model.HistoryEntry`.

Both files are optional. Without `collections.csv` a plan works as before (each
institution visit exchanges the site's `crates`). With it, every daycare and nursing
home visit gets a rotating collection (see solve/rotation.py and docs/outreach.md).

The files are checked against the sites and the bus in one pass, so the person who
keeps the spreadsheet sees every problem at once: unknown site ids and kinds,
crates that are not positive or do not fit the bus, duplicate ids, dates outside a
sensible range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import InputError, Problem
from ..model import ROTATION_KINDS, Collection, HistoryEntry, Instance, Settings, Site
from .csvfile import CsvTable, parse_csv, parse_number
from .files import MAX_DATA_BYTES, InputFileError, read_input
from .sites import parse_kind

COLLECTIONS_FILE = "collections.csv"
HISTORY_FILE = "rotation_history.csv"
COLLECTION_COLUMNS: tuple[str, ...] = ("id", "name", "kind", "crates", "notes")
HISTORY_COLUMNS: tuple[str, ...] = ("site_id", "collection_id", "date")
# History older than this cannot matter for any no-repeat window a library would use,
# and later than this is a typo (a year like 2207); both are reported, not guessed.
EARLIEST_HISTORY = date(2000, 1, 1)
LATEST_HISTORY = date(2100, 12, 31)


@dataclass
class ParsedCollections:
    collections: list[Collection] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _header_problems(table: CsvTable, known: tuple[str, ...], required: tuple[str, ...],
                     example: str) -> list[Problem]:
    out = list(table.problems)
    if not table.columns:
        return out
    for column in required:
        if column not in table.columns:
            out.append(Problem(table.file, f"required column '{column}' is missing",
                               f"add a column named {column} to the header row ({example})",
                               row=table.header_row, column=column))
    for column in table.columns:
        if column not in known:
            out.append(Problem(table.file, f"column '{column}' is not used by bogbus and is "
                               "ignored", f"check the spelling (known columns: "
                               f"{', '.join(known)}) or leave it", row=table.header_row,
                               column=column, severity="warning"))
    return out


def parse_collections(table: CsvTable, sites: list[Site] | tuple[Site, ...],
                      settings: Settings | None) -> tuple[list[Collection], list[Problem]]:
    """Rows of collections.csv; every bad cell is a Problem naming row and column."""
    problems = _header_problems(table, COLLECTION_COLUMNS, ("id", "kind", "crates"),
                                "id;name;kind;crates;notes")
    if any(c not in table.columns for c in ("id", "kind", "crates")):
        return [], problems
    caps = [v.crate_capacity for v in (settings.vehicles if settings else ())
            if v.crate_capacity is not None]
    bus = max(caps) if caps else None
    kinds_in_sites = {s.kind for s in sites}
    seen: dict[str, int] = {}
    out: list[Collection] = []
    for r in table.rows:
        def bad(column: str, message: str, fix: str, row: int = r.row) -> None:
            problems.append(Problem(table.file, message, fix, row=row, column=column))

        cid = r.get("id")
        ok = True
        if not cid:
            bad("id", "id is empty", "give every collection a unique id, e.g. DC01")
            ok = False
        elif cid in seen:
            bad("id", f"id '{cid}' is used twice (also row {seen[cid]})",
                "give each collection its own id")
            ok = False
        else:
            seen[cid] = r.row
        kind = parse_kind(r.get("kind"))
        if kind not in ROTATION_KINDS:
            bad("kind", f"kind '{r.get('kind')}' is not a collection kind",
                "write daycare or nursing_home (daginstitution / plejehjem)")
            ok = False
        elif kind not in kinds_in_sites:
            problems.append(Problem(table.file, f"no site in sites.csv is a {kind}, so this "
                                    "collection is never used", "remove the row or check the "
                                    "kind", row=r.row, column="kind", severity="warning"))
        raw = r.get("crates")
        crates = 0
        try:
            value = parse_number(raw) if raw else None
        except ValueError:
            value = None
        if value is None or value != int(value):
            bad("crates", f"crates '{raw}' is not a whole number",
                "write how many crates the collection fills, e.g. 2")
            ok = False
        elif value <= 0:
            bad("crates", f"crates is {raw}, but a collection fills at least one crate",
                "write a whole number of 1 or more")
            ok = False
        else:
            crates = int(value)
            if bus is not None and crates > bus:
                bad("crates", f"{crates} crates do not fit on the bus (crate_capacity {bus})",
                    "split the collection in two or raise crate_capacity in settings.yaml")
                ok = False
        if ok:
            out.append(Collection(cid, r.get("name") or cid, kind, crates, r.get("notes"), r.row))
    return out, problems


def parse_history(table: CsvTable, sites: list[Site] | tuple[Site, ...],
                  collections: list[Collection]) -> tuple[list[HistoryEntry], list[Problem]]:
    """Rows of rotation_history.csv: which institution had which collection, when."""
    problems = _header_problems(table, HISTORY_COLUMNS, HISTORY_COLUMNS,
                                "site_id;collection_id;date")
    if any(c not in table.columns for c in HISTORY_COLUMNS):
        return [], problems
    by_site = {s.id: s for s in sites}
    by_coll = {c.id: c for c in collections}
    seen: dict[tuple[str, str, date], int] = {}
    out: list[HistoryEntry] = []
    for r in table.rows:
        def bad(column: str, message: str, fix: str, row: int = r.row) -> None:
            problems.append(Problem(table.file, message, fix, row=row, column=column))

        sid, cid, raw = r.get("site_id"), r.get("collection_id"), r.get("date")
        ok = True
        site = by_site.get(sid)
        if site is None:
            bad("site_id", f"site_id '{sid}' is not in sites.csv",
                "use the id of a daycare or nursing home from sites.csv")
            ok = False
        elif site.kind not in ROTATION_KINDS:
            bad("site_id", f"site '{sid}' is a {site.kind}, not a daycare or nursing home",
                "only daycares and nursing homes get collections")
            ok = False
        coll = by_coll.get(cid)
        if coll is None:
            bad("collection_id", f"collection_id '{cid}' is not in collections.csv",
                "use an id from collections.csv (or add the collection there)")
            ok = False
        elif site is not None and site.kind in ROTATION_KINDS and coll.kind != site.kind:
            bad("collection_id", f"collection '{cid}' is for {coll.kind}, but site '{sid}' "
                f"is a {site.kind}", "give each institution a collection of its own kind")
            ok = False
        day = None
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            bad("date", f"date '{raw}' is not a date", "write it as YYYY-MM-DD, e.g. 2026-11-03")
            ok = False
        if day is not None and not EARLIEST_HISTORY <= day <= LATEST_HISTORY:
            bad("date", f"date {raw} is outside {EARLIEST_HISTORY.year}–{LATEST_HISTORY.year}",
                "check the year")
            ok = False
        if ok and day is not None:
            key = (sid, cid, day)
            if key in seen:
                problems.append(Problem(table.file, f"the same delivery is listed twice (also "
                                        f"row {seen[key]})", "delete one of the two rows",
                                        row=r.row, severity="warning"))
                continue
            seen[key] = r.row
            out.append(HistoryEntry(sid, cid, day, r.row))
    return out, problems


def load_rotation_files(folder: Path, shown: str, files: dict[str, bytes], sites: list[Site],
                        settings: Settings | None, problems: list[Problem]
                        ) -> tuple[list[Collection], list[HistoryEntry]]:
    """Read the optional files of a data folder (`shown`: the folder as the user typed it);
    their bytes join `files` so the inputs hash changes when they do; their problems are
    appended to `problems`."""
    collections: list[Collection] = []
    history: list[HistoryEntry] = []
    for name in (COLLECTIONS_FILE, HISTORY_FILE):
        if (folder / name).exists():  # optional; when there, read like sites.csv (capped)
            try:
                files[name] = read_input(folder / name, MAX_DATA_BYTES, name)
            except InputFileError as exc:
                problems.append(Problem(str(Path(shown) / name), exc.reason, exc.fix))
    if COLLECTIONS_FILE in files:
        table = parse_csv(files[COLLECTIONS_FILE], str(Path(shown) / COLLECTIONS_FILE))
        collections, found = parse_collections(table, sites, settings)
        problems += found
    if HISTORY_FILE in files:
        label = str(Path(shown) / HISTORY_FILE)
        if COLLECTIONS_FILE not in files:
            problems.append(Problem(label, "there is a rotation history but no collections.csv",
                                    f"add {COLLECTIONS_FILE} or remove the history file"))
        else:
            history, found = parse_history(parse_csv(files[HISTORY_FILE], label), sites,
                                           collections)
            problems += found
    return collections, history


def refuse_history_from(instance: Instance, start: date, quarter: str) -> None:
    """Raise `InputError` for history rows dated on or after the first planned day.

    The history lists deliveries made *before* the quarter; what the bus delivers in
    the quarter is the plan's own. A row dated inside or after it is a typo (a year
    off) or a plan's delivery copied back, and used to be dropped without a word."""
    source = Path(instance.source)
    label = (str(source / HISTORY_FILE) if source.is_dir()
             else f"{HISTORY_FILE} (the base data folder of {instance.source})")
    late = [h for h in instance.rotation_history if h.date >= start]
    if late:
        raise InputError([Problem(label, f"the delivery of {h.collection_id} to {h.site_id} "
                                  f"on {h.date} is not before the planned quarter {quarter} "
                                  f"(which starts {start}): the history lists deliveries "
                                  "made before the quarter", "correct the date (a year off?) "
                                  "or delete the row: deliveries in the quarter are the "
                                  "plan's own", row=h.row, column="date") for h in late])
