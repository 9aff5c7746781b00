"""bogbus vs PyVRP vs VROOM on Solomon VRPTW instances, same budget, same run.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/fetch_instances.py      # the instances, once (bench/instances/)
    .venv/bin/python bench/peers.py bench/instances/solomon --time-limit 10 \
        --json bench/results/solomon-10s.json > bench/results/solomon-10s.md

Objective: total distance only (no vehicle cost), fleet ≤ 25, the Solomon conventions
of bench/instances/solomon/FORMAT.md. Every solver gets the same integer matrices
(distance × 1000 rounded as cost, rounded up as travel time), and every solver's routes
are re-checked and re-costed in double precision by bogbus.bench.check. bogbus runs as
`python -m bogbus.bench solomon` in a subprocess (the command anyone can re-run), with
its wall time including interpreter start-up; PyVRP gets MaxRuntime(limit); VROOM has
no time limit, only an exploration level, so its actual time is recorded. All
single-threaded. BKS: the distance-only, double-precision rows of
BKS_distance_only.csv (indicative; two instances have none).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bogbus.bench.check import check_routes
from bogbus.bench.solomon import SolomonInstance, read, router_problem


def run_bogbus(path: Path, limit: float, seed: int) -> tuple[list[list[int]], float]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "bogbus.bench", "solomon", str(path),
                          "--time-limit", str(limit), "--seed", str(seed)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["routes"], time.perf_counter() - t0


def run_pyvrp(inst: SolomonInstance, limit: float, seed: int) -> tuple[list[list[int]], float]:
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    p = router_problem(inst)
    m = Model()
    locs = [m.add_location(inst.x[i], inst.y[i]) for i in range(len(inst.ids))]
    m.add_depot(locs[0], tw_early=p.windows[0][0], tw_late=p.windows[0][1])
    m.add_vehicle_type(num_available=p.vehicles, capacity=inst.capacity,
                       tw_early=p.windows[0][0], tw_late=p.windows[0][1])
    for i in range(1, len(locs)):
        m.add_client(locs[i], delivery=inst.demand[i], service_duration=p.service[i],
                     tw_early=p.windows[i][0], tw_late=p.windows[i][1], name=str(inst.ids[i]))
    for i, a in enumerate(locs):
        for j, b in enumerate(locs):
            m.add_edge(a, b, distance=p.dist[i][j], duration=p.time[i][j])
    t0 = time.perf_counter()
    res = m.solve(stop=MaxRuntime(limit), seed=seed, display=False)
    took = time.perf_counter() - t0
    routes = [[int(m.clients[a.idx].name) for a in r if a.is_client()]
              for r in res.best.routes()]
    return routes, took


def run_vroom(inst: SolomonInstance, exploration: int) -> tuple[list[list[int]], float]:
    import vroom

    p = router_problem(inst)
    inp = vroom.Input()
    inp.set_durations_matrix("car", p.time)
    inp.set_costs_matrix("car", p.dist)
    for k in range(p.vehicles):
        inp.add_vehicle(vroom.Vehicle(k + 1, start=0, end=0, capacity=[inst.capacity],
                                      time_window=vroom.TimeWindow(*p.windows[0])))
    for i in range(1, len(inst.ids)):
        inp.add_job(vroom.Job(inst.ids[i], location=i, default_service=p.service[i],
                              delivery=[inst.demand[i]],
                              time_windows=[vroom.TimeWindow(*p.windows[i])]))
    t0 = time.perf_counter()
    sol = inp.solve(exploration_level=exploration, nb_threads=1)
    took = time.perf_counter() - t0
    df = sol.routes
    routes = []
    for _, g in df.groupby("vehicle_id", sort=True):
        r = [int(x) for x in g[g["type"] == "job"]["id"]]
        if r:
            routes.append(r)
    return routes, took


def bks_table(folder: Path) -> dict[str, float]:
    f = folder / "BKS_distance_only.csv"
    if not f.exists():
        return {}
    with f.open(newline="") as fh:
        return {r["instance"]: float(r["distance"]) for r in csv.DictReader(fh)
                if r["convention"] == "double_precision"}


def versions() -> dict[str, str]:
    from importlib.metadata import version

    return {p: version(p) for p in ("ortools", "pyvrp", "pyvroom")}


def fmt(x: float | None, nd: int = 2) -> str:
    return "–" if x is None else f"{x:.{nd}f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="instance files or a folder of *.txt")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vroom-exploration", type=int, default=5)
    ap.add_argument("--json", help="also write the raw results (routes included) here")
    args = ap.parse_args(argv)
    files: list[Path] = []
    for p in map(Path, args.paths):
        files += sorted(p.glob("*.txt")) if p.is_dir() else [p]
    bks = bks_table(files[0].parent) if files else {}
    rows = []
    for f in files:
        inst = read(f)
        row = {"instance": inst.name, "bks": bks.get(inst.name)}
        runs = {"bogbus": lambda: run_bogbus(f, args.time_limit, args.seed),
                "pyvrp": lambda: run_pyvrp(inst, args.time_limit, args.seed),
                "vroom": lambda: run_vroom(inst, args.vroom_exploration)}
        for name, run in runs.items():
            try:
                routes, took = run()
            except Exception as exc:  # a crashed solver is a result too, not an abort
                row[name] = {"cost": None, "vehicles": 0, "time_s": None,
                             "errors": [repr(exc)], "routes": []}
                continue
            chk = check_routes(inst, routes)
            row[name] = {"cost": chk.cost if chk.ok else None, "vehicles": chk.vehicles,
                         "time_s": took, "errors": chk.errors[:5], "routes": routes}
        rows.append(row)
        print(f"{inst.name}: " + "  ".join(f"{n} {fmt(row[n]['cost'])}"
                                            for n in runs), file=sys.stderr, flush=True)
        if args.json:  # after every instance, so a cut-short run still leaves its data
            write_json(args, rows)

    def ratio(r: dict, a: str, b: str) -> float | None:
        x = r[a]["cost"]
        y = r[b]["cost"] if b != "bks" else r["bks"]
        return x / y if x is not None and y else None

    print(f"Solomon VRPTW, distance objective, {args.time_limit:g} s, seed {args.seed}, "
          f"VROOM exploration {args.vroom_exploration}; versions {versions()}\n")
    print("| instance | bogbus km | veh | s | PyVRP km | veh | s | VROOM km | veh | s "
          "| BKS (dist.) | bogbus/PyVRP | bogbus/VROOM | bogbus/BKS |")
    print("|" + "---|" * 14)
    for r in rows:
        cells = [r["instance"]]
        for n in ("bogbus", "pyvrp", "vroom"):
            cells += [fmt(r[n]["cost"]), str(r[n]["vehicles"]), fmt(r[n]["time_s"], 1)]
        cells += [fmt(r["bks"]), fmt(ratio(r, "bogbus", "pyvrp"), 4),
                  fmt(ratio(r, "bogbus", "vroom"), 4), fmt(ratio(r, "bogbus", "bks"), 4)]
        print("| " + " | ".join(cells) + " |")

    def mean(a: str, b: str) -> float | None:
        vals = [x for x in (ratio(r, a, b) for r in rows) if x is not None]
        return statistics.fmean(vals) if vals else None

    def mean_of(n: str, key: str) -> float | None:
        vals = [r[n][key] for r in rows if r[n]["cost"] is not None]
        return statistics.fmean(vals) if vals else None

    cells = ["**mean**"]
    for n in ("bogbus", "pyvrp", "vroom"):
        cells += [fmt(mean_of(n, "cost")), fmt(mean_of(n, "vehicles"), 1),
                  fmt(mean_of(n, "time_s"), 1)]
    cells += ["", fmt(mean("bogbus", "pyvrp"), 4), fmt(mean("bogbus", "vroom"), 4),
              fmt(mean("bogbus", "bks"), 4)]
    print("| " + " | ".join(cells) + " |")
    bad = [(r["instance"], n) for r in rows for n in ("bogbus", "pyvrp", "vroom")
           if r[n]["cost"] is None]
    within = [x for x in (ratio(r, "bogbus", "pyvrp") for r in rows) if x is not None]
    print(f"\nbogbus ≤ 1.03 × PyVRP on {sum(x <= 1.03 for x in within)} of {len(within)} "
          f"instances, ≤ 1.00 × on {sum(x <= 1.0 + 1e-9 for x in within)}; worst "
          f"{fmt(max(within, default=None), 4)}.")
    print(f"Infeasible or incomplete answers (re-checked): {bad or 'none'}. "
          f"Mean PyVRP/BKS {fmt(mean('pyvrp', 'bks'), 4)}, "
          f"VROOM/BKS {fmt(mean('vroom', 'bks'), 4)}.")
    return 0


def write_json(args: argparse.Namespace, rows: list[dict]) -> None:
    Path(args.json).write_text(json.dumps({"time_limit_s": args.time_limit, "seed": args.seed,
                                           "vroom_exploration": args.vroom_exploration,
                                           "versions": versions(), "rows": rows}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
