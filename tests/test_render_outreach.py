"""What institutions and staff get: letters, own calendars, the packing list, the split
køreplan — from a real small plan with rotating collections."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from pypdf import PdfReader
from test_check_rotation import rotating_instance

from bogbus.calendar import parse_quarter
from bogbus.cli import main
from bogbus.plan import build_plan, write_json_atomic
from bogbus.render import write_outreach, write_timetables
from bogbus.render.danish import clock
from bogbus.render.packing import packing_csv, packing_routes
from bogbus.render.planview import view
from bogbus.solve import plan_quarter


@pytest.fixture(scope="module")
def plan():
    return build_plan(plan_quarter(rotating_instance(), parse_quarter("2027Q1"),
                                   time_limit_s=60, work=300))


@pytest.fixture(scope="module")
def rendered(plan, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    paths = write_timetables(plan, out) + write_outreach(plan, out)
    return out, paths


def institution_ids(plan):
    return [s["id"] for s in plan["sites"] if s["kind"] in ("daycare", "nursing_home")]


def test_every_institution_has_a_letter_and_a_calendar(plan, rendered):
    out, paths = rendered
    names = {p.relative_to(out).as_posix() for p in paths}
    for sid in institution_ids(plan):
        assert {f"institutioner/brev-{sid}.pdf", f"institutioner/brev-{sid}.html",
                f"institutioner/kalender-{sid}.ics"} <= names


def test_the_letter_has_dates_times_collections_and_contact(plan, rendered):
    out, _ = rendered
    visits = [(r["date"], v) for r in plan["routes"] for v in r["visits"]
              if v["site_id"] == "D01"]
    assert visits
    text = " ".join(p.extract_text() for p in
                    PdfReader(str(out / "institutioner" / "brev-D01.pdf")).pages)
    flat = " ".join(text.split())
    assert "Bogbussens besøg 1. kvartal 2027" in flat and "Kære Børnehus 1" in flat
    colls = {c["id"]: c["name"] for c in plan["rotation"]["collections"]}
    for _, v in visits:
        assert f"{clock(v['arrival'])}" in flat
        assert colls[v["deliver"][0]] in flat
    html = (out / "institutioner" / "brev-D01.html").read_text(encoding="utf-8")
    assert "I får" in html and "Vi tager med tilbage" in html and 'lang="da"' in html
    assert len(PdfReader(str(out / "institutioner" / "brev-D01.pdf")).pages) == 1


def test_an_institution_calendar_holds_only_its_own_visits(plan, rendered):
    out, _ = rendered
    cal = Calendar.from_ical((out / "institutioner" / "kalender-N01.ics").read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    n01 = [r["date"] for r in plan["routes"] for v in r["visits"] if v["site_id"] == "N01"]
    assert len(events) == len(n01) > 0
    assert all("Plejecenter 1" in str(e["summary"]) for e in events)
    assert "Plejecenter 1" in str(cal["x-wr-calname"])


def test_the_public_koereplan_has_no_outreach(plan, rendered):
    out, _ = rendered
    public = " ".join(p.extract_text() for p in PdfReader(str(out / "koereplan.pdf")).pages)
    html = (out / "koereplan.html").read_text(encoding="utf-8")
    for s in plan["sites"]:
        if s["kind"] in ("daycare", "nursing_home"):
            assert s["name"] not in public and s["name"] not in html
    staff = " ".join(p.extract_text() for p in
                     PdfReader(str(out / "koereplan-personale.pdf")).pages)
    assert "Pakkeliste" in staff and "Pak bussen i depotet" in staff


def test_packing_list_replays_the_routes(plan):
    v = view(plan)
    cap = plan["vehicles"][0]["crate_capacity"]
    crates = {c["id"]: c["crates"] for c in plan["rotation"]["collections"]}
    rows = list(csv.DictReader(io.StringIO(packing_csv(v, "plain"))))
    assert rows and set(rows[0]) >= {"date", "action", "collection_id", "load_after"}
    by_route: dict[str, list[dict]] = {}
    for r in rows:
        by_route.setdefault(r["date"], []).append(r)
    for rs in by_route.values():
        load = 0
        for r in rs:
            load += crates[r["collection_id"]] * (1 if r["action"] in ("load", "collect") else -1)
            assert int(r["load_after"]) == load <= cap
        assert load == 0  # everything loaded or collected is delivered or unloaded
    for pr in packing_routes(v):
        assert max(pr.legs) <= cap


def test_cli_site_option_writes_one_letter(plan, tmp_path):
    path = write_json_atomic(plan, tmp_path / "plan.json")
    res = CliRunner().invoke(main, ["timetable", str(path), "--site", "D02", "--out",
                                    str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    got = sorted(p.relative_to(tmp_path / "o").as_posix()
                 for p in (tmp_path / "o").rglob("*")
                 if p.is_file() and not p.name.startswith("."))  # not the OutputSet manifest
    assert got == ["institutioner/brev-D02.html", "institutioner/brev-D02.pdf",
                   "institutioner/kalender-D02.ics"]
    res = CliRunner().invoke(main, ["timetable", str(path), "--stop", "S01", "--format", "pdf",
                                    "--out", str(tmp_path / "p")])
    assert res.exit_code == 0 and (tmp_path / "p" / "poster-S01.pdf").is_file()
    res = CliRunner().invoke(main, ["timetable", str(path), "--site", "X9"])
    assert res.exit_code == 1 and "X9" in res.output


def test_outreach_times_on_the_grid_and_steady_weekday_counted(plan):
    step = plan["settings"]["round_to_min"]
    kinds = {s["id"]: s["kind"] for s in plan["sites"]}
    for r in plan["routes"]:
        for v in r["visits"]:
            if kinds[v["site_id"]] != "stop":
                h, m = map(int, v["arrival"].split(":"))
                assert (h * 60 + m) % step == 0, (r["date"], v)
    k = plan["kpis"]
    assert k["institutions_visited"] == 3
    assert 0 <= k["institutions_one_weekday"] <= 3



def test_a_day_that_starts_with_lunch_at_the_depot_departs_after_it(tmp_path):
    """A route whose break comes first (all its stops open after the break window) is
    shown as lunch at the depot and a departure after it, not a departure at its start."""
    from test_render_layout import longest_plan

    from bogbus.render.packing import packing_routes
    from bogbus.render.packingpages import _departure
    from bogbus.render.planview import view

    plan = longest_plan()
    r = next(r for r in plan["routes"] if any("deliver" in x for x in r["visits"]))
    r["break"] = {"start": r["start"], "end": "12:49"}
    pr = next(p for p in packing_routes(view(plan)) if p.date == r["date"])
    assert _departure(pr) == f"Frokost i depotet kl. {r['start'].replace(':', '.')}–12.49, " \
                             "afgang kl. 12.49"
    other = next(p for p in packing_routes(view(plan)) if p.date != r["date"])
    assert _departure(other).startswith("Afgang fra depotet kl. ")
