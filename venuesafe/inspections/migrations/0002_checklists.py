from django.db import migrations


def load(apps, schema_editor):
    from venuesafe.inspections.checklist_data import load_checklists

    load_checklists(
        apps.get_model("inspections", "ChecklistItem"),
        apps.get_model("hazards", "HazardType"),
        apps.get_model("venues", "VenueCategory"),
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial"), ("hazards", "0002_hazard_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
