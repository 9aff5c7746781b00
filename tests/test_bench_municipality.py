"""bench/gen_municipality.py's generator: valid data at Randers' proportions."""

from __future__ import annotations

from bogbus.bench.municipality import generate, write
from bogbus.io import load_source
from bogbus.io.source import validate_source


def test_generated_data_loads_and_validates(tmp_path):
    # one bus' worth keeps the test quick; the largest sizes are in docs/benchmarks.md
    write(tmp_path, *generate(22, 1, seed=5))
    inst = load_source(str(tmp_path))
    assert len(inst.stops) == 22 and len(inst.settings.vehicles) == 1
    checked, problems = validate_source(tmp_path)
    assert checked is not None, [str(p) for p in problems]  # no errors (warnings allowed)


def test_generated_rows_keep_randers_proportions():
    rows, settings = generate(90, 4, seed=5)
    kinds = [r["kind"] for r in rows]
    assert kinds.count("stop") == 90 and settings.count("- name: bus") == 4
    assert kinds.count("daycare") == round(90 * 15 / 22)
    assert kinds.count("nursing_home") == round(90 * 6 / 22)
    weekly = sum(1 for r in rows if r["kind"] == "stop" and r["every_weeks"] == 1)
    assert 0.3 * 90 < weekly < 0.6 * 90  # Randers: 10 of 22


def test_same_arguments_same_files_and_area_grows_with_stops(tmp_path):
    a, b = generate(45, 2, seed=1), generate(45, 2, seed=1)
    assert a == b and generate(45, 2, seed=2) != a

    def spread(rows):
        lats = [float(r["lat"]) for r in rows if r["kind"] == "stop"]
        return max(lats) - min(lats)

    assert spread(generate(360, 16)[0]) > 3 * spread(generate(22, 1)[0])
