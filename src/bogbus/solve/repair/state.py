"""The state of one repair and its exact timing of a day: the one object the repair's
steps (core, stops, outreach) are methods of, so no step changes another object's state
from outside and the family's modules import each other one way only
(state ← stops, outreach ← core)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ...calendar import Calendar, Period, build_calendar
from ...io.previous import PreviousPlan, previous_plan
from ...model import Instance, Site
from ...travel import build_travel
from ..schedule import Timed, time_route
from .day import Day

if TYPE_CHECKING:  # the document's type only: plan.document is pure types
    from ...plan.document import Plan


class RepairState:
    """What a repair knows (the instance, the calendar, the published plan) and what it
    has decided so far (cancelled, moved, added, unserved visits)."""

    def __init__(self, instance: Instance, period: Period,
                 previous: PreviousPlan | Plan, from_date: date):
        self.inst = instance
        self.period = period
        self.published = previous if isinstance(previous, PreviousPlan) else \
            previous_plan(previous)
        self.prev = self.published.plan  # verbatim, for the repaired plan file only
        self.frm = from_date
        st = instance.settings
        self.cal = build_calendar(period, st.holidays, st.closures)
        # spacing counts closure days before the quarter too (from a carried anchor)
        self.span = Calendar(period, self.cal.holidays, tuple(st.closures))
        # institution → the last visit before the quarter the published plan continued
        # its rhythm from (its `rhythm` section): the anchor before its first visit
        self.carried = self.published.carried
        self.travel = build_travel(instance, period)
        self.index = self.travel.index()
        self.depot = self.index[st.depot]
        self.sites = {s.id: s for s in instance.sites}
        self.vehicles = {v.name: v for v in st.vehicles}
        self.tol = st.outreach_tolerance_days
        self.step = st.round_to_min
        self.prev_sites = self.published.sites
        self.cancelled: dict[tuple[str, date], str] = {}
        self.reasons: dict[tuple[str, date], str] = {}
        self.added: dict[str, str] = {}
        self.unserved: list[tuple[str, date | None, str]] = []
        self.touched: dict[str, str] = {}  # outreach site → why it must be re-placed
        self.originals: dict[str, list[tuple[date, str, int]]] = {}  # unhit future visits
        self.hit: dict[str, list[date]] = {}  # outreach site → its hit published dates

    # -- timing ---------------------------------------------------------------------
    def _windows(self, day: Day, flexible: str | None = None) -> dict[str, tuple[int, int]]:
        w = {sid: (t, t) for sid, t in day.fixed.items()}
        if flexible is not None:
            s = self.sites[flexible]
            lo = s.earliest if s.earliest is not None else 0
            hi = (s.latest if s.latest is not None else 24 * 60) - s.duration_min
            w[flexible] = (lo, hi)
        return w

    def _time(self, day: Day, order: list[str], windows: dict[str, tuple[int, int]],
              flexible: str | None = None) -> Timed | None:
        """Timing of `order`; a `flexible` institution's new time lands on the
        `round_to_min` grid like every planned institution visit (kept times stay as
        published)."""
        v = self.vehicles[day.vehicle]
        on_grid = frozenset({flexible}) if flexible is not None else frozenset()
        return time_route(order, windows, {s: self.sites[s].duration_min for s in order},
                          self.index, self.depot, self.travel.km, self.travel.minutes,
                          day.shift, v.break_rule, v.max_km_per_day,
                          grid=self.step, on_grid=on_grid)

    def _crates_ok(self, day: Day, extra: Site) -> bool:
        cap = self.vehicles[day.vehicle].crate_capacity
        used = sum(self.sites[s].crates for s in day.fixed if self.sites[s].kind != "stop")
        return cap is None or used + extra.crates <= cap

    def insert(self, day: Day, sid: str, at: int | None) -> Timed | None:
        """Cheapest timing of `day` with `sid` added — at exactly `at`, or anywhere in
        its window when `at` is None — every kept time fixed."""
        if sid in day.fixed or not self._crates_ok(day, self.sites[sid]):
            return None
        if at is not None:
            w = self._windows(day)
            w[sid] = (at, at)
            order = sorted(w, key=lambda s: w[s][0])
            return self._time(day, order, w)
        w = self._windows(day, sid)
        cur = day.order
        best = None
        for pos in range(len(cur) + 1):
            t = self._time(day, cur[:pos] + [sid] + cur[pos:], w, sid)
            if t is not None and (best is None or t.km < best.km - 1e-9):
                best = t
        return best

    def retime(self, day: Day) -> Timed | None:
        return self._time(day, day.order, self._windows(day)) if day.fixed else None
