"""The follow-up pages in a real browser (issue 13: the portal's letter and survey pages in
headless Chromium in both languages): the survey through its emailed link without signing in,
answered once; the final response letter read and downloaded as PDF from the case page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.enums import CaseState
from cases.lib.customer_links import SURVEY, link_token
from cases.models import FinalResponseLetter, Survey
from tests.factories.cases import make_case, make_team
from tests.factories.portal import make_portal_user
from tests.support.browser import sign_in
from tests.support.lifecycle import path_to

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def own_case(user, state, **overrides):
    return make_case(
        team=make_team("complaints", "Complaints"),
        customer=user,
        complainant_email=user.email,
        complainant_account_id=user.customer_profile.exchange_account_id,
        state_path=path_to(state),
        **overrides,
    )


def survey_path(case):
    survey = Survey.objects.get(case=case)
    return f"/portal/surveys/{link_token(purpose=SURVEY, case=case, object_id=survey.pk)}/"


def to_chinese(page):
    page.select_option("#language", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")


def test_the_survey_from_the_email_link_in_english(new_page):
    alice = make_portal_user("alice")
    case = own_case(alice, CaseState.RESOLVED)
    page = new_page()
    page.goto(survey_path(case))  # no sign-in
    expect(page.get_by_role("heading", name="How did it go?")).to_be_visible()
    question = page.locator("#question-1")
    question.get_by_text("Satisfied", exact=True).click()
    question.get_by_label("Handled quickly").check()
    answer = page.locator("#question-2")
    answer.get_by_text("Dissatisfied", exact=True).click()
    answer.get_by_label("The amount was too low").check()
    page.get_by_label("Anything else you want to tell us?").fill("Fast, but small refund.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".messages")).to_contain_text("Thank you for your answers.")
    expect(page.locator("#answer-process")).to_have_text("4/5")
    expect(page.locator("#answer-outcome")).to_have_text("2/5")
    expect(page.locator("#survey-form")).to_have_count(0)
    survey = Survey.objects.get(case=case)
    assert (survey.process_score, survey.outcome_score) == (4, 2)
    assert survey.process_reasons == ["quick"]
    assert survey.outcome_reasons == ["amount_low"]
    assert survey.channel == "email_link"
    # The same link again shows the stored answer, never a second form.
    page.goto(survey_path(case))
    expect(page.locator("#survey-answer")).to_be_visible()
    expect(page.locator("#survey-form")).to_have_count(0)


def test_the_survey_in_chinese_and_a_missing_score_is_refused(new_page):
    alice = make_portal_user("alice", locale="zh-hans")
    case = own_case(alice, CaseState.RESOLVED, complainant_locale="zh-hans")
    page = new_page()
    page.goto(survey_path(case))
    to_chinese(page)
    expect(page.get_by_role("heading", name="您觉得如何？")).to_be_visible()
    expect(page.locator("#question-1 legend")).to_contain_text("您对我们处理投诉的过程满意吗？")
    page.locator("#question-1").get_by_text("非常满意", exact=True).click()
    page.get_by_role("button", name="提交我的回答").click()  # the outcome left unanswered
    expect(page.locator("#question-2 .errorlist")).to_contain_text("请选择 1 到 5 分。")
    assert Survey.objects.get(case=case).answered_at is None
    page.locator("#question-2").get_by_text("一般", exact=True).click()
    page.locator("#question-2").get_by_label("决定公平").check()
    page.get_by_role("button", name="提交我的回答").click()
    expect(page.locator(".messages")).to_contain_text("感谢您的回答。")
    expect(page.locator("#answer-outcome")).to_have_text("3/5")
    expect(page.locator("#survey-answer")).to_contain_text("决定公平")


def test_reopening_from_the_survey_page(new_page):
    alice = make_portal_user("alice")
    case = own_case(alice, CaseState.RESOLVED)
    page = new_page()
    page.goto(survey_path(case))
    page.get_by_label("Why should we look at your case again?").fill("Still locked out.")
    page.get_by_role("button", name="Reopen my case").click()
    expect(page.locator(".messages")).to_contain_text("Your case is reopened.")
    expect(page.locator("#reopen")).to_have_count(0)
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING


def test_the_letter_page_and_its_pdf_in_english(new_page):
    alice = make_portal_user("alice")
    case = own_case(alice, CaseState.FINAL_RESPONSE)
    letter = FinalResponseLetter.objects.get(case=case)
    page = new_page()
    sign_in(page, "alice@example.com")
    page.goto(f"/portal/cases/{case.reference}/")
    page.get_by_role("link", name="Read the letter").click()
    expect(page.locator("#letter-title")).to_have_text(letter.subject)
    expect(page.locator("#letter-body")).to_contain_text("Your right to refer your complaint")
    expect(page.locator("#letter-sha256")).to_have_text(letter.sha256)
    with page.expect_download() as info:
        page.locator("#letter-pdf").click()
    download = info.value
    assert download.suggested_filename.startswith(f"final-response-{case.reference}-")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def test_the_letter_page_in_chinese(new_page):
    alice = make_portal_user("alice", locale="zh-hans")
    case = own_case(alice, CaseState.FINAL_RESPONSE, complainant_locale="zh-hans")
    page = new_page()
    sign_in(page, "alice@example.com")
    page.goto(f"/portal/cases/{case.reference}/")
    to_chinese(page)
    expect(page.locator("#final-response h2")).to_have_text("我们的最终答复")
    page.get_by_role("link", name="阅读函件").click()
    expect(page.locator("#letter-body")).to_contain_text("您提交投诉的权利")
    expect(page.locator("#letter-body")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#letter-pdf")).to_have_text("下载 PDF")
