"""The offer on the portal's case page: shown prominently with its actions, amounts and deadline;
accepted or rejected once (the same answer twice is one transition, a different one is refused);
earlier versions collapsed with their answers; what is carried out after acceptance; other users'
cases 404; a query budget for one and many versions."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases.enums import CaseState
from cases.models import CaseEvent, ResolutionOffer
from cases.services.execution import execution_start
from tests.support.offers import (
    ETH_AMOUNT,
    eth_offered_case,
    offered_case,
    reject,
    send_revision,
    sent_offer,
    with_versions,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def page(client, case):
    response = client.get(f"/portal/cases/{case.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def accept_url(case, version=1):
    return f"/portal/cases/{case.reference}/offers/{version}/accept/"


def reject_url(case, version=1):
    return f"/portal/cases/{case.reference}/offers/{version}/reject/"


def answers(case, name):
    return CaseEvent.objects.filter(case=case, type=f"case.transition.{name}").count()


# --- What the customer reads ------------------------------------------------------------------


def test_the_sent_offer_is_shown_with_actions_amounts_deadline_and_buttons(alice_client, alice):
    case = offered_case(alice)
    offer = sent_offer(case)
    html = page(alice_client, case)
    section = html[html.index('id="offer"') : html.index("</section>")]
    assert "Our offer to settle your complaint" in section
    assert "We refund the fee and explain how to protect the account." in section
    assert "Complaint partly upheld" in section
    assert "Refund" in section
    assert '<span class="amount">25 USDT</span>' in section
    assert "Security advice" in section
    assert "Turn on two-factor sign-in." in section
    assert f"Please answer by {offer.expires_at:%Y-%m-%d %H:%M} UTC." in section
    assert f'action="{accept_url(case)}"' in section
    assert f'action="{reject_url(case)}"' in section
    assert re.search(r'<textarea name="reason"[^>]*required', section)
    assert section.count("csrfmiddlewaretoken") == 2


def test_amounts_keep_every_place_of_the_asset(alice_client, alice):
    case = eth_offered_case(alice)
    html = page(alice_client, case)
    assert f'<span class="amount">{ETH_AMOUNT} ETH</span>' in html
    assert "Technical support" in html


def test_the_offer_is_shown_in_the_users_language(client, portal_user):
    li = portal_user("li", locale="zh-hans")
    client.force_login(li)
    case = offered_case(li)
    response = client.get(
        f"/portal/cases/{case.reference}/", headers={"accept-language": "zh-hans"}
    )
    html = response.content.decode()
    assert 'lang="zh-Hans"' in html
    assert 'id="offer"' in html
    # The amount is written the same way in every language.
    assert "25 USDT" in html


def test_no_offer_section_before_an_offer_is_sent(alice_client, alice):
    from tests.support.offers import owned_case

    case = owned_case(alice)
    assert 'id="offer"' not in page(alice_client, case)


# --- Accepting and rejecting --------------------------------------------------------------------


def test_accept_records_the_answer_once(alice_client, alice):
    case = offered_case(alice)
    response = alice_client.post(accept_url(case), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/portal/cases/{case.reference}/#offer")
    html = response.content.decode()
    assert "you accepted the offer" in html
    offer = sent_offer_or_none(case) or ResolutionOffer.objects.get(case=case, version=1)
    assert offer.state == "accepted"
    assert offer.decision_channel == "portal"
    case.refresh_from_db()
    assert case.state == CaseState.RESOLUTION_ACCEPTED
    assert answers(case, "record_acceptance") == 1
    # The same answer again (a double click, a reload): nothing more happens.
    again = alice_client.post(accept_url(case), follow=True)
    assert "You had already accepted this offer." in again.content.decode()
    assert answers(case, "record_acceptance") == 1
    assert offer.history.filter(state="accepted").count() == 1


def sent_offer_or_none(case):
    return ResolutionOffer.objects.filter(case=case, state="sent").first()


def test_reject_needs_a_reason_and_keeps_it(alice_client, alice):
    case = offered_case(alice)
    empty = alice_client.post(reject_url(case), {"reason": "   "})
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    assert sent_offer(case).state == "sent"

    response = alice_client.post(reject_url(case), {"reason": "I lost 40 USDT, not 25."})
    assert response.status_code == 302
    offer = ResolutionOffer.objects.get(case=case, version=1)
    assert (offer.state, offer.decision_reason) == ("rejected", "I lost 40 USDT, not 25.")
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSAL_REJECTED
    html = page(alice_client, case)
    assert "You rejected this offer on" in html
    assert "I lost 40 USDT, not 25." in html
    assert 'id="offer-accept"' not in html


def test_a_different_answer_is_refused_with_a_clear_message(alice_client, alice):
    case = offered_case(alice)
    alice_client.post(accept_url(case))
    response = alice_client.post(reject_url(case), {"reason": "Changed my mind."})
    assert response.status_code == 409
    assert "This offer was already accepted." in response.content.decode()
    offer = ResolutionOffer.objects.get(case=case, version=1)
    assert (offer.state, offer.decision_reason) == ("accepted", "")
    assert answers(case, "record_rejection") == 0


def test_an_expired_offer_takes_no_answer(alice_client, alice):
    case = offered_case(alice)
    offer = sent_offer(case)
    ResolutionOffer.objects.filter(pk=offer.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    html = page(alice_client, case)
    assert "without an answer. The team will contact you." in html
    assert 'id="offer-accept"' not in html
    response = alice_client.post(accept_url(case))
    assert response.status_code == 409
    assert "This offer expired" in response.content.decode()
    assert sent_offer(case).state == "sent"
    assert answers(case, "record_acceptance") == 0


def test_only_the_open_version_is_answered(alice_client, alice):
    case = offered_case(alice)
    reject(case)
    send_revision(case)
    response = alice_client.post(accept_url(case, version=1))
    assert response.status_code == 409
    assert "This offer was already rejected." in response.content.decode()
    assert alice_client.post(accept_url(case, version=2)).status_code == 302
    assert ResolutionOffer.objects.get(case=case, version=2).state == "accepted"


def test_another_users_case_or_an_unsent_version_is_404(client, alice, portal_user):
    case = offered_case(alice)
    bob = portal_user("bob")
    client.force_login(bob)
    assert client.get(f"/portal/cases/{case.reference}/").status_code == 404
    assert client.post(accept_url(case)).status_code == 404
    assert client.post(reject_url(case), {"reason": "Not mine."}).status_code == 404
    assert sent_offer(case).state == "sent"
    client.force_login(alice)
    assert client.post(accept_url(case, version=2)).status_code == 404
    assert client.post(accept_url(case, version=99999999999)).status_code == 404


def test_answers_are_post_only(alice_client, alice):
    case = offered_case(alice)
    assert alice_client.get(accept_url(case)).status_code == 405
    assert sent_offer(case).state == "sent"


def test_anonymous_and_staff_cannot_answer(client, alice, staff):
    case = offered_case(alice)
    assert client.post(accept_url(case)).status_code == 302  # to the sign-in page
    client.force_login(staff(None, superuser=True))
    assert client.post(accept_url(case)).status_code == 403
    assert sent_offer(case).state == "sent"


# --- Earlier versions, and what happens after acceptance -----------------------------------------


def test_earlier_versions_are_collapsed_with_their_answers(alice_client, alice):
    case = offered_case(alice)
    reject(case, reason="Too little for a week of waiting.")
    send_revision(case)
    html = page(alice_client, case)
    current = html[html.index('id="offer"') : html.index("</section>")]
    assert "Version 2, sent" in current
    assert "30 USDT" in current
    past = html[html.index("Earlier offers") :]
    summary = r'<details class="card offer-past">\s*<summary>Version 1 · You rejected it'
    assert re.search(summary, past)
    assert "Too little for a week of waiting." in past
    assert "25 USDT" in past


def test_after_acceptance_the_actions_progress_in_plain_words(alice_client, alice):
    case = offered_case(alice)
    alice_client.post(accept_url(case))
    execution_start(case_id=case.pk)
    html = page(alice_client, case)
    assert "You accepted this offer on" in html
    assert "What we are carrying out" in html
    progress = html[html.index('class="offer-progress"') :]
    # The list only (the summary resolution letter further down quotes the agreed actions).
    progress = progress[: progress.index("</ul>")]
    line = r'Refund 25 USDT: <span class="progress progress-(queued|running)">'
    assert re.search(line, progress)
    assert "Security advice" not in progress  # advice is given, not carried out


def test_once_resolved_the_page_says_what_was_done(alice_client, alice):
    from tests.support.lifecycle import run_step

    case = offered_case(alice)
    alice_client.post(accept_url(case))
    execution_start(case_id=case.pk)
    case = run_step(case, "complete_execution", {}, alice)
    assert case.state == CaseState.RESOLVED
    html = page(alice_client, case)
    assert "What was done" in html
    # The walk's account is unknown to the demo exchange: a lead cancelled the refund.
    assert 'class="progress progress-cancelled">Cancelled' in html


# --- Query budget --------------------------------------------------------------------------------


@pytest.mark.parametrize("versions", [1, 6])
def test_case_page_query_budget_with_one_and_many_offers(
    alice_client, alice, versions, django_assert_max_num_queries
):
    case = offered_case(alice)
    with_versions(case, versions)
    assert ResolutionOffer.objects.filter(case=case).count() == versions
    with django_assert_max_num_queries(13):  # 13: the regulators' letters sent included
        html = page(alice_client, case)
    assert html.count("offer-past") == versions - 1
