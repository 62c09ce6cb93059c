from django.db import migrations

def add_assets(apps, schema_editor):
    from cases.enums import default_assets_ensure

    default_assets_ensure(
        apps.get_model("cases", "Asset"), apps.get_model("cases", "HistoricalAsset")
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0015_resolution")]

    operations = [migrations.RunPython(add_assets, migrations.RunPython.noop)]
