"""A previous plan as the planner needs it (`bogbus plan … --previous PLAN`).

The planner must not depend on plan-file code (plan sits above solve), so the plan
dict is turned here, once, into typed slots; the raw dict travels along only so the
new plan can report what moved against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import BogbusError
from ..model import parse_hhmm


@dataclass(frozen=True)
class PreviousSlot:
    """A stop's public slot in the previous plan: what re-planning tries to keep."""

    vehicle: str
    weekday: str
    week_phase: int
    arrival: int  # minutes after midnight
    every_weeks: int


@dataclass(frozen=True)
class PreviousPlan:
    """The previous plan's stop slots by stop id, and the plan dict they came from."""

    slots: dict[str, PreviousSlot]
    plan: dict[str, Any]


def previous_plan(plan: dict[str, Any]) -> PreviousPlan:
    """Typed stop slots of a plan dict already read by `plan.files.read_plan`."""
    slots = {}
    for e in plan.get("stop_timetable", []):
        try:
            slots[e["site_id"]] = PreviousSlot(e["vehicle"], e["weekday"], int(e["week_phase"]),
                                               parse_hhmm(e["arrival"]), int(e["every_weeks"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BogbusError(f"--previous: the plan's stop_timetable entry "
                              f"{e.get('site_id', '?')} is not readable ({exc})") from None
    return PreviousPlan(slots, plan)
