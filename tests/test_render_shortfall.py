"""A collection shortfall reaches staff and board in plain Danish: the summary, the
packing pages of the staff køreplan (PDF and HTML) and the board's report."""

from __future__ import annotations

import re

from pypdf import PdfReader
from test_render_layout import longest_plan

from bogbus.render import write_outreach
from bogbus.render.report import write_report
from bogbus.render.shortfall import shortfall_lines
from bogbus.render.summary import plan_summary

WANT = "Der mangler 1 børnehavesamling (der er 2)"


def short_plan() -> dict:
    plan = longest_plan()
    for key in ("children_unique", "child_visits", "residents_unique", "resident_visits"):
        plan["kpis"].setdefault(key, 0)  # plan_small predates the reach figures
    plan["rotation"]["shortfall"] = [{
        "kind": "daycare", "collections": 2, "more_needed": 1,
        "visits": [{"site_id": "D01", "date": "2027-11-30", "vehicle": "bogbus",
                    "collection_id": "DC01", "problem": "repeat"}]}]
    return plan


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_the_sentence_names_the_kind_the_number_and_the_visits():
    (line,) = shortfall_lines(short_plan())
    assert line.startswith(WANT)
    assert "Naturbørnehaven Skovtrolden, afdeling Søndergården 30. november" in line
    assert "en samling, de har haft før" in line and "52 uger" in line
    plan = short_plan()
    plan["rotation"]["shortfall"][0]["more_needed"] = None  # even more was not enough
    assert shortfall_lines(plan)[0].startswith("Der er for få børnehavesamlinger (der er 2)")
    plan["rotation"]["shortfall"] = []
    assert shortfall_lines(plan) == []


def test_summary_packing_pages_and_report_say_it(tmp_path):
    plan = short_plan()
    assert any(WANT in line for line in plan_summary(plan))
    paths = write_outreach(plan, tmp_path / "staff", formats=("pdf", "html"))
    pdf = next(p for p in paths if p.name == "koereplan-personale.pdf")
    assert WANT in flat(" ".join(p.extract_text() for p in PdfReader(str(pdf)).pages))
    html = next(p for p in paths if p.name == "koereplan-personale.html")
    assert WANT in html.read_text(encoding="utf-8")
    report = write_report([plan], tmp_path / "report")
    for p in report:
        if p.suffix == ".html":
            assert WANT in p.read_text(encoding="utf-8")
        if p.suffix == ".pdf":
            assert WANT in flat(" ".join(pg.extract_text() for pg in PdfReader(str(p)).pages))
