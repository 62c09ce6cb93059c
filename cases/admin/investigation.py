"""The investigation part of the staff case page (lifecycle step 3): evidence review and the
evidence page (a snapshot's records as tables), pulling a snapshot from the exchange,
consultations with other teams, and the staff timeline of every event on the case.

Like `cases.admin.case_views`, each view finds the case through the staff selector (404 when out of
reach), checks the act with `cases.policies` or the service's own rule, and writes only through
a service. Writes are POST with CSRF; every look at an evidence page is logged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases import policies
from cases.admin.forms import (
    ConsultationAnswerForm,
    ConsultationRequestForm,
    ConsultationWithdrawForm,
    EvidenceReviewForm,
    SnapshotForm,
)
from cases.admin.mixins import (
    back_to_case,
    case_or_404,
    evidence_or_404,
    form_errors_to_messages,
)
from cases.gateway import RecordKind
from cases.models import Case, Consultation, ConsultationStatus, Evidence, Relevance
from cases.policies.consultations import may_answer
from cases.selectors.cases import case_get_for_staff
from cases.selectors.consultations import (
    consultation_get_for_case,
    consultation_list_for_case,
    group_ids_for_staff,
)
from cases.selectors.history import case_timeline_for_staff
from cases.selectors.investigation import (
    evidence_notes,
    evidence_notes_by_item,
    snapshot_get_for_evidence,
    snapshots_by_evidence,
)
from cases.services.consultations import (
    consultation_answer,
    consultation_request,
    consultation_withdraw,
)
from cases.services.evidence import evidence_review, evidence_view_log
from cases.services.snapshots import snapshot_pull, snapshot_read
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError

# --- the case page ---------------------------------------------------------------------------


def investigation_context(
    *, request: HttpRequest, case: Case, evidence: list[Evidence]
) -> dict[str, Any]:
    """Evidence review, snapshots, consultations and the timeline: four queries (annotations,
    snapshots, consultations, events) on top of the evidence list the caller already has."""
    user = request.user
    can_investigate = policies.may_run(user, case, "cases.investigate_case")
    annotations = evidence_notes_by_item(case=case)
    snapshots = snapshots_by_evidence(case=case)
    cited = {int(pk) for pk in case.responsibility_evidence or []}
    sensitive_ok = policies.may_view_sensitive(user)
    review = [
        {
            "item": item,
            "visible": sensitive_ok or not item.is_sensitive,
            "notes": annotations.get(item.pk, []),
            "snapshot": snapshots.get(item.pk),
            "cited": item.pk in cited,
            "page_url": reverse("admin:cases_case_evidence", args=[case.pk, item.pk]),
            "review_url": reverse("admin:cases_case_evidence_review", args=[case.pk, item.pk]),
            # The review form is written out in the template (`EvidenceReviewForm` with prefix
            # "e<pk>" validates the POST): 200 rendered Django forms cost a third of the page.
            "can_review": can_investigate and (sensitive_ok or not item.is_sensitive),
        }
        for item in evidence
    ]
    consultations = []
    group_ids: set[int] | None = None
    for consultation in consultation_list_for_case(case=case):
        is_open = consultation.status == ConsultationStatus.OPEN
        if is_open and group_ids is None:
            group_ids = group_ids_for_staff(user=user)
        consultations.append(
            {
                "c": consultation,
                "overdue": consultation.is_overdue,
                "answer_form": ConsultationAnswerForm(prefix=f"c{consultation.pk}")
                if is_open and may_answer(user, consultation, group_ids=group_ids)
                else None,
                "answer_url": reverse(
                    "admin:cases_case_consultation_answer", args=[case.pk, consultation.pk]
                ),
                "withdraw_form": ConsultationWithdrawForm(prefix=f"w{consultation.pk}")
                if is_open and can_investigate
                else None,
                "withdraw_url": reverse(
                    "admin:cases_case_consultation_withdraw", args=[case.pk, consultation.pk]
                ),
            }
        )
    return {
        "evidence_review": review,
        "relevance_choices": Relevance.choices,
        "can_investigate": can_investigate and case.is_open,
        "snapshot_url": reverse("admin:cases_case_snapshot", args=[case.pk]),
        "consultations": consultations,
        "consultation_form": ConsultationRequestForm()
        if can_investigate and case.is_open
        else None,
        "consultation_url": reverse("admin:cases_case_consultation", args=[case.pk]),
        "timeline": case_timeline_for_staff(case=case),
    }


# --- views -------------------------------------------------------------------------------------


# Rows of one record kind shown per page of a snapshot (a snapshot may hold 20,000 records).
SNAPSHOT_ROWS_PER_PAGE = 200


def _table_page(request: HttpRequest, table: Any) -> dict[str, Any]:
    """One kind's table, paged on its own (`?p_<kind>=N`), with links that keep the others."""

    param = f"p_{table.kind}"
    page = Paginator(table.rows, SNAPSHOT_ROWS_PER_PAGE).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}#records-{table.kind}"

    return {
        "table": table,
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
    }


# Text evidence (chat transcripts, raw mail, CSV exports) up to this size is shown on its page,
# escaped; anything else is only downloaded (never rendered in our origin).
TEXT_PREVIEW_MAX_BYTES = 256 * 1024
_TEXT_TYPES = ("text/plain", "text/csv", "message/rfc822", "application/json")


def _text_preview(evidence: Evidence) -> str | None:
    mime = evidence.content_type.split(";", 1)[0].strip().lower()
    if evidence.is_held or mime not in _TEXT_TYPES or evidence.size > TEXT_PREVIEW_MAX_BYTES:
        return None
    with evidence.file.open("rb") as handle:
        return handle.read().decode("utf-8", errors="replace")


def evidence_page_view(request: HttpRequest, object_id: int, evidence_id: int) -> HttpResponse:
    """One evidence item: where it came from, its hash, the review, and for a snapshot its
    records as tables (re-hashed from storage). Every look is logged; a sensitive item is 404
    for those who may not see it."""
    evidence = evidence_or_404(request, object_id, evidence_id)
    case = evidence.case
    snapshot = snapshot_get_for_evidence(evidence=evidence)
    tables = []
    if snapshot is not None:
        view = snapshot_read(snapshot=snapshot, actor=request.user, via="admin")
        tables = [_table_page(request, table) for table in view.tables]
    else:
        view = None
        evidence_view_log(evidence=evidence, actor=request.user, via="admin")
    preview = _text_preview(evidence) if snapshot is None else None
    context = {
        "opts": Case._meta,
        "case": case,
        "evidence": evidence,
        "snapshot": view,
        "tables": tables,
        "preview": preview,
        "notes": evidence_notes(evidence=evidence),
        "download_url": reverse("admin:cases_case_evidence_download", args=[case.pk, evidence.pk]),
        "title": _("Evidence #%(n)s of %(ref)s") % {"n": evidence.pk, "ref": case.reference},
    }

    context.update(admin.site.each_context(request))
    return render(request, "cases/investigation/evidence.html", context)


@require_POST
def evidence_review_view(request: HttpRequest, object_id: int, evidence_id: int) -> HttpResponse:
    evidence = evidence_or_404(request, object_id, evidence_id)
    form = EvidenceReviewForm(request.POST, prefix=f"e{evidence.pk}")
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return back_to_case(evidence.case, f"#evidence-{evidence.pk}")
    try:
        evidence_review(
            evidence=evidence,
            actor=request.user,
            relevance=form.cleaned_data["relevance"],
            is_sensitive=form.cleaned_data["is_sensitive"],
            note=form.cleaned_data["note"],
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Review of evidence #%(n)s recorded.") % {"n": evidence.pk})
    return back_to_case(evidence.case, f"#evidence-{evidence.pk}")


def snapshot_view(request: HttpRequest, object_id: int) -> HttpResponse:
    """Pull a party's exchange records for a window and freeze them on the case."""
    case = case_or_404(request, object_id)
    if not policies.may_run(request.user, case, "cases.investigate_case") or not case.is_open:
        raise PermissionDenied
    if request.method == "POST":
        form = SnapshotForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            try:
                evidence = snapshot_pull(
                    case=case,
                    actor=request.user,
                    account_id=data["account_id"],
                    kinds=data["kinds"],
                    start=data["window_start"],
                    end=data["window_end"],
                    description=data["description"],
                )
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Snapshot saved as evidence #%(n)s (SHA-256 %(h)s).")
                    % {"n": evidence.pk, "h": evidence.sha256[:16]},
                )
                return HttpResponseRedirect(
                    reverse("admin:cases_case_evidence", args=[case.pk, evidence.pk])
                )
    else:
        end = timezone.now().replace(second=0, microsecond=0)
        form = SnapshotForm(
            case=case,
            initial={
                "account_id": case.complainant_account_id,
                "kinds": [RecordKind.DEPOSITS, RecordKind.WITHDRAWALS, RecordKind.TRADES],
                "window_start": (end - timedelta(days=7)).strftime("%Y-%m-%d %H:%M"),
                "window_end": end.strftime("%Y-%m-%d %H:%M"),
            },
        )

    context = {
        **admin.site.each_context(request),
        "opts": Case._meta,
        "case": case,
        "form": form,
        "change_url": reverse("admin:cases_case_change", args=[case.pk]),
        "title": _("Pull exchange records"),
    }
    return render(request, "cases/investigation/snapshot.html", context)


@require_POST
def consultation_request_view(request: HttpRequest, object_id: int) -> HttpResponse:
    case = case_or_404(request, object_id)
    form = ConsultationRequestForm(request.POST)
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return back_to_case(case, "#consultations")
    try:
        consultation = consultation_request(
            case=case,
            actor=request.user,
            team=form.cleaned_data["team"],
            question=form.cleaned_data["question"],
            due_at=form.cleaned_data["due_at"],
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(team)s was asked; the answer is due %(due)s UTC.")
            % {"team": consultation.team.name, "due": f"{consultation.due_at:%Y-%m-%d %H:%M}"},
        )
    return back_to_case(case, "#consultations")


def _consultation_or_404(case: Case, consultation_id: int) -> Consultation:
    consultation = consultation_get_for_case(case=case, pk=consultation_id)
    if consultation is None:
        raise Http404
    return consultation


@require_POST
def consultation_answer_view(
    request: HttpRequest, object_id: int, consultation_id: int
) -> HttpResponse:
    case = case_or_404(request, object_id)
    consultation = _consultation_or_404(case, consultation_id)
    form = ConsultationAnswerForm(request.POST, request.FILES, prefix=f"c{consultation.pk}")
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return back_to_case(case, f"#consultation-{consultation.pk}")
    upload = form.cleaned_data.get("file")
    try:
        consultation_answer(
            consultation=consultation,
            actor=request.user,
            answer=form.cleaned_data["answer"],
            file_name=upload.name if upload else "",
            file_content=upload.read() if upload else None,
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Answer recorded."))
    # The team may have lost its access with the answer: go back only if the case is in reach.
    if case_get_for_staff(user=request.user, pk=case.pk) is None:
        return HttpResponseRedirect(reverse("admin:cases_consultation_changelist"))
    return back_to_case(case, f"#consultation-{consultation.pk}")


@require_POST
def consultation_withdraw_view(
    request: HttpRequest, object_id: int, consultation_id: int
) -> HttpResponse:
    case = case_or_404(request, object_id)
    consultation = _consultation_or_404(case, consultation_id)
    form = ConsultationWithdrawForm(request.POST, prefix=f"w{consultation.pk}")
    if not form.is_valid():
        form_errors_to_messages(request, form)
        return back_to_case(case, f"#consultation-{consultation.pk}")
    try:
        consultation_withdraw(
            consultation=consultation, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Consultation withdrawn."))
    return back_to_case(case, f"#consultation-{consultation.pk}")


def admin_urls(model_admin: Any) -> list:
    """The investigation URLs under one case (before the admin's catch-all object URL)."""

    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "<int:object_id>/evidence/<int:evidence_id>/",
            wrap(evidence_page_view),
            name="cases_case_evidence",
        ),
        path(
            "<int:object_id>/evidence/<int:evidence_id>/review/",
            wrap(evidence_review_view),
            name="cases_case_evidence_review",
        ),
        path("<int:object_id>/snapshot/", wrap(snapshot_view), name="cases_case_snapshot"),
        path(
            "<int:object_id>/consultation/",
            wrap(consultation_request_view),
            name="cases_case_consultation",
        ),
        path(
            "<int:object_id>/consultation/<int:consultation_id>/answer/",
            wrap(consultation_answer_view),
            name="cases_case_consultation_answer",
        ),
        path(
            "<int:object_id>/consultation/<int:consultation_id>/withdraw/",
            wrap(consultation_withdraw_view),
            name="cases_case_consultation_withdraw",
        ),
    ]
