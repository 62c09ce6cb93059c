"""Which mail may join an existing case (RELIABILITY.md property 13, issue 11 finding 7).

Only a signed reply token, or our own MTA's DKIM/DMARC pass (when trusted), authenticates a
reply; In-Reply-To and a subject reference are hints. Forged mail opens the sender's own case,
never touches the victim's, and never resumes its clock. Each door (pipe, IMAP, webhook) goes
through the same path; each has a test here.
"""

import hashlib
import hmac
import imaplib
from pathlib import Path

import pytest
from django.core.management import call_command

from cases.lib.reply_tokens import reference_from_token, reply_address, reply_token
from cases.models import Message
from cases.services.lifecycle import case_transition
from channels.adapters.mail_auth import sender_authentication
from channels.models import InboundEmail, InboundEmailSource, InboundEmailStatus
from channels.services.email import imap_poll
from tests.support.email import ACTOR, fill_for, open_email_case, raw_of, take
from tests.support.imap import DOVECOT

pytestmark = pytest.mark.django_db
OUR_MTA = "mx.exchange.example"
NEW, REPLY, QUAR = (
    InboundEmailStatus.NEW_CASE,
    InboundEmailStatus.REPLY,
    InboundEmailStatus.QUARANTINED,
)


@pytest.fixture
def trusted(settings):
    """A deployment whose MTA (authserv-id mx.exchange.example) stamps Authentication-Results."""
    settings.INBOUND_MAIL_TRUST_AUTH_RESULTS = True
    settings.INBOUND_MAIL_AUTHSERV_ID = OUR_MTA
    return settings


def _waiting_case(email: str = "alice@example.com"):
    """A mail case paused for the customer's answer (its clock stopped)."""
    case, ack = open_email_case(email=email)
    for name, inputs in (
        ("start_assessment", {}),
        ("request_info", {"info_request": "Please send the order id."}),
    ):
        case = case_transition(case=case, transition=name, actor=ACTOR, reason="r", **inputs)
    assert case.state == "awaiting_customer"
    assert case.paused_at is not None
    return case, ack


def _assert_untouched(case, messages_before: int) -> None:
    case.refresh_from_db()
    assert case.state == "awaiting_customer"
    assert case.paused_at is not None  # the clock did not resume
    assert Message.objects.filter(case=case).count() == messages_before


def _assert_joined(inbound, case) -> None:
    assert inbound.status == REPLY, (inbound.reason, inbound.notes)
    assert inbound.case_id == case.pk
    case.refresh_from_db()
    assert case.state == "assessing"
    assert case.paused_at is None


# --- The rule, on the MTA pipe ------------------------------------------------------------------


def test_forged_from_with_subject_reference_opens_its_own_case_on_the_pipe(tmp_path, capsys):
    """The penetration test's mail: `Re: <reference>` and the owner's From, nothing else."""
    case, ack = _waiting_case()
    before = Message.objects.filter(case=case).count()
    path = tmp_path / "forged.eml"
    path.write_bytes(raw_of("21_reply_by_subject_reference.eml", **fill_for(case, ack)))

    call_command("ingest_email", str(path))

    assert capsys.readouterr().out.startswith("new_case")
    inbound = InboundEmail.objects.get(source=InboundEmailSource.MTA)
    assert inbound.status == NEW
    assert inbound.case_id != case.pk
    assert any("not authenticated" in n and case.reference in n for n in inbound.notes)
    _assert_untouched(case, before)


def test_in_reply_to_our_message_id_is_a_hint_not_proof():
    case, ack = _waiting_case(email="priya.raman.dev@gmail.com")
    before = Message.objects.filter(case=case).count()
    inbound = take(raw_of("20_reply_by_in_reply_to.eml", **fill_for(case, ack)))
    assert inbound.status == NEW
    _assert_untouched(case, before)


def test_reply_token_joins_and_resumes_the_clock():
    case, ack = _waiting_case(email="d.whitaker@outlook.com")
    inbound = take(raw_of("19_reply_by_token.eml", **fill_for(case, ack)))
    _assert_joined(inbound, case)
    assert inbound.case_message.source["matched_by"] == "reply-token"


def test_a_token_of_another_case_or_a_moved_signature_does_not_join():
    case, ack = _waiting_case(email="d.whitaker@outlook.com")
    other, _ack = open_email_case(email="someone@example.net")
    before = Message.objects.filter(case=case).count()
    # The other case's genuine token, sent by this case's complainant: not their case.
    fill = {**fill_for(case, ack), "TOKEN_ADDRESS": reply_address(other.reference)}
    inbound = take(raw_of("19_reply_by_token.eml", **fill))
    assert inbound.status == NEW
    assert inbound.case_id not in (case.pk, other.pk)
    # The other case's signature put on this case's reference: not a token at all.
    signature = reply_token(other.reference).rpartition(".")[2]
    moved = f"complaints+{case.reference.lower()}.{signature}@exchange.example"
    raw = raw_of("19_reply_by_token.eml", **{**fill, "TOKEN_ADDRESS": moved})
    raw = raw.replace(b"AM6PR05MB6120C1D2", b"AM6PR05MB6120MOVED0")
    assert take(raw).status == NEW
    _assert_untouched(case, before)


def test_a_token_in_the_subject_is_not_a_reply_address():
    case, ack = _waiting_case(email="d.whitaker@outlook.com")
    before = Message.objects.filter(case=case).count()
    raw = raw_of("19_reply_by_token.eml", **fill_for(case, ack))
    raw = raw.replace(reply_address(case.reference).encode(), b"complaints@exchange.example")
    raw = raw.replace(
        b"Subject: RE: Your complaint has been registered",
        f"Subject: RE: [{reply_token(case.reference)}]".encode(),
    )
    assert take(raw).status == NEW
    _assert_untouched(case, before)


def test_tokens_verify_under_a_fallback_key_and_refuse_junk(settings):
    token = reply_token("CX-2026-0000078")
    assert reference_from_token(token) == "CX-2026-0000078"
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-key-" + "x" * 40
    assert reference_from_token(token) == "CX-2026-0000078"  # mail sent before the rotation
    settings.SECRET_KEY_FALLBACKS = []
    assert reference_from_token(token) == ""
    for junk in ("", "cx-2026-0000078", "cx-2026-0000078.zzzzzzzzzzzzzzzz", token + "0"):
        assert reference_from_token(junk) == ""


# --- Authentication-Results from our own MTA -------------------------------------------------


def test_our_mtas_aligned_dkim_pass_joins_when_trusted(trusted):
    case, ack = _waiting_case()
    inbound = take(raw_of("31_reply_dkim_pass_aligned.eml", **fill_for(case, ack)))
    _assert_joined(inbound, case)
    assert inbound.case_message.source["matched_by"] in ("in-reply-to+dkim", "in-reply-to+dmarc")


def test_authentication_results_are_ignored_unless_trusted(settings):
    settings.INBOUND_MAIL_TRUST_AUTH_RESULTS = False
    settings.INBOUND_MAIL_AUTHSERV_ID = OUR_MTA
    case, ack = _waiting_case()
    before = Message.objects.filter(case=case).count()
    assert take(raw_of("31_reply_dkim_pass_aligned.eml", **fill_for(case, ack))).status == NEW
    _assert_untouched(case, before)


def test_the_same_header_under_another_authserv_id_is_ignored(trusted):
    trusted.INBOUND_MAIL_AUTHSERV_ID = "mx2.exchange.example"
    case, ack = _waiting_case()
    before = Message.objects.filter(case=case).count()
    assert take(raw_of("31_reply_dkim_pass_aligned.eml", **fill_for(case, ack))).status == NEW
    _assert_untouched(case, before)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("30_forged_from_foreign_authres.eml", NEW),  # "mx.google.com" says pass: not ours
        ("32_reply_dmarc_fail.eml", NEW),  # dmarc=fail, dkim only for another domain
        ("33_reply_injected_own_authres.eml", NEW),  # a forged copy of ours: two, none trusted
        ("34_two_from_with_dkim_pass.eml", QUAR),  # two From addresses: unverified
    ],
)
def test_forged_authentication_does_not_join(trusted, name, status):
    case, ack = _waiting_case()
    before = Message.objects.filter(case=case).count()
    inbound = take(raw_of(name, **fill_for(case, ack)))
    assert inbound.status == status, inbound.notes
    assert inbound.case_id != case.pk
    _assert_untouched(case, before)


def test_an_authenticated_stranger_does_not_join_someone_elses_case(trusted):
    case, ack = _waiting_case()
    before = Message.objects.filter(case=case).count()
    raw = raw_of("31_reply_dkim_pass_aligned.eml", **fill_for(case, ack)).replace(
        b"alice@example.com", b"mallory@example.com"
    )
    inbound = take(raw)  # example.com really sent it; mallory is just not the customer
    assert inbound.status == NEW
    _assert_untouched(case, before)


# --- The same rule on the IMAP and webhook doors -------------------------------------------------


def test_webhook_forged_mail_opens_a_new_case_and_a_token_reply_joins(client, settings):
    settings.INBOUND_EMAIL_SECRET = "whsec-test"

    def post(body: bytes):
        sig = hmac.new(b"whsec-test", body, hashlib.sha256).hexdigest()
        return client.post(
            "/api/v1/inbound/email/", data=body, content_type="message/rfc822", HTTP_X_SIGNATURE=sig
        )

    case, ack = _waiting_case(email="d.whitaker@outlook.com")
    before = Message.objects.filter(case=case).count()
    forged = post(raw_of("21_reply_by_subject_reference.eml", **fill_for(case, ack)))
    assert forged.status_code == 202
    assert forged.json()["status"] == "new_case"
    assert forged.json()["case"] != case.reference
    _assert_untouched(case, before)
    genuine = post(raw_of("19_reply_by_token.eml", **fill_for(case, ack)))
    assert genuine.json()["status"] == "reply"
    assert genuine.json()["case"] == case.reference
    _assert_joined(InboundEmail.objects.get(pk=genuine.json()["id"]), case)


@pytest.mark.skipif(not Path(DOVECOT).exists(), reason="dovecot is not installed")
def test_imap_forged_mail_opens_a_new_case_and_a_token_reply_joins(imap_server):
    case, ack = _waiting_case(email="d.whitaker@outlook.com")
    before = Message.objects.filter(case=case).count()
    port = int(imap_server.rsplit(":", 1)[1].split("/")[0])
    mailbox = imaplib.IMAP4("127.0.0.1", port)
    mailbox.login("complaints", "mailbox-pass")
    forged = raw_of("21_reply_by_subject_reference.eml", **fill_for(case, ack))
    assert mailbox.append("INBOX", None, None, forged)[0] == "OK"
    mailbox.logout()

    assert imap_poll(url=imap_server, actor=ACTOR).outcomes == {"new_case": 1}
    _assert_untouched(case, before)

    mailbox = imaplib.IMAP4("127.0.0.1", port)
    mailbox.login("complaints", "mailbox-pass")
    genuine = raw_of("19_reply_by_token.eml", **fill_for(case, ack))
    assert mailbox.append("INBOX", None, None, genuine)[0] == "OK"
    mailbox.logout()
    assert imap_poll(url=imap_server, actor=ACTOR).outcomes == {"reply": 1}
    _assert_joined(InboundEmail.objects.get(source="imap", status=REPLY), case)


# --- The Authentication-Results reader on its own ------------------------------------------------


def _auth(header: str, *, from_address="alice@mail.example.org", verified=True, headers=None):
    return sender_authentication(
        headers=headers if headers is not None else [header],
        from_address=from_address,
        from_verified=verified,
        authserv_id=OUR_MTA,
        trusted=True,
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (f"{OUR_MTA}; dkim=pass header.d=mail.example.org header.s=s1", "dkim"),
        (f"{OUR_MTA}; dkim=pass header.d=example.org", "dkim"),  # a parent domain signs
        (f"{OUR_MTA}; dkim=pass header.i=@mail.example.org", "dkim"),
        (f'{OUR_MTA} 1; dkim=pass (good sig) header.d="MAIL.Example.ORG"', "dkim"),
        (f"{OUR_MTA.upper()}; dmarc=pass (p=reject) header.from=mail.example.org", "dmarc"),
        (f"(our mta) {OUR_MTA}; dmarc=pass header.from=mail.example.org", "dmarc"),
        (f"{OUR_MTA}; dkim=pass header.d=sub.mail.example.org", ""),  # a child does not
        (f"{OUR_MTA}; dkim=pass header.d=example.org.evil.example", ""),
        (f"{OUR_MTA}; dkim=pass header.d=ample.org", ""),
        (f"{OUR_MTA}; dkim=fail header.d=mail.example.org", ""),
        (
            f"{OUR_MTA}; dkim=pass header.d=mail.example.org; dmarc=fail header.from="
            "mail.example.org",
            "",
        ),  # explicit failure vetoes
        (f"{OUR_MTA}; spf=pass smtp.mailfrom=alice@mail.example.org", ""),  # SPF is not enough
        (f"{OUR_MTA}; dmarc=pass header.from=other.example", ""),
        (f"{OUR_MTA}; none", ""),
        (f"{OUR_MTA}; dkim=pass header.d=mail.example.org (unclosed", ""),
        ("mx.google.com; dkim=pass header.d=mail.example.org", ""),
        (f"{OUR_MTA}.evil.example; dkim=pass header.d=mail.example.org", ""),
    ],
)
def test_sender_authentication(header, expected):
    result = _auth(header)
    assert result.method == expected, result.reason
    assert result.authenticated is bool(expected)


def test_sender_authentication_fails_closed():
    good = f"{OUR_MTA}; dkim=pass header.d=mail.example.org"
    assert _auth(good).authenticated
    assert not _auth(good, verified=False).authenticated  # CVE-2023-27043 shapes
    assert not _auth(good, headers=[good, good]).authenticated  # a forged copy of ours
    assert not _auth(good, from_address="").authenticated
    assert not sender_authentication(
        headers=[good],
        from_address="alice@mail.example.org",
        from_verified=True,
        authserv_id=OUR_MTA,
        trusted=False,
    ).authenticated
    assert not sender_authentication(
        headers=[good],
        from_address="alice@mail.example.org",
        from_verified=True,
        authserv_id="",
        trusted=True,
    ).authenticated


def test_trusting_results_without_our_authserv_id_is_a_startup_error(settings):
    from channels.checks import check_mail_authentication_settings

    settings.INBOUND_MAIL_TRUST_AUTH_RESULTS = True
    settings.INBOUND_MAIL_AUTHSERV_ID = ""
    assert [e.id for e in check_mail_authentication_settings(None)] == ["intake_channels.E001"]
    settings.INBOUND_MAIL_AUTHSERV_ID = OUR_MTA
    assert check_mail_authentication_settings(None) == []
