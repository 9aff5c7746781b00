"""Old import path of the checker; it lives in `bogbus.plan.check` (one module per rule)."""

from .plan.check import Violation, check_plan

__all__ = ["Violation", "check_plan"]
