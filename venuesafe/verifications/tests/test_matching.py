import pytest

from venuesafe.core import geo
from venuesafe.testing.factories import venue
from venuesafe.verifications import selectors, services
from venuesafe.verifications.matching import name_similarity, names_similar, normalise_name
from venuesafe.verifications.models import AnomalyKind, VerificationTask

from .helpers import BASE_LAT, BASE_LNG, north


def matches(world, name, position, licence=""):
    return selectors.duplicate_matches(
        user=world.inspector, name=name, lat=position.lat, lng=position.lng, licence_no=licence, radius_m=30
    )


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("老王面馆", "老王面"),
        ("老王 面馆（陈桥店）", "老王面"),
        ("南通市星光网络科技有限公司", "南通市星光网络科技"),
        ("ＡＢＣ便利店", "abc"),
        ("店", "店"),  # a bare suffix is not stripped to nothing
    ],
)
def test_normalise_name(raw, normalised):
    assert normalise_name(raw) == normalised


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("老王面馆", "老王面馆（陈桥店）", True),  # containment after normalising
        ("老王面馆", "老王拉面馆", True),  # ratio 0.86
        ("老王面馆", "王记面馆", True),  # ratio 0.67: a renamed shop may keep part of its name
        ("老王面馆", "老李烧烤", False),  # ratio 0.29
        ("老王面馆", "星光网吧", False),
        ("", "老王面馆", False),
    ],
)
def test_names_similar(a, b, similar):
    assert names_similar(a, b) is similar


def test_name_similarity__containment_counts_as_full():
    assert name_similarity("阿香米线", "阿香米线二店") == 1.0


def test_duplicate_matches__similar_name_at_25_m_is_offered(world):
    found = matches(world, "老王面馆", north(25))
    assert [m.venue for m in found] == [world.venue]
    assert found[0].reasons == ("similar_name_nearby",)
    assert 24.5 < found[0].distance_m < 25.5


def test_duplicate_matches__similar_name_at_40_m_is_not(world):
    assert matches(world, "老王面馆", north(40)) == []


def test_duplicate_matches__different_name_nearby_is_not(world):
    assert matches(world, "星光网吧", north(5)) == []


def test_duplicate_matches__same_licence_far_away_is_offered(world, district):
    code = "JY13206020099001"  # factory USCCs repeat every 31 venues
    far = venue(district.comm_a2, district.grid_a2a, sign_name="另一家店", licence_no=code, lat=BASE_LAT + 0.05)
    found = matches(world, "星光网吧", north(5), licence=code.lower())
    assert [m.venue for m in found] == [far]
    assert found[0].reasons == ("same_licence",)
    assert found[0].distance_m > 5000
    assert geo.distance_m(BASE_LAT, BASE_LNG, far.lat, far.lng) > 5000


def test_duplicate_matches__licence_in_another_district_is_not_searched(world):
    from venuesafe.org.models import OrgLevel
    from venuesafe.testing.factories import org_unit

    other = org_unit(OrgLevel.COMMUNITY, org_unit(OrgLevel.STREET, org_unit(OrgLevel.DISTRICT)))
    code = "JY13206020099002"
    venue(other, sign_name="外区店", licence_no=code)
    assert matches(world, "星光网吧", north(5), licence=code) == []


def test_task_report__possible_duplicate_is_offered_before_anything_is_saved(world):
    with pytest.raises(services.PossibleDuplicates) as exc:
        services.task_report(
            actor=world.street, kind=AnomalyKind.NEW_VENUE, sign_name="老王面馆（新店）", position=north(20)
        )
    assert exc.value.status == 409
    assert [m["venue_id"] for m in exc.value.extra["matches"]] == [world.venue.pk]
    assert not VerificationTask.objects.exists()


def test_task_report__confirm_new_files_it_and_remembers_the_declined_match(world):
    task, _ = services.task_report(
        actor=world.street,
        kind=AnomalyKind.NEW_VENUE,
        sign_name="老王面馆（新店）",
        position=north(20),
        confirm_new=True,
    )
    assert task.kind == AnomalyKind.NEW_VENUE
    assert task.declined_matches == [world.venue.pk]


def test_task_report__it_is_this_venue_becomes_a_report_on_it(world):
    task, _ = services.task_report(
        actor=world.street,
        kind=AnomalyKind.NEW_VENUE,
        sign_name="王记面馆",
        position=north(20),
        matched_venue=world.venue,
    )
    assert task.venue == world.venue
    assert task.kind == AnomalyKind.CHANGED_SIGN
    same, _ = services.task_report(
        actor=world.street, kind=AnomalyKind.NEW_VENUE, sign_name="老王面馆", matched_venue=world.venue
    )
    assert same.kind == AnomalyKind.OTHER
