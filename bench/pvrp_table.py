"""Run the PVRP bench on Cordeau instances and print a gap-to-BKS table.

    .venv/bin/python bench/pvrp_table.py p01 … p10 --time-limit 60 [--seed 0]
        [--dir bench/instances/pvrp] [--out bench/results/pvrp-60s]

Each instance runs in its own process (`python -m bogbus.bench pvrp …`, one at a
time); every answer is re-checked and re-costed by the independent checker
(`bogbus.bench.pvrp_check`). Writes OUT.jsonl (the raw answers, one per line) and
OUT.md (the table) when --out is given.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

from bogbus.bench.pvrp import read
from bogbus.bench.pvrp_check import check


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("instances", nargs="+")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", default="bench/instances/pvrp")
    ap.add_argument("--out")
    args = ap.parse_args()
    folder = Path(args.dir)
    bks = {r["instance"]: float(r["bks"]) for r in csv.DictReader(open(folder / "BKS.csv"))}
    lines = ["| instance | n | t | m | cost | BKS | gap % | routes/day (max) | wall s | check |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    answers, gaps = [], []
    for name in args.instances:
        path = folder / name
        t0 = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "bogbus.bench", "pvrp", str(path),
                              "--time-limit", str(args.time_limit), "--seed", str(args.seed)],
                             capture_output=True, text=True, check=True)
        wall = time.perf_counter() - t0
        ans = json.loads(run.stdout)
        answers.append(ans)
        inst = read(path)
        res = check(inst, ans)
        gap = 100 * (res.cost - bks[name]) / bks[name] if name in bks else None
        if gap is not None and res.ok:
            gaps.append(gap)
        lines.append(f"| {name} | {inst.n} | {inst.days} | {inst.vehicles} | {res.cost:.2f} | "
                     f"{bks.get(name, float('nan')):.2f} | "
                     f"{'' if gap is None else f'{gap:.2f}'} | {ans['vehicles']} | {wall:.1f} | "
                     f"{'ok' if res.ok else '; '.join(res.errors[:3])} |")
        print(lines[-1], flush=True)
    if gaps:
        lines.append(f"\nmean gap over {len(gaps)} checked instances: "
                     f"{sum(gaps) / len(gaps):.2f} %")
    text = "\n".join(lines)
    print(text)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.with_suffix(".jsonl").write_text("".join(json.dumps(a) + "\n" for a in answers))
        out.with_suffix(".md").write_text(
            f"time limit {args.time_limit:g} s, seed {args.seed}\n\n{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
