from datetime import date

import pytest
from factories import vehicle

from bogbus.calendar import build_calendar, next_quarter, parse_quarter, week_index
from bogbus.errors import BogbusError
from bogbus.model import Closure


def test_parse_quarter_bounds():
    q = parse_quarter("2027Q1")
    assert (q.start, q.end) == (date(2027, 1, 1), date(2027, 3, 31))
    q4 = parse_quarter("2026q4")
    assert (q4.start, q4.end) == (date(2026, 10, 1), date(2026, 12, 31))


@pytest.mark.parametrize("bad", ["2027", "2027Q5", "Q1", "abc"])
def test_parse_quarter_rejects(bad):
    with pytest.raises(BogbusError):
        parse_quarter(bad)


def test_next_quarter_wraps_year():
    assert next_quarter(date(2026, 11, 23)).quarter == "2027Q1"
    assert next_quarter(date(2027, 2, 1)).quarter == "2027Q2"


def test_danish_holidays_have_danish_names():
    cal = build_calendar(parse_quarter("2027Q1"), "DK", ())
    assert cal.holidays[date(2027, 3, 25)] == "Skærtorsdag"
    assert cal.holidays[date(2027, 3, 29)] == "Anden påskedag"
    assert cal.off_reason(date(2027, 1, 1)) == "Nytårsdag"
    assert cal.off_reason(date(2027, 1, 4)) is None


def test_service_dates_skip_holidays_closures_and_days_off():
    closure = Closure(date(2027, 2, 15), date(2027, 2, 19), "Vinterferie")
    cal = build_calendar(parse_quarter("2027Q1"), "DK", (closure,))
    days = cal.service_dates(vehicle(days=("mon", "thu")))
    assert date(2027, 3, 25) not in days  # Skærtorsdag, a Thursday
    assert date(2027, 2, 15) not in days and date(2027, 2, 18) not in days
    assert all(d.weekday() in (0, 3) for d in days)
    assert cal.off_reason(date(2027, 2, 16)) == "Vinterferie"


def test_week_index_is_continuous_across_53_week_years():
    # 2026 has ISO week 53: ISO parity breaks, the continuous index does not
    a, b = date(2026, 12, 28), date(2027, 1, 4)
    assert a.isocalendar().week % 2 == b.isocalendar().week % 2
    assert week_index(b) - week_index(a) == 1


def test_open_days_between_pauses_in_closures():
    closure = Closure(date(2027, 7, 5), date(2027, 8, 6), "Sommerferie")
    cal = build_calendar(parse_quarter("2027Q3"), "DK", (closure,))
    assert cal.open_days_between(date(2027, 7, 1), date(2027, 8, 12)) == 42 - 33
    assert cal.open_days_between(date(2027, 9, 1), date(2027, 9, 29)) == 28
