"""Stable identity of a dated visit, shared by the plan file and its calendars.

A calendar that subscribes to `bogbus.ics` recognises an event by its UID, so a visit
must keep its UID when a repair moves it; the plan file therefore stores the UID of
every repaired visit, and this is the default for a visit that never had one.
"""

from __future__ import annotations

import hashlib
import re

from .document import Plan

UID_DOMAIN = "bogbus"


def visit_uid(scenario: str, site_id: str, day: str, n: int = 1) -> str:
    """Stable UID for the n-th visit of a site on a day in a scenario."""
    key = "\x1f".join((scenario, site_id, day) + ((str(n),) if n > 1 else ()))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9]", "", site_id)[:16] or "site"
    suffix = f"-{n}" if n > 1 else ""
    return f"{day}-{slug}-{digest}{suffix}@{UID_DOMAIN}"


def plan_visits(plan: Plan) -> list[dict]:
    """Every dated visit of a plan with its UID and SEQUENCE: {site_id, kind, date,
    vehicle, arrival, departure, uid, sequence}, sorted by date, vehicle, position."""
    kinds = {s["id"]: s.get("kind", "stop") for s in plan.get("sites", [])}
    seen: dict[tuple[str, str], int] = {}
    out = []
    for r in sorted(plan.get("routes", []), key=lambda r: (r["date"], r["vehicle"])):
        for x in r["visits"]:
            key = (x["site_id"], r["date"])
            n = seen[key] = seen.get(key, 0) + 1
            out.append({"site_id": x["site_id"], "kind": kinds.get(x["site_id"], "stop"),
                        "date": r["date"], "vehicle": r["vehicle"], "arrival": x["arrival"],
                        "departure": x["departure"],
                        "uid": x.get("uid") or visit_uid(plan.get("scenario", ""),
                                                         x["site_id"], r["date"], n),
                        "sequence": int(x.get("sequence") or 0)})
    return out
