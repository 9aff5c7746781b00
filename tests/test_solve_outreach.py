from datetime import date

from factories import SUMMER, daycare, instance, nursing_home, stop, vehicle

from bogbus.pipeline import plan_instance
from bogbus.plan.check import check_plan


def plan(inst, quarter="2027Q1", limit=2):
    """Plan through the pipeline: it raises if the plan breaks a rule against `inst`."""
    return plan_instance(inst, quarter, time_limit_s=limit, seed=0)


def visit_dates(p, sid):
    return [date.fromisoformat(r["date"]) for r in p["routes"]
            for v in r["visits"] if v["site_id"] == sid]


def test_daycare_every_four_weeks_within_tolerance():
    p = plan(instance([stop(1, 56.44, 10.15), daycare(1, 56.53, 10.03)]))
    ds = visit_dates(p, "D01")
    assert len(ds) == 3  # 13 weeks, every 4 weeks
    assert all(abs((b - a).days - 28) <= 3 for a, b in zip(ds, ds[1:]))
    assert (ds[0] - date(2027, 1, 1)).days < 28 and (date(2027, 3, 31) - ds[-1]).days < 28
    assert check_plan(p) == []


def test_outreach_never_moves_a_stop_time():
    p = plan(instance([stop(1, 56.44, 10.15, window=(9 * 60, 12 * 60)),
                       daycare(1, 56.45, 10.16), daycare(2, 56.53, 10.03)]))
    times = {v["arrival"] for r in p["routes"] for v in r["visits"] if v["site_id"] == "S01"}
    assert len(times) == 1
    assert check_plan(p) == []


def test_crate_capacity_limits_a_day():
    homes = [nursing_home(i, 56.40 + i / 50, 9.90, every=8, crates=4) for i in (1, 2, 3)]
    v = vehicle(crates=5, days=("mon",))
    p = plan(instance(homes, [v]))
    assert all(r["crates"] <= 5 for r in p["routes"])
    assert check_plan(p) == []


def test_impossible_outreach_is_listed_with_a_reason():
    v = vehicle(days=("mon",))
    from bogbus.model import TimeWindow, Vehicle
    late = Vehicle("bogbus", {"mon": TimeWindow(12 * 60, 18 * 60)}, None, None, 10, 30)
    p = plan(instance([daycare(1, 56.53, 10.03)], [late]))
    assert not visit_dates(p, "D01")
    assert p["unserved"] and all(u["site_id"] == "D01" and u["reason"] for u in p["unserved"])
    assert check_plan(p) == []
    assert v  # the default vehicle would have served it


def test_summer_closure_pauses_the_rhythm():
    inst = instance([stop(1, 56.44, 10.15), daycare(1, 56.53, 10.03)], closures=(SUMMER,))
    p = plan(inst, "2027Q3")
    ds = visit_dates(p, "D01")
    assert not any(SUMMER.start <= d <= SUMMER.end for d in ds)
    stop_days = visit_dates(p, "S01")
    assert not any(SUMMER.start <= d <= SUMMER.end for d in stop_days)
    assert check_plan(p) == []
