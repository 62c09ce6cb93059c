"""Search over all history: filters, keyset pages that cost what page 1 costs, 403 for others,
and the streamed CSV / JSON export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseEvent
from cases.selectors.audit import HistoryFilters, history_export_rows, history_search
from tests.support.history import copies_of_history

pytestmark = pytest.mark.django_db

SEARCH_QUERIES = 8  # session, user, username / reference look-ups, the one UNION ALL

URL = "admin:cases_case_audit_search"


def all_rows(filters: HistoryFilters, page_size: int = 7, *, reader=None):
    reader = reader or get_user_model()(pk=0)  # nobody recused: every row
    rows, after, pages = [], None, 0
    while True:
        page = history_search(filters=filters, reader=reader, after=after, page_size=page_size)
        rows.extend(page.rows)
        pages += 1
        if page.next_cursor is None:
            return rows, pages
        after = page.next_cursor


def test_keyset_pages_cover_everything_once_newest_first(busy_case):
    rows, pages = all_rows(HistoryFilters(), page_size=3)
    assert pages > 2
    keys = [(r.when, r.source, r.id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert len(set(keys)) == len(keys)
    everyone = get_user_model()(pk=0)
    assert len(rows) == len(list(history_export_rows(filters=HistoryFilters(), reader=everyone)))
    expected = sum(m.objects.count() for m in (Case.history.model, CaseEvent))
    assert len([r for r in rows if r.source in ("cases.case", "cases.caseevent")]) == expected


def test_filters_person_case_model_and_dates(busy_case, handler, lead, case_factory, team):
    other = case_factory(team=team)
    by_lead, _ = all_rows(HistoryFilters(person="lead1"))
    assert by_lead
    assert {r.user_id for r in by_lead} == {lead.pk}
    system, _ = all_rows(HistoryFilters(person="system:tests"))
    assert system
    assert {r.actor for r in system} == {"system:tests"}
    of_case, _ = all_rows(HistoryFilters(case_reference=busy_case.reference))
    assert {r.case_id for r in of_case} == {busy_case.pk}
    assert "cases.message" in {r.source for r in of_case}
    assert all(r.case_reference == busy_case.reference for r in of_case)
    cases_only, _ = all_rows(HistoryFilters(model="cases.case"))
    assert {r.source for r in cases_only} == {"cases.case"}
    assert {r.case_id for r in cases_only} >= {busy_case.pk, other.pk}
    assert all_rows(HistoryFilters(case_reference="NO-SUCH"))[0] == []
    copies_of_history(other, 3, start=dt.datetime(2020, 5, 1, 12, tzinfo=dt.UTC))
    may_day, _ = all_rows(
        HistoryFilters(date_from=dt.date(2020, 5, 1), date_to=dt.date(2020, 5, 1))
    )
    assert [r.reason for r in may_day] == ["bulk 2", "bulk 1", "bulk 0"]


def count(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx), response


def test_search_page_n_costs_page_1_and_403_for_others(
    busy_case, auditor_client, handler, django_assert_max_num_queries
):
    copies_of_history(busy_case, 300, start=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    url = reverse(URL)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        first = auditor_client.get(url, {"person": "", "case": busy_case.reference})
    n_first, first = count(auditor_client, url, {"case": busy_case.reference})
    assert first.content.decode().count('class="audit-row"') == 50
    response, pages = first, 1
    while response.context["next_query"]:
        n, response = count(auditor_client, url + "?" + response.context["next_query"], {})
        assert n == n_first
        pages += 1
    assert pages >= 6
    other = Client()
    other.force_login(handler)
    assert other.get(url).status_code == 403
    assert other.get(reverse("admin:cases_case_audit_export", args=["csv"])).status_code == 403


def test_csv_and_json_exports_hold_every_row(busy_case, auditor_client, auditor):
    params = {"case": busy_case.reference}
    filters = HistoryFilters(case_reference=busy_case.reference)
    expected = len(list(history_export_rows(filters=filters, reader=auditor)))
    response = auditor_client.get(reverse("admin:cases_case_audit_export", args=["csv"]), params)
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == expected
    assert {row["case_reference"] for row in table} == {busy_case.reference}
    response = auditor_client.get(reverse("admin:cases_case_audit_export", args=["json"]), params)
    data = json.loads(b"".join(response.streaming_content))
    assert len(data) == expected
    assert data[0]["case_id"] == busy_case.pk
    assert (
        auditor_client.get(reverse("admin:cases_case_audit_export", args=["xml"])).status_code
        == 404
    )
