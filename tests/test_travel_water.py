"""The water model on synthetic water with known shortest ways (travel/water.py)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bogbus.errors import InputError
from bogbus.geo import haversine_km
from bogbus.model import Site, TimeWindow, Vehicle
from bogbus.travel.greatcircle import greatcircle_matrix
from bogbus.travel.water import compute
from bogbus.travel.waterfile import read_water

CIRC, SPEED = 1.3, 50.0
RIVER = [[10.0, 55.9], [10.0, 56.1]]  # north–south, ~22 km, lon 10.0


def bus(name: str = "bogbus", *, length: float | None = 12, weight: float | None = 18,
        ferries: tuple[str, ...] | None = None, wed_late: bool = False) -> Vehicle:
    shifts = {d: TimeWindow(8 * 60 + 30, 16 * 60 + 30) for d in ("mon", "tue", "wed")}
    if wed_late:
        shifts["wed"] = TimeWindow(10 * 60, 19 * 60 + 30)
    return Vehicle(name, shifts, length_m=length, weight_t=weight, ferries=ferries)


def site(sid: str, lat: float, lon: float) -> Site:
    return Site(sid, "stop" if sid != "DEPOT" else "depot", f"Sted {sid}", lat, lon)


def barrier(coords: list, name: str = "Åen", polygon: bool = False) -> dict:
    geom = {"type": "Polygon", "coordinates": [coords]} if polygon else {
        "type": "LineString", "coordinates": coords}
    return {"type": "Feature", "properties": {"kind": "barrier", "name": name},
            "geometry": geom}


def bridge(lon: float, lat: float, name: str = "Broen") -> dict:
    return {"type": "Feature", "properties": {"kind": "crossing", "mode": "bridge",
                                              "name": name},
            "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def ferry(a: list, b: list, name: str = "Færgen", **props) -> dict:
    p = {"kind": "crossing", "mode": "ferry", "name": name, "crossing_min": 10,
         "wait_min": 5, **props}
    return {"type": "Feature", "properties": p,
            "geometry": {"type": "LineString", "coordinates": [a, b]}}


def water(tmp_path: Path, *features: dict):
    path = tmp_path / "water.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}),
                    encoding="utf-8")
    return read_water(path, "water.geojson")


def straight(*pts: tuple[float, float]) -> float:
    """km × circuity along straight parts through the given (lat, lon) points."""
    return sum(haversine_km(*p, *q) for p, q in zip(pts, pts[1:])) * CIRC


WEST, EAST = site("DEPOT", 56.0, 9.98), site("B", 56.0, 10.02)


def test_river_with_one_bridge_goes_through_the_bridge(tmp_path):
    w = water(tmp_path, barrier(RIVER), bridge(10.0, 56.05))
    north = site("C", 56.02, 9.97)  # same side as WEST: straight as ever
    b = compute([WEST, EAST, north], w, [bus()], CIRC, SPEED, {})
    km, minutes = b.matrix.leg("DEPOT", "B")
    expect = straight((56.0, 9.98), (56.05, 10.0), (56.0, 10.02))
    assert abs(km - expect) <= 0.1
    assert minutes == math.ceil(km / SPEED * 60 - 1e-9)
    assert b.matrix.via[("DEPOT", "B")] == ("Broen",)
    shape = b.matrix.shapes[("DEPOT", "B")]
    assert shape[0] == [56.0, 9.98] and shape[-1] == [56.0, 10.02]
    assert any(abs(p[0] - 56.05) < 0.001 and abs(p[1] - 10.0) < 0.001 for p in shape)
    plain = greatcircle_matrix([WEST, EAST, north], CIRC, SPEED)
    assert b.matrix.leg("DEPOT", "C") == plain.leg("DEPOT", "C")
    assert ("DEPOT", "C") not in b.matrix.shapes
    assert ("DEPOT", "B") in b.blocked and ("DEPOT", "C") not in b.blocked


def test_river_without_crossing_goes_round_its_end(tmp_path):
    w = water(tmp_path, barrier(RIVER))
    b = compute([WEST, EAST], w, [bus()], CIRC, SPEED, {})
    km, _ = b.matrix.leg("DEPOT", "B")
    expect = straight((56.0, 9.98), (56.1, 10.0), (56.0, 10.02))
    assert expect - 0.1 <= km <= expect + 0.2  # the strip's end lies 10 m past the line
    assert ("DEPOT", "B") not in b.matrix.via


FJORD_FERRY = ([9.995, 56.0], [10.005, 56.0])


def fjord(tmp_path: Path, **props):
    return water(tmp_path, barrier(RIVER, "Fjorden"),
                 ferry(*FJORD_FERRY, hours="07:00-18:00", max_length_m=10, max_weight_t=8,
                       **props))


def test_fjord_ferry_used_by_a_small_van_in_its_hours(tmp_path):
    van = bus("van", length=6, weight=3.5)
    b = compute([WEST, EAST], fjord(tmp_path), [van], CIRC, SPEED, {})
    km, minutes = b.matrix.leg("DEPOT", "B")
    drive = straight((56.0, 9.98), (56.0, 9.995))
    boat = straight((56.0, 9.995), (56.0, 10.005))
    drive2 = straight((56.0, 10.005), (56.0, 10.02))
    assert km == round(drive + boat + drive2, 1)
    extra = 10 - boat / SPEED * 60 + 5
    assert minutes == math.ceil(km / SPEED * 60 + extra - 1e-9)
    assert b.matrix.via[("DEPOT", "B")] == ("Færgen",)
    assert b.used == ("Færgen",)


@pytest.mark.parametrize("fleet, why", [
    ([bus()], "exceeds its limit"),  # 12 m bus on a 10 m ferry
    ([bus("van", length=6, weight=3.5, wed_late=True)], "hours"),  # sails 07–18 only
    ([bus("van", length=None, weight=None)], "has no length_m"),
    ([bus("van", length=6, weight=3.5), bus()], "exceeds"),  # the fleet matrix: every bus
    ([bus("van", length=6, weight=3.5, ferries=())], "does not list"),
])
def test_fjord_ferry_not_used_when_a_vehicle_may_not(tmp_path, fleet, why):
    b = compute([WEST, EAST], fjord(tmp_path), fleet, CIRC, SPEED, {})
    km, _ = b.matrix.leg("DEPOT", "B")
    round_end = straight((56.0, 9.98), (56.1, 10.0), (56.0, 10.02))
    assert km >= round_end - 0.1
    assert ("DEPOT", "B") not in b.matrix.via
    assert any(why in reason for name, reason in b.unused if name == "Færgen")


def test_unconfirmed_ferry_only_for_a_vehicle_that_lists_it(tmp_path):
    w = fjord(tmp_path, confirmed=False)
    van = bus("van", length=6, weight=3.5)
    assert ("DEPOT", "B") not in compute([WEST, EAST], w, [van], CIRC, SPEED, {}).matrix.via
    listed = replace(van, ferries=("færgen",))
    assert compute([WEST, EAST], w, [listed], CIRC, SPEED, {}).matrix.via[("DEPOT", "B")] == (
        "Færgen",)


def test_ferry_with_a_season_is_not_used(tmp_path):
    w = fjord(tmp_path, season={"from": "04-01", "to": "10-31"})
    b = compute([WEST, EAST], w, [bus("van", length=6, weight=3.5)], CIRC, SPEED, {})
    assert ("DEPOT", "B") not in b.matrix.via


def test_lake_polygon_goes_round_two_corners(tmp_path):
    lake = [[9.99, 55.99], [10.01, 55.99], [10.01, 56.01], [9.99, 56.01], [9.99, 55.99]]
    w = water(tmp_path, barrier(lake, "Søen", polygon=True))
    a, b_ = site("DEPOT", 56.0, 9.98), site("B", 56.0, 10.02)
    b = compute([a, b_], w, [bus()], CIRC, SPEED, {})
    km, _ = b.matrix.leg("DEPOT", "B")
    expect = straight((56.0, 9.98), (56.01, 9.99), (56.01, 10.01), (56.0, 10.02))
    assert abs(km - expect) <= 0.1
    assert len(b.matrix.shapes[("DEPOT", "B")]) == 4


def test_site_in_a_lake_is_an_error(tmp_path):
    lake = [[9.99, 55.99], [10.01, 55.99], [10.01, 56.01], [9.99, 56.01], [9.99, 55.99]]
    w = water(tmp_path, barrier(lake, "Søen", polygon=True))
    with pytest.raises(InputError, match="S1.*lies in the water"):
        compute([WEST, site("S1", 56.0, 10.0)], w, [bus()], CIRC, SPEED, {})


def test_site_no_crossing_reaches_is_an_error(tmp_path):
    ring = [[9.99, 55.99], [10.01, 55.99], [10.01, 56.01], [9.99, 56.01], [9.99, 55.99]]
    w = water(tmp_path, barrier(ring, "Voldgraven"))  # a closed line round the island
    with pytest.raises(InputError, match="no crossing the fleet may use joins S1"):
        compute([WEST, site("S1", 56.0, 10.0)], w, [bus()], CIRC, SPEED, {})


def test_symmetric_and_deterministic(tmp_path):
    w = water(tmp_path, barrier(RIVER), bridge(10.0, 56.05))
    sites = [WEST, EAST, site("C", 55.95, 10.03), site("D", 56.08, 9.96)]
    m1 = compute(sites, w, [bus()], CIRC, SPEED, {}).matrix
    m2 = compute(sites, w, [bus()], CIRC, SPEED, {}).matrix
    assert m1 == m2
    for i in range(4):
        for j in range(4):
            assert m1.km[i][j] == pytest.approx(m1.km[j][i], abs=0.1)


coord = st.tuples(st.floats(55.92, 56.08), st.floats(9.95, 10.05))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(coord, min_size=2, max_size=6))
def test_property_never_shorter_than_the_straight_line(tmp_path_factory, pts):
    tmp = tmp_path_factory.mktemp("w")
    lake = [[10.02, 55.95], [10.04, 55.95], [10.04, 55.97], [10.02, 55.97], [10.02, 55.95]]
    w = water(tmp, barrier(RIVER), bridge(10.0, 56.05), barrier(lake, "Søen", polygon=True),
              ferry([9.995, 55.93], [10.005, 55.93], crossing_min=0, wait_min=0))
    sites = [site("DEPOT" if k == 0 else f"S{k}", lat, lon) for k, (lat, lon) in enumerate(pts)]
    try:
        tm = compute(sites, w, [bus("van", length=5, weight=2)], CIRC, SPEED, {}).matrix
    except InputError:
        return  # a site drawn in the water or on the line: refused, nothing to compare
    plain = greatcircle_matrix(sites, CIRC, SPEED)
    for i in range(len(sites)):
        for j in range(len(sites)):
            assert tm.km[i][j] >= plain.km[i][j]
            assert tm.minutes[i][j] >= plain.minutes[i][j]


def test_unreachable_is_named_from_the_depot_wherever_it_is_listed(tmp_path):
    ring = [[9.99, 55.99], [10.01, 55.99], [10.01, 56.01], [9.99, 56.01], [9.99, 55.99]]
    w = water(tmp_path, barrier(ring, "Voldgraven"))
    inside = site("S1", 56.0, 10.0)
    with pytest.raises(InputError, match="joins S1.*to DEPOT"):
        compute([inside, WEST], w, [bus()], CIRC, SPEED, {}, depot="DEPOT")
