"""`timetable.csv` for the library website (public stops only) and
`timetable-personale.csv` for staff (the same columns, every dated visit).

File format (the shared writer `io.csvwrite`): `excel` dialect by default — `;`
separated, UTF-8 with BOM, decimal comma, so a double-click opens it in Danish Excel —
or `plain` (`,`, UTF-8 without BOM, decimal point) for machines; RFC 4180 quoting, CRLF
line ends, one header row. Full description with examples: `docs/timetable-csv.md`.

Rows (column `record`):

- `pattern` — one per public stop and visit pattern (a line of the timetable, e.g.
  "Tirsdag kl. 14.10–14.55, lige uger"); `dates` lists every date the bus comes.
- `skipped` — one per date a pattern's bus does *not* come, with `reason`
  (holiday name in Danish, closure).
- `visit` — one per dated visit in the routes: public stops only in `timetable.csv`;
  in `timetable-personale.csv` outreach (daycares, nursing homes, branches) too.

Columns, in order:

| column | meaning |
|---|---|
| `record` | `pattern`, `skipped` or `visit` |
| `site_id` | the site's id from `sites.csv` |
| `name` | name shown to citizens |
| `kind` | `stop`, `daycare`, `nursing_home`, `branch` |
| `kind_da` | the kind in Danish (`Holdeplads`, `Daginstitution`, `Plejehjem`, `Filial`) |
| `public` | `1` for public stops, `0` for outreach visits (staff only) |
| `address` | address, may be empty |
| `lat`, `lon` | WGS84 decimal degrees (decimal mark of the dialect) |
| `vehicle` | vehicle name |
| `weekday` | `mon` … `sun` |
| `weekday_da` | `Mandag` … `Søndag` |
| `date` | ISO date (`visit`, `skipped`); empty for `pattern` |
| `arrival`, `departure` | local time `HH:MM` (Europe/Copenhagen) |
| `every_weeks` | 1 weekly, 2 every other week, … (empty on `visit` rows) |
| `week_parity` | `even` / `odd` (ISO week numbers) or empty |
| `pattern_da` | the week pattern in words: `hver uge`, `lige uger`, `ulige uger`, `hver 3. uge` |
| `dates` | `pattern` rows: every date the bus comes, ISO dates separated by one space |
| `reason` | `skipped` rows: why the bus does not come |
| `text_da` | a ready Danish line, e.g. `Tirsdag kl. 14.10–14.55, lige uger` |
| `scenario`, `quarter` | the plan's scenario and quarter |

Spreadsheet safety: a text cell that would start with `=`, `+`, `-`, `@`, a tab or a
carriage return is written with a leading `'` so spreadsheet programs show it as text
instead of running it as a formula; `read_timetable_csv` removes that `'` again.
"""

from __future__ import annotations

from pathlib import Path

from ..io.csvwrite import Cell, csv_text, dict_rows, read_csv
from .danish import (
    capitalise,
    date_short,
    day_time,
    kind_name,
    pattern_words,
    time_range,
    weekday_key,
    weekday_name,
)
from .planview import PlanView, clean_text

COLUMNS = (
    "record",
    "site_id",
    "name",
    "kind",
    "kind_da",
    "public",
    "address",
    "lat",
    "lon",
    "vehicle",
    "weekday",
    "weekday_da",
    "date",
    "arrival",
    "departure",
    "every_weeks",
    "week_parity",
    "pattern_da",
    "dates",
    "reason",
    "text_da",
    "scenario",
    "quarter",
)
NUMERIC_COLUMNS = ("lat", "lon")


def _num(value: object) -> float | None:
    try:
        return float(value) if value is not None and value != "" else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _site_cols(v: PlanView, site_id: str) -> dict[str, Cell]:
    site = v.site(site_id)
    kind = v.kind(site_id)
    return {
        "site_id": site_id,
        "name": v.name(site_id),
        "kind": kind,
        "kind_da": kind_name(kind),
        "public": "1" if kind == "stop" else "0",
        "address": v.address(site_id),
        "lat": _num(site.get("lat")),
        "lon": _num(site.get("lon")),
    }


def rows(v: PlanView, staff: bool = False) -> list[dict[str, Cell]]:
    """The rows as dicts keyed by COLUMNS (unguarded text; lat/lon floats, so the writer
    can give them the dialect's decimal mark): public stops only, or with `staff=True`
    every visit (the file that names institutions is the staff's)."""
    common = {"scenario": v.scenario, "quarter": v.quarter}
    out: list[dict[str, Cell]] = []
    skipped_rows: list[dict[str, Cell]] = []
    for e in v.stop_entries:
        words = pattern_words(e.every_weeks, e.week_parity)
        base = {
            **_site_cols(v, e.site_id),
            "vehicle": e.vehicle,
            "weekday": e.weekday,
            "weekday_da": weekday_name(e.weekday),
            "arrival": e.arrival,
            "departure": e.departure,
            "every_weeks": str(e.every_weeks),
            "week_parity": e.week_parity or "",
            "pattern_da": words,
            **common,
        }
        out.append(
            {
                **base,
                "record": "pattern",
                "dates": " ".join(e.dates),
                "text_da": f"{day_time(e.weekday, e.arrival, e.departure)}, {words}",
            }
        )
        for d, reason in e.skipped:
            skipped_rows.append(
                {
                    **base,
                    "record": "skipped",
                    "date": d,
                    "reason": reason,
                    "text_da": f"{capitalise(date_short(d, weekday=True))}: "
                    f"{reason or 'bussen kommer ikke'}",
                }
            )
    skipped_rows.sort(key=lambda r: (str(r["date"]), str(r["arrival"]), str(r["site_id"])))
    out += skipped_rows
    for vis in v.visits:
        if vis.kind != "stop" and not staff:
            continue
        wd = weekday_key(vis.date)
        out.append(
            {
                **_site_cols(v, vis.site_id),
                "kind": vis.kind,
                "kind_da": kind_name(vis.kind),
                "public": "1" if vis.kind == "stop" else "0",
                "record": "visit",
                "vehicle": vis.vehicle,
                "weekday": wd,
                "weekday_da": weekday_name(wd),
                "date": vis.date,
                "arrival": vis.arrival,
                "departure": vis.departure,
                "text_da": f"{capitalise(date_short(vis.date, weekday=True))} "
                f"{time_range(vis.arrival, vis.departure)}",
                **common,
            }
        )
    return [{c: _clean(r.get(c, "")) for c in COLUMNS} for r in out]


def _clean(value: Cell) -> Cell:
    return clean_text(value) if isinstance(value, str) else value


def timetable_csv(v: PlanView, dialect: str | None = None, staff: bool = False) -> str:
    """timetable.csv (or with `staff=True` timetable-personale.csv) as text in `dialect`
    (`excel` default, or `plain`)."""
    return csv_text(dict_rows(COLUMNS, rows(v, staff)), dialect)


def read_timetable_csv(path: Path | str) -> list[dict[str, str]]:
    """Read a timetable.csv (either dialect) back into dicts of text, undoing the
    spreadsheet guard; lat/lon come back with `.` as decimal mark."""
    return read_csv(path, numeric=NUMERIC_COLUMNS)
