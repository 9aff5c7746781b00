"""A stop's place in the template (vehicle, weekday, week phase), apart from the search
(template.py) so its helpers (replan_search.py, recombine.py) can name it without
importing the search: the family imports one way (option ← helpers ← template)."""

from __future__ import annotations

from dataclasses import dataclass

Day = tuple[str, str]  # (vehicle, weekday)


@dataclass(frozen=True)
class Option:
    """Where a stop is served in the template: on `vehicle`'s `weekday` of the weeks whose
    index modulo its `every_weeks` is `phase`."""

    vehicle: str
    weekday: str
    phase: int
