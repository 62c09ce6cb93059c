"""The API tokens of the exchange's service accounts, for superusers: who holds one, since
when, until when. Never the key (it is not stored) nor its digest; tokens are issued with
`manage.py issue_api_token` and revoked here or there, through the same service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from knox.models import AuthToken

from cases.admin.mixins import ReadOnlyAdminMixin
from cases.models import ApiToken
from cases.services.api_intake import api_tokens_revoke
from complaints_site.common.tokens import token_public_id

# knox registers its own admin, which lists digests and can create tokens: ours replaces it.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["public_id", "user", "created", "expiry", "is_active"]
    list_select_related = ["user"]
    list_filter = ["expiry"]
    search_fields = ["user__username"]
    ordering = ["-created"]
    fields = ["public_id", "user", "created", "expiry", "is_active"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("token id"))
    def public_id(self, obj: ApiToken) -> str:
        return token_public_id(obj)

    @admin.display(description=_("valid"), boolean=True)
    def is_active(self, obj: ApiToken) -> bool:
        return obj.expiry is None or obj.expiry > timezone.now()

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = api_tokens_revoke(tokens=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_superuser(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_superuser(request)
