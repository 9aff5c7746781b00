"""The quarter as the bus lives it: service days, public holidays and closures.

Week-based rhythms ("every other week") are counted in continuous weeks from a fixed
Monday, not in ISO week numbers, so a rhythm never breaks at a 53-week year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holidays_lib

from .errors import BogbusError
from .model import WEEKDAYS, Closure, Vehicle

EPOCH_MONDAY = date(2001, 1, 1)  # ISO week 1 of 2001; origin of rhythm phases

# The years bogbus plans: the holiday calendar knows them (the holidays package's
# calendars end with 2100: a later quarter would silently have no public holidays) and
# every date of the quarter plus its surrounding weeks stays far from date's limits.
FIRST_YEAR, LAST_YEAR = 2000, 2100
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True)
class Period:
    quarter: str
    start: date
    end: date  # inclusive

    def days(self) -> list[date]:
        return [self.start + timedelta(n) for n in range((self.end - self.start).days + 1)]

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def parse_quarter(text: str) -> Period:
    """`2027Q1` → the period 2027-01-01 … 2027-03-31."""
    m = _QUARTER.match(text)
    if not m:
        raise BogbusError(f"quarter {text!r} is not like 2027Q1 — give the year and Q1…Q4")
    year, q = int(m.group(1)), int(m.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BogbusError(f"quarter {text!r}: bogbus plans quarters of the years {FIRST_YEAR}"
                          f"–{LAST_YEAR} — give a year in that range, e.g. 2027Q1")
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return Period(f"{year}Q{q}", start, end - timedelta(days=1))


def next_quarter(today: date) -> Period:
    """The quarter after the one `today` falls in: what a planner plans next."""
    q = (today.month - 1) // 3 + 1
    year, q = (today.year + 1, 1) if q == 4 else (today.year, q + 1)
    return parse_quarter(f"{year}Q{q}")


def week_index(day: date) -> int:
    """Continuous week number of `day` counted from EPOCH_MONDAY (Monday-based)."""
    return (day - EPOCH_MONDAY).days // 7


def weekday_key(day: date) -> str:
    """`mon` … `sun` of a date (the keys of settings shifts and plan weekdays)."""
    return WEEKDAYS[day.weekday()]


def rhythm_dates(period: Period, weekday: str, every_weeks: int, phase: int) -> list[date]:
    """The dates in `period` a stop with this weekday and every-N-weeks phase is due.

    Days off are included: the plan lists them as skipped and the checker excuses them.
    One loop for both, so the timetable and its check cannot disagree on the rhythm."""
    day = period.start - timedelta(period.start.weekday()) + timedelta(WEEKDAYS.index(weekday))
    out = []
    while day <= period.end:
        if day >= period.start and week_index(day) % every_weeks == phase:
            out.append(day)
        day += timedelta(7)
    return out


# Names a Danish planner types for the optional days, beside the holidays package's own
# Danish and English names (matching ignores case, dots and spaces).
OPTIONAL_ALIASES: dict[str, str] = {
    "nytårsaftensdag": "Nytårsaften",
    "1maj": "Arbejdernes kampdag",
    "førstemaj": "Arbejdernes kampdag",
    "juleaften": "Juleaftensdag",
}


def holiday_key(name: str) -> str:
    """A holiday name folded for matching (case, spaces, dots, dashes ignored): the
    calendar and the settings reader (io/settings.py) compare names the same way."""
    return re.sub(r"[\s.\-]+", "", name.strip().lower())


def _country_days(country: str, years: list[int], categories: tuple[str, ...],
                  language: str | None) -> dict[date, str]:
    try:
        cal = holidays_lib.country_holidays(country.upper(), years=years, language=language,
                                            categories=categories)
    except (NotImplementedError, KeyError) as exc:
        raise BogbusError(
            f"settings.yaml: calendar.holidays {country!r} is not a known country code — "
            "use a two-letter code such as DK, or null for none"
        ) from exc
    return {d: str(n) for d, n in cal.items()}


def optional_holiday_names(country: str, year: int = 2027) -> dict[str, str]:
    """Every accepted spelling (normalised) → the Danish (local) name of an optional day
    of `country`, from the holidays package's `optional` category; empty when the
    country has none."""
    code = country.upper()
    if "optional" not in getattr(holidays_lib.country_holidays(code), "supported_categories",
                                 ("public",)):
        return {}
    lang = "da" if code == "DK" else None
    years = [year, year + 1]
    local = _country_days(code, years, ("optional",), lang)
    english = _country_days(code, years, ("optional",), "en_US")
    names: dict[str, str] = {}
    for d, name in local.items():
        names[holiday_key(name)] = name
        if d in english:
            names[holiday_key(english[d])] = name
    for alias, name in OPTIONAL_ALIASES.items():
        if holiday_key(name) in names:
            names[holiday_key(alias)] = name
    return names


def public_holidays(country: str | None, period: Period,
                    optional: tuple[str, ...] = ()) -> dict[date, str]:
    """Public holidays in the period with their names in the country's language, plus
    the optional days named in `optional` (e.g. Juleaftensdag, Grundlovsdag)."""
    if not country:
        return {}
    years = list(range(period.start.year, period.end.year + 1))
    lang = "da" if country.upper() == "DK" else None
    days = _country_days(country, years, ("public",), lang)
    if optional:
        wanted = {holiday_key(n) for n in optional}
        accepted = optional_holiday_names(country, period.start.year)
        wanted_names = {accepted.get(k, k) for k in wanted}
        for d, name in _country_days(country, years, ("optional",), lang).items():
            if name in wanted_names and d not in days:
                days[d] = name
    return {d: n for d, n in sorted(days.items()) if d in period}


@dataclass(frozen=True)
class Calendar:
    """Which dates of a period are off, and why."""

    period: Period
    holidays: dict[date, str]
    closures: tuple[Closure, ...]

    def off_reason(self, day: date, vehicle: str | None = None,
                   site: str | None = None) -> str | None:
        """Danish reason the bus does not run on `day` (or, given a vehicle and/or a
        site, why that vehicle is off or that site closed), or None when it may run.
        Without arguments only whole-service closures count."""
        if day in self.holidays:
            return self.holidays[day]
        for c in self.closures:
            if c.applies(day, vehicle, site):
                return c.reason
        return None

    def closed(self, day: date) -> bool:
        return any(c.whole_service and c.covers(day) for c in self.closures)

    def service_dates(self, vehicle: Vehicle) -> list[date]:
        """Dates in the period the vehicle runs: its shift weekdays, not off (neither
        for everyone nor for this vehicle)."""
        return [
            d
            for d in self.period.days()
            if weekday_key(d) in vehicle.shifts and self.off_reason(d, vehicle.name) is None
        ]

    def open_days_between(self, a: date, b: date, site: str | None = None) -> int:
        """Days from a to b (b − a) not counting closure days: outreach spacing pauses
        while the bus is closed (e.g. summer) or, for `site`, while that site is
        closed (a daycare's closed week pauses its own rhythm only)."""
        if b < a:
            return -self.open_days_between(b, a, site)
        days: set[date] = set()
        for c in self.closures:
            if not (c.whole_service or (site is not None and site in c.sites)):
                continue
            lo, hi = max(c.start, a + timedelta(1)), min(c.end, b)
            days.update(lo + timedelta(k) for k in range((hi - lo).days + 1))
        return (b - a).days - len(days)


def build_calendar(period: Period, country: str | None, closures: tuple[Closure, ...],
                   optional: tuple[str, ...] = ()) -> Calendar:
    inside = tuple(c for c in closures if c.end >= period.start and c.start <= period.end)
    return Calendar(period, public_holidays(country, period, optional), inside)


def no_service_problem(settings, cal: Calendar) -> str | None:
    """Why no vehicle can run on any day of the quarter (closures and holidays cover
    every shift day), or None. Planning such a quarter can only drop every visit, so
    the planner says this up front instead of listing each stop as a failure."""
    if any(cal.service_dates(v) for v in settings.vehicles):
        return None
    reasons = sorted({c.reason or f"{c.start}–{c.end}" for c in cal.closures
                      if c.start <= cal.period.end and c.end >= cal.period.start})
    return (f"no vehicle can run on any day of {cal.period.quarter}: every shift day is a "
            f"holiday or closure ({', '.join(reasons) or 'holidays'})")
