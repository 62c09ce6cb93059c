"""Portal sign-in. The demo signs in by email and password against Django's users; the exchange's
single sign-on replaces this later by another backend in ``AUTHENTICATION_BACKENDS`` (see
docs/portal.md), the portal views themselves only need ``request.user``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Authenticate an active user by email address (case-insensitive) and password.

    Several accounts on one address are refused rather than guessed between. A missing user
    still runs the password hasher once, so timing does not tell which addresses exist.
    """

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> Any:
        address = (email or username or "").strip()
        if not address or "@" not in address or password is None:
            return None
        users = list(get_user_model().objects.filter(email__iexact=address, is_active=True)[:2])
        if len(users) != 1:
            get_user_model()().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
