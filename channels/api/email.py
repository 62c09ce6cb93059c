"""`POST /api/v1/inbound/email/`: a mail provider hands us one raw message, signed.

No session or token: the caller proves itself with `X-Signature`, the hex HMAC-SHA256 of the
exact body under `INBOUND_EMAIL_SECRET`, compared in constant time. Without a valid signature
nothing is stored. When the database or storage is down the answer is 503, so the provider
retries.

An unauthenticated caller must not make us read (or hold) a large body: a missing or malformed
`X-Signature` (403), a missing `Content-Length` (411) or one above `INBOUND_EMAIL_MAX_BYTES`
(413) is refused before a single byte of the body is read. The body is then read in bounded
chunks, hashed as it comes, and spooled to a temporary file above 1 MB, so a request with a
wrong signature costs its bytes on the wire, never their size in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import tempfile

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from channels.models import InboundEmailSource
from channels.services.email import TEMPORARY_ERRORS, EmptyMessageError, inbound_email_process
from complaints_site.common.actors import SystemActor

WEBHOOK_ACTOR = SystemActor("inbound-email-webhook")


_SIGNATURE = re.compile(r"^[0-9a-f]{64}$")
# Read size of one chunk of the body, and what is kept in memory before spooling to disk.
CHUNK_BYTES = 64 * 1024
SPOOL_BYTES = 1024 * 1024


def _declared_length(request: Request) -> int | None:
    """Content-Length as a non-negative int; None when missing or not a number."""
    value = (request.META.get("CONTENT_LENGTH") or "").strip()
    return int(value) if value.isdigit() else None


def _read_signed(request: Request, *, length: int, signature: str) -> bytes | None:
    """Read `length` bytes in chunks while computing their HMAC; the body when the signature
    matches, else None. At most SPOOL_BYTES of it are held in memory while unverified."""
    mac = hmac.new(settings.INBOUND_EMAIL_SECRET.encode(), digestmod=hashlib.sha256)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        remaining = length
        while remaining > 0:
            # Read the WSGI stream ourselves: the limit is ours, not DATA_UPLOAD_MAX_MEMORY_SIZE.
            chunk = request._request.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break  # the client sent less than it declared: the HMAC will not match
            mac.update(chunk)
            spool.write(chunk)
            remaining -= len(chunk)
        if not hmac.compare_digest(mac.hexdigest(), signature):
            return None
        spool.seek(0)
        return spool.read()


class InboundEmailApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        status = serializers.CharField(help_text="new_case, reply, dropped or quarantined")
        id = serializers.IntegerField(allow_null=True, help_text="inbound email id")
        case = serializers.CharField(allow_null=True, help_text="case reference, if any")
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(
        operation_id="inbound_email_receive",
        summary="Receive one raw email (signed webhook)",
        description=(
            "The body is one raw RFC 5322 message. `X-Signature` is the lower-case hex "
            "HMAC-SHA256 of the body under the shared secret. A message already received "
            "(same Message-ID, or same bytes) is answered 200 with status `dropped`."
        ),
        auth=[],
        request={"message/rfc822": OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(
                "X-Signature",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="hex HMAC-SHA256 of the raw body",
            )
        ],
        responses={
            202: OutputSerializer,
            200: OutputSerializer,
            400: OpenApiResponse(description="empty body"),
            403: OpenApiResponse(description="missing or invalid signature"),
            411: OpenApiResponse(description="no Content-Length header"),
            413: OpenApiResponse(description="body larger than INBOUND_EMAIL_MAX_BYTES"),
            503: OpenApiResponse(description="temporarily unavailable: retry later"),
        },
        tags=["inbound"],
    )
    def post(self, request: Request) -> Response:
        signature = request.headers.get("X-Signature", "").strip().lower()
        forbidden = Response(
            {"detail": _("Invalid or missing signature.")}, status=status.HTTP_403_FORBIDDEN
        )
        # Everything that needs no body is checked before the body is read at all.
        if not settings.INBOUND_EMAIL_SECRET or not _SIGNATURE.match(signature):
            return forbidden
        length = _declared_length(request)
        if length is None:
            return Response(
                {"detail": _("A Content-Length header is required.")},
                status=status.HTTP_411_LENGTH_REQUIRED,
            )
        if length > settings.INBOUND_EMAIL_MAX_BYTES:
            return Response(
                {"detail": _("The message is too large.")},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        body = _read_signed(request, length=length, signature=signature)
        if body is None:
            return forbidden
        try:
            inbound = inbound_email_process(
                raw=body, source=InboundEmailSource.WEBHOOK, actor=WEBHOOK_ACTOR
            )
        except EmptyMessageError:
            return Response({"detail": _("The message is empty.")}, status=400)
        except TEMPORARY_ERRORS:
            return Response(
                {"detail": _("Temporarily unavailable, please retry.")},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": "60"},
            )
        data = {
            "status": inbound.status,
            "id": inbound.pk,
            "case": inbound.case.reference if inbound.case_id else None,
            "reason": inbound.reason,
        }
        code = status.HTTP_202_ACCEPTED if inbound.pk else status.HTTP_200_OK
        return Response(self.OutputSerializer(data).data, status=code)
