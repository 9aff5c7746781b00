"""Repair step 5 for public stops: fit new stops (and stops whose published slot no
longer fits) around the visits a repair keeps, and give back rhythm dates a lifted
closure opened again. When no slot fits, the fewest institution visits of the days in
question are released (and then moved by `repair_outreach`)."""

from __future__ import annotations

from datetime import date, timedelta

from ...calendar import week_index
from ...model import WEEKDAYS, Site
from .day import Day, StopSlot
from .state import RepairState


class StopFitting(RepairState):
    """Step 5 of a repair as methods of its state (`Repair` inherits them)."""

    def restore_stop_dates(self, days: dict[tuple[str, date], Day],
                           stops: dict[str, StopSlot]) -> None:
        """A kept stop's rhythm date that the published plan skipped but that is open
        now (a closure was lifted or shortened) gets its visit back at the stop's time;
        if the day cannot hold it, it is listed unserved with the reason."""
        for sid, slot in sorted(stops.items()):
            s = self.sites[sid]
            for d in self.rhythm(s, slot):
                day = days.get((slot.vehicle, d))
                if day is None or sid in day.fixed or (sid, d) in self.cancelled:
                    continue
                if slot.valid_from is not None and d < slot.valid_from:
                    continue
                if self.insert(day, sid, slot.arrival) is not None:
                    day.fixed[sid] = slot.arrival
                    self.added.setdefault(sid, "its date is open again (a closure was lifted)")
                else:
                    self.unserved.append((sid, d, "its date is open again, but the day's kept "
                                                  "visits leave no room at its time"))

    def fit_stops(self, days: dict[tuple[str, date], Day],
                  stops: dict[str, StopSlot]) -> None:
        """Give every stop without a kept slot (new, or its published slot broke) the
        cheapest slot from `from` on; else release institution visits; else unserved."""
        new = [s for s in self.inst.stops if s.id not in stops and s.every_weeks]
        for s in sorted(new, key=lambda s: (-(s.priority or 0), s.id)):
            self.added.setdefault(s.id, "new in the data")
            fit = self.best_slot(s, days, release=False) or self.best_slot(s, days, release=True)
            if fit is None:
                self.unserved.append((s.id, None, (
                    f"no weekday and time from {self.frm} fits around the kept visits "
                    f"({self.added[s.id]}) — widen its window or days, or re-plan the quarter")))
                continue
            slot, released = fit
            stops[s.id] = slot
            for (vname, d), sid in released:
                days[(vname, d)].fixed.pop(sid)
                self.hit.setdefault(sid, []).append(d)
                self.reasons[(sid, d)] = f"released to make room for the stop {s.id} ({s.name})"
                self.touched.setdefault(sid, self.reasons[(sid, d)])
                self.originals[sid] = [o for o in self.originals.get(sid, []) if o[0] != d]
            for d in self.rhythm(s, slot):
                if (slot.vehicle, d) in days:
                    days[(slot.vehicle, d)].fixed[s.id] = slot.arrival

    def rhythm(self, s: Site, slot: StopSlot) -> list[date]:
        """Service dates of the slot from `from` on where the stop is open."""
        out = []
        wd = WEEKDAYS.index(slot.weekday)
        d = self.frm + timedelta((wd - self.frm.weekday()) % 7)
        while d <= self.period.end:
            if (week_index(d) % (s.every_weeks or 1) == slot.phase
                    and self.cal.off_reason(d, slot.vehicle, s.id) is None):
                out.append(d)
            d += timedelta(7)
        return out

    def best_slot(self, s: Site, days: dict[tuple[str, date], Day], release: bool
                  ) -> tuple[StopSlot, list[tuple[tuple[str, date], str]]] | None:
        """Cheapest (vehicle, weekday, phase, time) for a stop around the kept visits;
        with `release`, institution visits of a day may be freed (fewest first)."""
        every = s.every_weeks or 1
        lo = s.earliest if s.earliest is not None else 0
        hi = (s.latest if s.latest is not None else 24 * 60) - s.duration_min
        if s.fixed_time is not None:
            lo = hi = s.fixed_time
        best = None
        for v in self.inst.settings.vehicles:
            if not s.allows_vehicle(v.name):
                continue
            for wd in WEEKDAYS:
                if wd not in v.shifts or wd not in s.days or (s.fixed_day and wd != s.fixed_day):
                    continue
                for phase in range(every):
                    slot = StopSlot(v.name, wd, phase, 0, self.frm)
                    dates = [d for d in self.rhythm(s, slot) if (v.name, d) in days]
                    if not dates:
                        continue
                    for t in range(lo + (-lo) % self.step, hi + 1, self.step):
                        got = self.slot_cost(s, v.name, dates, t, days, release)
                        if got is not None and (best is None or got[:2] < best[0][:2]):
                            best = (got, StopSlot(v.name, wd, phase, t, self.frm))
        if best is None:
            return None
        return best[1], best[0][2]

    def slot_cost(self, s: Site, vname: str, dates: list[date], t: int,
                  days: dict[tuple[str, date], Day], release: bool):
        """(institution visits released, km added, which) for the stop at `t` on every
        date, or None when a date cannot take it."""
        km, freed = 0.0, []
        for d in dates:
            day = days[(vname, d)]
            timed = self.insert(day, s.id, t)
            if timed is None and release:
                for sid in sorted(x for x in day.fixed if self.sites[x].kind != "stop"):
                    keep = day.fixed.pop(sid)
                    timed = self.insert(day, s.id, t)
                    day.fixed[sid] = keep
                    if timed is not None:
                        freed.append(((vname, d), sid))
                        break
            if timed is None:
                return None
            base = self.retime(day)
            km += timed.km - (base.km if base else 0.0)
        return (len(freed), round(km, 3), freed)
