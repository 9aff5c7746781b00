"""Rotating collections: which collection each institution visit delivers and collects.

An assignment over the dated routes, made after they are fixed (times and order do
not change). Every daycare / nursing-home visit collects what the site holds and
delivers one collection of the site's kind. Seen from one collection, each delivery
occupies it from that visit until the site's next visit collects it again, so the
problem is a colouring of these occupation intervals with extra rules:

- a collection is in one place at a time: two deliveries of the same collection must
  not overlap — it is free again once collected, for later visits on the *same*
  route (a direct hand-over, it never left the bus) or on any later date;
- the bus load never exceeds `crate_capacity` on any leg. After the i-th institution
  visit of a route the load is  D(>i) + H(≤i) − HO: crates still to deliver, crates
  collected so far, minus the crates handed over directly on this route (each of
  those is counted once in D and once in H but is on the bus only once, or not at
  all, at every leg);
- no site receives a collection it had within `no_repeat_weeks` (delivery dates;
  history file, the previous plan and this plan).

An exact CP-SAT model solves it with a deterministic work limit, in priority order:
every visit gets a delivery (a visit left without one is listed, never dropped), no
repeats, then even use of the collections (history in the window included), then
collections whose crates match the site's `crates` column (its usual size). When a
kind has too few collections the model is re-solved with extra imaginary
collections until no visit lacks one or repeats: that count is what the library must
add.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ortools.sat.python import cp_model

from ..model import ROTATION_KINDS, Collection, Instance
from .cpsat import deterministic_solver

W_NONE = 1_000_000  # a visit without a delivery
W_REPEAT = 10_000  # a repeat within no_repeat_weeks
W_SPREAD = 100  # per use between the most and the least used collection of a kind
W_SIZE = 1  # per crate away from the site's usual size
DET_LIMIT = 3.0  # deterministic seconds of CP-SAT work in all (same data → same assignment);
# the planner scales it with --time-limit (planner.ROTATION_SHARE)


@dataclass(frozen=True)
class RVisit:
    """One institution visit of a dated route, in route order."""

    key: int
    site_id: str
    kind: str
    day: date
    vehicle: str
    seq: int  # position among all visits of the route

    @property
    def route(self) -> tuple[date, str]:
        return (self.day, self.vehicle)


@dataclass
class RotationResult:
    deliver: dict[tuple[str, date, str], list[str]]  # (vehicle, date, site) → ids
    collect: dict[tuple[str, date, str], list[str]]
    holdings_at_start: dict[str, str]  # site → collection it holds when the quarter starts
    history: list[tuple[str, str, date]]  # deliveries within the window before the quarter
    uses: dict[str, int]  # collection → deliveries in this plan
    shortfall: list[dict] = field(default_factory=list)  # per kind: more needed, visits hit
    status: str = ""


def previous_events(previous: Mapping[str, Any] | None) -> tuple[list[tuple[str, str, date]],
                                                    dict[str, str] | None, date | None]:
    """From a previous plan: deliveries it knew (its stored history + its own), the
    holdings it ended with, and the last day of its period."""
    if not previous or not isinstance(previous.get("rotation"), dict):
        return [], None, None
    rot = previous["rotation"]
    events = [(h["site_id"], h["collection_id"], date.fromisoformat(h["date"]))
              for h in rot.get("history", [])]
    holdings = dict(rot.get("holdings_at_start", {}))
    for r in sorted(previous.get("routes", []), key=lambda r: (r["date"], r["vehicle"])):
        for v in r["visits"]:
            if "collect" in v:
                holdings.pop(v["site_id"], None)
            for cid in v.get("deliver", []):
                for s, c in list(holdings.items()):
                    if c == cid:
                        del holdings[s]
                holdings[v["site_id"]] = cid
                events.append((v["site_id"], cid, date.fromisoformat(r["date"])))
    return events, holdings, date.fromisoformat(previous["period"]["end"])


def start_state(instance: Instance, start: date, previous: Mapping[str, Any] | None
                ) -> tuple[dict[str, str], list[tuple[str, str, date]]]:
    """Holdings when the quarter starts and every known delivery before it."""
    prev_events, prev_holdings, prev_end = previous_events(previous)
    data = sorted((h.date, h.row or 0, h.site_id, h.collection_id)
                  for h in instance.rotation_history if h.date < start)
    holdings: dict[str, str] = {}
    if prev_holdings is not None and prev_end is not None:
        holdings = dict(prev_holdings)
        data = [e for e in data if e[0] > prev_end]
    for _, _, sid, cid in data:  # the collection moves to the site; its old one went home
        for s, c in list(holdings.items()):
            if c == cid:
                del holdings[s]
        holdings[sid] = cid
    known = {c.id for c in instance.collections}
    sites = {s.id for s in instance.sites}
    holdings = {s: c for s, c in holdings.items() if c in known and s in sites}
    events = {(h.site_id, h.collection_id, h.date) for h in instance.rotation_history
              if h.date < start}
    events |= {e for e in prev_events if e[2] < start}
    return holdings, sorted(events, key=lambda e: (e[2], e[0], e[1]))


def rotation_visits(instance: Instance, routes: dict[tuple[str, date], list[str]]
                    ) -> list[RVisit]:
    kinds = {s.id: s.kind for s in instance.sites}
    out: list[RVisit] = []
    for (vname, day), order in sorted(routes.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        for seq, sid in enumerate(order):
            if kinds[sid] in ROTATION_KINDS:
                out.append(RVisit(len(out), sid, kinds[sid], day, vname, seq))
    return out


def assign_rotation(instance: Instance, routes: dict[tuple[str, date], list[str]],
                    start: date, previous: Mapping[str, Any] | None = None, seed: int = 0,
                    det_limit: float = DET_LIMIT) -> RotationResult | None:
    """The collections for every institution visit of `routes` ((vehicle, date) → site
    ids in route order); None when the data has no collections.csv."""
    if not instance.collections:
        return None
    holdings, events = start_state(instance, start, previous)
    window = 7 * instance.settings.no_repeat_weeks
    history = [e for e in events if (start - e[2]).days < window]
    visits = rotation_visits(instance, routes)
    colls = list(instance.collections)
    # the assignment takes most of the work budget; a shortfall search (only when a
    # kind runs short) shares the rest, so the whole step stays within det_limit
    sol = _solve(instance, routes, visits, colls, holdings, history, seed,
                 det_limit=0.6 * det_limit)
    deliver: dict[tuple[str, date, str], list[str]] = {}
    collect: dict[tuple[str, date, str], list[str]] = {}
    held = dict(holdings)
    for v in visits:
        k = (v.vehicle, v.day, v.site_id)
        collect[k] = [held.pop(v.site_id)] if v.site_id in held else []
        c = sol.choice[v.key]
        deliver[k] = [c] if c else []
        if c:
            held[v.site_id] = c
    uses = {c.id: 0 for c in colls}
    for c in sol.choice.values():
        if c:
            uses[c] += 1
    shortfall = []
    for kind in ROTATION_KINDS:
        hit = [v for v in visits if v.kind == kind and (sol.choice[v.key] is None
                                                        or v.key in sol.repeats)]
        if not hit:
            continue
        more = _extra_needed(instance, routes, visits, colls, holdings, history, kind, seed,
                             len(hit), det_limit=0.2 * det_limit)
        shortfall.append({
            "kind": kind, "collections": sum(1 for c in colls if c.kind == kind),
            "more_needed": more,
            "visits": [{"site_id": v.site_id, "date": v.day.isoformat(), "vehicle": v.vehicle,
                        "collection_id": sol.choice[v.key],
                        "problem": "none" if sol.choice[v.key] is None else "repeat"}
                       for v in hit],
        })
    return RotationResult(deliver, collect, holdings, history, uses, shortfall, sol.status)


@dataclass
class _Solution:
    choice: dict[int, str | None]
    repeats: set[int]
    status: str


def _extra_needed(instance, routes, visits, colls, holdings, history, kind, seed,
                  hit: int, det_limit: float) -> int | None:
    """Fewest extra collections of `kind` (of its smallest size) that leave no visit
    without one and no repeat: a binary search, since more never hurts; `hit` extra
    ones (one per affected visit) is the upper end. None: not even that is enough
    (the bus, not the stock, is the limit)."""
    crates = min((c.crates for c in colls if c.kind == kind), default=1)
    solves = max(1, (max(1, hit)).bit_length() + 1)  # binary search: log2(hit) + 1 solves

    def enough(n: int) -> bool:
        extra = [Collection(f"+{kind}{i}", "", kind, crates) for i in range(n)]
        sol = _solve(instance, routes, visits, colls + extra, holdings, history, seed,
                     only_rules=True, det_limit=det_limit / solves)
        return all(sol.choice[v.key] is not None and v.key not in sol.repeats
                   for v in visits if v.kind == kind)

    lo, hi = 1, max(1, hit)
    if not enough(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if enough(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _follows(a_next: RVisit | None, b: RVisit) -> bool:
    """A collection delivered at a visit whose site is next visited at `a_next` is free
    for visit b: collected earlier on b's own route, or on an earlier date."""
    if a_next is None:
        return False
    if a_next.route == b.route:
        return a_next.seq < b.seq
    return a_next.day < b.day


def _solve(instance: Instance, routes, visits: list[RVisit], colls: list[Collection],
           holdings: dict[str, str], history: list[tuple[str, str, date]],
           seed: int, only_rules: bool = False, det_limit: float = DET_LIMIT) -> _Solution:
    """One CP-SAT solve. `only_rules`: minimise visits without a collection and repeats
    only (the shortfall search needs no spread, and stops as soon as both are 0)."""
    sites = {s.id: s for s in instance.sites}
    crates = {c.id: c.crates for c in colls}
    window = 7 * instance.settings.no_repeat_weeks
    m = cp_model.CpModel()
    by_site: dict[str, list[RVisit]] = defaultdict(list)
    for v in visits:
        by_site[v.site_id].append(v)
    nxt: dict[int, RVisit | None] = {}
    prv: dict[int, RVisit | None] = {}
    for vs in by_site.values():
        for a, b in zip(vs, vs[1:]):
            nxt[a.key], prv[b.key] = b, a
        nxt[vs[-1].key] = None
        prv[vs[0].key] = None
    kind_colls = {k: [c.id for c in colls if c.kind == k] for k in ROTATION_KINDS}
    x: dict[tuple[int, str], cp_model.IntVar] = {}
    none: dict[int, cp_model.IntVar] = {}
    rep: dict[int, cp_model.IntVar] = {}
    where_at_start = {c: s for s, c in holdings.items()}
    first_visit = {s: vs[0] for s, vs in by_site.items()}
    for v in visits:
        none[v.key] = m.NewBoolVar("")
        rep[v.key] = m.NewBoolVar("")
        for c in kind_colls[v.kind]:
            holder = where_at_start.get(c)
            if holder is not None:
                f = first_visit.get(holder)
                if f is None or not _follows(f, v) or (f.key == v.key):
                    continue  # still at its site when v happens (or v itself collects it)
            x[v.key, c] = m.NewBoolVar("")
        m.AddExactlyOne([none[v.key]] + [x[v.key, c] for c in kind_colls[v.kind]
                                          if (v.key, c) in x])
    # one place at a time; never straight back to the site it was collected from
    for kind, cids in kind_colls.items():
        kv = [v for v in visits if v.kind == kind]
        for i, a in enumerate(kv):
            for b in kv[i + 1:]:
                same_site_back = (n := nxt[a.key]) is not None and n.key == b.key
                if _follows(nxt[a.key], b) and not same_site_back:
                    continue
                for c in cids:
                    if (a.key, c) in x and (b.key, c) in x:
                        m.AddBoolOr([x[a.key, c].Not(), x[b.key, c].Not()])
    # no repeats (soft: a too-small stock must still give a plan, with the repeat listed)
    past: dict[tuple[str, str], list[date]] = defaultdict(list)
    for s, c, d in history:
        past[(s, c)].append(d)
    for v in visits:
        for c in kind_colls[v.kind]:
            if (v.key, c) not in x:
                continue
            if holdings.get(v.site_id) == c and prv[v.key] is None:
                m.Add(x[v.key, c] == 0)  # it is collecting that very collection
            if any(0 <= (v.day - d).days < window for d in past[(v.site_id, c)]):
                m.AddImplication(x[v.key, c], rep[v.key])
        for w in by_site[v.site_id]:
            if w.key < v.key and (v.day - w.day).days < window:
                for c in kind_colls[v.kind]:
                    if (v.key, c) in x and (w.key, c) in x:
                        m.AddBoolOr([x[w.key, c].Not(), x[v.key, c].Not(), rep[v.key]])
    # bus load on every leg
    def holds(v: RVisit, c: str):
        p = prv[v.key]
        if p is None:
            return 1 if holdings.get(v.site_id) == c else 0
        return x.get((p.key, c), 0)

    by_route: dict[tuple[date, str], list[RVisit]] = defaultdict(list)
    for v in visits:
        by_route[v.route].append(v)
    for (vname, day), order in routes.items():
        cap = instance.settings.vehicle(vname).crate_capacity
        if cap is None:
            continue
        fixed = sum(sites[s].crates for s in order if sites[s].kind not in ROTATION_KINDS
                    and sites[s].kind not in ("stop", "depot"))
        rv = by_route.get((day, vname), [])
        if not rv:
            continue
        ho_terms = []
        for i, a in enumerate(rv):
            for b in rv[i + 1:]:
                for c in kind_colls[a.kind] if a.kind == b.kind else []:
                    h = holds(a, c)
                    if (b.key, c) not in x or (isinstance(h, int) and h == 0):
                        continue
                    lit = m.NewBoolVar("")
                    if not isinstance(h, int):
                        m.AddImplication(lit, h)
                    m.AddImplication(lit, x[b.key, c])
                    ho_terms.append(crates[c] * lit)
        for i in range(len(rv) + 1):
            terms = [-t for t in ho_terms]
            for b in rv[i:]:
                terms += [crates[c] * x[b.key, c] for c in kind_colls[b.kind] if (b.key, c) in x]
            const = fixed
            for a in rv[:i]:
                for c in kind_colls[a.kind]:
                    h = holds(a, c)
                    if isinstance(h, int):
                        const += crates[c] * h
                    else:
                        terms.append(crates[c] * h)
            m.Add(sum(terms) + const <= cap)
    # even use within each kind (deliveries in the window before the quarter count too)
    before: dict[str, int] = defaultdict(int)
    for _, c, _ in history:
        before[c] += 1
    spread_terms = []
    n_visits = len(visits)
    for kind, cids in kind_colls.items():
        if len(cids) < 2 or not any(v.kind == kind for v in visits):
            continue
        hi = m.NewIntVar(0, n_visits + len(history), "")
        lo = m.NewIntVar(0, n_visits + len(history), "")
        for c in cids:
            use = sum(x[v.key, c] for v in visits if (v.key, c) in x) + before[c]
            m.Add(hi >= use)
            m.Add(lo <= use)
        spread_terms.append(hi - lo)
    size_terms = [abs(crates[c] - sites[v.site_id].crates) * x[v.key, c]
                  for v in visits for c in kind_colls[v.kind]
                  if (v.key, c) in x and sites[v.site_id].crates]
    rules = W_NONE * sum(none.values()) + W_REPEAT * sum(rep.values())
    m.Minimize(rules if only_rules else
               rules + W_SPREAD * sum(spread_terms) + W_SIZE * sum(size_terms))
    # a warm start: the greedy assignment (solve within the work limit starts from it)
    greedy = _greedy(visits, kind_colls, x, nxt, prv, holdings, past, before, window)
    for v in visits:
        m.AddHint(none[v.key], 0 if greedy[v.key] else 1)
        for c in kind_colls[v.kind]:
            if (v.key, c) in x:
                m.AddHint(x[v.key, c], 1 if c == greedy[v.key] else 0)
    solver = deterministic_solver(seed, det_limit)  # no wall limit: the result is reproducible
    status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # only the load of collections already at the sites can make it infeasible
        return _Solution({v.key: None for v in visits}, set(), solver.StatusName(status))
    choice = {}
    repeats = set()
    for v in visits:
        choice[v.key] = next((c for c in kind_colls[v.kind]
                              if (v.key, c) in x and solver.Value(x[v.key, c])), None)
    # a repeat is what the rule says, not what the solver's flag says
    got: dict[tuple[str, str], list[date]] = defaultdict(list)
    for s, c, d in history:
        got[(s, c)].append(d)
    for v in visits:
        if (picked := choice[v.key]) and any(0 <= (v.day - d).days < window
                                             for d in got[(v.site_id, picked)]):
            repeats.add(v.key)
        if picked:
            got[(v.site_id, picked)].append(v.day)
    return _Solution(choice, repeats, solver.StatusName(status))


def _greedy(visits: list[RVisit], kind_colls: dict[str, list[str]], x: dict,
            nxt: dict[int, RVisit | None], prv: dict[int, RVisit | None],
            holdings: dict[str, str], past: dict[tuple[str, str], list[date]],
            before: dict[str, int], window: int) -> dict[int, str | None]:
    """A fast warm start for the model: visits in date and route order, each takes the
    least-used collection of its kind that is free by the model's one-place rule and no
    repeat. Leg loads are not checked here; CP-SAT repairs a hint that breaks one."""
    chosen: dict[int, str | None] = {}
    users: dict[str, list[RVisit]] = defaultdict(list)
    use = dict(before)
    got = defaultdict(list, {k: list(ds) for k, ds in past.items()})
    for v in visits:
        best = None
        for c in sorted(kind_colls[v.kind], key=lambda c: (use.get(c, 0), c)):
            if (v.key, c) not in x or (holdings.get(v.site_id) == c and prv[v.key] is None):
                continue
            if any(0 <= (v.day - d).days < window for d in got[(v.site_id, c)]):
                continue
            if any(not (_follows(n := nxt[a.key], v) and n is not None and n.key != v.key)
                   for a in users[c]):
                continue
            best = c
            break
        chosen[v.key] = best
        if best:
            users[best].append(v)
            use[best] = use.get(best, 0) + 1
            got[(v.site_id, best)].append(v.day)
    return chosen


def history_window_start(start: date, no_repeat_weeks: int) -> date:
    return start - timedelta(7 * no_repeat_weeks)


def repair_rotation(instance: Instance, previous: Mapping[str, Any],
                    routes: Sequence[Mapping[str, Any]], from_date: date,
                    period_start: date, seed: int = 0) -> RotationResult | None:
    """The collections of a repaired plan (`routes`: its route entries, sorted). What the
    published plan delivered before `from_date` happened and stays as published; the
    visits from `from_date` on are assigned again, starting from where the published
    deliveries left every collection. The result describes the whole quarter (holdings
    and history as at its start), so `check` replays it like any plan. A published plan
    without a rotation section recorded nothing: then the whole quarter is assigned."""
    if not instance.collections:
        return None
    published = previous.get("rotation")
    if not isinstance(published, dict):
        return assign_rotation(instance, _route_orders(routes), period_start, None, seed)
    past = [r for r in routes if date.fromisoformat(r["date"]) < from_date]
    future = [r for r in routes if date.fromisoformat(r["date"]) >= from_date]
    before = {"rotation": {"history": published.get("history", []),
                           "holdings_at_start": published.get("holdings_at_start", {})},
              "routes": past, "period": {"end": (from_date - timedelta(1)).isoformat()}}
    res = assign_rotation(instance, _route_orders(future), from_date, before, seed)
    assert res is not None
    uses = {c.id: 0 for c in instance.collections}
    for r in past:
        for v in r["visits"]:
            for cid in v.get("deliver", []):
                uses[cid] = uses.get(cid, 0) + 1
    for cids in res.deliver.values():
        for cid in cids:
            uses[cid] += 1
    cut = from_date.isoformat()
    count = {k: sum(1 for c in instance.collections if c.kind == k) for k in ROTATION_KINDS}
    shortfall = [dict(s, visits=[v for v in s["visits"] if v["date"] < cut],
                      collections=count.get(s["kind"], 0))  # `check` verifies the count
                 for s in published.get("shortfall", [])]
    for s in res.shortfall:
        same = next((t for t in shortfall if t["kind"] == s["kind"]), None)
        if same is None:
            shortfall.append(s)
        else:
            same["visits"] += s["visits"]
            same["more_needed"] = s["more_needed"]
    return RotationResult(
        res.deliver, res.collect, dict(published.get("holdings_at_start", {})),
        [(h["site_id"], h["collection_id"], date.fromisoformat(h["date"]))
         for h in published.get("history", [])],
        uses, [s for s in shortfall if s["visits"]], res.status)


def _route_orders(routes: Sequence[Mapping[str, Any]]) -> dict[tuple[str, date], list[str]]:
    """(vehicle, date) → site ids in visit order, from plan route entries."""
    return {(r["vehicle"], date.fromisoformat(r["date"])): [v["site_id"] for v in r["visits"]]
            for r in routes}
