import datetime as dt
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from venuesafe.core.errors import InvalidInput
from venuesafe.notices.models import Notice
from venuesafe.reports.models import ReportPhoto, ReportState, ResidentReport
from venuesafe.reports.services import RateLimited, ip_hash, report_submit
from venuesafe.testing.factories import make_image_bytes, make_photo

from ..conftest import A1_POINT, A2_POINT

pytestmark = pytest.mark.django_db


def _submit(world, **kwargs):
    kwargs.setdefault("category", world.fire_exit)
    kwargs.setdefault("description", "楼道被纸箱堵死了")
    kwargs.setdefault("lat", A1_POINT[0] + 0.0005)  # ~55 m from the A1 venue
    kwargs.setdefault("lng", A1_POINT[1])
    kwargs.setdefault("ip", "203.0.113.7")
    return report_submit(**kwargs)


def test_report_submit__located_to_nearest_venue_community(report_world):
    report = _submit(report_world, photos=[make_photo()], contact_phone="139 1234 5678")
    assert report.state == ReportState.NEW
    assert report.community == report_world.d.comm_a1
    assert report.org_path == report_world.d.comm_a1.path
    assert report.contact_phone == "13912345678"
    assert report.photos.count() == 1
    assert len(report.reference) == 9 and report.reference[4] == "-"
    assert not set(report.reference) & set("01OI")
    # The address is kept only as a keyed hash.
    assert report.ip_hash == ip_hash("203.0.113.7") and "203.0.113.7" not in report.ip_hash


def test_report_submit__other_community_point(report_world):
    report = _submit(report_world, lat=A2_POINT[0], lng=A2_POINT[1] + 0.001)
    assert report.community == report_world.d.comm_a2


def test_report_submit__far_from_venues_goes_to_street_then_district(report_world, settings):
    settings.REPORTS_LOCATE_RADIUS_M = 300
    # ~1 km from the A1 venue: its street office triages.
    street = _submit(report_world, lat=A1_POINT[0] - 0.009, lng=A1_POINT[1])
    assert street.community is None
    assert street.org_path == report_world.d.street_a.path
    # Far from everything, or an address only: the district triages.
    far = _submit(report_world, lat=31.5, lng=120.2, ip="203.0.113.8")
    assert far.org_path == report_world.d.district.path
    address_only = _submit(report_world, lat=None, lng=None, address_string="幸福路12号", ip="203.0.113.9")
    assert address_only.org_path == report_world.d.district.path


def test_report_submit__venue_from_qr_gives_location_and_community(report_world):
    report = _submit(report_world, lat=None, lng=None, venue=report_world.venue_a2)
    assert report.venue == report_world.venue_a2
    assert report.community == report_world.d.comm_a2
    assert (report.lat, report.lng) == (report_world.venue_a2.lat, report_world.venue_a2.lng)


def test_report_submit__notifies_community_staff(report_world):
    report = _submit(report_world)
    notices = Notice.objects.filter(dedupe_key=f"resident_report:{report.pk}")
    assert [n.recipient for n in notices] == [report_world.staff_a1]
    assert report.reference in notices[0].title


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": ""}, "description"),
        ({"lat": None, "lng": None}, "location"),
        ({"lat": 1.3, "lng": 103.8}, "lat"),  # Singapore: outside China
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"category": "no-such-category"}, "category"),
        ({"client_token": "xyz"}, "client_token"),
    ],
)
def test_report_submit__invalid_input_saves_nothing(report_world, kwargs, field):
    with pytest.raises(InvalidInput) as exc:
        _submit(report_world, **kwargs)
    assert field in exc.value.fields
    assert ResidentReport.objects.count() == 0


def test_report_submit__bad_photo_refused(report_world):
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(InvalidInput) as exc:
        _submit(report_world, photos=[fake])
    assert exc.value.code == "photo_not_image"
    gif = SimpleUploadedFile("x.gif", make_image_bytes("GIF"), content_type="image/gif")
    with pytest.raises(InvalidInput) as exc:
        _submit(report_world, photos=[gif])
    assert exc.value.code == "photo_format"
    assert ResidentReport.objects.count() == 0 and ReportPhoto.objects.count() == 0


@override_settings(REPORTS_PHOTO_MAX_BYTES=500)
def test_report_submit__photo_over_size_refused(report_world):
    big = SimpleUploadedFile("big.png", make_image_bytes("PNG", size=(300, 300)), content_type="image/png")
    assert big.size > 500
    with pytest.raises(InvalidInput) as exc:
        _submit(report_world, photos=[big])
    assert exc.value.code == "photo_too_large"
    assert ResidentReport.objects.count() == 0


def test_report_submit__too_many_photos(report_world, settings):
    settings.REPORTS_MAX_PHOTOS = 2
    with pytest.raises(InvalidInput) as exc:
        _submit(report_world, photos=[make_photo(), make_photo(), make_photo()])
    assert exc.value.code == "too_many_photos"


def test_report_submit__same_client_token_returns_first_report(report_world):
    token = uuid.uuid4()
    first = _submit(report_world, client_token=token, photos=[make_photo()])
    again = _submit(report_world, client_token=str(token), photos=[make_photo()])
    assert again.pk == first.pk
    assert ResidentReport.objects.count() == 1
    assert ReportPhoto.objects.count() == 1


def test_report_submit__rate_limit_per_address_hour_and_day(report_world, settings):
    settings.REPORTS_RATE_PER_HOUR = 2
    settings.REPORTS_RATE_PER_DAY = 3
    start = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _submit(report_world)
        _submit(report_world)
        with pytest.raises(RateLimited) as exc:
            _submit(report_world)
        assert exc.value.status == 429
        # Another address (and no device cookie) is not affected.
        _submit(report_world, ip="198.51.100.1")
    with time_machine.travel(start + dt.timedelta(hours=1, minutes=1), tick=False):
        _submit(report_world)
        with pytest.raises(RateLimited):  # 3 a day
            _submit(report_world)
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        _submit(report_world)
    assert ResidentReport.objects.filter(ip_hash=ip_hash("203.0.113.7")).count() == 4


def test_report_submit__rate_limit_per_device_across_addresses(report_world, settings):
    settings.REPORTS_RATE_PER_HOUR = 2
    device = str(uuid.uuid4())
    _submit(report_world, device_id=device, ip="192.0.2.1")
    _submit(report_world, device_id=device, ip="192.0.2.2")
    with pytest.raises(RateLimited):
        _submit(report_world, device_id=device, ip="192.0.2.3")
    assert ResidentReport.objects.count() == 2


def test_report_submit__required_attribute(report_world):
    cat = report_world.fire_exit
    cat.attributes = [
        {
            "code": "floor",
            "datatype": "singlevaluelist",
            "required": True,
            "description": "楼层",
            "order": 1,
            "values": [{"key": "1", "name": "一楼"}, {"key": "2", "name": "二楼"}],
        }
    ]
    cat.save()
    with pytest.raises(InvalidInput) as exc:
        _submit(report_world)
    assert "attribute[floor]" in exc.value.fields
    with pytest.raises(InvalidInput):
        _submit(report_world, attributes={"floor": "9"})
    report = _submit(report_world, attributes={"floor": "2", "unknown": "x"})
    assert report.attributes == {"floor": "2"}
