"""`bogbus compare`: schema, figures re-derived from the plans, per-stop changes."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bogbus.cli import main
from bogbus.compare import SCHEMA, compare_plans, render, stop_changes, summarize

ROOT = Path(__file__).resolve().parents[1]


def site(sid, kind, **kw):
    return {"id": sid, "kind": kind, "name": f"Sted {sid}", **kw}


def tt(sid, weekday, arrival, every=1, phase=0, vehicle="bogbus"):
    return {"site_id": sid, "vehicle": vehicle, "weekday": weekday, "arrival": arrival,
            "departure": arrival, "every_weeks": every, "week_phase": phase}


def route(vehicle, km, drive, visits):
    return {"vehicle": vehicle, "km": km, "drive_min": drive,
            "visits": [{"site_id": s, "arrival": a, "departure": d} for s, a, d in visits]}


def plan(name, timetable, routes, unserved=(), vehicles=None, factors=None):
    return {
        "schema": "bogbus.plan/1", "scenario": name, "quarter": "2027Q1", "data": name,
        "sites": [site("DEPOT", "depot"), site("S01", "stop"), site("S02", "stop"),
                  site("S03", "stop"), site("S04", "stop"),
                  site("D01", "daycare", children=20), site("N01", "nursing_home", residents=30)],
        "vehicles": vehicles or [{"name": "bogbus", "energy": {"litres_per_100km": 30}}],
        "co2_factors": factors or {"kg_per_litre": 3.0, "kg_per_kwh": 0.1},
        "stop_timetable": list(timetable), "routes": list(routes),
        "unserved": list(unserved),
        "solver": {"runtime_s": 1.5}, "kpis": {"gap_pct": None, "lower_bound_km": None},
    }


A = plan("base", [tt("S01", "mon", "13:00"), tt("S02", "tue", "14:00", 2),
                  tt("S03", "wed", "15:00")],
         [route("bogbus", 100.0, 120, [("D01", "09:00", "09:30"), ("S01", "13:00", "13:45")]),
          route("bogbus", 50.5, 60, [("S02", "14:00", "14:30"), ("N01", "10:00", "10:30")]),
          route("bogbus", 20.0, 30, [("S01", "13:00", "13:45"), ("D01", "09:00", "09:30")])])
B = plan("other", [tt("S01", "mon", "13:00"), tt("S02", "thu", "14:20", 3),
                   tt("S04", "fri", "10:00")],
         [route("bogbus", 80.0, 90, [("S04", "10:00", "10:20")]),
          route("van", 10.0, 15, [("N01", "10:00", "10:30")])],
         unserved=[{"site_id": "D01", "date": None, "reason": "no free morning"}],
         vehicles=[{"name": "bogbus", "energy": {"litres_per_100km": 30}},
                   {"name": "van", "energy": {"kwh_per_100km": 20}}])


def test_figures_are_sums_over_the_routes():
    s = summarize(A)
    assert s["km_total"] == pytest.approx(170.5)
    assert s["drive_hours"] == pytest.approx(210 / 60, abs=0.01)
    assert s["co2_kg"] == pytest.approx(170.5 * 0.30 * 3.0, abs=0.1)
    assert s["public_service_hours"] == pytest.approx((45 + 30 + 45) / 60, abs=0.01)
    assert (s["public_stops_served"], s["stop_visits"]) == (2, 3)
    assert (s["daycare_visits"], s["child_visits"], s["children_unique"]) == (2, 40, 20)
    assert (s["nursing_home_visits"], s["resident_visits"], s["residents_unique"]) == (1, 30, 30)
    assert s["unserved_count"] == 0 and s["runtime_s"] == 1.5 and s["gap_pct"] is None
    b = summarize(B)
    assert b["co2_kg"] == pytest.approx(80 * 0.3 * 3.0 + 10 * 0.2 * 0.1, abs=0.1)
    assert "kg/kWh" in b["co2_factor"] and "kg/l" in b["co2_factor"]
    assert b["unserved_reasons"] == {"no free morning": 1}


def test_stop_changes_on_hand_made_plans():
    changes = {c["site_id"]: c for c in stop_changes(A, B)}
    assert set(changes) == {"S02", "S03", "S04"}  # S01 unchanged: not listed
    assert changes["S02"]["kinds"] == ["weekday_moved", "time_moved", "frequency_changed"]
    assert changes["S02"]["time_moved_min"] == 20
    assert changes["S02"]["from"]["weekday"] == "tue" and changes["S02"]["to"]["every_weeks"] == 3
    assert changes["S03"]["kinds"] == ["dropped"] and changes["S03"]["to"] is None
    assert changes["S04"]["kinds"] == ["added"] and changes["S04"]["from"] is None
    assert stop_changes(A, A) == []


def test_json_schema_is_stable_and_sorted():
    doc = compare_plans([A, B])
    text = render(doc, "json")
    back = json.loads(text)
    assert back["schema"] == SCHEMA == "bogbus.compare/1"
    assert list(back) == sorted(back)
    assert [s["source"] for s in back["sources"]] == ["base", "other"]
    for s in back["sources"]:
        assert list(s) == sorted(s)
        assert {"km_total", "drive_hours", "co2_kg", "co2_factor", "public_service_hours",
                "public_stops_served", "stop_visits", "daycare_visits", "children_unique",
                "child_visits", "nursing_home_visits", "residents_unique", "resident_visits",
                "unserved_count", "unserved",
                "runtime_s", "gap_pct"} <= set(s)
    (ch,) = back["changes"]
    assert ch["against"] == "base" and ch["source"] == "other"
    assert ch["counts"] == {"weekday_moved": 1, "time_moved": 1, "frequency_changed": 1,
                            "dropped": 1, "added": 1, "stops_changed": 3}
    assert render(compare_plans([A, B]), "json") == text  # deterministic


def test_other_formats():
    doc = compare_plans([A, B])
    table = render(doc, "table")
    assert "km per quarter" in table and "tue→thu" in table and "dropped" in table
    md = render(doc, "markdown")
    assert md.startswith("|  | base | other |") and "| S03 |" in md
    csv_text = render(doc, "csv", "plain")
    assert csv_text.splitlines()[0] == "figure,base,other"
    assert "other,base,S02,Sted S02,weekday_moved|time_moved|frequency_changed" in csv_text
    assert "km_total,170.5,90" in csv_text
    excel = render(doc, "csv")  # Danish Excel by default
    assert excel.startswith("\ufefffigure;base;other\r\n")
    assert "km_total;170,5;90\r\n" in excel


def test_duplicate_names_get_distinct_labels():
    doc = compare_plans([A, dict(A, data="elsewhere")])
    assert len({s["source"] for s in doc["sources"]}) == 2


@pytest.mark.slow
def test_cli_compare_json_equals_sums_over_the_plans(tmp_path):
    out = tmp_path / "cmp.json"
    res = CliRunner().invoke(main, ["compare", str(ROOT / "data" / "randers"),
                                    str(ROOT / "scenarios" / "close-three-stops.yaml"),
                                    "--quarter", "2027Q1", "--time-limit", "120", "--work", "340",
                                    "--format", "json", "--out", str(out),
                                    "--save-plans", str(tmp_path / "plans"),
                                    "--map", str(tmp_path / "cmp.html")])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    saved = [json.loads(p.read_text(encoding="utf-8"))
             for p in sorted((tmp_path / "plans").glob("*/plan.json"))]
    assert [summarize(p) == s for p, s in zip(saved, doc["sources"])] == [True, True]
    assert "close-three-stops: " in (tmp_path / "cmp.html").read_text(encoding="utf-8")
    assert doc["schema"] == SCHEMA
    base, closed = doc["sources"]
    assert (base["public_stops_served"], closed["public_stops_served"]) == (22, 19)
    dropped = {c["site_id"] for c in doc["changes"][0]["stops"] if "dropped" in c["kinds"]}
    assert dropped == {"S12", "S13", "S15"}


def test_summary_of_a_real_plan_matches_its_kpis(small_plan):
    _, p = small_plan
    s, k = summarize(p), p["kpis"]
    # one computation of the figures (plan.kpis): the comparison shows exactly the plan's
    for key in ("km_total", "drive_hours", "co2_kg", "public_service_hours"):
        assert s[key] == k[key], key
    assert (s["stop_visits"], s["daycare_visits"], s["nursing_home_visits"]) == \
        (k["visits"]["stop"], k["visits"]["daycare"], k["visits"]["nursing_home"])
    for key in ("children_unique", "child_visits", "residents_unique", "resident_visits"):
        assert s[key] == k[key]
    assert k["children_unique"] <= k["child_visits"]
    assert s["public_stops_served"] == len(p["stop_timetable"])
    assert s["km_total"] == pytest.approx(sum(r["km"] for r in p["routes"]), abs=0.11)


class _Settings:
    time_limit_s = 30.0


class _Instance:
    settings = _Settings()


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_out_file_keeps_every_line_break(tmp_path, monkeypatch, fmt):
    """`--out FILE` writes exactly what the screen shows, line by line (it once wrote
    table, markdown and CSV as one long line), and says when the clock cut a search."""
    import bogbus.compare
    import bogbus.io

    cut = dict(B, solver={"runtime_s": 31.0, "clock_cut": ["search"], "work": 1436})
    monkeypatch.setattr(bogbus.io, "load_source", lambda src: _Instance())
    monkeypatch.setattr(bogbus.compare, "plan_sources", lambda *a, **k: [A, cut])
    out = tmp_path / f"cmp.{fmt}"
    res = CliRunner().invoke(main, ["compare", "a", "b", "--quarter", "2027Q1", "--quiet",
                                    "--format", fmt, "--out", str(out)])
    assert res.exit_code == 0, res.output
    raw = out.read_bytes()
    want = render(compare_plans([A, cut]), fmt, "excel").encode("utf-8")
    assert raw == want
    assert raw.count(b"\n") == want.count(b"\n") > 15
    if fmt == "csv":
        assert raw.count(b"\r\n") == raw.count(b"\n")  # RFC 4180 line ends kept
    text = raw.decode("utf-8-sig")
    if fmt in ("table", "markdown"):
        assert "search ended by" in text and "clock: search" in text
        assert "The clock, not the work budget, ended the search of other" in text
    elif fmt == "csv":
        assert "search_ended_by;work;clock: search" in text
    else:
        assert json.loads(text)["sources"][1]["clock_cut"] == ["search"]


def test_each_source_gets_two_cores_like_a_single_plan(monkeypatch):
    """Each plan runs its search and, beside it, the lower bound: two plans at once on
    two cores would halve each search's CPU, so compare plans them one after another."""
    import bogbus.compare as cmp

    calls = []
    monkeypatch.setattr(cmp.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(cmp, "plan_one", lambda src, *a, **k: calls.append(src) or {"s": src})
    assert cmp.plan_sources(["a", "b"], "2027Q1") == [{"s": "a"}, {"s": "b"}]
    assert calls == ["a", "b"]  # in this process, in turn: no pool of two
