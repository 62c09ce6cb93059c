"""Conflicts of interest in the staff site: declarations (staff declare, compliance reviews),
recusals (compliance overrides with a reason), and the ledger of every check (read-only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin.forms import DeclarationForm, OverrideForm, ReviewForm
from cases.admin.mixins import (
    ActiveStaffAdminMixin,
    AllCasesReaderAdminMixin,
    ReadOnlyAdminMixin,
    RecusalScopedAdminMixin,
    denied_page,
    form_page,
)
from cases.models import CaseRecusal, ConflictDeclaration, ConflictKind, RecusalCheck
from cases.policies import may_override_recusal
from cases.selectors.recusal import (
    case_recusal_list_for_staff,
    conflict_declaration_list_for_staff,
)
from cases.services.conflicts import conflict_declaration_review, conflict_declaration_submit
from cases.services.recusal import recusal_override

FOUR_EYES_OVERRIDE = _(
    "Four eyes: you cannot override your own recusal. Another compliance officer must decide."
)
FOUR_EYES_REVIEW = _(
    "Four eyes: you cannot review your own declaration. Another compliance officer must decide."
)


class OfficerActAdminMixin(ActiveStaffAdminMixin):
    """A list every active staff member reads, with one act for compliance officers: a button
    on the rows it applies to (the role asked once per page, not per row) and its form page
    at `<pk>/<act_path>/`."""

    act_path: str
    act_label: Any
    act_column: Any
    act_url_name: str

    def act_applies(self, user: Any, obj: Any) -> bool:
        """Whether the row shows the button to an officer."""
        raise NotImplementedError

    def four_eyes_ok(self, user: Any, obj: Any) -> bool:
        """Whether this officer may act on `obj` (never on what concerns themselves)."""
        raise NotImplementedError

    def act_view(self, request: HttpRequest, pk: int) -> Any:
        raise NotImplementedError

    def get_list_display(self, request: HttpRequest):
        user, officer = request.user, may_override_recusal(request.user)

        @admin.display(description=self.act_column)
        def act_link(obj: Any) -> str:
            if not officer or not self.act_applies(user, obj):
                return ""
            return format_html(
                '<a class="button" href="{}">{}</a>',
                reverse(f"admin:{self.act_url_name}", args=[obj.pk]),
                self.act_label,
            )

        return [*self.list_display, act_link]  # type: ignore[attr-defined]

    def get_urls(self):
        return [
            path(
                f"<int:pk>/{self.act_path}/",
                self.admin_site.admin_view(self.act_view),  # type: ignore[attr-defined]
                name=self.act_url_name,
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def officer_page(
        self,
        request: HttpRequest,
        obj: Any,
        *,
        four_eyes: Any,
        form: Any,
        act: Callable[[dict[str, Any]], Any],
        title: Any,
        done: Any,
        back: str,
    ):
        """The act's form page, for a compliance officer who is not the person concerned."""
        if not may_override_recusal(request.user):
            return denied_page(request)
        if not self.four_eyes_ok(request.user, obj):
            return denied_page(request, four_eyes)
        return form_page(
            request, self, obj=obj, form=form, act=act, title=title, done=done, back=back
        )


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(OfficerActAdminMixin, admin.ModelAdmin):
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
    act_path, act_label, act_column = "review", _("Review"), _("review")
    act_url_name = "cases_conflictdeclaration_review"

    def get_queryset(self, request: HttpRequest):
        return conflict_declaration_list_for_staff(user=request.user)

    def act_applies(self, user: Any, obj: ConflictDeclaration) -> bool:
        # Never on one's own declaration (four eyes).
        return not policies.is_person_concerned(user, obj.staff_id)

    def four_eyes_ok(self, user: Any, obj: ConflictDeclaration) -> bool:
        return policies.may_review_declaration(user, obj)

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

    def act_view(self, request: HttpRequest, pk: int):
        declaration = get_object_or_404(ConflictDeclaration, pk=pk)
        return self.officer_page(
            request,
            declaration,
            four_eyes=FOUR_EYES_REVIEW,
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
class CaseRecusalAdmin(OfficerActAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
    act_path, act_label, act_column = "override", _("Override"), _("override")
    act_url_name = "cases_caserecusal_override"

    def get_queryset(self, request: HttpRequest):
        return case_recusal_list_for_staff(user=request.user)

    def act_applies(self, user: Any, obj: CaseRecusal) -> bool:
        # Only a recusal in force, and never one's own (four eyes).
        return not obj.lifted_at and self.four_eyes_ok(user, obj)

    def four_eyes_ok(self, user: Any, obj: CaseRecusal) -> bool:
        return not policies.is_person_concerned(user, obj.user_id)

    def act_view(self, request: HttpRequest, pk: int):
        recusal = get_object_or_404(CaseRecusal, pk=pk)
        return self.officer_page(
            request,
            recusal,
            four_eyes=FOUR_EYES_OVERRIDE,
            form=OverrideForm(request.POST or None),
            act=lambda data: recusal_override(
                recusal=recusal, actor=request.user, reason=data["reason"]
            ),
            title=_("Override recusal"),
            done=_("Recusal overridden."),
            back="admin:cases_caserecusal_changelist",
        )


@admin.register(RecusalCheck)
class RecusalCheckAdmin(
    AllCasesReaderAdminMixin, RecusalScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Every check, refusal and override: auditors and compliance read it."""

    list_display = ["created_at", "case", "user", "act", "outcome", "rule", "actor_label"]
    list_filter = ["outcome", "rule"]
    list_select_related = ["case", "user"]
    search_fields = ["=case__reference", "=user__username"]
    show_full_result_count = False
