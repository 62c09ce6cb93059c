import importlib

from django.db import migrations


def sync_roles(apps, schema_editor):
    # The roles now hold permissions of this app (the mail quarantine); the same step as
    # cases 0002, run once these models exist.
    importlib.import_module("cases.migrations.0002_roles_and_reference_sequence").create_roles(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("intake_channels", "0002_history_reason_text"),
        ("cases", "0006_history_reason_text"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
