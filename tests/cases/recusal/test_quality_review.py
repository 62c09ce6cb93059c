"""Quality review: a stratified, idempotent monthly sample; reviewers never review their own."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.enums import CaseState
from cases.models import CheckOutcome, QualityReview, RecusalCheck
from cases.policies.recusal import REVIEWER_IS_HANDLER
from cases.services.quality import (
    quality_review_assign,
    quality_review_complete,
    quality_review_sample,
)
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError
from tests.factories.cases import SYSTEM, make_case, make_team
from tests.support.lifecycle import path_to

pytestmark = pytest.mark.django_db

# Closed after the exchange's final response (a resolved case closes only after the
# reopening window).
CLOSE_PATH = path_to(CaseState.CLOSED)


def _closed(team, category, assignee=None):
    return make_case(team=team, category=category, assignee=assignee, state_path=CLOSE_PATH)


def test_sample_is_stratified_and_idempotent(team, other_team):
    for _ in range(10):
        _closed(team, "trade_dispute")
    _closed(team, "fees")
    _closed(other_team, "trade_dispute")
    period = timezone.now().date()
    sampled = quality_review_sample(period=period, actor=SYSTEM, share="0.2", seed=1)
    strata = sorted(r.stratum for r in sampled)
    # 20% of 10 is 2; the two small strata still get one each.
    assert strata == [
        "fees/complaints",
        "trade_dispute/complaints",
        "trade_dispute/complaints",
        "trade_dispute/security",
    ]
    assert quality_review_sample(period=period, actor=SYSTEM, share="0.2", seed=1) == []
    assert QualityReview.objects.count() == 4
    last_month = period.replace(day=1) - timedelta(days=1)
    assert quality_review_sample(period=last_month, actor=SYSTEM) == []


def test_a_reviewer_never_reviews_a_case_they_handled(team, staff):
    handler = staff("Case handler", teams=[team])
    case = _closed(team, "fees", assignee=handler)
    (review,) = quality_review_sample(period=timezone.now().date(), actor=SYSTEM, share=1)
    assert review.case == case
    lead = staff("Team lead", teams=[team])
    with pytest.raises(PermissionDeniedError) as exc_info:
        quality_review_assign(review=review, reviewer=handler, actor=lead)
    assert exc_info.value.extra["rule"] == REVIEWER_IS_HANDLER
    check = RecusalCheck.objects.get(user=handler, act="quality_review")
    assert check.outcome == CheckOutcome.REFUSED
    reviewer = staff("Case handler", teams=[make_team("legal", "Legal")], username="rita")
    review = quality_review_assign(review=review, reviewer=reviewer, actor=lead)
    assert review.reviewer == reviewer


def test_the_score_sheet_is_validated_and_only_the_reviewer_completes(team, staff):
    _closed(team, "fees")
    (review,) = quality_review_sample(period=timezone.now().date(), actor=SYSTEM, share=1)
    reviewer = staff("Case handler", teams=[make_team("legal", "Legal")], username="rita")
    review = quality_review_assign(review=review, reviewer=reviewer, actor=staff("Auditor"))
    scores = {
        "classification_score": 5,
        "fairness_score": 4,
        "timeliness_score": 2,
        "communication_score": 3,
    }
    with pytest.raises(PermissionDeniedError):
        quality_review_complete(review=review, actor=staff("Auditor"), findings="", **scores)
    with pytest.raises(ApplicationError) as exc_info:
        quality_review_complete(
            review=review, actor=reviewer, findings="", **{**scores, "fairness_score": 7}
        )
    assert set(exc_info.value.extra["errors"]) == {"fairness_score"}
    done = quality_review_complete(
        review=review, actor=reviewer, findings="Slow first response.", **scores
    )
    assert done.status == "completed"
    assert done.timeliness_score == 2
    assert done.history.latest().history_change_reason == "Review completed"


def test_the_reviewer_fills_the_score_sheet_in_the_admin(client, team, staff):
    from django.urls import reverse

    from cases.tasks import quality_review_sample_previous_month

    _closed(team, "fees")
    assert quality_review_sample_previous_month() == 0  # nothing closed last month
    (review,) = quality_review_sample(period=timezone.now().date(), actor=SYSTEM, share=1)
    reviewer = staff("Case handler", teams=[make_team("legal", "Legal")], username="rita")
    quality_review_assign(review=review, reviewer=reviewer, actor=staff("Auditor"))
    client.force_login(reviewer)
    listing = client.get(reverse("admin:cases_qualityreview_changelist"))
    assert [r.pk for r in listing.context["cl"].result_list] == [review.pk]
    url = reverse("admin:cases_qualityreview_score", args=[review.pk])
    response = client.post(
        url,
        {
            "classification_score": 4,
            "fairness_score": 5,
            "timeliness_score": 3,
            "communication_score": 4,
            "findings": "Good.",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "completed"
    # Someone else's review task is not theirs to see.
    client.force_login(staff("Case handler", teams=[team], username="other"))
    assert client.get(url).status_code == 404


def test_a_reviewer_who_declares_a_conflict_after_assignment_cannot_complete(team, staff):
    from cases.services.conflicts import conflict_declaration_submit

    case = _closed(team, "fees")
    (review,) = quality_review_sample(period=timezone.now().date(), actor=SYSTEM, share=1)
    reviewer = staff("Case handler", teams=[make_team("legal", "Legal")], username="rita")
    review = quality_review_assign(review=review, reviewer=reviewer, actor=staff("Auditor"))
    conflict_declaration_submit(
        staff=reviewer,
        actor=reviewer,
        kind="related_account",
        exchange_account_id=case.complainant_account_id,
    )
    scores = dict.fromkeys(
        ("classification_score", "fairness_score", "timeliness_score", "communication_score"), 3
    )
    with pytest.raises(PermissionDeniedError):
        quality_review_complete(review=review, actor=reviewer, findings="", **scores)
    review.refresh_from_db()
    assert review.status != "completed"
    check = RecusalCheck.objects.get(user=reviewer, act="quality_review_complete")
    assert check.outcome == CheckOutcome.REFUSED
