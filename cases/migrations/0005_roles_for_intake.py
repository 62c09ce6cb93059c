import importlib

from django.db import migrations


def sync_roles(apps, schema_editor):
    # The same step as 0002, for the roles' new permissions (API client, intake history).
    importlib.import_module("cases.migrations.0002_roles_and_reference_sequence").create_roles(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_intake")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
