"""The state a repair works on: one vehicle's date with the visits it keeps at fixed
times, and a stop's slot. Shared by `repair`, `repair_stops` and `repair_outreach`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ...model import parse_hhmm
from ..schedule import Timed


def minutes(t: str) -> int:
    """`HH:MM` from a plan file → minutes after midnight."""
    return parse_hhmm(t)


@dataclass
class Day:
    """One vehicle's service date from `from` on: the visits it keeps, at fixed times."""

    vehicle: str
    day: date
    shift: tuple[int, int]
    fixed: dict[str, int]  # site id → arrival minutes
    previous: Mapping[str, Any] | None = None  # the published route of this day, if any
    timed: Timed | None = None

    @property
    def order(self) -> list[str]:
        return sorted(self.fixed, key=lambda s: self.fixed[s])


@dataclass
class StopSlot:
    vehicle: str
    weekday: str
    phase: int
    arrival: int
    valid_from: date | None = None  # a new or re-fitted slot applies from this date
