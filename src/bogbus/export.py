"""`bogbus export`: a data folder's weekly routing instance as a VRPLIB file.

Other solvers (PyVRP, LKH-3, HGS, VROOM after conversion) cannot read bogbus's
quarter problem, but they can read a VRPTW. What we export is the *weekly instance*:
the depot and every public stop once (optionally the outreach sites too), each
(vehicle, weekday with a shift) as one route slot, distances from bogbus's own
travel model so results are comparable with `bogbus plan`. What this loses
(frequencies, shared times across weeks, breaks, per-weekday shifts …) is listed in
docs/export.md; frequencies and travel minutes ride along in custom sections that
the `vrplib` package still reads.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import BogbusError, InputError, Problem
from .io.atomic import write_text
from .model import WEEKDAYS, Instance, Site, TimeWindow, hhmm
from .solve.daymodel import arrival_window
from .travel import TravelMatrix, build_travel
from .travel.common import data_folder

NO_CAPACITY = 1_000_000  # CAPACITY when no vehicle has a crate limit (VRPLIB needs a number)
NO_DISTANCE_LIMIT = 1_000_000_000  # metres, for slots without max_km_per_day
# vrplib splits the file on these tokens anywhere in a line, so no text field may hold them
_RESERVED = ("EOF", "_SECTION", ":", "#")


@dataclass(frozen=True)
class Slot:
    """One route of the week: a vehicle on a weekday it has a shift."""

    vehicle: str
    weekday: str
    shift: TimeWindow
    max_km: float | None


@dataclass(frozen=True)
class WeeklyInstance:
    """Everything the VRPLIB file says, in VRPLIB's node order (node 1 = depot)."""

    name: str
    comment: str
    sites: tuple[Site, ...]
    windows: tuple[tuple[int, int], ...]  # start of service, minutes after midnight
    slots: tuple[Slot, ...]
    metres: tuple[tuple[int, ...], ...]
    minutes: tuple[tuple[int, ...], ...]
    capacity: int
    travel_model: str

    @property
    def dimension(self) -> int:
        return len(self.sites)


def route_slots(instance: Instance) -> tuple[Slot, ...]:
    """Every (vehicle, weekday) with a shift, vehicles in settings order, weekdays mon→sun."""
    return tuple(Slot(v.name, d, v.shifts[d], v.max_km_per_day)
                 for v in instance.settings.vehicles for d in WEEKDAYS if d in v.shifts)


def _sites_file(instance: Instance) -> str:
    return str(data_folder(instance) / "sites.csv")


def _service_window(travel: TravelMatrix, depot: str, site: Site, slots: tuple[Slot, ...],
                    sites_file: str) -> tuple[int, int]:
    """Hull of the arrival windows the planner itself allows on each usable slot.

    Same rule as the template search (`daymodel.arrival_window`): the site's own window
    minus its duration, inside the shift minus the drive from and back to the depot,
    `fixed_time` honoured. VRPLIB has one window per node, hence the hull.
    """
    idx = travel.index()
    d, i = idx[depot], idx[site.id]
    maybe = [arrival_window(site, s.shift.start, s.shift.end, travel.minutes[d][i],
                            travel.minutes[i][d]) for s in slots
             if site.allows_vehicle(s.vehicle) and s.weekday in site.days
             and (not site.fixed_day or s.weekday == site.fixed_day)]
    found = [w for w in maybe if w is not None]
    if not found:
        raise InputError([Problem(
            sites_file, f"{site.id} fits no vehicle's shift on its days "
            f"({','.join(site.days)}): arrival window, duration {site.duration_min} min and "
            "the drive from and back to the depot leave no time",
            "widen earliest/latest, allow more days or vehicles, or lengthen a shift",
            row=site.row)])
    return min(lo for lo, _ in found), max(hi for _, hi in found)


def _text(text: str) -> str:
    """A free-text field safe for every reader: plain ASCII (LKH-3 and HGS read bytes),
    one line, no '#' and none of the tokens vrplib splits on."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    plain = " ".join(plain.replace("#", "").split())
    return plain.replace("EOF", "Eof").replace("_SECTION", "_Section")


def _check_id(site: Site, sites_file: str) -> None:
    bad = [t for t in _RESERVED if t in site.id]
    if bad or not site.id.isascii() or len(site.id.split()) != 1:
        raise InputError([Problem(
            sites_file, f"id {site.id!r} cannot be written to a VRPLIB file "
            "(spaces, non-ASCII letters, ':', '#', 'EOF' or '_SECTION' in it)",
            "use plain ids such as S01, D07 for export", row=site.row, column="id")])


def _travel_label(travel: TravelMatrix) -> str:
    d = dict(travel.description)
    extra = ", ".join(f"{k} {d[k]}" for k in ("circuity", "speed_kmh") if k in d)
    if d.get("file"):
        extra = ", ".join(x for x in (extra, f"file {Path(str(d['file'])).name}") if x)
    return f"{d.get('model', '?')}" + (f" ({extra})" if extra else "")


def weekly_instance(instance: Instance, travel: TravelMatrix, *,
                    include_outreach: bool = False) -> WeeklyInstance:
    """The depot, every public stop once (and outreach sites if asked), ready to write."""
    sites_file = _sites_file(instance)
    chosen = [instance.depot, *instance.stops]
    if include_outreach:
        chosen += instance.outreach
    for s in chosen:
        _check_id(s, sites_file)
    slots = route_slots(instance)
    if not slots:
        raise BogbusError("settings.yaml: no vehicle has a shift on any weekday — nothing "
                          "to export; add shifts under vehicles")
    depot_window = (min(s.shift.start for s in slots), max(s.shift.end for s in slots))
    windows = [depot_window] + [_service_window(travel, instance.settings.depot, s, slots,
                                                sites_file)
                                for s in chosen[1:]]
    idx = travel.index()
    rows = [idx[s.id] for s in chosen]
    capacities = [v.crate_capacity for v in instance.settings.vehicles
                  if v.crate_capacity is not None]
    model = _travel_label(travel)
    what = "public stops and outreach sites" if include_outreach else "public stops"
    comment = (f"bogbus weekly instance of {_text(instance.source)} (scenario "
               f"{_text(instance.scenario)}), quarter-independent. Nodes: depot + {what}, "
               "each once (every_weeks is only in the FREQUENCY section). VEHICLES are route "
               "slots, one per vehicle and weekday with a shift: "
               + " ".join(f"{_text(s.vehicle)}/{s.weekday} {s.shift}" for s in slots)
               + f". Edge weights in metres from travel model {model}; travel minutes in "
               "the TRAVEL_TIME section. Times in minutes after midnight; time windows bound "
               "the start of service. CAPACITY and DEMAND are deposit crates"
               + ("" if capacities else f" (no crate limit: {NO_CAPACITY} means none)")
               + ". Site ids in the SITE_ID section. See docs/export.md")
    return WeeklyInstance(
        name=_text(f"bogbus-{instance.scenario}-weekly").replace(" ", "_"),
        comment=_text(comment),
        sites=tuple(chosen),
        windows=tuple(windows),
        slots=slots,
        metres=tuple(tuple(round(travel.km[i][j] * 1000) for j in rows) for i in rows),
        minutes=tuple(tuple(travel.minutes[i][j] for j in rows) for i in rows),
        capacity=min(capacities) if capacities else NO_CAPACITY,
        travel_model=model,
    )


def vrplib_text(w: WeeklyInstance) -> str:
    """The instance as VRPLIB text (EXPLICIT FULL_MATRIX, 1-based nodes, depot node 1)."""
    n = range(1, w.dimension + 1)
    lines = [f"NAME : {w.name}", f"COMMENT : {w.comment}", "TYPE : VRPTW",
             f"DIMENSION : {w.dimension}", f"VEHICLES : {len(w.slots)}",
             f"CAPACITY : {w.capacity}", "EDGE_WEIGHT_TYPE : EXPLICIT",
             "EDGE_WEIGHT_FORMAT : FULL_MATRIX", "NODE_COORD_TYPE : TWOD_COORDS",
             "EDGE_WEIGHT_SECTION"]
    lines += [" ".join(str(x) for x in row) for row in w.metres]
    lines.append("NODE_COORD_SECTION")
    lines += [f"{i} {s.lon!r} {s.lat!r}" for i, s in zip(n, w.sites)]
    lines.append("DEMAND_SECTION")
    lines += [f"{i} {0 if s.kind == 'depot' else s.crates}" for i, s in zip(n, w.sites)]
    lines.append("TIME_WINDOW_SECTION")
    lines += [f"{i} {lo} {hi}" for i, (lo, hi) in zip(n, w.windows)]
    lines.append("SERVICE_TIME_SECTION")
    lines += [f"{i} {0 if s.kind == 'depot' else s.duration_min}" for i, s in zip(n, w.sites)]
    lines += ["DEPOT_SECTION", "1", "-1"]
    # custom sections: the vrplib package reads any *_SECTION generically
    lines.append("VEHICLES_MAX_DURATION_SECTION")  # PyVRP's name; minutes of each slot's shift
    lines += [f"{k} {s.shift.minutes}" for k, s in enumerate(w.slots, 1)]
    if any(s.max_km is not None for s in w.slots):
        lines.append("VEHICLES_MAX_DISTANCE_SECTION")  # PyVRP's name; metres
        lines += [f"{k} {NO_DISTANCE_LIMIT if s.max_km is None else round(s.max_km * 1000)}"
                  for k, s in enumerate(w.slots, 1)]
    lines.append("TRAVEL_TIME_SECTION")
    lines += [f"{i} " + " ".join(str(x) for x in row) for i, row in zip(n, w.minutes)]
    lines.append("FREQUENCY_SECTION")
    lines += [f"{i} {s.every_weeks}" for i, s in zip(n, w.sites)]
    lines.append("SITE_ID_SECTION")
    lines += [f"{i} {s.id}" for i, s in zip(n, w.sites)]
    lines.append("EOF")
    return "\n".join(lines) + "\n"


def export_vrplib(instance: Instance, out: Path, *,
                  include_outreach: bool = False) -> WeeklyInstance:
    """Build the travel model, write the weekly instance to `out` atomically, return it.

    Everything is built in memory first, so bad data raises before any file exists.
    """
    w = weekly_instance(instance, build_travel(instance), include_outreach=include_outreach)
    write_text(Path(out), vrplib_text(w), encoding="ascii")
    return w


def describe(w: WeeklyInstance) -> str:
    """One line for the console."""
    return (f"{w.dimension} nodes (depot + {w.dimension - 1} sites), {len(w.slots)} route "
            f"slots, travel model {w.travel_model}, windows "
            f"{hhmm(min(lo for lo, _ in w.windows))}-{hhmm(max(hi for _, hi in w.windows))}")
