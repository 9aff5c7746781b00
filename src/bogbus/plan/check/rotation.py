"""`bogbus check`, rotating collections: re-verify `deliver`/`collect` from the plan alone.

Independent of the solver (never imports `solve`): it replays the quarter — where every
collection is (depot, bus, or one site), what each visit picks up and hands over, the
load on every leg — and re-derives each repeat from the delivery dates. With the data
folder it also checks that the plan used the data's collections, rule and history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from typing import Any

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
    listed = _listed_shortfall(rot, colls, sites, bad)
    # (site, date) → problems the plan admits to
    allowed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (sid, day_s), entry in listed.items():
        allowed[(sid, day_s)].add(entry["problem"])
    happened: dict[tuple[str, str], tuple[str, str | None]] = {}  # what each visit lacked

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
            happened.setdefault((sid, day_s), ("", None))  # a visit; "": lacked nothing
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
            if not v["deliver"]:
                happened[(sid, day_s)] = ("none", None)
                if "none" not in allowed[(sid, day_s)]:
                    bad(ROTATION_RULE, "delivers no collection and the plan does not list it "
                        "as a shortfall", day_s, sid)
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
                if isinstance(weeks, int) and any(0 <= (day - d).days < 7 * weeks
                                                  for d in received[(sid, cid)]):
                    happened[(sid, day_s)] = ("repeat", cid)
                    if "repeat" not in allowed[(sid, day_s)]:
                        bad(ROTATION_RULE, f"gets {cid} again within {weeks} weeks", day_s, sid)
                received[(sid, cid)].append(day)
            legs.append(load)
        if cap is not None and max(legs) > cap:
            bad(ROTATION_RULE, f"{max(legs)} crates on the bus on one leg (loads "
                f"{'/'.join(map(str, legs))}), crate_capacity {cap}", day_s)
        back_tonight += sorted(bus)
    for (sid, day_s), entry in sorted(listed.items()):
        if (sid, day_s) not in happened:
            bad(ROTATION_RULE, "rotation.shortfall lists a visit the routes do not have",
                day_s, sid)
            continue
        lacked, repeated = happened[(sid, day_s)]
        if lacked != entry["problem"]:
            bad(ROTATION_RULE, f"rotation.shortfall lists a '{entry['problem']}' here, but the "
                f"visit {'has ' + repr(lacked) if lacked else 'gets a new collection'}",
                day_s, sid)
        elif lacked == "repeat" and entry.get("collection_id", repeated) != repeated:
            bad(ROTATION_RULE, f"rotation.shortfall lists the repeat of "
                f"{entry.get('collection_id')!r}, but the visit repeats {repeated}", day_s, sid)
    for cid, n in rot.get("uses", {}).items():
        if uses.get(cid, 0) != n:
            bad(ROTATION_RULE, f"uses of {cid} say {n}, the routes give {uses.get(cid, 0)}")


SHORTFALL_PROBLEMS = ("none", "repeat")


def _listed_shortfall(rot: Mapping[str, Any], colls: Mapping[str, Any],
                      sites: Mapping[str, Any], bad) -> dict[tuple[str, str], dict]:
    """(site, date) → the shortfall entry that excuses it, each entry checked on its own:
    a rotation kind listed once, with the plan's number of collections of that kind, and
    visits of that kind with a known problem. What each visit really lacked is compared
    after the replay; a malformed entry excuses nothing."""
    out: dict[tuple[str, str], dict] = {}
    entries = rot.get("shortfall", [])
    if not isinstance(entries, list):
        bad(ROTATION_RULE, "rotation.shortfall is not a list — re-run `bogbus plan`")
        return out
    kinds_seen: set[str] = set()
    for i, sf in enumerate(entries):
        key = f"rotation.shortfall[{i}]"
        kind = sf.get("kind") if isinstance(sf, dict) else None
        visits = sf.get("visits") if isinstance(sf, dict) else None
        if kind not in ROTATION_KINDS or not isinstance(visits, list):
            bad(ROTATION_RULE, f"{key} is not a shortfall of daycare or nursing_home "
                "collections with a list of visits")
            continue
        if kind in kinds_seen:
            bad(ROTATION_RULE, f"{key}: {kind} is listed twice")
        kinds_seen.add(kind)
        have = sum(1 for c in colls.values() if c.get("kind") == kind)
        if sf.get("collections") != have:
            bad(ROTATION_RULE, f"{key}.collections says {sf.get('collections')!r}, the plan "
                f"has {have} {kind} collections")
        for j, v in enumerate(visits):
            where = f"{key}.visits[{j}]"
            if not isinstance(v, dict) or v.get("problem") not in SHORTFALL_PROBLEMS \
                    or not isinstance(v.get("site_id"), str) \
                    or not isinstance(v.get("date"), str):
                bad(ROTATION_RULE, f"{where} needs site_id, date and a problem "
                    f"({' or '.join(SHORTFALL_PROBLEMS)})")
                continue
            if sites.get(v["site_id"], {}).get("kind") != kind:
                bad(ROTATION_RULE, f"{where}: {v['site_id']} is not a {kind}", v["date"],
                    v["site_id"])
                continue
            if (v["site_id"], v["date"]) in out:
                bad(ROTATION_RULE, f"{where} lists the visit twice", v["date"], v["site_id"])
            out[(v["site_id"], v["date"])] = v
    return out


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
