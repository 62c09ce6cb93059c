"""Staff who signed in with a password but have not yet given their second factor are nobody
outside the admin's sign-in screens: the admin site itself sends them to the code or enrolment
page (admin_site.py); everywhere else (portal, API, chat) they are anonymous, so a password
alone opens no door. Installed right after django-otp's OTPMiddleware."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from complaints_site.accounts.services import second_factor_pending


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # No session cookie, no signed-in user: skip the session and user lookups.
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not request.path_info.startswith(reverse("admin:index"))
            and second_factor_pending(request.user)
        ):
            request.user = AnonymousUser()
        return self.get_response(request)
