"""validate_wgs84_in_china: both or neither, finite, in range, inside China."""

import math

import pytest
from django.core.exceptions import ValidationError

from venuesafe.core.validators import validate_wgs84_in_china


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        (32.0416, 120.8594),  # Nantong, Chongchuan
        (39.9087, 116.3975),  # Beijing
        (22.5431, 114.0579),  # Shenzhen
        (45.7567, 126.6424),  # Harbin
        (43.8256, 87.6168),  # Urumqi
        (18.2528, 109.5119),  # Sanya
    ],
)
def test_validate_wgs84_in_china__accepts_points_in_china(lat, lng):
    validate_wgs84_in_china(lat, lng)


def test_validate_wgs84_in_china__neither_is_fine():
    validate_wgs84_in_china(None, None)


@pytest.mark.parametrize(("lat", "lng"), [(32.04, None), (None, 120.86)])
def test_validate_wgs84_in_china__half_given_refused(lat, lng):
    with pytest.raises(ValidationError) as exc:
        validate_wgs84_in_china(lat, lng)
    assert exc.value.code == "coords_incomplete"


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        (math.nan, 120.86),
        (32.04, math.nan),
        (math.inf, 120.86),
        (32.04, -math.inf),
        (91.0, 120.86),
        (-90.5, 120.86),
        (32.04, 180.5),
        (32.04, -181.0),
    ],
)
def test_validate_wgs84_in_china__malformed_refused(lat, lng):
    with pytest.raises(ValidationError) as exc:
        validate_wgs84_in_china(lat, lng)
    assert exc.value.code == "coords_malformed"


@pytest.mark.parametrize(
    ("lat", "lng"),
    [
        (35.6812, 139.7671),  # Tokyo
        (51.5074, -0.1278),  # London
        (1.3521, 103.8198),  # Singapore
        (37.5665, 126.9780),  # Seoul
        (21.0278, 105.8342),  # Hanoi
        (40.7128, -74.0060),  # New York
        (0.0, 0.0),  # "null island", a common GPS failure
        (-32.04, 120.86),  # latitude sign lost
    ],
)
def test_validate_wgs84_in_china__outside_china_refused(lat, lng):
    with pytest.raises(ValidationError) as exc:
        validate_wgs84_in_china(lat, lng)
    assert exc.value.code == "coords_outside_china"


def test_validate_wgs84_in_china__swapped_lat_lng_refused():
    # lat/lng swapped: 120.86 is no latitude at all.
    with pytest.raises(ValidationError) as exc:
        validate_wgs84_in_china(120.86, 32.04)
    assert exc.value.code == "coords_malformed"
