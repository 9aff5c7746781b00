"""Repair step 4 for institutions: re-place a touched site's visits from `from` on by
a dynamic programme where keeping a published visit costs nothing, so only the visits
a change hits move — to the nearest date that keeps the spacing — and others of the
site move only when the spacing forces it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ...calendar import weekday_key
from ...model import Site
from ..schedule import Timed
from ..spacing import ChainCosts, Spacing, best_chain
from .day import Day

if TYPE_CHECKING:
    from .core import Repair

MOVE_COST = 1000.0  # one moved visit: more than any km difference
MISSED_COST = 100_000.0  # one visit that no date can take
# Among the dates a moved visit could take: each day away from the visit a change hit
# costs 10 (the nearest date wins), then another weekday than the site's usual 3 and
# another time of day 2 (so visits moved only for spacing keep their weekday and time).
DAY_COST, WEEKDAY_COST, TIME_COST = 10.0, 3.0, 2.0


def place_outreach(rep: Repair, days: dict[tuple[str, date], Day]) -> None:
    """Re-place every touched institution, highest priority first."""
    # a touched site's unhit visits are re-placed by the DP (kept where possible)
    for sid in rep.touched:
        for d, vname, _t in rep.originals.get(sid, []):
            days[(vname, d)].fixed.pop(sid, None)
    for sid in sorted(rep.touched, key=lambda x: (-(rep.sites[x].priority or 0), x)):
        place_site(rep, rep.sites[sid], days)


def place_site(rep: Repair, s: Site, days: dict[tuple[str, date], Day]) -> None:
    """The keep-first DP (solve/spacing.py) for one site over its candidate dates from
    `from` on, anchored at its last visit before `from` — or, before its first visit
    of the quarter, at the last visit the published plan continued from (the quarter
    before); records why each published visit moved."""
    P = 7 * (s.every_weeks or 1)
    originals = {d: (v, t) for d, v, t in rep.originals.get(s.id, [])}
    hits = sorted(rep.hit.get(s.id, []))
    past = [d for d in rep.published.visit_dates.get(s.id, ()) if d < rep.frm]
    new_site = s.id not in rep.prev_sites

    usual = rep.published.outreach_prefs.get(s.id)
    cands: list[tuple[date, str, float, Timed]] = []
    closed: list[str] = []
    for (vname, d), day in sorted(days.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if not s.allows_vehicle(vname) or weekday_key(d) not in s.days:
            continue
        why = rep.cal.off_reason(d, vname, s.id)
        if why:
            closed.append(why)
            continue
        if d in originals and originals[d][0] == vname:
            timed = rep.insert(day, s.id, originals[d][1])
            if timed is not None:
                cands.append((d, vname, 0.0, timed))
                continue
        timed = rep.insert(day, s.id, usual[1]) if usual else None
        off_time = timed is None
        if timed is None:
            timed = rep.insert(day, s.id, None)
        if timed is None:
            continue
        near = min((abs((d - h).days) for h in hits), default=P)
        base = rep.retime(day)
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
    anchor = past[-1] if past else (None if new_site else rep.carried.get(s.id))
    sp = Spacing(P, rep.tol, lambda a, b: rep.span.open_days_between(a, b, s.id),
                 rep.frm if new_site else rep.period.start, rep.period.end, anchor)
    chain = best_chain([c[0] for c in cands], [c[2] for c in cands], sp,
                       ChainCosts(MISSED_COST, none_extra=len(originals) * MOVE_COST))
    picked = [cands[i] for i in chain.chosen]
    for d, vname, _c, timed in picked:
        day = days[(vname, d)]
        day.fixed[s.id] = timed.arrivals[timed.order.index(s.id)]
        day.timed = timed
    kept = {(d, v) for d, v, c, _t in picked if c == 0.0 and d in originals}
    why = rep.touched.get(s.id, "")
    for d, (vname, _t) in originals.items():
        if (d, vname) not in kept:
            rep.reasons[(s.id, d)] = (f"moved to keep its every-{s.every_weeks}-weeks "
                                       f"spacing ({why})")
    missed(rep, s, chain.missed, closed[0] if closed and not cands else None)


def missed(rep: Repair, s: Site, targets: list[date | None], closed: str | None = None) -> None:
    """List each visit the chosen dates leave out (against the spacing) as unserved."""
    if closed:
        reason = (f"closed on every date from {rep.frm} it could be visited ({closed}) — "
                  "shorten its closure in calendar.closures")
    else:
        reason = (f"no date from {rep.frm} keeps its every-{s.every_weeks}-weeks "
                  f"±{rep.tol} days spacing around the kept visits "
                  f"({rep.touched.get(s.id, '')}) — widen its window or days, or raise "
                  "outreach_tolerance_days")
    for t in targets:
        rep.unserved.append((s.id, t, reason))
