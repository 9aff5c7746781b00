"""Command-line value types that refuse nonsense as a usage error (exit 2).

An option value is typed by a person at a prompt: `--time-limit nan`, `--seed
2147483648` or `--quarter 0000Q1` must stop before any data is read, with click's
"Invalid value for '--option'" message naming the option — never a traceback from
deep inside the solver, and the same ranges `settings.yaml` has.
"""

from __future__ import annotations

import math
from datetime import date

import click

from .calendar import FIRST_YEAR, LAST_YEAR, Period, parse_quarter
from .errors import BogbusError
from .io.settings import MAX_SEED, MAX_TIME_LIMIT_S


class TimeLimit(click.ParamType):
    """Seconds of search: a finite number above 0 and at most a day."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, float):
            return value
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds, e.g. 30", param, ctx)
        if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIME_LIMIT_S:
            self.fail(f"{value!r} is not a time limit: give seconds above 0 and at most "
                      f"{MAX_TIME_LIMIT_S:g}, e.g. 30", param, ctx)
        return seconds


class Quarter(click.ParamType):
    """`2027Q1` → its Period; a malformed quarter or a year bogbus does not plan is a
    usage error."""

    name = "quarter"

    def convert(self, value, param, ctx) -> Period:
        if isinstance(value, Period):
            return value
        try:
            return parse_quarter(str(value))
        except BogbusError as exc:
            self.fail(str(exc), param, ctx)


class Year(click.ParamType):
    """A year bogbus plans (the quarters `--quarter` takes): 1900 or 2200 is a usage
    error naming the option, not a failure later naming one of its quarters."""

    name = "year"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            year = value
        else:
            try:
                year = int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a year, e.g. 2027", param, ctx)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            self.fail(f"{year} is outside the years bogbus plans ({FIRST_YEAR}–{LAST_YEAR}: "
                      "the holiday calendar's range) — give a year in that range, e.g. 2027",
                      param, ctx)
        return year


class Day(click.ParamType):
    """A date written YYYY-MM-DD, kept as the text the user typed (stripped): an empty
    `--from ""` is a usage error, never taken as no `--from` at all."""

    name = "date"

    def convert(self, value, param, ctx) -> str:
        text = str(value).strip()
        if not text:
            self.fail("the date is empty — give it as YYYY-MM-DD, e.g. 2027-02-01, or leave the "
                      "option out", param, ctx)
        try:
            date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date — write it as YYYY-MM-DD, e.g. 2027-02-01",
                      param, ctx)
        return text


TIME_LIMIT = TimeLimit()
QUARTER = Quarter()
YEAR = Year()
DAY = Day()
SEED = click.IntRange(0, MAX_SEED)
