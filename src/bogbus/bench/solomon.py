"""Solomon (1987) VRPTW instances: reader and solve through the engine's day router.

Format (see bench/instances/solomon/FORMAT.md): a name line, a VEHICLE section whose
numeric line is `K Q`, a CUSTOMER section whose data rows are 7 integers
`id x y demand ready due service`; the first row is the depot and its due date is the
route horizon. Files have CRLF line endings, column widths differ between classes and
some rows carry trailing spaces, so lines are split on whitespace.

Conventions: travel time = Euclidean distance, service starts inside [ready, due],
waiting allowed, back at the depot by its due date; objective = total distance only
(double precision), at most K vehicles (K = 25 in every Solomon file; other files
in this format, e.g. Gehring & Homberger's, bring their own K).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..solve.router import RouterProblem, route
from .check import check_routes

# Integer model: distances × SCALE. Costs are rounded; travel times are rounded UP,
# so any schedule feasible in the integer model is feasible in double precision.
SCALE = 1000


@dataclass(frozen=True)
class SolomonInstance:
    name: str
    vehicles: int  # fleet size K
    capacity: int  # Q
    ids: tuple[int, ...]  # customer number per row; row 0 is the depot
    x: tuple[float, ...]
    y: tuple[float, ...]
    demand: tuple[int, ...]
    ready: tuple[int, ...]
    due: tuple[int, ...]
    service: tuple[int, ...]


def _ints(line: str) -> list[int] | None:
    parts = line.split()
    try:
        return [int(p) for p in parts]
    except ValueError:
        return None


def parse(text: str, fallback_name: str = "") -> SolomonInstance:
    """Parse the text of a Solomon file; raises ValueError naming what is missing."""
    lines = [ln.strip() for ln in text.splitlines()]  # handles CRLF and trailing spaces
    name = next((ln for ln in lines if ln), fallback_name)
    section, fleet, rows = None, None, []
    for ln in lines:
        up = ln.upper()
        if up.startswith("VEHICLE"):
            section = "vehicle"
            continue
        if up.startswith("CUSTOMER"):
            section = "customer"
            continue
        nums = _ints(ln) if ln else None
        if not nums:
            continue
        if section == "vehicle" and fleet is None and len(nums) == 2:
            fleet = nums
        elif section == "customer" and len(nums) == 7:
            rows.append(nums)
        elif section == "customer":
            raise ValueError(f"customer row with {len(nums)} numbers, expected 7: {ln!r}")
    if fleet is None:
        raise ValueError("no VEHICLE line with 'NUMBER CAPACITY'")
    if len(rows) < 2:
        raise ValueError("need a depot row and at least one customer row")
    ids = tuple(r[0] for r in rows)
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate customer numbers")
    cols = list(zip(*rows))
    return SolomonInstance(name, fleet[0], fleet[1], ids, tuple(map(float, cols[1])),
                           tuple(map(float, cols[2])), cols[3], cols[4], cols[5], cols[6])


def read(path: str | Path) -> SolomonInstance:
    p = Path(path)
    return parse(p.read_text(encoding="utf-8-sig"), p.stem)


def euclid(inst: SolomonInstance) -> list[list[float]]:
    n = len(inst.ids)
    return [[math.hypot(inst.x[i] - inst.x[j], inst.y[i] - inst.y[j]) for j in range(n)]
            for i in range(n)]


def router_problem(inst: SolomonInstance, fleet: int | None = None) -> RouterProblem:
    """The instance as an integer RouterProblem over row indices (depot = 0)."""
    d = euclid(inst)
    n = len(d)
    return RouterProblem(
        dist=[[round(SCALE * v) for v in row] for row in d],
        time=[[math.ceil(SCALE * v) for v in row] for row in d],
        depot=0,
        customers=tuple(range(1, n)),
        service=[SCALE * s for s in inst.service],
        demand=list(inst.demand),
        windows=[(SCALE * a, SCALE * b) for a, b in zip(inst.ready, inst.due)],
        vehicles=inst.vehicles if fleet is None else fleet,  # K (25 in every Solomon file)
        capacity=inst.capacity,
    )


def solve(inst: SolomonInstance, *, time_limit_s: float, seed: int = 0) -> dict:
    """Distance-minimal routes found in the time limit, as the bench's JSON object
    (cost re-computed in double precision by the independent checker)."""
    sol = route(router_problem(inst), time_limit_s=time_limit_s, seed=seed)
    if sol is None:
        return {"instance": inst.name, "cost": None, "vehicles": 0, "routes": []}
    routes = [[inst.ids[i] for i in r] for r in sol.routes]
    res = check_routes(inst, routes)
    if not res.ok:  # cannot happen with times rounded up; never report a bad answer
        raise RuntimeError(f"{inst.name}: router answer fails the check: {res.errors[:3]}")
    return {"instance": inst.name, "cost": round(res.cost, 4), "vehicles": res.vehicles,
            "routes": routes}
