"""Behaviour shared by the admin modules of `cases` (and `channels`), kept apart from any one
ModelAdmin so the area modules import this, never each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from cases import policies
from cases.models import Case, Evidence
from cases.selectors.audit import case_column, exclude_recused
from cases.selectors.cases import case_get_for_staff, evidence_get_for_staff
from complaints_site.common.exceptions import ApplicationError, PermissionDeniedError


class ReadOnlyAdminMixin:
    """Nobody adds, changes or deletes these rows in the admin, not even a superuser."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecusalScopedAdminMixin:
    """Lists about cases for those who see every case (auditors, compliance): the rows of cases
    the reader is recused from are left out (one exclusion subquery, never a check per row), so
    recusal reaches the auditor's screens as it reaches every other read."""

    def get_queryset(self, request: HttpRequest):
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return exclude_recused(queryset, user=request.user, case_path=case_column(self.model))  # type: ignore[attr-defined]


class AllCasesReaderAdminMixin:
    """Shown only to those who see every case (auditors, compliance, superusers)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.may_view_all_cases(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.may_view_all_cases(request.user)


class ActiveStaffAdminMixin:
    """Shown to every active staff member; the queryset decides which rows they read."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policies.is_active_staff(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.is_active_staff(request.user)


class CaseInlineMixin(ReadOnlyAdminMixin):
    """Read-only rows shown on a case page. Django's default asks for a model-wide view grant,
    which case handlers do not hold, so the timeline was hidden from the people working the case;
    the case page itself has already checked that this user reaches the case. (Django also asks
    with obj=None to scope the inline's queryset, so this cannot require obj.)"""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policies.may_use_case_admin(request.user)


def form_errors_to_messages(request: HttpRequest, form: forms.Form) -> None:
    """A form posted from the case page is not re-rendered: its errors become messages, each
    prefixed with its field's label."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def service_errors_to_form(form: forms.Form, exc: Exception) -> None:
    """A service's refusal (ApplicationError, ConflictError) shown on the form that asked: each
    error under the field it names (`extra["errors"]`), the message itself when it names none."""
    errors = (getattr(exc, "extra", None) or {}).get("errors") or {}
    for field, field_errors in errors.items():
        for error in field_errors:
            form.add_error(field if field in form.fields else None, error)
    if not errors:
        form.add_error(None, getattr(exc, "message", str(exc)))


# --- the views under one case ----------------------------------------------------------------


def case_or_404(request: HttpRequest, object_id: int) -> Case:
    """The case through the staff selector: 404 when out of reach (recused ones included)."""
    case = case_get_for_staff(user=request.user, pk=object_id)
    if case is None:
        raise Http404
    return case


def evidence_or_404(request: HttpRequest, object_id: int, evidence_id: int) -> Evidence:
    """An evidence item of this case the user may see: 404 when the case is out of reach, the
    item belongs to another case, or it is sensitive and the user may not see such items."""
    evidence = evidence_get_for_staff(user=request.user, pk=evidence_id)
    if evidence is None or evidence.case_id != object_id:
        raise Http404
    return evidence


def back_to_case(case: Case, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:cases_case_change", args=[case.pk]) + anchor)


# --- small form pages (conflicts of interest, quality) ---------------------------------------


def denied_page(request: HttpRequest, message: str = "") -> TemplateResponse:
    """403 with the reason (four eyes), or without one for those lacking the role."""
    context = {"message": message} if message else None
    return TemplateResponse(request, "cases/recusal/denied.html", context, status=403)


def form_page(
    request: HttpRequest,
    model_admin: Any,
    *,
    obj: Any,
    form: forms.Form,
    act: Callable[[dict[str, Any]], Any],
    title: str,
    done: str,
    back: str,
) -> HttpResponse:
    """One small form page for an act on `obj`: validate, run `act(form.cleaned_data)` (a
    service call; its ApplicationError becomes a form error), then go back to the list."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except PermissionDeniedError as exc:
            return denied_page(request, exc.message)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse(back))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "object": obj,
        "form": form,
        "opts": model_admin.model._meta,
    }
    return TemplateResponse(request, "cases/recusal/form.html", context)
