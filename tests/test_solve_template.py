from factories import instance, small, stop, vehicle

from bogbus.solve.template import Budget, TemplateSearch
from bogbus.travel import build_travel


def run(inst, seed=0, limit=120):
    return TemplateSearch(inst, build_travel(inst), seed=seed, budget=Budget(limit)).run()


def test_every_stop_gets_one_weekday_phase_and_time():
    inst = small()
    res = run(inst)
    assert not res.unserved
    assert set(res.options) == {s.id for s in inst.stops}
    for sid, o in res.options.items():
        s = inst.site(sid)
        assert o.weekday in s.days and 0 <= o.phase < s.every_weeks
        t = res.days[(o.vehicle, o.weekday)].times[sid]
        assert s.earliest <= t and t + s.duration_min <= s.latest and t % 5 == 0


def test_evening_only_stop_lands_on_the_late_day():
    res = run(small())
    assert res.options["S06"].weekday == "wed"  # 16:00–19:00 fits only Wednesday's shift


def test_deterministic_for_same_seed():
    a, b = run(small(), seed=3), run(small(), seed=3)
    assert a.options == b.options and a.cost == b.cost


def test_unplaceable_stop_is_explained():
    inst = instance([stop(1, 56.44, 10.15, window=(20 * 60, 21 * 60))])
    res = run(inst)
    assert "S01" in res.unserved and "window" in res.unserved["S01"]


def test_too_many_stops_for_one_day_reports_free_minutes():
    # three 70-minute evening-only stops cannot share Wednesday 16:00–19:00
    sites = [stop(i, 56.44 + i / 100, 10.15, dur=70, window=(16 * 60, 19 * 60)) for i in (1, 2, 3)]
    res = run(instance(sites))
    assert len(res.unserved) == 1
    (why,) = res.unserved.values()
    assert "free minutes" in why and "16:00" in why


def test_vehicle_restriction_respected():
    v1, v2 = vehicle("bogbus"), vehicle("van", late_wed=False)
    s = stop(1, 56.44, 10.15, vehicles=("van",))
    res = run(instance([s, stop(2, 56.54, 10.04)], [v1, v2]))
    assert res.options["S01"].vehicle == "van"
