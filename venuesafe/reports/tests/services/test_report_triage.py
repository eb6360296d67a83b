import pytest

from venuesafe.core.errors import InvalidInput, OutOfScope, StateConflict
from venuesafe.hazards.models import EventKind, HazardPhoto, HazardSource, HazardState
from venuesafe.hazards.services import ResponsibleParty, hazard_dispatch
from venuesafe.reports.models import ReportState
from venuesafe.reports.selectors import public_report_status, public_status, report_triage_list
from venuesafe.reports.services import report_accept, report_dismiss, report_merge, report_submit
from venuesafe.testing.factories import found_hazard, make_photo

from ..conftest import A1_POINT

pytestmark = pytest.mark.django_db


def _report(world, **kwargs):
    kwargs.setdefault("category", world.fire_exit)
    kwargs.setdefault("description", "消防通道堆满杂物")
    kwargs.setdefault("lat", A1_POINT[0] + 0.0002)
    kwargs.setdefault("lng", A1_POINT[1])
    kwargs.setdefault("photos", [make_photo()])
    return report_submit(**kwargs)


def test_report_accept__creates_hazard_in_loop(report_world):
    report = _report(report_world)
    hazard = report_accept(user=report_world.staff_a1, report=report, venue=report_world.venue_a1)
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED and report.hazard == hazard and report.venue == report_world.venue_a1
    assert report.triaged_by == report_world.staff_a1 and report.version == 2
    assert hazard.state == HazardState.FOUND
    assert hazard.source == HazardSource.RESIDENT_REPORT
    assert hazard.hazard_type.code == "EVA-01"  # the category's default
    assert report.reference in hazard.description
    assert HazardPhoto.objects.filter(hazard=hazard).count() == 1
    assert (hazard.found_lat, hazard.found_lng) == (report.lat, report.lng)
    assert public_status(report) == "open"


def test_report_accept__needs_a_venue_and_a_type(report_world):
    report = _report(report_world, category=report_world.other)
    with pytest.raises(InvalidInput) as exc:
        report_accept(user=report_world.staff_a1, report=report)
    assert exc.value.code == "venue_required"
    report.category.hazard_type = None
    report.category.save()
    with pytest.raises(InvalidInput) as exc:
        report_accept(user=report_world.staff_a1, report=report, venue=report_world.venue_a1)
    assert exc.value.code == "hazard_type_required"
    report.refresh_from_db()
    assert report.state == ReportState.NEW


def test_report_accept__other_community_staff_cannot(report_world):
    report = _report(report_world)
    with pytest.raises(OutOfScope):
        report_accept(user=report_world.staff_a2, report=report, venue=report_world.venue_a1)
    with pytest.raises(OutOfScope):
        report_accept(user=report_world.street_b, report=report, venue=report_world.venue_a1)
    with pytest.raises(OutOfScope):  # an inspector of the community does not triage
        report_accept(user=report_world.inspector_a1, report=report, venue=report_world.venue_a1)
    # The street office above the community may.
    report_accept(user=report_world.street_a, report=report, venue=report_world.venue_a1)


def test_report_accept__venue_outside_the_users_area(report_world):
    report = _report(report_world)
    with pytest.raises(InvalidInput) as exc:
        report_accept(user=report_world.staff_a1, report=report, venue=report_world.venue_a2)
    assert exc.value.code == "venue_out_of_scope"


def test_report_triage__only_from_new(report_world):
    report = _report(report_world)
    report_dismiss(user=report_world.staff_a1, report=report, reason="现场核实无此情况")
    for call in (
        lambda: report_accept(user=report_world.staff_a1, report=report, venue=report_world.venue_a1),
        lambda: report_dismiss(user=report_world.staff_a1, report=report, reason="again"),
    ):
        with pytest.raises(StateConflict) as exc:
            call()
        assert exc.value.status == 409
        assert exc.value.extra == {"current_state": "dismissed", "version": 2}


def test_report_triage__stale_version(report_world):
    report = _report(report_world)
    with pytest.raises(StateConflict) as exc:
        report_dismiss(user=report_world.staff_a1, report=report, reason="x", expected_version=7)
    assert exc.value.code == "stale_version"


def test_report_dismiss__reason_required_and_shown(report_world):
    report = _report(report_world)
    with pytest.raises(InvalidInput):
        report_dismiss(user=report_world.staff_a1, report=report, reason="  ")
    report_dismiss(user=report_world.staff_a1, report=report, reason="该处为住宅楼道，已转物业处理")
    status = public_report_status(report)
    assert status.status == "closed"
    assert status.dismiss_reason == "该处为住宅楼道，已转物业处理"


def test_report_merge__links_and_notes_the_hazard(report_world):
    hazard = found_hazard(report_world.venue_a1, report_world.inspector_a1, code="EVA-01")
    report = _report(report_world)
    merged = report_merge(user=report_world.staff_a1, report=report, hazard=hazard)
    report.refresh_from_db()
    assert merged == hazard and report.state == ReportState.MERGED and report.hazard == hazard
    last = hazard.events.order_by("-at", "-id").first()
    assert last.kind == EventKind.RECORDED_AGAIN and report.reference in last.note
    assert report.venue == report_world.venue_a1


def test_report_merge__closed_hazard_refused(report_world):
    hazard = found_hazard(report_world.venue_a1, report_world.inspector_a1, code="EVA-01")
    hazard.state = HazardState.CLOSED
    hazard.save()
    report = _report(report_world)
    with pytest.raises(InvalidInput) as exc:
        report_merge(user=report_world.staff_a1, report=report, hazard=hazard)
    assert exc.value.code == "hazard_not_open"


def test_public_status__follows_the_loop(report_world):
    report = _report(report_world)
    status = public_report_status(report)
    assert [s.code for s in status.stages if s.done] == ["received"]
    hazard = report_accept(user=report_world.staff_a1, report=report, venue=report_world.venue_a1)
    hazard_dispatch(
        hazard=hazard, actor=report_world.staff_a1, party=ResponsibleParty(community=report_world.d.comm_a1)
    )
    report.refresh_from_db()
    status = public_report_status(report)
    assert [s.code for s in status.stages if s.done] == ["received", "accepted", "dispatched"]
    assert status.status == "open"
    assert next(s for s in status.stages if s.current).code == "dispatched"
    hazard.state = HazardState.CLOSED
    hazard.save()
    report.refresh_from_db()
    assert public_status(report) == "closed"


def test_triage_list__scoped(report_world):
    a1 = _report(report_world)
    far = _report(report_world, lat=A1_POINT[0] - 0.009, ip="192.0.2.44")  # street level
    assert list(report_triage_list(user=report_world.staff_a1)) == [a1]
    assert list(report_triage_list(user=report_world.staff_a2)) == []
    assert set(report_triage_list(user=report_world.street_a)) == {a1, far}
    assert list(report_triage_list(user=report_world.street_b)) == []
