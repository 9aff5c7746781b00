"""Dated outreach visits (daycares, nursing homes, branches) around the fixed stops.

For each site the dynamic programme of `spacing.py` picks, over its candidate dates, a
visit sequence spaced `every_weeks` weeks ± tolerance (closure days pause the clock),
the last within the last rhythm of the quarter and the first within its first rhythm —
or, when the plan continues a published quarter (`anchors`), `every_weeks` weeks ±
tolerance after the site's last published visit, so its rhythm runs on. A visit that
no date can take is counted as *missed* (a large penalty) and reported as unserved
with its target date — never silently dropped. Insertion into a dated route keeps
every stop time fixed; feasibility is checked exactly.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import date

from ..calendar import Calendar, weekday_key
from ..model import WEEKDAYS, Instance, Site, hhmm
from ..travel import TravelMatrix
from .schedule import Timed, time_route
from .spacing import ChainCosts, Spacing, best_chain

MISSED_PENALTY_KM = 10_000.0
SPACING_TIEBREAK_KM_PER_DAY = 0.01
# planning may restart a rhythm no date can continue from its anchor (the site's days
# changed, say): one missed visit at least, and this much more — never chosen while a
# date keeps the rhythm
RESTART_KM = MISSED_PENALTY_KM / 2
CHAIN_COSTS = ChainCosts(MISSED_PENALTY_KM, SPACING_TIEBREAK_KM_PER_DAY, RESTART_KM)
# An institution visit on another weekday than the site's usual one costs as much as this
# many extra km: a daycare plans its week around the bus, so a steady weekday is worth a
# short detour (measured on Randers in docs/outreach.md), never a missed visit.
OFF_WEEKDAY_KM = 5.0
# Planning against a published plan (`--previous`): an institution is used to its
# weekday and time of day, so another weekday costs as much as this many km, and a
# visit off its usual time as much as PREFER_TIME_KM. Soft: never worth a missed visit.
PREFER_WEEKDAY_KM = 25.0
PREFER_TIME_KM = 5.0
# With many vehicles a site's visits are first sought on the NEAREST_VEHICLES whose
# public routes pass closest to it (all of them when that leaves a visit missed): the
# cheap insertions are there, and every insertion tried costs time — at 360 stops on
# 16 buses the outreach tried 1.2M insertions, far more than the time limit allows.
NEAREST_VEHICLES = 4


@dataclass
class DatedDay:
    vehicle: str
    day: date
    shift: tuple[int, int]
    stop_times: dict[str, int]  # fixed arrivals of public stops
    outreach: list[str] = field(default_factory=list)
    timed: Timed | None = None
    crates: int = 0
    pins: dict[str, int] = field(default_factory=dict)  # outreach kept at its usual time


@dataclass
class OutreachResult:
    days: dict[tuple[str, date], DatedDay]
    visits: dict[str, list[tuple[date, str]]]  # site id → [(date, vehicle)]
    unserved: list[tuple[str, date | None, str]]  # (site id, target date or None, reason)
    cut: bool = False  # the deadline stopped placing visits (those sites are unserved)


class OutreachScheduler:
    def __init__(self, instance: Instance, travel: TravelMatrix, calendar: Calendar,
                 days: dict[tuple[str, date], DatedDay],
                 prefer: dict[str, tuple[str, int]] | None = None,
                 anchors: dict[str, date] | None = None):
        self.prefer = prefer or {}  # site id → (weekday, arrival) it is used to
        # site id → its last published visit before the quarter: the rhythm runs on
        self.anchors = anchors or {}
        self.instance = instance
        self.travel = travel
        self.cal = calendar
        # spacing counts closure days across the quarter's start too (a closure between
        # the last published visit and the first new one pauses the rhythm)
        self.span = Calendar(calendar.period, calendar.holidays,
                             tuple(instance.settings.closures))
        self.days = days
        self.index = travel.index()
        self.depot = self.index[instance.settings.depot]
        self.tol = instance.settings.outreach_tolerance_days
        self.sites = {s.id: s for s in instance.sites}
        self.outreach_ids = frozenset(s.id for s in instance.sites if s.is_outreach)
        for d in days.values():
            d.crates = 0
            d.timed = self._time(d, self._order_by_time(d))
        self.near = self._nearest_vehicles()
        # insertion answers per (site, vehicle, date), valid while that day is unchanged
        # (its version): placing one site changes a handful of days, so the next site's
        # candidates — and the ordering pre-pass's — are mostly already known
        self.version: dict[tuple[str, date], int] = {k: 0 for k in days}
        # the days by date, then vehicle, with their weekday: sorted once, not per site
        self._dated = [(v, d, weekday_key(d), dd)
                       for (v, d), dd in sorted(days.items(), key=lambda x: (x[0][1], x[0][0]))]
        self._insertions: dict[tuple[str, str, date], tuple[int, tuple]] = {}

    def _changed(self, key: tuple[str, date]) -> None:
        self.version[key] += 1

    def _nearest_vehicles(self) -> dict[str, frozenset[str]]:
        """Site id → the NEAREST_VEHICLES vehicles whose stops lie nearest to it
        (empty when there are no more vehicles than that: all are tried)."""
        names = sorted({d.vehicle for d in self.days.values()})
        if len(names) <= NEAREST_VEHICLES:
            return {}
        rows: dict[str, set[int]] = {v: set() for v in names}
        for d in self.days.values():
            rows[d.vehicle].update(self.index[s] for s in d.stop_times)
        km = self.travel.km
        out = {}
        for site in self.instance.outreach:
            i = self.index[site.id]
            reach = {v: min((min(km[i][r], km[r][i]) for r in rows[v]),
                            default=km[i][self.depot]) for v in names}
            out[site.id] = frozenset(sorted(names, key=lambda v: (reach[v], v))
                                     [:NEAREST_VEHICLES])
        return out

    # -- timing --------------------------------------------------------------------
    def _window(self, day: DatedDay, sid: str) -> tuple[int, int]:
        if sid in day.stop_times:
            t = day.stop_times[sid]
            return t, t
        if sid in day.pins:
            return day.pins[sid], day.pins[sid]
        s = self.sites[sid]
        lo = s.earliest if s.earliest is not None else 0
        hi = (s.latest if s.latest is not None else 24 * 60) - s.duration_min
        return lo, hi

    def _order_by_time(self, day: DatedDay) -> list[str]:
        return sorted(day.stop_times, key=lambda s: day.stop_times[s])

    def _time(self, day: DatedDay, order: list[str]) -> Timed | None:
        v = self.instance.settings.vehicle(day.vehicle)
        return time_route(
            order,
            {s: self._window(day, s) for s in order},
            {s: self.sites[s].duration_min for s in order},
            self.index, self.depot, self.travel.km, self.travel.minutes,
            day.shift, v.break_rule, v.max_km_per_day,
            grid=self.instance.settings.round_to_min, on_grid=self.outreach_ids,
        )

    def best_insertion(self, day: DatedDay, site: Site) -> tuple[float, Timed] | None:
        """Cheapest feasible insertion of site into the day's current order."""
        cap = self.instance.settings.vehicle(day.vehicle).crate_capacity
        if cap is not None and day.crates + site.crates > cap:
            return None
        cur = list(day.timed.order) if day.timed else []
        base_km = day.timed.km if day.timed and cur else 0.0
        # A route's km depend only on its order (schedule.time_route sums the legs and
        # rounds to 0.1 km), so the positions are timed cheapest first and the first
        # feasible one is the answer — the same one (fewest km, then the earliest
        # position) as timing every position, at a fraction of the timings.
        km, depot = self.travel.km, self.depot
        rows = [depot] + [self.index[x] for x in cur] + [depot]
        i = self.index[site.id]
        fits = self._gaps_that_fit(day, cur, rows, site)
        ranked = []
        for pos in range(len(cur) + 1):
            if not fits[pos]:
                continue
            seq = rows[:pos + 1] + [i] + rows[pos + 1:]
            ranked.append((round(sum(km[a][b] for a, b in zip(seq, seq[1:])), 1), pos))
        for _, pos in sorted(ranked):
            timed = self._time(day, cur[:pos] + [site.id] + cur[pos:])
            if timed is not None:
                return (timed.km - base_km, timed)
        return None

    def _gaps_that_fit(self, day: DatedDay, cur: list[str], rows: list[int],
                       site: Site) -> list[bool]:
        """Per position, whether the site can fit there at all: the earliest departure
        before it (a forward pass without the break) plus the drives and its visit must
        meet its window and the latest arrival after it that keeps the rest of the day
        feasible (a backward pass). Both passes relax the break and the grid, so a
        position they rule out is infeasible for time_route too; it is skipped."""
        T = self.travel.minutes
        wins = [self._window(day, x) for x in cur]
        durs = [self.sites[x].duration_min for x in cur]
        n = len(cur)
        dep = [day.shift[0]] + [0] * n  # earliest departure from rows[k]
        t = day.shift[0]
        for k in range(n):
            t = max(t + T[rows[k]][rows[k + 1]], wins[k][0]) + durs[k]
            dep[k + 1] = t
        latest = [0] * (n + 2)  # latest arrival at rows[k] keeping the rest feasible
        latest[n + 1] = day.shift[1]
        for k in range(n, 0, -1):
            latest[k] = min(wins[k - 1][1], latest[k + 1] - T[rows[k]][rows[k + 1]]
                            - durs[k - 1])
        lo, hi = self._window(day, site.id)
        i = self.index[site.id]
        out = []
        for pos in range(n + 1):
            at = max(dep[pos] + T[rows[pos]][i], lo)
            out.append(at <= hi and at + site.duration_min + T[i][rows[pos + 1]]
                       <= latest[pos + 1])
        return out

    # -- candidates and the DP -------------------------------------------------------
    def candidates(self, site: Site, only: frozenset[str] | None = None
                   ) -> tuple[list[tuple[date, str, float, Timed]], dict]:
        """Feasible (date, vehicle, extra km, timing) — one per date, cheapest vehicle
        (among `only` when given) — and counts of why other dates failed, for
        explanations."""
        why = {"capacity": 0, "time": 0, "dates": 0, "closed": 0}
        best: dict[date, tuple[date, str, float, Timed]] = {}
        for vname, day, wd, dd in self._dated:
            if only is not None and vname not in only:
                continue
            if not site.allows_vehicle(vname) or wd not in site.days:
                continue
            if self.cal.off_reason(day, site=site.id):  # the site itself is closed
                why["closed"] += 1
                continue
            why["dates"] += 1
            cap = self.instance.settings.vehicle(vname).crate_capacity
            if cap is not None and dd.crates + site.crates > cap:
                why["capacity"] += 1
                continue
            memo = self._insertions.get((site.id, vname, day))
            if memo is not None and memo[0] == self.version[(vname, day)]:
                ins, pinned = memo[1]
            else:
                ins, pinned = self._preferred_insertion(dd, site)
                self._insertions[(site.id, vname, day)] = (self.version[(vname, day)],
                                                           (ins, pinned))
            if ins is None:
                why["time"] += 1
                continue
            extra = ins[0] + self._preference_cost(site, day, pinned)
            if day not in best or extra < best[day][2] - 1e-9:
                best[day] = (day, vname, extra, ins[1])
        return [best[d] for d in sorted(best)], why

    def _preferred_insertion(self, dd: DatedDay, site: Site):
        """Insertion at the site's usual time when it has one and it fits (the time is
        then pinned for the day), else the cheapest insertion anywhere in its window."""
        pref = self.prefer.get(site.id)
        if pref is not None:
            dd.pins[site.id] = pref[1]
            ins = self.best_insertion(dd, site)
            del dd.pins[site.id]
            if ins is not None:
                return ins, True
        return self.best_insertion(dd, site), False

    def _preference_cost(self, site: Site, day: date, pinned: bool) -> float:
        pref = self.prefer.get(site.id)
        if pref is None:
            return 0.0
        return ((PREFER_WEEKDAY_KM if weekday_key(day) != pref[0] else 0.0)
                + (0.0 if pinned else PREFER_TIME_KM))

    def spacing(self, site: Site) -> Spacing:
        """The site's spacing rule over the quarter, anchored at its last published
        visit when the plan continues one (`anchors`)."""
        return Spacing(7 * site.every_weeks, self.tol,
                       lambda a, b: self.span.open_days_between(a, b, site.id),
                       self.cal.period.start, self.cal.period.end, self.anchors.get(site.id))

    def choose(self, site: Site, cands) -> tuple[list[int], list[date | None]]:
        """DP (solve/spacing.py): indices of chosen candidates, and target dates of
        missed visits."""
        chain = best_chain([c[0] for c in cands], [c[2] for c in cands], self.spacing(site),
                           CHAIN_COSTS)
        return chain.chosen, chain.missed

    # -- placing ---------------------------------------------------------------------
    def choose_steady(self, site: Site, cands) -> tuple[list[int], list[date | None]]:
        """The DP once per weekday the site can have, visits on other weekdays costing
        OFF_WEEKDAY_KM each; the cheapest wins (ties: the earlier weekday)."""
        best = None
        for wd in sorted({weekday_key(c[0]) for c in cands}, key=WEEKDAYS.index):
            adjusted = [(d, v, km + (0.0 if weekday_key(d) == wd else OFF_WEEKDAY_KM), t)
                        for d, v, km, t in cands]
            chosen, missed = self.choose(site, adjusted)
            key = (len(missed), sum(adjusted[i][2] for i in chosen))
            if best is None or key < best[0]:
                best = (key, chosen, missed)
        return (best[1], best[2]) if best else self.choose(site, cands)

    def place(self, site: Site) -> tuple[list[tuple[date, str]], list[tuple[date | None, str]]]:
        near = self.near.get(site.id)
        cands, why = self.candidates(site, near)
        chosen, missed = self.choose_steady(site, cands)
        if missed and near is not None:  # the nearest vehicles are not enough: all of them
            cands, why = self.candidates(site)
            chosen, missed = self.choose_steady(site, cands)
        visits = []
        for i in chosen:
            day, vname, _, timed = cands[i]
            dd = self.days[(vname, day)]
            dd.outreach.append(site.id)
            dd.crates += site.crates
            dd.timed = timed
            self._changed((vname, day))
            pref = self.prefer.get(site.id)
            if pref is not None and pref[1] in timed.arrivals[timed.order.index(site.id):][:1]:
                dd.pins[site.id] = pref[1]  # keep its usual time when the day is re-timed
            visits.append((day, vname))
        reasons = [(t, self.explain(site, why)) for t in missed]
        return visits, reasons

    def remove(self, site: Site, visits: list[tuple[date, str]]) -> None:
        for day, vname in visits:
            dd = self.days[(vname, day)]
            dd.outreach.remove(site.id)
            dd.pins.pop(site.id, None)
            dd.crates -= site.crates
            self._changed((vname, day))
            assert dd.timed is not None  # a day with this visit on it is timed
            order = [s for s in dd.timed.order if s != site.id]
            # dropping a visit only widens gaps, so the rest stays feasible
            dd.timed = self._time(dd, order)

    def snapshot(self) -> dict:
        return {k: (list(d.outreach), d.crates, d.timed, dict(d.pins))
                for k, d in self.days.items()}

    def restore(self, snap: dict) -> None:
        for k, (outreach, crates, timed, pins) in snap.items():
            d = self.days[k]
            if (d.outreach, d.crates, d.timed, d.pins) != (outreach, crates, timed, pins):
                self._changed(k)
            d.outreach, d.crates, d.timed, d.pins = list(outreach), crates, timed, dict(pins)

    def explain(self, site: Site, why: dict) -> str:
        window = (f"{hhmm(site.earliest) if site.earliest is not None else 'shift start'}–"
                  f"{hhmm(site.latest) if site.latest is not None else 'shift end'}")
        days = ",".join(site.days)
        if why["dates"] == 0 and why.get("closed"):
            return (f"closed on every date it could be visited ({why['closed']} dates) — "
                    "shorten its closure in calendar.closures or widen its days")
        if why["dates"] == 0:
            return (f"no vehicle allowed to serve it runs on its days ({days}) in the quarter — "
                    "widen 'days' or the 'vehicles' column")
        if why["capacity"] and not why["time"]:
            return (f"its {site.crates} crates do not fit: the vehicle's crate_capacity is "
                    "already used by other deposit exchanges on every suitable date")
        return (f"no date every {site.every_weeks} weeks ±{self.tol} days has {site.duration_min} "
                f"free minutes between {window} on {days} once the stops and other visits are "
                "placed — widen its window or days, or raise outreach_tolerance_days")

    def late(self, deadline: float | None) -> bool:
        return deadline is not None and time.perf_counter() > deadline

    def run(self, rounds: int = 2, deadline: float | None = None) -> OutreachResult:
        """Place every site's visits, then `rounds` of remove-and-reinsert. At the
        `deadline` (perf_counter) the sites not yet placed are reported unserved,
        saying the time limit stopped them, and no further rounds run."""
        sites = [s for s in self.instance.outreach]
        n_cands = {}
        for s in sites:  # the ordering pre-pass; past the deadline, options count as many
            n_cands[s.id] = (len(self.candidates(s, self.near.get(s.id))[0])
                             if not self.late(deadline)
                             else math.inf)
        order = sorted(sites, key=lambda s: (-(s.priority or 0), n_cands[s.id], -s.crates,
                                             -s.duration_min, s.id))
        visits: dict[str, list[tuple[date, str]]] = {}
        missed: dict[str, list[tuple[date | None, str]]] = {}
        cut = False
        for s in order:
            if self.late(deadline):
                cut = True
                visits[s.id] = []
                P = 7 * (s.every_weeks or 1)
                n = max(1, (self.cal.open_days_between(self.cal.period.start,
                                                       self.cal.period.end) + 1) // P)
                missed[s.id] = [(None, "the time limit ended planning before this site's "
                                       "visits were placed (not infeasible) — raise "
                                       "--time-limit")] * n
                continue
            visits[s.id], missed[s.id] = self.place(s)
        for _ in range(rounds if not cut else 0):
            changed = False
            for s in order:
                if self.late(deadline):
                    cut = True
                    break
                old_v, old_m = visits[s.id], missed[s.id]
                old_cost = self._site_cost(s, old_v)
                snap = self.snapshot()
                self.remove(s, old_v)
                if any(self.days[(vname, day)].timed is None for day, vname in old_v):
                    self.restore(snap)  # the screening could not re-time a day without it
                    continue
                new_v, new_m = self.place(s)
                if (len(new_m), self._site_cost(s, new_v)) < (len(old_m), old_cost - 0.05):
                    visits[s.id], missed[s.id] = new_v, new_m
                    changed = True
                else:
                    self.restore(snap)
            if not changed:
                break
        unserved = [(sid, t, why) for sid in sorted(missed) for t, why in missed[sid]]
        return OutreachResult(self.days, visits, unserved, cut)

    def _site_cost(self, site: Site, visits) -> float:
        total = 0.0
        for day, vname in visits:
            dd = self.days[(vname, day)]
            assert dd.timed is not None  # a day with this visit on it is timed
            order = [s for s in dd.timed.order if s != site.id]
            without = self._time(dd, order)
            total += dd.timed.km - (without.km if without else 0.0)
        return total + off_weekday_penalty([day for day, _ in visits])


def off_weekday_penalty(days: list[date]) -> float:
    """OFF_WEEKDAY_KM for each visit not on the site's most frequent weekday."""
    if not days:
        return 0.0
    counts: dict[str, int] = {}
    for d in days:
        counts[weekday_key(d)] = counts.get(weekday_key(d), 0) + 1
    return OFF_WEEKDAY_KM * (len(days) - max(counts.values()))
