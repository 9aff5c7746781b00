"""Embedded default: great-circle distance × a road circuity factor at a fixed speed."""

from __future__ import annotations

import math
from collections.abc import Iterable

from ..geo import haversine_km
from ..model import Site
from .base import TravelMatrix


def greatcircle_matrix(sites: Iterable[Site], circuity: float, speed_kmh: float) -> TravelMatrix:
    """Road km ≈ great-circle km × circuity; minutes = ceil(km / speed); 0 on the diagonal."""
    sites = list(sites)
    km_rows, min_rows = [], []
    for a in sites:
        km_row, min_row = [], []
        for b in sites:
            if a.id == b.id:
                km_row.append(0.0)
                min_row.append(0)
                continue
            km = round(haversine_km(a.lat, a.lon, b.lat, b.lon) * circuity, 1)
            km_row.append(km)
            min_row.append(math.ceil(km / speed_kmh * 60 - 1e-9))
        km_rows.append(tuple(km_row))
        min_rows.append(tuple(min_row))
    return TravelMatrix(
        ids=tuple(s.id for s in sites),
        km=tuple(km_rows),
        minutes=tuple(min_rows),
        description={"model": "greatcircle", "circuity": circuity, "speed_kmh": speed_kmh},
    )
