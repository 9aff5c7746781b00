"""`python -m bogbus.bench <set> PATH --time-limit S [--seed N]`: one JSON object.

The time limit is end to end: imports, reading and model building count against it,
so the command's wall time stays within S (plus interpreter start-up).
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # before the heavy imports (OR-Tools, numpy)

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402

OUTPUT_MARGIN_S = 0.05  # checking and printing the answer after the search


def remaining(limit_s: float) -> float:
    """What is left of an end-to-end limit (never less than 0.1 s of search)."""
    return max(0.1, limit_s - (time.perf_counter() - _STARTED) - OUTPUT_MARGIN_S)


class BadInstance(Exception):
    """The instance file cannot be read or parsed (exit 1 with a one-line message)."""


def _read(reader, path: str):
    try:
        return reader(path)
    except (OSError, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise BadInstance(str(exc)) from exc


def _solomon(args: argparse.Namespace) -> dict:
    from .solomon import read, solve

    inst = _read(read, args.path)
    return solve(inst, time_limit_s=remaining(args.time_limit), seed=args.seed)


def _pvrp(args: argparse.Namespace) -> dict:
    from .pvrp import read, solve

    return solve(_read(read, args.path), time_limit_s=args.time_limit, seed=args.seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bogbus.bench")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solomon", help="Solomon VRPTW instance, distance objective")
    p.add_argument("path")
    p.add_argument("--time-limit", type=float, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=_solomon)
    p = sub.add_parser("pvrp", help="Cordeau periodic VRP instance (p01…, pr01…)")
    p.add_argument("path")
    p.add_argument("--time-limit", type=float, required=True)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=_pvrp)
    args = parser.parse_args(argv)
    try:
        answer = args.run(args)
    except BadInstance as exc:
        print(f"error: {args.path}: not a readable {args.command} instance: {exc}",
              file=sys.stderr)
        return 1
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
