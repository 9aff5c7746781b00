"""Cross-field and plausibility checks on parsed data.

The loaders only know whether a cell is a number or a time; this module knows
whether the data can make sense as a bookmobile plan (a window the bus can reach,
a break that fits the shift, a stop 300 km away). Every finding is a Problem a
planner can act on: file, row, column, what is wrong and how to fix it.

`check_structure` finds what makes the data unusable (duplicate ids, unknown
depot); `check_plausibility` finds what makes a plan impossible or suspicious.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import Problem
from .geo import haversine_km
from .model import KINDS, WEEKDAYS, Settings, Site, Vehicle, hhmm

MAX_KM_FROM_DEPOT = 150.0
FREQUENCY_KINDS = ("stop", "daycare", "nursing_home")  # must say how often they are visited
_COUNTS = ("visitors", "children", "residents", "crates")
# Upper bounds of the numbers in a sites.csv row (see docs/promises.md).
MAX_EVERY_WEEKS = 13        # the bus comes at least once in a quarter
MAX_DURATION_MIN = 12 * 60
MAX_COUNT = 100_000         # visitors, children, residents per visit
MAX_CRATES = 1000
MAX_PRIORITY = 1000
# The largest data folder the planner is measured on (docs/benchmarks.md, "Scaling":
# 360 stops / 16 vehicles, 705 sites, ends within its time limit in ~330 MB, every
# phase cut by the clock with honest reasons); far beyond it loading and the travel
# matrix alone grow past what a laptop holds (10,000 sites measured 4.9 GB).
MAX_SITES = 1000
# The timetable search weighs each public stop on each allowed (vehicle, weekday, week
# phase). Every phase stops at its share of the time limit (docs/planner.md, "Time and
# work"), but the candidate tables grow with these options: 360 stops / 16 vehicles
# give 44,000 and are the largest measured size.
MAX_STOP_OPTIONS = 50_000
MAX_VEHICLES = 20


def line_of(lines: Mapping[str, int], path: str) -> int | None:
    """Line of a settings key path such as `vehicles[0].shifts.wed`, else of its parent."""
    while path:
        if path in lines:
            return lines[path]
        parent = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", path)
        path = "" if parent == path else parent
    return None


@dataclass(frozen=True)
class Where:
    """How to point at the files: names as the user should see them, and key lines."""

    sites_file: str = "sites.csv"
    settings_file: str = "settings.yaml"
    settings_lines: Mapping[str, int] = field(default_factory=dict)
    absent_columns: Collection[str] = ()
    header_row: int = 1
    unreadable: Collection[tuple[int | None, str]] = ()  # (row, column) cells already reported


class _Report:
    def __init__(self, where: Where):
        self.where = where
        self.problems: list[Problem] = []

    def site(self, s: Site, column: str | None, message: str, fix: str,
             severity: str = "error") -> None:
        if (s.row, column) in self.where.unreadable:
            return  # the cell could not be read; its value here is a stand-in
        self.problems.append(Problem(self.where.sites_file, message, fix, row=s.row,
                                     column=column, severity=severity))

    def setting(self, path: str, message: str, fix: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.where.settings_file, message, fix,
                                     row=line_of(self.where.settings_lines, path),
                                     column=path, severity=severity))


def _visited(s: Site) -> bool:
    return s.kind in FREQUENCY_KINDS or (s.kind == "branch" and s.every_weeks > 0)


def _vehicles_for(s: Site, settings: Settings) -> list[Vehicle]:
    return [v for v in settings.vehicles if s.allows_vehicle(v.name)]


def _has_coords(s: Site) -> bool:
    return not (math.isnan(s.lat) or math.isnan(s.lon))


def _days(days: Sequence[str]) -> str:
    return ", ".join(days) if days else "none"


def _window(s: Site) -> str:
    lo = hhmm(s.earliest) if s.earliest is not None else "shift start"
    hi = hhmm(s.latest) if s.latest is not None else "shift end"
    return f"{lo}-{hi}"


# ----------------------------------------------------------------- structure
def _check_site_structure(rep: _Report, s: Site, settings: Settings | None) -> None:
    if not s.kind:
        rep.site(s, "kind", "kind is empty", f"write one of: {', '.join(KINDS)}")
    elif s.kind not in KINDS:
        rep.site(s, "kind", f"kind '{s.kind}' is not known", f"use one of: {', '.join(KINDS)}")
    if not s.name:
        rep.site(s, "name", "name is empty", "write the name citizens know the place by",
                 "warning")
    bad_days = [d for d in s.days if d not in WEEKDAYS]
    if not s.days:
        rep.site(s, "days", "days is empty", "list weekdays, e.g. mon,wed (or leave the cell "
                 "empty for mon-fri)")
    elif bad_days and s.kind != "depot":
        rep.site(s, "days", f"'{', '.join(bad_days)}' is not a weekday",
                 "use mon, tue, wed, thu, fri, sat, sun (or man, tir, ons, tor, fre, lør, søn)")
    if s.fixed_day is not None and s.fixed_day not in WEEKDAYS:
        rep.site(s, "fixed_day", f"fixed_day '{s.fixed_day}' is not a weekday",
                 "write one weekday, e.g. tue, or leave it empty")
    if _has_coords(s):
        for column, value, limit in (("lat", s.lat, 90), ("lon", s.lon, 180)):
            if abs(value) > limit:
                rep.site(s, column, f"{column} {value:g} is outside -{limit}..{limit}",
                         "use decimal degrees (Randers is lat 56.46, lon 10.04); "
                         "check that lat and lon are not swapped")
    if settings is not None and s.vehicles and settings.vehicles:
        known = [v.name for v in settings.vehicles]
        for name in s.vehicles:
            if name not in known:
                rep.site(s, "vehicles", f"vehicle '{name}' is not in settings.yaml",
                         f"use one of: {', '.join(known)} (separate several with |)")


def _check_ranges(rep: _Report, s: Site) -> None:
    """Every number of a row inside the range a bookmobile can mean: a typo such as
    1e308 visitors or every_weeks 1000000 must be a message, not a hang or nonsense."""
    checks = [("every_weeks", s.every_weeks, 1, MAX_EVERY_WEEKS,
               "write 1 for weekly, 2 for every other week … up to 13 (once a quarter)"),
              ("duration_min", s.duration_min, 0, MAX_DURATION_MIN,
               "write the minutes the bus stays per visit, e.g. 45"),
              ("priority", s.priority, -MAX_PRIORITY, MAX_PRIORITY,
               f"write a small whole number, e.g. 1 (at most {MAX_PRIORITY})")]
    checks += [(c, getattr(s, c), 0, MAX_COUNT,
                f"write how many per visit, e.g. 12 (at most {MAX_COUNT:,})")
               for c in _COUNTS if c != "crates"]
    checks.append(("crates", s.crates, 0, MAX_CRATES, "write the crates per visit, e.g. 2"))
    for column, value, lo, hi, fix in checks:
        # values below the range (0 or negative) have their own messages elsewhere
        if value is None or (s.kind == "depot" and column == "every_weeks"):
            continue
        if value > hi or (column == "priority" and value < lo):
            rep.site(s, column, f"{column} is {value:g}, outside {lo:g}..{hi:g}"
                     + (" (a quarter has 13 weeks)" if column == "every_weeks" else ""), fix)


def check_structure(sites: Sequence[Site], settings: Settings | None,
                    where: Where = Where()) -> list[Problem]:
    """Problems that make the data unusable as a whole: ids, kinds, depot, names."""
    rep = _Report(where)
    if len(sites) > MAX_SITES:
        rep.problems.append(Problem(
            where.sites_file, f"the file has {len(sites):,} sites; bogbus plans at most "
            f"{MAX_SITES} sites (depot, stops and institutions) per data folder",
            "split the area into several data folders (one per bus or district) and plan "
            "each on its own", row=where.header_row))
    first_row: dict[str, int | None] = {}
    for s in sites:
        if s.id in first_row:
            rep.site(s, "id", f"id '{s.id}' is used twice (also row {first_row[s.id]})",
                     "give every row its own id")
        else:
            first_row[s.id] = s.row
        _check_site_structure(rep, s, settings)
        _check_ranges(rep, s)
    if settings is None:
        return rep.problems
    by_id = {s.id: s for s in sites}
    if settings.depot:
        depot = by_id.get(settings.depot)
        if depot is None:
            rep.setting("depot", f"depot '{settings.depot}' is not an id in sites.csv",
                        "add the depot as a row with kind depot, or correct the id here")
        elif depot.kind != "depot":
            rep.site(depot, "kind", f"'{depot.id}' is the depot in settings.yaml but its kind "
                     f"is '{depot.kind}'", "set kind to depot, or name another depot in "
                     "settings.yaml")
        for s in sites:
            if s.kind == "depot" and s.id != settings.depot:
                rep.site(s, "kind", f"'{s.id}' is a depot but settings.yaml starts the bus at "
                         f"'{settings.depot}', so this row is not used",
                         "delete the row or change its kind", "warning")
    if len(settings.vehicles) > MAX_VEHICLES:
        rep.setting("vehicles", f"{len(settings.vehicles)} vehicles are listed; bogbus plans "
                    f"at most {MAX_VEHICLES}", "plan each group of buses from its own data "
                    "folder")
    seen: set[str] = set()
    for i, v in enumerate(settings.vehicles):
        if v.name in seen:
            rep.setting(f"vehicles[{i}].name", f"two vehicles are called '{v.name}'",
                        "give every vehicle its own name")
        seen.add(v.name)
    _check_closure_scopes(rep, by_id, settings)
    return rep.problems


def _check_closure_scopes(rep: _Report, by_id: dict[str, Site], settings: Settings) -> None:
    """A scoped closure must name sites and vehicles that exist: a typo would otherwise
    close nothing and the daycare would get a visit on its closed day."""
    names = [v.name for v in settings.vehicles]
    for i, c in enumerate(settings.closures):
        for sid in c.sites:
            s = by_id.get(sid)
            if s is None or s.kind == "depot":
                rep.setting(f"calendar.closures[{i}].sites",
                            f"closure '{c.reason or i + 1}' names site '{sid}', which is "
                            + ("the depot" if s else "not an id in sites.csv"),
                            "use the id of a stop, daycare, nursing home or branch from "
                            "sites.csv (or close a vehicle with vehicles: [...])")
        for name in c.vehicles:
            if name not in names:
                rep.setting(f"calendar.closures[{i}].vehicles",
                            f"closure '{c.reason or i + 1}' names vehicle '{name}', which is "
                            "not in vehicles", f"use one of: {', '.join(names)}")


# -------------------------------------------------------------- plausibility
def _check_frequency_and_duration(rep: _Report, s: Site) -> None:
    absent = rep.where.absent_columns
    # the reader refuses every_weeks below 1, so 0 here is an empty cell
    if s.every_weeks == 0 and s.kind in FREQUENCY_KINDS and "every_weeks" not in absent:
        rep.site(s, "every_weeks", "every_weeks is empty",
                 "write how often the bus comes: 1 = weekly, 2 = every other week, 4, 6, 8 …")
    if _visited(s) and s.duration_min <= 0 and "duration_min" not in absent:
        rep.site(s, "duration_min", "duration_min is empty or 0",
                 "write the minutes the bus stays per visit, e.g. 45")


def _check_window(rep: _Report, s: Site) -> bool:
    """Checks earliest/latest/fixed_time against each other; False if the window is broken."""
    e, lt = s.earliest, s.latest
    if e is not None and lt is not None:
        if lt <= e:
            rep.site(s, "latest", f"latest {hhmm(lt)} is {'before' if lt < e else 'the same as'} "
                     f"earliest {hhmm(e)}", "swap them or widen the window")
            return False
        if s.duration_min > lt - e:
            rep.site(s, "duration_min", f"the visit takes {s.duration_min} min but the window "
                     f"{hhmm(e)}-{hhmm(lt)} is only {lt - e} min",
                     "shorten duration_min or widen earliest/latest")
            return False
    p = s.preferred_time
    if p is not None and ((e is not None and p < e)
                          or (lt is not None and p + s.duration_min > lt)):
        rep.site(s, "preferred_time", f"preferred_time {hhmm(p)} (+{s.duration_min} min) is "
                 f"outside the window {_window(s)}", "move it inside the window or widen it")
    if p is not None and not s.is_outreach:
        rep.site(s, "preferred_time", "preferred_time is for daycares, nursing homes and "
                 "branches; a public stop gets one fixed time anyway",
                 "leave it empty (use fixed_time to pin a stop)")
    t = s.fixed_time
    if t is None:
        return True
    ok = True
    if (e is not None and t < e) or (lt is not None and t + s.duration_min > lt):
        rep.site(s, "fixed_time", f"fixed_time {hhmm(t)} (+{s.duration_min} min) is outside "
                 f"the window {_window(s)}", "move fixed_time inside the window or widen it")
        ok = False
    return ok


def _check_grid(rep: _Report, s: Site, settings: Settings) -> None:
    step, t = settings.round_to_min, s.fixed_time
    lo, hi = s.earliest, s.latest
    if s.kind == "stop" and t is None and lo is not None and hi is not None and step > 1 \
            and hi - lo >= s.duration_min:
        first = -(-lo // step) * step  # the first grid time at or after earliest
        if first + s.duration_min > hi:  # public arrivals are on the grid: none fits
            rep.site(s, "earliest", f"no arrival on the {step}-minute timetable grid fits the "
                     f"window {_window(s)} with a {s.duration_min}-min stay",
                     "widen the window, or set timetable.round_to_min in settings.yaml to a "
                     "finer grid, e.g. 5")
    if t is not None and step > 1 and t % step:
        down = t - t % step
        rep.site(s, "fixed_time", f"fixed_time {hhmm(t)} is not on the {step}-minute "
                 "timetable grid", f"use {hhmm(down)} or {hhmm(down + step)}")


def _drive_min(km: float, settings: Settings) -> float:
    return km * settings.travel.circuity / settings.travel.speed_kmh * 60


def _check_days_and_shifts(rep: _Report, s: Site, settings: Settings, depot: Site | None,
                           window_ok: bool) -> None:
    vehicles = _vehicles_for(s, settings)
    if not vehicles or not s.days or any(d not in WEEKDAYS for d in s.days):
        return  # unknown vehicle names / bad days are reported already
    runs = sorted({d for v in vehicles for d in v.shifts}, key=WEEKDAYS.index)
    if not set(s.days) & set(runs):
        rep.site(s, "days", f"the bus does not run on any of this site's days "
                 f"({_days(s.days)}); shifts exist on {_days(runs)}",
                 "change days, or add a shift for one of these days in settings.yaml")
        return
    if s.fixed_day in WEEKDAYS and s.fixed_day not in s.days:
        rep.site(s, "fixed_day", f"fixed_day {s.fixed_day} is not one of the site's days "
                 f"({_days(s.days)})", "add it to days or choose another fixed_day")
        return
    if s.fixed_day in WEEKDAYS and s.fixed_day not in runs:
        rep.site(s, "fixed_day", f"the bus does not run on fixed_day {s.fixed_day}",
                 f"choose one of {_days(runs)}, or add a shift for {s.fixed_day}")
        return
    if not window_ok:
        return
    days = [s.fixed_day] if s.fixed_day in WEEKDAYS else list(s.days)
    drive = 0.0
    if depot is not None and _has_coords(depot) and _has_coords(s) \
            and settings.travel.model == "greatcircle":
        drive = _drive_min(haversine_km(depot.lat, depot.lon, s.lat, s.lon), settings)
    fits_bare = fits_driving = False
    shifts = []
    for v in vehicles:
        for d in days:
            if d not in v.shifts:
                continue
            w = v.shifts[d]
            shifts.append(f"{d} {w}")
            for travel in (0.0, drive):
                lo = max(w.start + travel, s.earliest if s.earliest is not None else 0)
                hi = min(w.end - travel, s.latest if s.latest is not None else 24 * 60)
                if s.fixed_time is not None:
                    lo, hi = max(lo, s.fixed_time), min(hi, s.fixed_time + s.duration_min)
                if hi - lo >= s.duration_min:
                    fits_bare = fits_bare or travel == 0.0
                    fits_driving = fits_driving or travel == drive
    column = "fixed_time" if s.fixed_time is not None else (
        "earliest" if s.earliest is not None else "latest" if s.latest is not None
        else "duration_min")
    what = (f"the {s.duration_min}-min visit at {hhmm(s.fixed_time)}" if s.fixed_time is not None
            else f"the {s.duration_min}-min visit in the window {_window(s)}")
    if not fits_bare:
        # a warning, not an error: the rest can still be planned and this site is
        # then listed as unserved with this reason (exit code 3)
        rep.site(s, column, f"{what} does not fit in any shift on its days "
                 f"({'; '.join(shifts)}); it will be listed as unserved",
                 "widen the window, change days, or extend a shift in settings.yaml", "warning")
    elif not fits_driving:
        rep.site(s, column, f"{what} leaves no time to drive the ~{drive:.0f} min from and back "
                 f"to the depot within the shifts ({'; '.join(shifts)})",
                 "widen the window or extend a shift in settings.yaml", "warning")


def _check_distance(rep: _Report, s: Site, settings: Settings, depot: Site | None) -> None:
    if depot is None or s is depot or not (_has_coords(depot) and _has_coords(s)):
        return
    if abs(s.lat) > 90 or abs(s.lon) > 180:
        return  # out of range: reported already
    km = haversine_km(depot.lat, depot.lon, s.lat, s.lon)
    if km > MAX_KM_FROM_DEPOT:
        swapped = haversine_km(depot.lat, depot.lon, s.lon, s.lat)
        fix = (f"lat/lon swapped? Swapped, it would be {swapped:.0f} km from the depot — "
               "swap the two values" if swapped <= MAX_KM_FROM_DEPOT
               else "check lat and lon (decimal degrees, e.g. 56,4607 and 10,0364)")
        rep.site(s, "lat", f"'{s.id}' is {km:.0f} km from the depot", fix)
        return
    limits = [v.max_km_per_day for v in _vehicles_for(s, settings)]
    if _visited(s) and limits and all(x is not None for x in limits):
        limit = max(x for x in limits if x is not None)
        if 2 * km > limit:
            rep.site(s, "lat", f"the round trip to '{s.id}' is at least {2 * km:.0f} km, more "
                     f"than max_km_per_day {limit:g}", "raise max_km_per_day or allow another "
                     "vehicle in the vehicles column")
        elif 2 * km * settings.travel.circuity > limit:
            rep.site(s, "lat", f"the round trip to '{s.id}' is about "
                     f"{2 * km * settings.travel.circuity:.0f} km by road, more than "
                     f"max_km_per_day {limit:g}", "raise max_km_per_day or allow another "
                     "vehicle in the vehicles column", "warning")


def _check_amounts(rep: _Report, s: Site, settings: Settings) -> None:
    for column in _COUNTS:
        value = getattr(s, column)
        if value is not None and value < 0:
            rep.site(s, column, f"{column} is negative ({value:g})",
                     "write 0 or a positive number, or leave it empty")
    caps = [v.crate_capacity for v in _vehicles_for(s, settings)]
    if s.crates > 0 and caps and all(c is not None for c in caps):
        cap = max(c for c in caps if c is not None)
        if s.crates > cap:
            rep.site(s, "crates", f"{s.crates} crates do not fit: the bus carries at most {cap}",
                     "lower crates, raise crate_capacity in settings.yaml, or allow a bigger "
                     "vehicle")


def _check_vehicles(rep: _Report, settings: Settings) -> None:
    if settings.vehicles and not any(v.shifts for v in settings.vehicles):
        rep.setting("vehicles", "no vehicle has any shift", 'add shifts, e.g. mon: "08:30-16:30"')
    for i, v in enumerate(settings.vehicles):
        path = f"vehicles[{i}]"
        if not v.shifts:
            rep.setting(f"{path}.shifts", f"vehicle '{v.name}' has no shifts and never runs",
                        'add shifts, e.g. mon: "08:30-16:30"', "warning")
        for day, w in v.shifts.items():
            if w.end <= w.start:
                rep.setting(f"{path}.shifts.{day}", f"the {day} shift {w} ends before it starts"
                            if w.end < w.start else f"the {day} shift {w} has no length",
                            f'write start-end, e.g. "{hhmm(min(w.start, w.end))}-'
                            f'{hhmm(max(w.start, w.end))}"')
        b = v.break_rule
        if b is None:
            continue
        if b.latest - b.earliest < b.minutes:
            rep.setting(f"{path}.break", f"the break window {hhmm(b.earliest)}-{hhmm(b.latest)} "
                        f"is shorter than the {b.minutes}-minute break",
                        "widen earliest/latest or shorten minutes (latest is when the break "
                        "must be over)")
            continue
        short = [f"{d} {w}" for d, w in v.shifts.items() if w.end > w.start
                 and min(w.end, b.latest) - max(w.start, b.earliest) < b.minutes]
        if short:
            rep.setting(f"{path}.break", f"the {b.minutes}-minute break ({hhmm(b.earliest)}-"
                        f"{hhmm(b.latest)}) does not fit in the shift(s) {'; '.join(short)}",
                        "move the break window or the shift so they overlap by at least "
                        f"{b.minutes} minutes")


def stop_options(sites: Sequence[Site], settings: Settings) -> int:
    """How many (stop, vehicle, weekday, week phase) slots the timetable search weighs."""
    n = 0
    for s in sites:
        if s.kind != "stop":
            continue
        for v in _vehicles_for(s, settings):
            days = [d for d in s.days if d in v.shifts and (not s.fixed_day or d == s.fixed_day)]
            n += len(days) * min(max(s.every_weeks or 1, 1), MAX_EVERY_WEEKS)
    return n


def _check_size(rep: _Report, sites: Sequence[Site], settings: Settings) -> None:
    n = stop_options(sites, settings)
    if n > MAX_STOP_OPTIONS:
        stops = sum(s.kind == "stop" for s in sites)
        rep.problems.append(Problem(
            rep.where.sites_file, f"{stops} public stops on {len(settings.vehicles)} "
            f"vehicle(s) give {n:,} (stop, vehicle, weekday, week) slots to weigh; bogbus is "
            f"measured up to {MAX_STOP_OPTIONS:,} (Randers: 170; 360 stops on 16 buses: 44,000) "
            "and would run out of memory or time",
            "narrow the days or vehicles columns of the stops, or split the data into one "
            "folder per bus or district",
            row=rep.where.header_row, column="days"))


def check_plausibility(sites: Sequence[Site], settings: Settings | None,
                       where: Where = Where()) -> list[Problem]:
    """Problems that make a plan impossible or look like typos in otherwise readable data."""
    rep = _Report(where)
    for column in ("every_weeks", "duration_min"):
        if column in where.absent_columns and any(s.kind in FREQUENCY_KINDS for s in sites):
            rep.problems.append(Problem(where.sites_file, f"column '{column}' is missing",
                                        f"add a {column} column to the header row",
                                        row=where.header_row, column=column))
    depot = next((s for s in sites if settings and s.id == settings.depot), None)
    for s in sites:
        if s.kind == "depot" or s.kind not in KINDS:
            continue
        _check_frequency_and_duration(rep, s)
        window_ok = _check_window(rep, s)
        if settings is None:
            continue
        _check_grid(rep, s, settings)
        _check_days_and_shifts(rep, s, settings, depot, window_ok)
        _check_distance(rep, s, settings, depot)
        _check_amounts(rep, s, settings)
    if settings is not None:
        _check_size(rep, sites, settings)
        _check_vehicles(rep, settings)
        for i, c in enumerate(settings.closures):
            if c.end < c.start:
                rep.setting(f"calendar.closures[{i}].end", f"closure '{c.reason or i + 1}' ends "
                            f"{c.end} before it starts {c.start}", "swap start and end")
    return rep.problems


def validate(sites: Sequence[Site], settings: Settings | None, where: Where = Where(), *,
             plausibility: bool = True) -> list[Problem]:
    """All checks; `plausibility=False` keeps only those that make the data unusable."""
    problems = check_structure(sites, settings, where)
    if plausibility:
        problems += check_plausibility(sites, settings, where)
    return problems
