"""Coordinate conversion WGS-84 ↔ GCJ-02 ↔ BD-09, distance and the "near me" cells."""

import math
import random

import pytest

from venuesafe.core import geo
from venuesafe.core.geo import distance_m

# Published test vectors, all as (lat, lng):
# googollee/eviltransform, python/test.py and go/transform_test.go (TESTS: wgsLat, wgsLng, gcjLat, gcjLng).
EVILTRANSFORM_WGS_GCJ = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]
# wandergis/coordtransform, test/app.js (input lng 116.404, lat 39.915; results printed as [lng, lat]).
COORDTRANSFORM_INPUT = (39.915, 116.404)
COORDTRANSFORM_WGS_TO_GCJ = (39.91640428150164, 116.41024449916938)
COORDTRANSFORM_GCJ_TO_BD = (39.92133699351021, 116.41036949371029)
COORDTRANSFORM_BD_TO_GCJ = (39.90865673957631, 116.39762729119315)
COORDTRANSFORM_GCJ_TO_WGS = (39.91359571849836, 116.39775550083061)  # their one-step inverse, ~0.06 m off exact
# dromara/hutool, hutool-core/src/test/java/cn/hutool/core/util/CoordinateUtilTest.java (wgs84ToBd09, bd09toWgs84).
HUTOOL_WGS_TO_BD = [
    ((39.915, 116.404), (39.922699552216216, 116.41662724378733)),
    ((44.99804071, 122.99395597), (45.0063690918959, 123.00636516028885)),  # their comment: checked on tool.lu
]
HUTOOL_BD_TO_WGS = ((39.915, 116.404), (39.907253214522164, 116.3913836995125))  # one-step inverse, ~0.3 m off
# Not used: eviltransform's TESTS_bd (bd → wgs near 29.2 N, 120.0 E) disagree with the published BD-09 formula
# (that the other sources above and eviltransform's own code implement) by 10-41 m; they look like samples of
# Baidu's online API rather than outputs of the formula.

ONE_METRE = 1.0


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_GCJ)
def test_wgs84_to_gcj02__eviltransform_vectors(wgs, gcj):
    assert distance_m(*geo.wgs84_to_gcj02(*wgs), *gcj) < ONE_METRE


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_GCJ)
def test_gcj02_to_wgs84__eviltransform_vectors(wgs, gcj):
    assert distance_m(*geo.gcj02_to_wgs84(*gcj), *wgs) < ONE_METRE


def test_conversions__coordtransform_vectors():
    src = COORDTRANSFORM_INPUT
    assert distance_m(*geo.wgs84_to_gcj02(*src), *COORDTRANSFORM_WGS_TO_GCJ) < ONE_METRE
    assert distance_m(*geo.gcj02_to_bd09(*src), *COORDTRANSFORM_GCJ_TO_BD) < ONE_METRE
    assert distance_m(*geo.bd09_to_gcj02(*src), *COORDTRANSFORM_BD_TO_GCJ) < ONE_METRE
    assert distance_m(*geo.gcj02_to_wgs84(*src), *COORDTRANSFORM_GCJ_TO_WGS) < ONE_METRE


@pytest.mark.parametrize(("wgs", "bd"), HUTOOL_WGS_TO_BD)
def test_from_wgs84__bd09_hutool_vectors(wgs, bd):
    assert distance_m(*geo.from_wgs84(*wgs, geo.CoordSystem.BD09), *bd) < ONE_METRE


def test_to_wgs84__bd09_hutool_vector():
    bd, wgs = HUTOOL_BD_TO_WGS
    assert distance_m(*geo.to_wgs84(*bd, "bd09"), *wgs) < ONE_METRE


def test_to_wgs84__wgs84_is_identity():
    assert geo.to_wgs84(32.04, 120.86, "wgs84") == (32.04, 120.86)
    assert geo.from_wgs84(32.04, 120.86, geo.CoordSystem.WGS84) == (32.04, 120.86)


def test_to_wgs84__unknown_system_refused():
    with pytest.raises(ValueError):
        geo.to_wgs84(32.04, 120.86, "cgcs2000x")


def test_wgs84_to_gcj02__shift_is_hundreds_of_metres_in_china():
    # Sanity: the offset that the tests above pin down is real (Nantong: roughly 500 m).
    d = distance_m(32.04, 120.86, *geo.wgs84_to_gcj02(32.04, 120.86))
    assert 100 < d < 1000


def _china_grid():
    # 1.5° steps over mainland China, kept where out_of_china says "in China" (about a hundred points).
    lat = 18.5
    while lat < 53.5:
        lng = 74.0
        while lng < 135.0:
            if not geo.out_of_china(lat, lng):
                yield lat, lng
            lng += 1.5
        lat += 1.5


CHINA_GRID = list(_china_grid())


def test_china_grid__is_big_enough():
    assert len(CHINA_GRID) > 150


@pytest.mark.parametrize("system", [geo.CoordSystem.GCJ02, geo.CoordSystem.BD09])
def test_round_trip__wgs_to_system_and_back_within_a_centimetre(system):
    rng = random.Random(2026)
    worst = 0.0
    for lat, lng in CHINA_GRID:
        lat, lng = lat + rng.uniform(0, 1.5), lng + rng.uniform(0, 1.5)  # off the grid lines
        if geo.out_of_china(lat, lng):
            continue
        back = geo.to_wgs84(*geo.from_wgs84(lat, lng, system), system)
        worst = max(worst, distance_m(lat, lng, *back))
    assert worst < 0.01


def test_round_trip__anywhere_in_china_also_next_to_borders():
    # Random points over the whole GCJ-02 box; every point the forward conversion shifts comes back exactly,
    # including those within a shift's width of a border (where the inverse must not give up early).
    rng = random.Random(7)
    checked = 0
    for _ in range(20_000):
        lat, lng = rng.uniform(0.5, 56.0), rng.uniform(71.5, 138.5)
        if geo.out_of_china(lat, lng):
            continue
        checked += 1
        for system in ("gcj02", "bd09"):
            back = geo.to_wgs84(*geo.from_wgs84(lat, lng, system), system)
            assert distance_m(lat, lng, *back) < 0.01, (lat, lng, system)
    assert checked > 5000


def test_round_trip__nantong_street_level():
    for i in range(50):
        lat, lng = 31.95 + i * 0.005, 120.80 + i * 0.004
        for system in ("gcj02", "bd09"):
            back = geo.to_wgs84(*geo.from_wgs84(lat, lng, system), system)
            assert distance_m(lat, lng, *back) < 0.01


OUTSIDE_CHINA = {
    "Tokyo": (35.6812, 139.7671),
    "London": (51.5074, -0.1278),
    "Singapore": (1.3521, 103.8198),
    "Seoul": (37.5665, 126.9780),
    "Hanoi": (21.0278, 105.8342),
    "Bangkok": (13.7563, 100.5018),
    "Manila": (14.5995, 120.9842),
    "Kathmandu": (27.7172, 85.3240),
    "New Delhi": (28.6139, 77.2090),
    "Almaty": (43.2389, 76.8897),
    "Ulaanbaatar": (47.8864, 106.9057),
    "Vladivostok": (43.1155, 131.8855),
    "New York": (40.7128, -74.0060),
    "Sydney": (-33.8688, 151.2093),
}

INSIDE_CHINA = {
    "Nantong": (32.0417, 120.8597),
    "Heihe": (50.2450, 127.4900),
    "Mohe": (52.9720, 122.5380),
    "Manzhouli": (49.5978, 117.4317),
    "Hunchun": (42.8680, 130.3570),
    "Dandong": (40.1240, 124.3830),
    "Ruili": (24.0130, 97.8520),
    "Mengla": (21.4590, 101.5640),
    "Dongxing": (21.5400, 107.9700),
    "Yadong": (27.4860, 88.9080),
    "Zhangmu": (27.9900, 85.9800),
    "Kashgar": (39.4700, 75.9900),
    "Horgos": (44.2140, 80.4200),
    "Altay": (47.8440, 88.1410),
    "Erenhot": (43.6530, 111.9770),
    "Sanya": (18.2530, 109.5120),
    "Yongxing Island": (16.8340, 112.3380),
    "Taipei": (25.0330, 121.5650),
    "Hong Kong": (22.3193, 114.1694),
    "Macau": (22.1987, 113.5439),
    "Fuyuan": (48.3640, 134.2890),
}


@pytest.mark.parametrize("place", sorted(OUTSIDE_CHINA))
def test_out_of_china__neighbours_and_elsewhere_left_unshifted(place):
    lat, lng = OUTSIDE_CHINA[place]
    assert geo.out_of_china(lat, lng)
    assert geo.wgs84_to_gcj02(lat, lng) == (lat, lng)
    assert geo.gcj02_to_wgs84(lat, lng) == (lat, lng)
    assert geo.to_wgs84(lat, lng, "gcj02") == (lat, lng)
    assert geo.from_wgs84(lat, lng, "gcj02") == (lat, lng)


@pytest.mark.parametrize("place", sorted(INSIDE_CHINA))
def test_out_of_china__chinese_places_including_borders_are_shifted(place):
    lat, lng = INSIDE_CHINA[place]
    assert not geo.out_of_china(lat, lng)
    assert distance_m(lat, lng, *geo.wgs84_to_gcj02(lat, lng)) > 50


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((32.0, 120.0), (32.0, 120.0), 0.0),
        ((0.0, 0.0), (1.0, 0.0), 111_195.0),  # one degree of a great circle on the mean-radius sphere
        ((0.0, 0.0), (0.0, 1.0), 111_195.0),
        ((60.0, 10.0), (60.0, 11.0), 55_597.0),  # cos(60°) of the above
        ((32.0, 120.0), (-32.0, -60.0), math.pi * geo.EARTH_RADIUS_M),  # antipodes
    ],
)
def test_distance_m__known_distances(a, b, metres):
    assert distance_m(*a, *b) == pytest.approx(metres, abs=1.0)


def test_distance_m__symmetric():
    assert distance_m(32.04, 120.86, 31.23, 121.47) == pytest.approx(distance_m(31.23, 121.47, 32.04, 120.86))


def test_geo_cell__same_cell_within_a_cell_and_neighbours_differ():
    base = geo.geo_cell(32.045, 120.855)
    assert geo.geo_cell(32.0401, 120.8501) == base
    assert geo.geo_cell(32.0499, 120.8599) == base
    assert geo.geo_cell(32.0501, 120.855) == base + 36000  # next row up
    assert geo.geo_cell(32.045, 120.8601) == base + 1  # next column east
    assert geo.geo_cell(-89.999, -179.999) == 0


@pytest.mark.parametrize("radius", [10, 100, 500, 2000])
def test_bounding_box__holds_the_circle(radius):
    lat, lng = 32.0417, 120.8597
    box = geo.bounding_box(lat, lng, radius)
    # The four compass points at exactly `radius` lie on the box's edges (to a millimetre).
    assert distance_m(lat, lng, box.max_lat, lng) == pytest.approx(radius, abs=1e-3)
    assert distance_m(lat, lng, box.min_lat, lng) == pytest.approx(radius, abs=1e-3)
    assert distance_m(lat, lng, lat, box.max_lng) >= radius - 1e-3
    assert distance_m(lat, lng, lat, box.min_lng) >= radius - 1e-3


def test_cells_covering__too_many_cells_gives_none():
    assert geo.cells_covering(geo.bounding_box(32.0, 120.0, 50_000)) is None
    assert geo.cells_covering(geo.bounding_box(32.0, 120.0, 100)) is not None


@pytest.mark.parametrize("radius", [5, 50, 100, 300, 1000])
def test_cells_covering__every_point_within_radius_is_in_a_covering_cell(radius):
    rng = random.Random(radius)
    for _ in range(40):
        lat, lng = rng.uniform(20, 50), rng.uniform(80, 130)
        cells = set(geo.cells_covering(geo.bounding_box(lat, lng, radius)))
        for _ in range(100):
            # A random point in the disc (bearing and distance), placed with the same sphere as distance_m.
            bearing = rng.uniform(0, 2 * math.pi)
            d = radius * math.sqrt(rng.random())
            dlat = math.degrees(d * math.cos(bearing) / geo.EARTH_RADIUS_M)
            dlng = math.degrees(d * math.sin(bearing) / (geo.EARTH_RADIUS_M * math.cos(math.radians(lat))))
            plat, plng = lat + dlat, lng + dlng
            if distance_m(lat, lng, plat, plng) <= radius:
                assert geo.geo_cell(plat, plng) in cells


def test_cells_covering__points_on_cell_edges():
    # Centre exactly on a cell corner: the four cells around it are all listed.
    lat, lng = 32.05, 120.86
    cells = set(geo.cells_covering(geo.bounding_box(lat, lng, 10)))
    for dlat in (-1e-5, 1e-5):
        for dlng in (-1e-5, 1e-5):
            assert geo.geo_cell(lat + dlat, lng + dlng) in cells
