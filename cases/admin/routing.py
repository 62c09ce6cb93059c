"""Team leads in the admin: the queue view, the queue filters of the case list, the bulk
"Assign to…" action, and the routing rules.

Every figure on the queue page is an aggregate (see `selectors_routing`); every assignment goes
through `case_assign`; every rule change through `routing_rule_save`, with a reason.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import policies
from cases.admin.forms import AssignToForm, RoutingRuleForm
from cases.enums import WORKING_STATES
from cases.models import Case, RoutingRule
from cases.policies.routing import may_bulk_assign, may_see_queues
from cases.selectors.routing import (
    queue_overview_for_lead,
    routing_rule_history,
    sla_at_risk_q,
    sla_breached_q,
)
from cases.services.assignment import cases_bulk_assign
from cases.services.routing import routing_rule_save


class QueueFilter(admin.SimpleListFilter):
    """The queue page's numbers open the case list through these choices."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("open", _("Open (being worked)")),
            ("unassigned", _("Open and unassigned")),
            ("sla_risk", _("SLA at risk")),
            ("sla_breached", _("SLA breached")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        value, now = self.value(), timezone.now()
        if value == "open":
            return queryset.filter(state__in=WORKING_STATES)
        if value == "unassigned":
            return queryset.filter(state__in=WORKING_STATES, assignee__isnull=True)
        if value == "sla_risk":
            return queryset.filter(sla_at_risk_q(now=now))
        if value == "sla_breached":
            return queryset.filter(sla_breached_q(now=now))
        return queryset


@admin.action(description=_("Assign to…"))
def assign_to(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Case]) -> Any:
    """Reassign the selected cases to one handler, each through `case_assign` with the reason.

    The rules (teams one leads, members of the case's team) are `cases_bulk_assign`'s.
    """
    user = request.user
    if not may_bulk_assign(user):
        raise PermissionDenied
    form = AssignToForm(request.POST if "apply" in request.POST else None, user=user)
    if "apply" not in request.POST or not form.is_valid():
        context = {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.opts,
            "title": _("Assign to…"),
            "form": form,
            "cases": list(queryset.select_related("team", "assignee")[:500]),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        }
        return render(request, "cases/routing/assign_to.html", context)
    assignee = form.cleaned_data["assignee"]
    result = cases_bulk_assign(
        cases=queryset.select_related("team", "assignee"),
        assignee=assignee,
        actor=user,
        reason=form.cleaned_data["reason"],
    )
    done, refused = result.assigned, result.refused
    name = assignee.get_username()
    if done:
        modeladmin.message_user(
            request,
            ngettext(
                "%(n)d case assigned to %(user)s.", "%(n)d cases assigned to %(user)s.", len(done)
            )
            % {"n": len(done), "user": name},
            messages.SUCCESS,
        )
    for reference, why in refused:
        modeladmin.message_user(
            request,
            _("%(ref)s not assigned: %(why)s") % {"ref": reference, "why": why},
            messages.ERROR,
        )
    return None


class CaseRoutingAdminMixin:
    """Mixed into `CaseAdmin`: the queue filter, the "Assign to…" action, the queue page."""

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        return [*super().get_list_filter(request), QueueFilter]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if may_bulk_assign(request.user):
            actions["assign_to"] = self.get_action(assign_to)
        return actions

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "queues/",
                self.admin_site.admin_view(self.queues_view),
                name="{}_{}_queues".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra_context = extra_context or {}
        if may_see_queues(request.user):
            extra_context["queues_url"] = reverse("admin:cases_case_queues")
        return super().changelist_view(request, extra_context)

    def queues_view(self, request: HttpRequest) -> HttpResponse:
        """Per team the user oversees: open cases by state, unassigned, SLA at risk and
        breached, and each agent's load; every number links to the filtered case list."""
        if not may_see_queues(request.user):
            raise PermissionDenied
        changelist = reverse("admin:cases_case_changelist")
        consultations = reverse("admin:cases_consultation_changelist")

        def link(**params: Any) -> str:
            return f"{changelist}?{urlencode(params)}"

        queues = queue_overview_for_lead(user=request.user)
        for queue in queues:
            team = {"team__id__exact": queue.team.pk}
            queue.links = {
                "open": link(**team, queue="open"),
                "unassigned": link(**team, queue="unassigned"),
                "at_risk": link(**team, queue="sla_risk"),
                "breached": link(**team, queue="sla_breached"),
                "consultations": consultations
                + "?"
                + urlencode({"team__id__exact": queue.team.pk, "due": "overdue"}),
            }
            queue.state_rows = [
                (label, n, link(**team, state__exact=state)) for state, label, n in queue.by_state
            ]
            queue.agent_rows = [
                (
                    agent,
                    link(**team, queue="open", assignee__id__exact=agent.user_id),
                    link(**team, queue="sla_risk", assignee__id__exact=agent.user_id),
                    link(**team, queue="sla_breached", assignee__id__exact=agent.user_id),
                )
                for agent in queue.agents
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Team queues"),
            "queues": queues,
            "risk_hours": settings.SLA_RISK_HOURS,
        }
        return render(request, "cases/routing/queues.html", context)


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Leads and superusers edit the rules; auditors and compliance read them. A rule is switched
    off (`is_active`), never deleted, so its history stays whole."""

    form = RoutingRuleForm
    list_display = ["order", "category", "locale", "channel", "team", "auto_assign", "is_active"]
    list_display_links = ["order"]
    list_filter = ["is_active", "auto_assign", "team", "category", "locale", "channel"]
    list_select_related = ["team"]
    ordering = ["order", "id"]

    def _may_edit(self, request: HttpRequest) -> bool:
        return may_bulk_assign(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request) or policies.may_view_all_cases(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RoutingRule, form: Any, change: bool) -> None:
        routing_rule_save(rule=obj, actor=request.user, reason=form.cleaned_data["change_reason"])

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> None:
        # The rule's own history (actor and reason) is the record; no LogEntry copy.
        return None

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> None:
        return None

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None):
        """The rule's own history, read-only: who changed what, when and why."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rule, rows = routing_rule_history(pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("History of routing rule %(rule)s") % {"rule": rule},
            "rows": rows,
            "rule": rule,
        }
        return render(request, "cases/routing/rule_history.html", context)
