"""Notices, letters and the self-updating calendar of a repaired plan."""

from __future__ import annotations

from datetime import date

from icalendar import Calendar
from test_repair import Q2, WED, published, with_closures

from bogbus.model import Closure
from bogbus.plan.repair import plan_repair
from bogbus.render.icsout import timetable_ics
from bogbus.render.notices import danish_reason, institution_letter, stop_notice, write_notices
from bogbus.render.planview import view


def repaired():
    inst, pub = published()
    closed = with_closures(inst, Closure(WED, WED, "Bussen er på værksted"))
    return pub, plan_repair(closed, pub, Q2, "2027-05-05")[0]


def test_stop_notice_says_the_bus_does_not_come_with_reason():
    pub, plan = repaired()
    c = next(c for c in plan["repair"]["changes"] if c["change"] == "cancelled")
    pdf, page = stop_notice(plan, c["site_id"], [c])
    assert pdf.startswith(b"%PDF")
    assert "Bogbussen kommer ikke onsdag\u00a012.\u00a0maj" in page
    assert "Årsag: Bussen er på værksted" in page and "som sædvanlig: onsdag" in page


def test_institution_letter_in_three_forms():
    pub, plan = repaired()
    c = next(c for c in plan["repair"]["changes"] if c["kind"] != "stop")
    pdf, page, text = institution_letter(plan, c["site_id"], [c])
    assert pdf.startswith(b"%PDF") and "<html lang=\"da\">" in page
    assert text.startswith("Kære ") and "flyttes til" in text
    assert "onsdag\u00a012.\u00a0maj" in text and "(Bussen er på værksted)" in text


def test_solver_reasons_are_never_shown_to_citizens_in_english():
    _, plan = repaired()
    c = {"change": "moved", "reason": "moved to keep its every-4-weeks spacing (x)"}
    assert danish_reason(c, plan) == "for at holde den faste afstand mellem besøgene"


def test_write_notices_one_notice_per_stop_and_letter_per_institution(tmp_path):
    pub, plan = repaired()
    paths = write_notices(plan, pub, tmp_path)
    changed = {c["site_id"]: c["kind"] for c in plan["repair"]["changes"]}
    names = {p.name for p in paths}
    for sid, kind in changed.items():
        if kind == "stop":
            assert {f"notice-{sid}.pdf", f"notice-{sid}.html"} <= names
        else:
            assert {f"letter-{sid}.pdf", f"letter-{sid}.html", f"letter-{sid}.txt"} <= names


def _events(plan):
    cal = Calendar.from_ical(timetable_ics(view(plan), staff=True))
    events = list(cal.walk("VEVENT"))
    return {str(e["uid"]): e for e in events}, events


def test_ics_keeps_uids_raises_sequence_and_cancels():
    pub, plan = repaired()
    before, _ = _events(pub)
    after, events = _events(plan)
    changes = plan["repair"]["changes"]
    assert len({str(e["uid"]) for e in events}) == len(events)  # no duplicate UIDs
    for c in changes:
        ev = after[c["uid"]]
        assert c["uid"] in before  # the published event, updated
        assert int(ev["sequence"]) == 1
        if c["change"] == "cancelled":
            assert str(ev["status"]) == "CANCELLED"
            assert ev.decoded("dtstart").date() == WED
        else:
            assert "status" not in ev and ev.decoded("dtstart").date() != WED
    # untouched visits keep their UID and have no SEQUENCE bump
    same = set(before) - {c["uid"] for c in changes}
    assert same <= set(after) and all("sequence" not in after[u] for u in same)


def test_a_new_stop_gets_one_line_for_its_new_timetable():
    import dataclasses

    from factories import stop

    inst, pub = published()
    grown = dataclasses.replace(inst, sites=inst.sites + (
        stop(7, 56.47, 10.05, every=2, dur=20, window=(14 * 60, 19 * 60)),))
    plan, _ = plan_repair(grown, pub, Q2, "2027-05-03")
    cs = [c for c in plan["repair"]["changes"] if c["site_id"] == "S07"]
    assert len(cs) > 1
    _pdf, page = stop_notice(plan, "S07", cs)
    entry = next(e for e in plan["stop_timetable"] if e["site_id"] == "S07")
    first = date.fromisoformat(entry["dates"][0])
    assert page.count("<li>") == 1
    assert "Nyt fra bogbussen" in page and "Velkommen" in page and "beklager" not in page
    assert f"Ny køreplan fra {first.day}.\u00a0maj" in page and first >= date(2027, 5, 3)


def test_stale_notices_of_an_earlier_repair_are_removed(tmp_path):
    pub, plan = repaired()
    (tmp_path / "notice-S99.pdf").write_bytes(b"old")
    (tmp_path / "other.pdf").write_bytes(b"mine")
    write_notices(plan, pub, tmp_path)
    assert not (tmp_path / "notice-S99.pdf").exists() and (tmp_path / "other.pdf").exists()
