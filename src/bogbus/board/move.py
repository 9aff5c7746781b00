"""Answer a drag on the board: the two affected days re-timed with the exact day model.

The weekly timetable is a set of days (vehicle, weekday), each holding (stop, week
phase) pairs. Moving one stop changes two days (or one, for a phase change); both are
solved by the planner's own day oracle (`solve.template.TemplateSearch.timed`: exact
enumeration for small days, the CP-SAT day model otherwise, polished to the least
working span) — never an estimate. An impossible drop is refused with its reason: the
stop's days or vehicles, the shift, its window, the lunch break or the day's range.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..model import Instance, hhmm
from ..solve.daymodel import solve_day
from ..solve.template import TemplateSearch
from ..travel import TravelMatrix

Slot = tuple[str, str, int]  # (vehicle, weekday, week phase)
DAY_NAMES = {"mon": "mandag", "tue": "tirsdag", "wed": "onsdag", "thu": "torsdag",
             "fri": "fredag", "sat": "lørdag", "sun": "søndag"}


@dataclass(frozen=True)
class MoveAnswer:
    feasible: bool
    reason_kind: str | None  # days | vehicle | shift | window | break | range | day
    reason: str | None  # Danish, for the planner
    arrival: str | None  # the moved stop's new arrival
    days: list[dict[str, Any]]  # per affected day: vehicle, weekday, times, km_week
    km_week_before: float
    km_week_after: float | None

    def as_json(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["km_week_delta"] = (None if self.km_week_after is None
                                else round(self.km_week_after - self.km_week_before, 1))
        return out


def unpinned(instance: Instance, sid: str) -> Instance:
    """The instance with `sid`'s own pin cleared: a drag decides its new day itself."""
    sites = tuple(dataclasses.replace(s, fixed_day=None, fixed_time=None) if s.id == sid else s
                  for s in instance.sites)
    return dataclasses.replace(instance, sites=sites)


def _content(slots: dict[str, Slot], vehicle: str, weekday: str) -> frozenset:
    return frozenset((sid, p) for sid, (v, d, p) in slots.items() if (v, d) == (vehicle, weekday))


def answer_move(instance: Instance, travel: TravelMatrix, slots: dict[str, Slot], sid: str,
                target: Slot) -> MoveAnswer:
    """Move `sid` from its slot in `slots` (the board's current timetable) to `target`."""
    inst = unpinned(instance, sid)
    search = TemplateSearch(inst, travel)
    search.explaining = True  # exact answers: no search deadline applies
    stop = search.stops[sid]
    vehicle, weekday, phase = target
    old = slots[sid]
    moved = {**slots, sid: target}
    days = sorted({(old[0], old[1]), (vehicle, weekday)})

    def day_km(contents: dict[str, Slot], day: tuple[str, str]) -> float | None:
        content = _content(contents, *day)
        sol = search.evaluate(day, content) if content else None
        if content and sol is None:
            return None
        return sol.mean_km if sol else 0.0

    before_parts = [day_km(slots, d) for d in days]
    before = round(sum(k for k in before_parts if k is not None), 1)

    def refuse(kind: str, reason: str) -> MoveAnswer:
        return MoveAnswer(False, kind, reason, None, [], before, None)

    v = inst.settings.vehicle(vehicle)
    name = stop.name
    if not stop.allows_vehicle(vehicle):
        return refuse("vehicle", f"{name} må ikke betjenes af {vehicle} (kolonnen vehicles)")
    if weekday not in stop.days:
        allowed = ", ".join(DAY_NAMES.get(d, d) for d in stop.days)
        return refuse("days", f"{name} må kun besøges {allowed} (kolonnen days)")
    if weekday not in v.shifts:
        return refuse("shift", f"{vehicle} kører ikke om {DAY_NAMES.get(weekday, weekday)}en "
                               "(ingen vagt i settings.yaml)")
    if not 0 <= phase < stop.every_weeks:
        return refuse("phase", f"{name} kører hver {stop.every_weeks}. uge: der er ingen "
                               f"uge {phase + 1} i dens rytme")
    if search.node(stop, vehicle, weekday) is None:
        shift = v.shifts[weekday]
        window = (f"{hhmm(stop.earliest) if stop.earliest is not None else 'vagtens start'}–"
                  f"{hhmm(stop.latest) if stop.latest is not None else 'vagtens slut'}")
        return refuse("window", f"{name}s vindue {window} med {stop.duration_min} min ophold "
                                f"passer ikke i vagten {hhmm(shift.start)}–{hhmm(shift.end)} "
                                "med kørslen fra og til depotet")
    answers: list[dict[str, Any]] = []
    for day in days:
        content = _content(moved, *day)
        sol = search.timed(day, content) if content else None
        if content and sol is None:
            kind, reason = _why(search, day, content, name)
            return refuse(kind, reason)
        answers.append({"vehicle": day[0], "weekday": day[1],
                        "times": {s: hhmm(t) for s, t in sorted((sol.times if sol else {})
                                                                .items())},
                        "km_week": round(sol.mean_km, 1) if sol else 0.0})
    after = round(sum(a["km_week"] for a in answers), 1)
    arrival = next(str(a["times"][sid]) for a in answers if sid in a["times"])
    return MoveAnswer(True, None, None, arrival, answers, before, after)


def _why(search: TemplateSearch, day: tuple[str, str], content: frozenset,
         name: str) -> tuple[str, str]:
    """Which rule makes the day impossible: solved again without the break, then without
    the km limit; neither helps → the day's windows do not fit the shift."""
    prob = search.day_problem(day[0], day[1], content)
    label = DAY_NAMES.get(day[1], day[1])
    if prob is None:
        return ("day", f"{name} kan ikke komme med {label}: stoppenes rytmer giver en cyklus "
                       "på over 12 uger")
    if prob.break_rule is not None and solve_day(dataclasses.replace(prob, break_rule=None),
                                                 det_limit=2.0) is not None:
        return ("break", f"med {name} er der ikke plads til frokostpausen om {label}en")
    if prob.max_km is not None and solve_day(dataclasses.replace(prob, max_km=None),
                                             det_limit=2.0) is not None:
        return ("range", f"med {name} bliver {label}ens tur længere end max_km_per_day "
                         f"({prob.max_km:g} km)")
    return ("shift", f"{label}en har ikke plads til {name}: stoppenes tidsvinduer og "
                     "opholdstider kan ikke nås inden for vagten")
