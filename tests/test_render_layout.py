"""Layout of the printed pages on the longest quarter: the most dates a quarter can have
(14 weekly Fridays in 2027Q4), the longest Danish month names, a five-week closure and
long names, addresses and collection names — posters, the public and staff køreplan,
the packing pages and the letters. Checked on the PDFs' word boxes (poppler's
`pdftotext -bbox`): no word printed over another, no word cut across two lines, every
date on one line, and a five-week closure listed as one range.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pdflayout import HAVE_PDFTOTEXT, lines, overlaps, split_words, words

from bogbus.render import write_outreach, write_timetables
from bogbus.render.danish import date_long, date_short

pytestmark = pytest.mark.skipif(not HAVE_PDFTOTEXT,
                                reason="pdftotext (poppler-utils) missing: make system-deps")

PLAN = Path(__file__).parent / "data" / "plan_small.json"
SHIFT = timedelta(weeks=39)  # 2027Q1 → 2027Q4, same weekdays


def _days(first: date, last: date, weekday: int) -> list[str]:
    d = first + timedelta(days=(weekday - first.weekday()) % 7)
    out = []
    while d <= last:
        out.append(d.isoformat())
        d += timedelta(weeks=1)
    return out


def longest_plan() -> dict:
    """plan_small moved to 2027Q4 (October–December) with S01 weekly on Fridays (14
    dates, the most a quarter has) and on Wednesdays through a five-week closure,
    long names and addresses, and collections with long names on every visit."""
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    plan["quarter"] = "2027Q4"
    plan["period"] = {"start": "2027-10-01", "end": "2027-12-31"}
    q_start, q_end = date(2027, 10, 1), date(2027, 12, 31)

    def shift(d: str) -> str:
        return (date.fromisoformat(d) + SHIFT).isoformat()

    for r in plan["routes"]:
        r["date"] = shift(r["date"])
    for e in plan["stop_timetable"]:
        e["dates"] = [shift(d) for d in e["dates"]]
        for s in e["skipped"]:
            s["date"] = shift(s["date"])
    plan["calendar"] = {"holidays": [], "closures": [
        {"start": "2027-10-25", "end": "2027-11-26", "reason": "Bussen er til eftersyn"}]}
    s01 = next(e for e in plan["stop_timetable"] if e["site_id"] == "S01")
    fridays = _days(q_start, q_end, 4)
    assert len(fridays) == 14
    wednesdays = _days(q_start, q_end, 2)
    closed = [d for d in wednesdays if "2027-10-25" <= d <= "2027-11-26"]
    assert len(closed) == 5
    s02 = next(e for e in plan["stop_timetable"] if e["site_id"] == "S02")
    s02.update(weekday="fri", every_weeks=1, week_parity=None, skipped=[],
               dates=[d for d in fridays if d >= "2027-11-01"])  # one entry, long months
    plan["stop_timetable"] = [e for e in plan["stop_timetable"] if e["site_id"] != "S01"] + [
        dict(s01, weekday="fri", every_weeks=1, week_parity=None, dates=fridays, skipped=[]),
        dict(s01, weekday="wed", every_weeks=1, week_parity=None,
             dates=[d for d in wednesdays if d not in closed],
             skipped=[{"date": d, "reason": "Bussen er til eftersyn"} for d in closed]),
    ]
    for s in plan["sites"]:
        if s["id"] == "S01":
            s["name"] = "Søndervinge Forsamlingshus og Idrætsforening"
            s["address"] = "Søndervinge Hovedgade 117, 8950 Ørsted"
        if s["id"] == "D01":
            s["name"] = "Naturbørnehaven Skovtrolden, afdeling Søndergården"
            s["address"] = "Skovbrynet 21, 8983 Gjerlev J"
    colls = [{"id": "DC01", "name": "Dansk børnelitteratur klassikere", "kind": "daycare",
              "crates": 3, "notes": ""},
             {"id": "DC02", "name": "Billedbøger for voksne og erindring", "kind": "daycare",
              "crates": 2, "notes": ""},
             {"id": "PH01", "name": "Romantik og slægtsromaner i storskrift",
              "kind": "nursing_home", "crates": 4, "notes": ""}]
    plan["rotation"] = {"no_repeat_weeks": 52, "collections": colls, "holdings_at_start": {},
                        "history": [], "uses": {}, "shortfall": [], "solver_status": "OPTIMAL"}
    for r in plan["routes"]:
        for x in r["visits"]:
            if x["kind"] == "daycare":
                x["deliver"], x["collect"] = ["DC01"], ["DC02"]
            elif x["kind"] == "nursing_home":
                x["deliver"], x["collect"] = ["PH01"], []
    return copy.deepcopy(plan)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("layout")
    plan = longest_plan()
    write_timetables(plan, out, formats=("pdf",))
    write_outreach(plan, out, formats=("pdf",))
    return plan, out


def _pdfs(out: Path) -> list[Path]:
    return sorted(out.rglob("*.pdf"))


def test_the_longest_quarter_renders_every_kind_of_page(rendered):
    _, out = rendered
    names = {p.name for p in _pdfs(out)}
    assert {"poster-S01.pdf", "koereplan.pdf", "koereplan-personale.pdf",
            "brev-D01.pdf", "brev-N01.pdf"} <= names


def test_no_word_printed_over_another(rendered):
    _, out = rendered
    bad = {p.name: overlaps(words(p)) for p in _pdfs(out)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_no_month_name_cut_across_lines(rendered):
    _, out = rendered
    bad = {p.name: split_words(words(p)) for p in _pdfs(out)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_every_date_stays_on_one_line(rendered):
    plan, out = rendered
    poster = " | ".join(lines(words(out / "poster-S01.pdf")))
    s01 = [e for e in plan["stop_timetable"] if e["site_id"] == "S01"]
    for d in s01[0]["dates"]:
        assert date_long(d) in poster
    staff = " | ".join(lines(words(out / "koereplan-personale.pdf")))
    letter = " | ".join(lines(words(out / "institutioner" / "brev-D01.pdf")))
    for r in plan["routes"]:
        for x in r["visits"]:
            if x["kind"] != "stop":
                assert date_short(r["date"], weekday=True) in staff
            if x["site_id"] == "D01":
                assert date_long(r["date"]) in letter


def test_a_five_week_closure_is_one_range(rendered):
    _, out = rendered
    poster = " | ".join(lines(words(out / "poster-S01.pdf")))
    assert "27. oktober – 24. november: Bussen er til eftersyn" in poster
    assert poster.count("Bussen er til eftersyn") == 1
    koereplan = " | ".join(lines(words(out / "koereplan.pdf")))
    assert koereplan.count("Bussen er til eftersyn") <= 2  # the closure line + one range


def test_the_real_q3_cut_is_caught_by_the_checker():
    """The checker itself: a month name cut in two and two dates on top of each other
    are found (so the tests above can fail)."""
    from pdflayout import Word
    cut = [Word(0, 0, 0, 40, 10, "novemb"), Word(0, 0, 12, 20, 22, "er")]
    assert split_words(cut) == ["novemb"]
    assert overlaps([Word(0, 0, 0, 60, 10, "november"), Word(0, 50, 0, 70, 10, "9.")])
