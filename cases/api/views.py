"""The cases API (v1): one class per operation, each parsing input, calling one service or
selector and shaping the answer. Rules live in the services; scope lives in the selectors, so
a case out of the caller's reach is 404 whoever asks.

Where the contract puts two operations on one URL (GET and POST), the URL's class is the two
operation classes combined; each keeps its own method, serializers and schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from cases.api.permissions import ApiReadThrottle, ApiWriteThrottle, MayOpenCases, channel_of
from cases.api.serializers import (
    ApiErrorSerializer,
    CaseCreateInputSerializer,
    CaseOutputSerializer,
    EvidenceOutputSerializer,
    EvidenceUploadInputSerializer,
    MessageCreateInputSerializer,
    MessageOutputSerializer,
)
from cases.models import Case, EvidenceKind
from cases.policies import is_active_staff, may_reach_case
from cases.policies.clients import is_api_client
from cases.selectors.cases import case_get_for_api, case_list_for_api, messages_public_for_case
from cases.services.api_intake import intake_submit_idempotent, request_fingerprint
from cases.services.cases import normalize_email
from cases.services.evidence import evidence_add
from cases.services.intake import (
    IntakeReply,
    IntakeSubmission,
    intake_reply,
    intake_submit,
    message_post_staff,
)
from complaints_site.common.api import flat_errors
from complaints_site.common.exceptions import (
    ApplicationError,
    PayloadTooLargeError,
    PermissionDeniedError,
)

# Field names of the services that the API calls otherwise.
_API_FIELD = {
    "complainant_email": "email",
    "complainant_locale": "locale",
    "complainant_account_id": "external_user_id",
}


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ApiErrorSerializer, description=description)


E400 = _error("Bad input: `errors` holds the messages per field.")
E401 = _error("No or bad credentials (see the WWW-Authenticate header).")
E403 = _error("A known caller without the right to do this.")
E404 = _error("No such case, or not yours (existence is never revealed).")
E409 = _error("Conflict with the current state or with an earlier use of the key.")
E413 = _error("The file is over the size limit, or the case over its file quota.")
E415 = _error("The body is not of the media type the operation takes.")
E429 = _error("Too many requests; retry after the Retry-After header's seconds.")
# The errors every write on an existing case may answer with.
CASE_WRITE_ERRORS = {400: E400, 401: E401, 403: E403, 404: E404, 415: E415, 429: E429}

# Visible ASCII, no space at either end (a UUID fits): HTTP may trim or mangle anything else.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]([ -~]{0,253}[!-~])?$"
IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type={"type": "string", "minLength": 1, "maxLength": 255, "pattern": IDEMPOTENCY_KEY_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (e.g. a UUID) per intended case, 1 to 255 visible ASCII characters "
        "(spaces only inside). The same key "
        "with the same body returns the case already opened (200) instead of a new one (201); "
        "the same key with another body is 409. Keys are kept per client."
    ),
)


def valid_data(serializer: Serializer) -> dict[str, Any]:
    """The validated data, or a 400 in the shape every error of this API has."""
    if not serializer.is_valid():
        raise ApplicationError(
            _("Invalid input."), extra={"errors": flat_errors(serializer.errors)}
        )
    return serializer.validated_data


@contextmanager
def api_field_names() -> Iterator[None]:
    """Report service validation errors under the field names the API caller used."""
    try:
        yield
    except ApplicationError as exc:
        errors = exc.extra.get("errors")
        if isinstance(errors, dict):
            exc.extra["errors"] = {_API_FIELD.get(k, k): v for k, v in errors.items()}
        raise


def case_or_404(request: Request, reference: str) -> Case:
    case = case_get_for_api(user=request.user, reference=reference)
    if case is None:
        raise NotFound(_("No such case."))
    return case


def check_may_add_to(request: Request, case: Case) -> None:
    """Staff who see a case (e.g. auditors) may write to it only when it is in their reach."""
    if is_active_staff(request.user) and not may_reach_case(request.user, case, change=True):
        raise PermissionDeniedError(_("You may read this case but not write to it."))


class _CasesApiBase(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ApiReadThrottle, ApiWriteThrottle]


class CaseCreateApi(_CasesApiBase):
    permission_classes = [IsAuthenticated, MayOpenCases]

    def _submission(self, request: Request, data: dict[str, Any]) -> IntakeSubmission:
        user = request.user
        common = {
            "channel": data["channel"],
            "category": data["category"],
            "subject": data["subject"],
            "description": data["description"],
            "locale": data["locale"],
            "related_transactions": tuple(data["related_transactions"]),
        }
        if is_api_client(user):
            missing = [f for f in ("external_user_id", "email") if not data.get(f)]
            if missing:
                raise ApplicationError(
                    _("Invalid input."),
                    extra={"errors": {f: [_("This field is required.")] for f in missing}},
                )
            return IntakeSubmission(
                **common,
                email=data["email"],
                account_id=data["external_user_id"],
                intake_client=user,
                source={"type": "api", "client": user.get_username()},
            )
        # A portal customer opens a case for themselves only.
        own_id = user.customer_profile.exchange_account_id
        if data.get("external_user_id", own_id) != own_id:
            raise PermissionDeniedError(_("You may open cases only for your own account."))
        # The acknowledgement (and every later mail) goes to the account's own address only:
        # a signed-in user may not point the case's mail at anyone else's mailbox.
        email = user.email
        if data.get("email") and normalize_email(data["email"]) != normalize_email(email):
            raise PermissionDeniedError(
                _("Mail about your cases goes to your account's email address only.")
            )
        if not email:
            raise ApplicationError(
                _("Invalid input."), extra={"errors": {"email": [_("This field is required.")]}}
            )
        return IntakeSubmission(
            **common,
            email=email,
            account_id=own_id,
            customer=user,
            source={"type": "api", "session": True},
        )

    @extend_schema(
        operation_id="cases_create",
        summary="Open a case",
        description=(
            "API clients open cases for any exchange user (`external_user_id` and `email` "
            "required); a signed-in portal user for themselves. The answer is the new case "
            "(201), or with a repeated Idempotency-Key the case already opened (200)."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=CaseCreateInputSerializer,
        responses={
            201: CaseOutputSerializer,
            200: OpenApiResponse(
                CaseOutputSerializer, description="Repeat of an Idempotency-Key: the same case."
            ),
            400: E400,
            401: E401,
            403: E403,
            409: E409,
            415: E415,
            429: E429,
        },
    )
    def post(self, request: Request) -> Response:
        data = valid_data(CaseCreateInputSerializer(data=request.data))
        submission = self._submission(request, data)
        key = request.headers.get("Idempotency-Key")
        if key is not None and not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
            message = _(
                "The Idempotency-Key header must be 1 to 255 visible ASCII characters "
                "(spaces only inside)."
            )
            raise ApplicationError(message, extra={"errors": {"Idempotency-Key": [message]}})
        with api_field_names():
            if key is None:
                case, created = intake_submit(submission=submission, actor=request.user).case, True
            else:
                outcome = intake_submit_idempotent(
                    submission=submission,
                    actor=request.user,
                    client=request.user,
                    key=key,
                    request_hash=request_fingerprint(data),
                )
                case, created = outcome.case, outcome.created
        headers = {"Location": f"{request.path}{case.reference}/"}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return Response(
            CaseOutputSerializer(case).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers=headers,
        )


class CasePagination(LimitOffsetPagination):
    """`limit` and `offset` as the schema states them: whole numbers in range, or 400.

    DRF's own paginator quietly replaces a bad value with the default, so `?offset=abc` answered
    the first page; and an offset past PostgreSQL's integers was a 500. A `limit` over the
    maximum is still lowered to it (documented), not refused."""

    default_limit = 50
    max_limit = 200
    max_offset = 2**31 - 1
    _INTEGER = re.compile(r"-?[0-9]+")

    def get_limit(self, request: Request) -> int:
        limit = self._whole_number(request, self.limit_query_param, self.default_limit, minimum=1)
        return min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        return self._whole_number(
            request, self.offset_query_param, 0, minimum=0, maximum=self.max_offset
        )

    def _whole_number(
        self, request: Request, name: str, default: int, *, minimum: int, maximum: int | None = None
    ) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        value = int(raw) if self._INTEGER.fullmatch(raw) else None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            bounds = f"{minimum}..{maximum}" if maximum is not None else f">= {minimum}"
            message = _("A whole number %(bounds)s.") % {"bounds": bounds}
            raise ApplicationError(_("Invalid input."), extra={"errors": {name: [message]}})
        return value

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"] = {"type": "integer", "minimum": 1}
        limit["description"] = f"Number of results per page (at most {self.max_limit})."
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": self.max_offset}
        return [limit, offset]


class CaseListApi(_CasesApiBase):
    pagination_class = CasePagination

    @extend_schema(
        operation_id="cases_list",
        summary="The caller's cases, newest first",
        description=(
            "An API client sees the cases it opened, a portal user their own, staff those in "
            "their reach. Paged with `limit` (at most 200) and `offset`."
        ),
        responses={200: CaseOutputSerializer(many=True), 400: E400, 401: E401, 429: E429},
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        cases = case_list_for_api(user=request.user).order_by("-received_at", "-id")
        page = paginator.paginate_queryset(cases, request, view=self)
        return paginator.get_paginated_response(CaseOutputSerializer(page, many=True).data)


class CasesApi(CaseCreateApi, CaseListApi):
    """/cases/: GET lists (CaseListApi), POST opens (CaseCreateApi)."""


class CaseDetailApi(_CasesApiBase):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="One case",
        responses={200: CaseOutputSerializer, 401: E401, 404: E404, 429: E429},
    )
    def get(self, request: Request, reference: str) -> Response:
        return Response(CaseOutputSerializer(case_or_404(request, reference)).data)


class MessageListApi(_CasesApiBase):
    @extend_schema(
        operation_id="cases_messages_list",
        summary="The public correspondence of a case, oldest first",
        description="Messages from and to the customer; internal staff notes are never listed.",
        responses={200: MessageOutputSerializer(many=True), 401: E401, 404: E404, 429: E429},
    )
    def get(self, request: Request, reference: str) -> Response:
        case = case_or_404(request, reference)
        messages = messages_public_for_case(case=case)
        return Response(MessageOutputSerializer(messages, many=True).data)


class MessageCreateApi(_CasesApiBase):
    @extend_schema(
        operation_id="cases_messages_create",
        summary="Write on a case",
        description=(
            "From the customer's side (their session, or the API client that opened the case) "
            "the message is the customer's; from staff within reach it is a reply to the "
            "customer, who is notified."
        ),
        request=MessageCreateInputSerializer,
        responses={201: MessageOutputSerializer, **CASE_WRITE_ERRORS, 409: E409},
    )
    def post(self, request: Request, reference: str) -> Response:
        case = case_or_404(request, reference)
        data = valid_data(MessageCreateInputSerializer(data=request.data))
        if is_active_staff(request.user):
            check_may_add_to(request, case)
            message = message_post_staff(case=case, actor=request.user, body=data["body"])
        else:
            on_behalf = is_api_client(request.user)
            reply = IntakeReply(
                case=case,
                channel=channel_of(request),
                body=data["body"],
                author=case.customer if on_behalf else request.user,
                author_label=case.complainant_email if on_behalf else "",
                source={"type": "api", "client": request.user.get_username()}
                if on_behalf
                else {"type": "api", "session": True},
            )
            message = intake_reply(reply=reply, actor=request.user).message
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)


class CaseMessagesApi(MessageCreateApi, MessageListApi):
    """/cases/{reference}/messages/: GET (MessageListApi), POST (MessageCreateApi)."""


class EvidenceCreateApi(_CasesApiBase):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="cases_evidence_create",
        summary="Upload one file as evidence",
        description=(
            "Multipart, one file per request in the field `file`. The content decides the "
            "type, not the name: a file whose content does not match its name is refused "
            "(400, code 'disguised'); images are re-encoded."
        ),
        request={"multipart/form-data": EvidenceUploadInputSerializer},
        responses={201: EvidenceOutputSerializer, **CASE_WRITE_ERRORS, 413: E413},
    )
    def post(self, request: Request, reference: str) -> Response:
        case = case_or_404(request, reference)
        check_may_add_to(request, case)
        data = valid_data(EvidenceUploadInputSerializer(data=request.data))
        upload = data["file"]
        # Refused before it is read into memory; evidence_add checks again on the bytes.
        if upload.size > settings.EVIDENCE_MAX_FILE_BYTES:
            message = _("The file is larger than %(limit)s MB.") % {
                "limit": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024)
            }
            raise PayloadTooLargeError(
                message, extra={"errors": {"file": [message]}, "code": "too_large"}
            )
        evidence = evidence_add(
            case=case,
            actor=request.user,
            name=upload.name or "upload",
            content=upload.read(),
            channel=channel_of(request),
            kind=EvidenceKind.UPLOAD,
            description=data["description"],
        )
        return Response(EvidenceOutputSerializer(evidence).data, status=status.HTTP_201_CREATED)


class BenchNoopApi(_CasesApiBase):
    """The benchmark's ceiling: authentication, throttling, an empty 201 and nothing of ours.

    Routed only when settings.BENCH_NOOP_ENDPOINT is on (bench/intake.py sets it)."""

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        return Response(status=status.HTTP_201_CREATED)
