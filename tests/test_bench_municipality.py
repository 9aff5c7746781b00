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


def test_the_shapes_load_validate_and_have_their_cycles_restrictions_range_and_closure(
        tmp_path):
    from bogbus.bench.municipality import SHAPES, generate_shape

    for name in ("18-1", "36-2", "45-2"):
        sh = SHAPES[name]
        write(tmp_path / name, *generate_shape(name, seed=3))
        inst = load_source(str(tmp_path / name))
        checked, problems = validate_source(tmp_path / name)
        assert checked is not None, [str(p) for p in problems]
        assert len(inst.stops) == sh.stops and len(inst.settings.vehicles) == sh.vehicles
        assert {s.every_weeks for s in inst.stops} == set(sh.cycles)
        restricted = [s for s in inst.stops if s.vehicles is not None]
        assert bool(restricted) == (sh.restricted > 0)
        assert all(len(s.vehicles) == 1 for s in restricted)
        ranges = [v.max_km_per_day for v in inst.settings.vehicles]
        assert ranges[-1] == sh.ebus_km and all(r is None for r in ranges[:-1])
        assert bool(inst.settings.closures) == sh.summer
    assert SHAPES["18-1"].cycle() == 6 and SHAPES["36-2"].cycle() == 4
    assert generate_shape("36-2", 1) == generate_shape("36-2", 1) != generate_shape("36-2", 2)


def test_a_shape_keeps_the_base_rows_it_does_not_change():
    base, _ = generate(36, 2, seed=4)
    shaped, _ = generate(36, 2, seed=4, cycles={1: 0.5, 4: 0.5})
    assert [(r["id"], r["lat"], r["lon"]) for r in base] == [
        (r["id"], r["lat"], r["lon"]) for r in shaped]
