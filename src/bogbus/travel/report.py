"""`bogbus travel check`: how much the water changes the legs, and what to look at.

For the straight-line model with a water file: every pair of sites the water splits,
with the straight leg (great-circle × circuity), the modelled leg round the water and
their ratio, and the warnings of the build (a site next to a barrier line, a bridge far
from every line) plus pairs whose way goes round the end of a drawn line without any
crossing (the water may go on beyond the file). Without a water file: the longest
straight legs, so a planner where rivers or fjords cut the area sees the risk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..calendar import Period
from ..errors import Problem
from ..geo import haversine_km
from ..model import Instance
from .water import build_water, seasonal_flags

LONGEST_SHOWN = 10


@dataclass(frozen=True)
class SplitPair:
    a: str
    b: str
    straight_km: float
    modelled_km: float
    via: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.modelled_km / self.straight_km if self.straight_km > 0 else 1.0


@dataclass
class TravelReport:
    model: str
    water: str = ""
    pairs: int = 0  # unordered pairs of distinct sites
    split: list[SplitPair] = field(default_factory=list)  # by ratio, largest first
    used: tuple[str, ...] = ()
    unused: tuple[tuple[str, str], ...] = ()
    in_season: dict[str, bool] = field(default_factory=dict)  # seasonal ferry → sails
    longest: list[tuple[str, str, float]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def travel_report(instance: Instance, period: Period | None = None) -> TravelReport:
    """The report for SOURCE in the planned period (which seasonal ferries sail);
    `InputError` when the water file cannot give a matrix."""
    import time

    ts = instance.settings.travel
    sites = list(instance.sites)
    n = len(sites)
    straight = {(a.id, b.id): round(haversine_km(a.lat, a.lon, b.lat, b.lon) * ts.circuity, 1)
                for i, a in enumerate(sites) for b in sites[i + 1:]}
    rep = TravelReport(model=ts.model, pairs=n * (n - 1) // 2)
    if ts.model != "greatcircle":
        return rep
    if not ts.options.water:
        longest = sorted(((a, b, km) for (a, b), km in straight.items()),
                         key=lambda t: (-t[2], t[0], t[1]))[:LONGEST_SHOWN]
        rep.longest = longest
        if longest:
            rep.warnings.append(Problem(
                "settings.yaml", "travel.water is not set: every leg is a straight line × "
                f"{ts.circuity:g}; the longest is {longest[0][2]} km ({longest[0][0]}–"
                f"{longest[0][1]}) — a fjord, river or lake between two sites makes such a "
                "leg far too short", "add a water file (docs/travel.md, \"Water\") or use "
                "the osm model where water cuts the area", column="travel",
                severity="warning"))
        return rep
    started = time.perf_counter()
    built = build_water(instance, period)
    rep.seconds = time.perf_counter() - started
    tm = built.matrix
    rep.water, rep.used, rep.unused = ts.options.water, built.used, built.unused
    rep.warnings += built.warnings
    rep.in_season = seasonal_flags(built.water, period)
    round_end: list[SplitPair] = []
    for (a, b), km in straight.items():
        if (a, b) not in built.blocked:
            continue
        pair = SplitPair(a, b, km, tm.leg(a, b)[0], tuple(tm.via.get((a, b), ())))
        if pair.modelled_km <= pair.straight_km and not pair.via:
            continue  # the line only grazes a bend of the water: no detour to speak of
        rep.split.append(pair)
        if not pair.via:
            round_end.append(pair)
    if round_end:
        shown = ", ".join(f"{p.a}–{p.b}" for p in round_end[:6])
        more = f" and {len(round_end) - 6} more" if len(round_end) > 6 else ""
        rep.warnings.append(Problem(
            ts.options.water, f"{len(round_end)} pair(s) split by water are joined by no "
            f"crossing in the file; their way goes round the end of a barrier line: "
            f"{shown}{more}", "check on a map that a road goes round there; if the river "
            "goes on beyond the drawn line, add the bridges there", severity="warning"))
    rep.split.sort(key=lambda p: (-p.ratio, p.a, p.b))
    return rep
