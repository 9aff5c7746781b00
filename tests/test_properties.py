"""Property: any small feasible-looking data set gives a plan that passes the checker."""

import pytest
from factories import instance, vehicle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bogbus.model import BreakRule, Site
from bogbus.pipeline import plan_instance
from bogbus.plan.check import check_plan

coords = st.tuples(st.floats(56.30, 56.65), st.floats(9.75, 10.35))


@st.composite
def sites(draw):
    out = []
    for i in range(draw(st.integers(1, 7))):
        lat, lon = draw(coords)
        every = draw(st.sampled_from([1, 2, 2, 3, 4]))
        dur = draw(st.sampled_from([20, 30, 45]))
        start = draw(st.sampled_from([9 * 60, 13 * 60, 14 * 60, 16 * 60]))
        out.append(Site(f"S{i}", "stop", f"Stop «{i}» ø", lat, lon, every_weeks=every,
                        duration_min=dur, earliest=start, latest=start + draw(
                            st.sampled_from([60, 120, 240])),
                        days=tuple(draw(st.sets(st.sampled_from(["mon", "tue", "wed", "thu",
                                                                 "fri"]), min_size=1)))))
    for i in range(draw(st.integers(0, 4))):
        lat, lon = draw(coords)
        kind = draw(st.sampled_from(["daycare", "nursing_home"]))
        out.append(Site(f"O{i}", kind, f"Institution {i}", lat, lon,
                        every_weeks=draw(st.sampled_from([2, 4, 6, 8])),
                        duration_min=draw(st.sampled_from([20, 40])), earliest=9 * 60,
                        latest=draw(st.sampled_from([11 * 60, 14 * 60])),
                        crates=draw(st.integers(0, 4)), children=10))
    return out


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites(), st.integers(0, 3), st.booleans(), st.sampled_from(["2027Q1", "2027Q3"]),
       st.sampled_from([None, 80.0]))
def test_every_plan_passes_its_checker(ss, seed, brk, quarter, max_km):
    v = vehicle(max_km=max_km, crates=5,
                brk=BreakRule(30, 11 * 60, 13 * 60 + 30) if brk else None)
    inst = instance(ss, [v])
    plan = plan_instance(inst, quarter, time_limit_s=0.5, seed=seed)  # checked against inst
    assert check_plan(plan) == []  # and against the data stored in the plan
    served = {v["site_id"] for r in plan["routes"] for v in r["visits"]}
    listed = {u["site_id"] for u in plan["unserved"]}
    assert served | listed >= {s.id for s in ss}
