"""What the renderers show of the water: the legs that cross it (with their bridge or
ferry, in Danish) and the water file itself for the map.

A leg round the water carries `via` (crossing names, in driving order) and `shape`
(the waypoints) in plan.json; the crossing's kind comes from `travel_model.crossings`.
The water geometry is read back from the plan's data folder only when its sha256 still
matches the plan's `travel_model.water_sha256`, so the map never draws other water than
the plan was made with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import BogbusError
from ..plan.document import Leg, Plan
from ..travel.common import file_sha256
from ..travel.waterfile import WaterFile, read_water
from .danish import weekday_key, weekday_name
from .planview import PlanView

WATER_HEADING = "Over vandet: broer og færger"
WATER_NOTE = ("Strækninger, hvor bussen skal over fjorden eller åen: køretiden er regnet "
              "med vejen over broen eller færgen, ikke i lige linje over vandet.")


def crossing_text(name: str, mode: str) -> str:
    """`via Randers Bro` / `færge Udbyhøj`: how the staff read a crossing."""
    return f"færge {name}" if mode == "ferry" else f"via {name}"


def leg_via_text(plan: Plan, leg: Leg) -> str:
    """The crossings of one leg as staff text ('' for a leg over land)."""
    via = leg.get("via")
    if not isinstance(via, list) or not via:
        return ""
    tm = plan.get("travel_model")
    modes = (tm.get("crossings") if tm is not None else None) or {}
    return ", ".join(crossing_text(str(n), str(modes.get(n, "bridge"))) for n in via)


@dataclass(frozen=True)
class WaterLeg:
    start: str  # site names
    end: str
    via: str  # Danish text
    km: object
    minutes: object
    days: str  # weekdays it is driven on, Danish


def water_legs(v: PlanView) -> list[WaterLeg]:
    """Every distinct leg of the plan that crosses water, in first-driven order."""
    seen: dict[tuple[str, str, str], tuple[dict, list[str]]] = {}
    for r in v.routes:
        for leg in r.get("legs") or []:
            text = leg_via_text(v.plan, leg)
            if not text:
                continue
            key = (str(leg.get("from")), str(leg.get("to")), text)
            entry = seen.setdefault(key, (leg, []))
            try:
                day = weekday_key(r["date"])
            except (KeyError, TypeError, ValueError):
                continue
            if day not in entry[1]:
                entry[1].append(day)
    order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return [WaterLeg(v.name(a), v.name(b), text, leg.get("km", ""), leg.get("min", ""),
                     ", ".join(weekday_name(d, capital=False)
                               for d in sorted(days, key=lambda d: order.index(d)
                                               if d in order else 9)))
            for (a, b, text), (leg, days) in seen.items()]


def plan_water(plan: Plan) -> WaterFile | None:
    """The water file the plan was made with, or None (no water, moved, or changed)."""
    tm = plan.get("travel_model")
    name, sha = (tm.get("water"), tm.get("water_sha256")) if tm is not None else (None, None)
    data = plan.get("data")
    if not (isinstance(name, str) and name and isinstance(sha, str) and isinstance(data, str)):
        return None
    base = Path(data)
    folders = [base] if base.is_dir() else [base.parent]
    path = Path(name).expanduser()
    for p in ([path] if path.is_absolute() else [f / path for f in folders]):
        try:
            if p.is_file() and file_sha256(p) == sha:
                return read_water(p, name)
        except (OSError, BogbusError):
            return None
    return None
