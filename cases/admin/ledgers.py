"""The two ledgers in the staff site, read-only: the field-level history of every tracked model
(simple-history) and the domain events of the cases. Those who see every case (auditors,
compliance) read them, without the rows of cases they are recused from; nobody edits."""

from __future__ import annotations

from django.contrib import admin

from cases.admin.mixins import (
    AllCasesReaderAdminMixin,
    ReadOnlyAdminMixin,
    RecusalScopedAdminMixin,
)
from cases.models import Case, CaseEvent, CaseTransaction, StaffProfile, Team, TeamMembership


class AuditLedgerAdmin(
    AllCasesReaderAdminMixin, RecusalScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """History and events: those who see every case (auditors, compliance) read; nobody edits."""

    show_full_result_count = False


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
