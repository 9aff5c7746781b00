"""Exact timing of one dated route in a given visiting order.

Used to screen outreach insertions quickly: a forward pass with earliest times is
feasible iff any timing of that order is (waiting is allowed), and the break is
tried in every gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import BreakRule


@dataclass(frozen=True)
class Timed:
    order: tuple[str, ...]
    arrivals: tuple[int, ...]
    start: int
    end: int
    break_start: int | None
    km: float
    drive_min: int


def time_route(
    order: list[str] | tuple[str, ...],
    windows: dict[str, tuple[int, int]],
    durations: dict[str, int],
    index: dict[str, int],
    depot: int,
    km: tuple[tuple[float, ...], ...],
    minutes: tuple[tuple[int, ...], ...],
    shift: tuple[int, int],
    break_rule: BreakRule | None,
    max_km: float | None,
    grid: int = 1,
    on_grid: frozenset[str] | set[str] = frozenset(),
) -> Timed | None:
    """Earliest feasible timing of `order` (site ids) or None. Arrivals at the sites in
    `on_grid` (institutions) are rounded up to a multiple of `grid` minutes, so their
    letters show times like 09:35 — the earliest such time, never a drifting late one."""
    idxs = [depot] + [index[s] for s in order] + [depot]
    dist = round(sum(km[a][b] for a, b in zip(idxs, idxs[1:])), 1)
    if max_km is not None and dist > max_km + 1e-9:
        return None
    drive = sum(minutes[a][b] for a, b in zip(idxs, idxs[1:]))
    n = len(order)
    best: Timed | None = None
    for gap in (range(n + 1) if break_rule else [None]):
        now, arrivals, bstart, ok = shift[0], [], None, True
        end = None
        for pos in range(n + 1):
            if pos == gap and break_rule is not None:  # gap is None without a rule
                b = max(break_rule.earliest, now)
                if b + break_rule.minutes > break_rule.latest:
                    ok = False
                    break
                bstart, now = b, b + break_rule.minutes
            arrive = now + minutes[idxs[pos]][idxs[pos + 1]]
            if pos == n:
                end = arrive
                break
            lo, hi = windows[order[pos]]
            at = max(arrive, lo)
            if grid > 1 and order[pos] in on_grid:
                at = -(-at // grid) * grid
            if at > hi:
                ok = False
                break
            arrivals.append(at)
            now = at + durations[order[pos]]
        if not ok or end is None or end > shift[1]:
            continue
        if gap == 0 and bstart is not None:  # the break came first (always set then)
            start = bstart
        elif n:
            start = arrivals[0] - minutes[depot][idxs[1]]
        else:
            start = shift[0]
        cand = Timed(tuple(order), tuple(arrivals), start, end, bstart, dist, drive)
        # shortest working day; among equal ones the break where it delays no visit
        if best is None or (cand.end - cand.start, cand.arrivals) < (best.end - best.start,
                                                                      best.arrivals):
            best = cand
    return best
