"""The page the signed link of the offer email opens: no sign-in, no session, never cached; the
offer and its two answers; one answer per offer (the same again is harmless, another is
refused); expired, tampered, reused links and links for another version or customer."""

import time
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from cases.enums import CaseState
from cases.lib.customer_links import OFFER, SURVEY, link_token
from cases.models import CaseEvent, ResolutionOffer
from tests.support.offers import (
    ETH_AMOUNT,
    eth_offered_case,
    offered_case,
    reject,
    send_revision,
    sent_offer,
)

pytestmark = pytest.mark.django_db


def link(offer, *, case=None, version=None, purpose=OFFER) -> str:
    token = link_token(
        purpose=purpose,
        case=case or offer.case,
        object_id=offer.pk,
        version=offer.version if version is None else version,
    )
    return f"/portal/offers/{token}/"


def fresh(offer):
    # A protected FSM field cannot be refreshed in place.
    return ResolutionOffer.objects.get(pk=offer.pk)


def events(case, name):
    return CaseEvent.objects.filter(case=case, type=f"case.transition.{name}").count()


def assert_private(response):
    """Never stored by a cache, no session written, nobody signed in, the token never leaked."""
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not response.wsgi_request.user.is_authenticated


def test_the_link_shows_the_offer_and_both_answers_without_signing_in(client):
    case = offered_case(complainant_email="wang@example.com")
    offer = sent_offer(case)
    response = client.get(link(offer))
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert case.reference in html
    assert "We refund the fee and explain how to protect the account." in html
    assert '<span class="amount">25 USDT</span>' in html
    assert f"Please answer by {offer.expires_at:%Y-%m-%d %H:%M} UTC." in html
    assert 'name="answer" value="accept"' in html
    assert 'name="answer" value="reject"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_the_reject_link_puts_the_reason_first(client):
    offer = sent_offer(offered_case())
    html = client.get(link(offer) + "?answer=reject").content.decode()
    assert 'class="offer-answers chosen-reject"' in html
    assert 'class="offer-reject chosen"' in html


def test_accept_through_the_link_once(client):
    case = offered_case()
    offer = sent_offer(case)
    url = link(offer)
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302
    assert response.url == f"{url}?done=1"
    assert_private(response)
    offer = fresh(offer)
    assert (offer.state, offer.decision_channel) == ("accepted", "email_link")
    assert offer.history.latest().history_actor == "system:customer:email_link"
    case.refresh_from_db()
    assert case.state == CaseState.RESOLUTION_ACCEPTED
    shown = client.get(response.url)
    html = shown.content.decode()
    assert "Thank you: your answer is recorded." in html
    assert "You accepted this offer on" in html
    assert 'name="answer"' not in html
    # Reused: the same answer again changes nothing; the other answer is refused.
    assert client.post(url, {"answer": "accept"}).status_code == 302
    assert events(case, "record_acceptance") == 1
    refused = client.post(url, {"answer": "reject", "reason": "Changed my mind."})
    assert refused.status_code == 409
    assert "This offer was already accepted." in refused.content.decode()
    offer = fresh(offer)
    assert offer.state == "accepted"
    assert events(case, "record_rejection") == 0


def test_reject_through_the_link_needs_a_reason(client):
    case = offered_case()
    offer = sent_offer(case)
    url = link(offer)
    missing = client.post(url, {"answer": "reject", "reason": ""})
    assert missing.status_code == 400
    assert "This field is required." in missing.content.decode()
    assert sent_offer(case).pk == offer.pk
    assert client.post(url, {"answer": "maybe"}).status_code == 400
    response = client.post(url, {"answer": "reject", "reason": "I want the full 40 USDT."})
    assert response.status_code == 302
    offer = fresh(offer)
    assert (offer.state, offer.decision_reason, offer.decision_channel) == (
        "rejected",
        "I want the full 40 USDT.",
        "email_link",
    )
    # A second rejection with other words keeps the first answer.
    assert client.post(url, {"answer": "reject", "reason": "Again."}).status_code == 302
    offer = fresh(offer)
    assert offer.decision_reason == "I want the full 40 USDT."
    assert events(case, "record_rejection") == 1


def test_amounts_keep_all_eighteen_places(client):
    offer = sent_offer(eth_offered_case())
    html = client.get(link(offer)).content.decode()
    assert f"{ETH_AMOUNT} ETH" in html


def test_an_expired_link_is_410_and_changes_nothing(client):
    offer = sent_offer(offered_case())
    past = time.time() - settings.CUSTOMER_LINK_MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=past):
        url = link(offer)
    response = client.get(url)
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()
    assert client.post(url, {"answer": "accept"}).status_code == 410
    offer = fresh(offer)
    assert offer.state == "sent"
    assert_private(response)


def test_the_max_age_setting_decides_when_a_link_expires(client, settings):
    offer = sent_offer(offered_case())
    url = link(offer)
    settings.CUSTOMER_LINK_MAX_AGE = timedelta(seconds=-1)
    assert client.get(url).status_code == 410
    settings.CUSTOMER_LINK_MAX_AGE = timedelta(days=30)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "bend",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: token.split(":")[0],
        lambda token: "nonsense",
    ],
)
def test_a_tampered_link_is_400_and_changes_nothing(client, bend):
    offer = sent_offer(offered_case())
    token = link(offer).split("/")[-2]
    url = f"/portal/offers/{bend(token)}/"
    response = client.get(url)
    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()
    assert client.post(url, {"answer": "accept"}).status_code == 400
    offer = fresh(offer)
    assert offer.state == "sent"


def test_a_survey_link_does_not_open_an_offer(client):
    offer = sent_offer(offered_case())
    assert client.get(link(offer, purpose=SURVEY)).status_code == 400


def test_a_link_for_another_version_is_refused(client):
    offer = sent_offer(offered_case())
    url = link(offer, version=offer.version + 1)
    response = client.get(url)
    assert response.status_code == 403
    assert "This link was not sent for this offer" in response.content.decode()
    assert client.post(url, {"answer": "accept"}).status_code == 403
    offer = fresh(offer)
    assert offer.state == "sent"


def test_a_link_for_another_customer_is_refused(client, portal_user):
    alice = portal_user("alice")
    case = offered_case(alice)
    offer = sent_offer(case)
    # The same case and offer, signed for someone else (e.g. before the case changed hands).
    other = SimpleNamespace(
        reference=case.reference, customer_id=alice.pk + 1000, complainant_email=""
    )
    url = link(offer, case=other)
    assert client.get(url).status_code == 403
    assert client.post(url, {"answer": "accept"}).status_code == 403
    offer = fresh(offer)
    assert offer.state == "sent"


def test_a_link_to_an_offer_of_another_case_is_refused(client):
    offer = sent_offer(offered_case())
    elsewhere = offered_case()
    # A validly signed link naming this offer's id with another case's reference.
    url = link(offer, case=elsewhere)
    assert client.get(url).status_code == 400
    assert sent_offer(elsewhere).state == "sent"


def test_each_version_has_its_own_link_and_an_old_one_takes_no_answer(client):
    case = offered_case()
    first = sent_offer(case)
    old = link(first)
    reject(case)
    second = send_revision(case)
    new = link(second)
    assert old != new
    html = client.get(old).content.decode()
    assert "You rejected this offer on" in html
    assert "We have sent you a newer offer since" in html
    refused = client.post(old, {"answer": "accept"})
    assert refused.status_code == 409
    assert "This offer was already rejected." in refused.content.decode()
    assert client.post(new, {"answer": "accept"}).status_code == 302
    assert ResolutionOffer.objects.get(pk=second.pk).state == "accepted"


def test_an_offer_past_its_deadline_takes_no_answer(client):
    offer = sent_offer(offered_case())
    ResolutionOffer.objects.filter(pk=offer.pk).update(
        expires_at=timezone.now() - timedelta(minutes=5)
    )
    html = client.get(link(offer)).content.decode()
    assert "without an answer. The team will contact you." in html
    assert 'name="answer"' not in html
    response = client.post(link(offer), {"answer": "accept"})
    assert response.status_code == 409
    assert "This offer expired" in response.content.decode()


def test_the_page_speaks_the_customers_language(client):
    offer = sent_offer(offered_case(complainant_locale="zh-hans"))
    response = client.get(link(offer), headers={"accept-language": "en"})
    assert response["Content-Language"] == "zh-hans"
    assert 'lang="zh-Hans"' in response.content.decode()
    # Unless they chose another language on this site.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(link(offer))
    assert 'lang="en"' in response.content.decode()


def test_a_refusal_speaks_the_browsers_language(client):
    response = client.get("/portal/offers/nonsense/", headers={"accept-language": "zh-hans"})
    assert response.status_code == 400
    assert 'lang="zh-Hans"' in response.content.decode()


def test_a_signed_in_visitor_stays_who_they_are(client, portal_user):
    bob = portal_user("bob")
    client.force_login(bob)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    offer = sent_offer(offered_case())
    response = client.post(link(offer), {"answer": "accept"})
    assert response.status_code == 302
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session
    assert response.wsgi_request.user == bob
    offer = fresh(offer)
    assert offer.decision_channel == "email_link"
