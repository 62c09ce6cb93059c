"""`POST /api/v1/inbound/email/`: a mail provider hands us one raw message, signed.

No session or token: the caller proves itself with `X-Signature`, the hex HMAC-SHA256 of the
exact body under `INBOUND_EMAIL_SECRET`, compared in constant time. Without a valid signature
nothing is stored. The body is bounded by `INBOUND_EMAIL_MAX_BYTES` (413 above it). When the
database or storage is down the answer is 503, so the provider retries.
"""

from __future__ import annotations

import hashlib
import hmac

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


def signature_valid(*, body: bytes, signature: str) -> bool:
    secret = settings.INBOUND_EMAIL_SECRET
    if not secret or not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


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
            413: OpenApiResponse(description="body larger than INBOUND_EMAIL_MAX_BYTES"),
            503: OpenApiResponse(description="temporarily unavailable: retry later"),
        },
        tags=["inbound"],
    )
    def post(self, request: Request) -> Response:
        limit = settings.INBOUND_EMAIL_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        too_large = Response(
            {"detail": _("The message is too large.")},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
        if declared > limit:
            return too_large
        # Read the stream ourselves: the body limit is ours, not DATA_UPLOAD_MAX_MEMORY_SIZE.
        body = request._request.read(limit + 1)
        if len(body) > limit:
            return too_large
        if not signature_valid(body=body, signature=request.headers.get("X-Signature", "")):
            return Response(
                {"detail": _("Invalid or missing signature.")}, status=status.HTTP_403_FORBIDDEN
            )
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
