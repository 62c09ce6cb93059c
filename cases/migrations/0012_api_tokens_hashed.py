"""API tokens move from DRF's authtoken (keys in clear) to knox's digests with an expiry.

Each existing key is hashed into knox's table (SHA-512, as knox hashes a presented key) with
the default expiry from now, so the exchange's integrations keep working until then; then the
clear-text table is dropped. The hash is written out here rather than imported, so that this
migration keeps meaning what it meant if knox's defaults ever change.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

CLEAR_TABLE = "authtoken_token"
KNOX_KEY_LENGTH = 15  # knox.settings.CONSTANTS.TOKEN_KEY_LENGTH


def hash_clear_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if CLEAR_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    expiry = timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id FROM {CLEAR_TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    AuthToken.objects.bulk_create(
        [
            AuthToken(
                digest=hashlib.sha512(key.encode()).hexdigest(),
                token_key=key[:KNOX_KEY_LENGTH],
                user_id=user_id,
                expiry=expiry,
            )
            for key, user_id in rows
        ],
        ignore_conflicts=True,
    )
    schema_editor.execute(f"DROP TABLE {CLEAR_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_no_truncate"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("knox.authtoken",),
        ),
        # Irreversible by nature: the clear keys are gone once hashed.
        migrations.RunPython(hash_clear_tokens, migrations.RunPython.noop),
    ]
