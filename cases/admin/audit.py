"""The auditor's screens in the staff site: a case's whole timeline, a search over all history,
and its streamed CSV / JSON export. Read-only; only those who see every case (auditors,
compliance officers, superusers) reach them, everyone else gets 403.

Registered under the case admin (`CaseAdmin.get_urls` includes `admin_urls`), so the admin
site's login and staff checks wrap every view.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.admin.forms import HistorySearchForm
from cases.models import Case
from cases.selectors.audit import (
    TIMELINE_PAGE_SIZE,
    Cursor,
    HistoryFilters,
    SearchRow,
    case_get_for_auditor,
    case_timeline_for_auditor,
    history_export_rows,
    history_search,
)


def _require_auditor(request: HttpRequest) -> None:
    if not policies.may_view_all_cases(request.user):
        raise PermissionDenied


def case_timeline_view(request: HttpRequest, object_id: int) -> HttpResponse:
    """One case's timeline across all its objects, oldest first, `TIMELINE_PAGE_SIZE` a page."""
    _require_auditor(request)
    # 404 for a case the reader is recused from, as everywhere else.
    case = case_get_for_auditor(user=request.user, pk=object_id)
    if case is None:
        raise Http404
    entries = case_timeline_for_auditor(case=case)
    page = Paginator(entries, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **_site(request).each_context(request),
        "opts": Case._meta,
        "case": case,
        "page": page,
        "total": len(entries),
        "title": _("Audit timeline of %(ref)s") % {"ref": case.reference},
    }
    return render(request, "cases/audit/timeline.html", context)


def history_search_view(request: HttpRequest) -> HttpResponse:
    """Search all history, newest first, keyset-paginated (`after` carries the cursor)."""
    _require_auditor(request)
    form = HistorySearchForm(request.GET or None)
    page = None
    next_query = ""
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else HistoryFilters()
        after = Cursor.decode(request.GET.get("after", ""))
        page = history_search(filters=filters, reader=request.user, after=after)
        if page.next_cursor is not None:
            query = request.GET.copy()
            query["after"] = page.next_cursor.encode()
            next_query = query.urlencode()
    export_query = request.GET.copy()
    export_query.pop("after", None)
    context = {
        **_site(request).each_context(request),
        "opts": Case._meta,
        "form": form,
        "page": page,
        "next_query": next_query,
        "export_query": export_query.urlencode(),
        "first_page": "after" not in request.GET,
        "title": _("Search all history"),
    }
    return render(request, "cases/audit/search.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterator[SearchRow]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(SearchRow.COLUMNS)
    for row in rows:
        yield writer.writerow(_flat(row))


def _flat(row: SearchRow) -> list[Any]:
    return [
        row.when.isoformat(),
        row.source,
        row.id,
        row.kind,
        row.actor,
        row.reason,
        row.object_id,
        row.case_id if row.case_id is not None else "",
        row.case_reference or "",
        row.user_id if row.user_id is not None else "",
    ]


def _json_array(rows: Iterator[SearchRow]) -> Iterator[str]:
    """A JSON array written one object at a time: `[`, objects separated by `,\\n`, `]`."""
    yield "["
    separator = "\n"
    for row in rows:
        item = dict(zip(SearchRow.COLUMNS, _flat(row), strict=True))
        for key in ("case_id", "case_reference", "user_id"):
            item[key] = item[key] if item[key] != "" else None
        yield separator + json.dumps(item, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def history_export_view(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    """The search's rows, all of them, streamed as CSV or as one JSON array."""
    _require_auditor(request)
    if fmt not in ("csv", "json"):
        raise Http404
    form = HistorySearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        raise Http404
    filters = form.filters() if request.GET else HistoryFilters()
    rows = history_export_rows(filters=filters, reader=request.user)
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(_json_array(rows), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="history.{fmt}"'
    return response


def _site(request: HttpRequest):

    return admin.site


def admin_urls(model_admin: Any) -> list:
    """The auditor's URLs under the case admin (before its catch-all object URL)."""
    wrap = model_admin.admin_site.admin_view
    return [
        path("audit-search/", wrap(history_search_view), name="cases_case_audit_search"),
        path(
            "audit-search/export.<str:fmt>",
            wrap(history_export_view),
            name="cases_case_audit_export",
        ),
        path("<int:object_id>/audit/", wrap(case_timeline_view), name="cases_case_audit"),
    ]
