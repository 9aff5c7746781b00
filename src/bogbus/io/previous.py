"""A previous plan as the planner needs it (`bogbus plan … --previous PLAN`).

The planner must not depend on plan-file code (plan sits above solve), so the plan
dict is turned here, once, into typed slots, dated routes and each institution's usual
slot and last visits; planning and repair read the previous plan only through this
module (the raw dict travels along so the new plan can report what moved against it,
and a repair can copy an untouched published route verbatim).

An institution's *usual slot* (`usual_slots`) is its most frequent weekday in the
plan — ties: the earlier weekday of the week — and its most frequent arrival on that
weekday — ties: the earlier time. The weekday comes first because that is what a
daycare or nursing home plans its week around ("Tuesdays, when the bus comes"); the
time of day is the second promise. One definition for planning the next quarter and
for repairing this one, so the two cannot disagree on what a site is used to.

An institution's *last visits* (`PreviousPlan.last_visit`) anchor its rhythm in the
next quarter (docs/outreach.md, "Across quarters"): its last visit in the plan, or —
when it had none there, e.g. every 26 weeks — the last visit that plan itself
continued from (its `rhythm.last_visits`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..calendar import Period, parse_quarter, weekday_key
from ..errors import BogbusError
from ..model import WEEKDAYS, parse_hhmm

if TYPE_CHECKING:  # the document's type only: plan.document is pure types, imports nothing
    from ..plan.document import Plan, Route, Site


@dataclass(frozen=True)
class PreviousSlot:
    """A stop's public slot in the previous plan: what re-planning tries to keep."""

    vehicle: str
    weekday: str
    week_phase: int
    arrival: int  # minutes after midnight
    every_weeks: int
    departure: int | None = None  # minutes after midnight
    valid_from: date | None = None  # a repair's new slot: from this date on


@dataclass(frozen=True)
class PublishedRoute:
    """One dated route of the previous plan: its visits (site id, arrival minutes) and
    the route entry itself, which a repair keeps verbatim when nothing touches it."""

    day: date
    vehicle: str
    visits: tuple[tuple[str, int], ...]
    entry: Route


@dataclass(frozen=True)
class PreviousPlan:
    """The previous plan's stop slots by stop id, each institution's usual weekday and
    arrival (`outreach_prefs`, see `usual_slots`), its dated routes, each institution's
    visit dates and the last visits its own rhythm continued from, and the plan dict
    they came from."""

    slots: dict[str, PreviousSlot]
    plan: Plan
    outreach_prefs: dict[str, tuple[str, int]] = field(default_factory=dict)
    quarter: str = ""
    routes: tuple[PublishedRoute, ...] = ()
    visit_dates: dict[str, tuple[date, ...]] = field(default_factory=dict)  # institutions
    carried: dict[str, date] = field(default_factory=dict)  # its rhythm.last_visits
    sites: dict[str, Site] = field(default_factory=dict)  # its site entries
    unserved_sites: frozenset[str] = frozenset()

    def last_visit(self, sid: str) -> date | None:
        """The institution's last published visit: in this plan, else the one this
        plan continued from (a rhythm longer than its quarter), else None."""
        own = self.visit_dates.get(sid)
        return own[-1] if own else self.carried.get(sid)

    def last_visits(self) -> dict[str, date]:
        """`last_visit` of every institution that has one."""
        sids = sorted(set(self.visit_dates) | set(self.carried))
        return {sid: d for sid in sids if (d := self.last_visit(sid)) is not None}

    def anchors_for(self, period: Period) -> dict[str, date]:
        """The last visits a plan of `period` continues its institutions' rhythm from:
        all of them when this plan is of the quarter just before `period`; none
        otherwise (a plan further back says nothing of the visits in between, and a
        plan of the same quarter is a repair, which anchors on its own kept visits)."""
        return self.last_visits() if continues(self.quarter, period) else {}

    def rhythm_note(self, period: Period) -> str | None:
        """Why no institution's rhythm runs on into `period` although this plan has
        visits (it is not the quarter before), for the planner to say; else None."""
        if (not self.last_visits() or continues(self.quarter, period)
                or self.quarter == period.quarter):
            return None
        return (f"--previous is a plan of {self.quarter}, not of the quarter before "
                f"{period.quarter}: each institution's rhythm starts afresh in "
                f"{period.quarter} — give the plan of the quarter just before to continue it")


def continues(previous_quarter: str, period: Period) -> bool:
    """Whether `previous_quarter` is the quarter just before `period`."""
    try:
        before = parse_quarter(previous_quarter)
    except BogbusError:
        return False
    return before.end + timedelta(days=1) == period.start


def previous_plan(plan: Plan) -> PreviousPlan:
    """Typed stop slots, routes and rhythm of a plan dict already read by
    `plan.files.read_plan`."""
    slots = {}
    for e in plan.get("stop_timetable", []):
        try:
            slots[e["site_id"]] = PreviousSlot(
                e["vehicle"], e["weekday"], int(e["week_phase"]), parse_hhmm(e["arrival"]),
                int(e["every_weeks"]), parse_hhmm(e["departure"]),
                date.fromisoformat(e["valid_from"]) if e.get("valid_from") else None)
        except (KeyError, TypeError, ValueError) as exc:
            raise BogbusError(f"--previous: the plan's stop_timetable entry "
                              f"{e.get('site_id', '?')} is not readable ({exc})") from None
    routes = published_routes(plan)
    kinds = {x["site_id"]: x.get("kind", "stop") for r in plan.get("routes", [])
             for x in r["visits"]}
    dates: dict[str, list[date]] = {}
    for r in routes:
        for sid, _t in r.visits:
            if kinds.get(sid, "stop") != "stop":
                dates.setdefault(sid, []).append(r.day)
    return PreviousPlan(
        slots, plan, outreach_preferences(plan), str(plan.get("quarter", "")), routes,
        {sid: tuple(sorted(set(ds))) for sid, ds in sorted(dates.items())},
        carried_last_visits(plan),
        {s["id"]: s for s in plan.get("sites", [])},
        frozenset(u["site_id"] for u in plan.get("unserved", [])))


def published_routes(plan: Plan) -> tuple[PublishedRoute, ...]:
    """The plan's dated routes, typed (dates and times checked by `read_plan`)."""
    return tuple(PublishedRoute(date.fromisoformat(r["date"]), r["vehicle"],
                                tuple((x["site_id"], parse_hhmm(x["arrival"]))
                                      for x in r["visits"]), r)
                 for r in plan.get("routes", []))


def carried_last_visits(plan: Plan) -> dict[str, date]:
    """The plan's `rhythm.last_visits` (site id → the last visit before its quarter
    its rhythm continued from); a damaged section is a clear error, never ignored."""
    section: Any = plan.get("rhythm")  # a dict not read by `read_plan` may hold anything
    if section is None:
        return {}
    lv = section.get("last_visits") if isinstance(section, dict) else None
    out: dict[str, date] = {}
    if isinstance(lv, dict):
        for sid, d in lv.items():
            try:
                out[str(sid)] = date.fromisoformat(d)
            except (TypeError, ValueError):
                lv = None
                break
    if not isinstance(lv, dict):
        raise BogbusError("--previous: the plan's rhythm.last_visits is damaged (expected "
                          "site id → YYYY-MM-DD) — re-run `bogbus plan` for that quarter")
    return out


def usual_slots(visits: Iterable[tuple[str, date, int]]) -> dict[str, tuple[str, int]]:
    """site id → (weekday, arrival) each institution is used to, from its visits
    (site id, date, arrival minutes): its most frequent weekday (ties: the earlier in
    the week), then its most frequent arrival on that weekday (ties: the earlier)."""
    seen: dict[str, list[tuple[str, int]]] = {}
    for sid, d, t in visits:
        seen.setdefault(sid, []).append((weekday_key(d), t))
    out = {}
    for sid, vs in sorted(seen.items()):
        days = Counter(wd for wd, _ in vs)
        wd = min(days, key=lambda d: (-days[d], WEEKDAYS.index(d)))
        times = Counter(t for d, t in vs if d == wd)
        out[sid] = (wd, min(times, key=lambda t: (-times[t], t)))
    return out


def outreach_preferences(plan: Plan) -> dict[str, tuple[str, int]]:
    """site id → (weekday, arrival) an institution is used to from a published plan
    (`usual_slots` of its institution visits), so the next quarter and a repair keep
    "Tuesday morning" where they can."""
    return usual_slots((x["site_id"], date.fromisoformat(r["date"]), parse_hhmm(x["arrival"]))
                       for r in plan.get("routes", []) for x in r["visits"]
                       if x.get("kind", "stop") != "stop")
