"""Fill the monthly rollup and the community tallies from the rows already there (an upgrade must
not show empty figures until the nightly rebuild). Historical models only: the live code may
describe a later schema."""

from django.db import migrations
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

SUMS = ("found", "closed", "closed_on_time", "rectification_us")
FIVE_ELEMENTS = 5


def fill(apps, schema_editor):
    HazardDay = apps.get_model("dashboard", "HazardDay")
    HazardMonth = apps.get_model("dashboard", "HazardMonth")
    ArchiveTally = apps.get_model("dashboard", "ArchiveTally")
    PunchInDay = apps.get_model("dashboard", "PunchInDay")
    Venue = apps.get_model("venues", "Venue")
    VenueMerchant = apps.get_model("venues", "VenueMerchant")
    VenueRisk = apps.get_model("risk", "VenueRisk")
    SelfCheck = apps.get_model("selfchecks", "SelfCheck")
    OrgUnit = apps.get_model("org", "OrgUnit")

    months = (
        HazardDay.objects.annotate(month=TruncMonth("day"))
        .values_list("community_id", "community_path", "month", "hazard_type_id")
        .annotate(*(Sum(f) for f in SUMS))
        .order_by()
    )
    HazardMonth.objects.bulk_create(
        [
            HazardMonth(community_id=c, community_path=p, month=m, hazard_type_id=t, **dict(zip(SUMS, s, strict=True)))
            for c, p, m, t, *s in months
        ],
        batch_size=5000,
    )

    paths = dict(OrgUnit.objects.values_list("pk", "path"))
    bound = Exists(VenueMerchant.objects.filter(venue_id=OuterRef("pk")))
    level = VenueRisk.objects.filter(venue_id=OuterRef("pk")).values("level")[:1]
    groups = (
        Venue.objects.annotate(
            complete=ExpressionWrapper(Q(elements_present=FIVE_ELEMENTS), output_field=BooleanField()),
            bound=bound,
            level=level,
        )
        .values_list("grid_id", "community_id", "level", "business_status", "complete", "bound")
        .annotate(n=Count("id"))
        .order_by()
    )
    ArchiveTally.objects.bulk_create(
        [
            ArchiveTally(
                area_id=g or c,
                community_id=c,
                community_path=paths.get(c, ""),
                risk_level=lv or "",
                business_status=st,
                complete=cp,
                bound=b,
                venues=n,
            )
            for g, c, lv, st, cp, b, n in groups
        ],
        batch_size=5000,
    )

    today = timezone.localdate()
    punched = (
        Venue.objects.filter(business_status="open")
        .filter(bound)
        .filter(Exists(SelfCheck.objects.filter(venue_id=OuterRef("pk"), day=today)))
        .values_list("grid_id", "community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    PunchInDay.objects.bulk_create(
        [
            PunchInDay(area_id=g or c, community_id=c, community_path=paths.get(c, ""), day=today, punched=n)
            for g, c, n in punched
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_month_rollup_and_tallies"),
        ("venues", "0004_dashboard_indexes"),
        ("risk", "0002_reference_data"),
        ("selfchecks", "0003_dashboard_indexes"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
