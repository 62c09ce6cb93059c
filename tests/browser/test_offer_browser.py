"""The offer in a real browser, in English and in Chinese: the customer reads it on the case page
and accepts it; and through the signed link of the email, without signing in."""

import pytest
from playwright.sync_api import expect

from cases.lib.customer_links import OFFER, link_token
from cases.models import ResolutionOffer
from tests.factories.portal import make_portal_user
from tests.support.browser import sign_in
from tests.support.offers import offered_case, sent_offer

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def accepted(case):
    return ResolutionOffer.objects.get(case=case, version=1).state == "accepted"


@pytest.mark.parametrize(
    ("language", "lang", "status"),
    [("en", "en", "Proposal ready for you"), ("zh-hans", "zh-Hans", "处理方案待您确认")],
)
def test_the_customer_reads_and_accepts_the_offer(new_page, language, lang, status):
    user = make_portal_user("alice", locale=language)
    case = offered_case(user)
    offer = sent_offer(case)
    page = new_page()
    sign_in(page, "alice@example.com")
    if language != "en":
        page.select_option("#language", language)
        expect(page.locator("html")).to_have_attribute("lang", lang)
    page.goto(f"/portal/cases/{case.reference}/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("#case-status")).to_have_text(status)
    section = page.locator("#offer")
    expect(section).to_be_visible()
    expect(section).to_contain_text(offer.summary)
    expect(section.locator(".amount").first).to_have_text("25 USDT")
    expect(page.locator("#offer-deadline")).to_contain_text(f"{offer.expires_at:%Y-%m-%d %H:%M}")
    # Rejecting without a reason is stopped by the browser (the field is required).
    page.locator("#offer-reject").click()
    assert not ResolutionOffer.objects.filter(case=case, state="rejected").exists()
    page.locator("#offer-accept").click()
    expect(page.locator("#offer-answer")).to_be_visible()
    expect(page.locator(".messages .success")).to_be_visible()
    expect(page.locator("#offer-accept")).to_have_count(0)
    assert accepted(case)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_email_link_opens_the_offer_without_signing_in(new_page, language):
    case = offered_case(complainant_locale=language)
    offer = sent_offer(case)
    token = link_token(purpose=OFFER, case=case, object_id=offer.pk, version=offer.version)
    page = new_page()
    response = page.goto(f"/portal/offers/{token}/?answer=accept")
    assert response.status == 200
    assert "no-store" in response.headers["cache-control"]
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if language != "en" else "en")
    expect(page.locator("#offer")).to_contain_text(offer.summary)
    page.locator("#offer-accept").click()
    expect(page.locator("#offer-answer")).to_be_visible()
    expect(page.locator("#offer-accept")).to_have_count(0)
    assert accepted(case)
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]
