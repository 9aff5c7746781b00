"""A weak but proven lower bound that exists at every size: the neighbour bound.

Why: the exact relaxation (bound.py) enumerates every feasible week-route of a day;
from ~45 stops per vehicle-day that explodes (millions of labels, over a GB). A plan
must still say how far it can be from the best, so this bound needs no enumeration:
it is computed in milliseconds and a few MB for any number of stops.

Argument. Split every leg of a week-route half to each of its two ends. A route's km
is then Σ over its stops of ½ (leg in + leg out) plus the depot's half of the first
and last legs. For a stop `s` on (vehicle, weekday):
- its leg in comes from the depot or from a stop `p` that can precede it that day
  (p's earliest departure + the drive reaches s inside s's arrival window);
- its leg out goes to the depot or to a stop `q` it can precede, with p ≠ q unless
  both are the depot (a route visits a stop once).
So its share is at least c(s) = min over its (vehicle, weekday) options of the
cheapest such ½ (in + out). A stop every N weeks is in 1/N of the weeks, so the stops
contribute at least Σ c(s) / N per average week. Each non-empty week-route also pays
the depot's half of its first and last legs, ≥ the shortest depot–stop leg δ, and the
routes must hold Σ duration(s) / N minutes of visits per average week, at most H per
route (the longest shift less two shortest depot drives): at least that ÷ H routes,
and every week holds all weekly stops, so at least ⌈Σ_weekly duration / H⌉ routes.

    bound = Σ_s c(s) / N_s + δ · max(Σ_s duration(s) / N_s / H, ⌈Σ_weekly duration / H⌉)

Every leg is rounded down to 0.1 km as in bound.py. What it ignores (all relaxations,
so the bound stays valid): the shared arrival times, the lunch break, max_km_per_day,
which stops share a week, and that a neighbour must itself be on the same day.
"""

from __future__ import annotations

import math

from ...model import Instance, Site
from ...travel import TravelMatrix
from ..daymodel import day_candidates
from .result import TemplateBound


def _km10(km: float) -> int:
    return int(math.floor(km * 10 + 1e-9))


def neighbour_bound(instance: Instance, travel: TravelMatrix, stops: list[Site]):
    """The neighbour bound (module docstring) for timetables serving exactly `stops`,
    as a TemplateBound with status "neighbour"; `lower_km` None if a stop has no
    feasible (vehicle, weekday) at all."""
    idx = travel.index()
    dep = idx[instance.settings.depot]
    D, T = travel.km, travel.minutes
    L = math.lcm(*(s.every_weeks or 1 for s in stops)) if stops else 1
    # per (vehicle, weekday): the stops that may use it and their arrival windows
    days: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    longest = 0
    for v in instance.settings.vehicles:
        for d, sh in v.shifts.items():
            longest = max(longest, sh.end - sh.start)
            win = {s.id: w for s, _, w in day_candidates(v, d, sh.start, sh.end, stops, idx,
                                                         dep, T)}
            if win:
                days[(v.name, d)] = win
    # twin days (same shift and candidates) give the same value: one of each
    distinct = {tuple(sorted(win.items())): win for win in days.values()}
    by_id = {s.id: s for s in stops}
    total10 = 0.0  # 0.1 km per average week
    for s in stops:
        i = idx[s.id]
        best = None
        for win in distinct.values():
            if s.id not in win:
                continue
            lo, hi = win[s.id]
            ins = [(_km10(D[dep][i]), "@")]
            outs = [(_km10(D[i][dep]), "@")]
            for t, (tlo, thi) in win.items():
                if t == s.id:
                    continue
                j, dur_t = idx[t], by_id[t].duration_min
                if tlo + dur_t + T[j][i] <= hi:  # t can come just before s
                    ins.append((_km10(D[j][i]), t))
                if lo + s.duration_min + T[i][j] <= thi:  # s can come just before t
                    outs.append((_km10(D[i][j]), t))
            ins.sort()
            outs.sort()
            share = _pair(ins, outs)
            best = share if best is None else min(best, share)
        if best is None:
            return TemplateBound(None, "unavailable", L,
                                 note=f"stop {s.id} fits no vehicle's shift on its days")
        total10 += best / 2 / (s.every_weeks or 1)
    depot_leg = min((_km10(D[dep][idx[s.id]]) for s in stops), default=0)
    depot_leg = min(depot_leg, min((_km10(D[idx[s.id]][dep]) for s in stops), default=0))
    shortest_drive = min((min(T[dep][idx[s.id]], T[idx[s.id]][dep]) for s in stops), default=0)
    capacity = longest - 2 * shortest_drive
    minutes = sum(s.duration_min / (s.every_weeks or 1) for s in stops)
    weekly = sum(s.duration_min for s in stops if (s.every_weeks or 1) == 1)
    if capacity > 0:  # routes per average week; weekly stops are in every week
        total10 += depot_leg * max(minutes / capacity, math.ceil(weekly / capacity))
    lower = max(0.0, math.floor(total10 - 1e-6 * max(1.0, total10)) / 10)
    return TemplateBound(lower, "neighbour", L,
                         note="neighbour bound (each stop's cheapest legs in and out)")


def _pair(ins: list[tuple[int, str]], outs: list[tuple[int, str]]) -> int:
    """Cheapest in + out with different neighbours unless both are the depot. Both lists
    are sorted and each holds the depot, so the two cheapest of each suffice."""
    best = None
    for a, p in ins[:2]:
        for b, q in outs[:2]:
            if p == q and p != "@":
                continue
            best = a + b if best is None else min(best, a + b)
    assert best is not None  # each list holds the depot, so one pair always qualifies
    return best
