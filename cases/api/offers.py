"""The customer's side of a resolution offer through the API (step 5): read every version put to
the customer, accept or reject one (`cases.services.offers.offer_decide`, channel `api`).

Who may call follows the rest of the API: whoever may read the case reads its offers (the API
client that opened it, the customer in their session, staff within reach); only the customer's
side answers (the client that opened the case, or the customer), staff never (403). Answers are
idempotent: the same answer again is 200 with the offer as it is (`Idempotent-Replayed: true`);
another answer, or one to an expired or superseded offer, is 409.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.serializers import OfferOutputSerializer, OfferRejectInputSerializer
from cases.api.views import (
    E400,
    E401,
    E403,
    E404,
    E409,
    E415,
    E429,
    _CasesApiBase,
    case_or_404,
    valid_data,
)
from cases.enums import DecisionChannel
from cases.models import Case, ResolutionOffer
from cases.policies.clients import may_answer_offer
from cases.selectors.resolution import offers_for_customer
from cases.services.offers import customer_actor, offer_decide
from complaints_site.common.exceptions import PermissionDeniedError

VERSION_MAX = 2**31 - 1
VERSION = OpenApiParameter(
    name="version",
    type={"type": "integer", "minimum": 1, "maximum": VERSION_MAX},
    location=OpenApiParameter.PATH,
    description="The offer's version (1, 2 ...), as listed by GET …/offers/.",
)
REPLAYED = OpenApiParameter(
    name="Idempotent-Replayed",
    type={"type": "string", "enum": ["true"]},
    location=OpenApiParameter.HEADER,
    response=[200],
    description="`true` when the offer already had this answer: nothing changed.",
)
ANSWERED = OpenApiResponse(
    OfferOutputSerializer,
    description=(
        "The offer with its answer. The same answer given again changes nothing and answers "
        "the same (header `Idempotent-Replayed: true`)."
    ),
)
CONFLICT = OpenApiResponse(
    E409.response,
    description=(
        "The offer already has the other answer, has expired, or is no longer open (a newer "
        "version was sent, or the complaint was withdrawn)."
    ),
)


def _offer_or_404(case: Case, version: str) -> ResolutionOffer:
    number = int(version) if re.fullmatch(r"[0-9]{1,10}", version) else 0
    offer = None
    if 1 <= number <= VERSION_MAX:
        offer = offers_for_customer(case=case).filter(version=number).first()
    if offer is None:
        raise NotFound(_("No such offer on this case."))
    return offer


class OfferListApi(_CasesApiBase):
    @extend_schema(
        operation_id="cases_offers_list",
        summary="The offers put to the customer, newest version first",
        description=(
            "Every version sent to the customer with its actions, state, deadline (`expires_at`) "
            "and answer (`decision`, null while it waits). Amounts are exact decimal strings in "
            "the asset's precision, never numbers. Offers still being prepared or approved are "
            "never listed."
        ),
        responses={200: OfferOutputSerializer(many=True), 401: E401, 404: E404, 429: E429},
    )
    def get(self, request: Request, reference: str) -> Response:
        case = case_or_404(request, reference)
        return Response(OfferOutputSerializer(offers_for_customer(case=case), many=True).data)


class _OfferAnswerApi(_CasesApiBase):
    accept: bool

    def answer(self, request: Request, reference: str, version: str) -> Response:
        case = case_or_404(request, reference)
        offer = _offer_or_404(case, version)
        if not may_answer_offer(request.user, case):
            raise PermissionDeniedError(
                _(
                    "Only the customer, or the exchange's system that opened the case for them, "
                    "answers an offer. Staff record an answer given another way in the back "
                    "office, citing the message it came in."
                )
            )
        reason = ""
        if not self.accept:
            reason = valid_data(OfferRejectInputSerializer(data=request.data))["reason"]
        before = offer.state
        decided = offer_decide(
            offer=offer,
            accept=self.accept,
            channel=DecisionChannel.API,
            actor=customer_actor(DecisionChannel.API),
            reason=reason,
        )
        headers = {"Idempotent-Replayed": "true"} if decided.state == before else {}
        fresh = offers_for_customer(case=case).get(pk=offer.pk)
        return Response(OfferOutputSerializer(fresh).data, headers=headers)


class OfferAcceptApi(_OfferAnswerApi):
    accept = True

    @extend_schema(
        operation_id="cases_offers_accept",
        summary="Accept an offer",
        description=(
            "The customer accepts this version; the exchange then carries out its actions. "
            "No body. Idempotent: accepting again answers 200 with the same offer."
        ),
        parameters=[VERSION, REPLAYED],
        request=None,
        responses={200: ANSWERED, 401: E401, 403: E403, 404: E404, 409: CONFLICT, 429: E429},
    )
    def post(self, request: Request, reference: str, version: str) -> Response:
        return self.answer(request, reference, version)


class OfferRejectApi(_OfferAnswerApi):
    accept = False

    @extend_schema(
        operation_id="cases_offers_reject",
        summary="Reject an offer, with the customer's reason",
        description=(
            "The customer rejects this version and says why (`reason`, required); the handler "
            "then sends a revised offer or the final response. Idempotent: rejecting again "
            "answers 200 with the offer as first rejected (the first reason is kept)."
        ),
        parameters=[VERSION, REPLAYED],
        request=OfferRejectInputSerializer,
        responses={
            200: ANSWERED,
            400: E400,
            401: E401,
            403: E403,
            404: E404,
            409: CONFLICT,
            415: E415,
            429: E429,
        },
    )
    def post(self, request: Request, reference: str, version: str) -> Response:
        return self.answer(request, reference, version)
