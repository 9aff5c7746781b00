"""Same data + seed + work → the same timetable, in any process: Python salts the
hash of strings per process (PYTHONHASHSEED), so any model or move built by iterating a
set of stop ids would differ between two runs of `bogbus plan`. Found in the
recombination's set-partitioning model (its rows followed a set's order)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bogbus.bench.municipality import generate, write

SCRIPT = """
import json, sys
from bogbus.io import load_source
from bogbus.travel import build_travel
from bogbus.solve.template import Budget, TemplateSearch
TemplateSearch.RECOMBINE_GROWTH = 20  # recombine often, so its model is exercised
inst = load_source(sys.argv[1])
s = TemplateSearch(inst, build_travel(inst), seed=3, budget=Budget(400))
r = s.run()
print(json.dumps({"assign": sorted((k, str(v)) for k, v in r.options.items()),
                  "cost": r.cost, "solves": r.solves, "memo": len(s.cache),
                  "recombined": s._recombined}))
"""


def test_the_search_does_not_depend_on_the_hash_seed(tmp_path):
    write(tmp_path, *generate(22, 1, seed=2))
    runs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], env=env,
                             capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    assert runs[0]["recombined"] > 0  # the recombination ran
    assert runs[0] == runs[1]
