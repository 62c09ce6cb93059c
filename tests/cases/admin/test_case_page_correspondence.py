"""The staff case page: correspondence and evidence, the reply form, the complaint-or-query
control and the evidence download, each with its permission checks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.enums import Channel
from cases.models import CaseEvent, Evidence, EvidenceKind, Message, MessageDirection, Notification
from cases.roles import CASE_HANDLER, SUPPORT_AGENT, TEAM_LEAD
from cases.services.evidence import evidence_add
from cases.services.intake import IntakeReply, intake_reply, message_post_staff
from tests.factories.cases import SYSTEM
from tests.support.admin import change_url
from tests.support.investigation import investigation_bulk_add

pytestmark = pytest.mark.django_db

SEED = (
    "abandon ability able about above absent absorb abstract absurd abuse access accident "
    "account accuse achieve"
)
# Measured on PostgreSQL (superuser 20, team lead 25, with the resolution offers, the Deadlines
# panel's clocks and steps and the regulators' letters sent; see test_page_queries_do_not_grow),
# plus one. The same count is required for a small case and
# for one with 50 messages, 200 evidence items with notes and snapshots, consultations and 500+
# events.
CASE_PAGE_BUDGET = {"superuser": 21, "lead": 26}


def message_url(case) -> str:
    return reverse("admin:cases_case_message", args=[case.pk])


def flag_url(case) -> str:
    return reverse("admin:cases_case_complaint_flag", args=[case.pk])


def download_url(evidence) -> str:
    return reverse("admin:cases_case_evidence_download", args=[evidence.case_id, evidence.pk])


def evidence_page_url(evidence) -> str:
    return reverse("admin:cases_case_evidence", args=[evidence.case_id, evidence.pk])


def add_evidence(case, *, name="orders.csv", content=b"order,price\n1,100\n", sensitive=False):
    return evidence_add(
        case=case,
        actor=SYSTEM,
        name=name,
        content=content,
        channel=Channel.STAFF,
        kind=EvidenceKind.SNAPSHOT,
        content_type="text/csv",
        is_sensitive=sensitive,
    )


@pytest.fixture
def agent(staff, team):
    return staff(SUPPORT_AGENT, teams=[team])


@pytest.fixture
def case(case_factory, team, agent):
    return case_factory(team=team, assignee=agent)


def test_page_shows_correspondence_in_order_with_redaction_marks(client, agent, case):
    intake_reply(
        reply=IntakeReply(
            case=case, channel=Channel.EMAIL, body=f"They asked me for {SEED}", author_label="me"
        ),
        actor=SYSTEM,
    )
    message_post_staff(case=case, actor=agent, body="Looking into it.")
    message_post_staff(case=case, actor=agent, body="Checked the order log.", internal=True)
    client.force_login(agent)
    html = client.get(change_url(case)).content.decode()
    first = html.index("They asked me for")
    assert first < html.index("Looking into it.") < html.index("Checked the order log.")
    assert "abandon ability" not in html
    assert "recovery (seed) phrase" in html
    assert "Internal note" in html
    assert 'id="staff-message-form"' in html


def test_page_lists_evidence_with_its_facts_and_a_download_link(client, agent, case):
    item = add_evidence(case)
    client.force_login(agent)
    html = client.get(change_url(case)).content.decode()
    for fact in (item.original_name, item.sha256, "text/csv", str(item.size), "system:tests"):
        assert fact in html
    assert evidence_page_url(item) in html
    assert download_url(item) in client.get(evidence_page_url(item)).content.decode()


def test_download_is_an_attachment_with_nosniff_and_is_logged(client, agent, case):
    item = add_evidence(case, name="orders.csv", content=b"<html>not rendered</html>")
    client.force_login(agent)
    response = client.get(download_url(item))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"<html>not rendered</html>"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "orders.csv" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    event = CaseEvent.objects.get(case=case, type="evidence.downloaded")
    assert event.data == {"evidence": item.pk, "via": "admin", "sensitive": False}
    assert event.actor_label.endswith(agent.username)


def test_agent_of_another_team_gets_404_for_the_download(client, staff, other_team, case):
    stranger = staff(SUPPORT_AGENT, teams=[other_team])
    item = add_evidence(case)
    client.force_login(stranger)
    assert client.get(download_url(item)).status_code == 404
    assert not CaseEvent.objects.filter(type="evidence.downloaded").exists()


def test_evidence_id_under_another_case_is_404(client, agent, case, case_factory, team):
    other = case_factory(team=team, assignee=agent)
    item = add_evidence(other)
    client.force_login(agent)
    wrong = reverse("admin:cases_case_evidence_download", args=[case.pk, item.pk])
    assert client.get(wrong).status_code == 404


def test_sensitive_evidence_is_404_for_a_plain_agent_but_opens_for_a_superuser(
    client, staff, agent, case
):
    item = add_evidence(case, name="passport.jpg", content=b"id", sensitive=True)
    client.force_login(agent)
    page = client.get(change_url(case)).content.decode()
    # Listed (so nobody thinks it is missing) but neither named nor linked.
    assert f'data-evidence="{item.pk}"' in page
    assert "passport.jpg" not in page
    assert "Sensitive item: restricted" in page
    assert download_url(item) not in page
    assert evidence_page_url(item) not in page
    assert client.get(download_url(item)).status_code == 404
    assert client.get(evidence_page_url(item)).status_code == 404
    assert not CaseEvent.objects.filter(
        type__in=("evidence.downloaded", "evidence.viewed")
    ).exists()

    client.force_login(staff(None, superuser=True))
    assert client.get(download_url(item)).status_code == 200
    assert CaseEvent.objects.get(type="evidence.downloaded").data["sensitive"] is True
    assert client.get(evidence_page_url(item)).status_code == 200
    assert CaseEvent.objects.get(type="evidence.viewed").data == {
        "evidence": item.pk,
        "via": "admin",
        "sensitive": True,
    }


def test_reply_creates_a_message_notifies_portal_and_email_and_stops_the_clock(
    client, agent, case, mailoutbox
):
    client.force_login(agent)
    response = client.post(
        message_url(case), {"body": "We have found your deposit.", "internal": "0"}
    )
    assert response.status_code == 302
    message = Message.objects.get(case=case, direction=MessageDirection.OUTBOUND)
    assert message.body == "We have found your deposit."
    assert message.author == agent
    notes = Notification.objects.filter(case=case, kind="case.message")
    assert sorted(notes.values_list("channel", flat=True)) == ["email", "portal"]
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert CaseEvent.objects.filter(case=case, type="case.message.sent").count() == 1


def test_internal_note_notifies_nobody(client, agent, case):
    client.force_login(agent)
    client.post(message_url(case), {"body": "Customer sounds upset.", "internal": "1"})
    message = Message.objects.get(case=case, direction=MessageDirection.INTERNAL)
    assert message.body == "Customer sounds upset."
    assert not Notification.objects.filter(case=case, kind="case.message").exists()
    case.refresh_from_db()
    assert case.first_response_at is None


def test_empty_reply_is_refused_with_a_clear_message(client, agent, case):
    client.force_login(agent)
    response = client.post(message_url(case), {"body": "   ", "internal": "0"}, follow=True)
    assert "The message is empty." in response.content.decode()
    assert not Message.objects.filter(case=case).exclude(direction="inbound").exists()


def test_reply_is_post_only_and_needs_change_rights(client, staff, other_team, agent, case):
    client.force_login(agent)
    assert client.get(message_url(case)).status_code == 405
    client.force_login(staff(SUPPORT_AGENT, teams=[other_team]))
    assert client.post(message_url(case), {"body": "hi", "internal": "0"}).status_code == 404
    assert not Message.objects.filter(case=case).exists()


def test_reply_needs_csrf(agent, case):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.post(message_url(case), {"body": "hi", "internal": "0"}).status_code == 403
    assert not Message.objects.filter(case=case).exists()


def test_flag_change_needs_a_reason_and_records_an_event(client, agent, case):
    assert case.is_complaint
    client.force_login(agent)
    refused = client.post(flag_url(case), {"is_complaint": "0", "reason": ""}, follow=True)
    assert "Say why you change the classification." in refused.content.decode()
    case.refresh_from_db()
    assert case.is_complaint

    client.post(flag_url(case), {"is_complaint": "0", "reason": "Only asks how fees work"})
    case.refresh_from_db()
    assert case.is_complaint is False
    event = CaseEvent.objects.get(case=case, type="case.classification.changed")
    assert event.reason == "Only asks how fees work"
    assert event.actor_label.endswith(agent.username)


def test_flag_control_is_for_those_who_may_assess(client, staff, team, case):
    # A team member reaches the case through the team's grant but holds no role: no assess_case.
    member = staff(None, teams=[team])
    client.force_login(member)
    assert client.post(flag_url(case), {"is_complaint": "0", "reason": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.is_complaint
    assert not CaseEvent.objects.filter(case=case, type="case.classification.changed").exists()


def grow_investigation(case, *, handler, evidence: int) -> None:
    """Bulk rows for the page budget: evidence items (every tenth a snapshot), a note on each,
    three open consultations and 400 more events."""
    investigation_bulk_add(case, handler=handler, evidence=evidence, label="tests")
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, type="evidence.viewed", actor_label="tests", data={"evidence": 1})
        for _ in range(400)
    )


@pytest.mark.parametrize("who", ["superuser", "lead"])
def test_page_queries_do_not_grow(
    client, staff, team, case_factory, django_assert_max_num_queries, who
):
    handler = staff(CASE_HANDLER)
    user = staff(None, superuser=True) if who == "superuser" else staff(TEAM_LEAD, teams=[team])
    client.force_login(user)
    small = case_factory(team=team, assignee=handler)
    large = case_factory(team=team, assignee=handler)
    for case, n in ((small, 2), (large, 50)):
        for i in range(n):
            message_post_staff(case=case, actor=handler, body=f"note {i}", internal=i % 2 == 1)
            add_evidence(case, name=f"file-{i}.csv", content=f"row {i}".encode())
        grow_investigation(case, handler=handler, evidence=2 if case is small else 150)
    assert Evidence.objects.filter(case=large).count() == 200
    assert CaseEvent.objects.filter(case=large).count() >= 500
    client.get(change_url(small))  # warm process-wide caches
    counts = []
    for case in (small, large):
        with django_assert_max_num_queries(CASE_PAGE_BUDGET[who]) as captured:
            response = client.get(change_url(case))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    html = response.content.decode()
    assert html.count('class="evidence"') == 200
    assert html.count('class="evidence-note"') == 200
    assert html.count('class="timeline-row ') == CaseEvent.objects.filter(case=large).count()
    assert html.count('class="consultation open"') == 3
    assert response.content.decode().count('data-message="') == 50
    print(f"case page queries ({who}): {counts}")


def test_auditor_reads_the_correspondence_but_cannot_reply(client, staff, agent, case):
    from cases.roles import AUDITOR

    message_post_staff(case=case, actor=agent, body="Checked the order log.", internal=True)
    client.force_login(staff(AUDITOR))
    html = client.get(change_url(case)).content.decode()
    assert "Checked the order log." in html
    assert 'id="staff-message-form"' not in html
    assert 'id="complaint-flag-form"' not in html
    assert client.post(message_url(case), {"body": "hi", "internal": "1"}).status_code == 403
    assert Message.objects.filter(case=case).count() == 1
