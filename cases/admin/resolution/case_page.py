"""The resolution part of the staff case page (lifecycle steps 5 and 6): every version of the
offer with its actions, valuation, precedents, approvals, the customer's answer and the
execution at the exchange; and the views behind its buttons: the offer composer, submit for
approval, discard, send to the customer, and record an answer the customer gave another way.

Like `cases.admin.case_views`, each view finds the case through the staff selector (404 when out
of reach), checks the act with `cases.policies`, and writes only through the offer services.
Writes are POST with CSRF. What the pages show is put in words by `display`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases import policies
from cases.admin.forms import (
    OfferActionFormSet,
    OfferAnswerForm,
    OfferDiscardForm,
    OfferForm,
)
from cases.admin.mixins import back_to_case, case_or_404, form_errors_to_messages
from cases.admin.resolution import display
from cases.enums import ActionExecutionState, DecisionChannel, OfferState
from cases.models import Case, Message, ResolutionOffer
from cases.models.resolution import UNSENT
from cases.selectors.resolution import (
    assets_offered,
    messages_citable_for_answer,
    offer_get_for_case,
    offers_of_case,
    precedents_for,
)
from cases.services.offers import (
    MAX_ACTIONS,
    PROPOSING_STATES,
    ActionDraft,
    OfferTerms,
    offer_decide,
    offer_discard,
    offer_draft,
    offer_edit,
    offer_send,
    offer_submit,
)
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)

PROPOSE = "cases.propose_resolution"
RECORD_ANSWER = "cases.record_customer_decision"
# Empty action rows the composer shows for a new offer (blank rows are left out on save).
NEW_OFFER_ROWS = 2


def _offer_anchor(offer: ResolutionOffer) -> str:
    return f"#offer-v{offer.version}"


def _url(name: str, case: Case, offer: ResolutionOffer | None = None) -> str:
    args = [case.pk] if offer is None else [case.pk, offer.version]
    return reverse(f"admin:cases_case_offer_{name}", args=args)


# --- the case page ---------------------------------------------------------------------------


def resolution_context(
    *, request: HttpRequest, case: Case, case_messages: list[Message]
) -> dict[str, Any]:
    """The Resolution panel: four queries when the case has offers (offers, actions, attempts,
    approvals), one when it has none; the cited messages come from the page's correspondence."""
    user = request.user
    offers = list(offers_of_case(case=case))
    may_propose = policies.may_run(user, case, PROPOSE)
    may_record = policies.may_run(user, case, RECORD_ANSWER)
    by_id = {message.pk: message for message in case_messages}
    any_open = any(o.state in (*UNSENT, OfferState.SENT) for o in offers)
    rows = []
    for offer in offers:
        row = display.offer_view(offer, messages_by_id=by_id)
        unsent = offer.state in UNSENT
        row["buttons"] = {
            "change": _url("edit", case, offer) if may_propose and unsent else "",
            "submit": _url("submit", case, offer)
            if may_propose and offer.state == OfferState.DRAFT
            else "",
            "discard": _url("discard", case, offer) if may_propose and unsent else "",
            "send": _url("send", case, offer)
            if may_propose and offer.state == OfferState.APPROVED and case.state in PROPOSING_STATES
            else "",
            "answer": _url("answer", case, offer)
            if may_record and offer.state == OfferState.SENT
            else "",
        }
        row["discard_form"] = OfferDiscardForm(prefix=f"v{offer.version}") if unsent else None
        rows.append(row)
    prepare = (
        _url("new", case) if may_propose and case.state in PROPOSING_STATES and not any_open else ""
    )
    return {
        "resolution": {
            "shown": bool(offers) or bool(prepare),
            "offers": rows,
            "prepare_url": prepare,
            "attention_url": reverse("admin:cases_resolutionoffer_attention")
            if any(
                a.execution_state == ActionExecutionState.NEEDS_ATTENTION
                for o in offers
                for a in o.actions.all()
            )
            else "",
        }
    }


# --- the composer ----------------------------------------------------------------------------


def _initial_actions(offer: ResolutionOffer | None) -> list[dict[str, str]]:
    if offer is None:
        return [{} for _ in range(NEW_OFFER_ROWS)]
    rows = [
        {
            "kind": action.kind,
            "asset": action.asset.code if action.asset else "",
            "amount": format(action.amount.normalize(), "f") if action.amount is not None else "",
            "detail": action.detail,
            "target_reference": action.target_reference,
        }
        for action in offer.actions.select_related("asset").order_by("position")
    ]
    return [*rows, {}] if len(rows) < MAX_ACTIONS else rows


def _with_one_more_row(data: Any) -> Any:
    """The posted data with one more (empty) action row: "Add an action" keeps what was typed."""
    data = data.copy()
    total = int(data.get("form-TOTAL_FORMS") or 0)
    data["form-TOTAL_FORMS"] = str(min(total + 1, MAX_ACTIONS))
    return data


def _place_errors(
    exc: ApplicationError, form: OfferForm, formset: Any, rows: list[int]
) -> list[str]:
    """Put the service's errors next to the fields they name ("summary", "actions.2" …);
    returns the errors about the actions as a whole."""
    placed_any = False
    about_actions: list[str] = []
    for key, errors in (exc.extra or {}).get("errors", {}).items():
        if key in form.fields:
            for error in errors:
                form.add_error(key, error)
            placed_any = True
        elif key.startswith("actions."):
            number = key.partition(".")[2]
            index = int(number) - 1 if number.isdigit() else -1
            if 0 <= index < len(rows):
                for error in errors:
                    formset.forms[rows[index]].add_error(None, error)
                placed_any = True
        elif key == "actions":
            # The exception's own message is the fuller one (a missing price names the asset).
            about_actions.append(exc.message)
            placed_any = True
    if not placed_any:
        form.add_error(None, exc.message)
    return about_actions


def _precedents(case: Case, offer: ResolutionOffer | None) -> dict[str, Any]:
    """The precedents to show: those stored with a saved offer, or those of the case now."""
    if offer is not None:
        stored = list(offer.precedents or [])
        return {
            "rows": display.precedent_rows(stored),
            "stored": True,
            "departs": offer.departs_from_precedent,
            "range": display.precedent_range(stored),
            "total": display.usd(offer.usd_total),
        }
    found = [p.as_json() for p in precedents_for(case=case, usd_total=Decimal(0))]
    return {
        "rows": display.precedent_rows(found),
        "stored": False,
        "departs": not found,
        "range": display.precedent_range(found),
        "total": "",
    }


def offer_compose_view(
    request: HttpRequest, object_id: int, version: int | None = None
) -> HttpResponse:
    """Prepare a new offer, or change an unsent one (its approvals so far stop counting)."""
    case = case_or_404(request, object_id)
    user = request.user
    if not policies.may_run(user, case, PROPOSE):
        raise PermissionDenied
    offer = None
    if version is not None:
        offer = offer_get_for_case(case=case, version=version)
        if offer is None:
            raise Http404
        if offer.state not in UNSENT:
            messages.error(request, _("A sent offer never changes: make a new version instead."))
            return back_to_case(case, _offer_anchor(offer))
    elif case.state not in PROPOSING_STATES:
        messages.error(
            request, _("An offer is prepared after the responsibility finding or a rejection.")
        )
        return back_to_case(case, "#resolution")
    assets = assets_offered()
    actions_errors: list[str] = []
    if request.method == "POST":
        adding = "add_action" in request.POST
        data = _with_one_more_row(request.POST) if adding else request.POST
        form = OfferForm(data)
        formset = OfferActionFormSet(data, form_kwargs={"assets": assets})
        if not adding and form.is_valid() and formset.is_valid():
            filled = formset.filled_forms()
            rows = [index for index, _form in filled]
            data = form.cleaned_data
            terms = OfferTerms(
                summary=data["summary"],
                outcome=data["outcome"],
                justification=data["justification"],
                actions=[ActionDraft(**f.draft_values()) for _index, f in filled],
            )
            try:
                if offer is None:
                    offer = offer_draft(case=case, actor=user, terms=terms)
                else:
                    offer = offer_edit(offer=offer, actor=user, terms=terms)
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                actions_errors = _place_errors(exc, form, formset, rows)
            else:
                return _saved(request, case, offer, submit="submit" in request.POST)
    else:
        form = OfferForm(
            initial={
                "summary": offer.summary,
                "outcome": offer.outcome,
                "justification": offer.justification,
            }
            if offer is not None
            else None
        )
        formset = OfferActionFormSet(
            initial=_initial_actions(offer), form_kwargs={"assets": assets}
        )
    context = {
        **admin.site.each_context(request),
        "opts": Case._meta,
        "case": case,
        "offer": offer,
        "offer_view": display.offer_view(offer, messages_by_id={}) if offer is not None else None,
        "form": form,
        "formset": formset,
        "actions_errors": actions_errors,
        "max_actions": MAX_ACTIONS,
        "precedents": _precedents(case, offer),
        "finding": display.finding(case),
        "change_url": reverse("admin:cases_case_change", args=[case.pk]) + "#resolution",
        "title": _("Change offer v%(n)s") % {"n": offer.version}
        if offer is not None
        else _("Prepare an offer"),
    }
    return render(request, "cases/resolution/compose.html", context)


def _saved(request: HttpRequest, case: Case, offer: ResolutionOffer, *, submit: bool):
    if submit:
        return _submit(request, case, offer)
    messages.success(
        request,
        _("Offer v%(n)s saved as a draft. Submit it for approval when it is ready.")
        % {"n": offer.version},
    )
    return back_to_case(case, _offer_anchor(offer))


def _submit(request: HttpRequest, case: Case, offer: ResolutionOffer) -> HttpResponse:
    try:
        offer = offer_submit(offer=offer, actor=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if offer.state == OfferState.APPROVED:
            messages.success(
                request,
                _("Offer v%(n)s needs no approval: it is ready to send to the customer.")
                % {"n": offer.version},
            )
        else:
            messages.success(
                request,
                _("Offer v%(n)s is awaiting approval: %(needs)s")
                % {"n": offer.version, "needs": display.tier_text(offer)},
            )
    return back_to_case(case, _offer_anchor(offer))


def _case_offer(request: HttpRequest, object_id: int, version: int, capability: str):
    case = case_or_404(request, object_id)
    if not policies.may_run(request.user, case, capability):
        raise PermissionDenied
    offer = offer_get_for_case(case=case, version=version)
    if offer is None:
        raise Http404
    return case, offer


@require_POST
def offer_submit_view(request: HttpRequest, object_id: int, version: int) -> HttpResponse:
    case, offer = _case_offer(request, object_id, version, PROPOSE)
    return _submit(request, case, offer)


@require_POST
def offer_discard_view(request: HttpRequest, object_id: int, version: int) -> HttpResponse:
    case, offer = _case_offer(request, object_id, version, PROPOSE)
    form = OfferDiscardForm(request.POST, prefix=f"v{offer.version}")
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return back_to_case(case, _offer_anchor(offer))
    try:
        offer_discard(offer=offer, actor=request.user, reason=form.cleaned_data["reason"])
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Offer v%(n)s discarded.") % {"n": offer.version})
    return back_to_case(case, _offer_anchor(offer))


@require_POST
def offer_send_view(request: HttpRequest, object_id: int, version: int) -> HttpResponse:
    case, offer = _case_offer(request, object_id, version, PROPOSE)
    if offer.state != OfferState.APPROVED:
        messages.error(request, _("Only an approved offer is sent to the customer."))
        return back_to_case(case, _offer_anchor(offer))
    try:
        offer_send(offer=offer, actor=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Offer v%(n)s sent to the customer, who is told by email and in the portal.")
            % {"n": offer.version},
        )
    return back_to_case(case, _offer_anchor(offer))


def offer_answer_view(request: HttpRequest, object_id: int, version: int) -> HttpResponse:
    """Record the customer's answer given another way, citing the message or note it came in."""
    case, offer = _case_offer(request, object_id, version, RECORD_ANSWER)
    if offer.state != OfferState.SENT:
        messages.error(request, _("This offer is not waiting for the customer's answer."))
        return back_to_case(case, _offer_anchor(offer))
    sources = [
        (f"message:{m.pk}", display.message_choice(m))
        for m in messages_citable_for_answer(case=case)
    ]
    form = OfferAnswerForm(request.POST or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offer_decide(
                offer=offer,
                accept=data["accept"],
                channel=DecisionChannel.STAFF,
                actor=request.user,
                reason=data["reason"],
                source=data["source"],
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except ApplicationError as exc:
            placed = False
            for key, errors in (exc.extra or {}).get("errors", {}).items():
                if key in form.fields:
                    for error in errors:
                        form.add_error(key, error)
                    placed = True
            if not placed:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The customer's answer to offer v%(n)s is recorded.") % {"n": offer.version},
            )
            return back_to_case(case, _offer_anchor(offer))
    context = {
        **admin.site.each_context(request),
        "opts": Case._meta,
        "case": case,
        "offer": offer,
        "offer_view": display.offer_view(offer, messages_by_id={}),
        "form": form,
        "change_url": reverse("admin:cases_case_change", args=[case.pk]) + _offer_anchor(offer),
        "title": _("Record the customer's answer to offer v%(n)s") % {"n": offer.version},
    }
    return render(request, "cases/resolution/answer.html", context)


def admin_urls(model_admin: Any) -> list:
    """The resolution URLs under one case (before the admin's catch-all object URL)."""
    wrap = model_admin.admin_site.admin_view
    return [
        path("<int:object_id>/offer/new/", wrap(offer_compose_view), name="cases_case_offer_new"),
        path(
            "<int:object_id>/offer/<int:version>/edit/",
            wrap(offer_compose_view),
            name="cases_case_offer_edit",
        ),
        path(
            "<int:object_id>/offer/<int:version>/submit/",
            wrap(offer_submit_view),
            name="cases_case_offer_submit",
        ),
        path(
            "<int:object_id>/offer/<int:version>/discard/",
            wrap(offer_discard_view),
            name="cases_case_offer_discard",
        ),
        path(
            "<int:object_id>/offer/<int:version>/send/",
            wrap(offer_send_view),
            name="cases_case_offer_send",
        ),
        path(
            "<int:object_id>/offer/<int:version>/answer/",
            wrap(offer_answer_view),
            name="cases_case_offer_answer",
        ),
    ]
