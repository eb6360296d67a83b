from django.db import migrations


def shorten(apps, schema_editor):
    apps.get_model("equipment", "DateRule").objects.filter(rule_id="R-EXT-CHECK", warn_days=30).update(warn_days=7)


class Migration(migrations.Migration):
    dependencies = [("equipment", "0002_date_rules")]
    operations = [migrations.RunPython(shorten, migrations.RunPython.noop)]
