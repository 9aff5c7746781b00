"""Re-planning against a previous timetable (`bogbus plan --previous`).

Every stop keeps its previous (vehicle, weekday, week phase, arrival) unless that is
infeasible: a kept stop is *locked* (its only option, arrival lo = hi in the day
model), so no later search move touches it. "Clearly worse" means infeasible; a kept
slot is never given up to save kilometres. Kept apart from `template.py` because it
is the one place that changes locks and records why a stop moved.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Protocol

from ..model import Site, hhmm
from .daymodel import DayNode, DaySolution
from .option import Day, Option


class ReplanSearch(Protocol):
    """What re-planning uses of the search (template.TemplateSearch): the previous
    timetable, the locks and releases it keeps for the day oracle, and the oracle —
    named here so this module never imports the search."""

    previous: dict[str, tuple[Option, int, int]] | None
    locks: dict[str, tuple[Option, int]]  # kept stops: option and arrival
    released: dict[str, str]  # stop id → why its previous slot was given up
    stops: dict[str, Site]
    step: int

    def node(self, s: Site, vehicle: str, weekday: str) -> DayNode | None: ...

    def options_for(self, s: Site) -> list[Option]: ...

    def evaluate(self, day: Day, content: frozenset, near: Any = None
                 ) -> DaySolution | None: ...

    def content_of(self, assign: dict[str, Option], day: Day) -> frozenset: ...

    def try_place(self, assign: dict[str, Option], item: str, opts: list[Option],
                  tries: int = 4) -> tuple[Option, float] | None: ...


def construct_previous(search: ReplanSearch,
                       opts: dict[str, list[Option]]) -> tuple[dict, dict]:
    """Keep every stop at its previous (vehicle, weekday, week phase, arrival) where
    possible: lock it (its only option, arrival lo = hi), check each locked weekday
    exactly, and on a day that is infeasible release the fewest locks (one, else a
    pair, else all of that day). Released and new stops are then placed greedily.
    Locked stops keep a single option, so no later search move touches them."""
    assert search.previous is not None
    search.locks, search.released = {}, {}
    for sid, (opt, t, every) in sorted(search.previous.items()):
        s = search.stops.get(sid)
        if s is None:
            continue  # no longer a stop in the data; reported by the plan's replan section
        if s.every_weeks != every:
            search.released[sid] = (f"its frequency changed in the data (every {every} → "
                                    f"{s.every_weeks} weeks)")
            continue
        if opt not in opts[sid]:
            search.released[sid] = (f"its previous day ({opt.vehicle} {opt.weekday}) is no "
                                    "longer possible: days, vehicles, shifts or window changed")
            continue
        if t % search.step:
            search.released[sid] = (f"its previous time {hhmm(t)} is not on the "
                                    f"{search.step}-minute grid (timetable.round_to_min)")
            continue
        search.locks[sid] = (opt, t)
        if search.node(s, opt.vehicle, opt.weekday) is None:
            del search.locks[sid]
            search.released[sid] = (f"its previous time {opt.weekday} {hhmm(t)} no longer "
                                    "fits its window or the shift")
    by_day: dict[tuple[str, str], list[str]] = {}
    for sid, (opt, _t) in search.locks.items():
        by_day.setdefault((opt.vehicle, opt.weekday), []).append(sid)
    for (v, d), sids in sorted(by_day.items()):
        for sid in _fewest_release(search, v, d, sorted(sids)):
            t = search.locks.pop(sid)[1]
            search.released[sid] = (f"its previous slot ({v} {d} {hhmm(t)}) no longer fits "
                                    f"together with the other kept stops of that day")
    for sid, (opt, _t) in search.locks.items():
        opts[sid] = [opt]
    for sid in search.released:  # free again: all options, without the lock
        opts[sid] = search.options_for(search.stops[sid])
    assign = {sid: opt for sid, (opt, _t) in search.locks.items()}
    unserved: dict[str, str] = {}
    rest = sorted((s for s in search.stops.values() if s.id not in assign), key=lambda s: (
        s.fixed_time is None and s.fixed_day is None, -(s.priority or 0),
        len(opts[s.id]), -s.duration_min / s.every_weeks, s.id))
    for s in rest:
        placed = search.try_place(assign, s.id, opts[s.id], tries=6) if opts[s.id] else None
        if placed is None:
            unserved[s.id] = ""
        else:
            assign[s.id] = placed[0]
    _rescue(search, assign, unserved, opts)
    return assign, unserved


def _rescue(search: ReplanSearch, assign: dict[str, Option], unserved: dict[str, str],
            opts: dict[str, list[Option]]) -> None:
    """A kept slot that leaves another stop unserved is "clearly worse": for each
    unserved stop, free one (else two) kept stops of a day it could use, if the freed
    stops can then be placed elsewhere (or at another time) and the unserved one fits."""
    for sid in sorted(unserved):
        for size, o in ((k, o) for k in (1, 2) for o in opts[sid]):
            kept = sorted(x for x, (lo, _t) in search.locks.items()
                          if (lo.vehicle, lo.weekday) == (o.vehicle, o.weekday))
            if any(_rescue_with(search, assign, sid, o, list(xs), opts)
                   for xs in combinations(kept, size)):
                del unserved[sid]
                break


def _rescue_with(search: ReplanSearch, assign, sid: str, o: Option, xs: list[str],
                 opts) -> bool:
    s = search.stops[sid]
    saved = {x: (search.locks.pop(x), assign.pop(x)) for x in xs}
    if search.evaluate((o.vehicle, o.weekday),
                       search.content_of(assign, (o.vehicle, o.weekday)) | {(sid, o.phase)}):
        assign[sid] = o
        placed = {}
        for x in xs:
            x_opts = search.options_for(search.stops[x])
            px = search.try_place(assign, x, x_opts, tries=6)
            if px is None:
                break
            assign[x] = placed[x] = px[0]
        else:
            for x in xs:
                lock = saved[x][0]
                opts[x] = search.options_for(search.stops[x])
                search.released[x] = (f"its previous slot ({lock[0].vehicle} "
                                      f"{lock[0].weekday} {hhmm(lock[1])}) was needed "
                                      f"to serve {sid} ({s.name})")
            return True
        for x in placed:
            del assign[x]
        del assign[sid]
    for x, (lock, xo) in saved.items():
        search.locks[x], assign[x] = lock, xo
    return False


def _fewest_release(search: ReplanSearch, vehicle: str, weekday: str,
                    sids: list[str]) -> list[str]:
    """The fewest locked stops of a day to free so the rest keep their slots: none
    when the day is feasible, else the cheapest single, else the cheapest pair, else
    all of them."""
    def content(keep):
        return frozenset((sid, search.locks[sid][0].phase) for sid in keep)

    if search.evaluate((vehicle, weekday), content(sids)) is not None:
        return []
    for size in (1, 2):
        best = None
        for i, a in enumerate(sids):
            for b in (sids[i + 1:] if size == 2 else [None]):
                out = [a] if b is None else [a, b]
                sol = search.evaluate((vehicle, weekday),
                                      content([x for x in sids if x not in out]))
                if sol is not None and (best is None or sol.mean_km < best[0] - 1e-9):
                    best = (sol.mean_km, out)
        if best is not None:
            return best[1]
    return list(sids)
