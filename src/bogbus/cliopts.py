"""Command-line value types that refuse nonsense as a usage error (exit 2).

An option value is typed by a person at a prompt: `--time-limit nan`, `--seed
2147483648` or `--quarter 0000Q1` must stop before any data is read, with click's
"Invalid value for '--option'" message naming the option — never a traceback from
deep inside the solver, and the same ranges `settings.yaml` has.
"""

from __future__ import annotations

import math

import click

from .calendar import Period, parse_quarter
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


TIME_LIMIT = TimeLimit()
QUARTER = Quarter()
SEED = click.IntRange(0, MAX_SEED)
