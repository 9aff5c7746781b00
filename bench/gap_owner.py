"""Who owns the gap: the search or the bound? Small versions of a shape, solved exactly.

    .venv/bin/python bench/gap_owner.py 18-1 --stops 6 8 --seeds 0 1 --work 300 \
        [--exact-det 120] [--bound-det 20] [--out bench/results/gap-owner-18-1]

For each (stops, seed) a small version of the shape is generated (the same cycle mix,
restrictions, range and closure, fewer stops: `generate(n, vehicles, seed, …)`), then
three independent answers are computed, every one with a deterministic budget (so the
table does not depend on the machine's load):

- the **search**: the template search alone (`TemplateSearch`, `--work` units) and the
  plan's timetable after it takes up the bound's (docs/planner.md, "One measure");
- the **bound**: `template_lower_bound` with `--bound-det` deterministic seconds;
- the **optimum**: the complete CP-SAT model of bench/exact_template.py (written from
  the rules in docs/, not from the planner's day model), `--exact-det` deterministic
  seconds; its status says whether it proved optimality.

With the optimum O known, a plan P and a bound B split the gap (P − B) / P into the
search's part (P − O) / P and the bound's part (O − B) / P.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from exact_template import exact_template
from shapes_table import write_table

from bogbus.bench.municipality import SHAPES, generate, write
from bogbus.io import load_source
from bogbus.solve.bound import template_lower_bound
from bogbus.solve.template import Budget, TemplateSearch
from bogbus.travel import build_travel

HEAD = ("| shape | stops | seed | cycle | search km/week | plan (bound's taken up) | optimum "
        "(CP-SAT) | bound (method) | gap | search's part | bound's part |")


def study(shape: str, n: int, seed: int, work: int, exact_det: float, bound_det: float,
          folder: Path) -> dict:
    sh = SHAPES[shape]
    data = folder / f"{shape}-n{n}-s{seed}"
    write(data, *generate(n, sh.vehicles, seed, cycles=sh.cycles, restricted=sh.restricted,
                          ebus_km=sh.ebus_km, summer=sh.summer))
    inst = load_source(str(data))
    travel = build_travel(inst)
    t0 = time.process_time()
    search = TemplateSearch(inst, travel, seed=0, budget=Budget(work))
    found = search.run()
    search_cpu = time.process_time() - t0
    t0 = time.process_time()
    bound = template_lower_bound(inst, travel, set(found.options), found.cost,
                                 det_limit=bound_det, seed=0)
    bound_cpu = time.process_time() - t0
    plan = found
    if bound.witness and not found.unserved:
        taken = search.adopt(bound.witness, found)
        plan = taken if taken is not None else found
    t0 = time.process_time()
    exact = exact_template(inst, exact_det, workers=1, seed=0)
    exact_cpu = time.process_time() - t0
    return {"shape": shape, "stops": n, "seed": seed, "cycle": exact["cycle_weeks"],
            "work": work, "search_km": found.cost, "search_unserved": len(found.unserved),
            "plan_km": plan.cost, "bound_km": bound.lower_km, "bound_method": bound.status,
            "exact_status": exact["status"], "exact_km": exact["km_per_week"],
            "exact_bound": exact["bound_km_per_week"],
            "cpu_s": {"search": round(search_cpu, 1), "bound": round(bound_cpu, 1),
                      "exact": round(exact_cpu, 1)}}


def row(r: dict) -> str:
    p, b, o = r["plan_km"], r["bound_km"], r["exact_km"]
    proven = r["exact_status"] == "OPTIMAL"
    opt = (f"{o:.2f}" if proven else f"≤ {o:.2f}, ≥ {r['exact_bound']:.2f} (not proven)"
           if o is not None else f"— (≥ {r['exact_bound']:.2f})")
    gap = f"{(p - b) / p * 100:.2f} %" if b is not None and p else "—"
    s_part = f"{(p - o) / p * 100:.2f} %" if proven and p else "—"
    b_part = f"{(o - b) / p * 100:.2f} %" if proven and b is not None and p else "—"
    return (f"| {r['shape']} | {r['stops']} | {r['seed']} | {r['cycle']} | "
            f"{r['search_km']:.2f} | {p:.2f} | {opt} | {b:.2f} ({r['bound_method']}) | {gap} | "
            f"{s_part} | {b_part} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shape", choices=sorted(SHAPES))
    ap.add_argument("--stops", type=int, nargs="+", default=[6, 8])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--work", type=int, default=300)
    ap.add_argument("--exact-det", type=float, default=120)
    ap.add_argument("--bound-det", type=float, default=20)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/gap-owner"))
    ap.add_argument("--out")
    a = ap.parse_args()
    lines = [HEAD, "|" + "---|" * (HEAD.count("|") - 1)]
    results = []
    for n in a.stops:
        for seed in a.seeds:
            r = study(a.shape, n, seed, a.work, a.exact_det, a.bound_det, a.dir)
            results.append(r)
            lines.append(row(r))
            print(json.dumps(r), flush=True)
    write_table(a.out, results, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
