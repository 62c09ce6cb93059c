"""Portal sign-in. The portal and the admin share one password backend,
`complaints_site.accounts.backends.UsernameOrEmailBackend` (username or email, one hash per
attempt); this name stays so that an AUTH_BACKENDS naming it keeps working. The exchange's
single sign-on replaces it by another backend in AUTH_BACKENDS (docs/portal.md); the portal
views themselves only need ``request.user``."""

from complaints_site.accounts.backends import UsernameOrEmailBackend as EmailBackend

__all__ = ["EmailBackend"]
