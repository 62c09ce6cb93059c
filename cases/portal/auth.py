"""Portal sign-in. The portal and the admin share one password backend,
`complaints_site.accounts.backends.UsernameOrEmailBackend` (username or email, one hash per
attempt); this name stays so that an AUTH_BACKENDS naming it keeps working. The exchange's
single sign-on replaces it by another backend in AUTH_BACKENDS (docs/portal.md); the portal
views themselves only need ``request.user``, behind `portal_user_required`."""

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from cases.policies.clients import is_portal_customer
from complaints_site.accounts.backends import UsernameOrEmailBackend as EmailBackend


def portal_user_required(view):
    """Anonymous -> sign-in page; staff or users without a customer profile -> 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not is_portal_customer(request.user):
            return render(request, "cases/portal/not_customer.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


__all__ = ["EmailBackend", "portal_user_required"]
