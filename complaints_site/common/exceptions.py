"""Domain errors. Services raise these; the API and admin map them to answers in one place."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """Bad input or a rule the request breaks (HTTP 400)."""

    status_code = 400

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    """A known actor without the right to do this (HTTP 403)."""

    status_code = 403


class ConflictError(ApplicationError):
    """The request does not fit the object's current state, e.g. someone acted first (HTTP 409)."""

    status_code = 409


class PayloadTooLargeError(ApplicationError):
    """A file or body over its size or count limit (HTTP 413)."""

    status_code = 413


class ServiceUnavailableError(ApplicationError):
    """A system we depend on (the exchange) did not answer; nothing was changed. Retry later."""

    status_code = 503
