"""A damaged plan.json never crashes a command and never switches a check rule off.

One real plan (a tiny data folder with rotating collections, published, then repaired
after a closure, with the `replan` section of the next quarter's plan — so every
section the reader types is present) is mutated key by key:
every key of the document (list items by their first element) gets a value of the
wrong type, goes missing, gets an extra sibling, or an out-of-range value. Then:

- a wrong type is always refused by the reader (`plan.files.read_plan`) with a message
  naming the key — so no wrong type can reach `check` and switch a rule off;
- every command that reads plans — check (and check --previous), timetable, map,
  notices, report, export (and plan --previous on the damages of issue 20) — exits 0,
  1 or 3 with a message, never a
  traceback. `check` (with and without --previous) runs on every mutation the reader
  accepts, so no rule can fail on a value the reader let through; the renderers on a
  deterministic sample (seeded), the PDF/notices/report ones on three.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_year import data_folder

from bogbus.cli import main
from bogbus.errors import BogbusError
from bogbus.plan.files import read_plan

WORK = ["--work", "40", "--time-limit", "600"]  # the work budget ends planning, not the clock
COLLECTIONS = """id,name,kind,crates,notes
DA,Dyr,daycare,1,
DB,Eventyr,daycare,2,
DC,Rim,daycare,1,
PA,Storskrift,nursing_home,2,
PB,Lydbøger,nursing_home,1,
"""
HISTORY = "site_id,collection_id,date\nD01,DA,2026-12-07\n"
EXTRA = "rotation: {no_repeat_weeks: 52}\ncosts: {per_km: 12.5, per_hour: 450}\n"

Path_ = tuple[str | int, ...]


def _invoke(args: list[str]):
    return CliRunner().invoke(main, args)


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, Any]:
    """The published plan, its data, and the repaired plan (a closure on its first
    February day with visits)."""
    root = tmp_path_factory.mktemp("fuzz")
    data = data_folder(root)
    (data / "collections.csv").write_text(COLLECTIONS, encoding="utf-8")
    (data / "rotation_history.csv").write_text(HISTORY, encoding="utf-8")
    settings = data / "settings.yaml"
    text = settings.read_text(encoding="utf-8") + EXTRA
    settings.write_text(text, encoding="utf-8")
    res = _invoke(["plan", str(data), "--quarter", "2027Q1", *WORK, "--no-render",
                   "--out", str(root / "pub"), "--quiet"])
    assert res.exit_code == 0, res.output
    # close the first day in February the published plan drives, so the repair has a
    # visit to cancel whatever the planner chose
    published = json.loads((root / "pub" / "plan.json").read_text(encoding="utf-8"))
    closed = min(r["date"] for r in published["routes"]
                 if r.get("date") and r["date"] >= "2027-02-01" and r["visits"])
    settings.write_text(text.replace(
        "closures: []", f'closures: [{{start: "{closed}", end: "{closed}", '
                        'reason: "Bussen er på værksted"}]'), encoding="utf-8")
    res = _invoke(["plan", str(data), "--previous", str(root / "pub" / "plan.json"),
                   "--from", "2027-02-01", "--no-render", "--out", str(root / "rep"), "--quiet"])
    assert res.exit_code == 0, res.output
    res = _invoke(["plan", str(data), "--previous", str(root / "pub" / "plan.json"),
                   "--quarter", "2027Q2", *WORK, "--no-render", "--out", str(root / "q2"),
                   "--quiet"])
    assert res.exit_code == 0, res.output
    repaired = json.loads((root / "rep" / "plan.json").read_text(encoding="utf-8"))
    # the one section a repair does not have: a replan's, from the next quarter's plan
    repaired["replan"] = json.loads((root / "q2" / "plan.json").read_text(
        encoding="utf-8"))["replan"]
    assert {"rotation", "repair", "replan", "costs", "goals", "travel_model"} <= set(repaired)
    assert repaired["repair"]["changes"], "the closure must cancel a visit"
    return {"root": root, "data": data, "published": root / "pub" / "plan.json",
            "repaired": repaired}


def key_paths(doc: Any, path: Path_ = ()) -> Iterator[Path_]:
    """Every key of `doc`; of a list only its first item (its items share one shape)."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield (*path, k)
            yield from key_paths(v, (*path, k))
    elif isinstance(doc, list) and doc:
        yield (*path, 0)
        yield from key_paths(doc[0], (*path, 0))


def get(doc: Any, path: Path_) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def wrong_types(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return ["x"]
    if isinstance(value, (int, float)):
        return ["x", [1]]
    if isinstance(value, str):
        return [5, None]
    if isinstance(value, list):
        return ["x", {}]
    if isinstance(value, dict):
        return ["x", []]
    return []  # null: whatever it may also be, its type is not known here


def out_of_range(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [-1, 10**9]
    if isinstance(value, str):
        return ["", "not a date", "UNKNOWN-ID"]
    if isinstance(value, list):
        return [[]]
    return []


def mutations(doc: dict) -> list[tuple[str, Path_, Any]]:
    """(kind, path, new value or a marker) for every key of `doc`."""
    out: list[tuple[str, Path_, Any]] = []
    for path in key_paths(doc):
        value = get(doc, path)
        out += [("type", path, v) for v in wrong_types(value)]
        out += [("range", path, v) for v in out_of_range(value)]
        if isinstance(path[-1], str):
            out.append(("missing", path, None))
        if isinstance(value, dict):
            out.append(("extra", (*path, "zz_extra"), {"x": [1, "y"]}))
    return out


def mutate(doc: dict, kind: str, path: Path_, value: Any) -> dict:
    new = copy.deepcopy(doc)
    parent = get(new, path[:-1])
    if kind == "missing":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return new


def name_of(path: Path_) -> str:
    """The key a message must name: the last key of the path."""
    return next(str(p) for p in reversed(path) if isinstance(p, str))


def commands(plan: Path, published: Path, out: Path, *, full: bool = True) -> list[list[str]]:
    """Every command that reads a plan, on `plan` (and `published`, the plan it was
    repaired from). `full`: also the slow renderers (PDF timetables, notices, report)."""
    cheap = [["check", str(plan)], ["check", str(plan), "--previous", str(published)],
             ["map", str(plan), "--out", str(out / "map.html")],
             ["export", str(plan), "--format", "geojson", "--out", str(out / "x.geojson")],
             ["timetable", str(plan), "--out", str(out / "tt"), "--format", "csv",
              "--format", "ics"]]
    if not full:
        return cheap
    return cheap + [
        ["timetable", str(plan), "--out", str(out / "tt")],
        ["notices", str(plan), "--previous", str(published), "--out", str(out / "n")],
        ["notices", str(published), "--previous", str(plan), "--out", str(out / "n2")],
        ["report", str(plan), "--out", str(out / "rep")]]


def assert_clean(res, what: str) -> None:
    """Exit 0, 1 or 3 and, for 1, a message: never a traceback."""
    tb = res.exception is not None and not isinstance(res.exception, SystemExit)
    assert not tb and res.exit_code in (0, 1, 3), (
        f"{what}: exit {res.exit_code}\n{res.output}\n{res.exception!r}")
    if res.exit_code == 1:
        assert res.output.strip(), what


@pytest.mark.slow  # minutes on a loaded 2-core machine: ~700 checks and the renderers
def test_every_mutation_is_refused_by_name_or_survived_by_every_command(plans, tmp_path):
    doc = plans["repaired"]
    every = mutations(doc)
    assert len(every) > 800  # the whole document, not a corner of it
    accepted, refused = [], []
    for i, (kind, path, value) in enumerate(every):
        f = tmp_path / f"m{i}.json"
        f.write_text(json.dumps(mutate(doc, kind, path, value)), encoding="utf-8")
        try:
            read_plan(f)
        except BogbusError as exc:
            # the reader names the damaged key (or the whole document's schema)
            assert name_of(path) in str(exc) or "schema" in str(exc), (kind, path, exc)
            refused.append(i)
            continue
        # a wrong type never gets past the reader, so it can never switch a rule off
        assert kind != "type" or value is None, f"a wrong type was read: {path} = {value!r}"
        accepted.append(i)
    assert {every[i][0] for i in accepted} >= {"missing", "extra", "range"}
    published = plans["published"]
    for i in accepted:  # every rule of `check` runs on every plan the reader accepts
        for args in commands(tmp_path / f"m{i}.json", published, tmp_path, full=False)[:2]:
            assert_clean(_invoke(args), f"{every[i]}: {' '.join(args[:1])}")
    rng = random.Random(20)  # a deterministic sample for the renderers
    for i in rng.sample(accepted, 10) + rng.sample(refused, 5):
        for args in commands(tmp_path / f"m{i}.json", published, tmp_path / f"o{i}",
                             full=False)[2:]:
            assert_clean(_invoke(args), f"{every[i]}: {' '.join(args[:1])}")
    for i in rng.sample(accepted, 3):  # and the slow renderers (PDF, notices, report)
        for args in commands(tmp_path / f"m{i}.json", published, tmp_path / f"o{i}")[5:]:
            assert_clean(_invoke(args), f"{every[i]}: {' '.join(args[:1])}")


@pytest.mark.parametrize("damage", [
    (("rotation", "holdings_at_start", "D01"), "NO-SUCH-COLLECTION"),
    (("rotation", "collections", 0, "crates"), None),
    (("routes", 0, "visits", 0, "deliver"), 5),
    (("rotation", "history", 0, "date"), "not a date"),
    (("repair", "from"), "garbage"),
    (("repair", "changes", 0, "site_id"), 5),
    (("goals",), "x"), (("costs",), "x"),
    (("sites",), []),
    (("travel_model", "circuity"), "x"),
    (("stop_timetable", 0, "week_phase"), "x"),
    (("rotation", "no_repeat_weeks"), "52"),
], ids=lambda d: ".".join(map(str, d[0])))
def test_the_damages_of_issue_20_are_refused_naming_the_key(plans, tmp_path, damage):
    path, value = damage
    doc = plans["repaired"]
    if path[-1] == "crates":
        doc = mutate(doc, "missing", path, None)
    elif path[0] == "routes":  # the first visit that delivers a collection
        r, x = next((r, x) for r, route in enumerate(doc["routes"])
                    for x, v in enumerate(route["visits"]) if "deliver" in v)
        doc = mutate(doc, "type", ("routes", r, "visits", x, "deliver"), value)
    else:
        doc = mutate(doc, "type", path, value)
    f = tmp_path / "plan.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    key = name_of(path)
    for args in [*commands(f, plans["published"], tmp_path / "o"),
                 ["plan", str(plans["data"]), "--previous", str(f), "--quarter", "2027Q2",
                  *WORK, "--no-render", "--out", str(tmp_path / "q2")]]:
        res = _invoke(args)
        assert_clean(res, " ".join(args[:1]))
        assert res.exit_code == 1 and key in res.output, (args, res.output)
