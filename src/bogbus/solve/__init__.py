"""The planner engine (see planner.py for the decomposition).

`plan_quarter` and `PlanResult` are imported lazily, so a caller that needs one layer
only (the benchmarks use `solve.router`) does not pay for importing CP-SAT and the
whole planner: about 1 s of a 10 s benchmark budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .planner import PlanResult, plan_quarter

__all__ = ["PlanResult", "plan_quarter"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import planner

        return getattr(planner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
