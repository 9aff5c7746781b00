"""Independent check and re-costing of a periodic-VRP answer in double precision.

Shares nothing with the solver: it reads the instance file's fields and the printed
routes (customer ids per day) only, so any solver's answer is judged by the same code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .pvrp import PVRPInstance

EPS = 1e-6


@dataclass
class PVRPCheck:
    cost: float  # total Euclidean distance over all days, double precision
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check(inst: PVRPInstance, answer: dict, *, cost_tolerance: float = 0.01) -> PVRPCheck:
    """Each customer with f > 0 visited once on every day of one of its allowed
    patterns and never on other days; f = 0 never visited; ≤ m routes per day;
    load ≤ Q; travel + service ≤ D when D > 0; the stated cost equals the
    recomputed one within `cost_tolerance`."""
    errors: list[str] = []
    routes = answer.get("routes", {})
    n, t = len(inst.x) - 1, inst.days

    def dist(a: int, b: int) -> float:
        return math.sqrt((inst.x[a] - inst.x[b]) ** 2 + (inst.y[a] - inst.y[b]) ** 2)

    visits: dict[int, list[int]] = {}
    total = 0.0
    for key, day_routes in routes.items():
        try:
            day = int(key)
        except ValueError:
            errors.append(f"day key {key!r} is not a number")
            continue
        if not 1 <= day <= t:
            errors.append(f"day {day} outside 1..{t}")
            continue
        used = [r for r in day_routes if r]
        if len(used) > inst.vehicles:
            errors.append(f"day {day}: {len(used)} routes, {inst.vehicles} vehicles")
        for k, r in enumerate(used):
            if any(not isinstance(c, int) or not 1 <= c <= n for c in r):
                errors.append(f"day {day} route {k}: unknown customer id in {r}")
                continue
            for c in r:
                visits.setdefault(c, []).append(day)
            load = sum(inst.demand[c] for c in r)
            if load > inst.capacity[day - 1]:
                errors.append(f"day {day} route {k}: load {load} > Q {inst.capacity[day - 1]}")
            seq = [0, *r, 0]
            length = sum(dist(a, b) for a, b in zip(seq, seq[1:]))
            total += length
            D = inst.max_duration[day - 1]
            duration = length + sum(inst.service[c] for c in r)
            if D > 0 and duration > D + EPS:
                errors.append(f"day {day} route {k}: duration {duration:.3f} > D {D}")
    for c in range(1, n + 1):
        days = visits.get(c, [])
        if len(days) != len(set(days)):
            errors.append(f"customer {c} visited twice on one day ({sorted(days)})")
        if inst.frequency[c] == 0:
            if days:
                errors.append(f"customer {c} has f = 0 but is visited on {sorted(days)}")
            continue
        if tuple(sorted(set(days))) not in {tuple(sorted(p)) for p in inst.patterns[c]}:
            errors.append(f"customer {c} visited on days {sorted(days)}, not an allowed "
                          f"pattern {[list(p) for p in inst.patterns[c]]}")
    stated = answer.get("cost")
    if not isinstance(stated, (int, float)) or abs(stated - total) > cost_tolerance:
        errors.append(f"stated cost {stated} ≠ recomputed {total:.6f}")
    return PVRPCheck(total, errors)
