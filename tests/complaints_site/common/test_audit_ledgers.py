"""Every append-only table refuses TRUNCATE, and every append-only table is sealed: a ledger
declared append-only later is covered by the same declaration (issue 11, finding 9)."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError

from complaints_site.common.audit import append_only_models, audited_models
from complaints_site.common.history import NO_TRUNCATE_TRIGGER, HistoryBase
from complaints_site.common.models import AuditSeal

pytestmark = pytest.mark.django_db


def _triggers(model):
    import pgtrigger

    return [t for m, t in pgtrigger.registered() if m is model]


def _protected_tables():
    """Every table that must never be emptied: the append-only ones and the seal chain."""
    return sorted(
        {m._meta.db_table for m in audited_models()} | {AuditSeal._meta.db_table},
    )


def test_every_append_only_model_is_sealed():
    sealed = set(audited_models())
    append_only = append_only_models()
    # The ledgers the penetration test found unsealed, by name.
    labels = {m._meta.label for m in append_only}
    assert {
        "cases.RecusalCheck",
        "cases.EvidenceAnnotation",
        "cases.Snapshot",
        "cases.Message",
        "cases.CaseEvent",
        "intake_channels.ChatMessage",
        "common.Tombstone",
        "common.AuditSeal",
    } <= labels
    assert append_only - {AuditSeal} <= sealed
    history = {m for m in apps.get_models() if issubclass(m, HistoryBase)}
    assert history <= sealed


def test_every_protected_table_declares_the_truncate_trigger():
    for model in [*audited_models(), AuditSeal]:
        names = {t.name for t in _triggers(model)}
        assert NO_TRUNCATE_TRIGGER in names, model._meta.label


@pytest.mark.postgres
@pytest.mark.parametrize("table", _protected_tables())
def test_truncate_is_refused(table):
    with (
        pytest.raises((InternalError, ProgrammingError), match="Cannot truncate"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f'TRUNCATE "{table}" CASCADE')


@pytest.mark.postgres
def test_truncating_a_case_table_cannot_take_its_ledgers_with_it():
    with (
        pytest.raises((InternalError, ProgrammingError), match="Cannot truncate"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute('TRUNCATE "cases_case" CASCADE')
