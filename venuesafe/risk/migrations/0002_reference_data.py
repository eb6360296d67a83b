from django.db import migrations


def load(apps, schema_editor):
    from venuesafe.risk.reference_data import load_risk_reference_data

    load_risk_reference_data(
        apps.get_model("risk", "CategoryRisk"),
        apps.get_model("venues", "VenueCategory"),
        apps.get_model("hazards", "HazardType"),
    )


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial"), ("hazards", "0005_gb35181_elements"), ("venues", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
