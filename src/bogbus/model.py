"""Frozen domain types shared read-only by the solver, checker and renderers.

Times of day are integer minutes after midnight; the loaders convert `HH:MM`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_DA: dict[str, str] = {
    "mon": "mandag",
    "tue": "tirsdag",
    "wed": "onsdag",
    "thu": "torsdag",
    "fri": "fredag",
    "sat": "lørdag",
    "sun": "søndag",
}
KINDS: tuple[str, ...] = ("depot", "stop", "daycare", "nursing_home", "branch")
OUTREACH_KINDS: tuple[str, ...] = ("daycare", "nursing_home", "branch")


def hhmm(minutes: int) -> str:
    """Minutes after midnight → `HH:MM`."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_hhmm(text: str) -> int:
    """`HH:MM` (or `HH.MM`) → minutes after midnight; ValueError when malformed."""
    t = text.strip().replace(".", ":")
    h, sep, m = t.partition(":")
    if not sep or not h.isdigit() or not m.isdigit() or len(m) != 2:
        raise ValueError(f"not a time of day HH:MM: {text!r}")
    hours, mins = int(h), int(m)
    if hours > 24 or mins > 59 or (hours == 24 and mins):
        raise ValueError(f"not a time of day HH:MM: {text!r}")
    return hours * 60 + mins


@dataclass(frozen=True)
class TimeWindow:
    start: int
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{hhmm(self.start)}-{hhmm(self.end)}"


@dataclass(frozen=True)
class Site:
    """One row of sites.csv."""

    id: str
    kind: str
    name: str
    lat: float
    lon: float
    address: str = ""
    # weeks between visits; 0: no rhythm (the depot, a branch that is not visited). The
    # reader refuses values below 1 and validation requires one for stops, daycares and
    # nursing homes, so the planner can divide by it without a guard.
    every_weeks: int = 0
    duration_min: int = 0
    earliest: int | None = None  # minutes; None: no limit beyond the shift
    latest: int | None = None
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    visitors: float | None = None
    children: int | None = None
    residents: int | None = None
    crates: int = 0
    fixed_day: str | None = None
    fixed_time: int | None = None
    priority: int | None = None
    vehicles: tuple[str, ...] | None = None  # None: any vehicle may serve it
    row: int | None = None  # line in sites.csv, for messages
    preferred_time: int | None = None  # institutions: the arrival they would like (minutes)

    @property
    def is_outreach(self) -> bool:
        return self.kind in OUTREACH_KINDS

    def allows_vehicle(self, name: str) -> bool:
        return self.vehicles is None or name in self.vehicles


@dataclass(frozen=True)
class BreakRule:
    minutes: int
    earliest: int
    latest: int  # the break ends no later than this


@dataclass(frozen=True)
class Vehicle:
    name: str
    shifts: Mapping[str, TimeWindow]  # weekday key → shift; missing day: does not run
    break_rule: BreakRule | None = None
    max_km_per_day: float | None = None
    crate_capacity: int | None = None  # None: unlimited
    litres_per_100km: float | None = None
    kwh_per_100km: float | None = None
    # Size, for crossings that limit it (a ferry that takes cars only): None = not given,
    # and then a crossing with a limit is not used by this vehicle.
    length_m: float | None = None
    weight_t: float | None = None
    # Ferries this vehicle may use by name, whatever their limits say (None: decide by
    # size); an empty tuple forbids every ferry.
    ferries: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shifts", MappingProxyType(dict(self.shifts)))


@dataclass(frozen=True)
class Closure:
    """Days off. Without a scope the whole service stops; `sites` closes only those
    sites (a daycare's personaledag) and `vehicles` takes only those vehicles off the
    road (a bus in the workshop while the van still runs)."""

    start: date
    end: date  # inclusive
    reason: str
    sites: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def whole_service(self) -> bool:
        return not self.sites and not self.vehicles

    def applies(self, day: date, vehicle: str | None = None, site: str | None = None) -> bool:
        """Whether this closure stops `vehicle` or closes `site` on `day` (a whole-service
        closure stops everything)."""
        if not self.covers(day):
            return False
        return (self.whole_service or (vehicle is not None and vehicle in self.vehicles)
                or (site is not None and site in self.sites))


@dataclass(frozen=True)
class TravelOptions:
    """The keys of `settings.yaml → travel` that only the file-based models (osm, matrix)
    use, read and checked once by `io.settings`; `travel/` takes them as they are. The
    defaults are the documented ones (for osm they key the road cache). `speeds_kmh`
    holds only the road classes settings.yaml overrides (lower-case keys) over
    `travel/osm.DEFAULT_SPEEDS_KMH`."""

    file: str = ""  # as written in settings.yaml; relative to data_folder
    data_folder: str = ""  # folder of settings.yaml (also when a scenario elsewhere was loaded)
    cache_dir: str = ""  # osm; empty: <data_folder>/.bogbus-cache
    speeds_kmh: Mapping[str, float] = field(default_factory=dict)
    max_speed_kmh: float = 80.0
    snap_warn_m: float = 500.0
    snap_max_m: float = 5000.0
    snap_speed_kmh: float = 20.0
    # greatcircle: a GeoJSON file of water barriers and crossings (travel/water.py);
    # as written in settings.yaml, relative to data_folder; empty: no water
    water: str = ""
    # osm with a boundary.geojson: the roads kept around the boundary (travel/osmcrop.py)
    crop_margin_km: float = 5.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "speeds_kmh", MappingProxyType(dict(self.speeds_kmh)))


@dataclass(frozen=True)
class TravelSettings:
    model: str = "greatcircle"
    circuity: float = 1.3
    speed_kmh: float = 50.0
    options: TravelOptions = TravelOptions()


@dataclass(frozen=True)
class Settings:
    name: str
    depot: str
    vehicles: tuple[Vehicle, ...]
    holidays: str | None = "DK"
    closures: tuple[Closure, ...] = ()
    outreach_tolerance_days: int = 3
    travel: TravelSettings = TravelSettings()
    time_limit_s: float = 30.0
    seed: int = 0
    round_to_min: int = 5
    co2_kg_per_litre: float = 3.24
    co2_kg_per_kwh: float = 0.0
    contact: str = ""  # contact line printed on posters
    optional_holidays: tuple[str, ...] = ()  # extra named days off (holidays "optional" category)
    no_repeat_weeks: int = 52  # rotation: a site never gets a collection it had this recently
    # for the board's report (`bogbus report`): the strategy's goal and optional costs (kr.)
    children_per_year: int | None = None
    cost_per_km: float | None = None
    cost_per_hour: float | None = None

    def vehicle(self, name: str) -> Vehicle:
        for v in self.vehicles:
            if v.name == name:
                return v
        raise KeyError(name)


ROTATION_KINDS: tuple[str, ...] = ("daycare", "nursing_home")


@dataclass(frozen=True)
class Collection:
    """One row of collections.csv: a set of books in crates that rotates between
    institutions of one kind."""

    id: str
    name: str
    kind: str  # daycare | nursing_home
    crates: int
    notes: str = ""
    row: int | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One row of rotation_history.csv: `site_id` received `collection_id` on `date`."""

    site_id: str
    collection_id: str
    date: date
    row: int | None = None


@dataclass(frozen=True)
class Instance:
    """A validated data folder (or scenario): everything the planner needs."""

    scenario: str
    source: str  # data folder or scenario file as given
    sites: tuple[Site, ...]
    settings: Settings
    inputs_sha256: str = ""
    collections: tuple[Collection, ...] = ()  # empty: no rotation, crates as in sites.csv
    rotation_history: tuple[HistoryEntry, ...] = ()

    def site(self, site_id: str) -> Site:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(site_id)

    @property
    def depot(self) -> Site:
        return self.site(self.settings.depot)

    @property
    def stops(self) -> tuple[Site, ...]:
        return tuple(s for s in self.sites if s.kind == "stop")

    @property
    def outreach(self) -> tuple[Site, ...]:
        return tuple(s for s in self.sites if s.is_outreach and s.every_weeks)
