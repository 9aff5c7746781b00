"""Stable re-planning (`bogbus plan … --previous PLAN`).

The previous plan's public timetable is the target: every stop keeps its vehicle,
weekday, week phase and arrival unless that is infeasible ("clearly worse" is
defined as infeasible: a kept slot is never given up to save kilometres). Week
phases count continuous weeks (`calendar.week_index`), so they carry over from one
quarter to the next. The plan records every stop that moved, and why, under
`replan`.
"""

from __future__ import annotations

from datetime import date

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


def same_dataset_problem(previous: dict, instance) -> str | None:
    """Why `previous` cannot be a published plan of this data set, or None. Another
    depot, or not one of its sites in the data, means the wrong plan file was given."""
    if previous.get("depot") and previous["depot"] != instance.settings.depot:
        return (f"it starts from depot {previous['depot']}, the data from "
                f"{instance.settings.depot}")
    ids = {s.id for s in instance.sites if s.kind != "depot"}
    theirs = {s["id"] for s in previous.get("sites", []) if s.get("kind") != "depot"}
    if theirs and not (ids & theirs):
        return "none of its sites is in the data"
    return None


def first_difference(previous: dict, instance, period) -> tuple[date | None, str]:
    """The first date on which the data differs from the published plan's data, and
    what differs: a closure added, removed or changed dates its change; a change in
    sites or vehicles has no date (None: --from must be given)."""
    from .plan import _site_entry, _vehicle_entry, closure_entry

    def key(c: dict) -> tuple:
        return (c["start"], c["end"], c.get("reason", ""), tuple(c.get("sites") or ()),
                tuple(c.get("vehicles") or ()))

    theirs = {key(c) for c in previous.get("calendar", {}).get("closures", [])}
    ours = {key(closure_entry(c)) for c in instance.settings.closures}
    dates = []
    for k in theirs ^ ours:
        start, end = date.fromisoformat(k[0]), date.fromisoformat(k[1])
        if end >= period.start and start <= period.end:
            dates.append(max(start, period.start))
    if dates:
        d = min(dates)
        return d, f"closures differ from {d}"
    ours_s = {s.id: _site_entry(s) for s in instance.sites}
    theirs_s = {s["id"]: s for s in previous.get("sites", [])}
    diff_sites = sorted(sid for sid in set(ours_s) | set(theirs_s)
                        if sid not in ours_s or sid not in theirs_s
                        or any(theirs_s[sid].get(k) != v for k, v in ours_s[sid].items()))
    ours_v = [_vehicle_entry(v) for v in instance.settings.vehicles]
    if diff_sites or ours_v != previous.get("vehicles", ours_v):
        what = (f"sites {', '.join(diff_sites[:5])}" if diff_sites else "vehicles")
        return None, f"{what} changed, which has no date"
    return period.start, "nothing differs"


def outreach_preferences(plan: dict) -> dict[str, tuple[str, int]]:
    """site id → (weekday, arrival) an institution is used to from a published plan:
    its most frequent weekday, and its most frequent arrival on that weekday (ties:
    the earliest), so the next quarter keeps "Tuesday morning" where it can."""
    from collections import Counter

    from .calendar import weekday_key

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
