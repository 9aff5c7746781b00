"""One stop-slot diff between two plans' public timetables, for re-planning and compare.

A stop's *slot* is what a citizen relies on: vehicle, weekday, arrival, rhythm and
week phase. `replan` reports slots that moved against the previous plan; `compare`
reports how slots differ between scenarios — both from the same comparison here.
"""

from __future__ import annotations

from typing import Any

from ..model import parse_hhmm
from .document import Plan, StopEntry

CHANGE_KINDS = ("weekday_moved", "time_moved", "frequency_changed", "dropped", "added")


def stop_slot(entry: StopEntry | None) -> dict[str, Any] | None:
    """The citizen-visible slot of a `stop_timetable` entry (None for no entry)."""
    if entry is None:
        return None
    return {"vehicle": entry.get("vehicle"), "weekday": entry["weekday"],
            "arrival": entry["arrival"], "every_weeks": entry.get("every_weeks"),
            "week_phase": entry.get("week_phase")}


def timetable_by_stop(plan: Plan) -> dict[str, StopEntry]:
    """stop id → its `stop_timetable` entry."""
    return {e["site_id"]: e for e in plan.get("stop_timetable", [])}


def stop_changes(first: Plan, other: Plan) -> list[dict[str, Any]]:
    """Per public stop, what changed from `first`'s timetable to `other`'s; unchanged
    stops are left out. `kinds` lists weekday_moved, time_moved, frequency_changed,
    dropped, added."""
    a, b = timetable_by_stop(first), timetable_by_stop(other)
    names = {s["id"]: s["name"] for s in (*first.get("sites", []), *other.get("sites", []))}
    out = []
    for sid in sorted(set(a) | set(b)):
        x, y = a.get(sid), b.get(sid)
        kinds: list[str] = []
        moved = None
        if y is None:
            kinds.append("dropped")
        elif x is None:
            kinds.append("added")
        else:
            if x["weekday"] != y["weekday"]:
                kinds.append("weekday_moved")
            moved = parse_hhmm(y["arrival"]) - parse_hhmm(x["arrival"])
            if moved:
                kinds.append("time_moved")
            if x.get("every_weeks") != y.get("every_weeks"):
                kinds.append("frequency_changed")
        if not kinds:
            continue
        out.append({"site_id": sid, "name": names.get(sid, ""), "kinds": kinds,
                    "time_moved_min": moved, "from": stop_slot(x), "to": stop_slot(y)})
    return out
