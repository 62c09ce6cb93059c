"""Conflicts of interest in the staff site: declarations (staff declare, compliance reviews),
recusals (compliance overrides with a reason), and the ledger of every check (read-only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin.case import ReadOnlyAdminMixin, RecusalScopedAdminMixin
from cases.models import (
    CaseRecusal,
    ConflictDeclaration,
    ConflictKind,
    QualityReview,
    RecusalCheck,
)
from cases.policies import may_override_recusal
from cases.selectors.audit import recused_case_ids
from cases.services.conflicts import conflict_declaration_review, conflict_declaration_submit
from cases.services.quality import quality_review_complete
from cases.services.recusal import OVERRIDE_REASON_MIN_LENGTH, recusal_override
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError


class DeclarationForm(forms.ModelForm):
    class Meta:
        model = ConflictDeclaration
        fields = ["kind", "exchange_account_id", "related_party", "details"]


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class OverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        min_length=OVERRIDE_REASON_MIN_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _form_page(request: HttpRequest, model_admin, *, obj, form, act, title, done, back):
    """One small form page for an act on `obj`: validate, run `act(form.cleaned_data)` (a
    service call; its ApplicationError becomes a form error), then go back to the list."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except PermissionDeniedError as exc:
            return _denied(request, exc.message)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse(back))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "object": obj,
        "form": form,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "cases/recusal/form.html", context)


def _only_compliance(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "cases/recusal/denied.html", status=403)


def _denied(request: HttpRequest, message: str) -> TemplateResponse:
    return TemplateResponse(request, "cases/recusal/denied.html", {"message": message}, status=403)


FOUR_EYES_OVERRIDE = _(
    "Four eyes: you cannot override your own recusal. Another compliance officer must decide."
)
FOUR_EYES_REVIEW = _(
    "Four eyes: you cannot review your own declaration. Another compliance officer must decide."
)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    """Staff see and declare their own conflicts; compliance officers see all and review."""

    form = DeclarationForm
    list_display = [
        "created_at",
        "staff",
        "kind",
        "exchange_account_id",
        "status",
        "reviewed_by",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["staff", "reviewed_by"]
    search_fields = ["=exchange_account_id", "=staff__username"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if may_override_recusal(request.user) or policies.may_view_all_cases(request.user):
            return queryset
        return queryset.filter(staff=request.user)

    def get_list_display(self, request: HttpRequest):
        """The Review button only for a compliance officer, never on their own declaration
        (four eyes). The role is asked once per page, not per row."""
        user, officer = request.user, may_override_recusal(request.user)

        @admin.display(description=_("review"))
        def review_link(obj: ConflictDeclaration) -> str:
            if not officer or policies.is_person_concerned(user, obj.staff_id):
                return ""
            return format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:cases_conflictdeclaration_review", args=[obj.pk]),
                _("Review"),
            )

        return [*self.list_display, review_link]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.is_active_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.is_active_staff(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policies.is_active_staff(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        created = conflict_declaration_submit(
            staff=request.user,
            actor=request.user,
            kind=form.cleaned_data["kind"] or ConflictKind.RELATED_ACCOUNT,
            exchange_account_id=form.cleaned_data["exchange_account_id"],
            related_party=form.cleaned_data["related_party"],
            details=form.cleaned_data["details"],
        )
        obj.pk, obj.staff, obj.status = created.pk, created.staff, created.status

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="cases_conflictdeclaration_review",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest, pk: int):
        declaration = get_object_or_404(ConflictDeclaration, pk=pk)
        if not may_override_recusal(request.user):
            return _only_compliance(request)
        if not policies.may_review_declaration(request.user, declaration):
            return _denied(request, FOUR_EYES_REVIEW)
        return _form_page(
            request,
            self,
            obj=declaration,
            form=ReviewForm(request.POST or None),
            act=lambda data: conflict_declaration_review(
                declaration=declaration,
                actor=request.user,
                accept=data["accept"],
                note=data["note"],
            ),
            title=_("Review declaration"),
            done=_("Declaration reviewed."),
            back="admin:cases_conflictdeclaration_changelist",
        )


@admin.register(CaseRecusal)
class CaseRecusalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who is barred from which case and why; compliance officers override with a reason."""

    list_display = [
        "created_at",
        "case",
        "user",
        "rule",
        "detail",
        "lifted_at",
        "lifted_by",
    ]
    list_filter = ["rule"]
    list_select_related = ["case", "user", "lifted_by"]
    search_fields = ["=case__reference", "=user__username"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        if may_override_recusal(request.user) or policies.may_view_all_cases(request.user):
            # Their own recusals always; nothing else of a case they are recused from.
            return queryset.filter(
                Q(user=request.user) | ~Q(case_id__in=recused_case_ids(user=request.user))
            )
        return queryset.filter(user=request.user)

    def get_list_display(self, request: HttpRequest):
        """The Override button only for a compliance officer, only on someone else's recusal
        in force (four eyes). The role is asked once per page, not per row."""
        user, officer = request.user, may_override_recusal(request.user)

        @admin.display(description=_("override"))
        def override_link(obj: CaseRecusal) -> str:
            if not officer or obj.lifted_at or policies.is_person_concerned(user, obj.user_id):
                return ""
            return format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:cases_caserecusal_override", args=[obj.pk]),
                _("Override"),
            )

        return [*self.list_display, override_link]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.is_active_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.is_active_staff(request.user)

    def get_urls(self):
        return [
            path(
                "<int:pk>/override/",
                self.admin_site.admin_view(self.override_view),
                name="cases_caserecusal_override",
            ),
            *super().get_urls(),
        ]

    def override_view(self, request: HttpRequest, pk: int):
        recusal = get_object_or_404(CaseRecusal, pk=pk)
        if not may_override_recusal(request.user):
            return _only_compliance(request)
        if policies.is_person_concerned(request.user, recusal.user_id):
            return _denied(request, FOUR_EYES_OVERRIDE)
        return _form_page(
            request,
            self,
            obj=recusal,
            form=OverrideForm(request.POST or None),
            act=lambda data: recusal_override(
                recusal=recusal, actor=request.user, reason=data["reason"]
            ),
            title=_("Override recusal"),
            done=_("Recusal overridden."),
            back="admin:cases_caserecusal_changelist",
        )


@admin.register(RecusalCheck)
class RecusalCheckAdmin(RecusalScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every check, refusal and override: auditors and compliance read it."""

    list_display = ["created_at", "case", "user", "act", "outcome", "rule", "actor_label"]
    list_filter = ["outcome", "rule"]
    list_select_related = ["case", "user"]
    search_fields = ["=case__reference", "=user__username"]
    show_full_result_count = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.may_view_all_cases(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.may_view_all_cases(request.user)


class ScoreSheetForm(forms.Form):
    classification_score = forms.IntegerField(label=_("classification"), min_value=1, max_value=5)
    fairness_score = forms.IntegerField(
        label=_("fairness of the finding"), min_value=1, max_value=5
    )
    timeliness_score = forms.IntegerField(label=_("timeliness"), min_value=1, max_value=5)
    communication_score = forms.IntegerField(label=_("communication"), min_value=1, max_value=5)
    findings = forms.CharField(
        label=_("findings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


@admin.register(QualityReview)
class QualityReviewAdmin(RecusalScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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

    def _sees_all(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            user.is_superuser
            or user.has_perm("cases.assign_case")
            or (policies.may_view_all_cases(user))
        )

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)
        return queryset if self._sees_all(request) else queryset.filter(reviewer=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.is_active_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.is_active_staff(request.user)

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

        return _form_page(
            request,
            self,
            obj=review,
            form=ScoreSheetForm(request.POST or None),
            act=complete,
            title=_("Score sheet"),
            done=_("Review completed."),
            back="admin:cases_qualityreview_changelist",
        )
