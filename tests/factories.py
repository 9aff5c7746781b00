"""Small instances built in code for solver, checker and property tests."""

from __future__ import annotations

from datetime import date

from bogbus.model import BreakRule, Closure, Instance, Settings, Site, TimeWindow, Vehicle

DEPOT = Site("DEPOT", "depot", "Kulturhuset", 56.4607, 10.0364)
LUNCH = BreakRule(30, 11 * 60, 13 * 60 + 30)  # frozen, so one shared default is safe


def vehicle(name: str = "bogbus", *, late_wed: bool = True, max_km: float | None = None,
            crates: int | None = 10, days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri"),
            brk: BreakRule | None = LUNCH) -> Vehicle:
    shifts = {d: TimeWindow(8 * 60 + 30, 16 * 60 + 30) for d in days}
    if late_wed and "wed" in shifts:
        shifts["wed"] = TimeWindow(10 * 60, 19 * 60 + 30)
    return Vehicle(name, shifts, brk, max_km, crates, 30.0)


def stop(i: int, lat: float, lon: float, every: int = 1, dur: int = 30,
         window: tuple[int, int] = (13 * 60, 19 * 60), **kw) -> Site:
    return Site(f"S{i:02d}", "stop", f"Stop {i} Ærø", lat, lon, every_weeks=every,
                duration_min=dur, earliest=window[0], latest=window[1], visitors=10, **kw)


def daycare(i: int, lat: float, lon: float, every: int = 4, **kw) -> Site:
    return Site(f"D{i:02d}", "daycare", f"Børnehus {i}", lat, lon, every_weeks=every,
                duration_min=kw.pop("dur", 30), earliest=8 * 60 + 45, latest=11 * 60 + 30,
                children=20, crates=kw.pop("crates", 1), **kw)


def nursing_home(i: int, lat: float, lon: float, every: int = 6, **kw) -> Site:
    return Site(f"N{i:02d}", "nursing_home", f"Plejecenter {i}", lat, lon, every_weeks=every,
                duration_min=30, earliest=9 * 60 + 30, latest=14 * 60, residents=25,
                crates=kw.pop("crates", 3), **kw)


def instance(sites: list[Site], vehicles: list[Vehicle] | None = None, *,
             closures: tuple[Closure, ...] = (), tol: int = 3, holidays: str | None = "DK",
             name: str = "test") -> Instance:
    st = Settings(name="Testbibliotek", depot="DEPOT", vehicles=tuple(vehicles or [vehicle()]),
                  holidays=holidays, closures=closures, outreach_tolerance_days=tol,
                  time_limit_s=3, seed=0, round_to_min=5)
    return Instance(name, name, (DEPOT, *sites), st)


def small() -> Instance:
    """Six stops (weekly and fortnightly), two daycares, one nursing home."""
    return instance([
        stop(1, 56.44, 10.15, every=1, dur=45),
        stop(2, 56.54, 10.04, every=1, dur=30),
        stop(3, 56.65, 10.26, every=2, dur=30),
        stop(4, 56.61, 10.30, every=2, dur=30),
        stop(5, 56.39, 9.89, every=2, dur=40),
        stop(6, 56.43, 9.79, every=1, dur=30, window=(16 * 60, 19 * 60)),
        daycare(1, 56.45, 10.16),
        daycare(2, 56.53, 10.03),
        nursing_home(1, 56.40, 9.90),
    ])


SUMMER = Closure(date(2027, 7, 5), date(2027, 8, 6), "Sommerferie")
