"""The customer's side of the follow-up: the final response letter (page and PDF), the
satisfaction survey, and reopening a resolved case.

The letter pages are for the signed-in customer of the case (anything else is 404, as
everywhere in the portal). The survey page works without signing in, through the signed link
of its email (`cases.lib.customer_links`, bound to the survey, its case and the customer); the
signed-in case page links to it too. It is answered once; afterwards it shows the answer.
Within the reopening window an unhappy customer may reopen the case from the case page or
from the survey page. Writes are POST with CSRF and go through `cases.services.followup`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.enums import DecisionChannel, OutcomeReason, ProcessReason
from cases.lib.customer_links import SURVEY, LinkError, claim_matches, link_claim, link_token
from cases.models import Case, FinalResponseLetter, Survey
from cases.policies.clients import is_portal_customer
from cases.policies.followup import may_customer_reopen, reopen_deadline
from cases.portal.auth import portal_user_required
from cases.selectors.cases import case_get_for_customer
from cases.selectors.followup import (
    letter_current,
    regulatory_letters_of_case,
    survey_current,
    survey_for_link,
)
from cases.services.followup import (
    COMMENT_MAX_LENGTH,
    REOPEN_REASON_MAX_LENGTH,
    case_reopen_by_customer,
    customer_actor,
    survey_answer,
)
from cases.services.letters import letter_filename
from cases.services.letters import letter_pdf as letter_pdf_bytes
from complaints_site.common.exceptions import ApplicationError, ConflictError

# --- forms -------------------------------------------------------------------------------------

SCORE_CHOICES = [
    (1, gettext_lazy("Very dissatisfied")),
    (2, gettext_lazy("Dissatisfied")),
    (3, gettext_lazy("Neither satisfied nor dissatisfied")),
    (4, gettext_lazy("Satisfied")),
    (5, gettext_lazy("Very satisfied")),
]


class SurveyForm(forms.Form):
    """Two separate questions, each a score with reasons; shape only (the service decides)."""

    process_score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the way we handled your complaint?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a score from 1 to 5.")},
    )
    process_reasons = forms.MultipleChoiceField(
        label=gettext_lazy("What made you feel that way about the handling?"),
        choices=ProcessReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    outcome_score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the outcome?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a score from 1 to 5.")},
    )
    outcome_reasons = forms.MultipleChoiceField(
        label=gettext_lazy("What made you feel that way about the outcome?"),
        choices=OutcomeReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything else you want to tell us?"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Never write your password, private keys or recovery phrase here."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why should we look at your case again?"),
        max_length=REOPEN_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- the case page -----------------------------------------------------------------------------


def survey_link(survey: Survey) -> str:
    """The survey page of `survey` for its case's own customer (a fresh signed token)."""
    token = link_token(purpose=SURVEY, case=survey.case, object_id=survey.pk)
    return reverse("portal:survey", args=[token])


def followup_context(*, case: Case) -> dict[str, Any]:
    """The follow-up part of the customer's case page: the letters we sent (the regulators'
    letters and the final response), the survey, the reopening form. At most three queries:
    none for the final response and the survey of a case never resolved nor answered finally,
    none for the regulators' letters of a case that never ran under a regime."""
    letter = letter_current(case=case)
    survey = survey_current(case=case)
    survey_open = (
        survey is not None and survey.answered_at is None and (survey.expires_at > timezone.now())
    )
    if survey is not None:
        survey.case = case  # the token names the case: no second fetch
    return {
        "letter": letter,
        "regulatory_letters": regulatory_letters_of_case(case=case),
        "survey": survey,
        "survey_open": survey_open,
        "survey_url": survey_link(survey) if survey_open else "",
        "reopen_form": ReopenForm() if may_customer_reopen(case) else None,
        "reopen_by": reopen_deadline(case),
    }


def _own_case(request: HttpRequest, reference: str) -> Case:
    case = case_get_for_customer(user=request.user, reference=reference)
    if case is None:
        raise Http404
    return case


# --- the letter --------------------------------------------------------------------------------


def _letter_or_404(case: Case) -> FinalResponseLetter:
    letter = letter_current(case=case)
    if letter is None:
        raise Http404
    return letter


@require_GET
@portal_user_required
def letter_page(request: HttpRequest, reference: str) -> HttpResponse:
    """The final response letter as it was issued, with its fingerprint and the PDF."""
    case = _own_case(request, reference)
    letter = _letter_or_404(case)
    return render(request, "cases/portal/letter.html", {"case": case, "letter": letter})


def pdf_response(letter: FinalResponseLetter) -> HttpResponse:
    """The letter's PDF as a download, made from the stored text (the same bytes each time)."""
    response = HttpResponse(letter_pdf_bytes(letter=letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(letter)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@portal_user_required
def letter_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    return pdf_response(_letter_or_404(case))


# --- reopening from the case page --------------------------------------------------------------


def _reopen(request: HttpRequest, case: Case, channel: str) -> bool:
    form = ReopenForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return False
    try:
        case_reopen_by_customer(
            case=case, actor=customer_actor(channel), reason=form.cleaned_data["reason"]
        )
    except (ApplicationError, ConflictError) as exc:
        messages.error(request, exc.message)
        return False
    messages.success(
        request,
        _("Your case is reopened. The team will look at it again and write to you."),
    )
    return True


@require_POST
@portal_user_required
def case_reopen(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    _reopen(request, case, DecisionChannel.PORTAL)
    return redirect("portal:case_detail", reference=case.reference)


# --- the survey --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    """What a survey link opens: the survey, or why nothing (`error`, with the status)."""

    survey: Survey | None
    error: str = ""
    status: int = 200


def _survey_link(request: HttpRequest, token: str) -> _Link:
    """The survey a link opens, or why it does not: a forged, altered or expired token, a
    survey that is gone or of another case, a case that changed hands, or another customer
    signed in."""
    try:
        claim = link_claim(token, purpose=SURVEY)
    except LinkError as exc:
        return _Link(None, exc.message, 410 if exc.expired else 404)
    survey = survey_for_link(pk=claim.object_id)
    invalid = _("This link is not valid. Use the link in our latest email.")
    if survey is None or not claim_matches(claim, case=survey.case):
        return _Link(None, invalid, 404)
    user = request.user
    if is_portal_customer(user) and survey.case.customer_id != user.pk:
        return _Link(None, _("This link was sent to another customer."), 404)
    return _Link(survey)


def _channel(request: HttpRequest, case: Case) -> str:
    """Signed in as the case's customer: the portal; otherwise the email's link."""
    user = request.user
    if user.is_authenticated and case.customer_id is not None and case.customer_id == user.pk:
        return DecisionChannel.PORTAL
    return DecisionChannel.EMAIL_LINK


def _answer_rows(survey: Survey) -> dict[str, Any]:
    """The stored answer in the customer's words (labels of the codes and scores)."""
    scores = dict(SCORE_CHOICES)
    process = dict(ProcessReason.choices)
    outcome = dict(OutcomeReason.choices)
    return {
        "process_score": survey.process_score,
        "process_label": scores.get(survey.process_score, ""),
        "process_reasons": [process.get(code, code) for code in survey.process_reasons],
        "outcome_score": survey.outcome_score,
        "outcome_label": scores.get(survey.outcome_score, ""),
        "outcome_reasons": [outcome.get(code, code) for code in survey.outcome_reasons],
        "comment": survey.comment,
    }


def _survey_page(
    request: HttpRequest,
    token: str,
    survey: Survey,
    *,
    form: SurveyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    case = survey.case
    expired = survey.answered_at is None and survey.expires_at <= timezone.now()
    context = {
        "token": token,
        "survey": survey,
        "case": case,
        "expired": expired,
        "answer": _answer_rows(survey) if survey.answered_at else None,
        "form": (form or SurveyForm()) if survey.answered_at is None and not expired else None,
        "reopen_form": ReopenForm() if may_customer_reopen(case) else None,
        "reopen_by": reopen_deadline(case),
        "own_case": _channel(request, case) == DecisionChannel.PORTAL,
    }
    return render(request, "cases/portal/survey.html", context, status=410 if expired else status)


def _link_refused(request: HttpRequest, link: _Link) -> HttpResponse:
    return render(
        request, "cases/portal/link_refused.html", {"message": link.error}, status=link.status
    )


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """The satisfaction survey: two questions, answered once; afterwards the stored answer."""
    link = _survey_link(request, token)
    if link.survey is None:
        return _link_refused(request, link)
    if request.method == "GET":
        return _survey_page(request, token, link.survey)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        return _survey_page(request, token, link.survey, form=form, status=400)
    data = form.cleaned_data
    try:
        channel = _channel(request, link.survey.case)
        survey_answer(
            survey=link.survey,
            actor=customer_actor(channel),
            channel=channel,
            process_score=data["process_score"],
            process_reasons=data["process_reasons"],
            outcome_score=data["outcome_score"],
            outcome_reasons=data["outcome_reasons"],
            comment=data["comment"],
        )
    except ConflictError as exc:
        messages.info(request, exc.message)
    except ApplicationError as exc:
        for field, errors in (exc.extra.get("errors") or {}).items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return _survey_page(request, token, link.survey, form=form, status=400)
    else:
        messages.success(request, _("Thank you for your answers."))
    return redirect("portal:survey", token=token)


@require_POST
def survey_reopen(request: HttpRequest, token: str) -> HttpResponse:
    """Reopen the case from the survey page (the link stands for the customer)."""
    link = _survey_link(request, token)
    if link.survey is None:
        return _link_refused(request, link)
    channel = _channel(request, link.survey.case)
    reopened = _reopen(request, link.survey.case, channel)
    if reopened and channel == DecisionChannel.PORTAL:
        return redirect("portal:case_detail", reference=link.survey.case.reference)
    return redirect("portal:survey", token=token)
