"""A complete CP-SAT model of the weekly timetable, for small data sets (bench only).

    .venv/bin/python bench/exact_template.py DATA [--time-limit 300] [--workers 1]

Written from the rules in docs/ (docs/data.md, docs/planner.md "the day model"), not
from the planner's day model, so that it can say independently what the optimum of a
small timetable problem is (the gap-owner study in docs/lower-bound.md uses it). One
model for everything at once:

- every public stop takes exactly one option (vehicle, weekday, week phase): a vehicle
  it allows, a weekday in its `days` the vehicle runs, a phase 0 … every_weeks − 1;
- the cycle is L = lcm of all every_weeks; in week k of it a stop is on its day's
  route exactly when k mod every_weeks = its phase;
- each stop has ONE arrival time for all its weeks, on the `round_to_min` grid, inside
  [earliest, latest − duration];
- per (vehicle, weekday, week k) one route: a circuit over the depot and the stops on
  it that week (AddCircuit; a stop not there is skipped, an empty week skips the depot
  too); every arc a → b means arrival(b) ≥ departure(a) + drive minutes(a, b); the
  route leaves the depot at or after the shift's start and is back by its end;
- the lunch break (when the vehicle has one) is parked on exactly one leg of a used
  week's route: it starts at or after the departure from the leg's first end, inside
  [break earliest, break latest − minutes], and the bus still reaches the leg's other
  end in time after it;
- `max_km_per_day` per week's route;
- objective: km summed over all routes of the cycle (legs in 0.1 km), ÷ L = km per
  average week — the measure of `template_km_per_week` and of the lower bound.

It prints the optimum (or the best found and CP-SAT's proven bound) as JSON. It is
exponential: it proves optimality at ~8–14 stops, not at a library's real size.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from ortools.sat.python import cp_model

from bogbus.io import load_source
from bogbus.model import Instance
from bogbus.travel import build_travel


def exact_template(inst: Instance, time_limit: float = 300.0, workers: int = 1,
                   seed: int = 0, hint: dict[str, tuple[str, str, int]] | None = None) -> dict:
    """Solve the whole timetable problem of `inst` by one CP-SAT model (`time_limit` in
    CP-SAT's deterministic seconds, so the answer is the same under any load). Returns the
    km per average week found, CP-SAT's proven lower bound on it, the status and the
    options chosen (stop → (vehicle, weekday, phase))."""
    st = inst.settings
    travel = build_travel(inst)
    idx = travel.index()
    dep = idx[st.depot]
    D, T = travel.km, travel.minutes
    step = st.round_to_min
    stops = sorted(inst.stops, key=lambda s: s.id)
    L = math.lcm(*(s.every_weeks for s in stops))
    m = cp_model.CpModel()
    x: dict[tuple[str, str, str, int], cp_model.IntVar] = {}
    t: dict[str, cp_model.LinearExprT] = {}
    for s in stops:
        i = idx[s.id]
        lo = -(-(s.earliest or 0) // step) * step
        hi = (s.latest if s.latest is not None else 24 * 60) - s.duration_min
        if lo > hi:
            raise SystemExit(f"{s.id}: no grid minute in its window")
        u = m.NewIntVar(0, (hi - lo) // step, f"u_{s.id}")
        t[s.id] = lo + step * u
        mine = []
        for v in st.vehicles:
            if not s.allows_vehicle(v.name):
                continue
            for d in s.days:
                sh = v.shifts.get(d)
                if sh is None or (s.fixed_day and d != s.fixed_day):
                    continue
                # reachable from the depot and back within the shift at some grid minute
                a_lo = max(lo, sh.start + T[dep][i])
                a_hi = min(hi, sh.end - s.duration_min - T[i][dep])
                if -(-a_lo // step) * step > a_hi:
                    continue
                for p in range(s.every_weeks):
                    x[(s.id, v.name, d, p)] = m.NewBoolVar(f"x_{s.id}_{v.name}_{d}_{p}")
                    mine.append(x[(s.id, v.name, d, p)])
        if not mine:
            raise SystemExit(f"{s.id}: no (vehicle, weekday) can serve it")
        m.AddExactlyOne(mine)
    every = {s.id: s.every_weeks for s in stops}
    dur = {s.id: s.duration_min for s in stops}
    objective = []
    for v in st.vehicles:
        br = v.break_rule
        for d, sh in v.shifts.items():
            cands = sorted({sid for (sid, vn, dd, _p) in x if vn == v.name and dd == d})
            if not cands:
                continue
            for k in range(L):
                here = {sid: x[(sid, v.name, d, k % every[sid])] for sid in cands}
                used = m.NewBoolVar(f"used_{v.name}_{d}_{k}")
                for lit in here.values():
                    m.AddImplication(lit, used)
                m.AddBoolOr(list(here.values())).OnlyEnforceIf(used)
                start = m.NewIntVar(sh.start, sh.end, f"start_{v.name}_{d}_{k}")
                end = m.NewIntVar(sh.start, sh.end, f"end_{v.name}_{d}_{k}")
                nodes = ["@", *cands]
                pos = {a: n for n, a in enumerate(nodes)}
                circuit = [(0, 0, used.Not())]
                circuit += [(pos[sid], pos[sid], lit.Not()) for sid, lit in here.items()]
                arcs = {}
                for a in nodes:
                    for b in nodes:
                        if a == b:
                            continue
                        lit = m.NewBoolVar(f"arc_{v.name}_{d}_{k}_{a}_{b}")
                        arcs[(a, b)] = lit
                        circuit.append((pos[a], pos[b], lit))
                m.AddCircuit(circuit)

                def depart(a: str, start=start):
                    return start if a == "@" else t[a] + dur[a]

                def arrive(b: str, end=end):
                    return end if b == "@" else t[b]

                def row(a: str) -> int:
                    return dep if a == "@" else idx[a]

                for (a, b), lit in arcs.items():
                    m.Add(arrive(b) >= depart(a) + T[row(a)][row(b)]).OnlyEnforceIf(lit)
                km = sum(round(D[row(a)][row(b)] * 10) * lit for (a, b), lit in arcs.items())
                if v.max_km_per_day is not None:
                    m.Add(km <= int(math.floor(v.max_km_per_day * 10 + 1e-9)))
                objective.append(km)
                if br is not None:
                    bs = m.NewIntVar(br.earliest, br.latest - br.minutes, f"b_{v.name}_{d}_{k}")
                    ys = []
                    for (a, b), lit in arcs.items():
                        y = m.NewBoolVar(f"y_{v.name}_{d}_{k}_{a}_{b}")
                        m.AddImplication(y, lit)
                        m.Add(bs >= depart(a)).OnlyEnforceIf(y)
                        m.Add(bs + br.minutes + T[row(a)][row(b)] <= arrive(b)).OnlyEnforceIf(y)
                        ys.append(y)
                    m.Add(sum(ys) == used)
    _break_symmetry(m, x, inst)
    m.Minimize(sum(objective))
    if hint:
        for key, var in x.items():
            h = hint.get(key[0])
            m.AddHint(var, 1 if h == key[1:] else 0)
    solver = cp_model.CpSolver()
    # deterministic time, so the answer does not depend on the machine's load
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    t0 = time.perf_counter()
    status = solver.Solve(m)
    out = {"stops": len(stops), "vehicles": len(st.vehicles), "cycle_weeks": L,
           "status": solver.StatusName(status), "wall_s": round(time.perf_counter() - t0, 1),
           "bound_km_per_week": solver.BestObjectiveBound() / 10 / L, "km_per_week": None,
           "options": {}}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out["km_per_week"] = solver.ObjectiveValue() / 10 / L
        out["options"] = {sid: [vn, d, p] for (sid, vn, d, p), var in x.items()
                          if solver.Value(var)}
    return out


def _break_symmetry(m: cp_model.CpModel, x: dict, inst: Instance) -> None:
    """Two symmetries that leave every timetable's km unchanged, cut so CP-SAT need not
    prove the same thing many times (both are exact: every class keeps one member).

    - Turning a day's cycle (every phase on that day + r, mod its every_weeks) gives the
      same routes in other weeks. On each (vehicle, weekday), the first stop (by id)
      that comes less often than weekly can therefore be given phase 0: some turn r
      with r ≡ −phase (mod its every_weeks) exists, as every_weeks divides the cycle.
    - Twin weekdays of one vehicle (the same shift; every stop that may use one may use
      the other) can swap contents: the first stop of the later twin must come after a
      stop of the earlier one, so a used twin is never preceded by an empty one."""
    st = inst.settings
    every = {s.id: s.every_weeks for s in inst.stops}
    on: dict[tuple[str, str], dict[str, list]] = {}
    for (sid, vn, d, p), var in x.items():
        on.setdefault((vn, d), {}).setdefault(sid, []).append((p, var))
    for (_vn, _d), by_stop in on.items():
        multi = sorted(sid for sid in by_stop if every[sid] > 1)
        for n, sid in enumerate(multi):
            earlier = [var for p, var in
                       (pv for e in multi[:n] for pv in by_stop[e])]
            for p, var in by_stop[sid]:
                if p:  # a later phase only when an earlier multi-week stop is here
                    m.AddBoolOr(earlier).OnlyEnforceIf(var) if earlier else m.Add(var == 0)
    for v in st.vehicles:
        days = sorted(v.shifts, key=lambda d: ["mon", "tue", "wed", "thu", "fri", "sat",
                                               "sun"].index(d))
        for i, d1 in enumerate(days):
            for d2 in days[i + 1:]:
                if v.shifts[d1] != v.shifts[d2]:
                    continue
                a, b = on.get((v.name, d1), {}), on.get((v.name, d2), {})
                if set(a) != set(b):
                    continue  # not twins for every stop
                ids = sorted(a)
                for n, sid in enumerate(ids):
                    before = [var for e in ids[:n] for _p, var in a[e]]
                    for _p, var in b[sid]:
                        m.AddBoolOr(before).OnlyEnforceIf(var) if before else m.Add(var == 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--time-limit", type=float, default=300,
                    help="CP-SAT deterministic seconds (not wall seconds)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    print(json.dumps(exact_template(load_source(a.data), a.time_limit, a.workers, a.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
