"""Sealing does not depend on beat, and the chain head is kept outside the database in signed,
append-only anchors that verification checks (issue 11, finding 9)."""

import json

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cases.models import CaseEvent
from complaints_site.common import services
from complaints_site.common.anchor import anchor_latest, anchor_storage
from complaints_site.common.models import AuditSeal
from complaints_site.common.services import audit_seal_pending
from complaints_site.common.tasks import audit_verify_task
from tests.factories.cases import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchors(settings, tmp_path):
    settings.AUDIT_ANCHOR_LOCATION = str(tmp_path / "anchors")
    settings.AUDIT_ANCHOR_KEY = "k" * 40
    services.forget_known_anchor()
    yield tmp_path / "anchors"
    services.forget_known_anchor()


def _raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _with_triggers_off(table: str, sql: str, params=()):
    _raw("SET CONSTRAINTS ALL IMMEDIATE")
    _raw(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
    _raw(sql, params)
    _raw(f'ALTER TABLE "{table}" ENABLE TRIGGER ALL')


def test_a_write_is_sealed_after_commit_without_beat(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = make_case()
    assert callbacks  # the sealing pass was queued on commit (eager here: it ran)
    table = CaseEvent._meta.db_table
    for event_id in CaseEvent.objects.filter(case=case).values_list("id", flat=True):
        assert AuditSeal.objects.filter(table=table, row_id=event_id).exists()
    history = case.history.model._meta.db_table
    assert AuditSeal.objects.filter(table=history, row_id=case.history.first().history_id)


def test_sealing_is_debounced_when_a_broker_runs_it(settings, monkeypatch):
    """With a real broker, a burst of writes queues one pass per interval per process, and the
    pass waits the interval (so it seals the whole burst)."""
    from complaints_site.common import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.AUDIT_SEAL_DEBOUNCE_SECONDS = 10
    queued = []
    monkeypatch.setattr(tasks, "_queued_at", None)
    monkeypatch.setattr(
        tasks.audit_seal_pending_task, "apply_async", lambda **kw: queued.append(kw)
    )
    for _ in range(5):
        tasks._queue_seal()
    assert queued == [{"countdown": 10}]


def test_the_periodic_verification_seals_and_reports(anchors, caplog):
    make_case()
    result = audit_verify_task.delay().get()
    assert result["intact"] is True
    assert result["sealed"] == AuditSeal.objects.count() > 0
    latest = anchor_latest()
    head = AuditSeal.objects.order_by("-seq").first()
    assert (latest.seq, latest.seal_hash) == (head.seq, head.seal_hash)


def test_anchors_are_signed_added_never_overwritten(anchors):
    make_case()
    audit_seal_pending()
    call_command("verify_audit_chain")  # nothing new to seal: no anchor
    assert anchor_latest() is None
    make_case()
    call_command("verify_audit_chain")
    first = anchor_latest()
    make_case()
    call_command("verify_audit_chain")
    second = anchor_latest()
    assert second.seq > first.seq
    files = sorted(p.name for p in anchors.rglob("*.json"))
    assert len(files) == 2
    document = json.loads((anchors / second.name).read_text())
    assert document["seq"] == second.seq
    assert len(document["mac"]) == 64


def test_a_forged_anchor_fails_verification(anchors, settings):
    make_case()
    call_command("verify_audit_chain")
    latest = anchor_latest()
    path = anchors / latest.name
    document = json.loads(path.read_text())
    document["seq"] = 1  # an attacker moving the anchor back to before a rewrite
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain")
    assert exc.value.returncode == 1
    assert "anchor invalid" in str(exc.value)
    assert "invalid signature" in str(exc.value)


@pytest.mark.postgres
def test_deleting_seals_and_sealing_again_is_caught_by_the_anchor(anchors):
    """The laundering the penetration test found: the seals removed (TRUNCATE is refused now;
    a DELETE with the triggers off does the same) and the next run seals everything again as
    if intact. The chain inside the database is consistent; the signed anchor is not."""
    case = make_case()
    call_command("verify_audit_chain")
    anchored = anchor_latest()
    event = CaseEvent.objects.filter(case=case).order_by("id").first()
    _with_triggers_off(
        "cases_caseevent",
        "UPDATE cases_caseevent SET reason = 'rewritten' WHERE id = %s",
        [event.id],
    )
    _with_triggers_off("common_auditseal", "DELETE FROM common_auditseal")
    services.forget_known_anchor()  # a fresh process

    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain")
    assert exc.value.returncode == 1
    assert f"seal removed at seal #{anchored.seq}" in str(exc.value)
    assert "behind the signed anchor" in str(exc.value)
    # Nothing was re-sealed under the anchor's nose, and no new anchor launders it.
    assert anchor_latest() == anchored

    # Sealing it all again by hand (as the attacker's next step) gives another head hash.
    audit_seal_pending(full=True)
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain", no_seal=True)
    assert f"seal altered at seal #{anchored.seq}" in str(exc.value)
    assert "differs from the signed anchor" in str(exc.value)
    assert anchor_latest() == anchored


def test_the_deploy_check_needs_an_anchor_location_and_key(settings):
    settings.AUDIT_ANCHOR_LOCATION = ""
    settings.AUDIT_ANCHOR_KEY = ""
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert {"common.E001", "common.E002"} <= ids
    settings.AUDIT_ANCHOR_KEY = "dev-audit-anchor-key-not-secret"
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "common.E002" in ids
    settings.AUDIT_ANCHOR_LOCATION = "s3://anchors/cx"
    settings.AUDIT_ANCHOR_KEY = "x" * 48
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert not ids & {"common.E001", "common.E002"}
    # Not a deploy run: the development defaults pass.
    settings.AUDIT_ANCHOR_KEY = ""
    assert not {m.id for m in run_checks()} & {"common.E001", "common.E002"}


def test_the_anchor_storage_is_s3_for_an_s3_location(settings):
    settings.AUDIT_ANCHOR_LOCATION = "s3://audit-bucket/anchors"
    storage = anchor_storage()
    assert type(storage).__name__ == "S3Storage"
    assert storage.bucket_name == "audit-bucket"
    assert storage.location == "anchors"
    assert storage.file_overwrite is False
