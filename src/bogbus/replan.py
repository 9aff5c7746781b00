"""Stable re-planning (`bogbus plan … --previous PLAN`).

The previous plan's public timetable is the target: every stop keeps its vehicle,
weekday, week phase and arrival unless that is infeasible ("clearly worse" is
defined as infeasible: a kept slot is never given up to save kilometres). Week
phases count continuous weeks (`calendar.week_index`), so they carry over from one
quarter to the next. The plan records every stop that moved, and why, under
`replan`.
"""

from __future__ import annotations

from .errors import BogbusError
from .model import parse_hhmm
from .solve.template import Option


def previous_targets(plan: dict) -> dict[str, tuple[Option, int, int | None]]:
    """stop id → (vehicle/weekday/phase option, arrival minutes, every_weeks)."""
    out = {}
    for e in plan.get("stop_timetable", []):
        try:
            out[e["site_id"]] = (Option(e["vehicle"], e["weekday"], int(e["week_phase"])),
                                 parse_hhmm(e["arrival"]), e.get("every_weeks"))
        except (KeyError, TypeError, ValueError) as exc:
            raise BogbusError(f"--previous: the plan's stop_timetable entry "
                              f"{e.get('site_id', '?')} is not readable ({exc})") from None
    return out


def _slot(e: dict | None) -> dict | None:
    if e is None:
        return None
    return {"vehicle": e["vehicle"], "weekday": e["weekday"], "arrival": e["arrival"],
            "every_weeks": e.get("every_weeks"), "week_phase": e.get("week_phase")}


def replan_section(previous: dict, plan: dict, released: dict[str, str]) -> dict:
    """The `replan` key of plan.json: which stops moved against the previous plan, why."""
    before = {e["site_id"]: e for e in previous.get("stop_timetable", [])}
    after = {e["site_id"]: e for e in plan.get("stop_timetable", [])}
    unserved = {u["site_id"]: u["reason"] for u in plan.get("unserved", []) if not u.get("date")}
    kinds = {s["id"]: s["kind"] for s in plan.get("sites", [])}
    changes = []
    for sid in sorted(set(before) | set(after)):
        a, b = _slot(before.get(sid)), _slot(after.get(sid))
        if a == b:
            continue
        if b is None and kinds.get(sid) != "stop":
            reason = "no longer a public stop in the data"
        elif b is None:
            reason = f"not served: {unserved.get(sid, 'no slot found')}"
        elif a is None:
            reason = "new stop in the data"
        else:
            reason = released.get(sid, "moved by the search")
        changes.append({"site_id": sid, "from": a, "to": b, "reason": reason})
    return {
        "previous": {"scenario": previous.get("scenario"), "quarter": previous.get("quarter"),
                     "inputs_sha256": previous.get("inputs_sha256")},
        "rule": "keep each stop's vehicle, weekday, week phase and arrival unless infeasible",
        "kept": sum(1 for sid in before if sid in after
                    and _slot(before[sid]) == _slot(after[sid])),
        "moved": sum(1 for c in changes if c["from"] and c["to"]),
        "dropped": sum(1 for c in changes if c["to"] is None),
        "added": sum(1 for c in changes if c["from"] is None),
        "changes": changes,
    }
