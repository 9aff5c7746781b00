"""Private by default: what citizens, institutions and the board read.

A plan with outreach, a closure of one daycare and a closure of the bus is rendered in
full. The public files (posters, køreplan, timetable.csv, bogbus.ics) name no daycare or
nursing home — not its name, address or id — and no internal word; each institution's
letter and calendar name no other institution; the board's report has no file or
settings names. The staff files keep everything.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from bogbus.render import write_outreach, write_timetables
from bogbus.render.report import write_report

PLAN = Path(__file__).parent / "data" / "plan_small.json"

# words that belong to the data files and the planner, not to a reader's page
INTERNAL = ("kun bogbus", "Scenarie", "lille-test", "plan.json", "report.json",
            "settings.yaml", "costs", "daycare", "nursing_home", "every_weeks",
            "goals.children_per_year")
INSTITUTIONS = ("D01", "D02", "N01")


def plan_with_outreach() -> dict:
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    plan["calendar"]["closures"] += [
        {"start": "2027-03-09", "end": "2027-03-09", "reason": "Bussen er på værksted",
         "vehicles": ["bogbus"]},
        {"start": "2027-02-01", "end": "2027-02-05", "reason": "Lukkeuge", "sites": ["D01"]},
    ]
    return plan


def text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        return " ".join(p.extract_text() for p in PdfReader(str(path)).pages).replace(
            "\u00a0", " ")
    raw = path.read_bytes()
    if path.suffix == ".ics":  # unfold the 75-octet lines
        raw = raw.replace(b"\r\n ", b"")
    return raw.decode("utf-8-sig")


def institution_words(plan: dict, ids: tuple[str, ...] = INSTITUTIONS) -> list[str]:
    out = []
    for s in plan["sites"]:
        if s["id"] in ids:
            out += [s["name"], s["id"]] + ([s["address"]] if s.get("address") else [])
    return out


def found(text: str, words: list[str] | tuple[str, ...]) -> list[str]:
    flat = re.sub(r"\s+", " ", text)
    return [w for w in words if w in flat]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("private")
    plan = plan_with_outreach()
    public = write_timetables(plan, out / "public")
    staff = write_outreach(plan, out / "staff")
    return plan, public, staff


def test_public_files_name_no_institution_and_no_internal_word(rendered):
    plan, public, _ = rendered
    assert {p.name for p in public} >= {"timetable.csv", "bogbus.ics", "koereplan.pdf",
                                        "koereplan.html", "posters.html"}
    # timetable.csv is the website's import file: its documented columns (`scenario`,
    # `every_weeks`, …) are machine words, so only institutions are looked for in it
    bad = {p.name: found(text_of(p), institution_words(plan)
                         + ([] if p.suffix == ".csv" else list(INTERNAL)))
           for p in public}
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_bus_closure_is_told_without_the_bus_name(rendered):
    _, public, _ = rendered
    koereplan = text_of(next(p for p in public if p.name == "koereplan.pdf"))
    assert "Bussen er på værksted" in re.sub(r"\s+", " ", koereplan)
    assert "Lukkeuge" not in koereplan  # one daycare's closed week is not the public's


def test_each_letter_names_no_other_institution(rendered):
    plan, _, staff = rendered
    letters = [p for p in staff if p.parent.name == "institutioner"]
    assert letters
    for p in letters:
        own = re.search(r"-(D\d\d|N\d\d)\.", p.name).group(1)
        others = tuple(i for i in INSTITUTIONS if i != own)
        text = text_of(p)
        assert found(text, institution_words(plan, others) + list(INTERNAL)) == [], p.name
    d01 = text_of(next(p for p in letters if p.name == "brev-D01.pdf"))
    assert "Lukkeuge (hos jer)" in re.sub(r"\s+", " ", d01)


def test_staff_files_keep_every_visit(rendered):
    plan, _, staff = rendered
    names = {p.name for p in staff}
    assert {"timetable-personale.csv", "bogbus-personale.ics"} <= names
    csv_text = text_of(next(p for p in staff if p.name == "timetable-personale.csv"))
    assert all(s["name"] in csv_text for s in plan["sites"] if s["id"] in INSTITUTIONS)


def test_the_board_report_has_no_file_or_settings_names(tmp_path):
    plan = plan_with_outreach()
    paths = write_report([plan], tmp_path)
    for p in paths:
        if p.suffix in (".pdf", ".html"):
            assert found(text_of(p), INTERNAL) == [], p.name
