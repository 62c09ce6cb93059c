"""The emails of steps 5 to 7 (docs/resolution.md): the offer with its actions, deadline and two
signed links that work when followed; the expiry; what was done; the survey link. Each in the
recipient's language."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from cases.lib.customer_links import SURVEY, claim_matches, link_claim
from cases.models import Notification, ResolutionOffer, Survey
from cases.services.notifications import (
    notification_deliver,
    notification_queue,
    notification_render,
)
from cases.services.offers import offers_expire_sweep
from tests.factories.cases import SYSTEM
from tests.support.offers import ETH_AMOUNT, eth_offered_case, offered_case, sent_offer

pytestmark = pytest.mark.django_db

URL = re.compile(r"https?://\S+")


def email_of(case, kind):
    return Notification.objects.get(case=case, kind=kind, channel="email")


def deliver(case, kind):
    row = email_of(case, kind)
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "sent"
    return mail.outbox[-1]


def local(url):
    """The path of an absolute link of ours, as the test client follows it."""
    assert url.startswith(settings.PORTAL_BASE_URL.rstrip("/") + "/portal/")
    return url[len(settings.PORTAL_BASE_URL.rstrip("/")) :]


# --- The offer -----------------------------------------------------------------------------


def test_the_offer_email_lists_the_actions_the_deadline_and_two_links(client):
    case = offered_case()
    offer = sent_offer(case)
    sent = deliver(case, "case.offer_sent")
    assert sent.subject == f"[{case.reference}] Our offer to settle your complaint"
    body = sent.body
    assert offer.summary in body
    assert "Outcome: Complaint partly upheld" in body
    assert "1. Refund: 25 USDT" in body
    assert "2. Security advice\n   Turn on two-factor sign-in." in body
    assert f"Please answer by {offer.expires_at:%Y-%m-%d %H:%M} UTC" in body
    accept = re.search(r"To accept the offer, open:\n(\S+)", body).group(1)
    reject = re.search(r"To reject it and tell us why, open:\n(\S+)", body).group(1)
    assert accept.endswith("?answer=accept")
    assert reject.endswith("?answer=reject")
    assert accept.split("?")[0] == reject.split("?")[0]
    # The links work: the reject page puts the reason first, the accept page accepts.
    assert 'class="offer-reject chosen"' in client.get(local(reject)).content.decode()
    page = client.get(local(accept))
    assert page.status_code == 200
    assert offer.summary in page.content.decode()
    assert client.post(local(accept).split("?")[0], {"answer": "accept"}).status_code == 302
    assert ResolutionOffer.objects.get(pk=offer.pk).state == "accepted"


def test_the_offer_email_keeps_every_place_of_the_amount():
    case = eth_offered_case()
    body = deliver(case, "case.offer_sent").body
    assert f"1. Compensation: {ETH_AMOUNT} ETH" in body
    assert "2. Technical support\n   We reset the withdrawal whitelist." in body


def test_each_version_gets_its_own_link():
    from tests.support.offers import reject, send_revision

    case = offered_case()
    first = deliver(case, "case.offer_sent").body
    reject(case)
    send_revision(case)
    rows = Notification.objects.filter(case=case, kind="case.offer_sent", channel="email")
    assert rows.count() == 2
    second = notification_render(rows.order_by("-pk").first())[1]
    links = {re.search(r"(\S+)\?answer=accept", body).group(1) for body in (first, second)}
    assert len(links) == 2
    assert "This is version 2 of our offer." in second


def test_the_offer_email_is_in_the_recipients_language():
    case = offered_case(complainant_locale="zh-hans")
    body = deliver(case, "case.offer_sent").body
    assert "投诉处理团队" in body
    assert "?answer=accept" in body


def test_the_portal_copy_has_no_links_and_reads_nothing(django_assert_num_queries):
    case = offered_case()
    row = Notification.objects.get(case=case, kind="case.offer_sent", channel="portal")
    row = Notification.objects.select_related("case").get(pk=row.pk)
    with django_assert_num_queries(0):
        _subject, body = notification_render(row)
    assert "/portal/offers/" not in body
    assert "at the top of this page" in body


# --- Expiry ----------------------------------------------------------------------------------


def test_the_expiry_sweep_tells_the_customer_once():
    case = offered_case()
    offer = sent_offer(case)
    ResolutionOffer.objects.filter(pk=offer.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert offers_expire_sweep() == 1
    assert offers_expire_sweep() == 0
    rows = Notification.objects.filter(case=case, kind="case.offer_expired")
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "portal"]
    sent = deliver(case, "case.offer_expired")
    assert sent.subject == f"[{case.reference}] Our offer expired without an answer"
    assert f"Version 1 of our offer on your case {case.reference} has expired" in sent.body
    assert f"/portal/cases/{case.reference}/" in sent.body


def test_no_expiry_mail_when_the_case_had_ended_otherwise():
    from cases.services.lifecycle import case_transition

    case = offered_case()
    offer = sent_offer(case)
    case_transition(case=case, transition="withdraw", actor=SYSTEM, reason="Customer withdrew")
    ResolutionOffer.objects.filter(pk=offer.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    offers_expire_sweep()
    assert not Notification.objects.filter(case=case, kind="case.offer_expired").exists()


# --- What was done, and the survey ------------------------------------------------------------


def resolved_case():
    """Accepted and carried out: the demo exchange does not know the walk's account, so the
    refund is cancelled by a lead; the advice needed nothing."""
    from cases.services.execution import execution_start
    from cases.services.offers import customer_actor, offer_decide
    from tests.support.lifecycle import run_step

    case = offered_case()
    offer_decide(
        offer=sent_offer(case), accept=True, channel="portal", actor=customer_actor("portal")
    )
    execution_start(case_id=case.pk)
    return run_step(case, "complete_execution", {}, SYSTEM)


def test_the_resolution_email_says_per_action_what_was_done():
    case = resolved_case()
    sent = deliver(case, "case.resolved")
    assert sent.subject == f"[{case.reference}] Your case is resolved: what we did"
    assert "1. Refund: 25 USDT\n   Cancelled: this could not be carried out." in sent.body
    assert "2. Security advice\n   Turn on two-factor sign-in." in sent.body


def test_a_done_action_names_the_exchange_reference():
    case = offered_case()
    line = {
        "kind": "compensation",
        "amount": f"{ETH_AMOUNT} ETH",
        "state": "done",
        "reference": "LEDGER-42",
        "detail": "",
    }
    notification_queue(
        case=case, kind="case.resolved", cause="test", actor=SYSTEM, context={"actions": [line]}
    )
    body = deliver(case, "case.resolved").body
    assert f"1. Compensation: {ETH_AMOUNT} ETH\n   Done (exchange reference LEDGER-42)." in body


def test_the_survey_email_carries_a_working_survey_link():
    case = resolved_case()
    survey = Survey.objects.get(case=case)
    sent = deliver(case, "case.survey")
    assert sent.subject == f"[{case.reference}] How did we do? Two questions about your complaint"
    [link] = [u for u in URL.findall(sent.body) if "/portal/surveys/" in u]
    token = re.fullmatch(r".*/portal/surveys/([^/]+)/", local(link)).group(1)
    claim = link_claim(token, purpose=SURVEY)
    assert claim.object_id == survey.pk
    assert claim_matches(claim, case=case)
    assert f"You can answer until {survey.expires_at:%Y-%m-%d}." in sent.body
