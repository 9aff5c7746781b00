"""`bogbus check PLAN --previous PUBLISHED`: the keep-rules of a repair, re-verified.

Independent of the solver (like `check`): it compares the repaired plan with the
published one visit by visit.
- every published visit before the repair's `from` is in the plan unchanged, and the
  plan has no other visit before `from` (the past is fact);
- from `from` on, every published visit is in the plan unchanged (date, vehicle,
  arrival, departure) unless the plan's change list names it with a reason;
- every visit of the plan from `from` on is a published one or listed as moved/added;
- a public stop's changed date is cancelled, never moved to another date, and the
  stop timetable lists it with the reason.
"""

from __future__ import annotations

from ..document import ChangedVisit, Plan
from .context import Violation


def _visits(plan: Plan, before: str | None = None, after: str | None = None
            ) -> set[tuple[str, str, str, str, str]]:
    out = set()
    for r in plan.get("routes", []):
        d = r["date"]
        if (before is not None and d >= before) or (after is not None and d < after):
            continue
        for x in r["visits"]:
            out.add((x["site_id"], d, r["vehicle"], x["arrival"], x["departure"]))
    return out


def _key(v: ChangedVisit | None, sid: str) -> tuple[str, str, str, str, str] | None:
    if not v:
        return None
    return (sid, v["date"], v["vehicle"], v["arrival"], v["departure"])


def check_keep(plan: Plan, published: Plan) -> list[Violation]:
    """Violations of the keep-rules of a repaired `plan` against `published`."""
    out: list[Violation] = []
    rep = plan.get("repair")
    if not isinstance(rep, dict) or not rep.get("from"):
        return [Violation("keep", "the plan is not a repair (no repair.from) — check "
                                  "--previous verifies a plan made with --previous P --from D")]
    prev = rep.get("previous") or {}
    if (prev.get("quarter"), prev.get("scenario"), prev.get("inputs_sha256")) != (
            published.get("quarter"), published.get("scenario"),
            published.get("inputs_sha256")):
        out.append(Violation("keep", f"the plan was repaired against {prev.get('scenario')} "
                                     f"{prev.get('quarter')}, not against the given published "
                                     "plan"))
    cut = rep["from"]
    a, b = _visits(published, before=cut), _visits(plan, before=cut)
    for sid, d, v, t, _ in sorted(a - b):
        out.append(Violation("keep", f"published visit {v} {t} before --from {cut} is "
                                     "missing or changed", d, sid))
    for sid, d, v, t, _ in sorted(b - a):
        out.append(Violation("keep", f"visit {v} {t} before --from {cut} was not published",
                             d, sid))
    changes = rep.get("changes") or []
    listed_old = {_key(c.get("old"), c["site_id"]) for c in changes}
    listed_new = {_key(c.get("new"), c["site_id"]) for c in changes}
    a, b = _visits(published, after=cut), _visits(plan, after=cut)
    for k in sorted(a - b):
        if k not in listed_old:
            out.append(Violation("keep", f"published visit {k[2]} {k[3]} changed without "
                                         "being listed in the change list", k[1], k[0]))
    for k in sorted(b - a):
        if k not in listed_new:
            out.append(Violation("keep", f"visit {k[2]} {k[3]} is new but not listed in the "
                                         "change list", k[1], k[0]))
    for c in changes:
        if not c["reason"].strip():
            slot = c["old"] or c["new"]
            out.append(Violation("keep", f"{c['change']} without a reason",
                                 slot["date"] if slot else None, c["site_id"]))
    skipped = {(e["site_id"], k["date"]) for e in plan.get("stop_timetable", [])
               for k in e.get("skipped", [])}
    moved_stops = {e["site_id"] for e in plan.get("stop_timetable", []) if e.get("valid_from")}
    for c in changes:
        if c.get("kind") != "stop" or c["site_id"] in moved_stops:
            continue
        old, new = c.get("old"), c.get("new")
        if c["change"] == "moved" and old and new and old["date"] != new["date"]:
            out.append(Violation("keep", f"public stop date moved to {new['date']} — a stop "
                                         "date is cancelled, never moved", old["date"],
                                 c["site_id"]))
        if c["change"] == "cancelled" and old and (c["site_id"], old["date"]) not in skipped:
            out.append(Violation("keep", "cancelled stop date is not listed with its reason "
                                         "in the stop timetable", old["date"], c["site_id"]))
    return out
