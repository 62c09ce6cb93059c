"""Admin pages of sign-in security: the ledger (read-only), axes' failed-attempt counters with
an audited "lift the lockout" action, axes' sign-in and failure logs (read-only).

django-otp's own device admin is removed: it would let an administrator add a device with a
known key to someone else's account, or delete one without a trace. Devices change only
through enrolment and the audited reset (services.py).
"""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from complaints_site.accounts.forms import ReasonForm
from complaints_site.accounts.models import SignInEvent
from complaints_site.accounts.policies import may_unlock_sign_in
from complaints_site.accounts.services import lockout_reset
from complaints_site.common.admin import ReadOnlyLedgerAdmin
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyLedgerAdmin):
    list_display = ["created_at", "kind", "subject_label", "ip_address", "actor_label", "reason"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["subject", "actor"]
    search_fields = ["subject_label", "actor_label", "=ip_address"]
    date_hierarchy = "created_at"


@admin.register(AccessAttempt)
class AccessAttemptAdmin(ReadOnlyLedgerAdmin):
    """Failed sign-ins counted within the cool-off. Lifting a lockout deletes the counter and
    records who did it and why."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "path_info"]
    list_filter = ["attempt_time", "path_info"]
    search_fields = ["username", "=ip_address"]
    date_hierarchy = "attempt_time"
    fields = list_display
    actions = ["lift_lockout"]

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return may_unlock_sign_in(request.user)

    @admin.action(description=_("Lift the lockout (with a reason)"), permissions=["unlock"])
    def lift_lockout(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                count = lockout_reset(
                    attempts=queryset, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except PermissionDeniedError as exc:
                raise PermissionDenied from exc
            except ApplicationError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request, _("%(n)s lockouts lifted.") % {"n": count}, messages.SUCCESS
                )
                return None
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": _("Lift sign-in lockouts"),
            "opts": self.model._meta,
            "form": form,
            "attempts": queryset,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "accounts/lift_lockout.html", context)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyLedgerAdmin):
    list_display = ["attempt_time", "logout_time", "username", "ip_address", "path_info"]
    list_filter = ["attempt_time", "path_info"]
    search_fields = ["username", "=ip_address"]
    date_hierarchy = "attempt_time"


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyLedgerAdmin):
    list_display = ["attempt_time", "username", "ip_address", "locked_out", "path_info"]
    list_filter = ["attempt_time", "locked_out", "path_info"]
    search_fields = ["username", "=ip_address"]
    date_hierarchy = "attempt_time"
