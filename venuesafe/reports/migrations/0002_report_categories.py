from django.db import migrations


def load(apps, schema_editor):
    from venuesafe.reports.reference_data import load_categories

    load_categories(apps.get_model("reports", "ReportCategory"), apps.get_model("hazards", "HazardType"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("hazards", "0002_hazard_catalogue"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
