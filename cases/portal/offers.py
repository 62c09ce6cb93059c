"""The customer's answer to a resolution offer (step 5): on the case page when signed in, and on
the page a signed email link opens without signing in.

Both call `offer_decide`, which records one answer per offer: the same answer again changes
nothing and is shown as already given; a different answer, or an answer to an offer that has
expired or was superseded, is refused with the reason (409). The link page never signs anyone
in, writes no session and is never cached: the token in its address is the only key, and it
opens this one offer of this one customer (`cases.lib.customer_links`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cases.enums import DecisionChannel, OfferState
from cases.lib.customer_links import OFFER, LinkError, claim_matches, link_claim
from cases.models import Case, ResolutionOffer
from cases.portal.forms import OfferRejectForm
from cases.portal.selectors import (
    offer_get_for_customer,
    offer_get_for_link,
    offer_superseded,
    offer_view,
)
from cases.portal.views import _case_page, _own_case, portal_user_required
from cases.services.offers import customer_actor, offer_decide
from complaints_site.common.exceptions import ApplicationError, ConflictError

ANSWERS = ("accept", "reject")


def _done_message(offer: ResolutionOffer, *, changed: bool) -> str:
    if offer.state == OfferState.ACCEPTED:
        if changed:
            return _("Thank you: you accepted the offer. We are now carrying it out.")
        return _("You had already accepted this offer.")
    if changed:
        return _(
            "You rejected the offer. The team will read your reason and come back to you with "
            "a revised offer or our final response."
        )
    return _("You had already rejected this offer.")


def _decide(
    *, offer: ResolutionOffer, accept: bool, channel: str, reason: str
) -> tuple[ResolutionOffer, bool]:
    """The customer's answer through `channel`; also whether it changed anything (False when
    the same answer had been given before). Raises ConflictError, ApplicationError."""
    before = offer.state
    decided = offer_decide(
        offer=offer,
        accept=accept,
        channel=channel,
        actor=customer_actor(channel),
        reason=reason,
    )
    return decided, decided.state != before


# --- Signed in: the case page ---------------------------------------------------------------


def _offer_answer(request: HttpRequest, reference: str, version: int, *, accept: bool):
    case = _own_case(request, reference)
    offer = offer_get_for_customer(case=case, version=version)
    if offer is None:
        raise Http404
    reason = ""
    if not accept:
        form = OfferRejectForm(request.POST)
        if not form.is_valid():
            return _case_page(request, case, reject_form=form, status=400)
        reason = form.cleaned_data["reason"]
    try:
        offer, changed = _decide(
            offer=offer, accept=accept, channel=DecisionChannel.PORTAL, reason=reason
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
        return _case_page(request, case, status=409)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _case_page(request, case, status=400)
    if changed:
        messages.success(request, _done_message(offer, changed=True))
    else:
        messages.info(request, _done_message(offer, changed=False))
    return redirect(reverse("portal:case_detail", args=[case.reference]) + "#offer")


@require_POST
@portal_user_required
def offer_accept(request: HttpRequest, reference: str, version: int) -> HttpResponse:
    return _offer_answer(request, reference, version, accept=True)


@require_POST
@portal_user_required
def offer_reject(request: HttpRequest, reference: str, version: int) -> HttpResponse:
    return _offer_answer(request, reference, version, accept=False)


# --- Not signed in: the page of the link in the email ---------------------------------------


def _language(request: HttpRequest, case: Case) -> str:
    """The customer's language, unless they chose another on this site (the language cookie)."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return translation.get_language()
    return case.complainant_locale or settings.LANGUAGE_CODE


def _no_referrer(response: HttpResponse) -> HttpResponse:
    # The token in the address is the key to the page: never pass it on to another site.
    # (`no-referrer` would do that too, but browsers then send `Origin: null` with the form,
    # which the CSRF check rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refusal(request: HttpRequest, *, title: str, message: str, status: int) -> HttpResponse:
    response = render(
        request,
        "cases/portal/offer_link_refused.html",
        {"title": title, "message": message},
        status=status,
    )
    return _no_referrer(response)


def _link_page(
    request: HttpRequest,
    *,
    offer: ResolutionOffer,
    chosen: str = "",
    form: OfferRejectForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "case": offer.case,
        "offer": offer_view(offer),
        "newer": offer.state != OfferState.SENT and offer_superseded(offer=offer),
        "done": request.method == "GET" and request.GET.get("done") == "1",
        "chosen": chosen if chosen in ANSWERS else "",
        "reject_form": form or OfferRejectForm(),
        "error": error,
    }
    language = _language(request, offer.case)
    with translation.override(language):
        response = render(request, "cases/portal/offer_link.html", context, status=status)
    response["Content-Language"] = language
    return _no_referrer(response)


@never_cache
@require_http_methods(["GET", "POST"])
def offer_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the offer and its two answers. POST `answer` = accept | reject (with `reason`).

    400 for a token that is not ours or was altered, 410 once it expired, 403 when it was sent
    for another version or another customer than the case has now; nothing changes then."""
    try:
        claim = link_claim(token, purpose=OFFER)
    except LinkError as exc:
        if exc.expired:
            return _refusal(
                request, title=_("This link has expired"), message=exc.message, status=410
            )
        return _refusal(
            request, title=_("This link does not work"), message=exc.message, status=400
        )
    offer = offer_get_for_link(reference=claim.reference, offer_id=claim.object_id)
    if offer is None:
        return _refusal(
            request,
            title=_("This link does not work"),
            message=_("This link is not valid. Use the link in our latest email."),
            status=400,
        )
    if not claim_matches(claim, case=offer.case, version=offer.version):
        return _refusal(
            request,
            title=_("This link is not for this offer"),
            message=_(
                "This link was not sent for this offer, or not to the person this case belongs "
                "to now. Use the link in our latest email, or sign in to the portal."
            ),
            status=403,
        )
    if request.method == "GET":
        return _link_page(request, offer=offer, chosen=request.GET.get("answer", ""))
    answer = request.POST.get("answer", "")
    if answer not in ANSWERS:
        return _link_page(
            request, offer=offer, error=_("Choose to accept or to reject the offer."), status=400
        )
    reason = ""
    with translation.override(_language(request, offer.case)):
        if answer == "reject":
            form = OfferRejectForm(request.POST)
            if not form.is_valid():
                return _link_page(request, offer=offer, chosen=answer, form=form, status=400)
            reason = form.cleaned_data["reason"]
        try:
            _decide(
                offer=offer,
                accept=answer == "accept",
                channel=DecisionChannel.EMAIL_LINK,
                reason=reason,
            )
        except (ConflictError, ApplicationError) as exc:
            offer = offer_get_for_link(reference=claim.reference, offer_id=claim.object_id)
            status = 409 if isinstance(exc, ConflictError) else 400
            return _link_page(request, offer=offer, chosen=answer, error=exc.message, status=status)
    # Post/redirect/get: the page then shows the answer as recorded, whoever clicked first.
    return _no_referrer(redirect(f"{request.path}?done=1", permanent=False))
