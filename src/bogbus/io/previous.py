"""A previous plan as the planner needs it (`bogbus plan … --previous PLAN`).

The planner must not depend on plan-file code (plan sits above solve), so the plan
dict is turned here, once, into typed slots; the raw dict travels along only so the
new plan can report what moved against it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..calendar import weekday_key
from ..errors import BogbusError
from ..model import parse_hhmm

if TYPE_CHECKING:  # the document's type only: plan.document is pure types, imports nothing
    from ..plan.document import Plan


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
    """The previous plan's stop slots by stop id, each institution's usual weekday and
    arrival (`outreach_preferences`), and the plan dict they came from."""

    slots: dict[str, PreviousSlot]
    plan: Plan
    outreach_prefs: dict[str, tuple[str, int]] = field(default_factory=dict)


def previous_plan(plan: Plan) -> PreviousPlan:
    """Typed stop slots of a plan dict already read by `plan.files.read_plan`."""
    slots = {}
    for e in plan.get("stop_timetable", []):
        try:
            slots[e["site_id"]] = PreviousSlot(e["vehicle"], e["weekday"], int(e["week_phase"]),
                                               parse_hhmm(e["arrival"]), int(e["every_weeks"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BogbusError(f"--previous: the plan's stop_timetable entry "
                              f"{e.get('site_id', '?')} is not readable ({exc})") from None
    return PreviousPlan(slots, plan, outreach_preferences(plan))


def outreach_preferences(plan: Plan) -> dict[str, tuple[str, int]]:
    """site id → (weekday, arrival) an institution is used to from a published plan:
    its most frequent weekday, and its most frequent arrival on that weekday (ties:
    the earliest), so the next quarter keeps "Tuesday morning" where it can."""
    seen: dict[str, list[tuple[str, int]]] = {}
    for r in plan.get("routes", []):
        wd = weekday_key(date.fromisoformat(r["date"]))
        for x in r["visits"]:
            if x.get("kind", "stop") != "stop":
                seen.setdefault(x["site_id"], []).append((wd, parse_hhmm(x["arrival"])))
    out = {}
    for sid, vs in sorted(seen.items()):
        days = Counter(wd for wd, _ in vs)
        wd = min(days, key=lambda d: (-days[d], d))
        times = Counter(t for d, t in vs if d == wd)
        out[sid] = (wd, min(times, key=lambda t: (-times[t], t)))
    return out
