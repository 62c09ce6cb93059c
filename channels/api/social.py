"""Signed inbound webhook for the social channel: a monitoring service posts each mention here.

No session or token: the caller proves itself with `X-Signature`, the hex HMAC-SHA256 of the
raw body under `SOCIAL_WEBHOOK_SECRET`, checked before anything is parsed or stored.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from channels.services.social import MentionPayload, mention_receive
from complaints_site.common.actors import SystemActor
from complaints_site.common.parsers import JsonTooDeepError, json_loads_bounded, too_deep_message

WEBHOOK_ACTOR = SystemActor("social-webhook")
SIGNATURE_HEADER = "X-Signature"


def signature_valid(*, body: bytes, signature: str) -> bool:
    """Constant-time comparison of the hex HMAC-SHA256 of `body` with `signature`. With no
    secret configured (the default outside DEBUG) nothing is valid: an empty key is public."""
    secret = settings.SOCIAL_WEBHOOK_SECRET
    if not secret or not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


class SocialMentionInputSerializer(serializers.Serializer):
    platform = serializers.CharField(max_length=30)
    post_id = serializers.CharField(max_length=100)
    author_handle = serializers.CharField(max_length=100)
    text = serializers.CharField(max_length=20000, trim_whitespace=False)
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    posted_at = serializers.DateTimeField()


class SocialMentionReceiptSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["created", "duplicate"])
    id = serializers.IntegerField()


class SocialWebhookErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class InboundSocialApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="inbound_social_mention",
        summary="Receive a social-media mention",
        description=(
            "Signed with `X-Signature`: the hex HMAC-SHA256 of the raw body under "
            "SOCIAL_WEBHOOK_SECRET. A mention already received (same platform and post id) "
            "is answered 200 with status `duplicate` and stored once."
        ),
        auth=[],
        parameters=[
            OpenApiParameter(
                SIGNATURE_HEADER,
                location=OpenApiParameter.HEADER,
                required=True,
                description="hex HMAC-SHA256 of the raw request body",
            )
        ],
        request=SocialMentionInputSerializer,
        responses={
            201: SocialMentionReceiptSerializer,
            200: OpenApiResponse(
                SocialMentionReceiptSerializer, description="Duplicate, nothing stored"
            ),
            400: OpenApiResponse(
                SocialWebhookErrorSerializer, description="A message per invalid field"
            ),
            401: OpenApiResponse(
                SocialWebhookErrorSerializer, description="Missing or wrong signature"
            ),
        },
        examples=[
            OpenApiExample(
                "mention",
                request_only=True,
                value={
                    "platform": "x",
                    "post_id": "1790000000000000001",
                    "author_handle": "angry_trader",
                    "text": "@exchange my withdrawal is stuck for 3 days!",
                    "url": "https://x.com/angry_trader/status/1790000000000000001",
                    "posted_at": "2025-05-01T08:30:00Z",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = request.body
        if not signature_valid(body=body, signature=request.headers.get(SIGNATURE_HEADER, "")):
            return Response(
                {"detail": str(_("Missing or invalid signature."))},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": f'{SIGNATURE_HEADER} realm="social"'},
            )
        try:
            data = json_loads_bounded(body)
        except JsonTooDeepError as exc:
            return Response({"detail": too_deep_message(exc.limit)}, status=400)
        except ValueError:  # UnicodeDecodeError included
            data = None
        if not isinstance(data, dict):
            return Response(
                {"detail": str(_("The body must be a JSON object."))},
                status=status.HTTP_400_BAD_REQUEST,
            )
        serializer = SocialMentionInputSerializer(data=data)
        if not serializer.is_valid():
            return Response(
                {"detail": str(_("Invalid mention.")), "errors": serializer.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        mention, created = mention_receive(
            payload=MentionPayload(**serializer.validated_data), actor=WEBHOOK_ACTOR
        )
        return Response(
            SocialMentionReceiptSerializer(
                {"status": "created" if created else "duplicate", "id": mention.pk}
            ).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
