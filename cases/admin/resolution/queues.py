"""The two queues of steps 5 and 6 in the staff site, and the auditor's list of offers.

- "Offers awaiting my approval": the approver's queue and, on one page per offer, everything
  the decision needs (the finding, the actions and their dollar value, the precedents, the
  justification, the approvals so far and what is missing), with Approve / Refuse and a reason.
  Approvers hold no object permission on the case: the page is reachable for the offers of
  their queue (`offer_get_for_approver`), never for their own, and the service decides (four
  eyes, recusal).
- "Actions needing attention": what the exchange refused or what ran out of retries, for the
  leads of the case's team, who retry it or cancel it with a reason.

Both hang under the offers' admin (`ResolutionOfferAdmin`), whose own list is the auditors'
read-only list of every offer.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin.forms import ActionSettleForm, OfferReviewForm
from cases.admin.mixins import (
    AllCasesReaderAdminMixin,
    ReadOnlyAdminMixin,
    RecusalScopedAdminMixin,
    denied_page,
)
from cases.admin.paginator import CappedCountPaginator
from cases.admin.resolution import display
from cases.enums import ApprovalDecision, OfferState, ResponsibilityParty
from cases.models import ResolutionOffer
from cases.policies.access import reach_prefetch
from cases.policies.approvals import (
    may_approve_offers,
    may_see_attention_queue,
    may_settle_actions,
)
from cases.selectors.resolution import (
    action_phrase,
    actions_needing_attention_for,
    offer_get_for_approver,
    offer_proposer_id,
    offers_awaiting_approval_for,
)
from cases.services.execution import action_cancel, action_retry
from cases.services.offers import offer_review
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)

QUEUE_PAGE_SIZE = 50


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, QUEUE_PAGE_SIZE).get_page(request.GET.get("p"))


def _case_url(user: Any, case: Any) -> str:
    """A link to the case page for those who reach it (approvers usually do not)."""
    if policies.may_reach_case(user, case):
        return reverse("admin:cases_case_change", args=[case.pk])
    return ""


# --- the approver's queue ----------------------------------------------------------------------


def approval_queue_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_approve_offers(user):
        raise PermissionDenied
    page = _page(request, offers_awaiting_approval_for(user=user))
    rows = [
        {
            "offer": offer,
            "url": reverse("admin:cases_resolutionoffer_approval", args=[offer.pk]),
            "usd_total": display.usd(offer.usd_total),
            "actions": "; ".join(action_phrase(a) for a in offer.actions.all()),
            "category": offer.case.get_category_display(),
            "finding": ResponsibilityParty(offer.case.responsibility).label
            if offer.case.responsibility
            else "",
            "proposer": display.person(offer.proposer),
            "tier": display.tier_text(offer),
        }
        for offer in page.object_list
    ]
    context = {
        **admin.site.each_context(request),
        "opts": ResolutionOffer._meta,
        "title": _("Offers awaiting my approval"),
        "rows": rows,
        "page": page,
    }
    return render(request, "cases/resolution/approval_queue.html", context)


def _review_done(request: HttpRequest, offer: ResolutionOffer, decision: str) -> None:
    if decision == ApprovalDecision.REFUSED:
        text = _("You refused offer v%(n)s of %(ref)s: it goes back to the proposer.")
    elif offer.state == OfferState.APPROVED:
        text = _("You approved offer v%(n)s of %(ref)s: it is fully approved and can be sent.")
    else:
        text = _("You approved offer v%(n)s of %(ref)s. %(missing)s")
    messages.success(
        request,
        text
        % {"n": offer.version, "ref": offer.case.reference, "missing": display.missing_text(offer)},
    )


def approval_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One offer of the queue, on one page, with Approve / Refuse and a required reason."""
    user = request.user
    if not may_approve_offers(user):
        raise PermissionDenied
    offer = offer_get_for_approver(user=user, pk=pk)
    if offer is None:
        if policies.is_person_concerned(user, offer_proposer_id(pk=pk)):
            return denied_page(
                request, str(_("You proposed this offer: another person must approve it."))
            )
        raise Http404
    queue_url = reverse("admin:cases_resolutionoffer_approvals")
    form = OfferReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            reviewed = offer_review(
                offer=offer, actor=user, decision=decision, reason=form.cleaned_data["reason"]
            )
        except PermissionDeniedError as exc:
            # Four eyes or a recusal found now (recorded; the person is barred from the case).
            return denied_page(request, exc.message)
        except ConflictError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(queue_url)
        except ApplicationError as exc:
            errors = (exc.extra or {}).get("errors", {})
            for key in errors:
                form.add_error(key if key in form.fields else None, errors[key])
            if not errors:
                form.add_error(None, exc.message)
        else:
            _review_done(request, reviewed, decision)
            return HttpResponseRedirect(queue_url)
    view = display.offer_view(offer, messages_by_id={})
    context = {
        **admin.site.each_context(request),
        "opts": ResolutionOffer._meta,
        "title": _("Offer v%(n)s of %(ref)s") % {"n": offer.version, "ref": offer.case.reference},
        "offer": offer,
        "view": view,
        "case": offer.case,
        "case_url": _case_url(user, offer.case),
        "finding": display.finding(offer.case),
        "form": form,
        "queue_url": queue_url,
    }
    return render(request, "cases/resolution/approval.html", context)


# --- the lead's attention queue ----------------------------------------------------------------


def attention_view(request: HttpRequest) -> HttpResponse:
    """Actions needing attention; a lead retries one (with a reason) or cancels it (a reason
    of at least 20 characters). A refused POST shows the page again with what was typed."""
    user = request.user
    if not may_see_attention_queue(user):
        raise PermissionDenied
    queue = actions_needing_attention_for(user=user)
    bound: tuple[int, str, ActionSettleForm] | None = None
    if request.method == "POST":
        op = request.POST.get("op", "")
        target = queue.filter(pk=request.POST.get("action") or 0).first()
        if target is None or op not in ("retry", "cancel"):
            messages.error(request, _("This action no longer needs attention."))
            return HttpResponseRedirect(request.path)
        form = ActionSettleForm(request.POST, prefix=f"{op}{target.pk}")
        if form.is_valid():
            service = action_retry if op == "retry" else action_cancel
            try:
                service(action=target, actor=user, reason=form.cleaned_data["reason"])
            except PermissionDeniedError as exc:
                return denied_page(request, exc.message)
            except ApplicationError as exc:
                form.add_error("reason", exc.message)
            else:
                messages.success(
                    request,
                    (
                        _("%(what)s of %(ref)s is sent to the exchange again.")
                        if op == "retry"
                        else _("%(what)s of %(ref)s is cancelled.")
                    )
                    % {"what": action_phrase(target), "ref": target.offer.case.reference},
                )
                return HttpResponseRedirect(request.path)
        bound = (target.pk, op, form)
    page = _page(request, queue)
    actions = list(page.object_list)
    reach_prefetch(user, list({a.offer.case.pk: a.offer.case for a in actions}.values()))
    rows = []
    for action in actions:
        case = action.offer.case
        settle = may_settle_actions(user, case)
        forms = {}
        for op in ("retry", "cancel"):
            if bound is not None and bound[0] == action.pk and bound[1] == op:
                forms[op] = bound[2]
            elif settle:
                forms[op] = ActionSettleForm(prefix=f"{op}{action.pk}")
        rows.append(
            {
                "action": action,
                "case": case,
                "case_url": _case_url(user, case) + f"#offer-v{action.offer.version}",
                "what": display.action_row(action, action.offer.usd_rates or {}),
                "offer_label": action.offer.label,
                "team": case.team.name if case.team else "",
                "handler": display.person(case.assignee),
                "forms": forms if settle else {},
            }
        )
    context = {
        **admin.site.each_context(request),
        "opts": ResolutionOffer._meta,
        "title": _("Actions needing attention"),
        "rows": rows,
        "page": page,
    }
    return render(request, "cases/resolution/attention.html", context)


# --- the auditors' list of offers --------------------------------------------------------------


@admin.register(ResolutionOffer)
class ResolutionOfferAdmin(
    AllCasesReaderAdminMixin, RecusalScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """Every offer, read-only, for those who see every case; each row opens the case's
    Resolution panel. The queues above hang under its URLs."""

    list_display = [
        "case_reference",
        "version",
        "state",
        "outcome",
        "usd_value",
        "proposer_name",
        "submitted_at",
        "sent_at",
        "decided_at",
    ]
    list_display_links = None
    list_filter = ["state", "outcome", "departs_from_precedent"]
    list_select_related = ["case", "proposer"]
    search_fields = ["=case__reference"]
    search_help_text = _("Exact case reference.")
    show_full_result_count = False
    paginator = CappedCountPaginator
    ordering = ["-created_at", "-id"]

    @admin.display(description=_("case"), ordering="case__reference")
    def case_reference(self, obj: ResolutionOffer) -> str:
        return format_html(
            '<a href="{}#offer-v{}">{}</a>',
            reverse("admin:cases_case_change", args=[obj.case_id]),
            obj.version,
            obj.case.reference,
        )

    @admin.display(description=_("value in USD"), ordering="usd_total")
    def usd_value(self, obj: ResolutionOffer) -> str:
        return display.usd(obj.usd_total)

    @admin.display(description=_("proposed by"))
    def proposer_name(self, obj: ResolutionOffer) -> str:
        return display.person(obj.proposer)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The offer is read on its case's page, with everything around it.
        offer = self.get_queryset(request).filter(pk=object_id).first()
        if offer is None or not self.has_view_permission(request):
            raise Http404
        return HttpResponseRedirect(
            reverse("admin:cases_case_change", args=[offer.case_id]) + f"#offer-v{offer.version}"
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("approvals/", wrap(approval_queue_view), name="cases_resolutionoffer_approvals"),
            path("approvals/<int:pk>/", wrap(approval_view), name="cases_resolutionoffer_approval"),
            path("attention/", wrap(attention_view), name="cases_resolutionoffer_attention"),
            *super().get_urls(),
        ]
