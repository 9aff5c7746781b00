"""bogbus: plans a Danish library's bookmobile (bogbus).

A Python user plans in three lines::

    from bogbus import plan_source, write_plan
    plan = plan_source("data/randers", "2027Q1", seed=0)
    write_plan(plan, "plans/randers-2027Q1/plan.json")

The API is imported lazily, so `import bogbus.model` (or the version) does not load
the solver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .pipeline import Plan, PlanRejected, plan_instance, plan_source
    from .plan.check import check_plan
    from .plan.files import read_plan, write_plan

_API = {
    "plan_source": "pipeline", "plan_instance": "pipeline", "Plan": "pipeline",
    "PlanRejected": "pipeline", "check_plan": "plan.check", "read_plan": "plan.files",
    "write_plan": "plan.files",
}
__all__ = ["Plan", "PlanRejected", "__version__", "check_plan", "plan_instance", "plan_source",
           "read_plan", "write_plan"]


def __getattr__(name: str) -> Any:
    if name in _API:
        from importlib import import_module

        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
