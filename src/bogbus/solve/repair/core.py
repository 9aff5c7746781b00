"""Repair of a published plan of the same quarter (`bogbus plan --previous P --from D`).

A published quarter is a promise: posters hang, daycares have dates in their calendars.
So a repair is not a new plan but the smallest honest change, in this order:

1. every visit before `from` is kept exactly — the past is fact;
2. from `from` on, every visit no change touches keeps its date, vehicle and times;
3. a public stop's date hit by a closure (whole service, its vehicle, or the stop) is
   *cancelled*, never moved: a stop's timetable is its promise;
4. an institution visit that is hit moves to the nearest feasible date that keeps its
   spacing rule; other visits of that site move only when the spacing forces it (a
   per-site dynamic programme where keeping an original visit costs nothing and each
   moved visit costs a lot, so it moves as few as possible, as near as possible);
5. new stops, stops whose kept slot no longer fits, and new institutions are fitted
   around what is kept; when nothing fits, the fewest institution visits of the days
   in question are released (and moved by step 4) — said with a reason.

Every stop time stays fixed, so a day's visiting order is the order of its times and
feasibility is exact (`schedule.time_route`). Deterministic: no randomness, sorted
iteration everywhere. This module lays the published plan on the new calendar and
decides what is hit (steps 1–3); `stops.py` fits stops (5), `outreach.py` moves
institution visits (4) — both as methods of the one state (`state.RepairState`) that
`Repair` inherits, so no step changes the repair's state from outside. The published
plan is read through `io.previous` only (typed routes, stop slots, usual slots, visit
dates), like planning against it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ...calendar import Calendar, Period, weekday_key
from ...errors import BogbusError
from ...io.previous import PreviousPlan, PreviousSlot, PublishedRoute, previous_plan
from ...model import Instance, Site, hhmm
from ...travel import TravelMatrix
from ..spacing import Spacing, missed_targets
from .day import Day, StopSlot
from .outreach import OutreachPlacement
from .stops import StopFitting

if TYPE_CHECKING:  # the document's type only: plan.document is pure types
    from ...plan.document import Plan


@dataclass
class RepairResult:
    """Everything the repaired plan file is built from (see replan.build_repaired_plan)."""

    instance: Instance
    period: Period
    calendar: Calendar
    travel: TravelMatrix
    previous: Mapping[str, Any]
    from_date: date
    past_routes: list[Mapping[str, Any]]  # published routes before `from`, verbatim
    days: dict[tuple[str, date], Day]  # from `from` on, with timing
    stops: dict[str, StopSlot]
    cancelled: dict[tuple[str, date], str]  # stop date → why it is cancelled
    reasons: dict[tuple[str, date], str]  # published visit (site, date) → why it changed
    added: dict[str, str]  # site → why it is new (new in the data, or a new slot)
    unserved: list[tuple[str, date | None, str]]
    touched: set[str] = field(default_factory=set)  # institutions re-placed by the repair
    runtime_s: float = 0.0
    seed: int = 0
    notes: list[str] = field(default_factory=list)




class Repair(StopFitting, OutreachPlacement):
    """Steps 1–3 (lay the published plan on the new calendar, decide what is hit) and
    the order of all five; steps 4 and 5 are the inherited methods."""

    # -- steps ----------------------------------------------------------------------
    def run(self) -> RepairResult:
        """Steps 1–5 (see the module docstring), then time every day exactly."""
        t0 = time.perf_counter()
        past, days = self._split()
        self._check_past(past)
        stops = self._stop_slots(days)
        self._hits(days, stops)
        self.restore_stop_dates(days, stops)
        self.fit_stops(days, stops)
        self._fix_infeasible_days(days)
        self.place_outreach(days)
        for d in days.values():
            d.timed = self.retime(d)
        return RepairResult(self.inst, self.period, self.cal, self.travel, self.prev, self.frm,
                            [r.entry for r in past], days, stops, self.cancelled,
                            self.reasons, self.added,
                            sorted(self.unserved, key=lambda u: (u[0], u[1] or date.min)),
                            set(self.touched), time.perf_counter() - t0)

    def _split(self) -> tuple[list[PublishedRoute], dict[tuple[str, date], Day]]:
        """Published routes before `from` (kept verbatim) and a Day for every service
        date from `from` on, holding the published visits of that day."""
        past: list[PublishedRoute] = []
        published: dict[tuple[str, date], PublishedRoute] = {}
        for r in self.published.routes:
            if r.day < self.frm:
                past.append(r)
            else:
                published[(r.vehicle, r.day)] = r
        days: dict[tuple[str, date], Day] = {}
        for v in self.inst.settings.vehicles:
            for d in self.cal.service_dates(v):
                if d >= self.frm:
                    sh = v.shifts[weekday_key(d)]
                    pr = published.get((v.name, d))
                    days[(v.name, d)] = Day(v.name, d, (sh.start, sh.end), {},
                                            pr.entry if pr is not None else None)
        self._published = published
        return past, days

    def _check_past(self, past: list[PublishedRoute]) -> None:
        """A change dated before `from` would rewrite the past: refuse, say how to fix."""
        for r in past:
            d = r.day
            for sid, _t in r.visits:
                why = self.cal.off_reason(d, r.vehicle, sid)
                if why and d not in self.cal.holidays:
                    raise BogbusError(
                        f"--from {self.frm}: the closure '{why}' hits {sid} on {d}, "
                        f"before --from, where the published plan is kept as fact — give "
                        f"--from {d} or earlier, or correct the closure's dates")
                if sid not in self.sites:
                    raise BogbusError(
                        f"--from {self.frm}: {sid} was visited on {d} (before "
                        "--from) but is no longer in the data — the past is kept as fact, so "
                        "keep the site in sites.csv until the quarter ends; to stop serving "
                        f"it, close it: calendar.closures: - {{start: {self.frm}, end: "
                        f"{self.period.end}, reason: …, sites: [{sid}]}}")

    def _stop_slots(self, days: dict[tuple[str, date], Day]) -> dict[str, StopSlot]:
        """The published slot of every stop that is still a stop and can keep it."""
        slots: dict[str, StopSlot] = {}
        for sid, e in self.published.slots.items():
            s = self.sites.get(sid)
            if s is None or s.kind != "stop":
                continue  # listed by the change list as no longer a stop
            slot = StopSlot(e.vehicle, e.weekday, e.week_phase, e.arrival, e.valid_from)
            why = self._slot_broken(s, slot, e)
            if why:
                self.added[sid] = f"its published slot no longer fits: {why}"
                continue
            slots[sid] = slot
        return slots

    def _slot_broken(self, s: Site, slot: StopSlot, e: PreviousSlot) -> str | None:
        """Why a stop's published slot cannot be kept under the new data, or None."""
        if slot.vehicle not in self.vehicles:
            return f"vehicle {slot.vehicle} is no longer in the data"
        if not s.allows_vehicle(slot.vehicle):
            return f"it may no longer be served by {slot.vehicle}"
        if slot.weekday not in s.days or slot.weekday not in self.vehicles[slot.vehicle].shifts:
            return f"{slot.weekday} is no longer one of its days or the vehicle's shifts"
        if (s.every_weeks or 1) != (e.every_weeks or 1):
            return f"its frequency changed (every {e.every_weeks} → {s.every_weeks} weeks)"
        published = (e.departure if e.departure is not None else e.arrival) - e.arrival
        if published != s.duration_min:
            return f"its duration changed ({published} → {s.duration_min} min)"
        lo = s.earliest if s.earliest is not None else 0
        hi = (s.latest if s.latest is not None else 24 * 60) - s.duration_min
        if not lo <= slot.arrival <= hi:
            return (f"{hhmm(slot.arrival)} is outside its window "
                    f"{hhmm(lo)}–{hhmm(hi + s.duration_min)}")
        return None

    def _hits(self, days: dict[tuple[str, date], Day], stops: dict[str, StopSlot]) -> None:
        """Lay every published visit from `from` on onto the days; what a change hits is
        cancelled (stops) or marked to move (institutions)."""
        for (vname, d), r in sorted(self._published.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            day = days.get((vname, d))
            off = (self.cal.off_reason(d, vname) if vname in self.vehicles
                   else f"vehicle {vname} is no longer in the data")
            for sid, t in r.visits:
                s = self.sites.get(sid)
                if s is None:
                    self.reasons[(sid, d)] = "no longer in the data"
                    continue
                why = off or self.cal.off_reason(d, site=sid)
                if s.kind == "stop":
                    if sid not in stops:
                        self.reasons[(sid, d)] = self.added.get(sid, "no longer a public stop")
                    elif why:
                        self.cancelled[(sid, d)] = why
                    elif day is not None:
                        day.fixed[sid] = t
                    continue
                if not s.is_outreach or not s.every_weeks:
                    self.reasons[(sid, d)] = "no longer visited in the data"
                    continue
                changed = self._rule_changed(s)
                if why or day is None:
                    self.hit.setdefault(sid, []).append(d)
                    self.reasons[(sid, d)] = why or "its day is no longer a service day"
                    self.touched.setdefault(sid, self.reasons[(sid, d)])
                    continue
                if changed:
                    self.touched.setdefault(sid, f"its rule changed in the data ({changed})")
                if not s.allows_vehicle(vname) or weekday_key(d) not in s.days:
                    self.hit.setdefault(sid, []).append(d)
                    self.reasons[(sid, d)] = f"its days or vehicles changed ({changed})"
                    self.touched.setdefault(sid, self.reasons[(sid, d)])
                    continue
                self.originals.setdefault(sid, []).append((d, vname, t))
                day.fixed[sid] = t
        for s in self.inst.outreach:  # new institutions
            if s.id not in self.prev_sites:
                self.touched[s.id] = "new in the data"
                self.added[s.id] = "new in the data"
            elif s.id not in self.touched and self._spacing_broken(s):
                self.touched[s.id] = self._spacing_broken(s) or ""

    def _spacing_broken(self, s: Site) -> str | None:
        """Why a site's kept visits no longer keep its spacing rule under the new
        calendar (its own closure pauses its clock), or None."""
        P, tol = 7 * (s.every_weeks or 1), self.tol
        ds = list(self.published.visit_dates.get(s.id, ()))
        if not ds or s.id in self.published.unserved_sites:
            return None

        def eff(a: date, b: date) -> int:
            return self.span.open_days_between(a, b, s.id)
        # no visit missed at the quarter's ends (nor after the carried anchor)
        sp = Spacing(P, tol, eff, self.period.start, self.period.end, self.carried.get(s.id))
        ok = (all(abs(eff(a, b) - P) <= tol for a, b in zip(ds, ds[1:]))
              and not missed_targets(ds, sp))
        if ok:
            return None
        why = [c.reason for c in self.cal.closures if s.id in c.sites] or ["a closure"]
        return (f"its closure ({why[0]}) pauses its every-{s.every_weeks}-weeks rhythm, so "
                "its later visits must shift to keep the spacing")

    def _rule_changed(self, s: Site) -> str | None:
        """Which of an institution's rules changed since publication (its visits are
        then re-placed, kept where they still fit), or None."""
        p = self.prev_sites.get(s.id)
        if p is None:
            return None
        now = {"every_weeks": s.every_weeks, "duration_min": s.duration_min,
               "earliest": hhmm(s.earliest) if s.earliest is not None else None,
               "latest": hhmm(s.latest) if s.latest is not None else None,
               "days": list(s.days),
               "vehicles": list(s.vehicles) if s.vehicles is not None else None,
               "lat": s.lat, "lon": s.lon}
        diff = [k for k, v in now.items() if p.get(k) != v]
        return ", ".join(diff) or None

    # -- stops that need a (new) slot -------------------------------------------------
    def _fix_infeasible_days(self, days: dict[tuple[str, date], Day]) -> None:
        """A kept day that no longer fits (shift, travel or duration changed): free its
        institution visits first, then cancel its stops, and say so."""
        for key in sorted(days, key=lambda k: (k[1], k[0])):
            day = days[key]
            day.timed = self.retime(day)
            if day.timed is not None or not day.fixed:
                continue
            for sid in sorted(x for x in day.fixed if self.sites[x].kind != "stop"):
                day.fixed.pop(sid)
                self.hit.setdefault(sid, []).append(day.day)
                self.reasons[(sid, day.day)] = "its day no longer fits the shift and travel times"
                self.touched.setdefault(sid, self.reasons[(sid, day.day)])
                self.originals[sid] = [o for o in self.originals.get(sid, [])
                                       if o[0] != day.day]
            day.timed = self.retime(day)
            if day.timed is None:
                for sid in sorted(day.fixed):
                    why = "the day's kept route no longer fits the shift and travel times"
                    self.cancelled[(sid, day.day)] = why
                    self.unserved.append((sid, day.day, why))
                day.fixed.clear()

    # -- institutions -------------------------------------------------------------------
def repair_quarter(instance: Instance, period: Period,
                   previous: PreviousPlan | Plan,
                   from_date: date, *, seed: int = 0) -> RepairResult:
    """Repair `previous` (a published plan of `period`) from `from_date` on."""
    if not isinstance(previous, PreviousPlan):
        previous = previous_plan(previous)
    if previous.quarter != period.quarter:
        raise BogbusError(f"--from: the published plan is for {previous.quarter}, not "
                          f"{period.quarter} — a repair keeps a plan of the same quarter; "
                          "leave out --from to plan the next quarter against it")
    if from_date not in period:
        raise BogbusError(f"--from {from_date} is outside {period.quarter} ({period.start} – "
                          f"{period.end}) — give a date inside the published quarter")
    result = Repair(instance, period, previous, from_date).run()
    result.seed = seed
    return result
