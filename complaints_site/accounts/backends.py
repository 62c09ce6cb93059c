"""One password backend for every sign-in form: the admin's (a username, or an email address)
and the portal's (an email address). One backend means one password hash per attempt, and a
name that matches no account costs the same one hash (Django's dummy hash), so neither the
timing nor the answer tells which accounts exist."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def account_for_login(identifier: str) -> Any | None:
    """The account a typed sign-in name means, without checking any password.

    An exact username first; otherwise, for a name with "@", the one active account with that
    email address (case-insensitive). Several accounts on one address are refused rather than
    guessed between. Also used to count failed attempts per account (throttle.py), so typing
    the email instead of the username gives an attacker no second allowance.
    """
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    User = get_user_model()
    manager = User._default_manager
    user = manager.filter(**{User.USERNAME_FIELD: identifier}).first()
    if user is None and "@" in identifier:
        matches = list(manager.filter(email__iexact=identifier, is_active=True)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


class UsernameOrEmailBackend(ModelBackend):
    """Authenticate an active user by username or email address, and password."""

    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = email if email is not None else kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        user = account_for_login(username)
        if user is None:
            # The same work as a real check (Django's ModelBackend does this too).
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
