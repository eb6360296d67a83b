import datetime as dt

import pytest

from venuesafe.accounts.models import Role
from venuesafe.core import clock
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.notices.models import Notice
from venuesafe.testing.factories import user_with_role, venue
from venuesafe.verifications import services
from venuesafe.verifications.models import AnomalyKind, EventKind, TaskState, VerificationTask

from ..helpers import cid, north


def report_new(world, actor=None, **kwargs):
    kwargs.setdefault("sign_name", "星光网吧")
    kwargs.setdefault("position", north(150))
    return services.task_report(actor=actor or world.street, kind=AnomalyKind.NEW_VENUE, **kwargs)


def test_task_report__new_venue_goes_to_the_grid_of_the_nearest_venue(world):
    task, created = report_new(world, address="陈桥街道新开路1号", note="新开的网吧")
    assert created
    assert task.state == TaskState.OPEN
    assert (task.community, task.grid) == (world.d.comm_a1, world.d.grid_a1a)
    assert task.org_path == world.d.grid_a1a.path
    # The grid's inspector comes before its grid worker.
    assert task.assignee == world.inspector
    assert task.due_at == task.reported_at + dt.timedelta(minutes=120)
    assert list(task.events.values_list("kind", flat=True)) == [EventKind.REPORTED]
    notice = Notice.objects.get(recipient=world.inspector)
    assert "星光网吧" in notice.title
    assert notice.url == f"/verifications/{task.pk}/"


def test_task_report__target_minutes_come_from_settings(world, settings):
    settings.VERIFICATION_TARGET_MINUTES = 30
    task, _ = report_new(world)
    assert task.due_at - task.reported_at == dt.timedelta(minutes=30)


def test_task_report__existing_venue_goes_to_its_own_inspector_first(world):
    own = user_with_role(Role.INSPECTOR, world.d.comm_a1, full_name="社区巡查员")
    world.venue.inspector = own
    world.venue.save()
    task, _ = services.task_report(
        actor=world.grid_worker, kind=AnomalyKind.CHANGED_SIGN, venue=world.venue, sign_name="王记面馆"
    )
    assert task.assignee == own
    assert task.venue == world.venue


def test_task_report__grid_worker_when_the_grid_has_no_inspector(world):
    world.inspector.role_assignments.update(is_active=False)
    task, _ = services.task_report(actor=world.street, kind=AnomalyKind.CLOSED, venue=world.venue)
    assert task.assignee == world.grid_worker


def test_task_report__nobody_to_assign_tells_the_community_staff(world):
    world.inspector.role_assignments.update(is_active=False)
    world.grid_worker.role_assignments.update(is_active=False)
    task, _ = services.task_report(actor=world.street, kind=AnomalyKind.CLOSED, venue=world.venue)
    assert task.assignee is None
    assert Notice.objects.filter(recipient=world.comm, url=f"/verifications/{task.pk}/").count() == 1


def test_task_report__far_from_any_venue_uses_the_reporters_own_grid(world):
    task, _ = report_new(world, actor=world.inspector_a2, position=north(5000))
    assert task.grid == world.d.grid_a2a
    assert task.assignee == world.inspector_a2


def test_task_report__far_from_any_venue_and_no_own_grid_asks_for_the_place(world):
    with pytest.raises(InvalidInput) as exc:
        report_new(world, actor=world.street, position=north(5000))
    assert exc.value.code == "place_unknown"
    task, _ = report_new(world, actor=world.street, position=north(5000), org_unit=world.d.grid_a2a)
    assert task.grid == world.d.grid_a2a


def test_task_report__chosen_place_must_be_in_the_reporters_area(world):
    with pytest.raises(InvalidInput) as exc:
        report_new(world, actor=world.street, org_unit=world.d.grid_b1a)
    assert "org_unit" in exc.value.fields


@pytest.mark.parametrize("role", [Role.MERCHANT, Role.DEPARTMENT_VIEWER])
def test_task_report__only_territorial_staff_may_report(world, role):
    from venuesafe.org.models import Department

    dept = Department.objects.first() if role == Role.DEPARTMENT_VIEWER else None
    user = user_with_role(role, world.d.comm_a1, department=dept)
    with pytest.raises(NotAllowed):
        report_new(world, actor=user)
    assert not VerificationTask.objects.exists()


def test_task_report__retry_with_the_same_client_id_creates_one_task(world):
    key = cid()
    first, created = report_new(world, client_id=key)
    again, created_again = report_new(world, client_id=key)
    assert created and not created_again
    assert again.pk == first.pk
    assert VerificationTask.objects.count() == 1
    with pytest.raises(StateConflict) as exc:
        report_new(world, actor=world.comm, client_id=key)
    assert exc.value.code == "client_id_taken"


def test_task_report__kind_specific_requirements(world):
    with pytest.raises(InvalidInput) as exc:
        services.task_report(actor=world.street, kind=AnomalyKind.CHANGED_SIGN, venue=world.venue)
    assert "sign_name" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        services.task_report(actor=world.street, kind=AnomalyKind.OTHER, venue=world.venue)
    assert "note" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        services.task_report(actor=world.street, kind=AnomalyKind.CLOSED)
    assert "venue" in exc.value.fields
    with pytest.raises(InvalidInput) as exc:
        services.task_report(actor=world.street, kind=AnomalyKind.NEW_VENUE, sign_name="无地址小店")
    assert "address" in exc.value.fields


def test_task_report__venue_of_another_district_is_not_found(world):
    from venuesafe.core.errors import OutOfScope
    from venuesafe.org.models import OrgLevel
    from venuesafe.testing.factories import org_unit

    other = org_unit(OrgLevel.DISTRICT)
    street = org_unit(OrgLevel.STREET, other)
    comm = org_unit(OrgLevel.COMMUNITY, street)
    far_venue = venue(comm, sign_name="外区小店")
    with pytest.raises(OutOfScope):
        services.task_report(actor=world.street, kind=AnomalyKind.CLOSED, venue=far_venue)


def test_task_report__reported_time_is_the_clock(world):
    task, _ = report_new(world)
    assert abs((clock.now() - task.reported_at).total_seconds()) < 5
