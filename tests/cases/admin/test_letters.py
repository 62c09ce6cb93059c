"""The final response on the staff case page (issue 13, item 5): a lead issues the letter from
its form (outcome, reasons, the case's evidence), previews it in the customer's language, and
the case page shows the issued letter with its hash, who issued it and when, and its PDF."""

import hashlib

import pytest
from django.urls import reverse

from cases.enums import CaseState
from cases.models import Case, FinalResponseLetter
from cases.roles import AUDITOR, CASE_HANDLER, TEAM_LEAD
from tests.factories.cases import make_case
from tests.support.admin import change_url, form_fields
from tests.support.lifecycle import cite_evidence, path_to

pytestmark = pytest.mark.django_db

REASONS = "The matching engine log shows the order filled at the quoted price."


@pytest.fixture
def lead(staff, team):
    return staff(TEAM_LEAD, teams=[team], username="lena")


@pytest.fixture
def case(team):
    case = make_case(team=team, state_path=path_to(CaseState.INVESTIGATING))
    cite_evidence(case)
    cite_evidence(case)
    return case


def issue_url(case) -> str:
    return reverse("admin:cases_case_letter_issue", args=[case.pk])


def _post(client, case, **overrides):
    page = client.get(issue_url(case))
    data, _controls = form_fields(page, "letter-issue-form")
    evidence = list(case.evidence.values_list("pk", flat=True))
    data.update({"outcome": "not_upheld", "reasons": REASONS, "confirm": "on", "issue": "1"})
    data["evidence"] = evidence[:1]
    data.update(overrides)
    return client.post(issue_url(case), {k: v for k, v in data.items() if v is not None})


def test_a_lead_issues_the_letter_from_the_case_page(client, lead, case):
    client.force_login(lead)
    page = client.get(change_url(case)).content.decode()
    assert 'id="letter-issue-link"' in page
    form = client.get(issue_url(case))
    assert form.status_code == 200
    html = form.content.decode()
    assert html.count('name="evidence"') == 2
    assert html.count('name="outcome"') == 3
    response = _post(client, case)
    assert response.status_code == 302
    assert response.url.endswith("#final-response")
    letter = FinalResponseLetter.objects.get(case=case)
    assert letter.issued_by == lead
    assert Case.objects.get(pk=case.pk).state == CaseState.FINAL_RESPONSE
    page = client.get(change_url(case)).content.decode()
    assert letter.sha256 in page
    assert "lena" in page
    assert REASONS in page
    assert reverse("admin:cases_case_letter_pdf", args=[case.pk, letter.pk]) in page
    assert 'id="letter-issue-link"' not in page  # nothing more to issue


def test_preview_stores_and_sends_nothing(client, lead, case):
    client.force_login(lead)
    response = _post(client, case, preview="1", issue=None, confirm=None)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="letter-preview"' in html
    assert REASONS in html
    assert "Your right to refer your complaint" in html
    assert not FinalResponseLetter.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).state == CaseState.INVESTIGATING


def test_the_preview_is_in_the_customers_language(client, lead, team):
    case = make_case(
        team=team, state_path=path_to(CaseState.INVESTIGATING), complainant_locale="zh-hans"
    )
    cite_evidence(case)
    client.force_login(lead)
    html = _post(client, case, preview="1", issue=None).content.decode()
    assert "您提交投诉的权利" in html


def test_issuing_needs_the_confirmation(client, lead, case):
    client.force_login(lead)
    response = _post(client, case, confirm=None)
    assert response.status_code == 200
    assert "Confirm that this is the final response." in response.content.decode()
    assert not FinalResponseLetter.objects.filter(case=case).exists()


def test_evidence_of_another_case_is_not_accepted(client, lead, case, team):
    other = make_case(team=team, state_path=path_to(CaseState.INVESTIGATING))
    foreign = cite_evidence(other)
    client.force_login(lead)
    response = _post(client, case, evidence=foreign)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not FinalResponseLetter.objects.filter(case=case).exists()


def test_a_handler_may_not_and_an_outsider_does_not_see_it(client, staff, team, other_team, case):
    handler = staff(CASE_HANDLER, teams=[team])
    client.force_login(handler)
    assert 'id="letter-issue-link"' not in client.get(change_url(case)).content.decode()
    assert client.get(issue_url(case)).status_code == 403
    assert _post_raw(client, case).status_code == 403
    outsider = staff(TEAM_LEAD, teams=[other_team])
    client.force_login(outsider)
    assert client.get(issue_url(case)).status_code == 404
    assert _post_raw(client, case).status_code == 404
    assert not FinalResponseLetter.objects.filter(case=case).exists()


def _post_raw(client, case):
    evidence = list(case.evidence.values_list("pk", flat=True))
    return client.post(
        issue_url(case),
        {
            "expected_state": case.state,
            "outcome": "upheld",
            "reasons": REASONS,
            "evidence": evidence,
            "confirm": "on",
        },
    )


def test_a_case_elsewhere_has_no_form(client, lead, team):
    resolved = make_case(team=team, state_path=path_to(CaseState.RESOLVED))
    client.force_login(lead)
    response = client.get(issue_url(resolved))
    assert response.status_code == 302
    assert 'id="letter-issue-link"' not in client.get(change_url(resolved)).content.decode()


def test_the_pdf_is_the_same_bytes_each_time_for_those_who_reach_the_case(
    client, lead, staff, other_team, team
):
    case = make_case(team=team, state_path=path_to(CaseState.FINAL_RESPONSE))
    letter = FinalResponseLetter.objects.get(case=case)
    url = reverse("admin:cases_case_letter_pdf", args=[case.pk, letter.pk])
    client.force_login(lead)
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert "attachment" in first["Content-Disposition"]
    assert first.content.startswith(b"%PDF")
    assert client.get(url).content == first.content
    client.force_login(staff(AUDITOR))
    assert client.get(url).content == first.content
    client.force_login(staff(TEAM_LEAD, teams=[other_team]))
    assert client.get(url).status_code == 404
    assert hashlib.sha256(letter.body.encode()).hexdigest() == letter.sha256


# --- query budgets ------------------------------------------------------------------------------


def _count(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_issue_form_budget_is_flat(client, lead, team, django_assert_max_num_queries):
    few = make_case(team=team, state_path=path_to(CaseState.INVESTIGATING))
    cite_evidence(few)
    many = make_case(team=team, state_path=path_to(CaseState.INVESTIGATING))
    for _ in range(40):
        cite_evidence(many)
    client.force_login(lead)
    client.get(issue_url(few))  # warm process-wide caches
    counts = [_count(client, issue_url(c), django_assert_max_num_queries, 10) for c in (few, many)]
    assert counts[0] == counts[1]


def test_case_page_with_a_letter_budget_is_flat(client, lead, team, django_assert_max_num_queries):
    few = make_case(team=team, state_path=path_to(CaseState.FINAL_RESPONSE))
    many = make_case(team=team, state_path=path_to(CaseState.INVESTIGATING))
    ids = [pk for _ in range(40) for pk in cite_evidence(many)]
    from cases.services.letters import letter_issue

    letter_issue(case=many, actor=lead, outcome="upheld", reasons=REASONS, evidence_ids=ids)
    client.force_login(lead)
    client.get(change_url(few))
    counts = [_count(client, change_url(c), django_assert_max_num_queries, 23) for c in (few, many)]
    assert counts[0] == counts[1]


def test_the_bare_transition_is_not_a_way_around_the_letter(client, lead, case):
    """A crafted POST of the old button stores nothing: the final response is only a letter."""
    from tests.support.admin import post_transition

    client.force_login(lead)
    response = post_transition(
        client, case, "issue_final_response", final_response_text="We maintain our position."
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == CaseState.INVESTIGATING
    assert not FinalResponseLetter.objects.filter(case=case).exists()
