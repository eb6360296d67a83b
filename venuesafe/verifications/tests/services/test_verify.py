import pytest

from venuesafe.accounts.models import Role
from venuesafe.core.errors import InvalidInput, NotAllowed, StateConflict
from venuesafe.notices.models import Notice
from venuesafe.testing.factories import make_photo, make_uscc, user_with_role
from venuesafe.venues.models import BusinessStatus, Venue
from venuesafe.verifications import services
from venuesafe.verifications.models import AnomalyKind, EventKind, TaskState

from ..helpers import cid, north


@pytest.fixture
def new_task(world):
    task, _ = services.task_report(
        actor=world.street,
        kind=AnomalyKind.NEW_VENUE,
        sign_name="星光网吧",
        category=world.shop,
        address="陈桥街道新开路1号",
        position=north(150),
        photo=make_photo(),
    )
    return task


def test_task_verify__new_venue_is_archived_with_five_elements_at_the_phone_position(world, new_task):
    licence = make_uscc(4242)
    where = north(152)
    task = services.task_verify(
        task=new_task, actor=world.inspector, position=where, client_id=cid(), licence_no=licence
    )
    assert task.state == TaskState.VERIFIED
    assert task.on_site
    venue = task.venue
    assert venue.sign_name == "星光网吧"
    assert venue.licence_no == licence
    assert venue.is_complete  # the report's photo became the archive's photo
    assert (venue.lat, venue.lng, venue.location_source) == (where.lat, where.lng, "gps")
    assert (venue.community, venue.grid) == (world.d.comm_a1, world.d.grid_a1a)
    assert venue.created_by == world.inspector
    assert list(task.events.values_list("kind", flat=True)) == [EventKind.REPORTED, EventKind.VERIFIED]
    # The reporter hears back.
    assert Notice.objects.filter(recipient=world.street, url=f"/verifications/{task.pk}/").count() == 1


def test_task_verify__new_venue_needs_a_category(world):
    task, _ = services.task_report(
        actor=world.street, kind=AnomalyKind.NEW_VENUE, sign_name="无名小店", position=north(150)
    )
    with pytest.raises(InvalidInput) as exc:
        services.task_verify(task=task, actor=world.inspector, position=north(150))
    assert "category" in exc.value.fields
    task.refresh_from_db()
    assert task.state == TaskState.OPEN
    assert not Venue.objects.filter(sign_name="无名小店").exists()


def test_task_verify__changed_sign_corrects_the_archive_with_reason_verification(world):
    task, _ = services.task_report(
        actor=world.grid_worker, kind=AnomalyKind.CHANGED_SIGN, venue=world.venue, sign_name="王记面馆"
    )
    services.task_verify(task=task, actor=world.inspector, position=north(3), sign_name="王记面馆")
    world.venue.refresh_from_db()
    assert world.venue.sign_name == "王记面馆"
    record = world.venue.history.order_by("-history_date", "-history_id").first()
    assert record.history_change_reason == "verification"
    assert record.history_user == world.inspector
    task.refresh_from_db()
    assert task.changes == {"sign_name": ["老王面馆", "王记面馆"]}


def test_task_verify__closed_shop_is_deregistered(world):
    task, _ = services.task_report(actor=world.comm, kind=AnomalyKind.CLOSED, venue=world.venue)
    services.task_verify(task=task, actor=world.grid_worker, position=north(2))
    world.venue.refresh_from_db()
    assert world.venue.business_status == BusinessStatus.CLOSED


def test_task_verify__wrong_location_moves_the_venue_to_the_phone(world):
    task, _ = services.task_report(
        actor=world.comm, kind=AnomalyKind.WRONG_LOCATION, venue=world.venue, position=north(60)
    )
    where = north(61)
    services.task_verify(task=task, actor=world.inspector, position=where)
    world.venue.refresh_from_db()
    assert (world.venue.lat, world.venue.lng) == (where.lat, where.lng)


def test_task_verify__nothing_different_asks_to_dismiss(world):
    task, _ = services.task_report(actor=world.comm, kind=AnomalyKind.OTHER, venue=world.venue, note="地址不对")
    with pytest.raises(InvalidInput) as exc:
        services.task_verify(task=task, actor=world.inspector, position=north(1), address=world.venue.address)
    assert exc.value.code == "nothing_changed"


def test_task_verify__requires_the_phone_position(world, new_task):
    with pytest.raises(InvalidInput) as exc:
        services.task_verify(task=new_task, actor=world.inspector, position=None)
    assert exc.value.code == "position_required"


def test_task_verify__retry_with_the_same_client_id_is_answered_not_repeated(world, new_task):
    key = cid()
    first = services.task_verify(task=new_task, actor=world.inspector, position=north(150), client_id=key)
    again = services.task_verify(task=new_task, actor=world.inspector, position=north(150), client_id=key)
    assert again.venue_id == first.venue_id
    assert Venue.objects.filter(sign_name="星光网吧").count() == 1
    assert new_task.events.filter(kind=EventKind.VERIFIED).count() == 1
    # Another verification (another client id) finds the task closed.
    with pytest.raises(StateConflict) as exc:
        services.task_verify(task=new_task, actor=world.grid_worker, position=north(150), client_id=cid())
    assert exc.value.extra["current_state"] == TaskState.VERIFIED


def test_task_dismiss__needs_a_reason_and_closes_the_task(world, new_task):
    with pytest.raises(InvalidInput):
        services.task_dismiss(task=new_task, actor=world.inspector, reason="  ")
    task = services.task_dismiss(task=new_task, actor=world.inspector, reason="是老店换了招牌", position=north(150))
    assert task.state == TaskState.DISMISSED
    assert task.on_site
    with pytest.raises(StateConflict):
        services.task_verify(task=task, actor=world.inspector, position=north(150))


def test_task_verify__staff_of_another_community_may_not(world, new_task):
    with pytest.raises(NotAllowed):
        services.task_verify(task=new_task, actor=world.comm_a2, position=north(150))
    with pytest.raises(NotAllowed):
        services.task_dismiss(task=new_task, actor=world.inspector_a2, reason="不是我们的")
    outsider = user_with_role(Role.MERCHANT, world.d.comm_a1)
    with pytest.raises(NotAllowed):
        services.task_dismiss(task=new_task, actor=outsider, reason="x")


def test_task_verify__community_staff_and_street_office_may(world, new_task):
    assert services.may_close(new_task, world.comm)
    assert services.may_close(new_task, world.street)
    assert not services.may_close(new_task, world.street_b)
