"""The demo exchange ledger's models move to the `demo` app (issue 12): Django forgets them here
but the tables stay, rows and all. `demo` 0001 takes them over under the same table names, so
nothing is copied or lost; without the `demo` app (production) the tables simply stay unused.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_message_author_label_fits_an_email"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LedgerAction"),
                migrations.DeleteModel(name="LedgerRecord"),
                migrations.DeleteModel(name="LedgerPrice"),
                migrations.DeleteModel(name="LedgerAccount"),
            ],
            database_operations=[],
        ),
    ]
