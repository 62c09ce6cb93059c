"""The auditor's case timeline: every record of every object of the case, with diffs, who,
when and why, in a query budget that does not grow with the case's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, CaseEvent
from cases.selectors.audit import audit_sources, case_timeline_for_auditor
from tests.support.history import copies_of_history

pytestmark = pytest.mark.django_db

# Session, user, perms, one per case-linked source (offers, their actions and execution attempts
# and the surveys among them), name look-ups.
TIMELINE_QUERIES = 26


def timeline_url(case):
    return reverse("admin:cases_case_audit", args=[case.pk])


def test_sources_are_discovered_from_history_tables_with_a_case_column():
    linked = {s.label for s in audit_sources() if s.case_path}
    assert {
        "cases.case",
        "cases.message",
        "cases.evidence",
        "cases.notification",
        "cases.casetransaction",
        "cases.caserecusal",
        "cases.caseparticipant",
        "cases.qualityreview",
        "intake_channels.inboundemail",
        "intake_channels.chatsession",
        "intake_channels.socialmention",
        "cases.caseevent",
        "cases.recusalcheck",
        "cases.resolutionoffer",
        "cases.offeraction",
        "cases.executionattempt",
        "cases.survey",
    } <= linked
    paths = {s.label: s.case_path for s in audit_sources()}
    assert paths["cases.offeraction"] == "offer__case_id"
    assert paths["cases.executionattempt"] == "action__offer__case_id"
    unlinked = {s.label for s in audit_sources() if not s.case_path}
    assert {"cases.team", "cases.staffprofile"} <= unlinked


def test_timeline_shows_every_object_with_diffs_who_and_why(busy_case, handler, lead):
    entries = case_timeline_for_auditor(case=busy_case)
    sources = {e.source.label for e in entries}
    assert {"cases.case", "cases.message", "cases.notification", "cases.caseevent"} <= sources
    assert entries == sorted(entries, key=lambda e: (e.when, e.source.label, e.sort_id))
    assignment = next(
        e
        for e in entries
        if e.source.label == "cases.case" and any(c.field == "assignee" for c in e.changes)
    )
    change = next(c for c in assignment.changes if c.field == "assignee")
    # Readable: the person's username, not their id; the label is the field's verbose name.
    assert (change.old, change.new) == ("", handler.username)
    assert assignment.reason == "taking it"
    assert lead.username in assignment.actor
    created = next(e for e in entries if e.source.label == "cases.message" and e.kind == "+")
    assert any(c.new == "We are looking into it." for c in created.changes)


def test_timeline_page_for_auditor_and_refused_to_others(busy_case, auditor_client, handler):
    response = auditor_client.get(timeline_url(busy_case))
    assert response.status_code == 200
    body = response.content.decode()
    assert "We are looking into it." in body
    assert "taking it" in body
    change_page = auditor_client.get(reverse("admin:cases_case_change", args=[busy_case.pk]))
    assert timeline_url(busy_case) in change_page.content.decode()
    other = Client()
    other.force_login(handler)  # handles the case, but is no auditor
    assert other.get(timeline_url(busy_case)).status_code == 403
    handler_page = other.get(reverse("admin:cases_case_change", args=[busy_case.pk]))
    assert timeline_url(busy_case) not in handler_page.content.decode()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def test_timeline_queries_do_not_grow_with_1000_history_rows(
    case_factory, team, auditor_client, django_assert_max_num_queries
):
    small = case_factory(team=team)
    big = case_factory(team=team)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    copies_of_history(small, 10, start=start)
    copies_of_history(big, 1000, start=start)
    assert big.history.count() >= 1000
    small_count, _ = count_queries(auditor_client, timeline_url(small))
    with django_assert_max_num_queries(TIMELINE_QUERIES):
        response = auditor_client.get(timeline_url(big))
    big_count, response = count_queries(auditor_client, timeline_url(big))
    assert big_count == small_count
    # 500 entries a page; the rows beyond are on page 3 at the latest.
    assert response.content.decode().count('class="audit-entry"') == 500
    assert response.context["total"] >= 1000
    last = response.context["page"].paginator.num_pages
    with django_assert_max_num_queries(TIMELINE_QUERIES):
        tail = auditor_client.get(timeline_url(big) + f"?page={last}")
    assert "subject 999" in tail.content.decode()
    # Each bulk row is diffed against the one before it: exactly the subject changed.
    entries = [e for e in case_timeline_for_auditor(case=big) if e.reason == "bulk 500"]
    assert [(c.field, c.old, c.new) for c in entries[0].changes] == [
        ("subject", "subject 499", "subject 500")
    ]


def test_case_event_appears_with_state_move(busy_case):
    CaseEvent.objects.create(
        case=busy_case, type="case.test", actor_label="system:tests", from_state="a", to_state="b"
    )
    entries = case_timeline_for_auditor(case=Case.objects.get(pk=busy_case.pk))
    event = next(e for e in entries if e.title == "case.test")
    assert [(c.old, c.new) for c in event.changes] == [("a", "b")]
