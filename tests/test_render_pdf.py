"""PDF posters and køreplan: the text a citizen reads, extracted back with pypdf."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from bogbus.render import write_outreach, write_timetables
from bogbus.render.danish import clock, date_long, pattern_words, weekday_name

PLAN = Path(__file__).parent / "data" / "plan_small.json"
TIME = re.compile(r"(?<![\d.])\d{2}\.\d{2}(?![\d.])")


def load_plan() -> dict:
    return json.loads(PLAN.read_text(encoding="utf-8"))


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    plan = load_plan()
    paths = write_timetables(plan, out, formats=("pdf",))
    return plan, out, paths


def test_one_poster_per_public_stop_plus_koereplan(rendered):
    plan, out, paths = rendered
    stops = [s["id"] for s in plan["sites"] if s["kind"] == "stop"]
    assert [p.name for p in paths] == [f"poster-{s}.pdf" for s in stops] + ["koereplan.pdf"]
    for p in paths:
        assert p.read_bytes().startswith(b"%PDF-")
    for s in stops:
        assert len(PdfReader(str(out / f"poster-{s}.pdf")).pages) == 1  # one A4 page
        page = PdfReader(str(out / f"poster-{s}.pdf")).pages[0]
        assert (
            round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
        )


@pytest.mark.parametrize("site_id", ["S01", "S02", "S03", "S04"])
def test_poster_text_matches_plan(rendered, site_id):
    plan, out, _ = rendered
    text = pdf_text(out / f"poster-{site_id}.pdf")
    site = next(s for s in plan["sites"] if s["id"] == site_id)
    entries = [e for e in plan["stop_timetable"] if e["site_id"] == site_id]
    assert site["name"] in text  # æøå survive embedding and extraction
    expected_times = set()
    for e in entries:
        line = (
            f"{weekday_name(e['weekday'])} kl. {clock(e['arrival'])}\u2013{clock(e['departure'])}"
        )
        assert line in text
        expected_times |= {clock(e["arrival"]), clock(e["departure"])}
        assert pattern_words(e["every_weeks"], e["week_parity"]) in text.lower()
        for d in e["dates"]:
            assert date_long(d) in text
        for sk in e["skipped"]:
            assert f"{date_long(sk['date'])}: {sk['reason']}" in text
    # exactly the times of the plan, nothing else that looks like a time
    assert set(TIME.findall(text)) == expected_times
    assert plan["library"]["contact"] in text
    assert "1. kvartal 2027" in text


def test_poster_week_patterns_in_words(rendered):
    _, out, _ = rendered
    assert "Hver uge" in pdf_text(out / "poster-S01.pdf")
    assert "Lige uger" in pdf_text(out / "poster-S02.pdf")
    assert "Ulige uger" in pdf_text(out / "poster-S03.pdf")
    assert "Hver 3. uge" in pdf_text(out / "poster-S04.pdf")
    s01 = pdf_text(out / "poster-S01.pdf")
    assert "Bussen kommer ikke" in s01 and "25. marts: Skærtorsdag" in s01


def test_koereplan_lists_stops_by_weekday_and_staff_visits(rendered):
    plan, out, _ = rendered
    public = pdf_text(out / "koereplan.pdf")
    assert "Til personalet" not in public  # the public køreplan has stops only
    write_outreach(plan, out, formats=("pdf",))
    text = pdf_text(out / "koereplan-personale.pdf")
    assert text.index("Tirsdag") < text.index("Torsdag")
    entries = plan["stop_timetable"]
    for e in entries:
        assert f"kl. {clock(e['arrival'])}\u2013{clock(e['departure'])}" in text
    names = {s["id"]: s["name"] for s in plan["sites"]}
    # Thursday: Fårup 13.15 before Ørsted 15.00 (time order within a weekday)
    assert text.index(names["S04"]) < text.index(names["S01"])
    staff = text[text.index("Til personalet") :]
    outreach = [(r["date"], v) for r in plan["routes"] for v in r["visits"] if v["kind"] != "stop"]
    assert outreach
    for _, v in outreach:
        assert names[v["site_id"]] in staff
        assert f"kl. {clock(v['arrival'])}\u2013{clock(v['departure'])}" in staff
    expected = {clock(t) for e in entries for t in (e["arrival"], e["departure"])}
    expected |= {clock(v[k]) for _, v in outreach for k in ("arrival", "departure")}
    assert set(TIME.findall(text)) == expected
    assert set(TIME.findall(public)) == {clock(t) for e in entries
                                         for t in (e["arrival"], e["departure"])}
    assert "Ikke planlagt" in staff  # the unserved D02 visit is listed for staff


def test_stop_limits_posters(tmp_path):
    paths = write_timetables(load_plan(), tmp_path, formats=["pdf"], stop="S02")
    assert [p.name for p in paths] == ["poster-S02.pdf", "koereplan.pdf"]
