"""The demo app is optional and owns the demo exchange ledger without having moved its tables:
the models kept the `cases_…` table names, the migrations only changed Django's state, and
production starts without the app and without importing it."""

import secrets

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import SeparateDatabaseAndState

from complaints_site.common import checks
from demo.models import LedgerAccount, LedgerAction, LedgerPrice, LedgerRecord
from tests.factories.demo import LedgerAccountFactory, LedgerRecordFactory
from tests.support.django_process import run, run_python

PRODUCTION = "complaints_site.settings.production"
TABLES = {
    LedgerAccount: "cases_ledgeraccount",
    LedgerAction: "cases_ledgeraction",
    LedgerPrice: "cases_ledgerprice",
    LedgerRecord: "cases_ledgerrecord",
}


def test_the_ledger_models_keep_the_tables_they_had_in_cases():
    assert {model: model._meta.db_table for model in TABLES} == TABLES
    assert all(model._meta.app_label == "demo" for model in TABLES)
    assert not [m for m in apps.get_app_config("cases").get_models() if "Ledger" in m.__name__]


@pytest.mark.django_db
def test_the_ledger_tables_exist_under_their_old_names_and_take_rows():
    LedgerRecordFactory(account=LedgerAccountFactory(account_id="EX-KEEP"), record_id="T-KEEP")
    assert set(TABLES.values()) <= set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.account_id, r.record_id FROM cases_ledgerrecord r "
            "JOIN cases_ledgeraccount a ON a.id = r.account_id"
        )
        assert cursor.fetchall() == [("EX-KEEP", "T-KEEP")]


def _state_only(migration) -> bool:
    """Every schema operation of `migration` sits in SeparateDatabaseAndState with no
    database operation (a RunPython on data is allowed)."""
    schema_ops = [op for op in migration.operations if op.reduces_to_sql]
    return all(
        isinstance(op, SeparateDatabaseAndState) and not op.database_operations for op in schema_ops
    )


def test_the_move_migrations_change_state_only():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    moved_out = loader.get_migration("cases", "0014_ledger_moves_to_demo")
    moved_in = loader.get_migration("demo", "0001_initial")
    assert _state_only(moved_out)
    assert _state_only(moved_in)
    assert ("cases", "0014_ledger_moves_to_demo") in moved_in.dependencies
    created = [
        (model.name, model.options["db_table"])
        for op in moved_in.operations
        if isinstance(op, SeparateDatabaseAndState)
        for model in op.state_operations
    ]
    assert sorted(created) == sorted((model.__name__, table) for model, table in TABLES.items())


def test_production_leaves_the_demo_app_out_and_never_imports_it():
    out = run_python(
        "import sys; from django.conf import settings as s;"
        "from cases.gateway.port import get_gateway;"
        "print(s.DEMO_ENABLED, 'demo' in s.INSTALLED_APPS, s.EXCHANGE_GATEWAY);"
        "print(sorted(m for m in sys.modules if m == 'demo' or m.startswith('demo.')))",
        settings=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        drop=("DEMO_ENABLED", "EXCHANGE_GATEWAY", "EXCHANGE_GATEWAY_URL"),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == [
        "False False cases.gateway.http.HttpExchangeGateway",
        "[]",
    ]


def test_make_run_settings_enable_the_demo_and_its_gateway():
    out = run_python(
        "from django.conf import settings as s;"
        "print(s.DEMO_ENABLED, 'demo' in s.INSTALLED_APPS, s.EXCHANGE_GATEWAY)",
        settings="complaints_site.settings.local",
        drop=("DEMO_ENABLED", "EXCHANGE_GATEWAY", "EXCHANGE_GATEWAY_URL"),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True True demo.gateway.DemoExchangeGateway"


def test_a_demo_gateway_without_the_demo_app_is_refused_at_start(settings, monkeypatch):
    settings.EXCHANGE_GATEWAY = "demo.gateway.DemoExchangeGateway"
    assert checks.check_gateway_app() == []
    # As if the app were left out (a real removal would reload the app registry).
    monkeypatch.setattr(checks.apps, "is_installed", lambda name: name != "demo")
    assert [m.id for m in checks.check_gateway_app()] == ["complaints.E012"]
    out = run(
        ["manage.py", "check"],
        settings=PRODUCTION,
        SECRET_KEY=secrets.token_urlsafe(50),
        EXCHANGE_GATEWAY="demo.gateway.DemoExchangeGateway",
        drop=("DEMO_ENABLED",),
    )
    assert out.returncode != 0
    assert "complaints.E012" in out.stderr
