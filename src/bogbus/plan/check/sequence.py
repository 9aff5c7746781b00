"""Plans checked against the plan before them: `check PLAN --previous PUBLISHED` and a
year folder (`check plans/<scenario>-<year>`, written by `plan --year`).

A published plan of the same quarter is the one a repair keeps (`keep`); the plan of
the quarter just before is the one whose last visits each institution's rhythm runs on
from (`rhythm.check_rhythm_across`). A year folder is each quarter's own check plus
every boundary between its quarters (and before Q1, given the quarter before it).
"""

from __future__ import annotations

from pathlib import Path

from ...errors import BogbusError
from ...model import Instance
from ..document import Plan
from . import check_plan
from .context import Violation
from .keep import check_keep
from .rhythm import check_rhythm_across

YEAR_QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def check_against(plan: Plan, published: Plan,
                  instance: Instance | None = None) -> list[Violation]:
    """The rules `plan` keeps towards `published`: a repair's keep-rules when both are
    of one quarter, the rhythm across the boundary when `published` is the quarter
    before (anything else is one violation saying so)."""
    if published.get("quarter") == plan.get("quarter"):
        out = check_keep(plan, published)
        if plan.get("rhythm") != published.get("rhythm"):
            out.append(Violation("rhythm", "the repair changed the rhythm section (the last "
                                           "visits before the quarter) of the published plan"))
        return out
    return check_rhythm_across(plan, published, instance)


def plan_files(path: Path) -> tuple[list[Path], bool]:
    """What `check PATH` verifies: (the plan files, whether they are a year's). A
    quarter's output folder (`plan --out DIR` writes DIR/plan.json) is its plan file —
    the folder a planner has just been told about; a year folder gives its quarters."""
    if not path.is_dir():
        return [path], False
    if (path / "plan.json").is_file():
        return [path / "plan.json"], False
    return year_plan_files(path), True


def year_plan_files(folder: Path) -> list[Path]:
    """The quarters' plan.json files of a year folder, Q1 first; a clear error when the
    folder holds none."""
    files = [folder / q / "plan.json" for q in YEAR_QUARTERS
             if (folder / q / "plan.json").is_file()]
    if not files:
        raise BogbusError(f"{folder}: neither a plan file, a plan's folder (plan.json) nor a "
                          "year folder (Q1/plan.json … Q4/plan.json, as `bogbus plan --year` "
                          "writes) — give a plan.json, the folder `bogbus plan --out` wrote, "
                          "or the folder of a year")
    return files


def check_year(plans: list[Plan], instance: Instance | None = None,
               before: Plan | None = None) -> list[tuple[str, Violation]]:
    """(quarter, violation) for every rule the year's plans (in order) break, each on
    its own and across each boundary — from `before` (the quarter before the first)
    too when given."""
    out: list[tuple[str, Violation]] = []
    prev = before
    for plan in plans:
        q = str(plan.get("quarter"))
        out += [(q, v) for v in check_plan(plan, instance)]
        if prev is not None:
            out += [(q, v) for v in check_against(plan, prev, instance)]
        prev = plan
    return out
