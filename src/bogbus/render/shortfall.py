"""A collection shortfall in plain Danish, for the summary, the board's report and the
packing pages — not only as the planner's terminal line.

`rotation.shortfall` in plan.json (docs/plan-json.md) lists, per kind, how many
collections there are, how many more the planner found would be enough
(`more_needed`; None when even one more per affected visit was not: then the bus's
room, not the stock, is the limit too) and the visits hit (`problem`: "none" — no
new collection — or "repeat" — one the site had within `no_repeat_weeks`).
"""

from __future__ import annotations

from ..plan.document import Plan, ShortfallVisit
from .danish import date_long
from .planview import clean_text

KIND_WORDS = {  # (one, several)
    "daycare": ("børnehavesamling", "børnehavesamlinger"),
    "nursing_home": ("plejehjemssamling", "plejehjemssamlinger"),
}


def _visits_text(plan: Plan, visits: list[ShortfallVisit]) -> str:
    names = {str(s.get("id")): clean_text(s.get("name")) or str(s.get("id"))
             for s in plan.get("sites") or [] if isinstance(s, dict)}
    parts = []
    for x in visits:
        what = "ingen ny samling" if x.get("problem") == "none" else "en samling, de har haft før"
        when = date_long(x["date"]) if x.get("date") else ""
        parts.append(f"{names.get(str(x.get('site_id')), x.get('site_id'))} {when} ({what})")
    return "; ".join(parts)


def shortfall_lines(plan: Plan) -> list[str]:
    """One Danish sentence per kind of collection that ran short; [] when none did."""
    rot = plan.get("rotation")
    if not isinstance(rot, dict):
        return []
    weeks = rot.get("no_repeat_weeks")
    out = []
    for sf in rot.get("shortfall") or []:
        if not isinstance(sf, dict) or not sf.get("visits"):
            continue
        one, many = KIND_WORDS.get(str(sf.get("kind")), ("samling", "samlinger"))
        have = sf.get("collections")
        more = sf.get("more_needed")
        n = len(sf["visits"])
        hit = "1 besøg" if n == 1 else f"{n} besøg"
        if isinstance(more, int) and more > 0:
            head = (f"Der mangler {more} {one if more == 1 else many} (der er {have}): "
                    f"{hit} får derfor ingen ny samling eller en, stedet har haft inden for "
                    f"{weeks} uger")
        else:
            head = (f"Der er for få {many} (der er {have}), og flere samlinger alene er ikke "
                    f"nok — bussens plads til kasser er også en grænse: {hit} får ingen ny "
                    f"samling eller en, stedet har haft inden for {weeks} uger")
        out.append(f"{head}: {_visits_text(plan, sf['visits'])}.")
    return out
