"""The rotation part of `plan.json`: `deliver`/`collect` on each institution visit and a
top-level `rotation` section (see docs/outreach.md and docs/plan-json.md).

The section carries everything `bogbus check`, the packing list and the letters need
without the data folder: the collections, `no_repeat_weeks`, what each site held when
the quarter started, the deliveries of the `no_repeat_weeks` before it (so the next
quarter's plan, given this one as `--previous`, still sees them), the use count per
collection and any shortfall.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from ..model import Instance
from .document import Rotation, Route, Shortfall

if TYPE_CHECKING:  # plan sits above solve; the result type is only needed for annotations
    from ..solve.rotation import RotationResult


def annotate_routes(routes: list[Route], rotation: RotationResult) -> None:
    """Add `deliver` and `collect` to every institution visit of the plan's routes."""
    for r in routes:
        day = date.fromisoformat(r["date"])
        for v in r["visits"]:
            key = (r["vehicle"], day, v["site_id"])
            if key in rotation.deliver:
                v["deliver"] = list(rotation.deliver[key])
                v["collect"] = list(rotation.collect[key])


def rotation_section(instance: Instance, rotation: RotationResult) -> Rotation:
    return {
        "no_repeat_weeks": instance.settings.no_repeat_weeks,
        "collections": [{"id": c.id, "name": c.name, "kind": c.kind, "crates": c.crates,
                         "notes": c.notes} for c in instance.collections],
        "holdings_at_start": dict(sorted(rotation.holdings_at_start.items())),
        "history": [{"site_id": s, "collection_id": c, "date": d.isoformat()}
                    for s, c, d in rotation.history],
        "uses": dict(rotation.uses),
        # the solver's entries carry exactly the keys of `Shortfall` (solve sits below
        # plan and cannot name the type); `check_plan` re-checks each against the replay
        "shortfall": cast("list[Shortfall]", rotation.shortfall),
        "solver_status": rotation.status,
    }
