"""Failed sign-ins are counted and throttled by django-axes before any password is hashed
(axes' backend comes first in AUTHENTICATION_BACKENDS and refuses a locked-out attempt).

Two counters, each within AXES_COOLOFF_TIME: per account and address (AXES_FAILURE_LIMIT) and
per address over every account (LOGIN_ADDRESS_FAILURE_LIMIT), so guessing one account's password
from one place and spraying many accounts from one place are both stopped, while the account's
owner elsewhere can still sign in. This module holds the pieces axes calls: the client address
(behind TRUSTED_PROXY_COUNT proxies), the account a typed name means, the handler with the two
limits, and the lockout page.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.contrib import admin
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from complaints_site.accounts.backends import account_for_login


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address that sent the request.

    Without a proxy (TRUSTED_PROXY_COUNT = 0, the default) the TCP peer, and X-Forwarded-For is
    ignored: any client can write that header. Behind N trusted proxies, the N-th address from
    the right of X-Forwarded-For, the one the outermost trusted proxy saw (each proxy appends
    the address it received from; entries further left are the client's own claims).
    """
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            found = _valid_ip(forwarded[-hops])
            if found:
                return found
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def login_identifier(request: HttpRequest, credentials: dict | None) -> str:
    """What axes counts as "the account": the username of the account the typed name means (a
    username or an email address), else the typed name itself, lower-cased. Never the password.
    """
    if credentials:
        typed = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", request.POST)
        typed = data.get("username") or data.get("email")
    typed = str(typed or "").strip()[:255]
    if not typed:
        return ""
    user = account_for_login(typed)
    return user.get_username() if user is not None else typed.lower()


def _is_address_only(parameter: str | list[str]) -> bool:
    return parameter in ("ip_address", ["ip_address"])


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per counter.

    axes compares one number with one limit; `get_failures` therefore answers with the failures
    of the counter nearest its own limit, expressed against AXES_FAILURE_LIMIT: it reaches that
    limit exactly when some counter reaches its own.
    """

    @staticmethod
    def _limit(parameter: str | list[str], request: HttpRequest, credentials: dict | None) -> int:
        if _is_address_only(parameter):
            return settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return get_failure_limit(request, credentials)

    def _counters(self, request: HttpRequest, credentials: dict | None) -> list[tuple[int, Any]]:
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        return [
            (self._limit(parameter, request, credentials), queryset)
            for parameter, queryset in zip(parameters, attempts, strict=True)
        ]

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        headroom = min(
            (
                own_limit - (qs.aggregate(n=Sum("failures_since_start"))["n"] or 0)
                for own_limit, qs in self._counters(request, credentials)
            ),
            default=limit,
        )
        return limit - headroom

    def locked_until(self, request: HttpRequest, credentials: dict | None) -> datetime | None:
        """When the counters that are at their limit fall below it again."""
        cool_off = get_cool_off(request)
        if cool_off is None:
            return None
        latest = [
            qs.aggregate(last=Max("attempt_time"))["last"]
            for own_limit, qs in self._counters(request, credentials)
            if (qs.aggregate(n=Sum("failures_since_start"))["n"] or 0) >= own_limit
        ]
        latest = [moment for moment in latest if moment is not None]
        return max(latest) + cool_off if latest else None

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """On a successful sign-in (AXES_RESET_ON_SUCCESS) forget that account's failures, but
        never the address counter: signing in to one's own account between guesses must not
        clear the guesses at other accounts."""
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.filter_user_attempts(request, credentials)
        count = 0
        for parameter, queryset in zip(parameters, attempts, strict=True):
            if not _is_address_only(parameter):
                count += queryset.delete()[0]
        return count


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page shown instead of the sign-in form while locked out (429, with Retry-After).

    The same page whether or not the typed name is an account, and it names no account.
    """
    now = timezone.now()
    until = LoginThrottleHandler().locked_until(request, credentials)
    if until is None:
        until = now + (get_cool_off(request) or settings.AXES_COOLOFF_TIME)
    seconds = max(60, math.ceil((until - now).total_seconds()))
    context = {"until": until, "minutes": math.ceil(seconds / 60)}
    if request.path.startswith(reverse("admin:index")):
        context |= admin.site.each_context(request)
        template = "accounts/lockout_admin.html"
    else:
        template = "accounts/lockout_portal.html"
    response = render(request, template, context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(seconds)
    return response
