"""Staff accounts are deactivated, never deleted: their history rows and events point at them
(simple-history would null the user, and on PostgreSQL the history trigger refuses that)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

User = get_user_model()


class NoDeleteUserAdmin(UserAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.unregister(User)
admin.site.register(User, NoDeleteUserAdmin)
