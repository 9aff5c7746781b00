"""The scenario file the board keeps: every move, pin and stop change lands here.

The board never writes `sites.csv`: a move becomes a pin (`modify: {S05: {fixed_day,
fixed_time}}`), a changed window or frequency a `modify`, a closed stop a `remove`, a
new stop an `add` — the scenario format of docs/scenarios.md, so `bogbus plan
scenarios/board-randers.yaml` plans exactly what the board shows.

Every change is validated by `io.validate_source` on a staged copy before the file is
replaced (atomically), so the board answers with the very messages `bogbus validate`
prints. A change carries the version (a hash of the file) it was made against; a
stale version is a conflict, never a lost edit from a second tab.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import BogbusError, Problem
from ..io import atomic, validate_source
from ..io.sites import COLUMNS
from ..model import Instance

EDITABLE = ("name", "earliest", "latest", "duration_min", "every_weeks", "days")
ADD_FIELDS = ("id", "name", "lat", "lon", "address", "every_weeks", "duration_min",
              "earliest", "latest", "days", "visitors")
MAX_PINS = 10_000


class Conflict(BogbusError):
    """The scenario changed since the browser read it (another tab)."""

    def __init__(self, current: str) -> None:
        self.current = current
        super().__init__("the scenario was changed in another tab or window since this page "
                         "read it — reload to see the change, then try again")


class Rejected(BogbusError):
    """A change that `bogbus validate` rejects: its problems, nothing written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:3]))


@dataclass(frozen=True)
class Saved:
    doc: dict
    version: str
    instance: Instance
    warnings: list[Problem]


def version_of(data: bytes | None) -> str:
    return "0" if data is None else hashlib.sha256(data).hexdigest()[:16]


def _site_id(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", value):
        raise BogbusError(f"site {value!r}: not a site id (letters, digits, _ . - only)")
    return value


class BoardScenario:
    """`path` (scenarios/board-<name>.yaml) over `source` (a data folder or a scenario
    file). Thread-safe: one lock around read–check–write."""

    def __init__(self, path: Path, source: Path) -> None:
        self.path, self.source = path, source
        self._lock = threading.Lock()

    # -- reading ----------------------------------------------------------------
    def _bytes(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def _fresh_doc(self) -> dict:
        """The starting document: the source as a base (or the source scenario's own
        changes, its base re-pointed from this file's folder)."""
        folder = self.path.parent
        name = "board-" + self._source_name()
        if self.source.is_dir():
            return {"name": name, "base": os.path.relpath(self.source, folder)}
        doc = yaml.safe_load(self.source.read_text(encoding="utf-8-sig")) or {}
        base = (self.source.parent / str(doc.get("base", "."))).resolve()
        doc = dict(doc)
        doc["name"] = name
        doc["base"] = os.path.relpath(base, folder)
        return doc

    def _source_name(self) -> str:
        return self.source.name if self.source.is_dir() else self.source.stem

    def read(self) -> tuple[dict, str]:
        """(the document, its version); the fresh document and version "0" if the board
        has not written one yet."""
        data = self._bytes()
        if data is None:
            return self._fresh_doc(), "0"
        doc = yaml.safe_load(data.decode("utf-8-sig")) or {}
        if not isinstance(doc, dict):
            raise BogbusError(f"{self.path}: not a scenario mapping — delete it to start over")
        return doc, version_of(data)

    def exists(self) -> bool:
        return self.path.is_file()

    def planning_source(self) -> Path:
        """What to plan: the board's scenario once it exists, else the source."""
        return self.path if self.exists() else self.source

    # -- changing -----------------------------------------------------------------
    def apply(self, change: dict, expected: str) -> Saved:
        """Apply one change made against version `expected`: validated like `bogbus
        validate`, then written atomically. Conflict / Rejected / BogbusError."""
        with self._lock:
            doc, current = self.read()
            if expected != current:
                raise Conflict(current)
            new = apply_change(doc, change)
            instance, warnings = self._validate(new)
            text = dump(new)
            atomic.write_text(self.path, text)
            return Saved(new, version_of(text.encode("utf-8")), instance, warnings)

    def _validate(self, doc: dict) -> tuple[Instance, list[Problem]]:
        """`validate_source` on a staged copy beside the real file (so `base` resolves the
        same); problems name the real file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".board-check-", suffix=".yaml", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(dump(doc))
            instance, problems = validate_source(tmp)
        finally:
            os.unlink(tmp)
        shown = str(self.path)
        problems = [Problem(p.file.replace(tmp, shown), p.message.replace(tmp, shown), p.fix,
                            p.row, p.column, p.severity) for p in problems]
        errors = [p for p in problems if p.severity == "error"]
        if errors or instance is None:
            raise Rejected(errors or problems)
        return instance, [p for p in problems if p.severity == "warning"]


def dump(doc: dict) -> str:
    head = ("# Written by `bogbus board` (docs/board.md): pins and changes made on the board.\n"
            "# Plan it with: bogbus plan <this file>\n")
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def apply_change(doc: dict, change: dict) -> dict:
    """A new document with `change` applied; BogbusError for a change that is not one.

    Ops: pin {site, weekday, time, vehicle?}, unpin {site}, modify {site, fields},
    close {site}, reopen {site}, add {site: {...}}."""
    if not isinstance(change, dict):
        raise BogbusError("change: expected an object with 'op'")
    op = change.get("op")
    new = yaml.safe_load(yaml.safe_dump(doc))  # a deep copy of plain data
    modify = new.setdefault("modify", {}) or {}
    new["modify"] = modify
    if op == "add":
        site = change.get("site")
        if not isinstance(site, dict):
            raise BogbusError("add: 'site' must be an object with the sites.csv columns")
        unknown = sorted(set(site) - set(ADD_FIELDS))
        if unknown:
            raise BogbusError(f"add: unknown field(s) {', '.join(unknown)} — use "
                              f"{', '.join(ADD_FIELDS)}")
        row = {k: site[k] for k in ADD_FIELDS if k in site and site[k] not in (None, "")}
        row["id"] = _site_id(row.get("id"))
        row["kind"] = "stop"
        added = [a for a in (new.get("add") or []) if a.get("id") != row["id"]]
        new["add"] = added + [row]
        return _tidy(new)
    sid = _site_id(change.get("site"))
    if op == "pin":
        weekday, time, vehicle = change.get("weekday"), change.get("time"), change.get("vehicle")
        pin: dict[str, Any] = {"fixed_day": weekday}
        if time is not None:
            pin["fixed_time"] = time
        if vehicle:
            pin["vehicles"] = vehicle
        modify[sid] = {**(modify.get(sid) or {}), **pin}
    elif op == "unpin":
        entry = {k: v for k, v in (modify.get(sid) or {}).items()
                 if k not in ("fixed_day", "fixed_time")}
        modify[sid] = entry
    elif op == "modify":
        fields = change.get("fields")
        if not isinstance(fields, dict) or not fields:
            raise BogbusError("modify: 'fields' must name at least one of "
                              f"{', '.join(EDITABLE)}")
        bad = sorted(set(fields) - set(EDITABLE))
        if bad:
            raise BogbusError(f"modify: {', '.join(bad)} cannot be changed on the board — "
                              f"change {', '.join(EDITABLE)}")
        if sid in [a.get("id") for a in (new.get("add") or [])]:
            for a in new["add"]:
                if a.get("id") == sid:
                    a.update(fields)
        else:
            modify[sid] = {**(modify.get(sid) or {}), **fields}
    elif op == "close":
        removed = list(new.get("remove") or [])
        if sid not in removed:
            removed.append(sid)
        new["remove"] = removed
        modify.pop(sid, None)
    elif op == "reopen":
        new["remove"] = [r for r in (new.get("remove") or []) if r != sid]
    else:
        raise BogbusError(f"change: unknown op {op!r} — use pin, unpin, modify, close, "
                          "reopen or add")
    if len(modify) > MAX_PINS:
        raise BogbusError("too many changes in one scenario")
    return _tidy(new)


def _tidy(doc: dict) -> dict:
    """Drop empty sections so the file stays readable."""
    for key in ("modify", "remove", "add"):
        if key in doc and not doc[key]:
            del doc[key]
    if "modify" in doc:
        doc["modify"] = {k: v for k, v in doc["modify"].items() if v}
        if not doc["modify"]:
            del doc["modify"]
    return doc


def pins(doc: dict) -> dict[str, dict]:
    """site id → its pin (fixed_day, fixed_time, vehicles) in the board's document."""
    out = {}
    for sid, entry in (doc.get("modify") or {}).items():
        if isinstance(entry, dict) and entry.get("fixed_day"):
            out[str(sid)] = {k: entry.get(k) for k in ("fixed_day", "fixed_time", "vehicles")}
    return out


assert set(EDITABLE) <= set(COLUMNS)
