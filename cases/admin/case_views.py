"""The correspondence and evidence part of the staff case page, and the small views behind it:
a staff reply or internal note, the complaint-or-query control, and the evidence download.

Each view finds the case through the staff selector (404 when out of reach), checks the act
with `cases.policies`, and writes only through a service. Writes are POST only (CSRF by the
admin site); the download is a GET that logs itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases import policies
from cases.admin.forms import ComplaintFlagForm, StaffMessageForm
from cases.admin.mixins import back_to_case, case_or_404, evidence_or_404
from cases.enums import Channel
from cases.lib.redaction import LABELS
from cases.models import Case, Evidence, MessageDirection
from cases.selectors.cases import messages_for_staff
from cases.services.evidence import evidence_open
from cases.services.intake import case_set_complaint_flag, message_post_staff
from complaints_site.common.exceptions import ApplicationError, ConflictError


def correspondence_context(
    *, request: HttpRequest, case: Case, evidence: list[Evidence]
) -> dict[str, Any]:
    """The correspondence and evidence part of the case page: one query (the messages) on top
    of the evidence list the caller already has."""
    user = request.user
    channels = dict(Channel.choices)
    correspondence = [
        {
            "message": message,
            "internal": message.direction == MessageDirection.INTERNAL,
            "channel": channels.get(message.channel, message.channel),
            "redactions": [LABELS.get(kind, kind) for kind in message.redactions],
        }
        for message in messages_for_staff(case=case)
    ]
    sensitive_ok = policies.may_view_sensitive(user)
    rows = [
        {
            "item": item,
            "channel": channels.get(item.channel, item.channel),
            "url": reverse("admin:cases_case_evidence_download", args=[case.pk, item.pk])
            if sensitive_ok or not item.is_sensitive
            else "",
        }
        for item in evidence
    ]
    can_reply = policies.may_reach_case(user, case, change=True)
    can_flag = policies.may_run(user, case, "cases.assess_case")
    return {
        "correspondence": correspondence,
        "evidence_rows": rows,
        "message_form": StaffMessageForm() if can_reply else None,
        "message_url": reverse("admin:cases_case_message", args=[case.pk]),
        "flag_form": ComplaintFlagForm(initial={"is_complaint": "1" if case.is_complaint else "0"})
        if can_flag
        else None,
        "flag_url": reverse("admin:cases_case_complaint_flag", args=[case.pk]),
    }


@require_POST
def message_view(request: HttpRequest, object_id: int) -> HttpResponse:
    """Post a staff reply (the customer is notified) or an internal note (nobody is)."""
    case = case_or_404(request, object_id)
    if not policies.may_reach_case(request.user, case, change=True):
        raise PermissionDenied
    form = StaffMessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reply or an internal note."))
        return back_to_case(case, "#correspondence")
    internal = form.cleaned_data["internal"]
    try:
        message_post_staff(
            case=case, actor=request.user, body=form.cleaned_data["body"], internal=internal
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Internal note added.") if internal else _("Reply sent to the customer.")
        )
    return back_to_case(case, "#correspondence")


@require_POST
def complaint_flag_view(request: HttpRequest, object_id: int) -> HttpResponse:
    """Change whether the case is a complaint or a query, with a reason for the record."""
    case = case_or_404(request, object_id)
    if not policies.may_run(request.user, case, "cases.assess_case"):
        raise PermissionDenied
    form = ComplaintFlagForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back_to_case(case, "#classification")
    try:
        updated = case_set_complaint_flag(
            case=case,
            actor=request.user,
            is_complaint=form.cleaned_data["is_complaint"],
            reason=form.cleaned_data["reason"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The case is now a complaint.")
            if updated.is_complaint
            else _("The case is now a query."),
        )
    return back_to_case(case, "#classification")


def evidence_download_view(request: HttpRequest, object_id: int, evidence_id: int) -> HttpResponse:
    """Serve one evidence file as a download, logged as an `evidence.downloaded` event.

    404 when the case is out of reach, the item belongs to another case, or it is sensitive and
    the user lacks ``cases.view_sensitive_evidence`` (existence never leaks).
    """
    evidence = evidence_or_404(request, object_id, evidence_id)
    try:
        handle = evidence_open(evidence=evidence, actor=request.user, via="admin")
    except ConflictError as exc:  # held by the malware check
        messages.error(request, exc.message)
        return HttpResponseRedirect(
            reverse("admin:cases_case_evidence", args=[evidence.case_id, evidence.pk])
        )
    # Always a download of opaque bytes: a polyglot file must never render in our origin. The
    # name carries the verified extension, never the user's.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.download_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
