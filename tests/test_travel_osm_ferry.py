"""OSM ferries (`route=ferry`): taken only by a fleet that fits, for their `duration`.

A river runs east–west between latitude 56.04 and 56.06. The depot is south of it, the
stop north; a small ferry crosses straight over (maxlength 10 m, maxweight 3.5 t), a
bridge 12.4 km east is the way round."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from factories import vehicle
from test_travel_osm import write_osm

from bogbus.errors import BogbusError
from bogbus.geo import haversine_km
from bogbus.model import Instance, Settings, Site, TravelOptions, TravelSettings
from bogbus.travel import build_travel
from bogbus.travel.osm import TravelWarning, build_osm
from bogbus.travel.osmferry import (
    FERRY_SPEED_KMH,
    FERRY_WAIT_MIN,
    ferry_refusal,
    parse_duration_min,
    parse_length_m,
    parse_weight_t,
)

NODES = {
    1: (56.00, 10.00),   # depot, south
    2: (56.04, 10.00),   # south landing
    3: (56.04, 10.20),   # south end of the bridge
    4: (56.06, 10.00),   # north landing
    5: (56.06, 10.20),   # north end of the bridge
    6: (56.10, 10.00),   # the stop, north
}
FERRY = {"route": "ferry", "name": "Flodfærgen", "motor_vehicle": "yes",
         "maxlength": "10", "maxweight": "3.5", "duration": "PT5M"}


def ways(ferry: dict[str, str]) -> list:
    return [(1, [1, 2], {"highway": "residential"}),     # 30 km/h
            (2, [2, 3], {"highway": "primary"}),         # 70
            (3, [3, 5], {"highway": "primary", "bridge": "yes"}),
            (4, [5, 4], {"highway": "primary"}),
            (5, [4, 6], {"highway": "residential"}),
            (9, [2, 4], ferry)]


SITES = [Site("DEPOT", "depot", "Syd", *NODES[1]),
         Site("N", "stop", "Nord", *NODES[6], every_weeks=1, duration_min=30,
              earliest=13 * 60, latest=19 * 60, visitors=5)]
BUS = replace(vehicle("bus"), length_m=12.0, weight_t=18.0)
VAN = replace(vehicle("van"), length_m=6.0, weight_t=3.0)


def instance(folder: Path, vehicles, ferry=FERRY) -> Instance:
    folder.mkdir(parents=True, exist_ok=True)
    write_osm(folder / "roads.osm", NODES, ways(ferry))
    st = Settings(name="T", depot="DEPOT", vehicles=tuple(vehicles),
                  travel=TravelSettings(model="osm", options=TravelOptions(file="roads.osm")),
                  time_limit_s=3)
    return Instance("t", str(folder), tuple(SITES), st)


def km(a: int, b: int) -> float:
    return haversine_km(*NODES[a], *NODES[b])


def minutes(seconds: float) -> int:
    return math.ceil(seconds / 60 - 1e-9)


ROUND_S = (km(1, 2) / 30 + (km(2, 3) + km(3, 5) + km(5, 4)) / 70 + km(4, 6) / 30) * 3600
ROUND_KM = km(1, 2) + km(2, 3) + km(3, 5) + km(5, 4) + km(4, 6)


def ferry_s(crossing_min: float) -> float:
    return (km(1, 2) / 30 + km(4, 6) / 30) * 3600 + (crossing_min + FERRY_WAIT_MIN) * 60


def test_the_bus_goes_round_by_the_bridge(tmp_path):
    tm = build_travel(instance(tmp_path / "d", [BUS]))
    assert tm.leg("DEPOT", "N") == (math.ceil(ROUND_KM * 10) / 10, minutes(ROUND_S))
    assert tm.description["ferries_used"] == []
    assert "maxlength=10" in tm.description["ferries_not_used"]["Flodfærgen"]


def test_the_van_takes_the_ferry_for_its_duration(tmp_path):
    tm = build_travel(instance(tmp_path / "d", [VAN]))
    assert ferry_s(5) < ROUND_S
    assert tm.leg("DEPOT", "N")[1] == minutes(ferry_s(5))
    assert tm.leg("N", "DEPOT")[1] == minutes(ferry_s(5))
    assert tm.leg("DEPOT", "N")[0] == math.ceil((km(1, 2) + km(2, 4) + km(4, 6)) * 10) / 10
    assert tm.description["ferries_used"] == ["Flodfærgen"]
    # the shape crosses the water on the ferry's line
    assert [56.04, 10.0] in tm.shapes[("DEPOT", "N")] and \
        [56.06, 10.0] in tm.shapes[("DEPOT", "N")]


def test_a_mixed_fleet_plans_by_the_largest_vehicle(tmp_path):
    both = build_travel(instance(tmp_path / "d", [VAN, BUS]))
    alone = build_travel(instance(tmp_path / "e", [BUS]))
    assert both.leg("DEPOT", "N") == alone.leg("DEPOT", "N")


def test_the_settings_ferries_list_overrides_the_tags(tmp_path):
    listed = replace(BUS, ferries=("flodfærgen",))
    tm = build_travel(instance(tmp_path / "d", [listed]))
    assert tm.leg("DEPOT", "N")[1] == minutes(ferry_s(5))
    none = replace(VAN, ferries=())
    tm = build_travel(instance(tmp_path / "e", [none]))
    assert tm.leg("DEPOT", "N")[1] == minutes(ROUND_S)


def test_without_duration_the_crossing_is_timed_by_its_length(tmp_path):
    untimed = {k: v for k, v in FERRY.items() if k != "duration"}
    tm = build_travel(instance(tmp_path / "d", [VAN], untimed))
    crossing = km(2, 4) / FERRY_SPEED_KMH * 60
    assert tm.leg("DEPOT", "N")[1] == minutes(ferry_s(crossing))


def test_a_clock_duration_and_a_slow_ferry(tmp_path):
    slow = {**FERRY, "duration": "01:30"}  # 90 min: the bridge is faster even for the van
    tm = build_travel(instance(tmp_path / "d", [VAN], slow))
    assert tm.leg("DEPOT", "N")[1] == minutes(ROUND_S)


def test_a_site_is_never_snapped_onto_the_ferry_line(tmp_path):
    # a stop on the water right beside the ferry's track: it joins a road, not the ferry
    wet = Site("W", "stop", "Vand", 56.05, 10.0005, every_weeks=1, duration_min=30)
    inst = instance(tmp_path / "d", [VAN])
    inst = replace(inst, sites=(*SITES, wet))
    with pytest.warns(TravelWarning, match="W"):
        build = build_osm(inst)
    assert build.snaps["W"] > 1000  # 1.1 km to the nearest landing, not 30 m to the ferry


def test_an_island_reached_only_by_a_ferry_the_bus_may_not_take(tmp_path):
    no_bridge = [w for w in ways(FERRY) if w[0] != 3]
    folder = tmp_path / "d"
    folder.mkdir()
    write_osm(folder / "roads.osm", NODES, no_bridge)
    # the north bank's road (two nodes) is 4.5 km from the south's: the stop is cut off
    inst = instance(tmp_path / "x", [BUS])
    st = replace(inst.settings, travel=TravelSettings(
        model="osm", options=TravelOptions(file=str(folder / "roads.osm"))))
    with pytest.raises(BogbusError, match="ferr"):
        build_travel(replace(inst, settings=st))


@pytest.mark.parametrize("tags, vehicle, allowed", [
    ({"motor_vehicle": "yes"}, BUS, True),
    ({}, VAN, False),                                   # a foot ferry as far as we know
    ({"motorcar": "yes"}, VAN, True),
    ({"motorcar": "yes"}, BUS, False),                  # cars, not heavy vehicles
    ({"motorcar": "yes", "hgv": "yes"}, BUS, True),
    ({"motor_vehicle": "yes", "hgv": "no"}, BUS, False),
    ({"motor_vehicle": "yes", "hgv": "no"}, VAN, True),
    ({"motor_vehicle": "no"}, VAN, False),
    ({"motor_vehicle": "yes", "maxweight": "3500 kg"}, VAN, True),
    ({"motor_vehicle": "yes", "maxlength": "5"}, VAN, False),
    ({"motor_vehicle": "yes", "maxlength": "12"}, replace(BUS, length_m=None), False),
    ({"motor_vehicle": "yes", "maxlength": "a lot"}, BUS, False),
])
def test_ferry_access_rules(tags, vehicle, allowed):
    assert (ferry_refusal({"route": "ferry", **tags}, vehicle) is None) is allowed


def test_tag_parsers():
    assert parse_duration_min("PT1H30M") == 90
    assert parse_duration_min("PT20M30S") == pytest.approx(20.5)
    assert parse_duration_min("00:25") == 25
    assert parse_duration_min("1:02:30") == pytest.approx(62.5)
    assert parse_duration_min("45") == 45
    assert parse_duration_min("soon") is None and parse_duration_min("PT") is None
    assert parse_length_m("10 m") == 10 and parse_length_m("32'10\"") == pytest.approx(10.01,
                                                                                       abs=0.01)
    assert parse_weight_t("3.5") == 3.5 and parse_weight_t("3500 kg") == 3.5
    assert parse_weight_t("heavy") is None
