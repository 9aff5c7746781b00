import math

from bogbus.geo import haversine_km
from bogbus.model import Site
from bogbus.travel.greatcircle import greatcircle_matrix


def test_haversine_known_distance():
    # Randers – Aarhus centre is about 36 km as the crow flies
    assert 34 < haversine_km(56.4607, 10.0364, 56.1567, 10.2108) < 38


def test_greatcircle_matrix_units_and_triangle_inequality():
    sites = [Site("A", "depot", "a", 56.46, 10.03), Site("B", "stop", "b", 56.65, 10.26),
             Site("C", "stop", "c", 56.39, 9.89)]
    m = greatcircle_matrix(sites, circuity=1.3, speed_kmh=50)
    i = m.index()
    km_ab = haversine_km(56.46, 10.03, 56.65, 10.26) * 1.3
    assert math.isclose(m.km[i["A"]][i["B"]], round(km_ab, 1))
    assert m.minutes[i["A"]][i["B"]] == math.ceil(m.km[i["A"]][i["B"]] / 50 * 60)
    assert m.km[0][0] == 0 and m.minutes[1][1] == 0
    for a in range(3):
        for b in range(3):
            for c in range(3):
                assert m.minutes[a][c] <= m.minutes[a][b] + m.minutes[b][c]
    assert m.description == {"model": "greatcircle", "circuity": 1.3, "speed_kmh": 50}
