"""Write a synthetic municipality at Randers' density (the solver's scaling table).

    .venv/bin/python bench/gen_municipality.py --stops 180 --vehicles 8 --seed 0 \
        --out /tmp/muni-180
    .venv/bin/bogbus plan /tmp/muni-180 --quarter 2027Q1 --time-limit 60 --no-render

The library shapes (cycle mix, bus restrictions, an e-bus's range, the summer
closure) by name, or by their own flags:

    .venv/bin/python bench/gen_municipality.py --shape 18-1 --seed 0 --out /tmp/s18
    .venv/bin/bogbus plan /tmp/s18 --quarter 2027Q3 --work 1500 --no-render
    .venv/bin/python bench/gen_municipality.py --stops 30 --vehicles 2 \
        --cycles 1:0.5,2:0.25,4:0.25 --restricted 0.2 --ebus-km 150 --summer --out /tmp/x

How the data is made (Randers' proportions, shifts and stop mix; the shapes): the
docstring of src/bogbus/bench/municipality.py. The same arguments give the same files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bogbus.bench.municipality import SHAPES, generate, generate_shape, write


def cycles(text: str) -> dict[int, float]:
    """'1:0.4,2:0.3,3:0.3' → {1: 0.4, 2: 0.3, 3: 0.3}."""
    try:
        out = {int(k): float(v) for k, v in (p.split(":") for p in text.split(","))}
    except ValueError as e:
        raise argparse.ArgumentTypeError(
            f"--cycles {text!r}: write every_weeks:share pairs, e.g. 1:0.4,2:0.3,3:0.3") from e
    if not out or any(k < 1 or k > 12 or v <= 0 for k, v in out.items()):
        raise argparse.ArgumentTypeError(
            f"--cycles {text!r}: every_weeks 1-12, shares above 0")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", choices=sorted(SHAPES),
                    help="a library shape (docs/benchmarks.md, Shapes)")
    ap.add_argument("--stops", type=int)
    ap.add_argument("--vehicles", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cycles", type=cycles, help="every_weeks:share,… (default: Randers' 1/2)")
    ap.add_argument("--restricted", type=float, default=0.0,
                    help="share of stops only one named bus may serve")
    ap.add_argument("--ebus-km", type=float, help="max_km_per_day of the last bus")
    ap.add_argument("--summer", action="store_true", help="closed 5 July – 6 August 2027")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    if a.shape:
        if a.stops or a.vehicles or a.cycles or a.restricted or a.ebus_km or a.summer:
            ap.error("--shape sets stops, vehicles, cycles, restrictions, range and closure")
        write(a.out, *generate_shape(a.shape, a.seed))
        print(f"wrote {a.out / 'sites.csv'} and {a.out / 'settings.yaml'} "
              f"(plan quarter {SHAPES[a.shape].quarter})")
        return
    if a.stops is None or a.vehicles is None:
        ap.error("give --shape, or --stops and --vehicles")
    if a.stops < 1 or a.vehicles < 1:
        ap.error("--stops and --vehicles must be at least 1")
    if not 0 <= a.restricted <= 1:
        ap.error("--restricted is a share between 0 and 1")
    write(a.out, *generate(a.stops, a.vehicles, a.seed, cycles=a.cycles,
                           restricted=a.restricted, ebus_km=a.ebus_km, summer=a.summer))
    print(f"wrote {a.out / 'sites.csv'} and {a.out / 'settings.yaml'}")


if __name__ == "__main__":
    main()
