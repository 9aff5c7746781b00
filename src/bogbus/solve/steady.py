"""A steady visit slot for the institutions on a dated route whose order is fixed.

The re-routing (planner.improve_day) finds the shortest order; its exact model breaks
ties towards the shortest working day, which pushes institution visits late and off
the `round_to_min` grid (09:33, 10:13 …) — a daycare cannot build a morning around
that. Here the chosen order is timed again, km unchanged: every institution arrives
on the grid, at its `preferred_time` when the route allows, else at the earliest
feasible time, so the time of day does not drift between visits.
"""

from __future__ import annotations

from ..model import Instance
from ..travel import TravelMatrix
from .outreach import DatedDay
from .schedule import Timed, time_route


def steady_timing(instance: Instance, travel: TravelMatrix, dd: DatedDay,
                  order: tuple[str, ...] | list[str]) -> Timed | None:
    """Grid-aligned earliest (or preferred) timing of `order`; None if none exists."""
    st = instance.settings
    v = st.vehicle(dd.vehicle)
    sites = {s.id: s for s in instance.sites}
    institutions = frozenset(s for s in order if s not in dd.stop_times)
    base: dict[str, tuple[int, int]] = {}
    for sid in order:
        s = sites[sid]
        if sid in dd.stop_times:
            base[sid] = (dd.stop_times[sid], dd.stop_times[sid])
        else:
            lo = s.earliest if s.earliest is not None else 0
            base[sid] = (lo, (s.latest if s.latest is not None else 24 * 60) - s.duration_min)
    preferred = dict(base)
    pins = getattr(dd, "pins", {})  # --previous: the time the institution is used to
    for sid in institutions:
        pref = pins.get(sid, sites[sid].preferred_time)
        if pref is not None:
            lo, hi = base[sid]
            preferred[sid] = (max(lo, min(pref, hi)), hi)
    idx = travel.index()
    durations = {sid: sites[sid].duration_min for sid in order}
    for windows in ((preferred, base) if preferred != base else (base,)):
        timed = time_route(order, windows, durations, idx, idx[st.depot], travel.km,
                           travel.minutes, dd.shift, v.break_rule, v.max_km_per_day,
                           grid=st.round_to_min, on_grid=institutions)
        if timed is not None:
            return timed
    return None
