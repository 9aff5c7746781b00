"""The packing list: per route, what to load at the depot, in which order it leaves the
bus, and what comes back — from the plan's `deliver`/`collect` alone.

- `packing_routes(v)` — the list as data (one `PackRoute` per route that moves a
  collection), shared by the CSV and the staff køreplan pages;
- `packing_csv(v)` — `pakkeliste.csv`, one row per movement (columns below);
- the Danish pages of the staff køreplan are drawn by render/packingpages.py.

CSV columns (written by io/csvwrite like timetable.csv: Danish Excel by default,
`--csv-dialect plain` for machines): `date, vehicle, step, time,
action, site_id, site_name, collection_id, collection_name, crates, load_after,
note`. `action` is `load` (at the depot, in the order it leaves the bus),
`collect`, `deliver` or `return` (unloaded at the depot); `load_after` is the crates
on the bus after the step; `note` says when a collection goes straight from one site
to the next (`direct from <site id>`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..io.csvwrite import Cell, csv_text
from ..plan.document import Collection
from .planview import PlanView, clean_text

CSV_COLUMNS = ("date", "vehicle", "step", "time", "action", "site_id", "site_name",
               "collection_id", "collection_name", "crates", "load_after", "note")


@dataclass(frozen=True)
class Move:
    action: str  # load | collect | deliver | return
    collection_id: str
    crates: int
    site_id: str = ""  # where it is delivered / collected (load: the site it goes to)
    time: str = ""
    handover_from: str = ""  # deliver: collected earlier on this route at this site


@dataclass
class PackRoute:
    date: str
    vehicle: str
    start: str
    end: str
    load: list[Move] = field(default_factory=list)  # in the order they leave the bus
    stops: list[tuple[str, str, list[Move]]] = field(default_factory=list)  # site, time, moves
    back: list[Move] = field(default_factory=list)
    legs: list[int] = field(default_factory=list)  # crates on the bus on every leg
    lunch_first: tuple[str, str] | None = None  # the break, when taken at the depot first


def collections_of(v: PlanView) -> dict[str, Collection]:
    rot = v.plan.get("rotation")
    if not isinstance(rot, dict):
        return {}
    return {str(c.get("id")): c for c in rot.get("collections", []) if isinstance(c, dict)}


def collection_label(colls: dict[str, Collection], cid: str) -> str:
    name = clean_text(colls[cid]["name"]) if cid in colls else ""
    return f"{clean_text(cid)} {name}".strip() if name and name != cid else clean_text(cid)


def packing_routes(v: PlanView) -> list[PackRoute]:
    colls = collections_of(v)
    if not colls:
        return []
    out = []
    for r in sorted(v.routes, key=lambda r: (str(r.get("date")), str(r.get("vehicle")))):
        visits = [x for x in r.get("visits", []) if "deliver" in x or "collect" in x]
        if not visits:
            continue
        brk: dict = r["break"] if isinstance(r.get("break"), dict) else {}
        pr = PackRoute(str(r["date"]), str(r["vehicle"]), str(r.get("start", "")),
                       str(r.get("end", "")),
                       lunch_first=(str(brk["start"]), str(brk["end"]))
                       if brk.get("start") and brk.get("start") == r.get("start") else None)
        collected_at: dict[str, str] = {}
        for x in visits:
            for cid in x.get("collect", []):
                collected_at.setdefault(cid, x["site_id"])
        seen_collect: set[str] = set()
        for x in visits:  # load order = delivery order (first out packed last/at the door)
            for cid in x.get("collect", []):
                seen_collect.add(cid)
            for cid in x.get("deliver", []):
                if cid not in seen_collect:
                    pr.load.append(Move("load", cid, _crates(colls, cid), x["site_id"]))
        load = sum(m.crates for m in pr.load)
        pr.legs.append(load)
        on_bus: list[str] = [m.collection_id for m in pr.load]
        picked: dict[str, str] = {}
        for x in visits:
            moves = []
            for cid in x.get("collect", []):
                moves.append(Move("collect", cid, _crates(colls, cid), x["site_id"],
                                  x.get("arrival", "")))
                picked[cid] = x["site_id"]
                on_bus.append(cid)
                load += _crates(colls, cid)
            for cid in x.get("deliver", []):
                moves.append(Move("deliver", cid, _crates(colls, cid), x["site_id"],
                                  x.get("arrival", ""), picked.get(cid, "")))
                if cid in on_bus:
                    on_bus.remove(cid)
                load -= _crates(colls, cid)
            pr.stops.append((x["site_id"], x.get("arrival", ""), moves))
            pr.legs.append(load)
        pr.back = [Move("return", cid, _crates(colls, cid), picked.get(cid, ""), pr.end)
                   for cid in on_bus]
        out.append(pr)
    return out


def _crates(colls: dict[str, Collection], cid: str) -> int:
    try:
        return int(colls[cid]["crates"] or 0) if cid in colls else 0
    except (TypeError, ValueError):
        return 0


def packing_csv(v: PlanView, dialect: str | None = None) -> str:
    """`pakkeliste.csv` through the one CSV writer (io/csvwrite: Danish Excel by default,
    the formula guard on every text cell)."""
    colls = collections_of(v)
    rows: list[list[Cell]] = [list(CSV_COLUMNS)]
    for pr in packing_routes(v):
        step = 0
        load = 0

        def row(m: Move, time: str, load_after: int, pr: PackRoute = pr) -> None:
            nonlocal step
            step += 1
            note = f"direct from {m.handover_from}" if m.handover_from else ""
            rows.append([pr.date, pr.vehicle, step, time, m.action, m.site_id,
                         v.name(m.site_id) if m.site_id else "", m.collection_id,
                         clean_text(colls[m.collection_id]["name"]
                                    if m.collection_id in colls else None),
                         m.crates, load_after, note])

        for m in pr.load:
            load += m.crates
            row(m, pr.start, load)
        for _sid, time, moves in pr.stops:
            for m in moves:
                load += m.crates if m.action == "collect" else -m.crates
                row(m, time, load)
        for m in pr.back:
            load -= m.crates
            row(m, pr.end, load)
    return csv_text(rows, dialect)
