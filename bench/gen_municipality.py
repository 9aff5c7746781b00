"""Write a synthetic municipality at Randers' density (the solver's scaling table).

    .venv/bin/python bench/gen_municipality.py --stops 180 --vehicles 8 --seed 0 \
        --out /tmp/muni-180
    .venv/bin/bogbus plan /tmp/muni-180 --quarter 2027Q1 --time-limit 60 --no-render

How the data is made (Randers' proportions, shifts and stop mix): the docstring of
src/bogbus/bench/municipality.py. The same arguments give the same files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bogbus.bench.municipality import generate, write


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stops", type=int, required=True)
    ap.add_argument("--vehicles", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    if a.stops < 1 or a.vehicles < 1:
        ap.error("--stops and --vehicles must be at least 1")
    write(a.out, *generate(a.stops, a.vehicles, a.seed))
    print(f"wrote {a.out / 'sites.csv'} and {a.out / 'settings.yaml'}")


if __name__ == "__main__":
    main()
