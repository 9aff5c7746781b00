"""Reading and writing plan.json: the one reader (schema + structure checked) and writer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import BogbusError
from ..io.atomic import write_json
from .schema import SCHEMA, plan_structure_problems


def write_plan(data: dict[str, Any], path: Path) -> Path:
    """Write a plan (or any JSON document) so a reader never sees a half-written file."""
    return write_json(data, Path(path))


write_json_atomic = write_plan  # the old name, kept for callers on other branches


def read_plan(path: Path) -> dict[str, Any]:
    """Load a plan file, with a clear error when it is not one."""
    path = Path(path)
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BogbusError(f"{path}: no such plan file — run `bogbus plan` first") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BogbusError(f"{path}: not a readable plan.json ({exc})") from None
    if not isinstance(plan, dict) or plan.get("schema") != SCHEMA:
        raise BogbusError(f"{path}: not a bogbus plan (expected \"schema\": \"{SCHEMA}\")")
    problems = plan_structure_problems(plan)
    if problems:
        raise BogbusError(f"{path}: the plan file is damaged — re-run `bogbus plan`:\n  "
                          + "\n  ".join(problems))
    return plan
