"""The demo exchange ledger, taken over from `cases` (issue 12) without touching the database.

The tables were created by `cases` 0009 and keep their names (`db_table`), their constraints
and their index; `cases` 0014 made Django forget the models there, and this migration only
tells Django they now live here (state only, no SQL). Existing rows stay as they are.

The content types of the four models move with them (`cases` -> `demo`), so their permissions
keep their ids and whoever was granted one keeps it. On a new database there is nothing to move:
content types are created after the migrations.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

LEDGER_MODELS = ("ledgeraccount", "ledgeraction", "ledgerprice", "ledgerrecord")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(
        ContentType.objects.filter(app_label="demo", model__in=LEDGER_MODELS).values_list(
            "model", flat=True
        )
    )
    ContentType.objects.filter(app_label="cases", model__in=LEDGER_MODELS).exclude(
        model__in=taken
    ).update(app_label="demo")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="demo", model__in=LEDGER_MODELS).update(
        app_label="cases"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cases", "0014_ledger_moves_to_demo"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LedgerAccount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('account_id', models.CharField(max_length=64, unique=True, verbose_name='exchange account id')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='email')),
                        ('status', models.CharField(choices=[('active', 'Active'), ('frozen', 'Frozen'), ('restricted', 'Restricted (withdrawals disabled)'), ('closed', 'Closed')], default='active', max_length=16, verbose_name='status')),
                        ('kyc_level', models.PositiveSmallIntegerField(default=1, verbose_name='KYC level')),
                        ('opened_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='opened')),
                    ],
                    options={
                        'verbose_name': 'demo exchange account',
                        'verbose_name_plural': 'demo exchange accounts',
                        'db_table': 'cases_ledgeraccount',
                    },
                ),
                migrations.CreateModel(
                    name='LedgerAction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('idempotency_key', models.CharField(max_length=100, unique=True)),
                        ('kind', models.CharField(max_length=32, verbose_name='action')),
                        ('params', models.JSONField(default=dict)),
                        ('result', models.JSONField(default=dict)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='demo.ledgeraccount')),
                    ],
                    options={
                        'verbose_name': 'demo exchange action',
                        'verbose_name_plural': 'demo exchange actions',
                        'db_table': 'cases_ledgeraction',
                    },
                ),
                migrations.CreateModel(
                    name='LedgerPrice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('symbol', models.CharField(max_length=20, verbose_name='symbol')),
                        ('at', models.DateTimeField(verbose_name='time')),
                        ('price', models.DecimalField(decimal_places=18, max_digits=38, verbose_name='price')),
                    ],
                    options={
                        'verbose_name': 'demo exchange price',
                        'verbose_name_plural': 'demo exchange prices',
                        'db_table': 'cases_ledgerprice',
                        'ordering': ['symbol', 'at'],
                        'constraints': [models.UniqueConstraint(fields=('symbol', 'at'), name='ledger_price_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='LedgerRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('order', 'Order'), ('trade', 'Trade'), ('deposit', 'Deposit'), ('withdrawal', 'Withdrawal'), ('login', 'Login'), ('operation', 'Account operation'), ('freeze', 'Freeze')], max_length=16, verbose_name='kind')),
                        ('record_id', models.CharField(max_length=64, verbose_name='record id')),
                        ('occurred_at', models.DateTimeField(verbose_name='time')),
                        ('data', models.JSONField(default=dict)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='records', to='demo.ledgeraccount')),
                    ],
                    options={
                        'verbose_name': 'demo exchange record',
                        'verbose_name_plural': 'demo exchange records',
                        'db_table': 'cases_ledgerrecord',
                        'ordering': ['occurred_at', 'id'],
                        'indexes': [models.Index(fields=['account', 'kind', 'occurred_at'], name='ledger_account_kind_time')],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'record_id'), name='ledger_record_unique')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
