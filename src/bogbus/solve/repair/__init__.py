"""Repairing a published plan from a date on (docs/replanning.md): keep the past and every
untouched visit, cancel or move what the new data forbids.

What the rest of bogbus may use; the modules of the package are its own."""

from __future__ import annotations

from .core import RepairResult, repair_quarter

__all__ = ["RepairResult", "repair_quarter"]
