"""Recusal reaches the auditor's screens (issue 11, finding 6): a recused auditor or compliance
officer gets 404 on the case's audit timeline and history pages, and the case's rows are absent
from the history search, the event, history, notification and check lists and the CSV / JSON
export, at the same query cost."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import CaseEvent, Notification
from cases.roles import AUDITOR, COMPLIANCE_OFFICER
from cases.services.conflicts import conflict_declaration_submit

pytestmark = pytest.mark.django_db

SEARCH_QUERIES = 8  # as tests/cases/audit/test_search.py


@pytest.fixture(params=[AUDITOR, COMPLIANCE_OFFICER])
def reader(request, staff):
    return staff(request.param, username="reader1")


@pytest.fixture
def other_case(case_factory, team, handler):
    from cases.services.intake import message_post_staff

    case = case_factory(team=team, assignee=handler)
    message_post_staff(case=case, actor=handler, body="Another case, another reply.")
    return case


def _lists():
    return {
        "events": reverse("admin:cases_caseevent_changelist"),
        "case history": reverse("admin:cases_historicalcase_changelist"),
        "notifications": reverse("admin:cases_notification_changelist"),
        "checks": reverse("admin:cases_recusalcheck_changelist"),
    }


def _case_ids_listed(client: Client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    return {getattr(row, "case_id", None) or row.id for row in rows}


def _export(client: Client, fmt: str) -> list[dict]:
    response = client.get(reverse("admin:cases_case_audit_export", args=[fmt]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    return json.loads(text)


def test_a_recused_reader_loses_the_case_on_every_audit_screen(
    busy_case, other_case, reader, django_assert_max_num_queries
):
    assert Notification.objects.filter(case=busy_case).exists()
    client = Client()
    client.force_login(reader)
    timeline = reverse("admin:cases_case_audit", args=[busy_case.pk])
    history = reverse("admin:cases_case_history", args=[busy_case.pk])
    search = reverse("admin:cases_case_audit_search")

    # Before: the reader sees the case everywhere (so the absences below prove the recusal).
    assert client.get(timeline).status_code == 200
    assert client.get(history).status_code == 200
    for url in _lists().values():
        assert busy_case.pk in _case_ids_listed(client, url), url
    assert any(r["case_reference"] == busy_case.reference for r in _export(client, "csv"))

    conflict_declaration_submit(
        staff=reader,
        actor=reader,
        kind="related_account",
        exchange_account_id=busy_case.complainant_account_id,
    )
    assert CaseEvent.objects.filter(case=busy_case, type="case.recusal.recused").exists()

    assert client.get(timeline).status_code == 404
    assert client.get(history).status_code == 404
    for name, url in _lists().items():
        listed = _case_ids_listed(client, url)
        assert busy_case.pk not in listed, name
    assert other_case.pk in _case_ids_listed(client, _lists()["events"])

    with django_assert_max_num_queries(SEARCH_QUERIES):
        page = client.get(search)
    refs = {row.case_reference for row in page.context["page"].rows}
    assert busy_case.reference not in refs
    assert other_case.reference in refs
    by_reference = client.get(search, {"case": busy_case.reference})
    assert by_reference.context["page"].rows == []

    for fmt in ("csv", "json"):
        rows = _export(client, fmt)
        assert rows, fmt
        assert all(str(r["case_id"]) != str(busy_case.pk) for r in rows), fmt
        assert any(r["case_reference"] == other_case.reference for r in rows), fmt
        # Rows not about a case (teams, staff profiles) stay.
        assert any(r["case_id"] in ("", None) for r in rows), fmt


def test_a_colleague_who_is_not_recused_still_sees_everything(busy_case, reader, staff):
    colleague = staff(AUDITOR, username="auditor2")
    conflict_declaration_submit(
        staff=reader,
        actor=reader,
        kind="related_account",
        exchange_account_id=busy_case.complainant_account_id,
    )
    client = Client()
    client.force_login(colleague)
    assert client.get(reverse("admin:cases_case_audit", args=[busy_case.pk])).status_code == 200
    assert busy_case.pk in _case_ids_listed(client, _lists()["events"])
    assert busy_case.pk in _case_ids_listed(client, _lists()["checks"])
