"""The plan's key figures must be what its routes give, and a lower bound must be one."""

from __future__ import annotations

from collections.abc import Mapping

from ..document import Plan
from ..kpis import compute_kpis
from .context import Violations

_RECOMPUTED = ("km_total", "drive_hours", "public_service_hours", "visits",
               "children_unique", "child_visits", "residents_unique", "resident_visits",
               "co2_kg", "institutions_one_weekday")
# plans written before the reach split carry one per-visit figure each instead
_OLD_REACH = (("children_reached", "child_visits"), ("residents_reached", "resident_visits"))


def check_figures(plan: Plan, out: Violations) -> None:
    """kpis re-derived from the routes; the bound not above the timetable; gap_pct exact."""
    stored = {x["id"] for x in plan.get("sites", [])}
    unknown = sorted({v["site_id"] for r in plan["routes"] for v in r["visits"]} - stored)
    if unknown:  # the figures are sums over the stored sites: they cannot be re-derived
        out.add("kpis", f"routes visit site(s) the plan does not store: {', '.join(unknown[:10])}")
    if "sites" in plan and not unknown:
        # figures looked up by name: the two documents read as plain mappings
        kp: Mapping[str, object] = compute_kpis(plan)
        said: Mapping[str, object] = plan["kpis"]
        old_plan = "children_reached" in said
        for k in _RECOMPUTED:
            if k not in said and old_plan:
                continue  # a plan from before the reach split: its old keys are checked below
            if said.get(k) != kp[k]:
                out.add("kpis", f"{k} is {said.get(k)}, routes give {kp[k]}")
        for old, new in _OLD_REACH:
            if old in said and said[old] != kp[new]:
                out.add("kpis", f"{old} is {said[old]}, routes give {kp[new]}")
    lb, tk = plan["kpis"].get("lower_bound_km"), plan["kpis"].get("template_km_per_week")
    if isinstance(lb, (int, float)) and isinstance(tk, (int, float)):
        if lb > tk + 1e-9:  # a bound above a timetable that exists cannot be a bound
            out.add("kpis", f"lower bound {lb} km/week is above the timetable's {tk} km/week")
        elif tk > 0 and plan["kpis"].get("gap_pct") != round((tk - lb) / tk * 100, 2):
            out.add("kpis", f"gap_pct is {plan['kpis'].get('gap_pct')}, the lower bound and "
                            f"template km give {round((tk - lb) / tk * 100, 2)}")
