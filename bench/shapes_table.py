"""Plan the library shapes (bench/gen_municipality.py --shape) and print their table.

    .venv/bin/python bench/shapes_table.py 18-1 36-2 --seeds 0 1 2 3 --work 1500 \
        [--time-limit 600] [--dir /tmp/shapes] [--out bench/results/shapes-w1500]
    .venv/bin/python bench/shapes_table.py 18-1 36-2 45-2 --work 0 --time-limit 30  # defaults

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
        "runtime (wall, peak memory) | stopped by | unserved stops (proven / not proven) |")


def run_one(shape: str, seed: int, work: int, limit: float, folder: Path) -> dict:
    """Generate, plan and read back one (shape, seed)."""
    data = folder / f"{shape}-{seed}"
    out = folder / f"plan-{shape}-{seed}-w{work}"
    write(data, *generate_shape(shape, seed))
    bogbus = Path(sys.executable).with_name("bogbus")
    cmd = [str(bogbus), "plan", str(data), "--quarter", SHAPES[shape].quarter, "--seed", "0",
           *(["--work", str(work)] if work else []), "--time-limit", str(limit),
           "--no-render", "--quiet", "--out", str(out)]
    t0 = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          env=dict(os.environ)) as proc:
        # wait4: the plan's own peak resident memory, its bound child's included (Linux)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    k, s = plan["kpis"], plan["solver"]
    stops = {x["id"] for x in plan["sites"] if x["kind"] == "stop"}
    un = [u for u in plan["unserved"] if u["site_id"] in stops]
    proven = sum(1 for u in un if u["reason"].startswith("proven infeasible"))
    return {"shape": shape, "seed": seed, "work": s.get("work", work), "exit": proc.returncode,
            "template_km_per_week": k["template_km_per_week"],
            "lower_bound_km": k.get("lower_bound_km"),
            "method": k.get("lower_bound_method") or k.get("lower_bound_note"),
            "gap_pct": k.get("gap_pct"), "used": s["template_day_solves"],
            "runtime_s": s["runtime_s"], "wall_s": round(wall, 1),
            "peak_mb": usage.ru_maxrss // 1024,
            "stopped_by": s["template_stopped_by"], "clock_cut": s["clock_cut"],
            "unserved_proven": proven, "unserved_not_proven": len(un) - proven,
            "outreach_unserved": len(plan["unserved"]) - len(un)}


def template_one(shape: str, seed: int, work: int, bound_det: float, folder: Path) -> dict:
    """The timetable part of a plan without the clock: the template search at `work`
    units, the lower bound with `bound_det` deterministic seconds (what a `--work` plan
    gives it: BOUND_SHARE × work × solve_seconds ÷ search_share), the bound's optimal
    timetable taken up when it is not dearer — the plan's timetable and bound, every
    step deterministic, so the figures hold under any load (CPU seconds do not)."""
    from bogbus.io import load_source
    from bogbus.solve.bound import template_lower_bound
    from bogbus.solve.template import Budget, TemplateSearch
    from bogbus.travel import build_travel

    data = folder / f"{shape}-{seed}"
    write(data, *generate_shape(shape, seed))
    inst = load_source(str(data))
    travel = build_travel(inst)
    t0 = time.process_time()
    search = TemplateSearch(inst, travel, seed=0, budget=Budget(work))
    found = search.run()
    cpu_search = time.process_time() - t0
    servable = {s.id for s in inst.stops if search.options_for(s)}
    t0 = time.process_time()
    bound = template_lower_bound(inst, travel, servable if not found.unserved else
                                 set(found.options), float("inf") if not found.unserved
                                 else found.cost, det_limit=bound_det, seed=0)
    cpu_bound = time.process_time() - t0
    plan = found
    if bound.witness and not found.unserved:
        plan = search.adopt(bound.witness, found) or found
    lower = None if bound.lower_km is None else min(bound.lower_km, plan.cost)
    why = list(plan.unserved.values())
    proven = sum(1 for w in why if w.startswith("proven infeasible"))
    return {"shape": shape, "seed": seed, "work": work, "template_km_per_week": plan.cost,
            "search_km": found.cost, "lower_bound_km": lower, "method": bound.status,
            "gap_pct": None if lower is None or not plan.cost else
            round((plan.cost - lower) / plan.cost * 100, 2),
            "used": found.solves, "runtime_s": cpu_search + cpu_bound, "wall_s": 0.0,
            "cpu_search_s": round(cpu_search, 1), "cpu_bound_s": round(cpu_bound, 1),
            "stopped_by": found.stopped_by, "unserved_proven": proven,
            "unserved_not_proven": len(why) - proven}


def row(r: dict) -> str:
    gap = "—" if r["gap_pct"] is None else f"{r['gap_pct']:.2f} %"
    return (f"| {r['shape']} | {r['seed']} | {r['template_km_per_week']:.2f} | "
            f"{r['lower_bound_km']} | {r['method']} | {gap} | {r['used']} / {r['work']} | "
            + (f"{r['runtime_s']:.1f} s ({r['wall_s']:.1f} s, {r.get('peak_mb', '?')} MB) | "
               if r["wall_s"] else
               f"{r['runtime_s']:.1f} s CPU | ")
            + f"{r['stopped_by']} | "
            f"{r['unserved_proven']} / {r['unserved_not_proven']} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("shapes", nargs="+", choices=sorted(SHAPES))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    ap.add_argument("--work", type=int, default=1500,
                    help="the search's work budget; 0: the default one (the clock may end "
                         "the search, so such a run is not reproducible)")
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/shapes"))
    ap.add_argument("--out")
    ap.add_argument("--template-only", action="store_true",
                    help="the timetable and its bound without the clock (deterministic): "
                         "search at --work, bound at --bound-det; runtime = CPU seconds")
    ap.add_argument("--bound-det", type=float, default=18.0,
                    help="the bound's deterministic seconds (a --work 1500 plan gives 18)")
    a = ap.parse_args()
    lines = [HEAD, "|" + "---|" * (HEAD.count("|") - 1)]
    results = []
    for shape in a.shapes:
        for seed in a.seeds:
            r = (template_one(shape, seed, a.work, a.bound_det, a.dir) if a.template_only
                 else run_one(shape, seed, a.work, a.time_limit, a.dir))
            results.append(r)
            lines.append(row(r))
            print(lines[-1], flush=True)
    write_table(a.out, results, lines)
    return 0


def write_table(out: str | None, results: list[dict], lines: list[str]) -> None:
    """The raw answers as OUT.jsonl and the table as OUT.md (when --out is given), and
    the table on the terminal (bench/gap_owner.py writes its study the same way)."""
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out + ".jsonl").write_text("".join(json.dumps(r) + "\n" for r in results),
                                        encoding="utf-8")
        Path(out + ".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
