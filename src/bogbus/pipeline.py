"""The one way into planning: load → plan → build plan.json → check or refuse.

The CLI (`plan`, `compare`), year planning and the tests all call `plan_source`, so
the rule "never hand out a plan the independent checker rejects" lives in one place.
Writing and rendering are left to the caller.
"""

from __future__ import annotations

from collections.abc import Callable

from .calendar import Period, parse_quarter
from .errors import BogbusError
from .io import load_source
from .io.collections import refuse_history_from
from .io.previous import PreviousPlan, previous_plan
from .model import Instance
from .plan.build import build_plan
from .plan.check import Violation, check_plan
from .plan.document import Plan  # a plan.json document (schema bogbus.plan/1, docs/plan-json.md)
from .solve.planner import plan_quarter


class PlanRejected(BogbusError):
    """The planner made a plan its own checker rejects: a bug, never written to disk."""

    def __init__(self, source: str, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__(f"{source}: internal error: the plan broke {len(violations)} rule(s), "
                         f"first: {violations[0]} — nothing written; please report this "
                         "with the data")


def plan_instance(instance: Instance, period: Period | str, *,
                  time_limit_s: float | None = None, seed: int | None = None,
                  previous: PreviousPlan | Plan | None = None,
                  progress: Callable[[str], None] | None = None,
                  work: int | None = None, started: float | None = None) -> Plan:
    """Plan an already loaded instance; the checked plan dict (raises PlanRejected).
    `work`: the search's work budget in day solves, for reproducible runs; `started`:
    the perf_counter() the time limit counts from (default now), e.g. before loading
    (docs/planner.md, "Time and work")."""
    if isinstance(period, str):
        period = parse_quarter(period)
    if isinstance(previous, dict):
        previous = previous_plan(previous)
    refuse_history_from(instance, period.start, period.quarter)
    result = plan_quarter(instance, period, time_limit_s=time_limit_s, seed=seed,
                          work=work, progress=progress, previous=previous, started=started)
    plan = build_plan(result)
    violations = check_plan(plan, instance)
    if violations:
        raise PlanRejected(instance.source or instance.scenario, violations)
    return plan


def plan_source(source: str, period: Period | str, *, time_limit_s: float | None = None,
                seed: int | None = None, previous: PreviousPlan | Plan | None = None,
                progress: Callable[[str], None] | None = None,
                work: int | None = None) -> Plan:
    """Plan `source` (a data folder or scenario file) for `period` (a Period or "2027Q1").

    Input problems raise `InputError` (file, row, column, fix); the result is a plan
    dict that `bogbus check` accepts — write it with `plan.files.write_plan`."""
    return plan_instance(load_source(source), period, time_limit_s=time_limit_s, seed=seed,
                         previous=previous, progress=progress, work=work)


def repair_instance(instance: Instance, previous: Plan, period: Period | str,
                    from_text: str | None, *, seed: int = 0) -> tuple[Plan, str]:
    """Repair `previous` (a published plan of `period`) for `instance` from `from_text`
    (default: the first date the data differs): (checked plan dict, how `from` was
    chosen). Bad input raises BogbusError before anything is written; a repair the
    checker rejects raises PlanRejected (docs/replanning.md)."""
    from .plan.repair import plan_repair

    if isinstance(period, str):
        period = parse_quarter(period)
    refuse_history_from(instance, period.start, period.quarter)
    plan, how = plan_repair(instance, previous, period, from_text, seed=seed)
    violations = check_plan(plan, instance)
    if violations:
        raise PlanRejected(instance.source or instance.scenario, violations)
    return plan, how
