from django.db import migrations


def load(apps, schema_editor):
    from venuesafe.selfchecks.items_data import load_self_check_items

    load_self_check_items(
        apps.get_model("selfchecks", "SelfCheckItem"),
        apps.get_model("hazards", "HazardType"),
        apps.get_model("venues", "VenueCategory"),
    )


class Migration(migrations.Migration):
    dependencies = [("selfchecks", "0001_initial"), ("hazards", "0004_fix_immediately_label")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
