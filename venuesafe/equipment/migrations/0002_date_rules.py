from django.db import migrations


def load(apps, schema_editor):
    from venuesafe.equipment.rules_data import load_date_rules

    load_date_rules(apps.get_model("equipment", "DateRule"), apps.get_model("hazards", "HazardType"))


class Migration(migrations.Migration):
    dependencies = [("equipment", "0001_initial"), ("hazards", "0004_fix_immediately_label")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
