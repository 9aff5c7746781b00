"""Re-route each day of a PVRP answer with PyVRP: does the day router own the gap?

The PVRP bench (`python -m bogbus.bench pvrp`) picks a visit pattern per customer and
routes every day with the OR-Tools router (solve/router.py). If PyVRP, given the same
customers of a day, finds shorter routes, a better router would close part of the gap
to the best known; if not, the gap lies in the patterns. Needs the bench extra
(`pip install -e '.[bench]'`).

usage: bench/pvrp_day_peer.py ANSWERS.jsonl INSTANCE [INSTANCE ...] [--seconds S]
       e.g. bench/pvrp_day_peer.py bench/results/pvrp-60s-placement.jsonl p08 p10
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from bogbus.bench.pvrp import PVRPInstance, euclid, read

SCALE = 1000  # as the router: distances × 1000 rounded, durations rounded up
INSTANCES = Path(__file__).parent / "instances" / "pvrp"


def route_km(inst: PVRPInstance, routes: list[list[int]]) -> float:
    return sum(euclid(inst, a, b) for r in routes for a, b in zip([0, *r], [*r, 0]))


def pyvrp_day(inst: PVRPInstance, day: int, customers: list[int], seconds: float,
              seed: int) -> list[list[int]] | None:
    """The day's customers routed by PyVRP with m vehicles, Q and D of that day."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    m = Model()
    ids = [0, *customers]
    locs = [m.add_location(round(inst.x[c] * SCALE), round(inst.y[c] * SCALE)) for c in ids]
    m.add_depot(locs[0])
    limit = inst.max_duration[day - 1]
    kw: dict = {"num_available": inst.vehicles, "capacity": inst.capacity[day - 1]}
    if limit > 0:
        kw["max_duration"] = int(limit * SCALE)
    m.add_vehicle_type(**kw)
    for k, c in enumerate(customers, 1):
        m.add_client(locs[k], delivery=inst.demand[c],
                     service_duration=round(inst.service[c] * SCALE), name=str(c))
    for i, a in enumerate(locs):
        for j, b in enumerate(locs):
            d = euclid(inst, ids[i], ids[j]) if i != j else 0.0
            m.add_edge(a, b, distance=round(d * SCALE), duration=math.ceil(d * SCALE))
    res = m.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    if not res.is_feasible():
        return None
    return [[int(m.clients[a.idx].name) for a in r if a.is_client()] for r in res.best.routes()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("answers", type=Path)
    ap.add_argument("instances", nargs="+")
    ap.add_argument("--seconds", type=float, default=2.0, help="PyVRP's time per day")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    answers = {}
    for line in args.answers.read_text(encoding="utf-8").splitlines():
        if line.strip():
            a = json.loads(line)
            answers[a["instance"]] = a
    for name in args.instances:
        inst = read(INSTANCES / name)
        ours = theirs = 0.0
        for day, routes in sorted(answers[name]["routes"].items(), key=lambda x: int(x[0])):
            customers = sorted(c for r in routes for c in r)
            got = pyvrp_day(inst, int(day), customers, args.seconds, args.seed)
            km = route_km(inst, routes)
            other = route_km(inst, got) if got is not None else math.inf
            print(f"{name} day {day}: {len(customers)} customers, bogbus {km:.2f}, "
                  f"PyVRP {other:.2f}")
            ours += km
            theirs += min(km, other)
        print(f"{name}: bogbus {ours:.2f}, with PyVRP's day where shorter {theirs:.2f} "
              f"({100 * (ours - theirs) / ours:.2f} % less)")


if __name__ == "__main__":
    main()
