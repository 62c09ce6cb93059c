"""The Letters section of the staff case page (issue 14, section 1): the regulator's deadlines
still to answer with their last day, the letters sent with their stored text, and the holding
reply or delay notice form (reasons, date, preview) for a team lead where the regime takes one;
object permissions and recusal as for the final response; a flat query budget."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.enums import CaseState, Category, LetterKind
from cases.models import RegulatoryLetter
from cases.policies.recusal import RELATED_PARTY, Conflict
from cases.roles import AUDITOR, CASE_HANDLER, TEAM_LEAD
from cases.services.recusal import recusal_record
from cases.services.regulatory_letters import letter_today, regulatory_letter_issue
from tests.factories.cases import SYSTEM, make_case
from tests.support.admin import change_url, form_fields
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

REASONS = "The receiving bank has not yet confirmed where the withdrawal went."


@pytest.fixture
def lead(staff, team):
    return staff(TEAM_LEAD, teams=[team], username="lena")


def psd_case(team, state=CaseState.INVESTIGATING, **overrides):
    """An FCA payment-services complaint received two days ago (England)."""
    fields = {
        "jurisdiction": "GB",
        "category": Category.DEPOSIT_WITHDRAWAL,
        "received_at": timezone.now() - timedelta(days=2),
        **overrides,
    }
    return make_case(team=team, state_path=path_to(state), **fields)


@pytest.fixture
def case(team):
    return psd_case(team)


def form_url(case, kind=LetterKind.HOLDING_REPLY):
    return reverse("admin:cases_case_regulatory_letter", args=[case.pk, kind])


def text_url(letter):
    return reverse("admin:cases_case_regulatory_letter_text", args=[letter.case_id, letter.pk])


def expected(case, days=7):
    return letter_today(case) + timedelta(days=days)


def _post(client, case, **overrides):
    data, _controls = form_fields(client.get(form_url(case)), "regulatory-letter-form")
    data.update(
        {
            "reasons": REASONS,
            "expected_by": expected(case).isoformat(),
            "confirm": "on",
            "send": "1",
        }
    )
    data.update(overrides)
    return client.post(form_url(case), {k: v for k, v in data.items() if v is not None})


def test_a_lead_sends_a_holding_reply_from_the_case_page(client, lead, case):
    client.force_login(lead)
    page = client.get(change_url(case)).content.decode()
    assert 'id="regulatory-letters"' in page
    assert 'id="regulatory-send-link"' in page
    assert "Send holding reply" in page
    # The regime's deadlines, each with what answers it.
    assert 'data-deadline="reg_response" class="regulatory-answered"' not in page
    assert 'data-deadline="reg_response"' in page
    assert 'data-deadline="reg_final"' in page
    assert "Final response or Holding reply" in page
    assert "No letter sent yet." in page
    form = client.get(form_url(case))
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="reasons"' in html
    assert 'type="date"' in html
    assert "at the latest" in html  # the 35th business day, in the date's help
    response = _post(client, case)
    assert response.status_code == 302
    assert response.url.endswith("#regulatory-letters")
    letter = RegulatoryLetter.objects.get(case=case)
    assert letter.kind == LetterKind.HOLDING_REPLY
    assert letter.issued_by == lead
    assert letter.expected_by == expected(case)
    page = client.get(change_url(case)).content.decode()
    assert f'data-letter="{letter.pk}"' in page
    assert text_url(letter) in page
    assert 'data-deadline="reg_response" class="regulatory-answered"' in page  # by the letter
    assert 'data-deadline="reg_final" class="regulatory-answered"' not in page
    told = f"told to expect the final response by {expected(case).isoformat()}"
    assert told in page
    shown = client.get(text_url(letter))
    assert shown.status_code == 200
    assert letter.sha256 in shown.content.decode()
    assert REASONS in shown.content.decode()


def test_preview_stores_and_sends_nothing(client, lead, case):
    client.force_login(lead)
    response = _post(client, case, preview="1", send=None, confirm=None)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="letter-preview"' in html
    assert REASONS in html
    assert "We will send you our final response by" in html
    assert not RegulatoryLetter.objects.filter(case=case).exists()


def test_unconfirmed_or_bad_input_is_shown_on_the_form(client, lead, case):
    client.force_login(lead)
    response = _post(client, case, confirm=None)
    assert response.status_code == 200
    assert "Confirm that the letter goes to the customer." in response.content.decode()
    past = _post(client, case, expected_by=letter_today(case).isoformat())
    assert "Give a date after today." in past.content.decode()
    late = _post(client, case, expected_by=expected(case, days=80).isoformat())
    assert "The rules allow a date up to" in late.content.decode()
    blank = _post(client, case, reasons="   ")
    assert 'class="errorlist' in blank.content.decode()
    assert not RegulatoryLetter.objects.filter(case=case).exists()


def test_the_form_offers_only_the_regimes_letter(client, lead, team, case):
    client.force_login(lead)
    assert client.get(form_url(case, LetterKind.DELAY_NOTICE)).status_code == 404
    assert client.get(form_url(case, "apology")).status_code == 404
    # MiCA: a delay notice, and no cap on the date.
    mica = psd_case(team, jurisdiction="DE")
    assert client.get(form_url(mica)).status_code == 404
    page = client.get(change_url(mica)).content.decode()
    assert "Send delay notice" in page
    assert form_url(mica, LetterKind.DELAY_NOTICE) in page
    # A plain query: no regime, no button, no form.
    query = psd_case(team, is_complaint=False)
    assert client.get(form_url(query)).status_code == 404
    assert 'id="regulatory-send-link"' not in client.get(change_url(query)).content.decode()


def test_a_handler_may_not_and_an_outsider_or_recused_lead_does_not_see_it(
    client, staff, team, other_team, case
):
    handler = staff(CASE_HANDLER, teams=[team])
    client.force_login(handler)
    page = client.get(change_url(case)).content.decode()
    assert 'id="regulatory-letters"' in page  # the deadlines, read-only
    assert 'id="regulatory-send-link"' not in page
    assert client.get(form_url(case)).status_code == 403
    assert client.post(form_url(case), {"reasons": REASONS, "confirm": "on"}).status_code == 403
    client.force_login(staff(TEAM_LEAD, teams=[other_team]))
    assert client.get(form_url(case)).status_code == 404
    recused = staff(TEAM_LEAD, teams=[team], username="rita")
    recusal_record(
        case=case, user=recused, conflict=Conflict(RELATED_PARTY, "declared link"), actor=SYSTEM
    )
    client.force_login(recused)
    assert client.get(form_url(case)).status_code == 404
    assert client.get(change_url(case)).status_code == 302  # the admin hides the case
    assert not RegulatoryLetter.objects.filter(case=case).exists()


def test_no_form_once_the_exchange_answered(client, lead, team):
    answered = psd_case(team, state=CaseState.FINAL_RESPONSE)
    client.force_login(lead)
    assert client.get(form_url(answered)).status_code == 302
    assert 'id="regulatory-send-link"' not in client.get(change_url(answered)).content.decode()


def test_the_letter_as_sent_for_those_who_reach_the_case(client, lead, staff, team, other_team):
    case = psd_case(team)
    other = psd_case(team)
    letter = regulatory_letter_issue(
        case=case,
        actor=lead,
        kind=LetterKind.HOLDING_REPLY,
        reasons=REASONS,
        expected_by=expected(case),
    )
    client.force_login(staff(AUDITOR))
    assert client.get(text_url(letter)).status_code == 200
    client.force_login(staff(TEAM_LEAD, teams=[other_team]))
    assert client.get(text_url(letter)).status_code == 404
    client.force_login(lead)
    foreign = reverse("admin:cases_case_regulatory_letter_text", args=[other.pk, letter.pk])
    assert client.get(foreign).status_code == 404


def _count(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_case_page_budget_does_not_grow_with_letters(
    client, lead, team, django_assert_max_num_queries
):
    few = psd_case(team)
    many = psd_case(team)
    for case, n in ((few, 1), (many, 6)):
        for i in range(n):
            regulatory_letter_issue(
                case=case,
                actor=lead,
                kind=LetterKind.HOLDING_REPLY,
                reasons=f"{REASONS} ({i})",
                expected_by=expected(case, days=7 + i),
            )
    client.force_login(lead)
    client.get(change_url(few))  # warm process-wide caches
    counts = [_count(client, change_url(c), django_assert_max_num_queries, 25) for c in (few, many)]
    assert counts[0] == counts[1]
    page = client.get(change_url(many)).content.decode()
    assert page.count('class="regulatory-letter-link"') == 6
    counts = [_count(client, form_url(c), django_assert_max_num_queries, 10) for c in (few, many)]
    assert counts[0] == counts[1]
