"""plan.json as Python types: one TypedDict per section (docs/plan-json.md).

A plan travels between five layers — the builder, the checker, the renderers, the
comparison and the repair — as the JSON document itself. These types name its keys so
mypy checks every lookup (a typo like `r["vehicel"]` or a key read from the wrong
section fails `make lint`), and `plan.schema` checks the same keys at run time when a
file is read: what these types promise, `read_plan` has verified. Keys marked
`NotRequired` are absent from some plans (older ones, or a section only a repair or a
`--previous` plan has). A JSON document may carry keys these types do not name (a
newer bogbus, another branch's additions): the reader tolerates them.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict, cast

# One drive of a route: `legs[i]` reaches `visits[i]`, the last one the depot. ("from"
# is a Python keyword, hence the functional form.) "shape": the road's [lat, lon] points
# (osm) or the waypoints of a leg round the water (a water file); "via": the bridges and
# ferries such a leg crosses, in driving order.
Leg = TypedDict("Leg", {"from": str, "to": str, "km": float, "min": int,
                        "shape": NotRequired[list[list[float]]],
                        "via": NotRequired[list[str]]})


class Visit(TypedDict):
    """A stop or institution visit on a dated route."""

    site_id: str
    arrival: str  # HH:MM
    departure: str
    kind: NotRequired[str]
    deliver: NotRequired[list[str]]  # collection ids (rotation)
    collect: NotRequired[list[str]]
    uid: NotRequired[str]  # a repaired plan's calendar identity of the visit
    sequence: NotRequired[int]


class Break(TypedDict):
    start: str
    end: str


# One vehicle's day: depot → visits → depot; "break" is null on a day without one.
Route = TypedDict("Route", {
    "date": str, "vehicle": str, "start": str, "end": str, "km": float, "drive_min": int,
    "legs": list[Leg], "visits": list[Visit], "break": NotRequired["Break | None"],
    "weekday": NotRequired[str], "crates": NotRequired[int]})


class Skipped(TypedDict):
    date: str
    reason: str


class StopEntry(TypedDict):
    """A public stop's slot in the regular timetable and the dates it gives."""

    site_id: str
    vehicle: str
    weekday: str
    arrival: str
    departure: str
    every_weeks: int
    dates: list[str]
    skipped: list[Skipped]
    week_phase: NotRequired[int]
    week_parity: NotRequired[str | None]
    valid_from: NotRequired[str]  # a slot new from a repair


class Site(TypedDict):
    id: str
    kind: str
    name: str
    lat: float
    lon: float
    every_weeks: int | None
    duration_min: int
    days: list[str]
    earliest: str | None
    latest: str | None
    children: float | None
    residents: float | None
    visitors: float | None
    crates: float | None
    address: NotRequired[str | None]
    vehicles: NotRequired[list[str] | None]


Vehicle = TypedDict("Vehicle", {
    "name": str, "shifts": dict[str, str], "energy": dict[str, "float | None"],
    "max_km_per_day": "float | None", "crate_capacity": "int | None",
    "break": "dict[str, Any] | None",
    # size and ferry rights for the crossings that limit them (settings.yaml); today's
    # builder does not write them, a plan that has them is read and checked
    "length_m": NotRequired["float | None"], "weight_t": NotRequired["float | None"],
    "ferries": NotRequired["list[str] | None"]})


class Collection(TypedDict):
    id: str
    name: str
    kind: str
    crates: int
    notes: NotRequired[str]


class Delivery(TypedDict):
    site_id: str
    collection_id: str
    date: str


class ShortfallVisit(TypedDict):
    """A visit that gets no collection, or one it had too recently."""

    site_id: str
    date: str
    vehicle: str
    collection_id: str | None
    problem: str  # none | repeat


class Shortfall(TypedDict):
    """Per rotation kind: the collections the plan has, how many more it needs, and
    the visits hit (`check` verifies each against the replay)."""

    kind: str
    collections: int
    more_needed: int | None  # None: even one more per visit hit was not enough
    visits: list[ShortfallVisit]


class Rotation(TypedDict):
    """Rotating book collections (collections.csv): rules, holdings, history, use."""

    no_repeat_weeks: int
    collections: list[Collection]
    holdings_at_start: dict[str, str]
    history: list[Delivery]
    uses: dict[str, int]
    # the solver's own entries (solve sits below plan and cannot use these types); the
    # reader checks every key of `Shortfall`
    shortfall: list[Shortfall]
    solver_status: NotRequired[str]


class ChangedVisit(TypedDict):
    date: str
    vehicle: str
    arrival: str
    departure: str


class Change(TypedDict):
    """One visit a repair cancelled, moved, released or added."""

    change: str  # cancelled | moved | released | added
    site_id: str
    name: str
    kind: str
    old: ChangedVisit | None
    new: ChangedVisit | None
    reason: str
    uid: str
    sequence: int


class PlanRef(TypedDict):
    scenario: str | None
    quarter: str | None
    inputs_sha256: NotRequired[str | None]


Repair = TypedDict("Repair", {  # "from" is a keyword
    "from": str, "previous": PlanRef, "rule": NotRequired[str], "counts": dict[str, int],
    "changes": list[Change], "earlier_cancellations": NotRequired[list[Change]],
    "new_sites": NotRequired[list[str]]})


class Replan(TypedDict):
    """What moved against the `--previous` plan (each change's "from"/"to": a slot or null)."""

    previous: PlanRef
    rule: NotRequired[str]
    kept: int
    moved: int
    dropped: int
    added: int
    changes: list[dict[str, Any]]


class Goals(TypedDict):
    children_per_year: NotRequired[float | None]


class Costs(TypedDict):
    per_km: NotRequired[float | None]
    per_hour: NotRequired[float | None]


class TravelModel(TypedDict):
    """How the plan's legs were timed; greatcircle plans carry their two parameters so
    `check` can re-derive every leg without the data folder."""

    model: str
    circuity: NotRequired[float]
    speed_kmh: NotRequired[float]
    file: NotRequired[str | None]
    sha256: NotRequired[str | None]
    format: NotRequired[str]  # matrix: csv | osrm-table
    # greatcircle round the water of a water file: its name and sha256 (the map redraws
    # the water only while they match), and the crossings used (name → bridge | ferry)
    water: NotRequired[str]
    water_sha256: NotRequired[str]
    crossings: NotRequired[dict[str, str]]
    in_season: NotRequired[dict[str, bool]]  # seasonal ferry → sails in this quarter
    # osm: the speed table and snapping settings, the graph, the crop to the boundary
    # (null without one) and the ferries used and refused (name → why)
    speeds_kmh: NotRequired[dict[str, float]]
    max_speed_kmh: NotRequired[float]
    snap_warn_m: NotRequired[float]
    snap_max_m: NotRequired[float]
    snap_speed_kmh: NotRequired[float]
    crop_margin_km: NotRequired[float]
    snap: NotRequired[dict[str, float]]
    graph: NotRequired[dict[str, int]]
    crop: NotRequired[OsmCrop | None]
    ferries_used: NotRequired[list[str]]
    ferries_not_used: NotRequired[dict[str, str]]
    cache_key: NotRequired[str]


class OsmCrop(TypedDict):
    """The road file cropped to the municipality's boundary (osm)."""

    boundary: str
    boundary_sha256: str
    margin_km: float
    ways: int
    nodes: int


class Rhythm(TypedDict):
    """Where the institutions' every-N-weeks rhythm runs on from: the quarter this plan
    continues and each institution's last visit before this quarter (YYYY-MM-DD)."""

    continues: str
    last_visits: dict[str, str]


class Kpis(TypedDict, total=False):
    """Key figures (plan.kpis); `check` re-derives each from the routes."""

    km_total: float
    drive_hours: float
    route_hours: float
    public_service_hours: float
    visits: dict[str, int]
    children_unique: float
    child_visits: float
    residents_unique: float
    resident_visits: float
    visitors_expected: float
    service_days: int
    energy: dict[str, float]
    co2_kg: float
    lower_bound_km: float | None
    gap_pct: float | None
    lower_bound_scope: str | None
    lower_bound_method: str
    lower_bound_note: str | None
    template_km_per_week: float
    institutions_visited: int
    institutions_one_weekday: int
    children_reached: float  # plans from before the reach split (kpis.upgrade_kpis)
    residents_reached: float


class Unserved(TypedDict):
    site_id: str
    date: str | None
    reason: str


class Closure(TypedDict):
    start: str
    end: str
    reason: str
    sites: NotRequired[list[str]]
    vehicles: NotRequired[list[str]]


class Holiday(TypedDict):
    date: str
    name: str


class Calendar(TypedDict):
    holidays: list[Holiday]
    closures: list[Closure]


class PlanPeriod(TypedDict):
    start: str
    end: str


class Plan(TypedDict):
    """A plan.json document (schema bogbus.plan/1)."""

    schema: str
    scenario: str
    quarter: str
    period: PlanPeriod
    data: str | None
    library: dict[str, Any]
    depot: str
    sites: list[Site]
    vehicles: list[Vehicle]
    settings: dict[str, int]
    co2_factors: dict[str, float]
    calendar: Calendar
    stop_timetable: list[StopEntry]
    routes: list[Route]
    unserved: list[Unserved]
    kpis: Kpis
    inputs_sha256: NotRequired[str | None]
    generated_by: NotRequired[dict[str, Any]]
    travel_model: NotRequired[TravelModel]
    solver: NotRequired[dict[str, Any]]
    goals: NotRequired[Goals | None]
    costs: NotRequired[Costs | None]
    rotation: NotRequired[Rotation]
    repair: NotRequired[Repair]
    replan: NotRequired[Replan]
    rhythm: NotRequired[Rhythm]


def built(doc: dict[str, Any]) -> Plan:
    """The one place a dict becomes a `Plan` without the reader: the builders
    (`plan.build`, `plan.repair`) compose the document from shared parts (header, data,
    sections) that mypy cannot add up key by key. What they make is held to this type by
    `check_plan`, which the pipeline runs on every plan before anyone sees it, and by
    tests that run the reader's schema on built plans."""
    return cast(Plan, doc)
