"""Synthetic municipalities at Randers' density, for the solver's scaling table.

`generate` gives the rows of a `sites.csv` and the text of a `settings.yaml` (the
formats of data/randers); `bench/gen_municipality.py` is the command that writes them.
Why synthetic: no real county data set with many bookmobiles is shipped, and the
scaling question is "how does the planner behave when the same kind of data grows",
so the generator copies Randers' proportions:

- per 22 public stops: one vehicle's worth of work (Randers has 22 stops, 1 bus),
  about 15 daycares and 6 nursing homes;
- the area grows with the stop count (Randers: ~32 × 32 km for 22 stops, so the side
  is 32 km × √(stops / 22)), the depot in the middle, stops and institutions spread
  uniformly with villages clustered a little (an outreach site is placed near a stop,
  as daycares and nursing homes are in Randers' villages);
- the stop mix of Randers: ~45 % weekly, the rest fortnightly; 45–60 min for weekly,
  20–35 min for fortnightly stops; windows 13:00–16:15 for most, 14:00–19:00 or
  16:00–19:00 (the late Wednesday) for a fifth;
- every vehicle has Randers' shifts (Mon/Tue/Thu 08:30–16:30, Wed 10:00–19:30, Fri
  08:30–14:30) and lunch break; any vehicle may serve any stop.

Deterministic: the same arguments give the same files (random.Random(seed)).

**Shapes.** Libraries run other rhythms and fleets than Randers, so
`generate` can also make (each drawn from its own seeded stream, so the default rows
stay exactly Randers-like when none is asked for):

- a cycle mix (`cycles`: every_weeks → share, e.g. {1: .4, 2: .3, 3: .3}, a cycle of 6
  weeks) — stops that come less often than weekly get the fortnightly stops' durations;
- bus restrictions (`restricted`: the share of stops only one named bus may serve,
  the sites.csv `vehicles` column — a narrow road, a weight limit);
- an e-bus's range (`ebus_km`: the last bus gets that `max_km_per_day`);
- the summer closure (`summer`: 5 July – 6 August 2027 closed, plan 2027Q3 to feel it).

`SHAPES` names the shapes of docs/benchmarks.md's table (18/1 cycle 6, 36/2 cycle 4, 45/2,
90/4, 180/8); `bench/gen_municipality.py --shape NAME` writes one.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from ..io.csvwrite import dict_rows, write_csv

CENTRE = (56.4607, 10.0364)  # Randers' depot
SIDE_KM_PER_22 = 32.0  # Randers' extent for its 22 stops
HEADER = ["id", "kind", "name", "lat", "lon", "address", "every_weeks", "duration_min",
          "earliest", "latest", "days", "visitors", "children", "residents", "crates",
          "fixed_day", "fixed_time", "priority", "vehicles"]
WEEKDAYS = "mon,tue,wed,thu,fri"

SETTINGS = """\
# Synthetic municipality (bench/gen_municipality.py --stops {stops} --vehicles {vehicles} \
--seed {seed}): Randers' density and shifts.
name: Syntetisk kommune {stops}/{vehicles}
depot: DEPOT
vehicles:
{vehicle_blocks}calendar:
  holidays: DK
  closures: {closures}
  outreach_tolerance_days: 3
travel:
  model: greatcircle
  circuity: 1.3
  speed_kmh: 50
solver: {{time_limit_s: 30, seed: 0}}
timetable:
  round_to_min: 5
  contact: "Bogbussen · syntetiske data"
co2: {{kg_per_litre: 3.24}}
"""

VEHICLE = """\
  - name: bus{n:02d}
    shifts:
      mon: "08:30-16:30"
      tue: "08:30-16:30"
      wed: "10:00-19:30"
      thu: "08:30-16:30"
      fri: "08:30-14:30"
    break: {{minutes: 30, earliest: "11:00", latest: "13:30"}}
    max_km_per_day: {max_km}
    crate_capacity: 10
    energy: {{litres_per_100km: 30}}
"""


SUMMER = "\n    - {start: 2027-07-05, end: 2027-08-06, reason: Sommerferie}"


@dataclass(frozen=True)
class Shape:
    """One shape of docs/benchmarks.md's table: the arguments `generate` takes beyond a seed."""

    stops: int
    vehicles: int
    cycles: dict[int, float] = field(default_factory=dict)  # every_weeks → share
    restricted: float = 0.0
    ebus_km: float | None = None
    summer: bool = False
    quarter: str = "2027Q1"  # the quarter the table plans (Q3 feels the summer closure)

    def cycle(self) -> int:
        """The week cycle its stops can make (lcm of the every_weeks)."""
        return math.lcm(*(self.cycles or {1: 1.0, 2: 1.0}))


SHAPES = {
    # a kommune with 1-, 2- and 3-weekly stops and a summer closure: cycle 6
    "18-1": Shape(18, 1, {1: 0.4, 2: 0.3, 3: 0.3}, summer=True, quarter="2027Q3"),
    # two buses, 1/2/4-weekly stops, an e-bus's range, bus-restricted sites: cycle 4
    "36-2": Shape(36, 2, {1: 0.4, 2: 0.35, 4: 0.25}, restricted=0.25, ebus_km=150.0),
    # two buses with every rhythm up to six weeks: cycle 12
    "45-2": Shape(45, 2, {1: 0.4, 2: 0.3, 3: 0.1, 4: 0.1, 6: 0.1}, restricted=0.2,
                  ebus_km=160.0, summer=True, quarter="2027Q3"),
    "90-4": Shape(90, 4, {1: 0.4, 2: 0.35, 4: 0.25}, restricted=0.2, ebus_km=160.0),
    "180-8": Shape(180, 8, {1: 0.4, 2: 0.35, 4: 0.25}, restricted=0.2, ebus_km=160.0),
}


def _row(**cells: object) -> dict[str, object]:
    """A sites.csv row: every column, empty unless given."""
    row: dict[str, object] = dict.fromkeys(HEADER, "")
    row.update(cells)
    return row


def _offset(lat0: float, lon0: float, dx_km: float, dy_km: float) -> tuple[float, float]:
    """A point dx km east and dy km north of (lat0, lon0)."""
    lat = lat0 + dy_km / 111.2
    lon = lon0 + dx_km / (111.2 * math.cos(math.radians(lat0)))
    return round(lat, 5), round(lon, 5)


def generate(stops: int, vehicles: int, seed: int = 0, *,
             cycles: dict[int, float] | None = None, restricted: float = 0.0,
             ebus_km: float | None = None,
             summer: bool = False) -> tuple[list[dict[str, object]], str]:
    """Rows of sites.csv and the text of settings.yaml. Without the keyword arguments
    the rows are Randers-like (the scaling table's); with them, a shape (docstring)."""
    rng = random.Random(seed)
    # the shapes' own draws: a second stream, so the base rows never change
    extra = random.Random(f"shape-{seed}")
    rhythms = sorted(cycles.items()) if cycles else []
    buses = [f"bus{n:02d}" for n in range(1, vehicles + 1)]
    side = SIDE_KM_PER_22 * math.sqrt(stops / 22)
    rows = [_row(id="DEPOT", kind="depot", name="Hovedbiblioteket", lat=CENTRE[0],
                 lon=CENTRE[1])]
    places = []
    for i in range(1, stops + 1):
        dx, dy = rng.uniform(-side / 2, side / 2), rng.uniform(-side / 2, side / 2)
        if math.hypot(dx, dy) < 3:  # the town itself has the main library
            dx, dy = dx + 4 * (1 if dx >= 0 else -1), dy
        lat, lon = _offset(*CENTRE, dx, dy)
        places.append((lat, lon))
        weekly = rng.random() < 0.45
        late = rng.random()
        earliest, latest = ("13:00", "16:15") if late < 0.8 else (
            ("14:00", "19:00") if late < 0.92 else ("16:00", "19:00"))
        long, short = (45, 45, 50, 60), (20, 25, 30, 30, 35)
        duration = rng.choice(long) if weekly else rng.choice(short)  # the base stream's draw
        every = 1 if weekly else 2
        if rhythms:
            every = extra.choices([e for e, _ in rhythms], [w for _, w in rhythms])[0]
            if (every == 1) != weekly:  # the other class: its duration from the shape's stream
                duration = extra.choice(long if every == 1 else short)
        only = (extra.choice(buses) if restricted and vehicles > 1
                and extra.random() < restricted else "")
        row = _row(id=f"S{i:03d}", kind="stop", name=f"Landsby {i}, ved hallen", lat=lat,
                   lon=lon, every_weeks=every, vehicles=only, duration_min=duration,
                   earliest=earliest, latest=latest, days=WEEKDAYS,
                   visitors=rng.randint(8, 30))
        rows.append(row)
    daycares = round(stops * 15 / 22)
    homes = round(stops * 6 / 22)
    for i in range(1, daycares + 1):
        lat, lon = places[rng.randrange(len(places))]
        lat, lon = _offset(lat, lon, rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5))
        row = _row(id=f"D{i:03d}", kind="daycare", name=f"Børnehus {i}", lat=lat, lon=lon,
                   every_weeks=4, duration_min=rng.choice((30, 35, 40, 45)),
                   earliest="08:45", latest="11:30",
                   days=rng.choice(("mon,tue,wed,thu", WEEKDAYS)),
                   children=rng.randint(12, 40), crates=rng.choice((1, 1, 2)))
        rows.append(row)
    for i in range(1, homes + 1):
        lat, lon = places[rng.randrange(len(places))]
        lat, lon = _offset(lat, lon, rng.uniform(-1.5, 1.5), rng.uniform(-1.5, 1.5))
        row = _row(id=f"N{i:03d}", kind="nursing_home", name=f"Plejecenter {i}", lat=lat,
                   lon=lon, every_weeks=rng.choice((6, 6, 8)),
                   duration_min=rng.choice((30, 35, 40)), earliest="09:30", latest="14:00",
                   days=WEEKDAYS, residents=rng.randint(15, 45), crates=rng.choice((2, 3, 4)))
        rows.append(row)
    blocks = "".join(VEHICLE.format(n=n, max_km="null" if ebus_km is None or n < vehicles
                                    else f"{ebus_km:g}")
                     for n in range(1, vehicles + 1))
    settings = SETTINGS.format(stops=stops, vehicles=vehicles, seed=seed, vehicle_blocks=blocks,
                               closures=SUMMER if summer else "[]")
    return rows, settings


def generate_shape(name: str, seed: int = 0) -> tuple[list[dict[str, object]], str]:
    """The rows and settings of one of SHAPES."""
    sh = SHAPES[name]
    return generate(sh.stops, sh.vehicles, seed, cycles=sh.cycles, restricted=sh.restricted,
                    ebus_km=sh.ebus_km, summer=sh.summer)


def write(out: Path, rows: list[dict], settings: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "sites.csv", dict_rows(HEADER, rows), "plain")
    (out / "settings.yaml").write_text(settings, encoding="utf-8")
