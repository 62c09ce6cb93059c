"""Quality reviews in the staff site: reviewers fill the score sheet of the cases sampled for
them; leads, auditors and compliance read every review."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases.admin.forms import ScoreSheetForm
from cases.admin.mixins import ActiveStaffAdminMixin, ReadOnlyAdminMixin, form_page
from cases.models import QualityReview
from cases.selectors.recusal import quality_review_list_for_staff
from cases.services.quality import quality_review_complete


@admin.register(QualityReview)
class QualityReviewAdmin(ActiveStaffAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Review tasks: reviewers see theirs and fill the score sheet; leads, auditors and
    compliance see all."""

    list_display = [
        "period",
        "case",
        "stratum",
        "reviewer",
        "status",
        "classification_score",
        "fairness_score",
        "timeliness_score",
        "communication_score",
    ]
    list_filter = ["status", "period"]
    list_select_related = ["case", "reviewer"]
    search_fields = ["=case__reference", "=reviewer__username"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest):
        return quality_review_list_for_staff(user=request.user)

    def get_urls(self):
        return [
            path(
                "<int:pk>/score/",
                self.admin_site.admin_view(self.score_view),
                name="cases_qualityreview_score",
            ),
            *super().get_urls(),
        ]

    def score_view(self, request: HttpRequest, pk: int):
        review = get_object_or_404(self.get_queryset(request), pk=pk)

        def complete(data: dict) -> None:
            scores = dict(data)
            findings = scores.pop("findings")
            quality_review_complete(review=review, actor=request.user, findings=findings, **scores)

        return form_page(
            request,
            self,
            obj=review,
            form=ScoreSheetForm(request.POST or None),
            act=complete,
            title=_("Score sheet"),
            done=_("Review completed."),
            back="admin:cases_qualityreview_changelist",
        )
