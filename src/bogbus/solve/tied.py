"""Stops the data ties to one day, and the proof that an unserved stop cannot join them.

Why: a stop that fits a day alone may still have no place in *any* timetable that
serves the others. The plainest case is in the data itself: a weekly stop that only
one vehicle may serve, on one weekday (its window reaches no other shift), must be on
that vehicle's weekday every week. Two such stops whose visits cannot share one day —
on the 180-stop, 8-bus synthetic municipality two evening stops 112 minutes' drive
apart, both allowed only on bus02's Wednesday — can never both be served, and a search
that waits for the second one waits to the clock for nothing and then calls it "not
proven infeasible". This module finds those ties and, for an unserved stop, the
served tied stops that leave it no day: on every (vehicle, weekday) it could use, the
stops tied there that share a week with it do not fit one route together with it.

A stop is tied to a day by the data only: its vehicles, days and window (the options)
and the exact one-stop answer (it fits that day alone and no other). A slot kept by
re-planning is a choice, not the data, so a kept stop ties nothing and gets no proof
here. The question for each day is one week's route (no shared arrival times across
weeks), which only makes it easier to fit: "does not fit" is a proof.
"""

from __future__ import annotations

from collections.abc import Collection
from math import gcd
from typing import NamedTuple, Protocol

from ..model import Site
from .option import Day, Option

# Tied stops of a rarer rhythm tried one at a time beside the weekly ones (the longest
# visits first): each is a day question, and a CP-SAT solve where enumeration gives up
MAX_EXTRA = 8


class Blocker(NamedTuple):
    """Why one day has no room for the stop: the served stops tied there, and how
    they meet it — in its weeks (`rhythm` 0), or by pigeonhole: they and the stop all
    come every `rhythm` weeks and no two of them fit one week, so with `rhythm` phases
    two of them share a week."""

    stops: tuple[str, ...]  # every served stop the proof needs
    rhythm: int = 0
    beside: tuple[str, ...] = ()  # pigeonhole: the weekly ones among `stops`


class TiedSearch(Protocol):
    """What this module uses of the search (template.TemplateSearch), named here so it
    never imports the search."""

    stops: dict[str, Site]
    locks: dict[str, tuple[Option, int]]

    def options_for(self, s: Site) -> list[Option]: ...

    def fits_alone_on(self, s: Site, day: Day) -> bool | None: ...

    def fits_together(self, day: Day, ids: frozenset[str]) -> bool | None: ...


class TiedDays:
    """The stops the data ties to each (vehicle, weekday), and the proofs built on them.
    Computed once, on first use (only a search that leaves a stop unserved asks)."""

    def __init__(self, search: TiedSearch) -> None:
        self.search = search
        self._days: dict[str, tuple[Day, ...]] | None = None  # stop → days it fits alone
        self._tied: dict[Day, tuple[str, ...]] = {}

    def days_of(self, sid: str) -> tuple[Day, ...]:
        """The (vehicle, weekday) days a stop's options name where it is not proven to
        fit nowhere even alone (an undecided answer counts as a day it may use)."""
        if self._days is None:
            self._compute()
        assert self._days is not None
        return self._days.get(sid, ())

    def tied(self) -> dict[Day, tuple[str, ...]]:
        """(vehicle, weekday) → the stops whose only day it is (kept stops left out)."""
        if self._days is None:
            self._compute()
        return self._tied

    def _compute(self) -> None:
        s = self.search
        self._days = {}
        for sid, st in s.stops.items():
            days = sorted({(o.vehicle, o.weekday) for o in s.options_for(st)})
            self._days[sid] = tuple(d for d in days if s.fits_alone_on(st, d) is not False)
            if len(self._days[sid]) == 1 and sid not in s.locks:
                self._tied.setdefault(self._days[sid][0], ())
                self._tied[self._days[sid][0]] += (sid,)

    def blockers(self, site: Site, served: Collection[str]) -> dict[Day, Blocker] | None:
        """For an unserved stop: on each day it could use, the served stops tied to that
        day that leave it no room (they share a week with it and one week's route cannot
        hold them all); None unless every such day is blocked so. A stop kept by
        re-planning gets no proof (its lock narrowed its days, not the data)."""
        s = self.search
        if site.id in s.locks:
            return None
        days = self.days_of(site.id)
        if not days:
            return None  # fits nowhere even alone: that proof is the caller's
        tied = self.tied()
        out: dict[Day, Blocker] = {}
        for day in days:
            there = [t for t in tied.get(day, ()) if t != site.id and t in served]
            # a weekly tied stop is there every week; another one shares a week with
            # this stop whatever the phases when their rhythms are coprime
            always = [t for t in there if s.stops[t].every_weeks == 1]
            sometimes = [t for t in there if s.stops[t].every_weeks > 1
                         and gcd(s.stops[t].every_weeks, site.every_weeks) == 1]
            found: Blocker | None = None
            # the weekly ones alone first, then each other one with them: the longest
            # visits first, at most MAX_EXTRA (each question may be a CP-SAT solve)
            sometimes.sort(key=lambda t: (-s.stops[t].duration_min, t))
            for extra in ([], *([t] for t in sometimes[:MAX_EXTRA])):
                group = tuple(sorted(always + extra))
                if group and s.fits_together(day, frozenset((site.id, *group))) is False:
                    found = Blocker(group)
                    break
            if found is None:
                found = self._pigeonhole(site, day, always,
                                         [t for t in there if t not in always
                                          and s.stops[t].every_weeks == site.every_weeks])
            if found is None:
                return None
            out[day] = found
        return out

    def _pigeonhole(self, site: Site, day: Day, always: list[str],
                    same: list[str]) -> Blocker | None:
        """Stops of one rhythm k > 1 tied to a day share a week exactly when they share
        a phase, and there are k phases: if this stop and k of them pairwise cannot
        share a week (with the weekly tied stops), some two of those k + 1 meet in a
        week whatever the phases, so not all are served. Those k (the first found, the
        longest visits first, at most MAX_EXTRA asked) and the weekly ones, else None."""
        k = site.every_weeks
        if k == 1 or len(same) < k:
            return None
        s = self.search
        same = sorted(same, key=lambda t: (-s.stops[t].duration_min, t))[:MAX_EXTRA]
        members = [site.id, *same]

        def apart(a: str, b: str) -> bool:
            return s.fits_together(day, frozenset((a, b, *always))) is False

        def extend(clique: list[str], rest: list[str]) -> list[str] | None:
            if len(clique) == k + 1:
                return clique
            for i, t in enumerate(rest):
                if all(apart(t, c) for c in clique):
                    got = extend([*clique, t], rest[i + 1:])
                    if got is not None:
                        return got
            return None

        clique = extend([members[0]], members[1:])
        if clique is None:
            return None
        return Blocker(tuple(sorted([*clique[1:], *always])), k, tuple(sorted(always)))
