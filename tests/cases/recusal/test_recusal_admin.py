"""The conflicts-of-interest screens: staff declare, compliance reviews and overrides."""

import pytest
from django.urls import reverse

from cases.models import CaseRecusal, ConflictDeclaration, RecusalCheck
from cases.services.conflicts import staff_profile_ensure
from tests.factories.cases import SYSTEM, make_case

pytestmark = pytest.mark.django_db


def test_staff_declare_their_own_conflict_and_compliance_reviews_it(client, staff, team):
    agent = staff("Support agent", teams=[team])
    client.force_login(agent)
    response = client.post(
        reverse("admin:cases_conflictdeclaration_add"),
        {"kind": "related_account", "exchange_account_id": "UID-7", "related_party": "brother"},
    )
    assert response.status_code == 302
    declaration = ConflictDeclaration.objects.get()
    assert declaration.staff == agent
    # An agent may not review; a compliance officer may, with a note kept in the history.
    review = reverse("admin:cases_conflictdeclaration_review", args=[declaration.pk])
    assert client.post(review, {"accept": "1", "note": "ok"}).status_code == 403
    officer = staff("Compliance officer")
    client.force_login(officer)
    response = client.post(review, {"accept": "1", "note": "Brother's account, confirmed."})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == "accepted"
    assert declaration.reviewed_by == officer
    assert declaration.history.latest().history_change_reason == "Brother's account, confirmed."


def test_compliance_overrides_a_recusal_with_a_reason(client, staff, team):
    handler = staff("Case handler", teams=[team])
    case = make_case(team=team, complainant_account_id="UID-9")
    staff_profile_ensure(user=handler, actor=SYSTEM, exchange_account_id="UID-9")
    recusal = CaseRecusal.objects.get(case=case, user=handler)
    url = reverse("admin:cases_caserecusal_override", args=[recusal.pk])
    client.force_login(staff("Team lead", teams=[team]))
    assert client.post(url, {"reason": "please"}).status_code == 403
    client.force_login(staff("Compliance officer"))
    assert client.post(url, {"reason": ""}).status_code == 200  # form error, nothing changed
    recusal.refresh_from_db()
    assert recusal.lifted_at is None
    assert client.post(url, {"reason": "Old account, closed in 2019."}).status_code == 302
    recusal.refresh_from_db()
    assert recusal.lift_reason == "Old account, closed in 2019."


@pytest.mark.parametrize("checks", [2, 30])
def test_the_check_ledger_is_for_auditors_at_a_fixed_cost(
    client, staff, team, checks, django_assert_max_num_queries
):
    case = make_case(team=team)
    user = staff("Case handler", teams=[team])
    RecusalCheck.objects.bulk_create(
        RecusalCheck(case=case, user=user, act="assign", outcome="allowed", actor_label="x")
        for _ in range(checks)
    )
    url = reverse("admin:cases_recusalcheck_changelist")
    client.force_login(user)
    assert client.get(url).status_code == 403
    client.force_login(staff("Auditor"))
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == checks


@pytest.mark.parametrize("rows", [2, 20])
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:cases_conflictdeclaration_changelist",
        "admin:cases_caserecusal_changelist",
        "admin:cases_qualityreview_changelist",
    ],
)
def test_conflict_and_review_lists_cost_the_same_for_few_and_many_rows(
    client, staff, team, rows, url_name, django_assert_max_num_queries
):
    from datetime import date

    from cases.models import QualityReview
    from cases.services.conflicts import conflict_declaration_submit

    officer = staff("Compliance officer")
    for i in range(rows):
        member = staff("Case handler", teams=[team], username=f"h{i}")
        case = make_case(team=team, complainant_account_id=f"UID-R{i}")
        conflict_declaration_submit(
            staff=member, actor=member, kind="related_account", exchange_account_id=f"UID-R{i}"
        )
        QualityReview.objects.create(case=case, period=date(2026, 10, 1), stratum="x/y")
    client.force_login(officer)
    # 10: with the second-factor device check of every staff page (complaints_site/accounts).
    with django_assert_max_num_queries(10):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows
