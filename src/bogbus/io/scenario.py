"""Scenario files (`scenarios/*.yaml`): a base data folder plus changes.

```yaml
name: close-three-stops          # optional, default: the file name without .yaml
base: ../data/randers            # relative to this file
remove: [S03, S12]
add: [{id: S30, kind: stop, name: Ny, lat: 56.5, lon: 10.1, every_weeks: 2, ...}]
modify: {S05: {every_weeks: 3, duration_min: 40, lat: 56.55, lon: 9.85}}
move: {S06: {lat: 56.53, lon: 9.87}}          # same as modify, only lat/lon
modify_all: {kind: stop, set: {every_weeks: 3}}   # or a list of such
vehicles: {modify: {bogbus: {max_km_per_day: 150}}, add: [{name: van, ...}], remove: [van]}
calendar: {closures: {add: [...]}}           # or replace: [...]
settings: {...}                              # deep-merged into settings.yaml
```

The changes are applied to the raw rows of sites.csv and the settings mapping
*before* validation, so every data check still runs on the result; problems caused
by a change name the scenario file and key. Base files are only read.
"""

from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..model import Instance
from ..validate import Where, validate
from .boundary import boundary_problems
from .collections import load_rotation_files
from .csvfile import CsvRow, CsvTable
from .files import MAX_DATA_BYTES, InputFileError, read_input
from .gisfile import sites_file as sites_file_in
from .gisfile import sites_table
from .settings import load_yaml, read_settings_doc, settings_from_doc
from .sites import COLUMNS, parse_sites
from .yamlguard import yaml_shape_problem

TOP_KEYS = ("name", "base", "description", "remove", "add", "modify", "move", "modify_all",
            "vehicles", "calendar", "settings")
SITE_FIELDS = tuple(c for c in COLUMNS if c != "id")
_SAFE_NAME = re.compile(r"[^\W_][\w.-]{0,79}")  # one file-name part: no slash or leading dot


class _Overlay:
    """Collects problems that name the scenario file and key."""

    def __init__(self, file: str, lines: dict[str, int]):
        self.file, self.lines = file, lines
        self.problems: list[Problem] = []

    def line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None

    def bad(self, path: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, message, fix, row=self.line(path), column=path))


def _index(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = f"{path}.{key.value}" if path else str(key.value)
            lines[sub] = key.start_mark.line + 1
            _index(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = f"{path}[{i}]"
            lines[sub] = item.start_mark.line + 1
            _index(item, sub, lines)


def _cell(o: _Overlay, column: str, value: Any, path: str) -> str | None:
    """A scenario value → the text a sites.csv cell would hold; None when of a bad type."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, dict):
        o.bad(path, f"{path}: {value!r} is not a valid value for {column}",
              "write a number, a time \"HH:MM\", a text or a list like [mon, wed]")
        return None
    if isinstance(value, list):
        if column not in ("days", "vehicles"):
            o.bad(path, f"{path}: {column} takes one value, not a list",
                  f"write a single value for {column}")
            return None
        return ("|" if column == "vehicles" else ",").join(str(v) for v in value)
    return str(value)


def _fields(o: _Overlay, values: Any, path: str, *, allow_id: bool = False) -> dict[str, str]:
    """Checked site fields of one add/modify entry → cell texts."""
    if not isinstance(values, dict):
        o.bad(path, f"{path} should be a group of 'field: value' pairs, not {values!r}",
              "write e.g. {every_weeks: 2, duration_min: 40}")
        return {}
    known = (*SITE_FIELDS, "id") if allow_id else SITE_FIELDS
    cells: dict[str, str] = {}
    for key, value in values.items():
        column = str(key).strip().lower()
        sub = f"{path}.{key}"
        if column not in known:
            o.bad(sub, f"{sub}: '{key}' is not a field of a site",
                  f"use one of: {', '.join(known)}")
            continue
        text = _cell(o, column, value, sub)
        if text is not None:
            cells[column] = text
    return cells


def _id_list(o: _Overlay, value: Any, path: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list):
        o.bad(path, f"{path} should be a list of ids",
              f"write e.g. {path.split('.')[-1]}: [S03, S07]")
        return []
    return [str(v).strip() for v in value]


def _merge(base: Any, change: Any) -> Any:
    """Deep merge: mappings merge key by key, a null value deletes the key, anything else
    replaces."""
    if isinstance(base, dict) and isinstance(change, dict):
        out = dict(base)
        for k, v in change.items():
            k = str(k)
            if v is None:
                out.pop(k, None)
            else:
                out[k] = _merge(out.get(k), v)
        return out
    return copy.deepcopy(change)


def _sites(o: _Overlay, doc: dict, table: CsvTable) -> tuple[CsvTable, dict[tuple[int, str], str]]:
    """Apply remove/add/modify/move/modify_all to the rows; also return which scenario key
    set each (row, column) so messages can point there."""
    rows: dict[str, dict[str, str]] = {}
    numbers: dict[str, int] = {}
    for r in table.rows:
        sid = r.get("id")
        rows.setdefault(sid, dict(r.values))
        numbers.setdefault(sid, r.row)
    origin: dict[tuple[int, str], str] = {}
    columns = list(table.columns)

    def need(column: str) -> None:
        if column not in columns:
            columns.append(column)

    for i, sid in enumerate(_id_list(o, doc.get("remove"), "remove")):
        if sid not in rows:
            o.bad(f"remove[{i}]", f"remove[{i}]: no site '{sid}' in the base data",
                  "use an id from the base sites.csv")
        else:
            del rows[sid]

    adds = doc.get("add") or []
    if not isinstance(adds, list):
        o.bad("add", "add should be a list of sites", "write each new site as - {id: S30, …}")
        adds = []
    next_row = max([r.row for r in table.rows], default=1) + 1
    for i, entry in enumerate(adds):
        cells = _fields(o, entry, f"add[{i}]", allow_id=True)
        sid = cells.get("id", "")
        if not sid:
            o.bad(f"add[{i}]", f"add[{i}] has no id", "give the new site an id, e.g. id: S30")
            continue
        if sid in rows:
            o.bad(f"add[{i}].id", f"add[{i}]: site '{sid}' is already in the data",
                  "use a new id, or change the existing site under modify:")
            continue
        for column in cells:
            need(column)
            origin[(next_row, column)] = f"add[{i}].{column}"
        rows[sid] = cells
        numbers[sid] = next_row
        next_row += 1

    for key in ("modify", "move"):
        changes = doc.get(key) or {}
        if not isinstance(changes, dict):
            o.bad(key, f"{key} should map site ids to changes", f"write e.g. {key}: {{S05: {{…}}}}")
            continue
        for sid, values in changes.items():
            sid = str(sid)
            path = f"{key}.{sid}"
            if sid not in rows:
                o.bad(path, f"{path}: no site '{sid}' in the data", "use an id from sites.csv "
                      "(or one added under add:)")
                continue
            cells = _fields(o, values, path)
            if key == "move":
                for column in list(cells):
                    if column not in ("lat", "lon", "address"):
                        o.bad(f"{path}.{column}", f"{path}: move changes only lat, lon, address",
                              f"put {column} under modify:")
                        del cells[column]
            for column, text in cells.items():
                need(column)
                rows[sid][column] = text
                origin[(numbers[sid], column)] = f"{path}.{column}"

    groups = doc.get("modify_all")
    if isinstance(groups, dict):
        groups = [groups]
    for i, group in enumerate(groups or []):
        path = f"modify_all[{i}]" if isinstance(doc.get("modify_all"), list) else "modify_all"
        if not isinstance(group, dict) or "set" not in group:
            o.bad(path, f"{path} needs set: {{…}} (and optionally kind: stop)",
                  "write e.g. modify_all: {kind: stop, set: {every_weeks: 3}}")
            continue
        for k in group:
            if k not in ("kind", "set", "ids"):
                o.bad(f"{path}.{k}", f"{path}: '{k}' is not known", "use kind, ids and set")
        kinds = group.get("kind")
        kinds = {kinds} if isinstance(kinds, str) else set(kinds or [])
        ids = set(_id_list(o, group.get("ids"), f"{path}.ids"))
        cells = _fields(o, group["set"], f"{path}.set")
        for sid, values in rows.items():
            kind = values.get("kind", "").strip().lower()
            if kind == "depot" or (kinds and kind not in kinds) or (ids and sid not in ids):
                continue
            for column, text in cells.items():
                need(column)
                values[column] = text
                origin[(numbers[sid], column)] = f"{path}.set.{column}"

    new_rows = tuple(CsvRow(numbers[sid], values) for sid, values in rows.items())
    return CsvTable(table.file, tuple(columns), new_rows, table.encoding, table.delimiter,
                    table.header_row, table.problems), origin


def _settings(o: _Overlay, doc: dict, base: dict) -> tuple[dict, list[tuple[str, str]]]:
    """Apply settings/vehicles/calendar changes; return the new mapping and a list of
    (settings key path prefix, scenario key) for re-pointing messages."""
    touched: list[tuple[str, str]] = []
    out = copy.deepcopy(base)
    if doc.get("settings") is not None:
        if not isinstance(doc["settings"], dict):
            o.bad("settings", "settings should be a group of keys as in settings.yaml",
                  "write e.g. settings: {travel: {speed_kmh: 45}}")
        else:
            out = _merge(out, doc["settings"])
            touched += [(str(k), f"settings.{k}") for k in doc["settings"]]

    veh = doc.get("vehicles")
    if veh is not None:
        if not isinstance(veh, dict):
            o.bad("vehicles", "vehicles should have modify:, add: and/or remove:",
                  "write e.g. vehicles: {modify: {bogbus: {max_km_per_day: 150}}}")
            veh = {}
        for k in veh:
            if k not in ("modify", "add", "remove"):
                o.bad(f"vehicles.{k}", f"vehicles.{k} is not known", "use modify, add or remove")
        vehicles = list(out.get("vehicles") or [])
        names = [str(v.get("name")) if isinstance(v, dict) else "" for v in vehicles]
        for i, name in enumerate(_id_list(o, veh.get("remove"), "vehicles.remove")):
            if name not in names:
                o.bad(f"vehicles.remove[{i}]", f"vehicles.remove: no vehicle '{name}'",
                      f"use one of: {', '.join(names)}")
            else:
                j = names.index(name)
                del vehicles[j], names[j]
        mods = veh.get("modify") or {}
        if not isinstance(mods, dict):
            o.bad("vehicles.modify", "vehicles.modify should map vehicle names to changes",
                  "write e.g. modify: {bogbus: {max_km_per_day: 150}}")
            mods = {}
        for name, change in mods.items():
            name = str(name)
            if name not in names:
                o.bad(f"vehicles.modify.{name}", f"vehicles.modify: no vehicle '{name}'",
                      f"use one of: {', '.join(names)}")
                continue
            if not isinstance(change, dict):
                o.bad(f"vehicles.modify.{name}", f"vehicles.modify.{name} should be a group "
                      "of keys", "write e.g. {max_km_per_day: 150}")
                continue
            j = names.index(name)
            vehicles[j] = _merge(vehicles[j], change)
            touched += [(f"vehicles[{j}].{k}", f"vehicles.modify.{name}.{k}") for k in change]
        adds = veh.get("add") or []
        if not isinstance(adds, list):
            o.bad("vehicles.add", "vehicles.add should be a list of vehicles",
                  "write each as - {name: depotbil, shifts: {…}}")
            adds = []
        for i, v in enumerate(adds):
            if isinstance(v, dict) and str(v.get("name")) in names:
                o.bad(f"vehicles.add[{i}]", f"vehicles.add: '{v.get('name')}' already exists",
                      "give the new vehicle another name, or use vehicles.modify")
                continue
            touched.append((f"vehicles[{len(vehicles)}]", f"vehicles.add[{i}]"))
            vehicles.append(copy.deepcopy(v))
            names.append(str(v.get("name")) if isinstance(v, dict) else "")
        out["vehicles"] = vehicles

    cal = doc.get("calendar")
    if cal is not None:
        if not isinstance(cal, dict):
            o.bad("calendar", "calendar should be a group of keys", "see the README")
            cal = {}
        calendar = dict(out.get("calendar") or {})
        for k, v in cal.items():
            if k == "closures":
                if isinstance(v, list):
                    v = {"replace": v}
                if not isinstance(v, dict) or set(v) - {"add", "replace"}:
                    o.bad("calendar.closures", "calendar.closures should have add: and/or "
                          "replace: lists", "write e.g. closures: {add: [{start: …, end: …}]}")
                    continue
                base_list = list(calendar.get("closures") or [])
                if "replace" in v:
                    base_list = list(v["replace"] or [])
                base_list += list(v.get("add") or [])
                calendar["closures"] = base_list
                touched.append(("calendar.closures", "calendar.closures"))
            else:
                calendar = _merge(calendar, {k: v})
                touched.append((f"calendar.{k}", f"calendar.{k}"))
        out["calendar"] = calendar
    return out, touched


def load_scenario(path: Path, *, plausibility: bool,
                  source: str | None = None) -> tuple[Instance | None, list[Problem]]:
    """Read a scenario file, apply it to its base folder, validate the result."""
    shown = source or str(path)
    try:
        data = read_input(path, MAX_DATA_BYTES, "scenario file")
    except InputFileError as exc:
        return None, [Problem(shown, exc.reason, exc.fix)]
    text = data.decode("utf-8-sig", errors="replace")
    shape = yaml_shape_problem(text)
    if shape is not None:
        return None, [Problem(shown, shape[0], "write the changes out plainly, as in "
                              "docs/scenarios.md", row=shape[1])]
    try:
        doc = load_yaml(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(shown, f"the scenario is not valid YAML: "
                              f"{getattr(exc, 'problem', exc)}",
                              "check the indentation and quotes",
                              row=mark.line + 1 if mark else None)]
    if not isinstance(doc, dict):
        return None, [Problem(shown, "the scenario should be a list of 'key: value' lines",
                              "start with base: ../data/randers", row=1)]
    lines: dict[str, int] = {}
    if node is not None:
        _index(node, "", lines)
    o = _Overlay(shown, lines)
    doc = {str(k): v for k, v in doc.items()}
    for k in doc:
        if k not in TOP_KEYS:
            o.bad(k, f"'{k}' is not a scenario key", f"use one of: {', '.join(TOP_KEYS)}")
    if not isinstance(doc.get("base"), str) or not doc["base"].strip():
        o.bad("base", "the scenario has no base data folder",
              "add base: ../data/randers (relative to the scenario file)")
        return None, o.problems
    folder = (path.parent / doc["base"].strip())
    base_shown = str(Path(shown).parent / doc["base"].strip())
    if not folder.is_dir() and Path(doc["base"].strip()).is_dir():
        # lenient: a base written relative to the working directory (data/randers)
        folder = Path(doc["base"].strip())
        base_shown = str(folder)
    sites_name, several = sites_file_in(folder, base_shown)
    if several:
        return None, several
    if sites_name is None or not (folder / "settings.yaml").is_file():
        o.bad("base", f"base: {base_shown} is not a data folder with sites.csv and "
              "settings.yaml", "give the folder relative to the scenario file, "
              "e.g. ../data/randers")
        return None, o.problems
    name = str(doc.get("name") or path.stem).strip() or path.stem
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        # the name becomes plans/<name>-<quarter>/ and maps/<name>-….html: it must stay
        # one plain file name inside those folders
        o.bad("name" if "name" in doc else "base",
              f"the scenario name {name[:60]!r} cannot be used in file names",
              "use letters, digits, '-', '_' and '.', e.g. name: close-three-stops")
        return None, o.problems

    sites_file = str(Path(base_shown) / sites_name)
    settings_file = str(Path(base_shown) / "settings.yaml")
    try:
        sites_bytes = read_input(folder / sites_name, MAX_DATA_BYTES, sites_name)
        settings_bytes = read_input(folder / "settings.yaml", MAX_DATA_BYTES, "settings.yaml")
    except InputFileError as exc:
        return None, [Problem(exc.path, exc.reason, exc.fix)]

    table = sites_table(folder / sites_name, sites_bytes, sites_file)
    table, origin = _sites(o, doc, table)
    base_doc, slines, _raw, sproblems = read_settings_doc(settings_bytes, settings_file)
    if base_doc is None:
        return None, o.problems + sproblems
    new_doc, touched = _settings(o, doc, base_doc)
    if o.problems:  # the changes themselves are wrong: say so before judging the result
        return None, o.problems

    parsed_sites = parse_sites(table)
    parsed_settings = settings_from_doc(new_doc, settings_file, slines, sproblems)
    problems = parsed_sites.problems + parsed_settings.problems
    if parsed_sites.failed:
        return None, problems
    where = Where(sites_file=sites_file, settings_file=settings_file,
                  settings_lines=parsed_settings.lines,
                  absent_columns=parsed_sites.absent_columns,
                  unreadable={(p.row, p.column) for p in parsed_sites.problems if p.column})
    problems += validate(parsed_sites.sites, parsed_settings.settings, where,
                         plausibility=plausibility)
    problems += boundary_problems(folder, base_shown, parsed_sites.sites, sites_file)
    problems = [_repoint(p, o, origin, touched, sites_file, settings_file) for p in problems]
    rotation_files: dict[str, bytes] = {}
    collections, history = load_rotation_files(folder, base_shown, rotation_files,
                                               parsed_sites.sites, parsed_settings.settings,
                                               problems)
    if parsed_settings.settings is None:
        return None, problems
    h = hashlib.sha256()
    for part in (data, settings_bytes, sites_bytes, *(rotation_files[k]
                                                      for k in sorted(rotation_files))):
        h.update(part)
    instance = Instance(scenario=name, source=shown, sites=tuple(parsed_sites.sites),
                        settings=parsed_settings.settings, inputs_sha256=h.hexdigest(),
                        collections=tuple(collections), rotation_history=tuple(history))
    return instance, problems


def _repoint(p: Problem, o: _Overlay, origin: dict[tuple[int, str], str],
             touched: list[tuple[str, str]], sites_file: str, settings_file: str) -> Problem:
    """A problem caused by a scenario change names the scenario file and key."""
    key = None
    if p.file == sites_file and p.row is not None:
        key = origin.get((p.row, p.column or ""))
        if key is None and p.column is None:
            key = next((k for (row, _c), k in origin.items()
                        if row == p.row and k.startswith("add[")), None)
            key = key.rsplit(".", 1)[0] if key else None
    elif p.file == settings_file and p.column:
        for prefix, k in touched:
            if p.column == prefix or p.column.startswith(prefix + ".") \
                    or p.column.startswith(prefix + "["):
                key = k
                break
    if key is None:
        return p
    return Problem(o.file, f"{p.message} (set by the scenario at {key})", p.fix,
                   row=o.line(key), column=key, severity=p.severity)
