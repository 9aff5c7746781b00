"""Repair step 4 for institutions: re-place a touched site's visits from `from` on by
a dynamic programme where keeping a published visit costs nothing, so only the visits
a change hits move — to the nearest date that keeps the spacing — and others of the
site move only when the spacing forces it."""

from __future__ import annotations

from datetime import date

from ...calendar import weekday_key
from ...model import Site
from ..schedule import Timed
from ..spacing import ChainCosts, Spacing, best_chain
from .day import Day
from .state import RepairState

MOVE_COST = 1000.0  # one moved visit: more than any km difference
MISSED_COST = 100_000.0  # one visit that no date can take
# Among the dates a moved visit could take: each day away from the visit a change hit
# costs 10 (the nearest date wins), then another weekday than the site's usual 3 and
# another time of day 2 (so visits moved only for spacing keep their weekday and time).
DAY_COST, WEEKDAY_COST, TIME_COST = 10.0, 3.0, 2.0


class OutreachPlacement(RepairState):
    """Step 4 of a repair as methods of its state (`Repair` inherits them)."""

    def place_outreach(self, days: dict[tuple[str, date], Day]) -> None:
        """Re-place every touched institution, highest priority first."""
        # a touched site's unhit visits are re-placed by the DP (kept where possible)
        for sid in self.touched:
            for d, vname, _t in self.originals.get(sid, []):
                days[(vname, d)].fixed.pop(sid, None)
        for sid in sorted(self.touched, key=lambda x: (-(self.sites[x].priority or 0), x)):
            self.place_site(self.sites[sid], days)

    def place_site(self, s: Site, days: dict[tuple[str, date], Day]) -> None:
        """The keep-first DP (solve/spacing.py) for one site over its candidate dates from
        `from` on, anchored at its last visit before `from` — or, before its first visit
        of the quarter, at the last visit the published plan continued from (the quarter
        before); records why each published visit moved."""
        P = 7 * (s.every_weeks or 1)
        originals = {d: (v, t) for d, v, t in self.originals.get(s.id, [])}
        hits = sorted(self.hit.get(s.id, []))
        past = [d for d in self.published.visit_dates.get(s.id, ()) if d < self.frm]
        new_site = s.id not in self.prev_sites

        usual = self.published.outreach_prefs.get(s.id)
        cands: list[tuple[date, str, float, Timed]] = []
        closed: list[str] = []
        for (vname, d), day in sorted(days.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if not s.allows_vehicle(vname) or weekday_key(d) not in s.days:
                continue
            why = self.cal.off_reason(d, vname, s.id)
            if why:
                closed.append(why)
                continue
            if d in originals and originals[d][0] == vname:
                timed = self.insert(day, s.id, originals[d][1])
                if timed is not None:
                    cands.append((d, vname, 0.0, timed))
                    continue
            timed = self.insert(day, s.id, usual[1]) if usual else None
            off_time = timed is None
            if timed is None:
                timed = self.insert(day, s.id, None)
            if timed is None:
                continue
            near = min((abs((d - h).days) for h in hits), default=P)
            base = self.retime(day)
            extra = timed.km - (base.km if base else 0.0)
            score = ((0.0 if new_site else MOVE_COST) + DAY_COST * min(near, P // 2)
                     + (WEEKDAY_COST if usual and weekday_key(d) != usual[0] else 0.0)
                     + (TIME_COST if usual and off_time else 0.0) + 0.01 * extra)
            cands.append((d, vname, score, timed))
        best_per_date: dict[date, tuple[date, str, float, Timed]] = {}
        for c in cands:
            if c[0] not in best_per_date or c[2] < best_per_date[c[0]][2] - 1e-9:
                best_per_date[c[0]] = c
        cands = [best_per_date[d] for d in sorted(best_per_date)]
        anchor = past[-1] if past else (None if new_site else self.carried.get(s.id))
        sp = Spacing(P, self.tol, lambda a, b: self.span.open_days_between(a, b, s.id),
                     self.frm if new_site else self.period.start, self.period.end, anchor)
        chain = best_chain([c[0] for c in cands], [c[2] for c in cands], sp,
                           ChainCosts(MISSED_COST, none_extra=len(originals) * MOVE_COST))
        picked = [cands[i] for i in chain.chosen]
        for d, vname, _c, timed in picked:
            day = days[(vname, d)]
            day.fixed[s.id] = timed.arrivals[timed.order.index(s.id)]
            day.timed = timed
        kept = {(d, v) for d, v, c, _t in picked if c == 0.0 and d in originals}
        why = self.touched.get(s.id, "")
        for d, (vname, _t) in originals.items():
            if (d, vname) not in kept:
                self.reasons[(s.id, d)] = (f"moved to keep its every-{s.every_weeks}-weeks "
                                           f"spacing ({why})")
        self.missed(s, chain.missed, closed[0] if closed and not cands else None)

    def missed(self, s: Site, targets: list[date | None], closed: str | None = None) -> None:
        """List each visit the chosen dates leave out (against the spacing) as unserved."""
        if closed:
            reason = (f"closed on every date from {self.frm} it could be visited ({closed}) — "
                      "shorten its closure in calendar.closures")
        else:
            reason = (f"no date from {self.frm} keeps its every-{s.every_weeks}-weeks "
                      f"±{self.tol} days spacing around the kept visits "
                      f"({self.touched.get(s.id, '')}) — widen its window or days, or raise "
                      "outreach_tolerance_days")
        for t in targets:
            self.unserved.append((s.id, t, reason))
