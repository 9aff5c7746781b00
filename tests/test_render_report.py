"""`bogbus report`: every figure is the sum over the plans; HTML, PDF, JSON, CSV agree."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from bogbus.cli import main
from bogbus.errors import BogbusError
from bogbus.io.csvwrite import read_csv
from bogbus.plan.kpis import compute_kpis
from bogbus.render.danish import number_da
from bogbus.render.report import write_report
from bogbus.render.report.core import CSV_COLUMNS
from bogbus.render.report.data import report_figures


@pytest.fixture(scope="module")
def year_plans():
    """Q1–Q4 2027 of the small test instance, each planned against the one before."""
    from factories import small

    from bogbus.pipeline import plan_instance
    from bogbus.year import plan_year

    inst = small()

    def one(quarter, previous, progress):
        return plan_instance(inst, quarter, time_limit_s=60, work=300, previous=previous,
                             progress=progress)

    plans = plan_year(inst, 2027, one)
    for p in plans:
        p["goals"] = {"children_per_year": 500}
    return plans


def test_totals_are_sums_over_the_plans(year_plans):
    doc = report_figures(year_plans)
    assert doc["kind"] == "year" and doc["year"] == "2027"
    (g,) = doc["groups"]
    t = g["totals"]
    kp = [compute_kpis(p) for p in year_plans]
    assert t["km"] == pytest.approx(sum(r["km"] for p in year_plans for r in p["routes"]),
                                    abs=0.05 * len(year_plans))
    for key, kkey in (("km", "km_total"), ("drive_hours", "drive_hours"),
                      ("route_hours", "route_hours"),
                      ("public_service_hours", "public_service_hours"), ("co2_kg", "co2_kg")):
        assert t[key] == pytest.approx(sum(k[kkey] for k in kp), abs=0.011), key
    for key in ("child_visits", "resident_visits"):
        assert t[key] == sum(k[key] for k in kp)
    assert t["visits"] == {kind: sum(k["visits"][kind] for k in kp) for kind in t["visits"]}
    assert t["visits_total"] == sum(len(r["visits"]) for p in year_plans for r in p["routes"])
    assert t["energy"]["litres"] == pytest.approx(sum(k["energy"]["litres"] for k in kp),
                                                  abs=0.05)
    assert sum(sum(d.values()) for d in t["weekday_visits"].values()) == t["visits_total"]
    # unique children: each daycare served in the year once, not once per quarter
    served = {v["site_id"] for p in year_plans for r in p["routes"] for v in r["visits"]}
    children = {s["id"]: s.get("children") or 0 for s in year_plans[-1]["sites"]
                if s["kind"] == "daycare"}
    assert t["children_unique"] == sum(n for sid, n in children.items() if sid in served)
    assert t["children_unique"] <= max(k["children_unique"] for k in kp) < t["child_visits"]
    assert g["goal"]["children_unique_pct"] == round(t["children_unique"] / 500 * 100, 1)
    assert [p["quarter"] for p in g["plans"]] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4"]
    assert all("replan" in p for p in year_plans[1:])  # each quarter against the one before


def test_costs_when_given(year_plans):
    plans = copy.deepcopy(year_plans)
    for p in plans:
        p["costs"] = {"per_km": 10.0, "per_hour": 400.0}
    t = report_figures(plans)["groups"][0]["totals"]
    assert t["cost"]["total_kr"] == pytest.approx(t["km"] * 10 + t["route_hours"] * 400,
                                                  abs=0.5)
    assert report_figures(year_plans)["groups"][0]["totals"]["cost"] is None


def test_files_agree(year_plans, tmp_path):
    paths = write_report(year_plans, tmp_path)
    assert [p.name for p in paths] == ["report.json", "report.html", "report.pdf", "report.csv"]
    doc = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert doc == json.loads(json.dumps(report_figures(year_plans)))
    t = doc["groups"][0]["totals"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages)
    for text in (html, pdf_text):
        assert "årsrapport 2027" in text
        assert "Børnebesøg" in text and "Mål: børn pr. år" in text
        for value in (number_da(t["child_visits"]), number_da(t["km"], 1),
                      number_da(t["co2_kg"], 1), "3,24 kg pr. liter diesel"):
            assert value in text, value
    assert html.count("data:image/png;base64,") == 5  # four charts and the map
    rows = read_csv(tmp_path / "report.csv", numeric=CSV_COLUMNS[2:])
    total = next(r for r in rows if r["quarter"] == "total")
    assert float(total["km"]) == t["km"] and int(total["child_visits"]) == t["child_visits"]
    assert [r["quarter"] for r in rows] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4", "total"]


def test_scenarios_side_by_side(year_plans):
    other = copy.deepcopy(year_plans[0])
    other["scenario"] = "uden-S01"
    doc = report_figures([year_plans[0], other])
    assert doc["kind"] == "scenarios"
    # a board member reads names, not the data folder's short name
    first = ("Nuværende plan" if year_plans[0]["data"].rstrip("/").endswith(
        year_plans[0]["scenario"]) else year_plans[0]["scenario"].replace("-", " "))
    assert [g["label"] for g in doc["groups"]] == [first, "uden S01"]
    assert doc["groups"][0]["totals"] == doc["groups"][1]["totals"]


def test_a_quarter_twice_is_an_error(year_plans):
    with pytest.raises(BogbusError, match="both"):
        report_figures([year_plans[0], year_plans[0]], ["a/plan.json", "b/plan.json"])


def test_cli_report_on_a_folder_and_bad_paths(year_plans, tmp_path):
    for p in year_plans:
        d = tmp_path / "year" / p["quarter"][-2:]
        d.mkdir(parents=True)
        (d / "plan.json").write_text(json.dumps(p), encoding="utf-8")
    res = CliRunner().invoke(main, ["report", str(tmp_path / "year")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "year" / "report.pdf").is_file()
    res = CliRunner().invoke(main, ["report", str(tmp_path / "nope")])
    assert res.exit_code == 1 and "no such plan" in res.output
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(main, ["report", str(tmp_path / "empty")])
    assert res.exit_code == 1 and "no plan.json" in res.output


def test_hostile_scenario_names_are_plain_text(year_plans, tmp_path):
    a = copy.deepcopy(year_plans[0])
    b = copy.deepcopy(year_plans[0])
    a["scenario"] = "$\\frac{1}{0}$ <script>alert(1)</script>"
    b["scenario"] = "=HYPERLINK(\"x\") 🚌"
    write_report([a, b], tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    rows = read_csv(tmp_path / "report.csv")
    assert rows[0]["scenario"] == a["scenario"] and rows[2]["scenario"] == b["scenario"]
    assert "'=HYPERLINK" in (tmp_path / "report.csv").read_text(encoding="utf-8-sig")


def test_map_marks_only_listed_unserved_sites(year_plans):
    from bogbus.render.report.charts import map_thumbnail, missed_sites

    plans = copy.deepcopy(year_plans[:2])
    assert missed_sites(plans) == []  # sites without visits but not unserved are no miss
    plans[1]["unserved"] = [{"site_id": "D02", "date": "2027-05-03", "reason": "x"}]
    assert missed_sites(plans) == ["D02"]
    assert map_thumbnail(plans).startswith(b"\x89PNG")
