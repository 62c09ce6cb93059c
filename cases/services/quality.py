"""Internal quality review (内部审计): each month a random sample of closed cases, stratified by
category and team, becomes review tasks for reviewers who did not handle the cases."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.enums import CaseState
from cases.models import Case, QualityReview, ReviewStatus
from cases.policies.recusal import reviewer_conflict
from cases.services.recusal import recusal_check
from complaints_site.common.actors import Actor
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)
from complaints_site.common.history import stamp

SCORES = ("classification_score", "fairness_score", "timeliness_score", "communication_score")


def _month(period: date) -> tuple[date, date]:
    start = period.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


def quality_review_sample(
    *, period: date, actor: Actor, share: Decimal | str | int | None = None, seed: Any = None
) -> list[QualityReview]:
    """Sample the cases closed in `period`'s month: in every (category, team) stratum at least
    one case, then `share` of it (``QUALITY_REVIEW_SHARE``). Idempotent per month: a case is
    sampled once per period, and a second run adds nothing."""
    share = Decimal(str(settings.QUALITY_REVIEW_SHARE if share is None else share))
    start, end = _month(period)
    closed = Case.objects.filter(
        state=CaseState.CLOSED, closed_at__date__gte=start, closed_at__date__lt=end
    ).values_list("pk", "category", "team__code")
    strata: dict[str, list[int]] = defaultdict(list)
    for pk, category, team in closed:
        strata[f"{category}/{team or '-'}"].append(pk)
    rng = random.Random(seed if seed is not None else f"{start.isoformat()}")  # noqa: S311
    already = set(QualityReview.objects.filter(period=start).values_list("case_id", flat=True))
    created = []
    with transaction.atomic():
        for stratum in sorted(strata):
            pks = sorted(strata[stratum])
            wanted = max(1, round(share * len(pks)))
            for pk in rng.sample(pks, min(wanted, len(pks))):
                if pk in already:
                    continue
                review = QualityReview(case_id=pk, period=start, stratum=stratum[:100])
                stamp(review, actor=actor, reason=f"Sampled for {start:%Y-%m}")
                review.save()
                created.append(review)
    return created


def quality_review_assign(*, review: QualityReview, reviewer: Any, actor: Any) -> QualityReview:
    """Give a review task to a reviewer who did not handle the case (rule `reviewer_is_handler`,
    checked and recorded like every recusal check, before the change, so a refusal stays on
    the record)."""
    if not (
        actor.is_superuser
        or actor.has_perm("cases.assign_case")
        or actor.has_perm("cases.view_all_cases")
    ):
        raise PermissionDeniedError(_("You may not assign quality reviews."))
    case = Case.objects.get(pk=review.case_id)
    conflict = reviewer_conflict(case=case, reviewer=reviewer)
    recusal_check(
        case=case,
        user=reviewer,
        act="quality_review",
        actor=actor,
        extra=(conflict,) if conflict else (),
    )
    with transaction.atomic():
        locked = QualityReview.objects.select_for_update().get(pk=review.pk)
        if locked.status == ReviewStatus.COMPLETED:
            raise ConflictError(_("This review is completed."))
        locked.reviewer = reviewer
        locked.status = ReviewStatus.ASSIGNED
        stamp(locked, actor=actor, reason=f"Assigned to {reviewer.get_username()}")
        locked.save()
    return locked


def quality_review_complete(
    *, review: QualityReview, actor: Any, findings: str, **scores: int
) -> QualityReview:
    """The assigned reviewer fills the score sheet: four scores 1 (poor) to 5 (excellent).

    The reviewer passes the recusal check again (a conflict may have been declared since the
    assignment), recorded in its own transaction before the score sheet is saved."""
    current = QualityReview.objects.select_related("case").get(pk=review.pk)
    if current.reviewer_id != actor.pk:
        raise PermissionDeniedError(_("Only the assigned reviewer completes this review."))
    conflict = reviewer_conflict(case=current.case, reviewer=actor)
    recusal_check(
        case=current.case,
        user=actor,
        act="quality_review_complete",
        actor=actor,
        extra=(conflict,) if conflict else (),
    )
    with transaction.atomic():
        return _complete(review=current, actor=actor, findings=findings, scores=scores)


def _complete(
    *, review: QualityReview, actor: Any, findings: str, scores: dict[str, Any]
) -> QualityReview:
    locked = QualityReview.objects.select_for_update().get(pk=review.pk)
    if locked.reviewer_id != actor.pk:
        raise PermissionDeniedError(_("Only the assigned reviewer completes this review."))
    if locked.status == ReviewStatus.COMPLETED:
        raise ConflictError(_("This review is completed."))
    errors = {}
    for name in SCORES:
        value = scores.get(name)
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = [_("A score from 1 to 5.")]
        else:
            setattr(locked, name, value)
    if errors:
        raise ApplicationError(_("Invalid score sheet."), extra={"errors": errors})
    locked.findings = (findings or "").strip()
    locked.status = ReviewStatus.COMPLETED
    locked.completed_at = timezone.now()
    stamp(locked, actor=actor, reason="Review completed")
    locked.save()
    return locked
