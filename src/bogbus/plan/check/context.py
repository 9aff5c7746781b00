"""What a plan is checked against: its data (fresh, or the copy stored in the plan),
the calendar of its quarter and a travel model to re-derive every leg."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ...calendar import Calendar, Period, build_calendar, parse_quarter
from ...errors import BogbusError
from ...model import Closure, Instance, Site
from ...travel import TravelMatrix, build_travel
from ...travel.greatcircle import greatcircle_matrix
from .. import document as doc
from ..document import Plan
from ..entries import site_entry, vehicle_entry


@dataclass(frozen=True)
class Violation:
    """One broken rule, with the date and site it concerns where there is one."""

    rule: str
    message: str
    date: str | None = None
    site_id: str | None = None

    def __str__(self) -> str:
        where = " ".join(x for x in (self.date, self.site_id) if x)
        return f"[{self.rule}] {where + ': ' if where else ''}{self.message}"


class Violations(list[Violation]):
    """The violations found so far; `add` keeps the rule modules short."""

    def add(self, rule: str, msg: str, day: str | None = None, sid: str | None = None) -> None:
        self.append(Violation(rule, msg, day, sid))


@dataclass
class CheckContext:
    """Sites and vehicles as plan.json entries, the rules' settings, calendar and travel.

    `visits_by_site` is filled while the routes are checked and read by the rhythm rules."""

    sites: dict[str, doc.Site]
    vehicles: dict[str, doc.Vehicle]
    depot: str
    tolerance_days: int
    round_to_min: int
    period: Period
    calendar: Calendar
    travel: TravelMatrix | None
    unserved_sites: set[str]
    visits_by_site: dict[str, list[tuple[date, int, str]]] = field(
        default_factory=lambda: defaultdict(list))
    # a repaired plan (docs/replanning.md): a rhythm date listed unserved with its date
    # is an explained gap; a stop with a new slot is regular from `valid_from`; a site
    # new in the repair starts its rhythm at the repair's `from`; routes before `from`
    # are the published ones, held to the published plan by `check --previous`
    unserved_dates: set[tuple[str, str]] = field(default_factory=set)
    valid_from: dict[str, date] = field(default_factory=dict)
    repair_from: date | None = None
    new_in_repair: set[str] = field(default_factory=set)
    # a plan continuing the quarter before (its `rhythm` section): each institution's
    # last visit before the quarter, which its first visit is spaced from; `span`
    # counts closure days before the quarter too (the calendar holds only its own)
    anchors: dict[str, date] = field(default_factory=dict)
    span: Calendar | None = None

    def span_gap(self, sid: str) -> Callable[[date, date], int]:
        """Open days between two dates for `sid`, closure days not counted — also
        those before the quarter (the spacing from a visit of the quarter before)."""
        cal = self.span or self.calendar
        return lambda a, b: cal.open_days_between(a, b, sid)

    def is_fact(self, day: date) -> bool:
        """Before a repair's `from`: a published route kept as fact."""
        return self.repair_from is not None and day < self.repair_from


def _travel_for(plan: Plan, instance: Instance | None, period: Period,
                out: Violations) -> TravelMatrix | None:
    if instance is not None:
        tm = build_travel(instance, period)  # the plan's own quarter: its seasonal ferries
        recorded = plan.get("travel_model")
        said = recorded.get("in_season") if recorded is not None else None
        now = tm.description.get("in_season")
        if said != now:
            out.add("legs", f"travel_model.in_season says {said!r}, but the water file's "
                    f"seasons in {period.quarter} give {now!r} (a ferry used out of season, "
                    "or the data changed) — re-run `bogbus plan`")
        return tm
    model = plan.get("travel_model")
    if model is None or model["model"] != "greatcircle" or model.get("water"):
        return None  # legs cannot be re-derived without the source data (road, water file)
    circuity, speed = model.get("circuity"), model.get("speed_kmh")
    if circuity is None or speed is None:  # the reader checked their type and range
        raise BogbusError("the plan is damaged: a greatcircle travel_model needs circuity "
                          "and speed_kmh — re-run `bogbus plan`")
    sites = [Site(s["id"], s["kind"], s["name"], s["lat"], s["lon"]) for s in plan["sites"]]
    return greatcircle_matrix(sites, float(circuity), float(speed))


def context_for(plan: Plan, instance: Instance | None,
                out: Violations) -> CheckContext:
    """Check against `instance` when given (and say if its data changed), else against the
    sites, vehicles, settings and calendar stored in the plan."""
    period = parse_quarter(plan["quarter"])
    if instance is not None:
        st = instance.settings
        sites = {s.id: site_entry(s) for s in instance.sites}
        vehicles = {v.name: vehicle_entry(v) for v in st.vehicles}
        depot, tol, step = st.depot, st.outreach_tolerance_days, st.round_to_min
        cal = build_calendar(period, st.holidays, st.closures, st.optional_holidays)
        all_closures = tuple(st.closures)
        if plan.get("inputs_sha256") and plan["inputs_sha256"] != instance.inputs_sha256:
            out.add("data", "the data changed since this plan was made (inputs_sha256 differs)")
    else:
        sites = {s["id"]: s for s in plan["sites"]}
        vehicles = {v["name"]: v for v in plan["vehicles"]}
        depot = plan["depot"]
        tol = plan["settings"]["outreach_tolerance_days"]
        step = plan["settings"]["round_to_min"]
        closures = tuple(Closure(date.fromisoformat(c["start"]), date.fromisoformat(c["end"]),
                                 c["reason"], tuple(c.get("sites") or ()),
                                 tuple(c.get("vehicles") or ()))
                         for c in plan["calendar"]["closures"])
        cal = build_calendar(period, None, closures)
        all_closures = closures
        cal.holidays.update({date.fromisoformat(h["date"]): h["name"]
                             for h in plan["calendar"]["holidays"]})
    rep = plan.get("repair")
    return CheckContext(
        sites, vehicles, depot, tol, step, period, cal, _travel_for(plan, instance, period, out),
        {u["site_id"] for u in plan["unserved"]},
        unserved_dates={(u["site_id"], u["date"]) for u in plan["unserved"]
                        if u["date"] is not None},
        valid_from={e["site_id"]: date.fromisoformat(e["valid_from"])
                    for e in plan.get("stop_timetable", []) if e.get("valid_from")},
        repair_from=date.fromisoformat(rep["from"]) if rep is not None else None,
        new_in_repair=set(rep.get("new_sites") or []) if rep is not None else set(),
        anchors=recorded_anchors(plan, out),
        span=Calendar(period, cal.holidays, all_closures))


def recorded_anchors(plan: Plan, out: Violations) -> dict[str, date]:
    """The plan's `rhythm.last_visits` (site id → date before its quarter); a damaged
    section is a violation, never a rule quietly switched off."""
    section: Any = plan.get("rhythm")
    if section is None:
        return {}
    lv = section.get("last_visits") if isinstance(section, dict) else None
    anchors: dict[str, date] = {}
    start = parse_quarter(plan["quarter"]).start
    for sid, d in (lv.items() if isinstance(lv, dict) else [(None, None)]):
        try:
            anchors[str(sid)] = day = date.fromisoformat(str(d) if d is not None else "")
        except (TypeError, ValueError):
            out.add("rhythm", "rhythm.last_visits is damaged (expected site id → YYYY-MM-DD)")
            return {}
        if day >= start:
            out.add("rhythm", f"rhythm.last_visits: {day} is not before the quarter", None,
                    str(sid))
            return {}
    return anchors
