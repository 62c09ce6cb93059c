"""Staff accounts are deactivated, never deleted: their history rows and events point at them
(simple-history would null the user, and on PostgreSQL the history trigger refuses that)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from complaints_site.common.models import AuditSeal, Tombstone

User = get_user_model()


class NoDeleteUserAdmin(UserAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(User)
admin.site.register(User, NoDeleteUserAdmin)


class ReadOnlyLedgerAdmin(admin.ModelAdmin):
    """Audit ledgers are shown, never written from the admin."""

    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditSeal)
class AuditSealAdmin(ReadOnlyLedgerAdmin):
    list_display = ["seq", "table", "row_id", "sealed_at", "seal_hash"]
    list_filter = ["table"]
    search_fields = ["=seq", "=row_id", "seal_hash"]


@admin.register(Tombstone)
class TombstoneAdmin(ReadOnlyLedgerAdmin):
    list_display = ["created_at", "model_label", "object_pk", "object_repr", "actor_label"]
    list_filter = ["model_label", "created_at"]
    list_select_related = ["actor"]
    search_fields = ["=object_pk", "object_repr", "actor_label"]
