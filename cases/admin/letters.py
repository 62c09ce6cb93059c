"""The final response letter on the staff case page: the form a team lead issues it with, the
issued letter (its text, hash, who issued it and when), and its PDF.

Like the other case-page areas, each view finds the case through the staff selector (404 when
out of reach, recused ones included), checks the act with `cases.policies`, and writes only
through `cases.services.letters.letter_issue`. The form is POST with CSRF; "Preview" renders
the letter in the customer's language without storing anything.
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
from cases.admin.mixins import back_to_case, case_or_404
from cases.enums import CaseState, OfferOutcome
from cases.models import Case, FinalResponseLetter
from cases.policies.followup import may_issue_final_response, may_read_letter
from cases.selectors.cases import evidence_list_for_staff
from cases.selectors.followup import letter_get_for_case, letters_of_case
from cases.services.letters import (
    LETTER_STATES,
    letter_filename,
    letter_issue,
    letter_pdf,
    letter_render,
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
                    errors = (exc.extra or {}).get("errors") or {}
                    for field, field_errors in errors.items():
                        for error in field_errors:
                            form.add_error(field if field in form.fields else None, error)
                    if not errors:
                        form.add_error(None, exc.message)
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


# --- the case page -----------------------------------------------------------------------------


def letter_context(*, request: HttpRequest, case: Case) -> dict[str, Any]:
    """The final response part of the case page: the issued letters (one query, none for a
    case that never had one) and the link to issue one when this user may now."""
    letters = list(letters_of_case(case=case)) if case.final_response_at else []
    can_issue = case.state in LETTER_STATES and may_issue_final_response(request.user, case)
    return {
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
    ]
