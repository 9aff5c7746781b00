"""The Cordeau PVRP reader, the bench solve and its independent checker, on tiny
hand-made instance files (the real ones are run by bench/pvrp_table.py)."""

import json
import math
from itertools import permutations, product

import pytest

from bogbus.bench.__main__ import main
from bogbus.bench.pvrp import parse, pattern_days, read, solve
from bogbus.bench.pvrp_check import check

# t = 3 days, m = 1 vehicle, Q = 10; messy spacing and trailing blank lines on purpose.
TINY = """1 1 5 3
0 10
0   10
0 10
 0 0 0 0   0 0 0
 1 0 10 0 4 1 3 4 2 1
2  10 0 0 3 2 2 6 3
 3 -10 0 0 5 1 2 4 1
 4 0 -10.5 0 2 1 1 2
 5 3 3 0 9 0 3 4 2 1


"""


def test_pattern_code_leftmost_bit_is_day_one():
    assert pattern_days(16, 5) == (1,)
    assert pattern_days(1, 5) == (5,)
    assert pattern_days(10, 5) == (2, 4)
    assert pattern_days(31, 5) == (1, 2, 3, 4, 5)
    assert pattern_days(2, 2) == (1,) and pattern_days(1, 2) == (2,)
    with pytest.raises(ValueError):
        pattern_days(8, 3)


def test_reader_fields_and_quirks():
    inst = parse(TINY, "tiny")
    assert (inst.vehicles, inst.days, inst.n) == (1, 3, 5)
    assert inst.capacity == (10, 10, 10) and inst.max_duration == (0, 0, 0)
    assert inst.patterns[1] == ((1,), (2,), (3,))
    assert inst.patterns[2] == ((1, 2), (2, 3))  # 6 = 110, 3 = 011
    assert inst.patterns[4] == ((2,),)
    assert inst.y[4] == -10.5 and inst.demand[3] == 5
    assert inst.frequency[5] == 0 and inst.patterns[5] == ()  # f = 0: never visited


def test_reader_rejects_a_truncated_file():
    with pytest.raises(ValueError):
        parse("1 1 5 3\n0 10\n0 10\n0 10\n 0 0 0 0 0 0 0\n 1 0 10 0 4 1 3 4 2 1\n")


def brute_force(inst) -> float:
    """Optimum of a 1-vehicle instance: every pattern choice, every visiting order."""
    d = lambda a, b: math.hypot(inst.x[a] - inst.x[b], inst.y[a] - inst.y[b])  # noqa: E731
    custs = [c for c in range(1, inst.n + 1) if inst.frequency[c] > 0]
    best = math.inf
    for choice in product(*(inst.patterns[c] for c in custs)):
        total = 0.0
        for day in range(1, inst.days + 1):
            here = [c for c, p in zip(custs, choice) if day in p]
            if sum(inst.demand[c] for c in here) > inst.capacity[day - 1]:
                total = math.inf
                break
            total += min((sum(d(a, b) for a, b in zip((0, *o), (*o, 0)))
                          for o in permutations(here)), default=0.0)
        best = min(best, total)
    return best


def test_tiny_instance_solved_to_the_brute_force_optimum():
    inst = parse(TINY, "tiny")
    ans = solve(inst, time_limit_s=2, seed=0)
    res = check(inst, ans)
    assert res.ok, res.errors
    assert ans["cost"] == pytest.approx(brute_force(inst), abs=1e-6)
    assert all(5 not in r for rs in ans["routes"].values() for r in rs)


def test_checker_catches_bad_answers():
    inst = parse(TINY, "tiny")
    good = solve(inst, time_limit_s=1, seed=0)
    assert check(inst, good).ok

    def broken(fn):
        bad = json.loads(json.dumps(good))
        fn(bad)
        return check(inst, bad).errors

    # customer 4 may only come on day 2
    assert broken(lambda a: a["routes"]["1"].append([4]))
    # customer 2 dropped from one of its two days
    assert broken(lambda a: [r.remove(2) for rs in a["routes"].values() for r in rs if 2 in r][:1])
    # f = 0 customer visited
    assert broken(lambda a: a["routes"]["3"].append([5]))
    # two routes on a day with one vehicle
    assert broken(lambda a: a["routes"]["1"].append([1]))
    # stated cost off
    assert broken(lambda a: a.update(cost=a["cost"] - 1))


def test_checker_catches_capacity_and_duration():
    text = "1 2 2 1\n5 10\n 0 0 0 0 0 0 0\n 1 3 4 1 6 1 1 1\n 2 -3 4 0 6 1 1 1\n"
    inst = parse(text, "cap")
    over = {"cost": 20.0, "routes": {"1": [[1, 2]]}}
    errs = check(inst, over).errors
    assert any("load" in e for e in errs) and any("duration" in e for e in errs)
    ok = solve(inst, time_limit_s=1)
    assert ok["routes"] == {"1": [[1]]} or check(inst, ok).errors  # D = 5 forbids even 1


def test_duration_limit_is_kept():
    text = "1 2 2 1\n12 10\n 0 0 0 0 0 0 0\n 1 3 4 1 6 1 1 1\n 2 -3 4 1 6 1 1 1\n"
    inst = parse(text, "dur")
    ans = solve(inst, time_limit_s=1)
    res = check(inst, ans)
    assert res.ok, res.errors
    assert len(ans["routes"]["1"]) == 2  # 11 each alone; together 18 + 2 > 12


def test_cli_prints_one_json_object(tmp_path, capsys):
    f = tmp_path / "tiny"
    f.write_text(TINY)
    assert main(["pvrp", str(f), "--time-limit", "1", "--seed", "2"]) == 0
    ans = json.loads(capsys.readouterr().out)
    assert set(ans) == {"instance", "cost", "vehicles", "routes"}
    assert ans["instance"] == "tiny" and set(ans["routes"]) == {"1", "2", "3"}
    assert check(read(f), ans).ok


def test_tight_duration_instance_serves_every_customer():
    """A pr-style instance (D > 0, service times) where routes are nearly full: every
    customer must still be served on an allowed pattern (a rigid insertion sketch
    alone leaves some out; the router places them)."""
    import random

    rnd = random.Random(7)
    lines = ["1 2 14 2", "60 100", "60 100", " 0 0 0 0 0 0 0"]
    for i in range(1, 15):
        x, y = rnd.uniform(-8, 8), rnd.uniform(-8, 8)
        lines.append(f" {i} {x:.3f} {y:.3f} 3 10 1 2 1 2")
    inst = parse("\n".join(lines) + "\n", "tight")
    ans = solve(inst, time_limit_s=3, seed=0)
    res = check(inst, ans)
    assert res.ok, res.errors
