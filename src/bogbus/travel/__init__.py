"""Travel models behind one interface: a matrix of km and whole minutes between sites.

`greatcircle` (embedded, offline) is the default, round the water of an optional water file
(travel/water.py); road-network (`osm`) and imported
(`matrix`) models plug in here by returning the same `TravelMatrix`.
"""

from __future__ import annotations

from ..calendar import Period
from ..errors import BogbusError
from ..model import Instance
from .base import TravelMatrix
from .greatcircle import greatcircle_matrix
from .matrix import matrix_travel
from .osm import osm_matrix
from .water import water_matrix

__all__ = ["TravelMatrix", "build_travel"]


def build_travel(instance: Instance, period: Period | None = None) -> TravelMatrix:
    """The travel matrix for every site of the instance, by the model in settings.

    `period` (the planned quarter) decides which seasonal ferries of a water file sail:
    one whose season covers the whole period; without a period only all-year ferries."""
    ts = instance.settings.travel
    if ts.model == "greatcircle" and ts.options.water:
        return water_matrix(instance, period)
    if ts.model == "greatcircle":
        return greatcircle_matrix(instance.sites, ts.circuity, ts.speed_kmh)
    if ts.model == "osm":
        return osm_matrix(instance)
    if ts.model == "matrix":
        return matrix_travel(instance)
    raise BogbusError(
        f"settings.yaml: travel.model {ts.model!r} is not known — use greatcircle, osm or matrix"
    )
