"""What every lower bound returns (bound.py, bound_degree.py, bound_job.py).

Its own module so the bound modules can all return it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateBound:
    """`lower_km` ≤ the optimal km per average week of the public timetable."""

    lower_km: float | None  # None when unavailable
    # "lp" | "integer" (LP raised by CP-SAT) | "optimal" (= relaxation optimum)
    # | "shared" (bound_content.py: day contents with shared arrival times, LP)
    # | "shared-integer" (that LP raised by set-partitioning probes)
    # | "walks" (bound_qroute.py: LP over walks, when routes are too many to enumerate)
    # | "shared-walks" (day contents where the routes enumerate, walks on the other days)
    # | "neighbour" (bound_degree.py, the floor of everything) | "unavailable"
    status: str
    cycle_weeks: int
    routes: int = 0  # week-routes enumerated (all days)
    columns: int = 0  # of which the LP needed
    note: str = ""
    cpu_s: float = 0.0  # CPU seconds spent (set by bound_job.py)
    peak_mb: int = 0  # peak resident memory of the process that computed it
    final: bool = False  # the computation finished (not cut at a deadline)
    # for the stops the plan serves, asked for after the search left some unserved
    # (job.py: BoundJob.narrow); before that every report is for all servable stops
    narrowed: bool = False
    # status "optimal" from bound_content.py: the relaxation's optimum, which is a real
    # timetable (vehicle, weekday, ((stop id, phase), …)) per used day — the search may
    # take it up
    witness: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = ()
    # a real timetable (same form) that the shared-time master's contents make, not
    # proven optimal, at `incumbent_km` per average week (its contents' driven optima):
    # the cheapest found so far for every servable stop; the planner takes it up when
    # it is cheaper than the search's (docs/planner.md, "The master's timetable")
    incumbent: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = ()
    incumbent_km: float | None = None
