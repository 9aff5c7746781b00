"""The one way bogbus sets up a CP-SAT solver.

Every model the planner solves (a day, the bound's probes, the recombination) must be
deterministic and interruptible in the same way: one worker (parallel CP-SAT is not
reproducible), a fixed seed, a deterministic-time limit as the real budget and a wall
limit only as a safety net, and Ctrl-C left to bogbus instead of being swallowed by
OR-Tools (its default catches SIGINT and ends only the current solve).
"""

from __future__ import annotations

from ortools.sat.python import cp_model


def deterministic_solver(seed: int, det_limit: float, wall_s: float | None = None
                         ) -> cp_model.CpSolver:
    """A single-worker CP-SAT solver limited by `det_limit` deterministic seconds and,
    when given, `wall_s` wall seconds (at least 10 ms, so a solve can always start)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.catch_sigint_signal = False  # Ctrl-C stops bogbus, not one solve
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = det_limit
    if wall_s is not None:
        solver.parameters.max_time_in_seconds = max(0.01, wall_s)
    return solver
