"""The notification outbox in the staff site: what we owe users, what left, what failed.

Read-only for everyone: rows are written by `notification_queue` and delivery only. Those who
see every case (auditors, compliance) and superusers read it, to check that users are told.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cases import policies
from cases.admin.case import ReadOnlyAdminMixin, RecusalScopedAdminMixin
from cases.models import Notification


@admin.register(Notification)
class NotificationAdmin(RecusalScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "case",
        "kind",
        "channel",
        "locale",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "kind", "locale"]
    list_select_related = ["case"]
    search_fields = ["=case__reference"]
    show_full_result_count = False
    exclude = ["recipient_email", "context"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.may_view_all_cases(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.may_view_all_cases(request.user)
