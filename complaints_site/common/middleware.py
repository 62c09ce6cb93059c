"""Web hardening middleware (issue 11; docs/operations.md, "Web hardening").

- `RejectNulBytesMiddleware`: a NUL byte in the path or the query string is a 400 before any
  view, form or database sees it (PostgreSQL refuses NUL in text, which made admin filters and
  lookups answer 500).
- `PrivateCacheControlMiddleware`: every answer to a signed-in caller (session or API token)
  and every admin page is `Cache-Control: no-store, private`.
- `SessionLifetimeMiddleware`: a signed-in session ends after an idle timeout and after an
  absolute lifetime from sign-in, whichever comes first.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

Handler = Callable[[HttpRequest], HttpResponse]

NUL = "\x00"


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or NUL in request.path_info:
        return True
    # The query string arrives percent-encoded; the decoded names and values are what forms,
    # admin filters and lookups use.
    return any(NUL in key or any(NUL in v for v in values) for key, values in request.GET.lists())


class RejectNulBytesMiddleware:
    """400 for a NUL byte in the path or in a query parameter (name or value)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return HttpResponseBadRequest(b"Bad request: NUL byte in the URL.")
        return self.get_response(request)


def _signed_in(request: HttpRequest) -> bool:
    # Read after the view: DRF puts a token-authenticated user on the underlying request when
    # its view authenticates, so API token callers count as signed in too.
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateCacheControlMiddleware:
    """`no-store` on whatever a signed-in caller receives and on every admin page.

    Anonymous public pages (health, the public help and arbitration pages, public API lists)
    keep the caching their views chose. A view that marks its answer `public` on purpose (the
    same bytes for everyone) keeps that too.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.admin_prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.admin_prefix is None:
            self.admin_prefix = reverse("admin:index")
        private = request.path.startswith(self.admin_prefix) or _signed_in(request)
        if private and "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


def _idle_limit(user) -> int:
    if user.is_staff:
        return settings.SESSION_IDLE_TIMEOUT_SECONDS
    return settings.PORTAL_SESSION_IDLE_TIMEOUT_SECONDS


STARTED = "_session_started"
SEEN = "_session_seen"


def session_lifetime_start(sender, request: HttpRequest, user, **kwargs) -> None:
    """On every sign-in (the `user_logged_in` signal, connected in CommonConfig.ready): the
    absolute lifetime and the idle clock start now, saved with the sign-in itself."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session.set_expiry(_idle_limit(user))


class SessionLifetimeMiddleware:
    """End a signed-in session when it has been idle too long or has lived too long.

    Idle: SESSION_IDLE_TIMEOUT_SECONDS for staff, PORTAL_SESSION_IDLE_TIMEOUT_SECONDS for
    customers, counted from the last request; the time is written to the session at most every
    SESSION_ACTIVITY_RESOLUTION_SECONDS so most requests do not write. The session's own expiry
    follows the idle timeout too, so a copied cookie dies with it. Absolute: SESSION_COOKIE_AGE
    from sign-in. The request then goes on as anonymous, and the admin, the portal and the API
    answer it as they answer anyone not signed in.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._enforce(request, idle_limit=_idle_limit(user))
        return self.get_response(request)

    def _enforce(self, request: HttpRequest, *, idle_limit: int) -> None:
        session = request.session
        now = int(time.time())
        started = session.get(STARTED)
        seen = session.get(SEEN)
        if started is None or seen is None:
            # A session signed in before this control existed: its clocks start now.
            session[STARTED] = session[SEEN] = now
            session.set_expiry(idle_limit)
            return
        if now - seen > idle_limit or now - started > settings.SESSION_COOKIE_AGE:
            logout(request)
            return
        if now - seen >= settings.SESSION_ACTIVITY_RESOLUTION_SECONDS:
            session[SEEN] = now
            session.set_expiry(idle_limit)
