"""The admin site with the second factor: a staff user passes `has_permission` only after
giving a code when one is required (policies.second_factor_required), and the sign-in page
sends a user who gave the password on to the code or enrolment page.

Installed as Django's default admin site (apps.SecureAdminConfig), so every registration on
`admin.site` and every `admin_view` gets the check without a change.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path

from complaints_site.accounts import views
from complaints_site.accounts.services import second_factor_pending


class SecureAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not second_factor_pending(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.method == "GET" and second_factor_pending(request.user):
            return HttpResponseRedirect(views.second_factor_url(request, request.user))
        response: HttpResponse = super().login(request, extra_context)
        if (
            request.method == "POST"
            and response.status_code == 302
            and second_factor_pending(request.user)
        ):
            return HttpResponseRedirect(views.second_factor_url(request, request.user))
        return response

    def get_urls(self) -> list[URLPattern | URLResolver]:
        # Not wrapped in admin_view: these are the screens of a user who has not yet passed
        # has_permission; each view checks who is asking itself. The reset is for verified staff.
        return [
            path(
                "second-factor/",
                partial(views.verify, site=self),
                name="second_factor_verify",
            ),
            path(
                "second-factor/enrol/",
                partial(views.enrol, site=self),
                name="second_factor_enrol",
            ),
            path(
                "second-factor/recovery-codes/",
                partial(views.recovery_codes, site=self),
                name="second_factor_recovery_codes",
            ),
            path(
                "second-factor/reset/<int:user_id>/",
                self.admin_view(partial(views.reset, site=self)),
                name="second_factor_reset",
            ),
            *super().get_urls(),
        ]
