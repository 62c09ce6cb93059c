"""Every file of tests/fixtures/email goes through the real pipeline; each has its outcome."""

import pytest
from django.core import mail

from cases.models import Case, Evidence, EvidenceKind, Message, Notification
from channels.models import InboundEmail, InboundEmailStatus
from tests.support.email import CORPUS, fill_for, open_email_case, raw_of, take

pytestmark = pytest.mark.django_db

NEW, REPLY, DROP, QUAR = (
    InboundEmailStatus.NEW_CASE,
    InboundEmailStatus.REPLY,
    InboundEmailStatus.DROPPED,
    InboundEmailStatus.QUARANTINED,
)
# file -> (status, attachments stored, texts the stored message must contain, must not contain)
EXPECTED = {
    "01_outlook_plain_qp.eml": (NEW, 0, ["0.85 BTC", 'processing" \u2013 six days'], ["=E2"]),
    "02_gmail_alternative.eml": (NEW, 0, ["charged the trading fee twice"], ["<b>", "alert"]),
    "03_apple_html_only.eml": (NEW, 0, ["my account was frozen", "Case link"], ["<", "steal"]),
    "04_foxmail_gb2312.eml": (NEW, 0, ["提现5000 USDT", "张喆"], []),
    "05_qq_gbk_attachment.eml": (NEW, 1, ["商家收款后不放币"], []),
    "06_outlook_big5.eml": (NEW, 0, ["我的帳戶被盜", "陳美玲"], []),
    "07_thunderbird_latin1.eml": (NEW, 0, ["die Überweisung von 1.200 €", "Jürgen Groß"], []),
    "08_apple_utf8_base64.eml": (NEW, 0, ["llevo tres días", "😤"], []),
    "09_gmail_inline_image.eml": (NEW, 1, ["stop-loss at 61,200"], []),
    "10_forwarded_rfc822.eml": (NEW, 1, ["Forwarded message", "W-77120 of 300 USDT"], []),
    "11_no_message_id.eml": (NEW, 0, ["150 USDT (TRC20)"], []),
    "12_broken_boundary.eml": (NEW, 0, ["order history for February"], []),
    "13_outlook_auto_reply.eml": (DROP, 0, [], []),
    "14_bounce_dsn.eml": (DROP, 0, [], []),
    "15_mailing_list.eml": (DROP, 0, [], []),
    "16_bulk_newsletter.eml": (DROP, 0, [], []),
    "17_null_return_path.eml": (DROP, 0, [], []),
    "18_qq_x_autoreply.eml": (DROP, 0, [], []),
    "19_reply_by_token.eml": (REPLY, 0, ["transaction hash you asked for"], []),
    # In-Reply-To and a subject reference are hints, not proof of the sender: without a reply
    # token (or, where trusted, our MTA's DKIM/DMARC pass) they open the sender's own case.
    "20_reply_by_in_reply_to.eml": (NEW, 0, ["placed at 14:02 UTC"], []),
    "21_reply_by_subject_reference.eml": (NEW, 0, ["valid until 2031"], []),
    "22_stranger_quotes_reference.eml": (NEW, 0, ["bc1qstrangerwallet"], []),
    "23_seed_phrase.eml": (NEW, 0, ["drained"], ["abandon ability able about"]),
    "24_unknown_charset.eml": (NEW, 0, ["Platba nepro\ufffdla", "did not go through"], []),
    "25_from_two_addresses.eml": (QUAR, 0, [], []),
    "26_no_from.eml": (QUAR, 0, [], []),
    "27_garbage.eml": (QUAR, 0, [], []),
    "28_cve_2023_27043_from.eml": (QUAR, 0, [], []),
    "29_oversized_attachment.eml": (NEW, 1, ["complete log is attached"], []),
    # Authentication-Results (default settings: not trusted; tests/channels/services/
    # test_email_threading.py runs them with our MTA's results trusted).
    "30_forged_from_foreign_authres.eml": (NEW, 0, ["bc1qattackerwallet"], []),
    "31_reply_dkim_pass_aligned.eml": (NEW, 0, ["order id is 88120391"], []),
    "32_reply_dmarc_fail.eml": (NEW, 0, ["bc1qdmarcfail"], []),
    "33_reply_injected_own_authres.eml": (NEW, 0, ["INJECTED"], []),
    "34_two_from_with_dkim_pass.eml": (QUAR, 0, [], []),
}


def test_the_corpus_is_complete():
    assert sorted(p.name for p in CORPUS.glob("*.eml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_outcome(name, settings, django_capture_on_commit_callbacks):
    settings.EVIDENCE_MAX_FILE_BYTES = 20_000  # 29's 30 kB log is refused, its PNG is kept
    status, files, present, absent = EXPECTED[name]
    victim, ack = open_email_case(email="owner@example.com")
    mail.outbox.clear()
    cases_before = Case.objects.count()
    victim_messages = Message.objects.filter(case=victim).count()
    notifications_before = Notification.objects.count()
    raw = raw_of(name, **fill_for(victim, ack))

    with django_capture_on_commit_callbacks(execute=True):
        inbound = take(raw)

    inbound.refresh_from_db()
    assert inbound.status == status, inbound.reason
    with inbound.raw.open("rb") as handle:
        assert handle.read() == raw  # byte for byte
    if status == NEW:
        assert Case.objects.count() == cases_before + 1
        case = inbound.case
        assert case.pk != victim.pk
        assert case.channel == "email"
        assert case.complainant_email == inbound.from_address
        message = inbound.case_message
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [case.complainant_email]
        assert mail.outbox[0].extra_headers["Auto-Submitted"] in ("auto-replied", "auto-generated")
    elif status == REPLY:
        assert Case.objects.count() == cases_before
        assert inbound.case == victim
        message = inbound.case_message
        assert Message.objects.filter(case=victim).count() == victim_messages + 1
        assert mail.outbox == []
    else:
        assert inbound.case is None
        assert Case.objects.count() == cases_before
        assert Notification.objects.count() == notifications_before
        assert mail.outbox == []
        return
    # The victim's case never gets a stranger's mail.
    if status == NEW:
        assert Message.objects.filter(case=victim).count() == victim_messages
    for text in present:
        assert text in message.body, (text, message.body)
    for text in absent:
        assert text not in message.body
    assert (
        Evidence.objects.filter(message=message, kind=EvidenceKind.EMAIL_ATTACHMENT).count()
        == files
    )
    raw_evidence = Evidence.objects.get(message=message, kind=EvidenceKind.EMAIL)
    assert raw_evidence.content_type == "message/rfc822"
    assert raw_evidence.size == len(raw)


def test_locale_category_and_flags():
    zh = take(raw_of("04_foxmail_gb2312.eml"))
    assert zh.case.complainant_locale == "zh-hans"
    assert zh.case.category == "deposit_withdrawal"
    assert zh.from_verified  # an encoded word in a quoted display name is not a doubt
    unknown = take(raw_of("24_unknown_charset.eml"))
    assert any("unknown charset" in note for note in unknown.notes)
    broken = take(raw_of("12_broken_boundary.eml"))
    assert any("StartBoundaryNotFoundDefect" in note for note in broken.notes)


def test_seed_phrase_is_redacted_and_the_raw_mail_is_sensitive():
    inbound = take(raw_of("23_seed_phrase.eml"))
    assert "seed_phrase" in inbound.case_message.redactions
    assert "abandon" not in inbound.case.description
    raw_evidence = Evidence.objects.get(case=inbound.case, kind=EvidenceKind.EMAIL)
    assert raw_evidence.is_sensitive


def test_refused_attachment_is_named_in_the_acknowledgement(settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 20_000
    inbound = take(raw_of("29_oversized_attachment.eml"))
    assert inbound.status == NEW
    ack = Notification.objects.get(case=inbound.case, channel="email")
    assert [r["name"] for r in ack.context["refused"]] == ["tradelog.txt"]
    assert any("tradelog.txt" in note for note in inbound.notes)


def test_a_generated_huge_attachment_is_refused_and_the_mail_still_taken():
    big = b"A" * (11 * 1024 * 1024)  # over the default 10 MB
    raw = raw_of("29_oversized_attachment.eml").replace(
        b"Message-ID: <oversized-0408@outlook.com>", b"Message-ID: <huge-1@outlook.com>"
    )
    import base64

    encoded = base64.encodebytes(big)
    raw = raw.replace(b"--_004_oversized_--", b"")
    raw += (
        b'--_004_oversized_\r\nContent-Type: text/plain; name="huge.txt"\r\n'
        b'Content-Disposition: attachment; filename="huge.txt"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded + b"--_004_oversized_--\r\n"
    )
    inbound = take(raw)
    assert inbound.status == NEW
    refused = Notification.objects.get(case=inbound.case, channel="email").context["refused"]
    assert "huge.txt" in [r["name"] for r in refused]
    assert InboundEmail.objects.get(pk=inbound.pk).size == len(raw)
