"""Consultations in the staff site: each team's inbox of questions from case handlers, and the
team lead's view of what is overdue. Read-only here: answers are given on the case page, where
the consulted team sees the case for as long as the consultation is open."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin.mixins import ReadOnlyAdminMixin
from cases.models import Consultation, ConsultationStatus
from cases.selectors.consultations import consultation_list_for_staff


class OverdueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("open", _("Open, not yet due"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(status=ConsultationStatus.OPEN, due_at__lt=now)
        if self.value() == "open":
            return queryset.filter(status=ConsultationStatus.OPEN, due_at__gte=now)
        return queryset


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "due_at",
        "overdue_badge",
        "team",
        "case_link",
        "question_start",
        "asked_by_label",
        "status",
        "answered_at",
    ]
    list_filter = [OverdueFilter, "status", "team"]
    list_select_related = ["team", "case"]
    search_fields = ["=case__reference"]
    ordering = ["due_at", "id"]
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Consultation]:
        return consultation_list_for_staff(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.may_use_case_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.may_use_case_admin(request.user)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue_badge(self, obj: Consultation) -> bool:
        return obj.is_overdue

    @admin.display(description=_("case"), ordering="case__reference")
    def case_link(self, obj: Consultation) -> str:
        return format_html(
            '<a href="{}#consultation-{}">{}</a>',
            reverse("admin:cases_case_change", args=[obj.case_id]),
            obj.pk,
            obj.case.reference,
        )

    @admin.display(description=_("question"))
    def question_start(self, obj: Consultation) -> str:
        return obj.question[:120]
