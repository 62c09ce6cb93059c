"""The letters on the staff case page: the final response (the form a team lead issues it
with, the issued letter with its text, hash, who issued it and when, and its PDF), and the
regulators' letters (the deadlines still to answer, the letters sent with their stored text,
and the form of a holding reply or a delay notice where the case's regime takes one).

Like the other case-page areas, each view finds the case through the staff selector (404 when
out of reach, recused ones included), checks the act with `cases.policies`, and writes only
through `cases.services.letters.letter_issue` and
`cases.services.regulatory_letters.regulatory_letter_issue`. The forms are POST with CSRF;
"Preview" renders the letter in the customer's language without storing anything.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.admin.forms import evidence_choices
from cases.admin.mixins import back_to_case, case_or_404, service_errors_to_form
from cases.enums import CaseState, LetterKind, OfferOutcome
from cases.lib.letters import last_day
from cases.models import Case, FinalResponseLetter
from cases.policies.followup import (
    may_issue_final_response,
    may_issue_regulatory_letter,
    may_read_letter,
)
from cases.policies.regimes import FINAL_RESPONSE
from cases.selectors.cases import evidence_list_for_staff
from cases.selectors.followup import (
    letter_get_for_case,
    letters_of_case,
    regulatory_letter_get_for_case,
    regulatory_letters_of_case,
)
from cases.services.letters import (
    LETTER_STATES,
    letter_filename,
    letter_issue,
    letter_pdf,
    letter_render,
)
from cases.services.regulatory_letters import (
    DEFERRING_STATES,
    case_deadlines,
    case_jurisdiction,
    deferring_letter,
    expected_by_limit,
    letter_today,
    regulatory_letter_issue,
    regulatory_letter_render,
)
from complaints_site.common.exceptions import (
    ApplicationError,
    ConflictError,
    PermissionDeniedError,
)


class LetterIssueForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OfferOutcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_("Written to the customer as they are, in the letter's language."),
    )
    evidence = forms.TypedMultipleChoiceField(
        label=_("Evidence relied on"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one item of this case's evidence; the letter names each one."),
    )
    confirm = forms.BooleanField(
        label=_("This is the exchange's final word"),
        required=False,
        help_text=_(
            "The letter is stored for good, sent to the customer at once, and the case moves "
            "to final response."
        ),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = evidence_choices(case)


def _issue_or_denied(request: HttpRequest, object_id: int) -> Case:
    case = case_or_404(request, object_id)
    if not may_issue_final_response(request.user, case):
        raise PermissionDenied
    return case


def letter_issue_view(request: HttpRequest, object_id: int) -> HttpResponse:
    """The form of a final response: outcome, reasons, the evidence relied on; Preview shows
    the letter as the customer will read it, Issue stores and sends it."""
    case = _issue_or_denied(request, object_id)
    change_url = reverse("admin:cases_case_change", args=[case.pk])
    preview = ""
    if request.method == "POST":
        form = LetterIssueForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview = _preview(case, data)
            elif not data["confirm"]:
                form.add_error("confirm", _("Confirm that this is the final response."))
            else:
                try:
                    letter_issue(
                        case=case,
                        actor=request.user,
                        outcome=data["outcome"],
                        reasons=data["reasons"],
                        evidence_ids=data["evidence"],
                        expected_state=data["expected_state"],
                    )
                except PermissionDeniedError as exc:
                    raise PermissionDenied(exc.message) from exc
                except (ApplicationError, ConflictError) as exc:
                    service_errors_to_form(form, exc)
                else:
                    messages.success(request, _("The final response letter was issued and sent."))
                    return back_to_case(case, "#final-response")
    else:
        if case.state not in LETTER_STATES:
            messages.error(
                request,
                _("A final response cannot be issued while the case is '%(state)s'.")
                % {"state": CaseState(case.state).label},
            )
            return back_to_case(case, "")
        form = LetterIssueForm(initial={"expected_state": case.state}, case=case)
    context = {
        **admin.site.each_context(request),
        "opts": Case._meta,
        "case": case,
        "form": form,
        "preview": preview,
        "change_url": change_url,
        "locale": case.get_complainant_locale_display(),
        "title": _("Issue final response"),
    }
    return render(request, "cases/letters/issue.html", context)


def _preview(case: Case, data: dict[str, Any]) -> str:
    """The letter as it would be issued today; nothing stored. Evidence of another case is
    not offered by the form, so every chosen item is this case's."""
    chosen = set(data["evidence"])
    evidence = [item for item in evidence_list_for_staff(case=case) if item.pk in chosen]
    _subject, body, _deadline, _cited = letter_render(
        case=case,
        outcome=data["outcome"],
        reasons=data["reasons"].strip(),
        evidence=evidence,
        issued=timezone.now().date(),
    )
    return body


def letter_pdf_view(request: HttpRequest, object_id: int, letter_id: int) -> HttpResponse:
    """The letter's PDF, made from the stored text: the same bytes on every download."""
    case = case_or_404(request, object_id)
    if not may_read_letter(request.user, case):
        raise Http404
    letter = letter_get_for_case(case=case, pk=letter_id)
    if letter is None:
        raise Http404
    return _pdf_response(letter)


def _pdf_response(letter: FinalResponseLetter) -> HttpResponse:
    response = HttpResponse(letter_pdf(letter=letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(letter)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the regulators' letters ---------------------------------------------------------------

SEND_LABELS = {
    LetterKind.HOLDING_REPLY: _("Send holding reply"),
    LetterKind.DELAY_NOTICE: _("Send delay notice"),
}


class RegulatoryLetterForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the delay"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_("Written to the customer as they are, in the letter's language."),
    )
    expected_by = forms.DateField(
        label=_("Final response by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("The date the customer will have the final response (the customer's day)."),
    )
    confirm = forms.BooleanField(
        label=_("Send this letter to the customer"),
        required=False,
        help_text=_("The letter is stored for good and sent to the customer at once."),
    )

    def __init__(self, *args: Any, limit: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if limit is not None:
            self.fields["expected_by"].help_text = _(
                "The date the customer will have the final response (the customer's day); "
                "the rules allow %(limit)s at the latest."
            ) % {"limit": limit.isoformat()}


def _regulatory_or_denied(request: HttpRequest, object_id: int, kind: str) -> Case:
    case = case_or_404(request, object_id)
    if not may_issue_regulatory_letter(request.user, case):
        raise PermissionDenied
    if kind not in LetterKind.values or deferring_letter(case) != kind:
        raise Http404
    return case


def regulatory_letter_view(request: HttpRequest, object_id: int, kind: str) -> HttpResponse:
    """The form of a holding reply or a delay notice: the reasons and the date the customer
    will have the final response; Preview shows the letter as the customer will read it,
    Send stores and sends it."""
    case = _regulatory_or_denied(request, object_id, kind)
    kind = LetterKind(kind)
    limit = expected_by_limit(case)
    preview = ""
    if request.method == "POST":
        form = RegulatoryLetterForm(request.POST, limit=limit)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                _subject, preview = regulatory_letter_render(
                    case=case,
                    kind=kind,
                    issued=letter_today(case),
                    reasons=data["reasons"].strip(),
                    expected_by=data["expected_by"],
                )
            elif not data["confirm"]:
                form.add_error("confirm", _("Confirm that the letter goes to the customer."))
            else:
                try:
                    regulatory_letter_issue(
                        case=case,
                        actor=request.user,
                        kind=kind,
                        reasons=data["reasons"],
                        expected_by=data["expected_by"],
                    )
                except PermissionDeniedError as exc:
                    raise PermissionDenied(exc.message) from exc
                except (ApplicationError, ConflictError) as exc:
                    service_errors_to_form(form, exc)
                else:
                    messages.success(
                        request,
                        _("The %(kind)s was sent to the customer.") % {"kind": kind.label.lower()},
                    )
                    return back_to_case(case, "#regulatory-letters")
    else:
        if case.state not in DEFERRING_STATES:
            messages.error(
                request,
                _("No %(kind)s can be sent while the case is '%(state)s'.")
                % {"kind": kind.label.lower(), "state": CaseState(case.state).label},
            )
            return back_to_case(case, "")
        form = RegulatoryLetterForm(limit=limit)
    title = SEND_LABELS[kind]
    context = {
        **admin.site.each_context(request),
        "opts": Case._meta,
        "case": case,
        "form": form,
        "kind": kind,
        "preview": preview,
        "limit": limit,
        "change_url": reverse("admin:cases_case_change", args=[case.pk]),
        "locale": case.get_complainant_locale_display(),
        "regime": case.get_regime_display(),
        "title": title,
    }
    return render(request, "cases/letters/regulatory_issue.html", context)


def regulatory_letter_text_view(
    request: HttpRequest, object_id: int, letter_id: int
) -> HttpResponse:
    """A regulatory letter as it was sent: its stored text, hash, who sent it and when."""
    case = case_or_404(request, object_id)
    if not may_read_letter(request.user, case):
        raise Http404
    letter = regulatory_letter_get_for_case(case=case, pk=letter_id)
    if letter is None:
        raise Http404
    context = {
        **admin.site.each_context(request),
        "opts": Case._meta,
        "case": case,
        "letter": letter,
        "change_url": reverse("admin:cases_case_change", args=[case.pk]),
        "title": letter.subject,
    }
    return render(request, "cases/letters/regulatory_letter.html", context)


def _met_by_label(met_by: tuple[str, ...]) -> str:
    labels = [
        str(_("Final response")) if item == FINAL_RESPONSE else str(LetterKind(item).label)
        for item in met_by
    ]
    return str(_(" or ")).join(labels)


def regulatory_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    """The regulators' part of the case page: while the exchange has not answered, the
    deadlines of the case's regime (each with what answers it, its last day on the
    jurisdiction's calendar, and the letter sent that answered it), the date the customer was
    last told to expect the final response, the letters sent, and the button of the letter the
    regime allows.

    One query (the letters sent; none for a case that never ran under a regime). The deadlines
    are computed from the receipt as the clocks were (`cases.policies.regimes`): the case
    page reads its clocks once, for the Deadlines panel, which shows each clock's state."""
    sent = regulatory_letters_of_case(case=case)
    waiting = case.state in DEFERRING_STATES
    deadlines = case_deadlines(case) if waiting else []
    zone = case_jurisdiction(case).time_zone if (deadlines or sent) else ""
    required = []
    for deadline in deadlines:
        answered = next((item for item in reversed(sent) if item.kind in deadline.met_by), None)
        required.append(
            {
                "kind": deadline.kind,
                "description": deadline.description,
                "answered_by": _met_by_label(deadline.met_by),
                "last_day": last_day(deadline.due_at, zone),
                "due_at": deadline.due_at,
                "answered": answered,
            }
        )
    told = next((item for item in reversed(sent) if item.expected_by), None)
    kind = deferring_letter(case)
    can_send = (
        kind is not None
        and case.state in DEFERRING_STATES
        and may_issue_regulatory_letter(request.user, case)
    )
    return {
        "regulatory_required": required,
        "regulatory_sent": [
            {
                "letter": letter,
                "url": reverse(
                    "admin:cases_case_regulatory_letter_text", args=[case.pk, letter.pk]
                ),
            }
            for letter in sent
        ],
        "regulatory_send": {
            "url": reverse("admin:cases_case_regulatory_letter", args=[case.pk, kind]),
            "label": SEND_LABELS[kind],
            "kind": kind,
        }
        if can_send
        else None,
        "regulatory_told": told.expected_by if told is not None and waiting else None,
        "regulatory_time_zone": zone,
        "regulatory_shown": bool(required or sent or can_send),
    }


# --- the case page -----------------------------------------------------------------------------


def letter_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    """The letters part of the case page: the issued final response (one query, none for a
    case that never had one) and the link to issue one when this user may now; the
    regulators' letters (`regulatory_context`)."""
    letters = list(letters_of_case(case=case)) if case.final_response_at else []
    can_issue = case.state in LETTER_STATES and may_issue_final_response(request.user, case)
    return {
        **regulatory_context(request=request, case=case),
        "letters": [
            {
                "letter": letter,
                "pdf_url": reverse("admin:cases_case_letter_pdf", args=[case.pk, letter.pk]),
            }
            for letter in letters
        ],
        "letter_issue_url": reverse("admin:cases_case_letter_issue", args=[case.pk])
        if can_issue
        else "",
    }


def admin_urls(model_admin: Any) -> list:
    """The letter URLs under one case (before the admin's catch-all object URL)."""
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "<int:object_id>/final-response/",
            wrap(letter_issue_view),
            name="cases_case_letter_issue",
        ),
        path(
            "<int:object_id>/final-response/<int:letter_id>/pdf/",
            wrap(letter_pdf_view),
            name="cases_case_letter_pdf",
        ),
        path(
            "<int:object_id>/letters/sent/<int:letter_id>/",
            wrap(regulatory_letter_text_view),
            name="cases_case_regulatory_letter_text",
        ),
        path(
            "<int:object_id>/letters/<slug:kind>/",
            wrap(regulatory_letter_view),
            name="cases_case_regulatory_letter",
        ),
    ]
