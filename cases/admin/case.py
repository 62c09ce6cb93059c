"""Staff work on cases in the admin. Every write goes through a service; every read through a
selector. Transition buttons show only what this user may run now, and each asks for a reason.
History is shown read-only, with no revert anywhere (we do not use SimpleHistoryAdmin, whose
revert view a view-only user can POST to)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin import audit as audit_views
from cases.admin import case_views, deadlines, investigation, letters
from cases.admin.forms import CaseChangeForm, TransitionForm
from cases.admin.mixins import CaseInlineMixin
from cases.admin.paginator import CappedCountPaginator
from cases.admin.resolution import case_page as resolution_page
from cases.admin.routing import CaseRoutingAdminMixin
from cases.enums import CaseState
from cases.models import Case, CaseTransaction
from cases.selectors.cases import (
    case_get_for_staff,
    case_list_for_staff,
    case_search,
    evidence_list_for_staff,
    handler_list,
    handler_list_for_staff,
    team_list_for_staff,
)
from cases.selectors.clocks import with_next_clock
from cases.selectors.history import case_history_for_staff
from cases.selectors.investigation import evidence_cited_for_staff
from cases.services.lifecycle import TRANSITIONS, available_transitions, case_transition
from cases.services.updates import Assignment, Triage, case_update
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError

STATE_COLOURS = {
    CaseState.RECEIVED: "#6c757d",
    CaseState.ASSESSING: "#0d6efd",
    CaseState.INVESTIGATING: "#0d6efd",
    CaseState.AWAITING_CUSTOMER: "#fd7e14",
    CaseState.FINAL_RESPONSE: "#dc3545",
    CaseState.IN_ARBITRATION: "#dc3545",
    CaseState.RESOLVED: "#198754",
    CaseState.CLOSED: "#198754",
}


class TeamFilter(admin.RelatedFieldListFilter):
    """Choices from the small team table, never a DISTINCT over the case list."""

    def field_choices(self, field, request, model_admin):
        return [(t.pk, str(t)) for t in team_list_for_staff(user=request.user)]


class AssigneeFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [(u.pk, u.get_username()) for u in handler_list_for_staff(user=request.user)]


class CaseTransactionInline(CaseInlineMixin, admin.TabularInline):
    model = CaseTransaction
    fields = ["txid"]
    extra = 0


@admin.register(Case)
class CaseAdmin(deadlines.CaseDeadlineAdminMixin, CaseRoutingAdminMixin, admin.ModelAdmin):
    form = CaseChangeForm
    list_display = [
        "reference",
        "subject",
        "state_badge",
        # Next to the status, so a narrow window still shows what is about to breach.
        "next_deadline",
        "category",
        "priority",
        "channel",
        "team",
        "assignee",
        "received_at",
    ]
    list_select_related = ["team", "assignee"]
    list_filter = [
        "state",
        "category",
        "priority",
        "channel",
        ("team", TeamFilter),
        ("assignee", AssigneeFilter),
    ]
    # Searched by `selectors.case_search` (exact, indexed); listed so the search box shows.
    search_fields = ["reference"]
    search_help_text = _("Exact reference, exchange account id, email or transaction id.")
    show_full_result_count = False
    paginator = CappedCountPaginator  # the count of a permission-limited list stays cheap
    list_per_page = 50
    date_hierarchy = None
    ordering = ["-received_at", "-id"]
    # The events are shown as the staff timeline below the form (admin_investigation).
    inlines = [CaseTransactionInline]
    fieldsets = [
        (None, {"fields": ["reference", "state", "subject", "description", "channel"]}),
        (_("Triage and assignment"), {"fields": ["category", "priority", "team", "assignee"]}),
        (
            _("Complainant"),
            {
                "fields": [
                    "complainant_account_id",
                    "complainant_email",
                    "complainant_locale",
                    "customer",
                ]
            },
        ),
        (
            _("Findings"),
            {
                "fields": [
                    "out_of_scope_referral",
                    "info_request",
                    "responsibility",
                    "responsibility_rationale",
                    "cited_evidence",
                    "resolution_summary",
                    "final_response_text",
                ]
            },
        ),
        (
            _("Clocks (UTC)"),
            {
                "fields": [
                    "received_at",
                    "first_response_due_at",
                    "first_response_at",
                    "resolution_due_at",
                    "final_response_due_at",
                    "paused_at",
                    "paused_total",
                    "resolved_at",
                    "final_response_at",
                    "reopened_at",
                    "closed_at",
                ]
            },
        ),
        (_("Change"), {"fields": ["change_reason"]}),
    ]
    # Everything shown is read-only but the triage and assignment fields (each through its
    # service) and the reason that goes with them.
    _always_readonly = [
        name
        for _title, options in fieldsets
        for name in options["fields"]
        if name not in ("category", "priority", "team", "assignee", "change_reason")
    ]

    # --- reads ------------------------------------------------------------------------------

    @admin.display(description=_("evidence relied on"))
    def cited_evidence(self, obj: Case) -> str:
        items = evidence_cited_for_staff(case=obj)
        if not items:
            return "-"
        return format_html_join(
            ", ",
            '<a href="{}">#{} {}</a>',
            (
                (reverse("admin:cases_case_evidence", args=[obj.pk, e.pk]), e.pk, e.original_name)
                for e in items
            ),
        )

    def get_queryset(self, request: HttpRequest):
        # The badge's clock kind and warning come with the rows (`next_deadline`).
        return with_next_clock(case_list_for_staff(user=request.user))

    def get_search_results(self, request, queryset, search_term):
        return case_search(queryset, term=search_term), False

    @admin.display(description=_("status"), ordering="state")
    def state_badge(self, obj: Case) -> str:
        colour = STATE_COLOURS.get(obj.state, "#495057")
        return format_html(
            '<span style="color:#fff;background:{};padding:2px 6px;border-radius:3px">{}</span>',
            colour,
            obj.get_state_display(),
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None):
        try:
            return case_get_for_staff(user=request.user, pk=int(object_id))
        except (TypeError, ValueError):
            return None

    # --- permissions: roles for the act, object permissions for the case -----------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.may_use_case_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        if obj is None:
            return policies.may_use_case_admin(request.user)
        return policies.may_reach_case(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Case | None = None) -> bool:
        user = request.user
        if obj is None:
            return policies.is_active_staff(user) and (
                user.is_superuser or user.has_perm("cases.assess_case")
            )
        return policies.may_run(user, obj, "cases.assess_case") or policies.may_assign(user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Cases enter through the intake channels, which give them a reference and clocks.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Case | None = None):
        readonly = list(self._always_readonly)
        user = request.user
        if obj is None or not policies.may_run(user, obj, "cases.assess_case") or not obj.is_open:
            readonly += ["category", "priority"]
        if obj is None or not policies.may_assign(user, obj) or not obj.is_open:
            readonly += ["team", "assignee"]
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj: Case | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_change_permission(request, obj):
            fieldsets = [fs for fs in fieldsets if "change_reason" not in fs[1]["fields"]]
        return fieldsets

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = handler_list()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- writes through services -------------------------------------------------------------

    def save_model(
        self, request: HttpRequest, obj: Case, form: forms.ModelForm, change: bool
    ) -> None:
        changed = set(form.changed_data)
        data = form.cleaned_data
        case_update(
            case=obj,
            actor=request.user,
            reason=data.get("change_reason", ""),
            triage=Triage(category=data.get("category"), priority=data.get("priority"))
            if {"category", "priority"} & changed
            else None,
            assignment=Assignment(team=data.get("team"), assignee=data.get("assignee"))
            if {"team", "assignee"} & changed
            else None,
        )

    def save_related(self, request, form, formsets, change):
        # Inlines are read-only; nothing related is written from this form.
        return None

    def construct_change_message(self, request, form, formsets, add=False):
        # Django's version reads `formset.new_objects`, which only exists after formset.save();
        # the read-only inlines are never saved, so it raised on every saved change form.
        return []

    def log_change(self, request, obj, message):
        # The case history and event ledger are the audit trail; no LogEntry copy.
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # `case_update` refuses all or nothing: the refusal comes back to the case page as a
        # message (the admin's transaction is rolled back with it).
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.path)

    # --- transitions -------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<int:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<int:object_id>/message/",
                self.admin_site.admin_view(case_views.message_view),
                name="{}_{}_message".format(*info),
            ),
            path(
                "<int:object_id>/complaint-flag/",
                self.admin_site.admin_view(case_views.complaint_flag_view),
                name="{}_{}_complaint_flag".format(*info),
            ),
            path(
                "<int:object_id>/evidence/<int:evidence_id>/download/",
                self.admin_site.admin_view(case_views.evidence_download_view),
                name="{}_{}_evidence_download".format(*info),
            ),
            *audit_views.admin_urls(self),
            *investigation.admin_urls(self),
            *resolution_page.admin_urls(self),
            *letters.admin_urls(self),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        case = self.get_object(request, object_id)
        if case is not None:
            extra_context["transitions"] = [
                {
                    "name": name,
                    "label": TRANSITIONS[name].label,
                    "dangerous": TRANSITIONS[name].dangerous,
                    "url": reverse("admin:cases_case_transition", args=[case.pk, name]),
                }
                for name in available_transitions(case=case, user=request.user)
            ]
            # One evidence query shared by the correspondence and the investigation parts.
            evidence = list(evidence_list_for_staff(case=case))
            extra_context.update(
                case_views.correspondence_context(request=request, case=case, evidence=evidence)
            )
            extra_context.update(
                investigation.investigation_context(request=request, case=case, evidence=evidence)
            )
            extra_context.update(
                resolution_page.resolution_context(
                    request=request,
                    case=case,
                    case_messages=[row["message"] for row in extra_context["correspondence"]],
                )
            )
            extra_context.update(letters.letter_context(request=request, case=case))
            extra_context.update(deadlines.deadlines_context(request=request, case=case))
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request: HttpRequest, object_id: int, name: str) -> HttpResponse:
        case = case_get_for_staff(user=request.user, pk=object_id)
        if case is None:
            raise Http404
        if name not in TRANSITIONS:
            raise Http404
        if TRANSITIONS[name].service:
            # Taken only through its own page (the offer, the customer's answer, the letter).
            raise PermissionDenied
        change_url = reverse("admin:cases_case_change", args=[case.pk])
        if request.method == "POST":
            form = TransitionForm(request.POST, transition=name, case=case)
            if form.is_valid():
                try:
                    case_transition(
                        case=case,
                        transition=name,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                        expected_state=form.cleaned_data["expected_state"],
                        **form.transition_inputs(),
                    )
                except PermissionDeniedError as exc:
                    raise PermissionDenied(exc.message) from exc
                except ApplicationError as exc:
                    # One line per unmet condition, each naming what is missing.
                    for error in (exc.extra or {}).get("errors", {}).get("conditions") or [
                        exc.message
                    ]:
                        form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        _("%(t)s: done.") % {"t": TRANSITIONS[name].label},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        else:
            if name not in available_transitions(case=case, user=request.user):
                raise PermissionDenied
            form = TransitionForm(
                initial={"expected_state": case.state}, transition=name, case=case
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "case": case,
            "form": form,
            "transition": TRANSITIONS[name],
            "change_url": change_url,
            "title": TRANSITIONS[name].label,
        }
        return render(request, "cases/case/transition.html", context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None):
        """Read-only history: each snapshot with its field changes, actor and reason. No revert."""
        case = self.get_object(request, object_id)
        if case is None:
            raise Http404
        rows = list(reversed(case_history_for_staff(case=case)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "case": case,
            "rows": rows,
            "title": _("History of %(ref)s") % {"ref": case.reference},
        }
        return render(request, "cases/case/history.html", context)
