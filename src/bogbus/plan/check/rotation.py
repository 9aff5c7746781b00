"""`bogbus check`, rotating collections: re-verify `deliver`/`collect` from the plan alone.

Independent of the solver (never imports `solve`): it replays the quarter — where every
collection is (depot, bus, or one site), what each visit picks up and hands over, the
load on every leg — and re-derives each repeat from the delivery dates. With the data
folder it also checks that the plan used the data's collections, rule and history.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ...model import ROTATION_KINDS, Instance
from ..document import Plan, Rotation

ROTATION_RULE = "rotation"


def check_rotation(plan: Plan, instance: Instance | None, bad) -> None:
    """Report every rotation violation through `bad(rule, message, date, site_id)`."""
    rot = plan.get("rotation")
    if rot is None:
        if instance is not None and instance.collections:
            bad(ROTATION_RULE, "the data has collections.csv but the plan has no rotation "
                "section — re-run `bogbus plan`")
        elif any("deliver" in v for r in plan["routes"] for v in r["visits"]):
            bad(ROTATION_RULE, "visits deliver collections but the plan has no rotation section")
        return
    if not isinstance(rot, dict) or not isinstance(rot.get("collections"), list):
        bad(ROTATION_RULE, "the rotation section is damaged — re-run `bogbus plan`")
        return
    colls = {c["id"]: c for c in rot["collections"]}
    weeks: object = rot.get("no_repeat_weeks")
    if not isinstance(weeks, int) or isinstance(weeks, bool) or weeks < 1:
        # never a reason to skip the repeat rule: the reader refuses such a file, and a
        # plan built in memory is told so here
        bad(ROTATION_RULE, f"no_repeat_weeks must be a whole number of weeks, not {weeks!r}")
        weeks = 52
    sites = {s["id"]: s for s in plan["sites"]}
    if instance is not None:
        _against_data(plan, rot, instance, bad)
    caps = {v["name"]: v.get("crate_capacity") for v in plan["vehicles"]}
    # (site, date) → problems the plan admits to
    allowed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for sf in rot["shortfall"]:
        for short in sf["visits"]:
            allowed[(short["site_id"], short["date"])].add(short["problem"])

    where: dict[str, str] = {c: "depot" for c in colls}
    holdings = dict(rot.get("holdings_at_start", {}))
    for sid, cid in holdings.items():
        if cid not in colls:
            bad(ROTATION_RULE, f"holds unknown collection {cid!r} at the start", None, sid)
        elif where[cid] != "depot":
            bad(ROTATION_RULE, f"{cid} is at two sites when the quarter starts", None, sid)
        else:
            where[cid] = sid
    received: dict[tuple[str, str], list[date]] = defaultdict(list)
    for h in rot.get("history", []):
        received[(h["site_id"], h["collection_id"])].append(date.fromisoformat(h["date"]))
    uses: dict[str, int] = defaultdict(int)

    routes = sorted(plan["routes"], key=lambda r: (r["date"], r["vehicle"]))
    back_tonight: list[str] = []
    day_seen = None
    for r in routes:
        day_s = r["date"]
        if day_s != day_seen:  # what came back yesterday is at the depot today
            for cid in back_tonight:
                where[cid] = "depot"
            back_tonight, day_seen = [], day_s
        day = date.fromisoformat(day_s)
        bus: set[str] = set()
        collected_here: set[str] = set()
        load = sum(sites[v["site_id"]]["crates"] or 0 for v in r["visits"]
                   if v["site_id"] in sites and sites[v["site_id"]]["kind"] not in
                   (*ROTATION_KINDS, "stop", "depot"))
        # what leaves the depot: deliveries not picked up earlier on this route
        for v in r["visits"]:
            for cid in v.get("collect", []):
                collected_here.add(cid)
            for cid in v.get("deliver", []):
                if cid in colls and cid not in collected_here:
                    if where.get(cid) != "depot":
                        bad(ROTATION_RULE, f"{cid} is loaded at the depot but is at "
                            f"{where.get(cid)}", day_s, v["site_id"])
                    where[cid] = f"bus {r['vehicle']}"
                    bus.add(cid)
                    load += colls[cid]["crates"]
        cap = caps.get(r["vehicle"])
        legs = [load]
        for v in r["visits"]:
            sid = v["site_id"]
            kind = sites[sid]["kind"] if sid in sites else None
            if kind not in ROTATION_KINDS:
                if "deliver" in v or "collect" in v:
                    bad(ROTATION_RULE, f"a {kind} does not get collections", day_s, sid)
                continue
            if "deliver" not in v or "collect" not in v:
                bad(ROTATION_RULE, "institution visit without deliver/collect", day_s, sid)
                continue
            want = [holdings[sid]] if sid in holdings else []
            if v["collect"] != want:
                bad(ROTATION_RULE, f"collects {v['collect']} but the site holds {want}",
                    day_s, sid)
            for cid in want:
                holdings.pop(sid, None)
                where[cid] = f"bus {r['vehicle']}"
                bus.add(cid)
                load += colls[cid]["crates"]
            if len(v["deliver"]) > 1:
                bad(ROTATION_RULE, f"delivers {len(v['deliver'])} collections, one is the rule",
                    day_s, sid)
            if not v["deliver"] and "none" not in allowed[(sid, day_s)]:
                bad(ROTATION_RULE, "delivers no collection and the plan does not list it as "
                    "a shortfall", day_s, sid)
            for cid in v["deliver"]:
                c = colls.get(cid)
                if c is None:
                    bad(ROTATION_RULE, f"delivers unknown collection {cid!r}", day_s, sid)
                    continue
                if c["kind"] != kind:
                    bad(ROTATION_RULE, f"gets {cid}, a {c['kind']} collection", day_s, sid)
                if cid in want:
                    bad(ROTATION_RULE, f"gets back the collection it hands in ({cid})", day_s, sid)
                if cid not in bus:
                    bad(ROTATION_RULE, f"{cid} is not on the bus here (it is at "
                        f"{where.get(cid)})", day_s, sid)
                bus.discard(cid)
                where[cid] = sid
                holdings[sid] = cid
                load -= c["crates"]
                uses[cid] += 1
                if any(0 <= (day - d).days < 7 * weeks for d in received[(sid, cid)]):
                    if "repeat" not in allowed[(sid, day_s)]:
                        bad(ROTATION_RULE, f"gets {cid} again within {weeks} weeks", day_s, sid)
                received[(sid, cid)].append(day)
            legs.append(load)
        if cap is not None and max(legs) > cap:
            bad(ROTATION_RULE, f"{max(legs)} crates on the bus on one leg (loads "
                f"{'/'.join(map(str, legs))}), crate_capacity {cap}", day_s)
        back_tonight += sorted(bus)
    for cid, n in rot.get("uses", {}).items():
        if uses.get(cid, 0) != n:
            bad(ROTATION_RULE, f"uses of {cid} say {n}, the routes give {uses.get(cid, 0)}")


def _against_data(plan: Plan, rot: Rotation, instance: Instance, bad) -> None:
    """The plan's rotation section must be the data's: collections, rule, history."""
    mine = {c.id: (c.kind, c.crates) for c in instance.collections}
    theirs = {c["id"]: (c["kind"], c["crates"]) for c in rot["collections"]}
    if mine != theirs:
        bad(ROTATION_RULE, "the plan's collections differ from collections.csv")
    if rot.get("no_repeat_weeks") != instance.settings.no_repeat_weeks:
        bad(ROTATION_RULE, f"no_repeat_weeks is {rot.get('no_repeat_weeks')} in the plan, "
            f"{instance.settings.no_repeat_weeks} in settings")
    start = date.fromisoformat(plan["period"]["start"])
    stored = {(h["site_id"], h["collection_id"], h["date"]) for h in rot.get("history", [])}
    for h in instance.rotation_history:
        if h.date < start and (start - h.date).days < 7 * instance.settings.no_repeat_weeks:
            if (h.site_id, h.collection_id, h.date.isoformat()) not in stored:
                bad(ROTATION_RULE, f"rotation_history row {h.row} ({h.collection_id} on "
                    f"{h.date}) is missing from the plan's history", None, h.site_id)
