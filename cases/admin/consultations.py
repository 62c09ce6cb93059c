"""Consultations in the staff site: each team's inbox of questions from case handlers, and the
team lead's view of what is overdue. Read-only here: answers are given on the case page, where
the consulted team sees the case for as long as the consultation is open."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin.case import ReadOnlyAdminMixin
from cases.models import Consultation, ConsultationStatus
from cases.selectors.audit import recused_case_ids
from cases.selectors.cases import case_list_for_staff


def consultation_list_for_staff(*, user: Any) -> QuerySet[Consultation]:
    """Consultations asked of the user's teams, of teams they lead, or on cases they reach;
    all for those who see every case."""
    qs = Consultation.objects.select_related("team", "case")
    if not policies.is_active_staff(user):
        return qs.none()
    # The case must be within the reader's reach (`case_list_for_staff`: recusals left out,
    # for those who see every case too). A consulted team reaches the case through its view
    # grant only while its question is open, so an answered, withdrawn or lapsed question is
    # no longer read by a team that does not otherwise reach the case. The lead of the
    # consulted team keeps the open questions asked of the team (to chase overdue answers).
    reachable = Q(case__in=case_list_for_staff(user=user).values("pk"))
    if policies.may_view_all_cases(user):
        return qs.filter(reachable)
    open_for_my_team = Q(team__lead=user, status=ConsultationStatus.OPEN) & ~Q(
        case_id__in=recused_case_ids(user=user)
    )
    return qs.filter(reachable | open_for_my_team).distinct()


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
