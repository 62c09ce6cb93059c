"""Issue 11 (Low): a portal form sent twice, or twenty times at once, is taken once; and the
portal's mail goes only to the signed-in account's own address."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from cases.models import Case, CaseEvent, Message, MessageDirection, Notification
from tests.factories.cases import make_case
from tests.support.portal import complaint_data, disguised_upload, reply_token
from tests.support.threads import run_together


def _own_case(user, **overrides):
    return make_case(
        customer=user,
        complainant_email=user.email,
        complainant_account_id=user.customer_profile.exchange_account_id,
        **overrides,
    )


def _inbound(case):
    return Message.objects.filter(case=case, direction=MessageDirection.INBOUND)


@pytest.mark.django_db
def test_the_same_reply_form_sent_twice_stores_one_message(client, portal_user):
    alice = portal_user("alice")
    client.force_login(alice)
    case = _own_case(alice)
    before = _inbound(case).count()
    data = {"body": "Here is the order id: 88120391.", "form_token": reply_token(client, case)}
    url = f"/portal/cases/{case.reference}/reply/"
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "This message was already sent." in again.content.decode()
    assert _inbound(case).count() == before + 1
    # A new form (a new token) is a new message, even with the same words.
    data["form_token"] = reply_token(client, case)
    assert client.post(url, data).status_code == 302
    assert _inbound(case).count() == before + 2


@pytest.mark.django_db
def test_a_reply_without_a_valid_token_is_refused_and_the_text_kept(client, portal_user):
    alice, bob = portal_user("alice"), portal_user("bob")
    client.force_login(alice)
    case, other = _own_case(alice), _own_case(alice)
    bobs = _own_case(bob)
    before = _inbound(case).count()
    url = f"/portal/cases/{case.reference}/reply/"
    other_case_token = reply_token(client, other)
    client.force_login(bob)
    bobs_token = reply_token(client, bobs)
    client.force_login(alice)
    for token in (None, "", "forged", other_case_token, bobs_token):
        data = {"body": "Please call me back."}
        if token is not None:
            data["form_token"] = token
        response = client.post(url, data)
        assert response.status_code == 400, token
        page = response.content.decode()
        assert "This form has expired" in page
        assert "Please call me back." in page  # nothing the user wrote is lost
        assert 'name="form_token" value="' in page  # and the form can be sent again
    assert _inbound(case).count() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_replies_store_one_message_and_one_notice(portal_user):
    alice = portal_user("alice")
    case = _own_case(alice)
    setup = Client()
    setup.force_login(alice)
    token = reply_token(setup, case)
    before = _inbound(case).count()
    notices = Notification.objects.filter(case=case).count()
    start = threading.Barrier(20)
    codes: list = []

    def post():
        try:
            client = Client()
            client.force_login(alice)
            start.wait(10)
            # A refused file makes the reply queue one notice: we can count it.
            response = client.post(
                f"/portal/cases/{case.reference}/reply/",
                {
                    "body": "Same words, twenty times.",
                    "form_token": token,
                    "attachments": [disguised_upload()],
                },
            )
            codes.append(response.status_code)
        except Exception as exc:  # report, do not hang the barrier
            codes.append(exc)
        finally:
            connection.close()

    run_together(post, times=20, timeout=60)

    assert codes == [302] * 20
    assert _inbound(case).count() == before + 1
    assert CaseEvent.objects.filter(case=case, type="case.message.received").count() == 1
    queued = Notification.objects.filter(case=case).order_by("pk")[notices:]
    # One notice of the refused file (one row per channel), not twenty.
    assert sorted((n.kind, n.channel) for n in queued) == [
        ("case.attachments_refused", "email"),
        ("case.attachments_refused", "portal"),
    ]


@pytest.mark.django_db
def test_the_complaint_form_sends_mail_only_to_the_account_address(
    client, portal_user, django_capture_on_commit_callbacks
):
    alice = portal_user("alice")
    client.force_login(alice)
    data = complaint_data(client, email="attacker@evil.example", complainant_email="x@evil.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/portal/cases/new/", data).status_code == 302
    case = Case.objects.get(customer=alice)
    assert case.complainant_email == alice.email
    assert [m.to for m in mail.outbox] == [[alice.email]]
