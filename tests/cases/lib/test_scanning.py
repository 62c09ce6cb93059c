"""Malware scanning of evidence with a real clamd (finding 8): every channel, fail closed, mail
held and rescanned.

Tests marked with the `clamd` fixture need the daemon (tools/clamav/start-clamd; CLAMD_ADDRESS
in the environment). They skip without it locally; CI sets REQUIRE_CLAMAV=1 and they fail
instead. The "scanner down" tests need no daemon: they point at a socket nobody listens on.
"""

import base64
import hashlib
import logging
import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.lib import scanning
from cases.models import CaseEvent, Evidence, EvidenceKind, ScanStatus
from cases.services.evidence import evidence_add, evidence_open, evidence_rescan_held
from channels.models import InboundEmailStatus
from complaints_site.common.exceptions import ApplicationError, ConflictError
from tests.factories.cases import SYSTEM, make_case, make_team
from tests.support import files
from tests.support.api import URL, body, token_client
from tests.support.email import take

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = "unix:///nonexistent/complaints-clamd.sock"


@pytest.fixture
def clamd(settings):
    """A clamd that answers PING, or a skip (a failure when REQUIRE_CLAMAV is set)."""
    address = os.environ.get("CLAMD_ADDRESS", "")
    settings.CLAMD_ADDRESS = address
    if not address or not scanning.scanner_ping():
        reason = f"needs clamd (tools/clamav/start-clamd); CLAMD_ADDRESS={address!r}"
        if os.environ.get("REQUIRE_CLAMAV"):
            pytest.fail(f"REQUIRE_CLAMAV is set but clamd does not answer: {reason}")
        pytest.skip(reason)
    return address


@pytest.fixture
def scanner_down(settings):
    settings.CLAMD_ADDRESS = NOBODY_LISTENS
    settings.CLAMD_TIMEOUT_SECONDS = 2


@pytest.fixture
def no_scanner(settings, monkeypatch):
    settings.CLAMD_ADDRESS = ""
    monkeypatch.setattr(scanning, "_warned_unconfigured", False)


def _mail(attachment: bytes, *, name: str = "log.txt", message_id: str = "eicar-1") -> bytes:
    encoded = base64.encodebytes(attachment)
    return (
        b"From: Trader <trader@example.com>\r\nTo: complaints@exchange.example\r\n"
        b"Subject: Withdrawal stuck\r\nMessage-ID: <" + message_id.encode() + b"@example.com>\r\n"
        b"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"My withdrawal of 300 USDT is stuck, the log is attached.\r\n"
        b'--b1\r\nContent-Type: text/plain; name="' + name.encode() + b'"\r\n'
        b'Content-Disposition: attachment; filename="' + name.encode() + b'"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded + b"--b1--\r\n"
    )


def _upload(case, content, name="note.txt", kind=EvidenceKind.UPLOAD):
    return evidence_add(
        case=case, actor=SYSTEM, name=name, content=content, channel="web", kind=kind
    )


# --- The service: every user file is scanned before it is stored -------------------------


def test_a_clean_file_is_scanned_and_stored(clamd):
    evidence = _upload(make_case(), files.pdf(), name="statement.pdf")
    assert evidence.scan_status == ScanStatus.CLEAN
    assert not evidence.is_held


def test_eicar_is_refused_and_the_refusal_recorded_without_personal_data(clamd):
    case = make_case()
    with pytest.raises(ApplicationError) as exc_info:
        _upload(case, files.EICAR, name="Alice Chen passport.txt")
    assert exc_info.value.status_code == 400
    assert exc_info.value.extra["code"] == "infected"
    assert "virus" in exc_info.value.message
    assert not Evidence.objects.filter(case=case).exists()
    event = CaseEvent.objects.get(case=case, type="evidence.refused")
    assert event.data["code"] == "infected"
    assert event.data["signature"].startswith("Eicar")
    assert event.data["sha256"] == hashlib.sha256(files.EICAR).hexdigest()
    assert "Alice" not in str(event.data)


def test_the_scanner_down_refuses_an_upload_with_try_again_later(scanner_down):
    case = make_case()
    with pytest.raises(ApplicationError) as exc_info:
        _upload(case, b"plain words")
    assert exc_info.value.status_code == 503
    assert exc_info.value.extra["code"] == "scan_unavailable"
    assert "try again" in exc_info.value.message
    assert not Evidence.objects.filter(case=case).exists()


def test_no_scanner_configured_stores_unscanned_with_a_warning(no_scanner, caplog):
    with caplog.at_level(logging.WARNING, logger="cases.lib.scanning"):
        evidence = _upload(make_case(), b"plain words")
    assert evidence.scan_status == ScanStatus.SKIPPED
    assert not evidence.is_held
    assert "NOT scanned" in caplog.text


def test_records_we_generate_are_not_scanned(scanner_down):
    evidence = evidence_add(
        case=make_case(),
        actor=SYSTEM,
        name="chat-1-transcript.txt",
        content=files.EICAR,  # a customer may type anything into a chat
        channel="chat",
        kind=EvidenceKind.CHAT_TRANSCRIPT,
        content_type="text/plain",
    )
    assert evidence.scan_status == ScanStatus.NONE


# --- Portal and API ---------------------------------------------------------------------


def test_portal_upload_of_eicar_is_refused_with_a_message(clamd, client, portal_user):
    alice = portal_user("alice")
    case = make_case(
        customer=alice,
        complainant_email=alice.email,
        complainant_account_id=alice.customer_profile.exchange_account_id,
    )
    client.force_login(alice)
    page = client.post(
        f"/portal/cases/{case.reference}/evidence/",
        {"file": SimpleUploadedFile("eicar.txt", files.EICAR)},
        follow=True,
    ).content.decode()
    assert "eicar.txt was not accepted" in page
    assert "virus" in page
    assert not Evidence.objects.filter(case=case).exists()


def _api_case():
    make_team("support", "Support")
    client = token_client("exchange-backend")
    return client, client.post(URL, body(), format="json").json()["reference"]


def _api_upload(client, reference, name, content):
    return client.post(
        f"{URL}{reference}/evidence/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_api_upload_of_eicar_is_400_infected(clamd):
    client, reference = _api_case()
    response = _api_upload(client, reference, "eicar.txt", files.EICAR)
    assert response.status_code == 400
    assert response.json()["code"] == "infected"
    assert not Evidence.objects.exists()
    assert _api_upload(client, reference, "ok.txt", b"fine").status_code == 201


def test_api_upload_with_the_scanner_down_is_503(scanner_down):
    client, reference = _api_case()
    response = _api_upload(client, reference, "ok.txt", b"fine")
    assert response.status_code == 503
    assert response.json()["code"] == "scan_unavailable"
    assert not Evidence.objects.exists()


# --- Mail: never lost; infected attachments refused, unscanned ones held ------------------


def test_mail_with_eicar_attached_is_taken_and_the_attachment_refused(clamd):
    inbound = take(_mail(files.EICAR))
    assert inbound.status == InboundEmailStatus.NEW_CASE
    case = inbound.case
    assert not Evidence.objects.filter(case=case, kind=EvidenceKind.EMAIL_ATTACHMENT).exists()
    refused = CaseEvent.objects.get(case=case, type="case.intake.attachments_refused")
    assert refused.data["refused"] == [{"name": "log.txt", "code": "infected"}]
    # The raw mail is kept as the record of what arrived, but held: never served or shown.
    raw = Evidence.objects.get(case=case, kind=EvidenceKind.EMAIL)
    assert raw.scan_status == ScanStatus.INFECTED
    assert raw.scan_signature.startswith("Eicar")
    with pytest.raises(ConflictError):
        evidence_open(evidence=raw, actor=SYSTEM, via="tests")


def test_mail_with_the_scanner_down_is_kept_and_its_attachment_held(scanner_down):
    inbound = take(_mail(b"order 7781 filled at 61,200"))
    assert inbound.status == InboundEmailStatus.NEW_CASE
    attachment = Evidence.objects.get(case=inbound.case, kind=EvidenceKind.EMAIL_ATTACHMENT)
    assert attachment.scan_status == ScanStatus.PENDING
    assert attachment.is_held
    with pytest.raises(ConflictError) as exc_info:
        evidence_open(evidence=attachment, actor=SYSTEM, via="tests")
    assert exc_info.value.extra["code"] == "held"
    # Still down: the rescan leaves it held.
    assert evidence_rescan_held()["clean"] == 0
    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.PENDING


def test_the_rescan_releases_clean_files_and_keeps_malware_held(settings, clamd):
    settings.CLAMD_ADDRESS = NOBODY_LISTENS
    clean = take(_mail(b"order 7781 filled at 61,200", message_id="clean-1"))
    infected = take(_mail(files.EICAR, message_id="eicar-2"))
    held = Evidence.objects.filter(scan_status=ScanStatus.PENDING)
    assert held.count() == 4  # two attachments, two raw mails
    settings.CLAMD_ADDRESS = clamd

    counts = evidence_rescan_held()

    assert counts == {"clean": 2, "infected": 2, "waiting": 0}
    good = Evidence.objects.get(case=clean.case, kind=EvidenceKind.EMAIL_ATTACHMENT)
    assert good.scan_status == ScanStatus.CLEAN
    with evidence_open(evidence=good, actor=SYSTEM, via="tests") as handle:
        assert handle.read() == b"order 7781 filled at 61,200"
    bad = Evidence.objects.get(case=infected.case, kind=EvidenceKind.EMAIL_ATTACHMENT)
    assert bad.scan_status == ScanStatus.INFECTED
    assert bad.history.latest().history_actor == "system:evidence-rescan"
    assert CaseEvent.objects.filter(case=infected.case, type="evidence.scanned").count() == 2


def test_a_web_page_attached_to_mail_is_stored_as_text_and_downloaded_as_txt(
    no_scanner, client, portal_user
):
    inbound = take(_mail(files.HTML_PAGE, name="receipt.html"))
    attachment = Evidence.objects.get(case=inbound.case, kind=EvidenceKind.EMAIL_ATTACHMENT)
    assert (attachment.content_type, attachment.extension) == ("text/plain", ".txt")
    assert attachment.original_name == "receipt.html"
    assert attachment.download_name == "receipt.txt"
    assert attachment.file.name.endswith(".txt")


def _raw_download(client, inbound):
    client.force_login(
        get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-1")
    )
    return client.get(reverse("admin:intake_channels_inboundemail_raw", args=[inbound.pk]))


def test_the_raw_mail_with_malware_is_not_handed_out(clamd, client):
    inbound = take(_mail(files.EICAR))
    response = _raw_download(client, inbound)
    assert response.status_code == 302
    assert "Content-Disposition" not in response
    assert "malware" in " ".join(m.message for m in get_messages(response.wsgi_request))


def test_the_raw_mail_is_not_handed_out_while_the_scanner_is_down(scanner_down, client):
    inbound = take(_mail(b"order 7781 filled at 61,200"))
    response = _raw_download(client, inbound)
    assert response.status_code == 302
    assert "Content-Disposition" not in response


def test_a_clean_raw_mail_is_downloaded(clamd, client):
    inbound = take(_mail(b"order 7781 filled at 61,200"))
    response = _raw_download(client, inbound)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"Withdrawal stuck" in b"".join(response.streaming_content)


# --- Deploy check -----------------------------------------------------------------------


def test_deploy_check_warns_without_a_scanner_and_refuses_a_malformed_address(settings):
    settings.CLAMD_ADDRESS = ""
    assert [m.id for m in scanning.check_scanner_configured()] == ["cases.W110"]
    settings.CLAMD_ADDRESS = "tcp://127.0.0.1:3310"
    assert scanning.check_scanner_configured() == []
    settings.CLAMD_ADDRESS = "clamd-host:3310"
    assert [m.id for m in scanning.check_scanner_configured()] == ["cases.E110"]


# --- Staff screens: held items are listed but never served --------------------------------


def test_staff_cannot_download_or_preview_a_held_item(scanner_down, client):
    inbound = take(_mail(b"order 7781 filled at 61,200"))
    held = Evidence.objects.get(case=inbound.case, kind=EvidenceKind.EMAIL_ATTACHMENT)
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-x-12345")
    client.force_login(admin)
    page = client.get(reverse("admin:cases_case_evidence", args=[held.case_id, held.pk]))
    html = page.content.decode()
    assert 'id="evidence-held"' in html
    assert "order 7781" not in html  # no preview of unscanned content
    download = reverse("admin:cases_case_evidence_download", args=[held.case_id, held.pk])
    response = client.get(download)
    assert response.status_code == 302
    assert not CaseEvent.objects.filter(case=held.case, type="evidence.downloaded").exists()


def test_staff_download_is_an_opaque_attachment_named_with_the_verified_extension(
    no_scanner, client
):
    inbound = take(_mail(files.HTML_PAGE, name="receipt.html"))
    item = Evidence.objects.get(case=inbound.case, kind=EvidenceKind.EMAIL_ATTACHMENT)
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-x-12345")
    client.force_login(admin)
    response = client.get(
        reverse("admin:cases_case_evidence_download", args=[item.case_id, item.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="receipt.txt"'
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
