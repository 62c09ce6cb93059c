"""The audit hash chain: sealing covers every history table and ledger, verification names the
first altered or removed entry, the seal ledger cannot be rewritten, memory stays flat."""

import datetime as dt
import itertools
import math
import threading
import tracemalloc

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.utils import ProgrammingError

from cases import roles
from cases.models import Case, CaseEvent
from complaints_site.common.audit import GENESIS_HASH, audit_chain_verify, audited_models
from complaints_site.common.history import HistoryBase
from complaints_site.common.models import AuditSeal
from complaints_site.common.services import audit_seal_pending
from tests.factories.cases import make_case, make_staff, make_team
from tests.support.threads import run_together

pytestmark = pytest.mark.django_db

# Table names below come from model metadata, never from input (hence the S608 exemptions).


def _some_data():
    team = make_team("complaints", "Complaints")
    handler = make_staff(roles.CASE_HANDLER, teams=[team])
    cases = [make_case(team=team, assignee=handler) for _ in range(3)]
    return team, handler, cases


def _raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _with_triggers_off(table: str, sql: str, params=()):
    """Tamper as an attacker with database rights would: the append-only trigger off, then on."""
    # Deferred foreign-key checks still pending in the test's transaction would block ALTER.
    _raw("SET CONSTRAINTS ALL IMMEDIATE")
    _raw(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
    _raw(sql, params)
    _raw(f'ALTER TABLE "{table}" ENABLE TRIGGER ALL')


def test_every_history_table_and_ledger_is_audited():
    tables = {m._meta.db_table for m in audited_models()}
    from django.apps import apps

    history_tables = {m._meta.db_table for m in apps.get_models() if issubclass(m, HistoryBase)}
    assert history_tables  # the foundation's tracked models
    assert history_tables <= tables
    assert Case.history.model._meta.db_table in tables
    assert CaseEvent._meta.db_table in tables
    assert "intake_channels_chatmessage" in tables
    assert "common_tombstone" in tables


def test_sealing_picks_up_every_row_and_a_second_run_seals_nothing():
    _some_data()
    sealed = audit_seal_pending()
    assert sealed > 0
    total = 0
    for model in audited_models():
        rows = model._base_manager.count()
        total += rows
        assert AuditSeal.objects.filter(table=model._meta.db_table).count() == rows, model
    assert sealed == total
    assert CaseEvent.objects.count() > 0
    assert AuditSeal.objects.filter(table=CaseEvent._meta.db_table).exists()
    assert AuditSeal.objects.filter(table=Case.history.model._meta.db_table).exists()

    assert audit_seal_pending() == 0
    assert audit_seal_pending(full=True) == 0

    # New rows are sealed on the next run, appended to the same gap-free chain.
    make_case()
    assert audit_seal_pending() > 0
    seqs = list(AuditSeal.objects.order_by("seq").values_list("seq", "prev_hash", "seal_hash"))
    assert [s for s, _, _ in seqs] == list(range(1, len(seqs) + 1))
    assert seqs[0][1] == GENESIS_HASH
    for (_, _, before), (_, prev, _) in itertools.pairwise(seqs):
        assert prev == before


def test_verify_passes_on_an_intact_chain_and_the_command_exits_0(capsys):
    _some_data()
    audit_seal_pending()
    report = audit_chain_verify()
    assert report.intact
    assert report.entries == AuditSeal.objects.count()
    assert report.tables == AuditSeal.objects.values("table").distinct().count() >= 4

    make_case()  # unsealed rows: the command seals them first
    call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert out.startswith("Audit chain intact: ")
    assert f"{AuditSeal.objects.count()} entries over" in out


def test_verify_on_an_empty_database_is_intact():
    report = audit_chain_verify()
    assert report.intact
    assert report.entries == 0


@pytest.mark.postgres
def test_an_altered_history_row_is_named():
    _, _, cases = _some_data()
    audit_seal_pending()
    history = Case.history.model
    table = history._meta.db_table
    victim = history.objects.filter(id=cases[1].pk).order_by("history_id").first()
    _with_triggers_off(
        table,
        f'UPDATE "{table}" SET history_change_reason = %s WHERE history_id = %s',  # noqa: S608
        ["nothing happened", victim.history_id],
    )

    report = audit_chain_verify()
    brk = report.first_break
    assert brk is not None
    assert (brk.kind, brk.table, brk.row_id) == ("row altered", table, victim.history_id)
    assert brk.seq == AuditSeal.objects.get(table=table, row_id=victim.history_id).seq
    assert report.entries == brk.seq - 1

    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain")
    assert exc.value.returncode == 1
    assert f"row altered at seal #{brk.seq}: table {table}, row {victim.history_id}" in str(
        exc.value
    )


@pytest.mark.postgres
def test_an_altered_case_event_is_named():
    _some_data()
    audit_seal_pending()
    event = CaseEvent.objects.order_by("id")[2]
    table = CaseEvent._meta.db_table
    _with_triggers_off(table, f'UPDATE "{table}" SET reason = %s WHERE id = %s', ["x", event.id])  # noqa: S608
    brk = audit_chain_verify().first_break
    assert (brk.kind, brk.table, brk.row_id) == ("row altered", table, event.id)


@pytest.mark.postgres
def test_a_removed_history_row_is_named():
    _, _, cases = _some_data()
    audit_seal_pending()
    history = Case.history.model
    table = history._meta.db_table
    victim = history.objects.filter(id=cases[0].pk).order_by("-history_id").first()
    _with_triggers_off(table, f'DELETE FROM "{table}" WHERE history_id = %s', [victim.history_id])  # noqa: S608

    brk = audit_chain_verify().first_break
    assert (brk.kind, brk.table, brk.row_id) == ("row removed", table, victim.history_id)
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain")
    assert exc.value.returncode == 1
    assert "row removed" in str(exc.value)


@pytest.mark.postgres
def test_a_tampered_seal_is_named():
    _some_data()
    audit_seal_pending()
    seal = AuditSeal.objects.order_by("seq")[4]
    _with_triggers_off(
        "common_auditseal",
        "UPDATE common_auditseal SET row_hash = %s WHERE seq = %s",
        ["f" * 64, seal.seq],
    )
    brk = audit_chain_verify().first_break
    assert (brk.kind, brk.seq, brk.table, brk.row_id) == (
        "seal altered",
        seal.seq,
        seal.table,
        seal.row_id,
    )


@pytest.mark.postgres
def test_a_removed_seal_is_named():
    _some_data()
    audit_seal_pending()
    count = AuditSeal.objects.count()
    _with_triggers_off("common_auditseal", "DELETE FROM common_auditseal WHERE seq = %s", [7])
    # The sealer seals the orphaned row again at the end; the gap still shows.
    call_kwargs = {}
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain", **call_kwargs)
    assert "seal removed at seal #7" in str(exc.value)
    assert AuditSeal.objects.count() == count
    brk = audit_chain_verify().first_break
    assert (brk.kind, brk.seq) == ("seal removed", 7)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE common_auditseal SET row_hash = 'x' WHERE seq = 1",
        "DELETE FROM common_auditseal WHERE seq = 1",
        "UPDATE common_tombstone SET reason = 'x'",
        "DELETE FROM common_tombstone",
    ],
)
def test_the_audit_ledgers_refuse_raw_update_and_delete(sql):
    from complaints_site.common.actors import SystemActor
    from complaints_site.common.services import tombstone_record

    team = make_team("complaints", "Complaints")
    tombstone_record(instance=team, actor=SystemActor("tests"), reason="test")
    audit_seal_pending()
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        _raw(sql)
    assert AuditSeal.objects.filter(seq=1).exclude(row_hash="x").exists()


class _QueryCounter:
    """Counts statements without keeping their text (a captured 1,000-row INSERT would itself
    weigh more than the sealer's working set)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _measured(fn):
    counter = _QueryCounter()
    tracemalloc.start()
    try:
        with connection.execute_wrapper(counter):
            result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, counter.count, peak


def test_sealing_and_verifying_20000_events_streams_in_chunks():
    case = make_case()
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(case=case, type="test.bulk", actor_label="system:tests", reason=f"r{i}")
            for i in range(20_000)
        ],
        batch_size=2000,
    )
    tables = len(audited_models())
    # SQLite caps the rows of one INSERT; PostgreSQL inserts a chunk in one statement.
    columns = [f.name for f in AuditSeal._meta.concrete_fields]
    inserts = math.ceil(1000 / connection.ops.bulk_batch_size(columns, [None] * 1000))

    sealed, queries, seal_peak = _measured(lambda: audit_seal_pending(chunk_size=1000))
    assert sealed == AuditSeal.objects.count() >= 20_000
    # Per table: the floor lookup and one empty query; per chunk of 1,000: lock, select,
    # back-dating probe, head, insert(s), savepoints. 20 chunks of events plus the few rows of
    # the case.
    assert queries <= 3 * tables + (8 + inserts) * 21 + 2, queries

    report, queries, verify_peak = _measured(
        lambda: audit_chain_verify(chunk_size=1000, live=False)
    )
    assert report.intact
    assert report.entries == sealed
    # One query for the seals of a chunk plus one per table present in it (the first chunks
    # hold the rows seeded with the product and the case's rows, of most audited tables; the
    # others only events).
    assert queries <= 21 * 4 + 2 * tables, queries

    # Live rows against history (two queries per chunk per tracked table: a handful of rows
    # here) and the back-dating check (one query per audited table).
    report, queries, live_peak = _measured(lambda: audit_chain_verify(chunk_size=1000))
    assert report.intact
    assert queries <= 21 * 4 + tables + 2 * tables + tables, queries
    assert live_peak < 6 * 1024 * 1024, live_peak
    # Working set of one chunk of 1,000 rows (measured about 1-3 MB); holding all 20,000 rows
    # and seals at once measured about 30 MB.
    assert seal_peak < 6 * 1024 * 1024, seal_peak
    assert verify_peak < 6 * 1024 * 1024, verify_peak


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_make_one_gap_free_chain():
    case = make_case()
    CaseEvent.objects.bulk_create(
        [CaseEvent(case=case, type="test.bulk", actor_label="system:tests") for _ in range(3000)]
    )
    # The case's own rows were sealed on commit (seal_soon); the bulk rows send no signal.
    before = AuditSeal.objects.count()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def seal():
        try:
            barrier.wait()
            results.append(audit_seal_pending(chunk_size=250))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    run_together(seal, times=2)
    assert errors == []
    total = AuditSeal.objects.count()
    assert sum(results) == total - before >= 3000
    assert sorted(AuditSeal.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert audit_chain_verify().intact


def test_a_row_that_commits_late_with_a_lower_id_is_still_sealed(monkeypatch):
    """A writer's transaction may take an id, and commit after a higher id was sealed."""
    from complaints_site.common import services

    case = make_case()
    CaseEvent.objects.bulk_create(
        [CaseEvent(id=i, case=case, type="t", actor_label="system:tests") for i in (90_000, 90_100)]
    )
    audit_seal_pending()
    late = CaseEvent.objects.create(id=90_050, case=case, type="t", actor_label="system:tests")
    table = CaseEvent._meta.db_table

    # Within the settle window the periodic run looks below the last sealed id.
    assert audit_seal_pending() == 1
    assert AuditSeal.objects.filter(table=table, row_id=late.pk).exists()

    # Past it, only the full sweep (run by verify_audit_chain) goes back that far.
    monkeypatch.setattr(services, "SEAL_SETTLE", dt.timedelta(0))
    older = CaseEvent.objects.create(id=90_010, case=case, type="t", actor_label="system:tests")
    assert audit_seal_pending() == 0
    assert audit_seal_pending(full=True) == 1
    assert AuditSeal.objects.filter(table=table, row_id=older.pk).exists()
    assert audit_chain_verify().intact


def test_the_periodic_task_seals(django_capture_on_commit_callbacks):
    from complaints_site.common.tasks import audit_seal_pending_task

    make_case()
    result = audit_seal_pending_task.delay()
    assert result.get() == AuditSeal.objects.count() > 0
    assert audit_seal_pending_task.delay().get() == 0


def test_an_anchor_kept_outside_catches_a_rewritten_or_cut_tail(capsys):
    make_case()
    call_command("verify_audit_chain")
    head = capsys.readouterr().out.rsplit("head #", 1)[1].rstrip(").\n")
    seq, seal = head.split(" ")
    call_command("verify_audit_chain", anchor=f"{seq}:{seal}")
    assert capsys.readouterr().out.startswith("Audit chain intact")

    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain", anchor=f"{seq}:{'0' * 64}")
    assert exc.value.returncode == 1
    assert f"seal altered at seal #{seq}" in str(exc.value)

    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain", anchor=f"{int(seq) + 999}:{seal}")
    assert exc.value.returncode == 1
    assert "seal removed" in str(exc.value)
