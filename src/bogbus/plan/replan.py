"""Stable re-planning (`bogbus plan … --previous PLAN`).

The previous plan's public timetable is the target: every stop keeps its vehicle,
weekday, week phase and arrival unless that is infeasible ("clearly worse" is
defined as infeasible: a kept slot is never given up to save kilometres). Week
phases count continuous weeks (`calendar.week_index`), so they carry over from one
quarter to the next. The plan records every stop that moved, and why, under
`replan`. Reading the previous plan for the planner is `io.previous`.
"""

from __future__ import annotations

from .diff import stop_slot as _slot
from .diff import timetable_by_stop
from .document import Plan, Replan


def replan_section(previous: Plan, plan: Plan,
                   released: dict[str, str]) -> Replan:
    """The `replan` key of plan.json: which stops moved against the previous plan, why."""
    before, after = timetable_by_stop(previous), timetable_by_stop(plan)
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

