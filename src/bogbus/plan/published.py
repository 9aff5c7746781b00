"""The published plan a repair starts from, checked before the repair relies on it.

A repair keeps the published plan's past as fact and continues its rotation. A
plan.json that was edited by hand (a vehicle renamed, a collection id changed, the
rotation section cut) used to surface only after repairing, as the checker's
"internal error … please report" — blaming bogbus for the user's file. So the parts a
repair reads are checked here first, and the independent checker is run on the
published plan alone: anything wrong is a message naming the key, exit 1.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import BogbusError
from .check import check_plan
from .document import Plan

_FIX = "give the plan.json bogbus wrote when the plan was published, unedited"


def _is_date(text: Any) -> bool:
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return True


def _rotation_problem(rot: Any) -> str | None:
    """The first key of the rotation section that does not have its shape, or None."""
    if rot is None:
        return None
    if not isinstance(rot, dict):
        return "rotation is not an object"
    if not isinstance(rot.get("collections"), list) or not all(
            isinstance(c, dict) and isinstance(c.get("id"), str)
            and isinstance(c.get("kind"), str) and isinstance(c.get("crates"), int)
            for c in rot["collections"]):
        return "rotation.collections is not a list of {id, kind, crates}"
    held = rot.get("holdings_at_start", {})
    if not isinstance(held, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in held.items()):
        return "rotation.holdings_at_start is not an object of site id → collection id"
    for i, h in enumerate(rot.get("history", []) if isinstance(rot.get("history", []), list)
                          else [None]):
        if not (isinstance(h, dict) and isinstance(h.get("site_id"), str)
                and isinstance(h.get("collection_id"), str) and _is_date(h.get("date"))):
            return f"rotation.history[{i}] is not {{site_id, collection_id, date YYYY-MM-DD}}"
    if not isinstance(rot.get("shortfall", []), list):
        return "rotation.shortfall is not a list"
    return None


def _visits_problem(plan: Plan) -> str | None:
    """The first visit whose deliver/collect is not a list of collection ids, or None."""
    for i, r in enumerate(plan["routes"]):
        for j, v in enumerate(r["visits"]):
            for key in ("deliver", "collect"):
                if key in v and not (isinstance(v[key], list)
                                     and all(isinstance(c, str) for c in v[key])):
                    return f"routes[{i}].visits[{j}].{key} is not a list of collection ids"
    return None


def check_published(previous: Plan) -> None:
    """Raise `BogbusError` naming what is wrong with the published plan (`--previous`);
    it has passed `read_plan`'s structural check already."""
    what = _rotation_problem(previous.get("rotation")) or _visits_problem(previous)
    if what:
        raise BogbusError(f"--previous: the published plan is damaged: {what} — {_FIX}")
    broken = check_plan(previous)
    if broken:
        raise BogbusError(f"--previous: the published plan breaks {len(broken)} of bogbus's "
                          f"rules by itself, first: {broken[0]} — so it was edited after it "
                          f"was written; {_FIX}")
