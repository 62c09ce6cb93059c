"""Teams, their members and staff profiles in the staff site. Every write goes through the
team services, each with the actor and a reason kept in the history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from cases.admin.mixins import ReadOnlyAdminMixin
from cases.models import StaffProfile, Team, TeamMembership
from cases.selectors.cases import staff_profile_list
from cases.services.assignment import team_create, team_member_add, team_member_remove
from cases.services.conflicts import staff_profile_ensure
from cases.services.sla_config import team_business_hours_set
from cases.services.teams import team_update
from complaints_site.common.exceptions import ApplicationError


class TeamMembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TeamMembership
    fields = ["user", "created_at"]
    readonly_fields = fields
    extra = 0


class TeamForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Kept in the team's history with your name."),
    )

    class Meta:
        model = Team
        fields = ["code", "name", "lead", "business_hours"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamForm
    list_display = ["name", "code", "lead", "business_hours"]
    search_fields = ["name", "code"]
    list_select_related = ["lead", "business_hours"]
    inlines = [TeamMembershipInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A service's refusal goes back to the form page as a message, nothing saved.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "").strip() or "Edited in admin"
        changed = set(form.changed_data)
        if not change:
            created = team_create(code=obj.code, name=obj.name, lead=obj.lead, actor=request.user)
            obj.pk, obj.group_id = created.pk, created.group_id
        elif changed & {"code", "name", "lead"}:
            team_update(
                team=obj,
                actor=request.user,
                reason=reason,
                code=obj.code,
                name=obj.name,
                lead=obj.lead,
            )
        # Each through its service, so a change of hours leaves its own history row.
        if "business_hours" in changed:
            team_business_hours_set(
                team=obj, business_hours=obj.business_hours, actor=request.user, reason=reason
            )


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
    list_filter = ["is_available"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request: HttpRequest):
        return staff_profile_list()

    @admin.display(description=_("teams"))
    def team_names(self, obj: StaffProfile) -> str:
        return ", ".join(sorted(m.team.name for m in obj.user.team_memberships.all()))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in form.changed_data if f != "user"}
        saved = staff_profile_ensure(user=obj.user, actor=request.user, **fields)
        obj.pk = saved.pk
