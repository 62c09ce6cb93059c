"""The customer's follow-up pages (issue 13, items 5 and 7): the final response letter, the
survey through its signed link (no sign-in; once; within its window; bound to the customer),
reopening within the window; 404 for anything foreign; query budgets."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from cases.enums import CaseState
from cases.lib.customer_links import SURVEY, link_token
from cases.models import Case, CaseEvent, FinalResponseLetter, Survey
from cases.services.intake import message_post_staff
from complaints_site.common.history import stamp
from tests.factories.cases import SYSTEM, make_case
from tests.support.lifecycle import cite_evidence, path_to

pytestmark = pytest.mark.django_db

ANSWER = {
    "process_score": "5",
    "process_reasons": ["quick", "helpful_staff"],
    "outcome_score": "2",
    "outcome_reasons": ["amount_low"],
    "comment": "Quick and kind, but the refund was small.",
}


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


@pytest.fixture
def bob(portal_user):
    return portal_user("bob")


@pytest.fixture
def own(team):
    """Factory: a case of `user` walked to `state`."""

    def make(user, state, **overrides):
        return make_case(
            team=team,
            customer=user,
            complainant_email=user.email,
            complainant_account_id=user.customer_profile.exchange_account_id,
            state_path=path_to(state),
            **overrides,
        )

    return make


def survey_url(survey):
    return f"/portal/surveys/{link_token(purpose=SURVEY, case=survey.case, object_id=survey.pk)}/"


# --- the letter --------------------------------------------------------------------------------


def test_the_customer_reads_their_letter_from_the_case_page(client, alice, own):
    case = own(alice, CaseState.FINAL_RESPONSE)
    letter = FinalResponseLetter.objects.get(case=case)
    client.force_login(alice)
    page = client.get(f"/portal/cases/{case.reference}/").content.decode()
    assert f'href="/portal/cases/{case.reference}/letter/"' in page
    response = client.get(f"/portal/cases/{case.reference}/letter/")
    assert response.status_code == 200
    html = response.content.decode()
    assert letter.sha256 in html
    assert "Your right to refer your complaint" in html
    assert f'href="/portal/cases/{case.reference}/letter/pdf/"' in html


def test_the_letter_is_in_chinese_for_a_chinese_customer(client, alice, own):
    case = own(alice, CaseState.FINAL_RESPONSE, complainant_locale="zh-hans")
    client.force_login(alice)
    html = client.get(f"/portal/cases/{case.reference}/letter/").content.decode()
    assert "您提交投诉的权利" in html
    assert 'lang="zh-Hans"' in html


def test_the_customer_downloads_the_same_pdf_each_time(client, alice, own):
    case = own(alice, CaseState.FINAL_RESPONSE, complainant_locale="zh-hans")
    client.force_login(alice)
    url = f"/portal/cases/{case.reference}/letter/pdf/"
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == (
        f'attachment; filename="final-response-{case.reference}-'
        f'{FinalResponseLetter.objects.get(case=case).issued_at:%Y%m%d}.pdf"'
    )
    assert first["X-Content-Type-Options"] == "nosniff"
    assert client.get(url).content == first.content
    import io

    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(first.content)).pages)
    assert "最终答复" in "".join(text.replace("\x00", "").split())


def test_no_letter_and_foreign_letters_are_404(client, alice, bob, own):
    bobs = own(bob, CaseState.FINAL_RESPONSE)
    mine = own(alice, CaseState.INVESTIGATING)
    client.force_login(alice)
    for url in (
        f"/portal/cases/{bobs.reference}/letter/",
        f"/portal/cases/{bobs.reference}/letter/pdf/",
        f"/portal/cases/{mine.reference}/letter/",
        f"/portal/cases/{mine.reference}/letter/pdf/",
    ):
        assert client.get(url).status_code == 404, url
    client.logout()
    response = client.get(f"/portal/cases/{bobs.reference}/letter/")
    assert response.status_code == 302
    assert "/portal/sign-in/" in response.url


# --- the survey ---------------------------------------------------------------------------------


def test_the_survey_works_without_signing_in_and_once(client, alice, own):
    case = own(alice, CaseState.RESOLVED)
    survey = Survey.objects.get(case=case)
    url = survey_url(survey)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="process_score"' in html
    assert 'name="outcome_score"' in html
    assert html.count('type="radio"') == 10
    response = client.post(url, ANSWER)
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.process_score, survey.outcome_score) == (5, 2)
    assert survey.process_reasons == ["quick", "helpful_staff"]
    assert survey.channel == "email_link"
    shown = client.get(url).content.decode()
    assert 'id="survey-answer"' in shown
    assert 'name="process_score"' not in shown
    # A second submission shows the stored answer and changes nothing.
    again = client.post(url, {**ANSWER, "process_score": "1", "outcome_score": "1"}, follow=True)
    assert "You already answered this survey." in again.content.decode()
    assert 'id="answer-process">5/5' in again.content.decode()
    survey.refresh_from_db()
    assert (survey.process_score, survey.outcome_score) == (5, 2)
    assert CaseEvent.objects.filter(case=case, type="survey.answered").count() == 1


def test_signed_in_from_the_case_page_the_answer_is_the_portals(client, alice, own):
    case = own(alice, CaseState.RESOLVED)
    client.force_login(alice)
    page = client.get(f"/portal/cases/{case.reference}/").content.decode()
    link = re.search(r'href="(/portal/surveys/[^"]+/)" id="survey-link"', page).group(1)
    assert client.post(link, ANSWER).status_code == 302
    survey = Survey.objects.get(case=case)
    assert survey.channel == "portal"
    page = client.get(f"/portal/cases/{case.reference}/").content.decode()
    assert 'id="survey-link"' not in page
    assert "Thank you for answering our survey" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("process_score", "0"), ("process_score", "6"), ("outcome_score", "x"), ("outcome_score", "")],
)
def test_scores_out_of_range_are_refused(client, alice, own, field, value):
    survey = Survey.objects.get(case=own(alice, CaseState.RESOLVED))
    response = client.post(survey_url(survey), {**ANSWER, field: value})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_tampered_link_is_refused(client, alice, own):
    survey = Survey.objects.get(case=own(alice, CaseState.RESOLVED))
    token = link_token(purpose=SURVEY, case=survey.case, object_id=survey.pk)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (
        forged,
        "nonsense",
        signing.dumps({"o": survey.pk}, salt="cases.customer-link.offer"),
    ):
        response = client.get(f"/portal/surveys/{bad}/")
        assert response.status_code == 404
        assert "This link is not valid." in response.content.decode()
        assert client.post(f"/portal/surveys/{bad}/", ANSWER).status_code == 404
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_expired_link_or_survey_is_refused(client, alice, own, settings):
    survey = Survey.objects.get(case=own(alice, CaseState.RESOLVED))
    url = survey_url(survey)
    settings.CUSTOMER_LINK_MAX_AGE = timedelta(seconds=-1)
    response = client.get(url)
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()
    settings.CUSTOMER_LINK_MAX_AGE = timedelta(days=30)
    survey.expires_at = timezone.now() - timedelta(minutes=1)
    stamp(survey, actor=SYSTEM, reason="test: the window passed")
    survey.save()
    response = client.get(url)
    assert response.status_code == 410
    assert 'id="survey-closed"' in response.content.decode()
    assert client.post(url, ANSWER, follow=True).status_code == 410
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_link_for_another_customer_or_case_is_refused(client, alice, bob, own):
    alices = Survey.objects.get(case=own(alice, CaseState.RESOLVED))
    bobs = Survey.objects.get(case=own(bob, CaseState.RESOLVED))
    # Alice's case named in the token, Bob's survey as the object.
    bent = link_token(purpose=SURVEY, case=alices.case, object_id=bobs.pk)
    assert client.get(f"/portal/surveys/{bent}/").status_code == 404
    # Bob signed in opens Alice's link: not his.
    client.force_login(bob)
    response = client.post(survey_url(alices), ANSWER)
    assert response.status_code == 404
    assert "This link was sent to another customer." in response.content.decode()
    alices.refresh_from_db()
    bobs.refresh_from_db()
    assert alices.answered_at is None
    assert bobs.answered_at is None


def test_a_link_to_a_case_that_changed_hands_is_refused(client, alice, bob, own):
    case = own(alice, CaseState.RESOLVED)
    survey = Survey.objects.get(case=case)
    # The link Bob would have been sent, had the case been his: not Alice's case now.
    as_bobs = Case(pk=case.pk, reference=case.reference, customer=bob)
    token = link_token(purpose=SURVEY, case=as_bobs, object_id=survey.pk)
    assert client.get(f"/portal/surveys/{token}/").status_code == 404
    assert client.post(f"/portal/surveys/{token}/", ANSWER).status_code == 404
    survey.refresh_from_db()
    assert survey.answered_at is None


# --- reopening ----------------------------------------------------------------------------------


def test_reopening_from_the_case_page_within_the_window(client, alice, own):
    case = own(alice, CaseState.RESOLVED)
    client.force_login(alice)
    page = client.get(f"/portal/cases/{case.reference}/").content.decode()
    assert 'id="reopen"' in page
    response = client.post(
        f"/portal/cases/{case.reference}/reopen/", {"reason": "The refund never arrived."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    event = CaseEvent.objects.get(case=case, type="case.transition.reopen")
    assert event.reason == "The refund never arrived."
    assert event.actor_label == "system:customer:portal"
    assert 'id="reopen"' not in client.get(f"/portal/cases/{case.reference}/").content.decode()


def test_after_the_window_the_button_is_gone_and_the_post_refused(client, alice, own, settings):
    case = own(alice, CaseState.RESOLVED)
    settings.REOPEN_WINDOW = timedelta(0)
    client.force_login(alice)
    page = client.get(f"/portal/cases/{case.reference}/").content.decode()
    assert 'id="reopen"' not in page
    response = client.post(
        f"/portal/cases/{case.reference}/reopen/", {"reason": "Please"}, follow=True
    )
    assert "The time to reopen this case ended on" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED


def test_reopening_from_the_survey_page(client, alice, own):
    case = own(alice, CaseState.RESOLVED)
    url = survey_url(Survey.objects.get(case=case))
    assert 'id="reopen"' in client.get(url).content.decode()
    response = client.post(url + "reopen/", {"reason": "Still locked out."}, follow=True)
    assert "Your case is reopened." in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    assert (
        CaseEvent.objects.get(case=case, type="case.transition.reopen").actor_label
        == "system:customer:email_link"
    )


def test_bobs_reopen_of_alices_case_is_404(client, alice, bob, own):
    case = own(alice, CaseState.RESOLVED)
    client.force_login(bob)
    assert (
        client.post(f"/portal/cases/{case.reference}/reopen/", {"reason": "x"}).status_code == 404
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.RESOLVED


def test_state_changes_are_post_only(client, alice, own):
    case = own(alice, CaseState.RESOLVED)
    client.force_login(alice)
    assert client.get(f"/portal/cases/{case.reference}/reopen/").status_code == 405
    url = survey_url(Survey.objects.get(case=case))
    assert client.get(url + "reopen/").status_code == 405


# --- query budgets ------------------------------------------------------------------------------


def _queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _grow(case, n):
    for i in range(n):
        message_post_staff(case=case, actor=SYSTEM, body=f"Update {i}")
        cite_evidence(case)


def test_letter_page_budget_is_flat(client, alice, own, django_assert_max_num_queries):
    few_case = own(alice, CaseState.FINAL_RESPONSE)
    many_case = own(alice, CaseState.INVESTIGATING)
    _grow(many_case, 30)
    from cases.services.letters import letter_issue
    from tests.support.lifecycle import walker

    letter_issue(
        case=many_case,
        actor=walker(),
        outcome="not_upheld",
        reasons="Many items.",
        evidence_ids=list(many_case.evidence.values_list("pk", flat=True)),
    )
    client.force_login(alice)
    counts = [
        # 6: the navigation's unread count included.
        _queries(client, f"/portal/cases/{c.reference}/letter/", django_assert_max_num_queries, 6)
        for c in (few_case, many_case)
    ]
    assert counts[0] == counts[1]


def test_survey_page_budget_is_flat(client, alice, own, django_assert_max_num_queries):
    few = Survey.objects.get(case=own(alice, CaseState.RESOLVED))
    many_case = own(alice, CaseState.RESOLVED)
    _grow(many_case, 30)
    many = Survey.objects.get(case=many_case)
    counts = [
        _queries(client, survey_url(s), django_assert_max_num_queries, 1) for s in (few, many)
    ]
    assert counts[0] == counts[1]
    client.post(survey_url(many), ANSWER)
    _queries(client, survey_url(many), django_assert_max_num_queries, 1)


def test_case_page_budget_with_the_follow_up(client, alice, own, django_assert_max_num_queries):
    few = own(alice, CaseState.RESOLVED)
    many = own(alice, CaseState.RESOLVED)
    _grow(many, 30)
    client.force_login(alice)
    counts = [
        # 14: the navigation's unread count, the running clocks of "What happens next and by
        # when" and the regulators' letters sent included.
        _queries(client, f"/portal/cases/{c.reference}/", django_assert_max_num_queries, 14)
        for c in (few, many)
    ]
    assert counts[0] == counts[1]
