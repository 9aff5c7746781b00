"""Danish wording used on posters, køreplan, CSV, ICS and map."""

from bogbus.render.danish import (
    clock,
    date_long,
    date_short,
    day_time,
    pattern_words,
    period_text,
    quarter_text,
    time_range,
    weekday_name,
)


def test_weekday_and_time():
    assert weekday_name("tue") == "Tirsdag"
    assert weekday_name("sat", capital=False) == "lørdag"
    assert clock("09:05") == "09.05"
    assert time_range("14:10", "14:55") == "kl. 14.10\u201314.55"
    assert day_time("tue", "14:10", "14:55") == "Tirsdag kl. 14.10\u201314.55"


def test_pattern_words():
    assert pattern_words(1) == "hver uge"
    assert pattern_words(1, None) == "hver uge"
    assert pattern_words(2, "even") == "lige uger"
    assert pattern_words(2, "odd") == "ulige uger"
    assert pattern_words(2, None) == "hver 2. uge"
    assert pattern_words(3, None) == "hver 3. uge"
    assert pattern_words(8, None) == "hver 8. uge"


def test_dates():
    assert date_long("2027-03-25") == "25. marts"
    assert date_long("2027-03-25", year=True) == "25. marts 2027"
    assert date_short("2027-02-18") == "18. feb."
    assert date_short("2027-02-18", weekday=True) == "tor. 18. feb."
    assert period_text("2027-01-01", "2027-03-31") == "1. januar \u2013 31. marts 2027"
    assert period_text("2026-12-28", "2027-01-03") == "28. december 2026 \u2013 3. januar 2027"
    assert quarter_text("2027Q1") == "1. kvartal 2027"
    assert quarter_text("weird") == "weird"
