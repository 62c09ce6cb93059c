"""The notification outbox in the staff site: what we owe users, what left, what failed.

Read-only for everyone: rows are written by `notification_queue` and delivery only. Those who
see every case (auditors, compliance) and superusers read it, to check that users are told.
"""

from __future__ import annotations

from django.contrib import admin

from cases.admin.mixins import (
    AllCasesReaderAdminMixin,
    ReadOnlyAdminMixin,
    RecusalScopedAdminMixin,
)
from cases.models import Notification


@admin.register(Notification)
class NotificationAdmin(
    AllCasesReaderAdminMixin, RecusalScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
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
