"""Coordinate systems used in China and distances.

WGS-84 is what a phone's GPS reports and what we store. GCJ-02 ("Mars coordinates") is
what Chinese map pickers, AutoNavi/Tencent maps and WeChat return; BD-09 is Baidu's
further offset of GCJ-02. Outside mainland China GCJ-02 equals WGS-84.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6371008.8


class CoordSystem(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


# The usual GCJ-02 bounding box, less boxes that hold only neighbouring countries (so Singapore, Seoul,
# Hanoi, Bangkok, Kathmandu, Delhi, Almaty, Ulaanbaatar, Vladivostok... are neither shifted nor accepted
# as venue locations). (min_lat, max_lat, min_lng, max_lng); coarse on purpose, clear of Chinese territory.
_NOT_CHINA_BOXES = (
    (0.0, 17.8, 72.0, 108.0),  # South-East Asian mainland, Malay peninsula, Singapore
    (0.0, 17.0, 108.0, 109.4),  # central and southern Vietnamese coast
    (0.0, 3.0, 108.0, 120.0),  # western Borneo
    (0.0, 21.1, 72.0, 101.9),  # Myanmar, Thailand, Laos south of Yunnan
    (17.8, 22.3, 101.87, 106.66),  # northern Vietnam and Laos
    (20.49, 21.45, 106.45, 108.05),  # north-eastern Vietnam
    (0.0, 21.0, 119.2, 138.0),  # the Philippines
    (0.0, 39.8, 124.3, 138.0),  # Korea and Japan
    (42.6, 44.9, 131.3, 138.0),  # Primorye (Vladivostok)
    (44.9, 50.4, 135.1, 138.0),  # Khabarovsk Krai east of the Ussuri
    (0.0, 26.7, 72.0, 97.3),  # Bangladesh, north-east India, western Myanmar
    (0.0, 27.9, 72.0, 86.5),  # Nepal, northern India
    (0.0, 30.0, 72.0, 80.0),  # northern India
    (0.0, 35.0, 72.0, 78.0),  # Pakistan, Kashmir, Punjab
    (41.5, 45.0, 72.0, 79.4),  # Kyrgyzstan, south-east Kazakhstan
    (45.0, 49.3, 72.0, 82.2),  # eastern Kazakhstan
    (49.3, 90.0, 72.0, 115.5),  # Russia, Kazakhstan and Mongolia north of Xinjiang and Inner Mongolia
    (45.5, 49.3, 92.0, 111.5),  # Mongolia
    (50.4, 90.0, 127.6, 138.0),  # Russia across the Amur
    (53.6, 90.0, 72.0, 138.0),  # Russia north of Mohe
)


def out_of_china(lat: float, lng: float) -> bool:
    if not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return True
    return any(a <= lat <= b and c <= lng <= d for a, b, c, d in _NOT_CHINA_BOXES)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_delta(lat: float, lng: float) -> tuple[float, float]:
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    dlat, dlng = _gcj_delta(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Exact inverse by fixed-point iteration (the one-step inverse is off by up to ~2 m).

    Whether the point was shifted is decided on the WGS-84 result, as the forward conversion does, so
    every point in China goes back exactly, also within a few hundred metres of a border."""
    if not (71.9 <= lng <= 137.94 and 0.72 <= lat <= 55.93):  # the China box, widened by more than any shift
        return lat, lng
    wlat, wlng = lat, lng
    for _ in range(30):
        dlat, dlng = _gcj_delta(wlat, wlng)
        elat, elng = wlat + dlat - lat, wlng + dlng - lng
        wlat, wlng = wlat - elat, wlng - elng
        if abs(elat) < 1e-10 and abs(elng) < 1e-10:
            break
    if out_of_china(wlat, wlng):
        return lat, lng
    return wlat, wlng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """The published one-step inverse (off by up to ~0.3 m), refined by fixed-point iteration."""
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    glat, glng = z * math.sin(theta), z * math.cos(theta)
    for _ in range(10):
        blat, blng = gcj02_to_bd09(glat, glng)
        elat, elng = blat - lat, blng - lng
        glat, glng = glat - elat, glng - elng
        if abs(elat) < 1e-10 and abs(elng) < 1e-10:
            break
    return glat, glng


def to_wgs84(lat: float, lng: float, system: CoordSystem | str) -> tuple[float, float]:
    system = CoordSystem(system)
    if system is CoordSystem.WGS84:
        return lat, lng
    if system is CoordSystem.GCJ02:
        return gcj02_to_wgs84(lat, lng)
    glat, glng = bd09_to_gcj02(lat, lng)
    return gcj02_to_wgs84(glat, glng)


def from_wgs84(lat: float, lng: float, system: CoordSystem | str) -> tuple[float, float]:
    system = CoordSystem(system)
    if system is CoordSystem.WGS84:
        return lat, lng
    glat, glng = wgs84_to_gcj02(lat, lng)
    if system is CoordSystem.GCJ02:
        return glat, glng
    return gcj02_to_bd09(glat, glng)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lng2 - lng1)
    h = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


# --- "near me" index ------------------------------------------------------------------------
# Venues carry a cell number on a fixed 0.01° grid (about 1.1 km × 0.9 km in Jiangsu). An index
# on (geo_cell, lat) turns a radius search into a few short index range scans, which works the
# same on SQLite and PostgreSQL without a spatial extension.
CELL_DEG = 0.01
_CELLS_PER_ROW = 36000  # 360° / CELL_DEG
MAX_CELLS_PER_QUERY = 64


def geo_cell(lat: float, lng: float) -> int:
    row = math.floor((lat + 90.0) / CELL_DEG)
    col = math.floor((lng + 180.0) / CELL_DEG)
    return row * _CELLS_PER_ROW + col


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float


def bounding_box(lat: float, lng: float, radius_m: float) -> BoundingBox:
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlng = math.degrees(radius_m / (EARTH_RADIUS_M * coslat))
    return BoundingBox(lat - dlat, lat + dlat, lng - dlng, lng + dlng)


def cells_covering(box: BoundingBox) -> list[int] | None:
    """The cells a box touches, or None when there are too many to list usefully."""
    r0 = math.floor((box.min_lat + 90.0) / CELL_DEG)
    r1 = math.floor((box.max_lat + 90.0) / CELL_DEG)
    c0 = math.floor((box.min_lng + 180.0) / CELL_DEG)
    c1 = math.floor((box.max_lng + 180.0) / CELL_DEG)
    if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_CELLS_PER_QUERY:
        return None
    return [r * _CELLS_PER_ROW + c for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
