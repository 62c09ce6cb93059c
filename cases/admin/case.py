"""Staff work on cases in the admin. Every write goes through a service; every read through a
selector. Transition buttons show only what this user may run now, and each asks for a reason.
History is shown read-only, with no revert anywhere (we do not use SimpleHistoryAdmin, whose
revert view a view-only user can POST to)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin import audit as audit_views
from cases.admin import case_views as admin_views
from cases.admin import investigation as admin_investigation
from cases.admin.paginator import CappedCountPaginator
from cases.admin.routing import CaseRoutingAdminMixin
from cases.enums import CaseState, ResponsibilityParty
from cases.models import (
    Case,
    CaseEvent,
    CaseTransaction,
    Evidence,
    StaffProfile,
    Team,
    TeamMembership,
)
from cases.selectors.cases import (
    case_get_for_staff,
    case_history_for_staff,
    case_list_for_staff,
    case_search,
    handler_list,
    handler_list_for_staff,
    team_list_for_staff,
)
from cases.services.assignment import case_assign, team_create, team_member_add, team_member_remove
from cases.services.cases import case_update_triage
from cases.services.conflicts import staff_profile_ensure
from cases.services.lifecycle import TRANSITIONS, available_transitions, case_transition
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


class ReadOnlyAdminMixin:
    """Nobody adds, changes or deletes these rows in the admin, not even a superuser."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecusalScopedAdminMixin:
    """Lists about cases for those who see every case (auditors, compliance): the rows of cases
    the reader is recused from are left out (one exclusion subquery, never a check per row), so
    recusal reaches the auditor's screens as it reaches every other read."""

    def get_queryset(self, request: HttpRequest):
        from cases.selectors.audit import case_column, exclude_recused

        queryset = super().get_queryset(request)  # type: ignore[misc]
        return exclude_recused(queryset, user=request.user, case_path=case_column(self.model))


class CaseInlineMixin(ReadOnlyAdminMixin):
    """Read-only rows shown on a case page. Django's default asks for a model-wide view grant,
    which case handlers do not hold, so the timeline was hidden from the people working the case;
    the case page itself has already checked that this user reaches the case. (Django also asks
    with obj=None to scope the inline's queryset, so this cannot require obj.)"""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.may_use_case_admin(request.user)


class CaseTransactionInline(CaseInlineMixin, admin.TabularInline):
    model = CaseTransaction
    fields = ["txid"]
    extra = 0


class CaseChangeForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you change triage or assignment; kept in the history."),
    )

    class Meta:
        model = Case
        fields = ["category", "priority", "team", "assignee"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.changed_data and not (data.get("change_reason") or "").strip():
            self.add_error("change_reason", _("Say why you change this case."))
        return data


def evidence_choices(case: Case) -> list[tuple[int, str]]:
    """The case's evidence as checkbox labels (one query): number, kind, name, relevance."""
    return [
        (
            item.pk,
            f"#{item.pk} {item.get_kind_display()}: {item.description or item.original_name}"
            f" ({item.get_relevance_display()})",
        )
        for item in Evidence.objects.filter(case=case).order_by("created_at", "id")
    ]


class TransitionForm(forms.Form):
    # The text inputs are optional here on purpose: the transition's conditions decide whether
    # they are enough, and their message names the condition ("... needs a written rationale").
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    expected_state = forms.CharField(widget=forms.HiddenInput)
    out_of_scope_referral = forms.CharField(
        label=_("Where the user should go instead"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    info_request = forms.CharField(
        label=_("What the customer is asked to provide"),
        required=False,
        help_text=_("Sent to the customer by email and in the portal. The case waits for them."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    responsibility = forms.ChoiceField(
        label=_("Responsible party"), choices=ResponsibilityParty.choices
    )
    responsibility_rationale = forms.CharField(
        label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    responsibility_evidence = forms.TypedMultipleChoiceField(
        label=_("Evidence relied on"),
        coerce=int,
        required=False,
        help_text=_("At least one item of this case's evidence."),
        widget=forms.CheckboxSelectMultiple,
    )
    resolution_summary = forms.CharField(
        label=_("Proposed resolution"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    final_response_text = forms.CharField(
        label=_("Final response"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, transition: str, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = {"reason", "expected_state", *TRANSITIONS[transition].inputs}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "responsibility_evidence" in self.fields:
            self.fields["responsibility_evidence"].choices = evidence_choices(case)

    def transition_inputs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "expected_state")}


@admin.register(Case)
class CaseAdmin(CaseRoutingAdminMixin, admin.ModelAdmin):
    form = CaseChangeForm
    list_display = [
        "reference",
        "subject",
        "state_badge",
        "category",
        "priority",
        "channel",
        "team",
        "assignee",
        "received_at",
        "first_response_due_at",
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
        ids = [int(pk) for pk in obj.responsibility_evidence or []]
        if not ids:
            return "-"
        items = Evidence.objects.filter(case_id=obj.pk, pk__in=ids).order_by("pk")
        return format_html_join(
            ", ",
            '<a href="{}">#{} {}</a>',
            (
                (reverse("admin:cases_case_evidence", args=[obj.pk, e.pk]), e.pk, e.original_name)
                for e in items
            ),
        )

    def get_queryset(self, request: HttpRequest):
        return case_list_for_staff(user=request.user)

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
        reason = form.cleaned_data.get("change_reason", "")
        current = Case.objects.get(pk=obj.pk)
        try:
            # All or nothing: a refused assignment must not leave the triage change saved.
            with transaction.atomic():
                if {"category", "priority"} & set(form.changed_data):
                    case_update_triage(
                        case=current,
                        actor=request.user,
                        reason=reason,
                        category=form.cleaned_data.get("category"),
                        priority=form.cleaned_data.get("priority"),
                    )
                if {"team", "assignee"} & set(form.changed_data):
                    case_assign(
                        case=current,
                        actor=request.user,
                        reason=reason,
                        team=form.cleaned_data.get("team"),
                        assignee=form.cleaned_data.get("assignee"),
                    )
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            request._case_save_error = exc.message  # type: ignore[attr-defined]

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

    def response_change(self, request: HttpRequest, obj: Case) -> HttpResponse:
        error = getattr(request, "_case_save_error", None)
        if error:
            self.message_user(request, error, messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

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
                self.admin_site.admin_view(admin_views.message_view),
                name="{}_{}_message".format(*info),
            ),
            path(
                "<int:object_id>/complaint-flag/",
                self.admin_site.admin_view(admin_views.complaint_flag_view),
                name="{}_{}_complaint_flag".format(*info),
            ),
            path(
                "<int:object_id>/evidence/<int:evidence_id>/download/",
                self.admin_site.admin_view(admin_views.evidence_download_view),
                name="{}_{}_evidence_download".format(*info),
            ),
            *audit_views.admin_urls(self),
            *admin_investigation.admin_urls(self),
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
            extra_context.update(admin_views.case_page_context(request=request, case=case))
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request: HttpRequest, object_id: int, name: str) -> HttpResponse:
        case = case_get_for_staff(user=request.user, pk=object_id)
        if case is None:
            raise Http404
        if name not in TRANSITIONS:
            raise Http404
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


class AuditLedgerAdmin(RecusalScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """History and events: those who see every case (auditors, compliance) read; nobody edits."""

    show_full_result_count = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.may_view_all_cases(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.may_view_all_cases(request.user)


class HistoryAdmin(AuditLedgerAdmin):
    list_display = ["history_date", "history_type", "history_actor", "history_change_reason"]
    list_filter = ["history_type", "history_date"]
    list_select_related = ["history_user"]


@admin.register(Case.history.model)
class HistoricalCaseAdmin(HistoryAdmin):
    list_display = [
        "history_date",
        "reference",
        "state",
        "history_type",
        "history_actor",
        "history_change_reason",
    ]
    list_filter = ["history_type", "state", "history_date"]
    search_fields = ["=reference"]


@admin.register(CaseEvent)
class CaseEventAdmin(AuditLedgerAdmin):
    list_display = ["created_at", "case", "type", "actor_label", "from_state", "to_state", "reason"]
    list_filter = ["type", "created_at"]
    list_select_related = ["case"]
    search_fields = ["=case__reference"]


for _tracked in (Team, TeamMembership, StaffProfile, CaseTransaction):
    admin.site.register(_tracked.history.model, HistoryAdmin)


class TeamMembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TeamMembership
    fields = ["user", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "lead"]
    search_fields = ["name", "code"]
    list_select_related = ["lead"]
    inlines = [TeamMembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            from complaints_site.common.history import stamp

            stamp(obj, actor=request.user, reason="Edited in admin")
            obj.save()
        else:
            created = team_create(code=obj.code, name=obj.name, lead=obj.lead, actor=request.user)
            obj.pk, obj.group_id = created.pk, created.group_id


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["team", "user", "created_at"]
    list_select_related = ["team", "user"]
    list_filter = ["team"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        created = team_member_add(team=obj.team, user=obj.user, actor=request.user)
        obj.pk = created.pk

    def delete_model(self, request, obj):
        team_member_remove(
            team=obj.team, user=obj.user, actor=request.user, reason="Removed in admin"
        )

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("team", "user"):
            self.delete_model(request, membership)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "team_names", "is_available", "languages", "skills"]
    list_select_related = ["user"]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("user__team_memberships__team")

    @admin.display(description=_("teams"))
    def team_names(self, obj: StaffProfile) -> str:
        return ", ".join(sorted(m.team.name for m in obj.user.team_memberships.all()))

    list_filter = ["is_available"]
    autocomplete_fields = ["user"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f != "user"}
        saved = staff_profile_ensure(user=obj.user, actor=request.user, **fields)
        obj.pk = saved.pk
