"""`bogbus.ics` (public stops only, for citizens) and `bogbus-personale.ics` (every
visit, for staff): one calendar event per visit.

- Private by default: without `staff=True` the calendar holds public stops only — no
  daycare or nursing home, not even a cancelled visit of one; an institution's own
  calendar (`site_ids`) holds that institution's visits only.

- Times are local Europe/Copenhagen (`DTSTART;TZID=Europe/Copenhagen`) and the file
  carries the matching VTIMEZONE (EU summer-time rules as RRULEs).
- UIDs are derived from scenario + site + date (plus a counter if a site is visited
  twice the same day), so importing a re-planned quarter updates events instead of
  duplicating them. A repaired plan stores each visit's `uid` and `sequence` (see
  `changes.py`): a moved visit keeps its UID with a higher `SEQUENCE`, and each visit
  the repair cancelled or released is written once more with `STATUS:CANCELLED`, so a
  subscribed calendar shows the change instead of a duplicate or a stale event.
- `CATEGORIES` tells public stops (`Bogbus,Holdeplads`) from outreach visits
  (`Bogbus,Opsøgende,<Daginstitution|Plejehjem|Filial>`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from .._version import __version__
from ..model import parse_hhmm
from ..plan.document import Change, Plan
from ..plan.visitid import UID_DOMAIN, visit_uid
from .danish import capitalise, day_time, kind_name, pattern_words, quarter_text
from .notices import danish_reason
from .planview import PlanView, Visit

TZID = "Europe/Copenhagen"
__all__ = ["UID_DOMAIN", "timetable_ics", "visit_uid", "vtimezone"]




def _local(day: str, hhmm: str, tz: ZoneInfo) -> datetime:
    h, m = divmod(parse_hhmm(hhmm), 60)
    y, mo, d = (int(x) for x in day.split("-"))
    if h == 24:  # "24:00" is the end of the day
        return datetime(y, mo, d, 23, 59, tzinfo=tz)
    return datetime(y, mo, d, h, m, tzinfo=tz)


def _description(v: PlanView, vis: Visit) -> str:
    lines = []
    if vis.kind == "stop":
        for e in v.entries_for(vis.site_id):
            if vis.date in e.dates:
                lines.append(
                    f"Holdeplads: {day_time(e.weekday, e.arrival, e.departure)}, "
                    f"{pattern_words(e.every_weeks, e.week_parity)}."
                )
    else:
        lines.append(f"{kind_name(vis.kind)} (opsøgende besøg).")
        crates = v.site(vis.site_id).get("crates")
        if crates:
            lines.append(f"Kasser at bytte: {crates}.")
    if vis.vehicle:
        lines.append(f"Bus: {vis.vehicle}.")
    lines.append(f"{v.library_name} – {quarter_text(v.quarter)}.".strip())
    return "\n".join(lines)


def timetable_ics(v: PlanView, now: datetime | None = None, site_ids: set[str] | None = None,
                  calname: str | None = None, staff: bool = False) -> bytes:
    """The public stops' visits; `staff=True` every visit; `site_ids` only those sites'
    visits, whatever their kind (an institution's own calendar)."""
    tz = ZoneInfo(TZID)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", f"-//bogbus//bogbus {__version__}//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calname or f"{v.library_name} {quarter_text(v.quarter)}".strip())
    cal.add("x-wr-timezone", TZID)
    cal.add_component(vtimezone())

    stored = {(r.get("date"), r.get("vehicle"), i): x for r in v.routes
              for i, x in enumerate(r.get("visits") or []) if isinstance(x, dict)}
    seen: dict[tuple[str, str], int] = {}
    def shown(site_id: str, kind: str) -> bool:
        if site_ids is not None:
            return site_id in site_ids
        return staff or kind == "stop"

    for vis in v.visits:
        if not shown(vis.site_id, vis.kind):
            continue
        n = seen[(vis.site_id, vis.date)] = seen.get((vis.site_id, vis.date), 0) + 1
        name = v.name(vis.site_id)
        own = stored.get((vis.date, vis.vehicle, vis.seq), {})
        ev = Event()
        ev.add("uid", str(own.get("uid") or visit_uid(v.scenario, vis.site_id, vis.date, n)))
        if isinstance(own.get("sequence"), int) and own["sequence"] > 0:
            ev.add("sequence", own["sequence"])
        ev.add("dtstamp", stamp)
        ev.add("dtstart", _local(vis.date, vis.arrival, tz))
        ev.add("dtend", _local(vis.date, vis.departure, tz))
        if vis.kind == "stop":
            ev.add("summary", f"Bogbussen: {name}")
            ev.add("categories", ["Bogbus", "Holdeplads"])
        else:
            ev.add("summary", f"Bogbus – {capitalise(kind_name(vis.kind))}: {name}")
            ev.add("categories", ["Bogbus", "Opsøgende", kind_name(vis.kind)])
        address = v.address(vis.site_id)
        ev.add("location", f"{name}, {address}" if address else name)
        coords = v.coords(vis.site_id)
        if coords:
            ev.add("geo", coords)
        ev.add("description", _description(v, vis))
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    for c in cancelled_visits(v.plan):
        if not shown(str(c.get("site_id", "")), v.kind(str(c.get("site_id", "")))):
            continue
        cal.add_component(_cancelled_event(v, c, tz, stamp))
    return cal.to_ical()


def cancelled_visits(plan: Plan) -> list[Change]:
    """Visits a repair cancelled or released (this one and earlier ones), each once."""
    rep = plan.get("repair")
    out, seen = [], set()
    for c in [*rep["changes"], *rep.get("earlier_cancellations", [])] if rep else []:
        if (isinstance(c, dict) and c.get("change") in ("cancelled", "released")
                and isinstance(c.get("old"), dict) and not c.get("new")
                and c.get("uid") not in seen):
            seen.add(c.get("uid"))
            out.append(c)
    return out


def _cancelled_event(v: PlanView, c: Change, tz: ZoneInfo, stamp: datetime) -> Event:
    old, sid = c["old"], c["site_id"]
    assert old is not None  # cancelled_visits: only changes with the visit they cancel
    name = v.name(sid)
    ev = Event()
    ev.add("uid", str(c["uid"]))
    ev.add("sequence", int(c.get("sequence") or 1))
    ev.add("dtstamp", stamp)
    ev.add("dtstart", _local(old["date"], old["arrival"], tz))
    ev.add("dtend", _local(old["date"], old["departure"], tz))
    ev.add("status", "CANCELLED")
    kind = v.kind(sid)
    prefix = "Bogbussen" if kind == "stop" else f"Bogbus – {capitalise(kind_name(kind))}"
    ev.add("summary", f"AFLYST: {prefix}: {name}")
    ev.add("description", f"Besøget er aflyst. Årsag: {danish_reason(c, v.plan)}.")
    ev.add("transp", "TRANSPARENT")
    return ev


def vtimezone() -> Timezone:
    """Europe/Copenhagen as recurring EU summer-time rules (valid for any year since 1996).

    Written as RRULEs rather than icalendar's generated list of dates, which stops at 2037.
    """
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", timedelta(hours=1))
    summer.add("tzoffsetto", timedelta(hours=2))
    summer.add("dtstart", datetime(1996, 3, 31, 2, 0, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", timedelta(hours=2))
    winter.add("tzoffsetto", timedelta(hours=1))
    winter.add("dtstart", datetime(1996, 10, 27, 3, 0, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz
