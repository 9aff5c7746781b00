"""Reading and writing plan.json: the one reader (schema + structure checked) and writer."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, cast

from ..errors import BogbusError
from ..io.atomic import write_json
from ..io.files import MAX_PLAN_BYTES, read_input_text
from .document import Plan
from .kpis import upgrade_kpis
from .schema import SCHEMA, plan_structure_problems


def write_plan(data: Plan | dict[str, Any], path: Path) -> Path:
    """Write a plan (or any JSON document) so a reader never sees a half-written file."""
    return write_json(data, Path(path))


write_json_atomic = write_plan  # the old name, kept for callers on other branches


def _no_constant(name: str) -> float:
    """NaN and Infinity are not JSON; a plan holding them was not written by bogbus."""
    raise ValueError(f"{name} is not a number JSON allows")


def read_plan(path: Path) -> Plan:
    """Load a plan file, with a clear error when it is not one."""
    path = Path(path)
    if not os.path.lexists(path):
        raise BogbusError(f"{path}: no such plan file — run `bogbus plan` first")
    text = read_input_text(path, MAX_PLAN_BYTES, "plan file")  # regular files, size cap
    try:
        plan = json.loads(text, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        raise BogbusError(f"{path}: not a readable plan.json ({exc})") from None
    except RecursionError:  # [[[[… 100,000 deep: no plan nests more than a few levels
        raise BogbusError(f"{path}: not a plan.json (nested far too deep)") from None
    if not isinstance(plan, dict) or plan.get("schema") != SCHEMA:
        raise BogbusError(f"{path}: not a bogbus plan (expected \"schema\": \"{SCHEMA}\")")
    problems = plan_structure_problems(plan)
    if problems:
        raise BogbusError(f"{path}: the plan file is damaged — re-run `bogbus plan`:\n  "
                          + "\n  ".join(problems))
    # the document now has every key and type plan.document names
    return upgrade_kpis(cast(Plan, plan))  # plans from before the reach split get the four figures
