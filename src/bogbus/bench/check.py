"""Independent feasibility check and re-costing of VRPTW routes in double precision.

Deliberately shares nothing with the solver: it reads only the instance and the
routes (customer ids), so the bench's own answer and every peer's answer are judged
by the same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol


class VRPTWInstance(Protocol):
    """What the check reads of an instance (bench.solomon.SolomonInstance is one): the
    check names only this, so it needs nothing of the module that calls it."""

    @property
    def vehicles(self) -> int: ...
    @property
    def capacity(self) -> int: ...
    @property
    def ids(self) -> tuple[int, ...]: ...
    @property
    def x(self) -> tuple[float, ...]: ...
    @property
    def y(self) -> tuple[float, ...]: ...
    @property
    def demand(self) -> tuple[int, ...]: ...
    @property
    def ready(self) -> tuple[int, ...]: ...
    @property
    def due(self) -> tuple[int, ...]: ...
    @property
    def service(self) -> tuple[int, ...]: ...

EPS = 1e-6  # tolerance on time comparisons in double precision


@dataclass
class CheckResult:
    cost: float  # total Euclidean distance, double precision
    vehicles: int  # non-empty routes
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_routes(inst: VRPTWInstance, routes: list[list[int]]) -> CheckResult:
    """Every customer exactly once, load ≤ Q, service starts in [ready, due] (waiting
    allowed), back at the depot by its due date, at most K routes; cost = Σ Euclid."""
    row = {cid: i for i, cid in enumerate(inst.ids)}
    errors: list[str] = []
    seen: dict[int, int] = {}
    total = 0.0
    used = [r for r in routes if r]
    if len(used) > inst.vehicles:
        errors.append(f"{len(used)} routes, fleet is {inst.vehicles}")

    def d(a: int, b: int) -> float:
        return math.hypot(inst.x[a] - inst.x[b], inst.y[a] - inst.y[b])

    for k, r in enumerate(used):
        load, t, prev = 0, float(inst.ready[0]), 0
        for cid in r:
            i = row.get(cid)
            if i is None or i == 0:
                errors.append(f"route {k}: {cid} is not a customer")
                continue
            seen[cid] = seen.get(cid, 0) + 1
            load += inst.demand[i]
            total += d(prev, i)
            t = max(t + d(prev, i), inst.ready[i])
            if t > inst.due[i] + EPS:
                errors.append(f"route {k}: customer {cid} starts at {t:.3f} > due {inst.due[i]}")
            t += inst.service[i]
            prev = i
        total += d(prev, 0)
        t += d(prev, 0)
        if t > inst.due[0] + EPS:
            errors.append(f"route {k}: back at depot {t:.3f} > {inst.due[0]}")
        if load > inst.capacity:
            errors.append(f"route {k}: load {load} > capacity {inst.capacity}")
    for cid in inst.ids[1:]:
        if seen.get(cid, 0) != 1:
            errors.append(f"customer {cid} served {seen.get(cid, 0)} times")
    return CheckResult(total, len(used), errors)
