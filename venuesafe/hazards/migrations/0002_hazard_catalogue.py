from django.db import migrations


def load(apps, schema_editor):
    from venuesafe.hazards.catalogue_data import load_hazard_catalogue

    load_hazard_catalogue(apps.get_model("hazards", "HazardType"), apps.get_model("venues", "VenueCategory"))


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_initial"), ("venues", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
