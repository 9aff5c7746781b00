"""`settings.yaml` → `model.Settings`.

Planners edit this file by hand, so every value is type-checked with a message
that names the key path (`vehicles[0].shifts.wed`) and its line. The YAML is read
with PyYAML's safe loader minus YAML 1.1's base-60 numbers, so an unquoted
`11:00` stays the time it looks like instead of becoming the integer 660.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, overload

import yaml

from ..errors import Problem
from ..model import (
    BreakRule,
    Closure,
    Settings,
    TimeWindow,
    TravelOptions,
    TravelSettings,
    Vehicle,
    parse_hhmm,
)
from ..validate import line_of
from .csvfile import decode, parse_number
from .files import MAX_TRAVEL_BYTES, InputFileError, check_regular
from .sites import parse_day
from .yamlguard import yaml_shape_problem

TOP_KEYS = ("name", "depot", "vehicles", "calendar", "travel", "solver", "timetable", "co2",
            "rotation", "goals", "costs")
VEHICLE_KEYS = ("name", "shifts", "break", "max_km_per_day", "crate_capacity", "energy",
                "length_m", "weight_t", "ferries")
TRAVEL_MODELS = ("greatcircle", "osm", "matrix")
# Upper bounds of every number (far beyond any real bookmobile, low enough that a typo
# cannot make the planner hang or overflow): see docs/promises.md.
MAX_BREAK_MIN = 240
MAX_KM_PER_DAY = 2000.0
MAX_CRATES = 1000
MAX_VEHICLE_LENGTH_M = 30.0
MAX_VEHICLE_WEIGHT_T = 60.0
MAX_PER_100KM = 1000.0          # litres or kWh per 100 km
MAX_SPEED_KMH = 200.0
MAX_SNAP_M = 100_000.0
MAX_CROP_MARGIN_KM = 100.0      # more than this is most of Jutland, not a margin
MAX_TOLERANCE_DAYS = 14
MAX_CIRCUITY = 5.0
MAX_TIME_LIMIT_S = 24 * 3600.0
MAX_SEED = 2**31 - 1            # OR-Tools takes a 32-bit seed
MAX_ROUND_MIN = 60              # the timetable grid; a coarser grid leaves no arrival time
MAX_CO2_FACTOR = 100.0
_INT_TAG, _FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_INT = re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"
)
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")


class _Loader(yaml.SafeLoader):
    """Safe loader without base-60 numbers (`11:00` must stay a string)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT_TAG, _INT, list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT_TAG, _FLOAT, list("-+0123456789."))
# Dates stay text until `_Reader.day` reads them, so `2027-13-01` is a message, not a crash.
_Loader.add_constructor("tag:yaml.org,2002:timestamp",
                        lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type]


def _whole(value: float | None) -> int | None:
    """A number read with integer=True (already a whole number) as the int it is."""
    return None if value is None else int(value)


@dataclass
class ParsedSettings:
    """The settings (None when unreadable), problems, and the line of each key path."""

    settings: Settings | None
    problems: list[Problem]
    lines: dict[str, int] = field(default_factory=dict)


def _index_nodes(node: yaml.Node, path: str, lines: dict[str, int], raw: dict[str, str],
                 dups: list[tuple[str, int]]) -> None:
    """Record the line and raw text of every key path; note duplicate keys."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            sub = f"{path}.{name}" if path else name
            if name in seen:
                dups.append((sub, key.start_mark.line + 1))
            seen.add(name)
            lines[sub] = key.start_mark.line + 1
            _index_nodes(value, sub, lines, raw, dups)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = f"{path}[{i}]"
            lines[sub] = item.start_mark.line + 1
            _index_nodes(item, sub, lines, raw, dups)
    elif isinstance(node, yaml.ScalarNode):
        raw[path] = node.value


class _Reader:
    """Typed access to the YAML values; each bad value becomes a Problem at its key path."""

    def __init__(self, file: str, lines: dict[str, int], raw: dict[str, str]):
        self.file, self.lines, self.raw = file, lines, raw
        self.problems: list[Problem] = []

    def line(self, path: str) -> int | None:
        return line_of(self.lines, path)

    def bad(self, path: str, message: str, fix: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.file, message, fix, row=self.line(path),
                                     column=path, severity=severity))

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.bad(path, f"{path} should be a group of 'key: value' lines, not {value!r}",
                     f"indent the keys under {path}:, see the example settings.yaml")
            return {}
        return {str(k): v for k, v in value.items()}

    def unknown(self, values: Mapping[str, Any], known: tuple[str, ...], path: str) -> None:
        for key in values:
            if key not in known:
                where = f"{path}.{key}" if path else key
                self.bad(where, f"key '{where}' is not used by bogbus and is ignored",
                         f"check the spelling (known here: {', '.join(known)})", "warning")

    def text(self, value: Any, path: str, example: str, required: bool = False) -> str:
        if value is None or value == "":
            if required:
                self.bad(path, f"{path} is missing", f"add it, e.g. {path}: {example}")
            return ""
        if isinstance(value, (dict, list)):
            self.bad(path, f"{path} should be a single text, not a list or group",
                     f"write it on one line, e.g. {path}: {example}")
            return ""
        return str(value).strip()

    @overload
    def number(self, value: Any, path: str, default: float, *, integer: bool = False,
               minimum: float | None = None, positive: bool = False,
               maximum: float | None = None, example: str = "10") -> float: ...
    @overload
    def number(self, value: Any, path: str, default: None, *, integer: bool = False,
               minimum: float | None = None, positive: bool = False,
               maximum: float | None = None, example: str = "10") -> float | None: ...
    def number(self, value: Any, path: str, default: float | None, *, integer: bool = False,
               minimum: float | None = None, positive: bool = False,
               maximum: float | None = None, example: str = "10") -> float | None:
        """A finite number in range; every numeric setting passes a `maximum`, because a
        typo like 1e308 or 1000000 would otherwise make the planner hang or print
        nonsense (and NaN/infinity are not numbers a plan file can hold)."""
        if value is None:
            return default
        number: float | None = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:  # an integer with hundreds of digits
                number = math.inf
        elif isinstance(value, str):
            try:
                number = parse_number(value)
            except ValueError:
                number = None
        kind = "a whole number" if integer else "a number"
        if number is not None and not math.isfinite(number):
            self.bad(path, f"{path} is {value!r}, which is not a finite number",
                     f"write e.g. {path}: {example}")
            return default
        if number is None or (integer and number != int(number)):
            self.bad(path, f"{path} should be {kind}, not {value!r}",
                     f"write e.g. {path}: {example}")
            return default
        if positive and number <= 0:
            self.bad(path, f"{path} is {value} but must be more than 0",
                     f"write a positive value, e.g. {path}: {example}")
            return default
        if minimum is not None and number < minimum:
            self.bad(path, f"{path} is {value} but must be at least {minimum:g}",
                     f"write e.g. {path}: {example}")
            return default
        if maximum is not None and number > maximum:
            self.bad(path, f"{path} is {value} but can be at most {maximum:g}",
                     f"write e.g. {path}: {example}")
            return default
        return int(number) if integer else number

    def time(self, value: Any, path: str, default: int, example: str) -> int:
        if value is None:
            return default
        text = self.raw.get(path, str(value))
        try:
            return parse_hhmm(text)
        except ValueError:
            self.bad(path, f"{path} '{text}' is not a time of day",
                     f'write it as "HH:MM" in quotes, e.g. {path}: "{example}"')
            return default

    def day(self, value: Any, path: str) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip() if value is not None else ""
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        m = _DMY.match(text)
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                pass
        self.bad(path, f"{path} '{text}' is not a date",
                 f"write it as YYYY-MM-DD, e.g. {path}: 2027-07-05")
        return None


def _shift(r: _Reader, value: Any, path: str) -> TimeWindow | None:
    if value is None or value is False or str(value).strip() in ("", "-"):
        return None  # explicitly not running that day
    text = r.raw.get(path, str(value)).strip()
    parts = re.split(r"\s*[-–—]\s*", text)
    try:
        if len(parts) != 2:
            raise ValueError(text)
        return TimeWindow(parse_hhmm(parts[0]), parse_hhmm(parts[1]))
    except ValueError:
        r.bad(path, f"shift {path} '{text}' is not a start and end time",
              f'write it as "HH:MM-HH:MM" in quotes, e.g. {path}: "08:30-16:30", '
              "or delete the line if the bus does not run that day")
        return None


def _break(r: _Reader, value: Any, path: str) -> BreakRule | None:
    if value is None or value is False:
        return None
    b = r.mapping(value, path)
    r.unknown(b, ("minutes", "earliest", "latest"), path)
    minutes = r.number(b.get("minutes"), f"{path}.minutes", None, integer=True, minimum=0,
                       maximum=MAX_BREAK_MIN, example="30")
    if not minutes:
        if "minutes" not in b:
            r.bad(path, f"{path} has no minutes", f"add e.g. {path}: {{minutes: 30, "
                  'earliest: "11:00", latest: "13:30"}, or delete break if there is none')
        return None
    return BreakRule(int(minutes), r.time(b.get("earliest"), f"{path}.earliest", 0, "11:00"),
                     r.time(b.get("latest"), f"{path}.latest", 24 * 60, "13:30"))


def _vehicle(r: _Reader, value: Any, path: str, index: int) -> Vehicle | None:
    v = r.mapping(value, path)
    if not v:
        if value is not None and not isinstance(value, dict):
            return None
        r.bad(path, f"{path} is empty", "give the vehicle a name and shifts")
        return None
    r.unknown(v, VEHICLE_KEYS, path)
    name = r.text(v.get("name"), f"{path}.name", "bogbus", required=True) or f"vehicle {index + 1}"
    shifts: dict[str, TimeWindow] = {}
    raw_shifts = r.mapping(v.get("shifts"), f"{path}.shifts")
    if "shifts" not in v:
        r.bad(f"{path}.shifts", f"vehicle '{name}' has no shifts",
              f'add e.g. shifts: {{mon: "08:30-16:30"}} under {path}')
    for key, text in raw_shifts.items():
        day = parse_day(key)
        sub = f"{path}.shifts.{key}"
        if day is None:
            r.bad(sub, f"'{key}' in {path}.shifts is not a weekday",
                  "use mon, tue, wed, thu, fri, sat or sun")
        elif day in shifts:
            r.bad(sub, f"{path}.shifts has {day} twice", "keep one shift per weekday")
        elif (window := _shift(r, text, sub)) is not None:
            shifts[day] = window
    energy = r.mapping(v.get("energy"), f"{path}.energy")
    r.unknown(energy, ("litres_per_100km", "kwh_per_100km"), f"{path}.energy")
    return Vehicle(
        name=name,
        shifts=shifts,
        break_rule=_break(r, v.get("break"), f"{path}.break"),
        max_km_per_day=r.number(v.get("max_km_per_day"), f"{path}.max_km_per_day", None,
                                positive=True, maximum=MAX_KM_PER_DAY, example="150"),
        crate_capacity=_whole(r.number(v.get("crate_capacity"), f"{path}.crate_capacity",
                                       None, integer=True, minimum=0, maximum=MAX_CRATES,
                                       example="10")),
        litres_per_100km=r.number(energy.get("litres_per_100km"),
                                  f"{path}.energy.litres_per_100km", None, minimum=0,
                                  maximum=MAX_PER_100KM, example="30"),
        kwh_per_100km=r.number(energy.get("kwh_per_100km"), f"{path}.energy.kwh_per_100km",
                               None, minimum=0, maximum=MAX_PER_100KM, example="120"),
        length_m=r.number(v.get("length_m"), f"{path}.length_m", None, positive=True,
                          maximum=MAX_VEHICLE_LENGTH_M, example="12"),
        weight_t=r.number(v.get("weight_t"), f"{path}.weight_t", None, positive=True,
                          maximum=MAX_VEHICLE_WEIGHT_T, example="18"),
        ferries=_ferries(r, v.get("ferries"), f"{path}.ferries"),
    )


def _ferries(r: _Reader, value: Any, path: str) -> tuple[str, ...] | None:
    """A vehicle's explicit list of ferry names (None when not given)."""
    if value is None:
        return None
    if not isinstance(value, list):
        r.bad(path, f"{path} should be a list of ferry names, not {value!r}",
              f"write e.g. {path}: [Udbyhøj], or {path}: [] for no ferry")
        return None
    names: list[str] = []
    for i, item in enumerate(value):
        name = r.text(item, f"{path}[{i}]", "Udbyhøj", required=True)
        if name:
            names.append(name)
    return tuple(names)


def _holidays(r: _Reader, value: Any) -> str | None:
    """The country code of `calendar.holidays` (a code, or a mapping with `country`)."""
    path = "calendar.holidays"
    if isinstance(value, dict):
        r.unknown(value, ("country", "optional"), path)
        value = value.get("country", "DK")
        path = "calendar.holidays.country"
    if value is None or value is False or str(value).strip().lower() in ("", "none", "ingen"):
        return None
    if not isinstance(value, str):
        r.bad(path, f"{path} should be a country code like DK, not {value!r}",
              "write holidays: DK, or holidays: null for no public holidays")
        return None
    code = value.strip().upper()
    import holidays as holidays_lib

    try:  # exactly what the planner will ask for, so validate and plan agree
        holidays_lib.country_holidays(code, years=[])
    except (NotImplementedError, KeyError, ValueError, TypeError):
        r.bad(path, f"{path} '{value}' is not a country code the holiday calendar knows",
              "write a two-letter country code, e.g. holidays: DK, or holidays: null")
    return code


def _optional_holidays(r: _Reader, value: Any, country: str | None) -> tuple[str, ...]:
    """`calendar.holidays: {country: DK, optional: [juleaftensdag, …]}`: extra days off
    by name, from the holiday library's `optional` category (see calendar.py)."""
    if not isinstance(value, dict) or value.get("optional") in (None, []):
        return ()
    path = "calendar.holidays.optional"
    names = value["optional"]
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        r.bad(path, f"{path} should be a list of day names",
              "write e.g. optional: [juleaftensdag, nytårsaftensdag, grundlovsdag]")
        return ()
    if not country:
        r.bad(path, f"{path} needs a country", "write country: DK beside optional")
        return ()
    from ..calendar import holiday_key, optional_holiday_names

    try:
        known = optional_holiday_names(country)
    except (NotImplementedError, KeyError, ValueError, TypeError):
        return ()  # an unknown country: _holidays names that problem once, at .country
    out = []
    for i, name in enumerate(names):
        if holiday_key(name) not in known:
            r.bad(f"{path}[{i}]", f"'{name}' is not an optional holiday of {country}",
                  "use one of: " + (", ".join(sorted(set(known.values()))) or
                                    f"none ({country} has no optional days)"))
        else:
            out.append(known[holiday_key(name)])
    return tuple(dict.fromkeys(out))


def _closures(r: _Reader, value: Any) -> tuple[Closure, ...]:
    path = "calendar.closures"
    if value is None:
        return ()
    if not isinstance(value, list):
        r.bad(path, f"{path} should be a list of periods",
              "write one line per closure: "
              "- {start: 2027-07-05, end: 2027-08-06, reason: Sommerferie}")
        return ()
    closures: list[Closure] = []
    for i, item in enumerate(value):
        sub = f"{path}[{i}]"
        c = r.mapping(item, sub)
        r.unknown(c, ("start", "end", "reason", "sites", "vehicles"), sub)
        if "start" not in c:
            r.bad(sub, f"closure {sub} has no start date", "add start: YYYY-MM-DD")
            continue
        start = r.day(c.get("start"), f"{sub}.start")
        end = r.day(c["end"], f"{sub}.end") if c.get("end") is not None else start
        if start and end:
            closures.append(Closure(start, end, r.text(c.get("reason"), f"{sub}.reason", ""),
                                    _names(r, c.get("sites"), f"{sub}.sites", "[D03, S12]"),
                                    _names(r, c.get("vehicles"), f"{sub}.vehicles", "[bogbus]")))
    return tuple(closures)


def _names(r: _Reader, value: Any, path: str, example: str) -> tuple[str, ...]:
    """A closure's scope: a list of site ids or vehicle names (one name alone is fine).
    Whether the ids exist is checked against sites.csv in `validate`."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, (dict, list)) or str(item).strip() == "":
            r.bad(path, f"{path} should be a list of ids, not {value!r}",
                  f"write e.g. {path.rsplit('.', 1)[-1]}: {example}")
            return ()
        out.append(str(item).strip())
    return tuple(out)


TRAVEL_FILE_SUFFIXES = {"osm": (".osm", ".osm.pbf", ".pbf", ".xml"), "matrix": (".csv", ".json")}
TRAVEL_KEYS = {
    "greatcircle": ("model", "circuity", "speed_kmh", "water"),
    "osm": ("model", "circuity", "speed_kmh", "file", "speeds_kmh", "max_speed_kmh",
            "snap_warn_m", "snap_max_m", "snap_speed_kmh", "cache_dir", "crop_margin_km"),
    "matrix": ("model", "circuity", "speed_kmh", "file"),
}


def _water_option(r: _Reader, travel: dict[str, Any], folder: Path) -> TravelOptions:
    """`travel.water` (greatcircle): the water file must exist; its content is checked by
    travel/water.py when the matrix is built."""
    name = r.text(travel.get("water"), "travel.water", "water.geojson")
    if not name:
        return TravelOptions()
    _existing_file(r, "travel.water", name, folder, "water file",
                   "put the GeoJSON water file in the data folder or remove travel.water")
    return TravelOptions(water=name, data_folder=str(folder.resolve()))


def _existing_file(r: _Reader, key: str, name: str, folder: Path, what: str,
                   missing_fix: str) -> None:
    """A file named at `key` (relative to the data folder) exists and is a regular file
    within the size cap."""
    path = Path(name).expanduser()
    path = path if path.is_absolute() else folder / path
    if not path.exists():
        r.bad(key, f"{key} '{name}' does not exist (looked for {path})", missing_fix)
        return
    try:
        check_regular(path, MAX_TRAVEL_BYTES, what)
    except InputFileError as exc:
        r.bad(key, f"{key} '{name}': {exc.reason}", exc.fix)


def _travel_options(r: _Reader, travel: dict[str, Any], model: str) -> TravelOptions:
    """Model-specific travel keys, checked: the file must exist, speeds must be numbers."""
    if model not in TRAVEL_KEYS:
        return TravelOptions()
    r.unknown(travel, TRAVEL_KEYS[model], "travel")
    folder = Path(r.file).parent
    if model == "greatcircle":
        return _water_option(r, travel, folder)
    if model not in TRAVEL_FILE_SUFFIXES:
        return TravelOptions()
    example = "roads.osm.pbf" if model == "osm" else "matrix.csv"
    name = r.text(travel.get("file"), "travel.file", example)
    if not name:
        r.bad("travel", f"travel.model is {model} but travel.file is missing",
              f"add the file name (in the data folder), e.g. file: {example}")
    elif not name.lower().endswith(TRAVEL_FILE_SUFFIXES[model]):
        r.bad("travel.file", f"travel.file '{name}' is not a "
              f"{' or '.join(TRAVEL_FILE_SUFFIXES[model][:2])} file",
              "give an OpenStreetMap extract (.osm or .osm.pbf)" if model == "osm"
              else "give a from,to,km,minutes CSV or an OSRM table .json")
    else:
        _existing_file(r, "travel.file", name, folder, "travel file",
                       "put the file in the data folder or give its full path")
    options = TravelOptions(file=name, data_folder=str(folder.resolve()))
    if model != "osm":
        return options
    speeds: dict[str, float] = {}
    for cls, value in r.mapping(travel.get("speeds_kmh"), "travel.speeds_kmh").items():
        kmh = r.number(value, f"travel.speeds_kmh.{cls}", None, positive=True,
                       maximum=MAX_SPEED_KMH, example="50")
        if kmh is not None:
            speeds[cls.strip().lower()] = kmh
    numbers = {key: r.number(travel.get(key), f"travel.{key}", getattr(options, key),
                             positive=True, maximum=top, example=example)
               for key, example, top in (("max_speed_kmh", "80", MAX_SPEED_KMH),
                                         ("snap_warn_m", "500", MAX_SNAP_M),
                                         ("snap_max_m", "5000", MAX_SNAP_M),
                                         ("snap_speed_kmh", "20", MAX_SPEED_KMH))}
    numbers["crop_margin_km"] = r.number(travel.get("crop_margin_km"), "travel.crop_margin_km",
                                         options.crop_margin_km, minimum=0,
                                         maximum=MAX_CROP_MARGIN_KM, example="5")
    cache_dir = r.text(travel.get("cache_dir"), "travel.cache_dir", ".bogbus-cache")
    return replace(options, speeds_kmh=speeds, cache_dir=cache_dir, **numbers)


def _build(r: _Reader, doc: dict[str, Any]) -> Settings:
    r.unknown(doc, TOP_KEYS, "")
    depot = ""
    if isinstance(doc.get("depot"), list):
        r.bad("depot", "depot lists several sites, but there must be exactly one depot",
              "write the id of the one depot the bus starts from, e.g. depot: DEPOT")
    else:
        depot = r.text(doc.get("depot"), "depot", "DEPOT", required=True)
    vehicles: list[Vehicle] = []
    raw_vehicles = doc.get("vehicles")
    if not isinstance(raw_vehicles, list) or not raw_vehicles:
        r.bad("vehicles", "vehicles is missing or empty" if raw_vehicles in (None, [])
              else "vehicles should be a list (each vehicle starts with '- name:')",
              "list at least one vehicle: - name: bogbus, with its shifts")
    else:
        vehicles = [v for i, item in enumerate(raw_vehicles)
                    if (v := _vehicle(r, item, f"vehicles[{i}]", i))]

    cal = r.mapping(doc.get("calendar"), "calendar")
    r.unknown(cal, ("holidays", "closures", "outreach_tolerance_days"), "calendar")
    travel = r.mapping(doc.get("travel"), "travel")
    model = r.text(travel.get("model"), "travel.model", "greatcircle").lower() or "greatcircle"
    if model not in TRAVEL_MODELS:
        r.bad("travel.model", f"travel.model '{model}' is not known",
              f"use one of: {', '.join(TRAVEL_MODELS)}")
    solver = r.mapping(doc.get("solver"), "solver")
    r.unknown(solver, ("time_limit_s", "seed"), "solver")
    timetable = r.mapping(doc.get("timetable"), "timetable")
    r.unknown(timetable, ("round_to_min", "contact"), "timetable")
    co2 = r.mapping(doc.get("co2"), "co2")
    r.unknown(co2, ("kg_per_litre", "kg_per_kwh"), "co2")
    rotation = r.mapping(doc.get("rotation"), "rotation")
    r.unknown(rotation, ("no_repeat_weeks",), "rotation")
    goals = r.mapping(doc.get("goals"), "goals")
    r.unknown(goals, ("children_per_year",), "goals")
    costs = r.mapping(doc.get("costs"), "costs")
    r.unknown(costs, ("per_km", "per_hour"), "costs")
    children_goal = r.number(goals.get("children_per_year"), "goals.children_per_year", None,
                             integer=True, positive=True, example="10000")
    return Settings(
        name=r.text(doc.get("name"), "name", "Randers Bibliotek – Bogbussen", required=True),
        depot=depot,
        vehicles=tuple(vehicles),
        holidays=_holidays(r, cal.get("holidays", "DK")),
        optional_holidays=_optional_holidays(r, cal.get("holidays"),
                                             _holidays(_Reader(r.file, {}, {}),
                                                       cal.get("holidays", "DK"))),
        closures=_closures(r, cal.get("closures")),
        outreach_tolerance_days=int(r.number(cal.get("outreach_tolerance_days"),
                                             "calendar.outreach_tolerance_days", 3,
                                             integer=True, minimum=0,
                                             maximum=MAX_TOLERANCE_DAYS, example="3")),
        travel=TravelSettings(
            model=model,
            circuity=r.number(travel.get("circuity"), "travel.circuity", 1.3, minimum=1,
                              maximum=MAX_CIRCUITY, example="1.3"),
            speed_kmh=r.number(travel.get("speed_kmh"), "travel.speed_kmh", 50.0,
                               positive=True, maximum=MAX_SPEED_KMH, example="50"),
            options=_travel_options(r, travel, model),
        ),
        time_limit_s=r.number(solver.get("time_limit_s"), "solver.time_limit_s", 30.0,
                              positive=True, maximum=MAX_TIME_LIMIT_S, example="30"),
        seed=int(r.number(solver.get("seed"), "solver.seed", 0, integer=True, minimum=0,
                            maximum=MAX_SEED, example="0")),
        round_to_min=int(r.number(timetable.get("round_to_min"), "timetable.round_to_min", 5,
                                  integer=True, positive=True, maximum=MAX_ROUND_MIN,
                                  example="5")),
        co2_kg_per_litre=r.number(co2.get("kg_per_litre"), "co2.kg_per_litre", 3.24,
                                  minimum=0, maximum=MAX_CO2_FACTOR, example="3.24"),
        co2_kg_per_kwh=r.number(co2.get("kg_per_kwh"), "co2.kg_per_kwh", 0.0, minimum=0,
                                maximum=MAX_CO2_FACTOR, example="0.1"),
        contact=r.text(timetable.get("contact"), "timetable.contact", ""),
        no_repeat_weeks=int(r.number(rotation.get("no_repeat_weeks"), "rotation.no_repeat_weeks",
                                     52, integer=True, minimum=0, example="52")),
        children_per_year=int(children_goal) if children_goal is not None else None,
        cost_per_km=r.number(costs.get("per_km"), "costs.per_km", None, minimum=0,
                             example="12.5"),
        cost_per_hour=r.number(costs.get("per_hour"), "costs.per_hour", None, minimum=0,
                               example="450"),
    )


def parse_settings(data: bytes, file: str = "settings.yaml") -> ParsedSettings:
    """Parse settings.yaml bytes; never raises for bad content."""
    doc, lines, raw, problems = read_settings_doc(data, file)
    if doc is None:
        return ParsedSettings(None, problems)
    return settings_from_doc(doc, file, lines, problems, raw)


def load_yaml(text: str) -> Any:
    """YAML text → Python values with the settings rules (times stay text); may raise
    yaml.YAMLError."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def settings_from_doc(doc: dict[str, Any], file: str, lines: dict[str, int],
                      problems: list[Problem] | None = None,
                      raw: dict[str, str] | None = None) -> ParsedSettings:
    """Build Settings from an already-read (possibly overlaid) settings mapping; `raw` is
    the scalar text per key path (only for an unmodified file)."""
    r = _Reader(file, lines, raw or {})
    r.problems.extend(problems or [])
    settings = _build(r, {str(k): v for k, v in doc.items()})
    return ParsedSettings(settings, r.problems, lines)


def read_settings_doc(data: bytes, file: str = "settings.yaml"
                      ) -> tuple[dict[str, Any] | None, dict[str, int], dict[str, str],
                                 list[Problem]]:
    """settings.yaml bytes → (mapping or None, line of each key path, scalar text of each
    key path, problems so far)."""
    text, _ = decode(data)
    shape = yaml_shape_problem(text, _Loader)
    if shape is not None:
        return None, {}, {}, [Problem(file, shape[0], "write the values out plainly, as in "
                                      "the example settings.yaml", row=shape[1])]
    loader = None
    try:
        loader = _Loader(text)  # rejects control characters already here
        node = loader.get_single_node()
        doc = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        hint = ("indent with spaces, not tabs" if "\\t" in str(exc.problem)
                else "check the indentation and put text containing ':' or '#' in quotes")
        return None, {}, {}, [Problem(file, f"the file is not valid YAML: {exc.problem}",
                                  hint, row=mark.line + 1 if mark else None)]
    except yaml.reader.ReaderError as exc:
        return None, {}, {}, [Problem(file, f"the file contains a character YAML does not allow "
                                  f"(code {exc.character:#04x} at character {exc.position})",
                                  "save it as plain UTF-8 text; remove control characters")]
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return None, {}, {}, [Problem(file, f"the file is not valid YAML: {exc}",
                                  "check the indentation and quotes")]
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(doc, dict):
        message = ("the file is empty" if doc is None
                   else "the file is not a list of 'key: value' lines")
        return None, {}, {}, [Problem(file, message, "start from the example settings.yaml "
                                  "in the README (name, depot, vehicles, …)", row=1)]
    lines: dict[str, int] = {}
    raw: dict[str, str] = {}
    dups: list[tuple[str, int]] = []
    if node is not None:  # None: an empty file, reported above
        _index_nodes(node, "", lines, raw, dups)
    problems = [Problem(file, f"key '{path}' appears twice (the later one wins)",
                        "delete one of them", row=line, column=path) for path, line in dups]
    return {str(k): v for k, v in doc.items()}, lines, raw, problems
