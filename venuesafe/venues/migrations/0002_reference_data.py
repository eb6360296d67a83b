from django.db import migrations


def load(apps, schema_editor):
    from venuesafe.venues.reference_data import load_reference_data

    load_reference_data(
        apps.get_model("venues", "VenueCategory"),
        apps.get_model("org", "Department"),
        apps.get_model("venues", "CategoryDepartment"),
    )


class Migration(migrations.Migration):
    dependencies = [("venues", "0001_initial"), ("org", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
