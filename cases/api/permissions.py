"""Who may call what in the cases API, and the per-caller rate limits."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle

from cases.policies import is_active_staff
from cases.policies.clients import is_api_client, is_portal_customer
from complaints_site.common.tokens import ApiTokenAuthentication


def channel_of(request: Request) -> str:
    """`api` for token callers (the exchange's systems), `web` for a portal session."""
    token = isinstance(request.successful_authenticator, ApiTokenAuthentication)
    return "api" if token else "web"


class MayOpenCases(BasePermission):
    """Opening a case: API clients for any user, portal customers for themselves; staff and
    other accounts are refused (403). Reads are scoped by the selectors instead."""

    message = _("Only the exchange's API clients and signed-in customers may open cases.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if is_active_staff(request.user):
            return False
        return is_api_client(request.user) or is_portal_customer(request.user)


class _MethodThrottle(UserRateThrottle):
    """A per-user rate that only counts the methods it is for (reads and writes apart)."""

    safe: bool

    def allow_request(self, request: Request, view: Any) -> bool:
        if (request.method in SAFE_METHODS) != self.safe:
            return True
        return super().allow_request(request, view)


class ApiReadThrottle(_MethodThrottle):
    scope = "api_read"
    safe = True


class ApiWriteThrottle(_MethodThrottle):
    scope = "api_write"
    safe = False
