"""The rows every lower-bound master LP starts from (bound.py, bound_qroute.py,
bound_content.py): each served stop covered exactly once, with a penalised artificial
per stop so the LP is feasible before any column exists — one definition, so the three
masters cannot drift apart on what "uncovered" costs."""

from __future__ import annotations

from ortools.linear_solver import pywraplp

from ...model import Site

UNCOVERED_PENALTY = 1e6  # 0.1 km per week: keeps the master feasible before columns exist


def stop_rows(solver: pywraplp.Solver, stops: list[Site]
              ) -> tuple[dict[str, pywraplp.Constraint], list[pywraplp.Variable]]:
    """Stop id → its "covered exactly once" row, and the artificial variables (their
    sum is what the LP leaves uncovered)."""
    obj = solver.Objective()
    rows = {s.id: solver.Constraint(1, 1, f"assign_{s.id}") for s in stops}
    artificial = []
    for s in stops:
        a = solver.NumVar(0, 1, f"uncovered_{s.id}")
        rows[s.id].SetCoefficient(a, 1)
        obj.SetCoefficient(a, UNCOVERED_PENALTY)
        artificial.append(a)
    return rows, artificial
