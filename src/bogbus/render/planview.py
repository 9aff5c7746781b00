"""A read-only view of a loaded `plan.json` (schema `bogbus.plan/1`) for the renderers.

The renderers work from the plan dict alone. This module gathers what they all need —
sites by id, the public stop timetable, dated visits from the routes, holidays and
closures of the period — sorted the way a reader expects, and cleans untrusted text
(site names, reasons) of control characters. Escaping for a given output format
(HTML, PDF, CSV, iCalendar) is left to that format's renderer.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import BogbusError
from ..geo import haversine_km
from ..model import WEEKDAYS
from ..plan.document import Plan
from ..plan.schema import SCHEMA
from .danish import as_date, pattern_words, time_range, weekday_key, weekday_name


def clean_text(value: object) -> str:
    """Untrusted text → one printable line: control/format characters become spaces."""
    if value is None:
        return ""
    out = []
    for ch in str(value):
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(" ")
        else:
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def safe_filename_part(text: str) -> str:
    """A site id made safe for a file name; ids that had to change get a short hash."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", text).strip("._") or "site"
    if safe != text:
        safe = f"{safe[:40]}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"
    return safe


@dataclass(frozen=True)
class StopEntry:
    """One line of the public timetable: a stop, a weekday, a time and a week pattern."""

    site_id: str
    vehicle: str
    weekday: str
    arrival: str
    departure: str
    every_weeks: int
    week_parity: str | None
    dates: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (ISO date, reason)

    @property
    def skipped_dates(self) -> frozenset[str]:
        return frozenset(d for d, _ in self.skipped)

    def skipped_ranges(self) -> list[tuple[str, str, str]]:
        """The skipped dates as (first, last, reason) runs: consecutive skipped dates with
        one reason and no served date between them are one run, so a five-week summer
        closure reads as one line ("7. juli – 4. august: Sommerferie"), not five."""
        runs: list[tuple[str, str, str]] = []
        served = sorted(self.dates)
        for d, reason in sorted(self.skipped):
            if runs:
                first, last, why = runs[-1]
                if why == reason and not any(last < s < d for s in served):
                    runs[-1] = (first, d, why)
                    continue
            runs.append((d, d, reason))
        return runs


@dataclass(frozen=True)
class Visit:
    """One dated visit taken from a route."""

    date: str
    vehicle: str
    site_id: str
    kind: str
    arrival: str
    departure: str
    seq: int  # position in the route, 0-based


@dataclass(frozen=True, order=True)
class Closure:
    """A closure of the period; `sites`/`vehicles` empty: the whole service."""

    start: str
    end: str
    reason: str
    sites: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()


@dataclass
class PlanView:
    plan: Plan
    scenario: str
    quarter: str
    period_start: str
    period_end: str
    library_name: str
    contact: str
    depot: str | None
    sites: dict[str, Mapping[str, Any]]  # tolerant: a site may lack keys a renderer skips
    stop_entries: list[StopEntry]
    visits: list[Visit]
    routes: Sequence[Mapping[str, Any]]
    holidays: list[tuple[str, str]]  # (ISO date, name) inside the period
    closures: list[Closure]  # overlapping the period
    unserved: list[Mapping[str, Any]]
    vehicles: list[str] = field(default_factory=list)

    # -- look-ups ---------------------------------------------------------------
    def site(self, site_id: str) -> Mapping[str, Any]:
        return self.sites.get(site_id, {"id": site_id, "kind": "stop", "name": site_id})

    def name(self, site_id: str) -> str:
        return clean_text(self.site(site_id).get("name")) or clean_text(site_id)

    def address(self, site_id: str) -> str:
        return clean_text(self.site(site_id).get("address"))

    def kind(self, site_id: str) -> str:
        return str(self.site(site_id).get("kind") or "stop")

    def coords(self, site_id: str) -> tuple[float, float] | None:
        s = self.site(site_id)
        try:
            lat, lon = float(s["lat"]), float(s["lon"])
        except (KeyError, TypeError, ValueError):
            return None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        return lat, lon

    def entries_for(self, site_id: str) -> list[StopEntry]:
        return [e for e in self.stop_entries if e.site_id == site_id]

    def visits_for(self, site_id: str) -> list[Visit]:
        return [v for v in self.visits if v.site_id == site_id]

    @property
    def multi_vehicle(self) -> bool:
        return len(self.vehicles) > 1

    @property
    def outreach_visits(self) -> list[Visit]:
        return [v for v in self.visits if v.kind not in ("stop", "depot")]

    def poster_sites(self) -> list[str]:
        """Public stops in the order of `sites`, then any timetabled id not listed there."""
        ids = [sid for sid, s in self.sites.items() if s.get("kind") == "stop"]
        for e in self.stop_entries:
            if e.site_id not in ids:
                ids.append(e.site_id)
        return ids

    def poster_band(self, site_id: str) -> str:
        """The poster's top line: it must not promise a bus the timetable does not
        bring (the page then says when it does not come, and where it does)."""
        return "Bogbussen holder her" if self.entries_for(site_id) else "Bogbussen holder ikke her"

    def nearest_served(self, site_id: str) -> str | None:
        """The public stop nearest this one (as the crow flies) that has a timetable
        line: what a poster of a stop the bus does not visit points citizens to.
        None when the stop has no coordinates or no stop is served."""
        here = self.coords(site_id)
        if here is None:
            return None
        best: tuple[float, str] | None = None
        for sid in dict.fromkeys(e.site_id for e in self.stop_entries):
            there = self.coords(sid)
            if sid == site_id or there is None:
                continue
            d = haversine_km(*here, *there)
            if best is None or (d, sid) < best:
                best = (d, sid)
        return None if best is None else best[1]

    def nearest_served_text(self, site_id: str) -> str:
        """For a poster of a stop the bus does not visit, in Danish and with nothing
        internal: "Nærmeste holdeplads: Ålum, Kirkevej, tirsdag kl. 14.10–14.55, hver
        uge." — or "" when no stop is served. The planner's reason (English, naming
        other stops and buses) is for the staff pages, never for a poster."""
        sid = self.nearest_served(site_id)
        if sid is None:
            return ""
        times = [f"{weekday_name(e.weekday, capital=False)} "
                 f"{time_range(e.arrival, e.departure)}, "
                 f"{pattern_words(e.every_weeks, e.week_parity)}"
                 for e in sorted(self.entries_for(sid), key=lambda e: _weekday_order(e.weekday))]
        return f"Nærmeste holdeplads: {self.name(sid)}, {'; '.join(times)}."

    def unserved_reason(self, site_id: str) -> str:
        for u in self.unserved:
            if u.get("site_id") == site_id and not u.get("date"):
                return clean_text(u.get("reason"))
        return ""

    def service_weekdays(self) -> set[str]:
        """Weekdays the bus runs: its shifts, plus any weekday that has a route or a stop."""
        days: set[str] = set()
        for veh in self.plan.get("vehicles") or []:
            if isinstance(veh, dict) and isinstance(veh.get("shifts"), dict):
                days.update(k for k, val in veh["shifts"].items() if val)
        days.update(route_weekday(r) for r in self.routes)
        days.update(e.weekday for e in self.stop_entries)
        return days

    def closed_days(self, site: str | None = None,
                    staff: bool = False) -> list[tuple[str, str, str]]:
        """Holidays on service weekdays and the closures a reader is told: (start, end,
        why). Citizens (default) see closures of the whole service, of a bus, and of
        public stops (named); a closure of only institutions is not theirs to read, and
        no institution is named. `site` (an institution's letter): its own closures too,
        and no other institution's. `staff=True`: every closure, every name."""
        days = self.service_weekdays()
        rows = [(d, d, name) for d, name in self.holidays if weekday_key(d) in days]
        for c in self.closures:
            why = c.reason
            buses = [b for b in c.vehicles if b in self.vehicles]
            if c.sites:
                if staff:
                    why += f" (kun {', '.join(self.name(x) for x in c.sites)})"
                elif site is not None and site in c.sites:
                    why += " (hos jer)"
                else:
                    stops = [self.name(x) for x in c.sites if self.kind(x) == "stop"]
                    if not stops:
                        continue  # only institutions: not the reader's, not to be named
                    why += f" (kun {', '.join(stops)})"
            elif buses and self.multi_vehicle and set(buses) != set(self.vehicles):
                why += f" (kun {', '.join(buses)})"  # the bus names are on the posters
            rows.append((c.start, c.end, why))
        return sorted(rows)


def _weekday_order(key: str) -> int:
    return WEEKDAYS.index(key) if key in WEEKDAYS else len(WEEKDAYS)


def _week_parity(dates: list[str], every_weeks: int) -> str | None:
    if every_weeks != 2 or not dates:
        return None
    parities = {as_date(d).isocalendar()[1] % 2 for d in dates}
    return None if len(parities) != 1 else ("even" if parities == {0} else "odd")


def _entries_from_routes(routes: Sequence[Mapping[str, Any]],
                         sites: Mapping[str, Mapping[str, Any]]) -> list[StopEntry]:
    """Fallback when a plan has no `stop_timetable`: group stop visits by slot."""
    slots: dict[tuple, list[str]] = {}
    for r in routes:
        for v in r.get("visits") or []:
            sid = str(v.get("site_id"))
            kind = v.get("kind") or sites.get(sid, {}).get("kind")
            if kind != "stop":
                continue
            key = (
                sid,
                str(r.get("vehicle", "")),
                WEEKDAYS[as_date(r["date"]).weekday()],
                v["arrival"],
                v["departure"],
            )
            slots.setdefault(key, []).append(r["date"])
    out = []
    for (sid, veh, wd, arr, dep), dates in slots.items():
        n = int(sites.get(sid, {}).get("every_weeks") or 1)
        dates = sorted(set(dates))
        out.append(StopEntry(sid, veh, wd, arr, dep, n, _week_parity(dates, n), tuple(dates), ()))
    return out


def view(plan: Plan) -> PlanView:
    """Check the plan is a `bogbus.plan/1` dict and build the renderers' view of it."""
    if not isinstance(plan, dict):
        raise BogbusError("plan must be the JSON object of a plan.json file")
    schema = plan.get("schema")
    if schema != SCHEMA:
        raise BogbusError(
            f"plan.json has schema {schema!r}, expected {SCHEMA!r} — render a plan made by "
            "this version of bogbus (`bogbus plan`)"
        )
    period = plan.get("period") or {}
    try:
        p_start, p_end = as_date(period["start"]), as_date(period["end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BogbusError("plan.json has no valid period {start, end} (ISO dates)") from exc

    sites: dict[str, Mapping[str, Any]] = {}
    for s in plan.get("sites") or []:
        if isinstance(s, dict) and s.get("id") is not None:
            sites[str(s["id"])] = s

    routes = sorted(
        (r for r in plan.get("routes") or [] if isinstance(r, dict) and r.get("date")),
        key=lambda r: (str(r["date"]), str(r.get("vehicle", "")), str(r.get("start", ""))),
    )

    if plan.get("stop_timetable") is not None:
        entries = []
        for e in plan["stop_timetable"]:
            dates = tuple(sorted(str(d) for d in e.get("dates") or []))
            wd = e.get("weekday") or (WEEKDAYS[as_date(dates[0]).weekday()] if dates else "")
            skipped = tuple(
                sorted(
                    (str(s["date"]), clean_text(s.get("reason"))) for s in e.get("skipped") or []
                )
            )
            entries.append(
                StopEntry(
                    site_id=str(e["site_id"]),
                    vehicle=str(e.get("vehicle") or ""),
                    weekday=wd,
                    arrival=str(e["arrival"]),
                    departure=str(e["departure"]),
                    every_weeks=int(e.get("every_weeks") or 1),
                    week_parity=e.get("week_parity"),
                    dates=dates,
                    skipped=skipped,
                )
            )
    else:
        entries = _entries_from_routes(routes, sites)

    def name_of(sid: str) -> str:
        return clean_text(sites.get(sid, {}).get("name")) or sid

    entries.sort(
        key=lambda e: (
            _weekday_order(e.weekday),
            e.arrival,
            e.vehicle,
            name_of(e.site_id).casefold(),
            e.site_id,
        )
    )

    visits = []
    for r in routes:
        for i, v in enumerate(r.get("visits") or []):
            sid = str(v.get("site_id"))
            kind = str(v.get("kind") or sites.get(sid, {}).get("kind") or "stop")
            visits.append(
                Visit(
                    str(r["date"]),
                    str(r.get("vehicle") or ""),
                    sid,
                    kind,
                    str(v["arrival"]),
                    str(v["departure"]),
                    i,
                )
            )
    visits.sort(key=lambda v: (v.date, v.arrival, v.vehicle, v.seq))

    cal = plan.get("calendar") or {}
    holidays = []
    for h in cal.get("holidays") or []:
        if isinstance(h, dict) and h.get("date") and p_start <= as_date(h["date"]) <= p_end:
            holidays.append((str(h["date"]), clean_text(h.get("name"))))
    holidays.sort()
    closures = []
    for c in cal.get("closures") or []:
        try:
            cs, ce = as_date(c["start"]), as_date(c["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if cs <= p_end and ce >= p_start:
            closures.append(Closure(cs.isoformat(), ce.isoformat(), clean_text(c.get("reason")),
                                    tuple(str(x) for x in c.get("sites") or []),
                                    tuple(str(x) for x in c.get("vehicles") or [])))
    closures.sort()

    vehicles = [str(v.get("name")) for v in plan.get("vehicles") or [] if isinstance(v, dict)]
    for r in routes:
        if str(r.get("vehicle") or "") not in vehicles:
            vehicles.append(str(r.get("vehicle") or ""))

    library = plan.get("library") or {}
    return PlanView(
        plan=plan,
        scenario=str(plan.get("scenario") or ""),
        quarter=str(plan.get("quarter") or ""),
        period_start=p_start.isoformat(),
        period_end=p_end.isoformat(),
        library_name=clean_text(library.get("name")) or "Bogbussen",
        contact=clean_text(library.get("contact")),
        depot=str(plan["depot"]) if plan.get("depot") is not None else None,
        sites=sites,
        stop_entries=entries,
        visits=visits,
        routes=routes,
        holidays=holidays,
        closures=closures,
        unserved=[u for u in plan.get("unserved") or [] if isinstance(u, dict)],
        vehicles=vehicles,
    )


def route_weekday(route: Mapping[str, Any]) -> str:
    wd = route.get("weekday")
    return wd if wd in WEEKDAYS else WEEKDAYS[as_date(route["date"]).weekday()]


def is_date(value: object) -> bool:
    try:
        as_date(str(value))
        return True
    except ValueError:
        return False


__all__ = [
    "Closure",
    "PlanView",
    "StopEntry",
    "Visit",
    "clean_text",
    "is_date",
    "route_weekday",
    "safe_filename_part",
    "view",
]
