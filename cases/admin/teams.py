"""Teams, their members and staff profiles in the staff site. Every write goes through the
team services, each with the actor and a reason kept in the history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from cases.admin.mixins import ReadOnlyAdminMixin
from cases.models import StaffProfile, Team, TeamMembership
from cases.selectors.cases import staff_profile_list
from cases.services.assignment import team_create, team_member_add, team_member_remove
from cases.services.conflicts import staff_profile_ensure
from cases.services.teams import team_update
from complaints_site.common.exceptions import ApplicationError


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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A service's refusal goes back to the form page as a message, nothing saved.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        if change:
            team_update(
                team=obj,
                actor=request.user,
                reason="Edited in admin",
                code=obj.code,
                name=obj.name,
                lead=obj.lead,
            )
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
