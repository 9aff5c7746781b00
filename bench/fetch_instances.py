"""Fetch the benchmark instances into bench/instances/ and check every byte.

    python bench/fetch_instances.py                  # download (needs the internet)
    python bench/fetch_instances.py --from DIR       # or copy from a folder that has them

The 56 Solomon VRPTW and 42 Cordeau PVRP instance files are not in the repository (the
PVRP files' source repository states no licence); this script downloads each one from
the public repository and commit it was taken from (bench/instances/README.md) and
accepts it only if its SHA-256 is the one in bench/instances/MANIFEST.sha256, so every
clone benchmarks on exactly the files the published results used. The BKS tables and
the format notes are in the repository already.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent / "instances"
SOURCES = {  # set → raw URL prefix at the commit the files were taken from
    "solomon": "https://raw.githubusercontent.com/VROOM-Project/vroom-scripts/"
               "0f5ee1eb625d287101686d11622d03e43ec0c969/benchmarks/VRPTW/solomon/",
    "pvrp": "https://raw.githubusercontent.com/azadsalam/MDPVRP_Last/"
            "6c7c55f1ae99c95d6bdeb3ef61da7b947dbe2c14/benchmark/PVRP/",
}


def manifest(dest: Path) -> list[tuple[str, str]]:
    """(sha256, path relative to bench/instances) for every instance file."""
    rows = []
    for line in (dest / "MANIFEST.sha256").read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, rel = line.split(maxsplit=1)
            rows.append((digest, rel.strip()))
    return rows


def _download(rel: str) -> bytes:
    kind, name = rel.split("/", 1)
    url = SOURCES[kind] + urllib.parse.quote(name)
    with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 (fixed https URLs)
        return resp.read()


def fetch(dest: Path, source: Path | None = None) -> int:
    """Fetch every missing or wrong file; return the number of files that failed."""
    failed = 0
    for digest, rel in manifest(dest):
        target = dest / rel
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == digest:
            continue
        try:
            data = (source / rel).read_bytes() if source is not None else _download(rel)
        except OSError as exc:
            print(f"{rel}: could not be read ({exc})", file=sys.stderr)
            failed += 1
            continue
        if hashlib.sha256(data).hexdigest() != digest:
            print(f"{rel}: SHA-256 differs from MANIFEST.sha256 — not written", file=sys.stderr)
            failed += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"fetched {rel}")
    return failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--from", dest="source", type=Path,
                    help="copy from this folder (solomon/, pvrp/) instead of downloading")
    ap.add_argument("--dest", type=Path, default=HERE, help="default: bench/instances")
    args = ap.parse_args()
    failed = fetch(args.dest, args.source)
    total = len(manifest(args.dest))
    print(f"{total - failed} of {total} instance files in {args.dest}, checked against "
          "MANIFEST.sha256" + (f"; {failed} failed" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
