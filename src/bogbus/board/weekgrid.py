"""What the board draws: key figures, the week grid's cards and the map's points.

All from the plan dict (plan.json) and the board's own pending moves; the figures are
`compare.summarize` — the same sums `bogbus compare` and `bogbus check` use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..compare import summarize
from ..model import parse_hhmm
from ..plan.document import Plan

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RHYTHM = {1: "hver uge", 2: "hver 2. uge", 3: "hver 3. uge", 4: "hver 4. uge"}


def rhythm(every_weeks: int) -> str:
    return RHYTHM.get(every_weeks, f"hver {every_weeks}. uge")


def key_figures(plan: Plan) -> dict[str, Any]:
    s = summarize(plan)
    k = plan.get("kpis") or {}
    return {"km_total": s["km_total"], "drive_hours": s["drive_hours"],
            "public_service_hours": s["public_service_hours"],
            "children_unique": s.get("children_unique"),
            "km_week": k.get("template_km_per_week"), "lower_bound_km": s["lower_bound_km"],
            "gap_pct": s["gap_pct"], "unserved": s["unserved"],
            "stop_visits": s["stop_visits"], "daycare_visits": s["daycare_visits"],
            "nursing_home_visits": s["nursing_home_visits"]}


def slots_of(plan: Plan) -> dict[str, tuple[str, str, int]]:
    """stop id → (vehicle, weekday, week phase) from the plan's stop timetable."""
    return {e["site_id"]: (e["vehicle"], e["weekday"], int(e.get("week_phase") or 0))
            for e in plan.get("stop_timetable", [])}


def _day_route(plan: Plan, sites: Mapping[str, Mapping[str, Any]], vehicle: str,
               weekday: str,
               sid: str) -> list[list[float]]:
    """The first dated route of that vehicle and weekday that visits `sid`: its points,
    depot to depot — what hovering a card highlights on the map."""
    for r in plan.get("routes", []):
        if r["vehicle"] == vehicle and r["weekday"] == weekday and any(
                v["site_id"] == sid for v in r["visits"]):
            ids = [leg["from"] for leg in r["legs"]] + [r["legs"][-1]["to"]] if r["legs"] else []
            return [[sites[i]["lat"], sites[i]["lon"]] for i in ids if i in sites]
    return []


def cards(plan: Plan, overlay: dict[str, dict[str, Any]] | None = None,
          closed: set[str] | None = None) -> list[dict[str, Any]]:
    """One card per public stop: name, vehicle, weekday, phase, time, rhythm; `overlay`
    (the board's moves since the plan) replaces a stop's slot and times; `closed` marks
    stops the scenario removes (shown struck through until the re-plan)."""
    overlay, closed = overlay or {}, closed or set()
    sites = {s["id"]: s for s in plan.get("sites", [])}
    out = []
    for e in plan.get("stop_timetable", []):
        sid = e["site_id"]
        s: Mapping[str, Any] = sites.get(sid) or {}
        card: dict[str, Any] = {"site_id": sid, "name": s.get("name", sid), "vehicle": e["vehicle"],
                "weekday": e["weekday"], "phase": int(e.get("week_phase") or 0),
                "every_weeks": e["every_weeks"], "rhythm": rhythm(e["every_weeks"]),
                "arrival": e["arrival"], "departure": e["departure"],
                "moved": False, "closed": sid in closed, "pinned": False}
        card.update(overlay.get(sid, {}))
        # the dated route the stop is on; a stop moved since the plan has none yet
        card["route"] = _day_route(plan, sites, card["vehicle"], card["weekday"], sid)
        card["minute"] = parse_hhmm(card["arrival"])
        out.append(card)
    return sorted(out, key=lambda c: (WEEKDAYS.index(c["weekday"]), c["minute"]))


def map_points(plan: Plan) -> list[dict[str, Any]]:
    return [{"id": s["id"], "kind": s["kind"], "name": s["name"], "lat": s["lat"],
             "lon": s["lon"]} for s in plan.get("sites", [])]


def shifts(plan: Plan) -> dict[str, dict[str, str]]:
    return {v["name"]: dict(v["shifts"]) for v in plan.get("vehicles", [])}
