"""DK optional days off by name (holidays package `optional` category) and the
`rotation` settings, as read from settings.yaml."""

from __future__ import annotations

from datetime import date

from bogbus.calendar import build_calendar, optional_holiday_names, parse_quarter
from bogbus.io.settings import parse_settings

BASE = """\
name: Test
depot: DEPOT
vehicles:
  - name: bogbus
    shifts: {mon: "08:00-16:00", fri: "08:00-14:00"}
"""


def _parse(extra: str):
    return parse_settings((BASE + extra).encode("utf-8"), "data/x/settings.yaml")


def test_randers_days_off_in_q4_2027():
    optional = ("Juleaftensdag", "Nytårsaften", "Grundlovsdag")
    cal = build_calendar(parse_quarter("2027Q4"), "DK", (), optional)
    assert cal.off_reason(date(2027, 12, 24)) == "Juleaftensdag"
    assert cal.off_reason(date(2027, 12, 31)) == "Nytårsaften"
    assert cal.off_reason(date(2027, 12, 23)) is None
    plain = build_calendar(parse_quarter("2027Q4"), "DK", ())
    assert plain.off_reason(date(2027, 12, 24)) is None  # public days only by default
    q2 = build_calendar(parse_quarter("2027Q2"), "DK", (), optional)
    assert q2.off_reason(date(2027, 6, 5)) == "Grundlovsdag"
    assert q2.off_reason(date(2027, 5, 1)) is None  # 1. maj not asked for


def test_names_in_danish_english_and_the_usual_spellings():
    names = optional_holiday_names("DK")
    for typed, canonical in [("juleaftensdag", "Juleaftensdag"), ("Christmas Eve", "Juleaftensdag"),
                             ("nytårsaftensdag", "Nytårsaften"), ("1. maj", "Arbejdernes kampdag"),
                             ("GRUNDLOVSDAG", "Grundlovsdag")]:
        key = typed.lower().replace(" ", "").replace(".", "")
        assert names[key] == canonical


def test_settings_mapping_form():
    parsed = _parse("calendar:\n  holidays: {country: DK, optional: [juleaftensdag, 1. maj]}\n"
                    "rotation: {no_repeat_weeks: 26}\n")
    assert [p for p in parsed.problems if p.severity == "error"] == []
    st = parsed.settings
    assert st.holidays == "DK"
    assert st.optional_holidays == ("Juleaftensdag", "Arbejdernes kampdag")
    assert st.no_repeat_weeks == 26


def test_plain_code_and_defaults_unchanged():
    st = _parse("calendar:\n  holidays: DK\n").settings
    assert (st.holidays, st.optional_holidays, st.no_repeat_weeks) == ("DK", (), 52)


def test_unknown_optional_day_names_the_choices():
    parsed = _parse("calendar:\n  holidays:\n    country: DK\n    optional: [lillejuleaften]\n"
                    "rotation: {no_repeat_weeks: -1}\n")
    errors = [p for p in parsed.problems if p.severity == "error"]
    cols = {p.column for p in errors}
    assert {"calendar.holidays.optional[0]", "rotation.no_repeat_weeks"} <= cols
    text = "\n".join(str(p) for p in errors)
    assert "Juleaftensdag" in text and "Grundlovsdag" in text  # the fix lists real names
    assert all(p.row for p in errors)
