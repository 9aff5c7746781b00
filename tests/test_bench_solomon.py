"""Solomon reader quirks, the independent checker, and the bench command end to end
on a tiny hand-made instance (the 100-customer files are for bench runs only)."""

import json
import math

import pytest

from bogbus.bench.__main__ import main
from bogbus.bench.check import check_routes
from bogbus.bench.solomon import parse, read, router_problem, solve

# CRLF line endings, a blank line holding one space, trailing spaces, columns of
# different widths, as in the distributed files.
TINY = "\r\n".join([
    "TINY01",
    "",
    "VEHICLE",
    "NUMBER     CAPACITY",
    "  25         25",
    "",
    "CUSTOMER",
    "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME",
    " ",
    "    0      0         0          0          0       200          0   ",
    "    1     10          0         10          0        30          5   ",
    "    2     10         10         10         20       100          5",
    "    3      0         10          5          0       200          5   ",
    "  4   -10 0 5 100 120 5",
    "    5      3          4          5          0        30          0   ",
    "",
])


@pytest.fixture
def tiny_file(tmp_path):
    p = tmp_path / "TINY01.txt"
    p.write_bytes(TINY.encode())
    return p


def test_reader_handles_crlf_blank_and_trailing_spaces(tiny_file):
    inst = read(tiny_file)
    assert inst.name == "TINY01"
    assert (inst.vehicles, inst.capacity) == (25, 25)
    assert inst.ids == (0, 1, 2, 3, 4, 5)
    assert inst.x[4] == -10 and inst.y[2] == 10
    assert inst.demand == (0, 10, 10, 5, 5, 5)
    assert inst.ready[4] == 100 and inst.due[0] == 200 and inst.service[5] == 0


def test_reader_rejects_broken_rows():
    with pytest.raises(ValueError, match="expected 7"):
        parse(TINY.replace("    3      0         10", "    3      0"))
    with pytest.raises(ValueError, match="VEHICLE"):
        parse(TINY.replace("  25         25", "  x"))


def test_integer_times_never_undercut_double_precision(tiny_file):
    prob = router_problem(read(tiny_file))
    d = math.hypot(10, 10)
    assert prob.time[1][3] >= 1000 * d and prob.dist[1][3] == round(1000 * d)
    assert prob.windows[0] == (0, 200_000) and prob.service[1] == 5000


def test_checker_costs_and_catches_errors(tiny_file):
    inst = read(tiny_file)
    good = [[5, 1, 2], [3, 4]]
    res = check_routes(inst, good)
    assert res.ok, res.errors
    expect = (5 + math.hypot(7, 4) + 10 + math.hypot(10, 10)) + (10 + math.hypot(10, 10) + 10)
    assert res.cost == pytest.approx(expect)
    assert res.vehicles == 2
    assert any("load" in e for e in check_routes(inst, [[1, 2, 3, 4], [5]]).errors)
    assert any("due" in e for e in check_routes(inst, [[2, 1], [3, 4, 5]]).errors)  # 1 late
    assert any("served 0" in e for e in check_routes(inst, [[5, 1, 2], [3]]).errors)
    assert any("served 2" in e for e in check_routes(inst, [[5, 1, 2], [3, 4, 1]]).errors)
    assert any("not a customer" in e for e in check_routes(inst, [[5, 1, 2], [3, 4, 9]]).errors)
    tight = parse(TINY.replace("0       200          0", "0        40          0"))
    assert any("back at depot" in e for e in check_routes(tight, good).errors)


def test_solve_is_feasible_and_optimal_on_the_tiny_instance(tiny_file):
    inst = read(tiny_file)
    out = solve(inst, time_limit_s=1.0)
    res = check_routes(inst, out["routes"])
    assert res.ok, res.errors
    assert out["cost"] == pytest.approx(res.cost, abs=1e-3)
    assert out["vehicles"] == len(out["routes"])
    # brute force: every split of every order into routes
    import itertools
    best = math.inf
    for perm in itertools.permutations(inst.ids[1:]):
        for mask in range(1 << 4):
            routes, cur = [], [perm[0]]
            for k, c in enumerate(perm[1:]):
                if mask >> k & 1:
                    routes.append(cur)
                    cur = []
                cur.append(c)
            routes.append(cur)
            r = check_routes(inst, routes)
            if r.ok:
                best = min(best, r.cost)
    assert out["cost"] == pytest.approx(best, abs=0.01)


def test_command_prints_one_json_object(tiny_file, capsys):
    assert main(["solomon", str(tiny_file), "--time-limit", "0.5", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"instance", "cost", "vehicles", "routes"}
    assert out["instance"] == "TINY01"
    assert check_routes(read(tiny_file), out["routes"]).ok


@pytest.mark.parametrize("command", ["solomon", "pvrp"])
def test_command_reports_a_bad_file_in_one_line(tmp_path, capsys, command):
    bad = tmp_path / "broken.txt"
    bad.write_text("this is not an instance\n")
    for path in (bad, tmp_path / "missing.txt"):
        assert main([command, str(path), "--time-limit", "0.5"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"error: {path}: not a readable {command} instance")
        assert "Traceback" not in err
