"""Imported km/minutes matrix (`travel.model: matrix`).

Two formats (docs/travel.md):

* a long CSV with the columns `from,to,km,minutes` (any of `;`, tab or `,` as separator,
  decimal comma allowed), one row per ordered pair of site ids;
* an OSRM `table` response (JSON) with `durations` (seconds) and `distances` (metres)
  plus an `ids` list naming the site of each row/column, in the same order.

Every ordered pair of distinct site ids must be present. Minutes are rounded up to
whole minutes, km to 0.1 km.
"""

from __future__ import annotations

import json
import math

from ..errors import BogbusError, InputError, Problem
from ..io.csvfile import parse_csv, parse_number
from ..io.files import MAX_PLAN_BYTES, InputFileError, read_input
from ..model import Instance
from .base import TravelMatrix
from .common import file_sha256, option_path

MAX_LISTED = 20


# One leg of a bookmobile's day: far above any real leg, far below what would overflow.
MAX_LEG = {"km": 2000.0, "minutes": 24 * 60.0, "metres": 2_000_000.0, "seconds": 24 * 3600.0}


def _leg_ok(value: object, key: str) -> bool:
    """A finite, non-negative number within a day's drive (NaN, 1e308 and `true` are not)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and 0 <= value <= MAX_LEG[key])


def _minutes(x: float) -> int:
    return math.ceil(x - 1e-9)


def _read_csv(data: bytes, label: str) -> tuple[dict, list[Problem]]:
    table = parse_csv(data, label)
    problems = [p for p in table.problems if p.severity == "error"]
    aliases = {"from": ("from", "fra", "origin", "source"), "to": ("to", "til", "destination"),
               "km": ("km", "distance_km"), "minutes": ("minutes", "min", "minutter")}
    col: dict[str, str] = {}
    for key, names in aliases.items():
        found = next((n for n in names if n in table.columns), None)
        if found is None:
            problems.append(Problem(label, f"column '{key}' is missing",
                                    "the header must be: from,to,km,minutes",
                                    row=table.header_row, column=key))
        else:
            col[key] = found
    if len(col) < 4:
        return {}, problems
    pairs: dict[tuple[str, str], tuple[float, float]] = {}
    for r in table.rows:
        a, b = r.get(col["from"]), r.get(col["to"])
        ok = True
        for key, sid in (("from", a), ("to", b)):
            if not sid:
                problems.append(Problem(label, f"{key} is empty", "write a site id from sites.csv",
                                        row=r.row, column=col[key]))
                ok = False
        nums: dict[str, float] = {}
        for key in ("km", "minutes"):
            text = r.get(col[key])
            try:
                value = parse_number(text)
                if not _leg_ok(value, key):
                    raise ValueError(text)
                nums[key] = value
            except ValueError:
                problems.append(Problem(label, f"{key} '{text}' is not a number from 0 to "
                                        f"{MAX_LEG[key]:g}",
                                        "write e.g. 12.5 for km and 17 for minutes",
                                        row=r.row, column=col[key]))
                ok = False
        if not ok or a == b:
            continue
        if (a, b) in pairs:
            problems.append(Problem(label, f"the pair {a} → {b} appears twice",
                                    "keep one row per ordered pair", row=r.row))
            continue
        pairs[(a, b)] = (nums["km"], nums["minutes"])
    return pairs, problems


def _read_osrm(data: bytes, label: str) -> tuple[dict, list[Problem]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        return {}, [Problem(label, f"the file is not valid JSON ({exc})",
                            "save the OSRM table response as it came")]
    except RecursionError:  # [[[[… thousands deep: no OSRM response nests like that
        return {}, [Problem(label, "the JSON is nested far too deep to be an OSRM table",
                            "save the OSRM table response as it came")]
    if not isinstance(doc, dict):
        return {}, [Problem(label, "the JSON is not an OSRM table response",
                            "expected an object with ids, durations and distances")]
    problems = []
    for key in ("ids", "durations", "distances"):
        if not isinstance(doc.get(key), list):
            problems.append(Problem(label, f"'{key}' is missing or not a list",
                                    "request the table with annotations=duration,distance and "
                                    "add an 'ids' list naming the site of each coordinate",
                                    column=key))
    if problems:
        return {}, problems
    ids = [str(x) for x in doc["ids"]]
    dur, dist = doc["durations"], doc["distances"]
    if len(dur) != len(ids) or len(dist) != len(ids) or any(
            not isinstance(row, list) or len(row) != len(ids) for row in (*dur, *dist)):
        return {}, [Problem(label, f"durations and distances must be {len(ids)}×{len(ids)} "
                            f"(one row and column per id)",
                            "give the same coordinates as sources and destinations")]
    pairs: dict[tuple[str, str], tuple[float, float]] = {}
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            if i == j:
                continue
            s, m = dur[i][j], dist[i][j]
            if s is None or m is None:
                continue  # OSRM found no route: reported as a missing pair
            if not (_leg_ok(s, "seconds") and _leg_ok(m, "metres")):
                problems.append(Problem(label, f"durations/distances [{i}][{j}] ({a} → {b}) "
                                        "is not a finite number of 0 or more within a day's "
                                        "drive", "re-export the table"))
                continue
            pairs[(a, b)] = (m / 1000.0, s / 60.0)
    return pairs, problems


def matrix_travel(instance: Instance) -> TravelMatrix:
    """The matrix from the file in settings, complete for every ordered pair of sites."""
    path = option_path(instance, "file")
    shown = instance.settings.travel.options.file
    try:
        data = read_input(path, MAX_PLAN_BYTES, "travel matrix")
    except InputFileError as exc:
        raise BogbusError(f"settings.yaml: travel.file {shown!r}: {exc.reason} "
                          f"(looked for {path})") from None
    is_json = path.suffix.lower() == ".json" or data.lstrip()[:1] == b"{"
    pairs, problems = _read_osrm(data, shown) if is_json else _read_csv(data, shown)
    ids = [s.id for s in instance.sites]
    missing = [(a, b) for a in ids for b in ids if a != b and (a, b) not in pairs]
    if missing:
        listed = ", ".join(f"{a} → {b}" for a, b in missing[:MAX_LISTED])
        more = f" … and {len(missing) - MAX_LISTED} more" if len(missing) > MAX_LISTED else ""
        problems.append(Problem(shown, f"{len(missing)} pair(s) of sites are missing: "
                                f"{listed}{more}",
                                "add one row from,to,km,minutes for every ordered pair of "
                                "different site ids in sites.csv"))
    if problems:
        raise InputError(problems)
    n = len(ids)
    km = [[0.0] * n for _ in range(n)]
    minutes = [[0] * n for _ in range(n)]
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            if i != j:
                k, m = pairs[(a, b)]
                km[i][j] = round(k + 1e-9, 1)
                minutes[i][j] = _minutes(m)
    return TravelMatrix(
        ids=tuple(ids), km=tuple(map(tuple, km)), minutes=tuple(map(tuple, minutes)),
        description={"model": "matrix", "file": shown, "sha256": file_sha256(path),
                     "format": "osrm-table" if is_json else "csv"},
    )
