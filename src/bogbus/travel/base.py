"""The matrix every travel model produces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class TravelMatrix:
    """km and whole driving minutes between sites, indexed by site id.

    Minutes are integers (rounded up) so every time in a plan is a whole minute and
    anyone can re-add legs exactly. `shapes` optionally holds road geometry (osm) or the
    waypoints round the water (water) per leg, `via` the crossings such a leg takes.
    """

    ids: tuple[str, ...]
    km: tuple[tuple[float, ...], ...]
    minutes: tuple[tuple[int, ...], ...]
    description: Mapping[str, object]
    shapes: Mapping[tuple[str, str], Sequence[Sequence[float]]] = field(default_factory=dict)
    # the crossings (bridge/ferry names, in driving order) of a leg that goes round water
    via: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def index(self) -> dict[str, int]:
        """Site id → row; a fresh dict the caller may keep."""
        return dict(self._index)

    @cached_property
    def _index(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.ids)}

    def leg(self, a: str, b: str) -> tuple[float, int]:
        i, j = self._index[a], self._index[b]
        return self.km[i][j], self.minutes[i][j]
