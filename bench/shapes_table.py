"""Plan the shapes of issue 24 (bench/gen_municipality.py --shape) and print their table.

    .venv/bin/python bench/shapes_table.py 18-1 36-2 --seeds 0 1 2 3 --work 1500 \
        [--time-limit 600] [--dir /tmp/shapes] [--out bench/results/shapes-w1500]

Each (shape, seed) is generated, then planned by `bogbus plan` in its own process, one
at a time, with a fixed work budget (the plan is reproducible on any machine; the long
time limit keeps the clock out of it) in the quarter the shape names. Columns: the
plan's km per average week, the proven bound and its method, the gap, the work units
used / the budget, the runtime (wall, whatever the machine's load), what ended the
search, and the unserved stops with their proof status ("proven infeasible" or "not
proven infeasible", docs/planner.md). Writes OUT.jsonl (one line per plan's figures)
and OUT.md when --out is given.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bogbus.bench.municipality import SHAPES, generate_shape, write

HEAD = ("| shape | seed | plan km/week | bound | method | gap | work used / budget | "
        "runtime (wall) | stopped by | unserved stops (proven / not proven) |")


def run_one(shape: str, seed: int, work: int, limit: float, folder: Path) -> dict:
    """Generate, plan and read back one (shape, seed)."""
    data = folder / f"{shape}-{seed}"
    out = folder / f"plan-{shape}-{seed}-w{work}"
    write(data, *generate_shape(shape, seed))
    bogbus = Path(sys.executable).with_name("bogbus")
    cmd = [str(bogbus), "plan", str(data), "--quarter", SHAPES[shape].quarter, "--seed", "0",
           "--work", str(work), "--time-limit", str(limit), "--no-render", "--quiet",
           "--out", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ))
    wall = time.perf_counter() - t0
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    k, s = plan["kpis"], plan["solver"]
    stops = {x["id"] for x in plan["sites"] if x["kind"] == "stop"}
    un = [u for u in plan["unserved"] if u["site_id"] in stops]
    proven = sum(1 for u in un if u["reason"].startswith("proven infeasible"))
    return {"shape": shape, "seed": seed, "work": work, "exit": proc.returncode,
            "template_km_per_week": k["template_km_per_week"],
            "lower_bound_km": k.get("lower_bound_km"),
            "method": k.get("lower_bound_method") or k.get("lower_bound_note"),
            "gap_pct": k.get("gap_pct"), "used": s["template_day_solves"],
            "runtime_s": s["runtime_s"], "wall_s": round(wall, 1),
            "stopped_by": s["template_stopped_by"], "clock_cut": s["clock_cut"],
            "unserved_proven": proven, "unserved_not_proven": len(un) - proven,
            "outreach_unserved": len(plan["unserved"]) - len(un)}


def row(r: dict) -> str:
    gap = "—" if r["gap_pct"] is None else f"{r['gap_pct']:.2f} %"
    return (f"| {r['shape']} | {r['seed']} | {r['template_km_per_week']:.2f} | "
            f"{r['lower_bound_km']} | {r['method']} | {gap} | {r['used']} / {r['work']} | "
            f"{r['runtime_s']:.1f} s ({r['wall_s']:.1f}) | {r['stopped_by']} | "
            f"{r['unserved_proven']} / {r['unserved_not_proven']} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shapes", nargs="+", choices=sorted(SHAPES))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    ap.add_argument("--work", type=int, default=1500)
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/shapes"))
    ap.add_argument("--out")
    a = ap.parse_args()
    lines = [HEAD, "|" + "---|" * (HEAD.count("|") - 1)]
    results = []
    for shape in a.shapes:
        for seed in a.seeds:
            r = run_one(shape, seed, a.work, a.time_limit, a.dir)
            results.append(r)
            lines.append(row(r))
            print(lines[-1], flush=True)
    if a.out:
        Path(a.out + ".jsonl").write_text("".join(json.dumps(r) + "\n" for r in results),
                                          encoding="utf-8")
        Path(a.out + ".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
