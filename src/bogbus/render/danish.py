"""Danish wording shared by every renderer: weekdays, dates, times and week patterns.

All functions take the plain values found in `plan.json` (`HH:MM`, ISO dates, weekday
keys `mon`…`sun`) and return the text a Danish reader expects, e.g.
`"Tirsdag kl. 14.10–14.55"`, `"lige uger"`, `"25. marts 2027"`.
"""

from __future__ import annotations

from datetime import date

from ..calendar import weekday_key as calendar_weekday_key
from ..model import WEEKDAYS_DA

EN_DASH = "\u2013"

MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_DA_SHORT = (
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "maj",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "okt.",
    "nov.",
    "dec.",
)
WEEKDAYS_DA_SHORT = {
    "mon": "man.",
    "tue": "tir.",
    "wed": "ons.",
    "thu": "tor.",
    "fri": "fre.",
    "sat": "lør.",
    "sun": "søn.",
}
KINDS_DA = {
    "stop": "Holdeplads",
    "daycare": "Daginstitution",
    "nursing_home": "Plejehjem",
    "branch": "Filial",
    "depot": "Depot",
}
KINDS_DA_PLURAL = {
    "stop": "Holdepladser",
    "daycare": "Daginstitutioner",
    "nursing_home": "Plejehjem",
    "branch": "Filialer",
    "depot": "Depot",
}


def as_date(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def weekday_key(value: str | date) -> str:
    """`mon` … `sun` of a date or an ISO date text (calendar.weekday_key for text too)."""
    return calendar_weekday_key(as_date(value))


def weekday_name(key: str, capital: bool = True) -> str:
    """`"tue"` → `"Tirsdag"` (or `"tirsdag"`); unknown keys are returned as given."""
    name = WEEKDAYS_DA.get(key, key)
    return name[:1].upper() + name[1:] if capital else name


def clock(hhmm: str) -> str:
    """`"14:10"` → `"14.10"` (Danish uses a full stop between hours and minutes)."""
    h, _, m = hhmm.strip().partition(":")
    return f"{int(h):02d}.{m}" if m else hhmm


def time_range(arrival: str, departure: str, prefix: str = "kl. ") -> str:
    """`("14:10", "14:55")` → `"kl. 14.10–14.55"`."""
    return f"{prefix}{clock(arrival)}{EN_DASH}{clock(departure)}"


def day_time(weekday: str, arrival: str, departure: str) -> str:
    """`("tue", "14:10", "14:55")` → `"Tirsdag kl. 14.10–14.55"`."""
    return f"{weekday_name(weekday)} {time_range(arrival, departure)}"


def pattern_words(every_weeks: int | None, week_parity: str | None = None) -> str:
    """The week pattern in words: "hver uge", "lige uger", "ulige uger", "hver 3. uge".

    `week_parity` is the ISO-week parity from plan.json (`"even"`/`"odd"`, only set when
    every second week); without it an every-other-week stop reads "hver 2. uge".
    """
    n = int(every_weeks or 1)
    if n <= 1:
        return "hver uge"
    if n == 2 and week_parity == "even":
        return "lige uger"
    if n == 2 and week_parity == "odd":
        return "ulige uger"
    return f"hver {n}. uge"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def date_long(value: str | date, year: bool = False) -> str:
    """`2027-03-25` → `"25. marts"` (`"25. marts 2027"` with year)."""
    d = as_date(value)
    text = f"{d.day}. {MONTHS_DA[d.month - 1]}"
    return f"{text} {d.year}" if year else text


def date_range(first: str | date, last: str | date, short: bool = False) -> str:
    """`("2027-07-07", "2027-08-04")` → `"7. juli – 4. august"`; one date when equal."""
    fmt = date_short if short else date_long
    return fmt(first) if as_date(first) == as_date(last) else f"{fmt(first)} {EN_DASH} {fmt(last)}"


def date_short(value: str | date, weekday: bool = False) -> str:
    """`2027-03-25` → `"25. mar."` (`"tor. 25. mar."` with weekday)."""
    d = as_date(value)
    text = f"{d.day}. {MONTHS_DA_SHORT[d.month - 1]}"
    return f"{WEEKDAYS_DA_SHORT[weekday_key(d)]} {text}" if weekday else text


def period_text(start: str | date, end: str | date) -> str:
    """`("2027-01-01", "2027-03-31")` → `"1. januar – 31. marts 2027"`."""
    s, e = as_date(start), as_date(end)
    first = date_long(s, year=s.year != e.year)
    return f"{first} {EN_DASH} {date_long(e, year=True)}"


def quarter_text(quarter: str) -> str:
    """`"2027Q1"` → `"1. kvartal 2027"`; anything else is returned unchanged."""
    q = (quarter or "").strip().upper()
    if len(q) == 6 and q[:4].isdigit() and q[4] == "Q" and q[5] in "1234":
        return f"{q[5]}. kvartal {q[:4]}"
    return quarter or ""


def kind_name(kind: str, plural: bool = False) -> str:
    return (KINDS_DA_PLURAL if plural else KINDS_DA).get(kind, kind)


def iso_week(value: str | date) -> int:
    return as_date(value).isocalendar()[1]


def number_da(value: float | int | None, digits: int = 0) -> str:
    """`12345.6, 1` → `"12.345,6"`: Danish thousands point and decimal comma; None → `–`."""
    if value is None:
        return EN_DASH
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
