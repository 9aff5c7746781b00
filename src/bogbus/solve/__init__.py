"""The planner engine (see planner.py for the decomposition)."""

from .planner import PlanResult, plan_quarter

__all__ = ["PlanResult", "plan_quarter"]
