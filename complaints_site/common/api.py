"""The API's one exception handler: domain errors become JSON with the right status."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from complaints_site.common.exceptions import ApplicationError


def flat_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's error detail as the schema promises it: a list of messages per field.

    Nested fields (a list's items, a nested object) come as `field.index` / `field.key`, so
    the shape stays flat whatever the input's shape."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            flat.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        for index, item in enumerate(errors):
            if item:
                flat.update(flat_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    elif isinstance(errors, list):
        flat[prefix or "detail"] = [str(message) for message in errors]
    else:
        flat[prefix or "detail"] = [str(errors)]
    return flat


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django's own answer is an HTML 400; the API promises JSON and 413 for "too large".
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
        return Response({"detail": message}, status=413)
    elif isinstance(exc, ApplicationError):
        body = {"detail": exc.message, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        # Every error answer has a sentence in `detail`; DRF's own has only the fields.
        body = {"detail": _("Invalid input."), "errors": flat_errors(exc.detail)}
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)
