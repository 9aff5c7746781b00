"""The one visit-spacing dynamic programme of an institution's dated visits.

Planning (`outreach.py`) and repair (`repair_outreach.py`) both pick, among the dates
a site could be visited (each with a cost), the chain of visits spaced `every_weeks`
weeks ± tolerance, closure days not counted. They differ only in what a candidate
costs, so the chain itself — and which visits it leaves out — is decided here, once.

The chain starts in one of two ways:
- without an anchor (a site new in this quarter, or no previous plan): the first visit
  falls within the first rhythm of the period — every full rhythm before it is one
  missed visit;
- with an anchor (the site's last published visit before the period, from the plan
  of the quarter before, or its last kept visit before a repair's `from`): the first
  visit comes `every_weeks` weeks ± tolerance after it, so the rhythm runs on across
  the quarter boundary. A rhythm that skips due dates counts one missed visit per
  due date. A site whose rhythm is longer than the quarter may so have no visit at
  all in it, and none missed. Planning may *restart* a rhythm no date can continue
  (the site's weekdays changed, say) at `restart_cost` plus the due dates it passed,
  at least one; the repair never does (`restart_cost=None`).

  An anchor whose next visit was due — tolerance included — before the period starts
  (the previous plan missed it, or `every_weeks` shrank between the quarters) cannot be
  continued: the visit is overdue, and the chain starts as without an anchor, its
  first visit within the first rhythm of the period.

The period ends the same way in both: every full rhythm after the last visit up to
the period's end is a missed visit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

Gap = Callable[[date, date], int]  # open days from a to b (closures pause the clock)


@dataclass(frozen=True)
class Spacing:
    """The rule one site's chain keeps, and the period it is chosen for."""

    every_days: int  # 7 × every_weeks
    tolerance: int  # outreach_tolerance_days
    gap: Gap  # open days between two dates for this site
    start: date  # first day of the period (a repair's `from` for a site new in it)
    end: date  # last day of the period
    anchor: date | None = None  # last published visit before `start` (see module doc)

    def __post_init__(self) -> None:
        if self.anchor is not None and overdue(self.every_days, self.tolerance, self.gap,
                                               self.anchor, self.start):
            object.__setattr__(self, "anchor", None)  # overdue: start afresh

    def rounds(self, g: int) -> int:
        """How many rhythms a gap of `g` open days is closest to (at least one)."""
        return max(1, round(g / self.every_days))

    def in_rhythm(self, g: int) -> bool:
        """Whether a gap of `g` open days is a whole number of rhythms ± tolerance."""
        return abs(g - self.rounds(g) * self.every_days) <= self.tolerance

    def due_after_anchor(self, upto: int) -> list[int]:
        """The rhythms k ≥ 1 after the anchor due no later than `upto` open days after
        it (the first is never overdue: see `overdue`)."""
        return list(range(1, upto // self.every_days + 1))


def overdue(every_days: int, tolerance: int, gap: Gap, anchor: date, start: date) -> bool:
    """Whether the visit due `every_days` after `anchor` was due, tolerance included,
    before `start`: then no date from `start` on continues that rhythm."""
    return gap(anchor, start) > every_days + tolerance


@dataclass(frozen=True)
class ChainCosts:
    """What the chain's choices cost besides each candidate's own cost."""

    missed: float  # one visit left out (more than any candidate's cost)
    tiebreak_per_day: float = 0.0  # per day a gap is off the exact rhythm
    restart: float | None = None  # a rhythm restarted off the anchor; None: never
    none_extra: float = 0.0  # added when the chain has no visit at all


@dataclass(frozen=True)
class Chain:
    """The chosen candidates (indices, in date order) and the target date of each
    visit the chain leaves out (None: the site has no visit at all)."""

    chosen: list[int]
    missed: list[date | None]


def best_chain(dates: Sequence[date], costs: Sequence[float], sp: Spacing,
               cc: ChainCosts) -> Chain:
    """The cheapest chain over candidate `dates` (sorted, one per date) with their
    `costs`: fewest missed visits first (each costs `cc.missed`), then the costs."""
    P, m = sp.every_days, len(dates)
    cost = [math.inf] * m
    prev: list[int | None] = [None] * m
    for j, d in enumerate(dates):
        lead = _lead(sp, d, cc)
        if lead is not None:
            cost[j] = lead + costs[j]
    for j in range(m):
        if cost[j] == math.inf:
            continue
        for k in range(j + 1, m):
            g = sp.gap(dates[j], dates[k])
            r = sp.rounds(g)
            if abs(g - r * P) > sp.tolerance:
                continue
            c = (cost[j] + (r - 1) * cc.missed + costs[k]
                 + cc.tiebreak_per_day * abs(g - r * P))
            if c < cost[k] - 1e-9:
                cost[k], prev[k] = c, j
    best_total, best_last = _none_missed(sp) * cc.missed + cc.none_extra, None
    if sp.anchor is None:
        best_total = max(1, _none_missed(sp)) * cc.missed + cc.none_extra
    for j in range(m):
        total = cost[j] + (sp.gap(dates[j], sp.end) // P) * cc.missed
        if total < best_total - 1e-9:
            best_total, best_last = total, j
    chosen = _read_back(prev, best_last)
    return Chain(chosen, missed_targets([dates[i] for i in chosen], sp))


def _lead(sp: Spacing, first: date, cc: ChainCosts) -> float | None:
    """What starting the chain at `first` costs (missed visits before it), or None
    when it cannot start there (too soon after the anchor, or off its rhythm)."""
    P = sp.every_days
    if sp.anchor is None:
        return (sp.gap(sp.start, first) // P) * cc.missed
    g = sp.gap(sp.anchor, first)
    if g < P - sp.tolerance:
        return None  # too soon after the last visit
    r = sp.rounds(g)
    if sp.in_rhythm(g):
        skipped = [k for k in sp.due_after_anchor(g) if k < r]
        return len(skipped) * cc.missed + cc.tiebreak_per_day * abs(g - r * P)
    if cc.restart is None:
        return None
    return max(1, len(_passed(sp, g))) * cc.missed + cc.restart


def _passed(sp: Spacing, g: int) -> list[int]:
    """The rhythms after the anchor due in the period whose tolerance ended before a
    first visit `g` open days after the anchor."""
    return [k for k in sp.due_after_anchor(g) if k * sp.every_days + sp.tolerance < g]


def _none_missed(sp: Spacing) -> int:
    """Visits missed when the chain has none at all: every rhythm of the period (with
    an anchor: every due date inside it — none for a rhythm longer than what is left)."""
    if sp.anchor is None:
        return (sp.gap(sp.start, sp.end) + 1) // sp.every_days
    return len(sp.due_after_anchor(sp.gap(sp.anchor, sp.end)))


def _read_back(prev: list[int | None], last: int | None) -> list[int]:
    """The candidates the DP picked, first to last, from the predecessor links of its
    best final candidate (none if `last` is None)."""
    chosen: list[int] = []
    j = last
    while j is not None:
        chosen.append(j)
        j = prev[j]
    chosen.reverse()
    return chosen


def missed_targets(dates: Sequence[date], sp: Spacing) -> list[date | None]:
    """The date each visit left out by the chain `dates` was due (sorted): before the
    first visit, between visits, after the last — counted as `best_chain` counts them."""
    P = sp.every_days
    out: list[date | None] = []
    if sp.anchor is not None:
        a = sp.anchor
        g = sp.gap(a, dates[0]) if dates else sp.gap(a, sp.end)
        if not dates:
            due = sp.due_after_anchor(g)
        elif sp.in_rhythm(g):
            due = [k for k in sp.due_after_anchor(g) if k < sp.rounds(g)]
        else:  # a restarted rhythm: the due dates it passed, at least one
            due = _passed(sp, g) or [1]
        out += [max(sp.start, a + timedelta(P * k)) for k in due]
    elif not dates:
        return [None] * max(1, (sp.gap(sp.start, sp.end) + 1) // P)
    else:
        for q in range(sp.gap(sp.start, dates[0]) // P):
            out.append(max(sp.start, dates[0] - timedelta(P * (q + 1))))
    for a, b in zip(dates, dates[1:]):
        for q in range(1, sp.rounds(sp.gap(a, b))):
            out.append(a + timedelta(P * q))
    if dates:
        for q in range(1, sp.gap(dates[-1], sp.end) // P + 1):
            out.append(min(sp.end, dates[-1] + timedelta(P * q)))
    return sorted(out, key=lambda d: d or date.min)
