"""Try router search settings on a few Solomon instances (used to pick the defaults in
bogbus/solve/router.py; see docs/benchmarks.md). Single-threaded, sequential.

    .venv/bin/python bench/tune_router.py --time-limit 10 \
        --config 'local_search_metaheuristic: SIMULATED_ANNEALING' C101 R101 RC101 R201

Each --config is protobuf text merged over the router's own parameters.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from google.protobuf import text_format

from bogbus.bench.check import check_routes
from bogbus.bench.solomon import read, router_problem
from bogbus.solve import router

FOLDER = Path(__file__).resolve().parent / "instances" / "solomon"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("instances", nargs="+")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--config", action="append", default=[])
    args = ap.parse_args()
    base = router._search_parameters
    for cfg in args.config or [""]:
        def params(t, s, cfg=cfg):
            p = base(t, s)
            text_format.Merge(cfg, p)
            return p
        router._search_parameters = params
        costs = []
        for name in args.instances:
            inst = read(FOLDER / f"{name}.txt")
            t0 = time.perf_counter()
            sol = router.route(router_problem(inst), time_limit_s=args.time_limit)
            took = time.perf_counter() - t0
            if sol is None:
                costs.append(float("nan"))
                print(f"  {name} no solution", file=sys.stderr, flush=True)
                continue
            chk = check_routes(inst, [[inst.ids[i] for i in r] for r in sol.routes])
            costs.append(chk.cost)
            print(f"  {name} {chk.cost:.2f} veh {chk.vehicles} {took:.1f}s ok={chk.ok}",
                  file=sys.stderr, flush=True)
        print(f"{cfg!r}: " + " ".join(f"{c:.2f}" for c in costs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
