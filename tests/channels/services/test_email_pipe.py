"""The MTA pipe (`ingest_email`) and the dedupe rules it relies on."""

import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from cases.models import Case, Message, Notification
from channels.models import InboundEmail, InboundEmailStatus
from tests.support.email import (
    ACTOR,
    CORPUS,
    ROOT_DIR,
    fill_for,
    open_email_case,
    raw_of,
    take,
)

pytestmark = pytest.mark.django_db


def test_second_delivery_by_message_id_creates_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    raw = raw_of("01_outlook_plain_qp.eml")
    with django_capture_on_commit_callbacks(execute=True):
        first = take(raw)
    assert first.status == InboundEmailStatus.NEW_CASE
    counts = (Case.objects.count(), Message.objects.count(), Notification.objects.count())
    mail.outbox.clear()
    # Same Message-ID, different bytes (a relay added a header): still the same message.
    with django_capture_on_commit_callbacks(execute=True):
        again = take(b"X-Relayed: yes\r\n" + raw)
    assert again.pk is None
    assert again.status == InboundEmailStatus.DROPPED
    assert f"#{first.pk}" in again.reason
    assert (Case.objects.count(), Message.objects.count(), Notification.objects.count()) == counts
    assert InboundEmail.objects.count() == 1
    assert mail.outbox == []


def test_without_message_id_the_hash_dedupes():
    raw = raw_of("11_no_message_id.eml")
    first = take(raw)
    assert first.dedupe_key.startswith("sha256:")
    assert take(raw).status == InboundEmailStatus.DROPPED
    assert Case.objects.filter(complainant_email="olu.adeyemi@protonmail.com").count() == 1
    # One byte more is another message (nothing identifies it as the same one).
    assert take(raw + b"\r\n").status == InboundEmailStatus.NEW_CASE


def test_a_stored_but_unprocessed_message_is_processed_on_redelivery():
    from channels.adapters.email import parse_email
    from channels.services.email import _store_raw

    raw = raw_of("02_gmail_alternative.eml")
    stored, created = _store_raw(raw=raw, source="mta", parsed=parse_email(raw), actor=ACTOR)
    assert created  # as if the process died right after keeping the bytes
    assert stored.status == InboundEmailStatus.RECEIVED
    again = take(raw)
    assert again.pk == stored.pk
    assert again.status == InboundEmailStatus.NEW_CASE


def test_reply_joins_only_for_the_participant():
    case, ack = open_email_case(email="d.whitaker@outlook.com")
    raw = raw_of("19_reply_by_token.eml", **fill_for(case, ack))
    reply = take(raw)
    assert reply.status == InboundEmailStatus.REPLY
    assert reply.case_message.source["matched_by"] == "reply-token"
    # The same reply, token and all, from someone else's address: a new case, the owner's
    # case untouched (a token forwarded or leaked does not make its holder the customer).
    stranger = raw.replace(b"d.whitaker@outlook.com", b"someone.else@gmail.com").replace(
        b"AM6PR05MB6120C1D2", b"AM6PR05MB6120STRANGER"
    )
    before = Message.objects.filter(case=case).count()
    other = take(stranger)
    assert other.status == InboundEmailStatus.NEW_CASE
    assert other.case != case
    assert Message.objects.filter(case=case).count() == before
    assert any(case.reference in note for note in other.notes)


def test_a_forged_token_does_not_join():
    case, ack = open_email_case(email="d.whitaker@outlook.com")
    fill = fill_for(case, ack)
    fill["TOKEN_ADDRESS"] = f"complaints+{case.reference.lower()}.0123456789abcdef@x.example"
    # Neither the subject nor the headers name the case otherwise: a new case.
    assert take(raw_of("19_reply_by_token.eml", **fill)).status == InboundEmailStatus.NEW_CASE


def test_cve_2023_27043_from_never_joins_the_case():
    case, ack = open_email_case(email="victim@example.com")
    inbound = take(raw_of("28_cve_2023_27043_from.eml", **fill_for(case, ack)))
    assert inbound.status == InboundEmailStatus.QUARANTINED
    assert inbound.case is None
    assert not inbound.from_verified


def test_command_takes_files_and_reports(tmp_path, capsys):
    call_command("ingest_email", str(CORPUS / "01_outlook_plain_qp.eml"))
    assert "new_case" in capsys.readouterr().out
    call_command("ingest_email", str(CORPUS / "14_bounce_dsn.eml"))
    assert "dropped" in capsys.readouterr().out


def _pipe(args, stdin=b"", **env):
    import os

    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "complaints_site.settings.test", **env}
    return subprocess.run(
        [sys.executable, "manage.py", "ingest_email", *args],
        cwd=ROOT_DIR,
        input=stdin,
        env=full,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_pipe_exit_75_when_the_database_is_down():
    out = _pipe(
        [str(CORPUS / "01_outlook_plain_qp.eml")],
        DATABASE_URL="postgres://postgres@127.0.0.1:1/none",
    )
    assert out.returncode == 75, out.stderr
    assert b"temporarily unavailable" in out.stderr


def test_pipe_exit_65_on_empty_input_with_one_line():
    out = _pipe([], stdin=b"  \r\n")
    assert out.returncode == 65
    assert out.stderr.decode().strip().count("\n") <= 1
    assert b"empty message" in out.stderr


def test_pipe_exit_66_when_the_file_is_missing(tmp_path):
    out = _pipe([str(tmp_path / "missing.eml")])
    assert out.returncode == 66


@pytest.mark.postgres
def test_pipe_exit_75_when_storage_is_unwritable(tmp_path):
    # We run as root, so permissions do not stop us: a path under a regular file does.
    blocker = tmp_path / "file"
    blocker.write_text("x")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    out = _pipe(
        ["-"],
        stdin=raw_of("01_outlook_plain_qp.eml"),
        DATABASE_URL=url,
        EVIDENCE_STORAGE=str(blocker / "evidence"),
    )
    assert out.returncode == 75, out.stderr
    assert InboundEmail.objects.count() == 0


def test_an_emailed_answer_resumes_a_case_waiting_for_the_customer():
    from cases.models import CaseEvent
    from cases.services.lifecycle import case_transition

    case, ack = open_email_case(email="priya.raman.dev@gmail.com")
    for name, inputs in (
        ("start_assessment", {}),
        ("request_info", {"info_request": "Please send the order id."}),
    ):
        case = case_transition(case=case, transition=name, actor=ACTOR, reason="r", **inputs)
    assert case.state == "awaiting_customer"

    reply = take(raw_of("19_reply_by_token.eml", **fill_for(case, ack)))

    assert reply.status == InboundEmailStatus.REPLY
    case.refresh_from_db()
    assert case.state == "assessing"
    assert case.paused_at is None
    resumed = CaseEvent.objects.get(case=case, type="case.transition.resume")
    assert resumed.actor_label == "system:intake:reply"
