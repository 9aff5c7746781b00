"""What changed between a published plan and its repair, visit by visit, and for whom.

The change list is the one source for `changes.csv`/`changes.json`, the notices and
letters, and the calendar's UID/SEQUENCE/STATUS: a visit keeps the UID it was
published with, a moved visit gets the next SEQUENCE, a cancelled one is published
again as cancelled. Kinds: `cancelled` (a stop date that a closure or the day's route
takes away; never moved), `moved` (same visit, other date/time/vehicle), `released`
(a published visit given up to make room for an addition; `new` is where it went, or
null), `added` (a visit the published plan did not have).
"""

from __future__ import annotations

from datetime import date

from ..io.csvwrite import csv_text
from .document import Change, ChangedVisit, Plan
from .visitid import plan_visits, visit_uid

KINDS = ("cancelled", "moved", "released", "added")
CSV_COLUMNS = ("change", "site_id", "name", "kind", "old_date", "old_time", "old_vehicle",
               "new_date", "new_time", "new_vehicle", "reason", "uid", "sequence")


def _slim(v: dict | None) -> ChangedVisit | None:
    if v is None:
        return None
    return {"date": v["date"], "vehicle": v["vehicle"], "arrival": v["arrival"],
            "departure": v["departure"]}


def diff_visits(previous: Plan, plan: Plan, from_date: date | None = None,
                reasons: dict[tuple[str, str], str] | None = None,
                added: dict[str, str] | None = None
                ) -> tuple[list[Change], dict[tuple[str, str, str, str, str], tuple[str, int]]]:
    """(changes, identity): every visit from `from_date` on that differs, and for each
    visit of `plan` (site, date, vehicle, arrival, departure) → (uid, sequence) so calendars update
    instead of duplicating. `reasons` maps a published (site, ISO date) to why it
    changed; without it reasons come from the plan's own skipped dates."""
    reasons = reasons or {}
    added = added or {}
    cut = from_date.isoformat() if from_date else ""
    names = {s["id"]: s.get("name", s["id"]) for s in previous.get("sites", [])}
    names.update({s["id"]: s.get("name", s["id"]) for s in plan.get("sites", [])})
    skipped = {(e["site_id"], k["date"]): k["reason"] for e in plan.get("stop_timetable", [])
               for k in e.get("skipped", [])}
    old = [v for v in plan_visits(previous) if v["date"] >= cut]
    new = [v for v in plan_visits(plan) if v["date"] >= cut]
    identity: dict[tuple[str, str, str, str, str], tuple[str, int]] = {}
    used = {v["uid"] for v in plan_visits(previous)}
    changes: list[Change] = []
    by_site: dict[str, tuple[list[dict], list[dict]]] = {}
    for v in old:
        by_site.setdefault(v["site_id"], ([], []))[0].append(v)
    for v in new:
        by_site.setdefault(v["site_id"], ([], []))[1].append(v)

    def key(v: dict) -> tuple[str, str, str, str, str]:
        return (v["site_id"], v["date"], v["vehicle"], v["arrival"], v["departure"])

    def change(kind: str, sid: str, a: dict | None, b: dict | None, why: str) -> None:
        if a is not None:
            src, (uid, seq) = a, (a["uid"], a["sequence"] + 1)
        else:
            assert b is not None  # a change has an old or a new visit
            src, (uid, seq) = b, identity[key(b)]
        changes.append({"change": kind, "site_id": sid, "name": names.get(sid, sid),
                        "kind": src["kind"], "old": _slim(a), "new": _slim(b),
                        "reason": why, "uid": uid, "sequence": seq})

    for sid in sorted(by_site):
        a_list, b_list = by_site[sid]
        b_keys = {key(b): b for b in b_list}
        rest_a = []
        for a in a_list:
            b = b_keys.pop(key(a), None)
            if b is not None:  # untouched: same date, vehicle and time
                identity[key(b)] = (a["uid"], a["sequence"])
            else:
                rest_a.append(a)
        rest_b = sorted(b_keys.values(), key=lambda v: (v["date"], v["arrival"]))
        same_day = {b["date"]: b for b in rest_b}
        pairs, lone_a = [], []
        for a in rest_a:
            b = same_day.pop(a["date"], None)
            if b is not None and (a["kind"] != "stop" or (sid, a["date"]) not in skipped):
                pairs.append((a, b))
                rest_b.remove(b)
            else:
                lone_a.append(a)
        lone_b = list(rest_b)
        movable = [a for a in lone_a if not (a["kind"] == "stop" and (sid, a["date"]) in skipped)]
        for a, b in zip(list(movable), list(lone_b)):
            pairs.append((a, b))
            lone_a.remove(a)
            lone_b.remove(b)
        for a, b in sorted(pairs, key=lambda p: p[0]["date"]):
            identity[key(b)] = (a["uid"], a["sequence"] + 1)
            why = reasons.get((sid, a["date"])) or added.get(sid) or "moved by the repair"
            change("released" if why.startswith("released") else "moved", sid, a, b, why)
        for a in lone_a:
            why = skipped.get((sid, a["date"])) or reasons.get((sid, a["date"]), "")
            kind = "cancelled" if a["kind"] == "stop" and (sid, a["date"]) in skipped else (
                "released" if reasons.get((sid, a["date"])) else "cancelled")
            change(kind, sid, a, None, why or "no longer in the plan")
        for b in lone_b:
            n, uid = 1, visit_uid(plan.get("scenario", ""), sid, b["date"])
            while uid in used:
                n += 1
                uid = visit_uid(plan.get("scenario", ""), sid, b["date"], n)
            used.add(uid)
            identity[key(b)] = (uid, 0)
            change("added", sid, None, b, added.get(sid, "new visit"))
    changes.sort(key=lambda c: (change_date(c), c["site_id"]))
    return changes, identity


def change_date(c: Change) -> str:
    """The date a change is about: its old visit's, or an added visit's new one."""
    slot = c["old"] or c["new"]
    assert slot is not None  # a change has an old or a new visit
    return slot["date"]


def summary(changes: list[Change], kept: int | None = None) -> dict[str, int]:
    """Counts per change kind (and untouched visits kept), for the summary line."""
    out = {k: sum(1 for c in changes if c["change"] == k) for k in KINDS}
    if kept is not None:
        out["kept"] = kept
    return out


def changes_csv(changes: list[Change], dialect: str | None = None) -> str:
    """One row per changed visit, with a header row, in the CSV `dialect` (Danish Excel
    by default, or plain; io.csvwrite, docs/csv.md)."""
    rows: list[list] = [list(CSV_COLUMNS)]
    for c in changes:
        a, b = c["old"], c["new"]
        rows.append([c["change"], c["site_id"], c["name"], c["kind"],
                     *((a["date"], a["arrival"], a["vehicle"]) if a else ("", "", "")),
                     *((b["date"], b["arrival"], b["vehicle"]) if b else ("", "", "")),
                     c["reason"], c["uid"], c["sequence"]])
    return csv_text(rows, dialect)
