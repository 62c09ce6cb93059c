"""The investigation screens of the staff admin, driven through the test client: pulling exchange
records, the evidence page and its review, the finding that cites evidence, consultations with
other teams (and their list), the staff timeline, and asking the customer for information."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from cases.enums import CaseState, Channel
from cases.models import (
    Case,
    CaseEvent,
    Evidence,
    EvidenceAnnotation,
    EvidenceKind,
    Message,
    MessageDirection,
    Relevance,
    Snapshot,
)
from cases.roles import AUDITOR, SUPPORT_AGENT
from cases.services.evidence import evidence_add
from demo.models import LedgerAccount, LedgerRecord, LedgerRecordKind
from tests.factories.cases import SYSTEM
from tests.factories.demo import LedgerAccountFactory, LedgerRecordFactory
from tests.support.admin import change_url, evidence_url, review_url, snapshot_url, transition_url
from tests.support.files import png
from tests.support.investigation import (
    ACCOUNT,
    COUNTERPARTY,
    START,
    add_item,
    ask,
    pull_data,
    state_of,
    timeline_titles,
)
from tests.support.lifecycle import INPUTS

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


# --- 1. snapshot pull ------------------------------------------------------------------------


def test_snapshot_form_offers_only_the_parties_accounts(client, handler, case):
    client.force_login(handler)
    response = client.get(snapshot_url(case))
    assert response.status_code == 200
    choices = [value for value, _label in response.context["form"].fields["account_id"].choices]
    assert choices == [ACCOUNT, COUNTERPARTY]
    html = response.content.decode()
    assert set(re.findall(r'<option value="([^"]*)"', html)) == {ACCOUNT, COUNTERPARTY}
    assert 'id="snapshot-form"' in html


def test_snapshot_pull_freezes_the_records_and_the_evidence_page_shows_them(client, handler, case):
    client.force_login(handler)
    response = client.post(snapshot_url(case), pull_data())
    item = Evidence.objects.get(case=case, kind=EvidenceKind.SNAPSHOT)
    assert response.status_code == 302
    assert response["Location"] == evidence_url(item)
    snapshot = Snapshot.objects.get(evidence=item)
    assert snapshot.account_id == ACCOUNT
    assert snapshot.record_count == 2  # T-LATE is after the window
    assert sorted(snapshot.kinds) == ["deposits", "trades"]

    page = client.get(evidence_url(item))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="snapshot-table"') == 2
    trades = html[html.index('data-kind="trades"') :]
    trades = trades[: trades.index("</table>")]
    assert "T-9001" in trades
    assert "27150.10" in trades
    assert "T-LATE" not in html
    deposits = html[html.index('data-kind="deposits"') :]
    deposits = deposits[: deposits.index("</table>")]
    assert "D-9001" in deposits
    assert "1500.50" in deposits
    viewed = CaseEvent.objects.get(case=case, type="evidence.viewed")
    assert viewed.data["evidence"] == item.pk
    assert viewed.actor_label.endswith(handler.username)


def test_a_big_snapshot_is_paged_per_kind(client, handler, case, django_assert_max_num_queries):
    from cases.admin.investigation import SNAPSHOT_ROWS_PER_PAGE

    account = LedgerAccount.objects.get(account_id=ACCOUNT)
    LedgerRecord.objects.bulk_create(
        LedgerRecordFactory.build(
            account=account,
            kind=LedgerRecordKind.TRADE,
            record_id=f"T-BULK-{i:04d}",
            occurred_at=START + timedelta(minutes=i),
            data={"symbol": "BTCUSDT", "side": "sell", "price": "27000.00", "quantity": "0.001"},
        )
        for i in range(2 * SNAPSHOT_ROWS_PER_PAGE + 50)
    )
    client.force_login(handler)
    response = client.post(snapshot_url(case), pull_data())
    assert response.status_code == 302
    page_url = response["Location"]

    with django_assert_max_num_queries(20):
        first = client.get(page_url).content.decode()
    trades = 2 * SNAPSHOT_ROWS_PER_PAGE + 51  # the bulk rows, then T-9001 a day in
    assert f"Trades ({trades})" in first
    assert first.count("T-BULK-") == SNAPSHOT_ROWS_PER_PAGE
    assert f"records 1-{SNAPSHOT_ROWS_PER_PAGE} of {trades}" in first
    assert "D-9001" in first  # the deposits table is not paged away
    last = client.get(page_url + "?p_trades=3").content.decode()
    assert last.count("T-BULK-") == 50
    assert "T-9001" in last  # the latest trade ends the last page
    assert "D-9001" in last
    # Every page looked at is a logged view.
    evidence_id = int(page_url.rstrip("/").rsplit("/", 1)[1])
    views = CaseEvent.objects.filter(case=case, type="evidence.viewed")
    assert [e.data["evidence"] for e in views] == [evidence_id, evidence_id]


def test_snapshot_of_an_account_that_is_not_a_party_is_a_form_error(client, handler, case):
    LedgerAccountFactory(account_id="EX-9999")
    client.force_login(handler)
    response = client.post(snapshot_url(case), pull_data(account_id="EX-9999"))
    assert response.status_code == 200
    assert "account_id" in response.context["form"].errors
    assert not Evidence.objects.filter(case=case).exclude(kind=EvidenceKind.CHAT_TRANSCRIPT)
    assert not Snapshot.objects.exists()
    assert not CaseEvent.objects.filter(case=case, type="evidence.snapshot.pulled").exists()


def test_snapshot_with_the_exchange_down_saves_nothing(client, handler, case, settings):
    settings.EXCHANGE_GATEWAY = "tests.support.investigation.DownGateway"
    evidence_before = Evidence.objects.filter(case=case).count()
    client.force_login(handler)
    response = client.post(snapshot_url(case), pull_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert "not answering" in html
    assert "connection refused" in html
    assert Evidence.objects.filter(case=case).count() == evidence_before
    assert not Snapshot.objects.exists()
    assert not CaseEvent.objects.filter(case=case, type="evidence.snapshot.pulled").exists()


def test_snapshot_is_404_for_another_team_and_403_for_an_auditor(client, staff, other_team, case):
    client.force_login(staff(SUPPORT_AGENT, teams=[other_team]))
    assert client.get(snapshot_url(case)).status_code == 404
    assert client.post(snapshot_url(case), pull_data()).status_code == 404

    client.force_login(staff(AUDITOR))
    assert client.get(change_url(case)).status_code == 200  # reads everything
    assert client.get(snapshot_url(case)).status_code == 403
    assert client.post(snapshot_url(case), pull_data()).status_code == 403
    assert not Snapshot.objects.exists()


# --- 2. evidence review ----------------------------------------------------------------------


def test_review_sets_relevance_and_adds_notes_that_are_never_edited(client, handler, case):
    item = add_item(case)
    prefix = f"e{item.pk}"
    client.force_login(handler)
    page = client.get(change_url(case)).content.decode()
    assert review_url(item) in page
    assert f'name="{prefix}-relevance"' in page

    response = client.post(
        review_url(item),
        {f"{prefix}-relevance": "relevant", f"{prefix}-note": "Shows the 4 s stall."},
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(case) + f"#evidence-{item.pk}"
    item.refresh_from_db()
    assert item.relevance == Relevance.RELEVANT
    html = client.get(change_url(case)).content.decode()
    assert re.search(r'class="evidence-note">.*Shows the 4 s stall\.', html)

    # No edit: a second review adds a note beside the first.
    client.post(
        review_url(item),
        {f"{prefix}-relevance": "relevant", f"{prefix}-note": "Matches the order log."},
    )
    notes = list(EvidenceAnnotation.objects.filter(evidence=item).order_by("id"))
    assert [n.text for n in notes] == ["Shows the 4 s stall.", "Matches the order log."]
    assert CaseEvent.objects.filter(case=case, type="evidence.reviewed").count() == 2


def test_auditor_cannot_review(client, staff, case):
    item = add_item(case)
    prefix = f"e{item.pk}"
    client.force_login(staff(AUDITOR))
    page = client.get(change_url(case)).content.decode()
    assert review_url(item) not in page
    response = client.post(
        review_url(item),
        {f"{prefix}-relevance": "relevant", f"{prefix}-note": "Auditor was here."},
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.relevance == Relevance.UNREVIEWED
    assert not EvidenceAnnotation.objects.filter(evidence=item).exists()
    assert not CaseEvent.objects.filter(case=case, type="evidence.reviewed").exists()


# --- 3. the finding cites evidence -------------------------------------------------------------


def finding_data(*evidence_ids):
    return {
        "reason": "Findings complete",
        "expected_state": CaseState.INVESTIGATING,
        **INPUTS["determine_responsibility"],
        "responsibility_evidence": [str(pk) for pk in evidence_ids],
    }


def test_finding_form_lists_the_case_evidence_and_refuses_what_is_not_its_own(
    client, handler, case, case_factory, team
):
    own = add_item(case)
    foreign = add_item(case_factory(team=team))
    url = transition_url(case, "determine_responsibility")
    client.force_login(handler)
    page = client.get(url)
    assert page.status_code == 200
    offered = set(
        re.findall(r'name="responsibility_evidence" value="(\d+)"', page.content.decode())
    )
    assert offered == {str(own.pk)}

    # Another case's item: the form offers only this case's items and refuses it before the
    # transition runs (Django's invalid-choice error, not the transition's condition).
    refused = client.post(url, finding_data(foreign.pk))
    assert refused.status_code == 200
    assert "responsibility_evidence" in refused.context["form"].errors
    assert f"{foreign.pk} is not one of the available choices" in refused.content.decode()
    assert state_of(case) == CaseState.INVESTIGATING

    # No item at all: the transition's own condition says what is missing.
    empty = client.post(url, finding_data())
    assert empty.status_code == 200
    assert "must cite at least one evidence item of this case" in empty.content.decode()
    assert state_of(case) == CaseState.INVESTIGATING
    assert not CaseEvent.objects.filter(
        case=case, type="case.transition.determine_responsibility"
    ).exists()


def test_finding_with_its_own_item_is_done_and_the_page_marks_it_cited(client, handler, case):
    own = add_item(case)
    other = add_item(case, name="unrelated.txt", content=b"nothing here")
    client.force_login(handler)
    response = client.post(transition_url(case, "determine_responsibility"), finding_data(own.pk))
    assert response.status_code == 302
    assert response["Location"] == change_url(case)
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == CaseState.RESPONSIBILITY_DETERMINED
    assert [int(pk) for pk in fresh.responsibility_evidence] == [own.pk]

    html = client.get(change_url(case)).content.decode()
    assert re.search(
        rf'id="evidence-{own.pk}" data-evidence="{own.pk}">\s*<td>{own.pk} <strong[^>]*>★</strong>',
        html,
    )
    assert re.search(
        rf'id="evidence-{other.pk}" data-evidence="{other.pk}">\s*<td>{other.pk}</td>', html
    )
    assert f'<a href="{evidence_url(own)}">#{own.pk} transcript.txt</a>' in html
    assert f'<a href="{evidence_url(other)}">#{other.pk}' not in html


# --- 6. the staff timeline ---------------------------------------------------------------------


def test_timeline_lists_what_happened_oldest_first(
    client, handler, other_team, case_factory, team, ledger
):
    case = case_factory(team=team, complainant_account_id=ACCOUNT)
    client.force_login(handler)
    response = client.post(
        transition_url(case, "start_assessment"),
        {"reason": "Triaged", "expected_state": CaseState.RECEIVED},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admin:cases_case_message", args=[case.pk]),
        {"body": "We are looking into your order.", "internal": "0"},
    )
    assert response.status_code == 302
    assert client.post(snapshot_url(case), pull_data()).status_code == 302
    assert ask(client, case, other_team).status_code == 302

    html = client.get(change_url(case)).content.decode()
    titles = timeline_titles(html)
    wanted = [
        "Start assessment",
        "Reply to the customer",
        "Exchange records pulled",
        "Consultation asked",
    ]
    for title in wanted:
        assert title in titles, titles
    assert [titles.index(t) for t in wanted] == sorted(titles.index(t) for t in wanted)
    assert titles[0] == "Case opened"
    assert len(titles) == CaseEvent.objects.filter(case=case).count()
    section = html[html.index('id="staff-timeline"') :]
    times = re.findall(r'<tr class="timeline-row [^"]*">\s*<td>([^<]*)</td>', section)
    assert times == sorted(times)


# --- 7. asking the customer for information -----------------------------------------------------


def test_request_info_needs_a_question_and_then_waits_for_the_customer(client, handler, case):
    url = transition_url(case, "request_info")
    client.force_login(handler)
    page = client.get(url)
    assert page.status_code == 200
    assert "What the customer is asked to provide" in page.content.decode()
    assert 'name="info_request"' in page.content.decode()

    data = {"reason": "Need the txid", "expected_state": CaseState.INVESTIGATING}
    refused = client.post(url, {**data, "info_request": "  "})
    assert refused.status_code == 200
    assert "Write what the customer is asked to provide." in refused.content.decode()
    assert state_of(case) == CaseState.INVESTIGATING
    assert not Message.objects.filter(case=case, direction=MessageDirection.OUTBOUND).exists()

    question = "Please send the transaction id of your USDT withdrawal."
    response = client.post(url, {**data, "info_request": question})
    assert response.status_code == 302
    assert state_of(case) == CaseState.AWAITING_CUSTOMER
    html = client.get(change_url(case)).content.decode()
    box = html[html.index('id="info-request"') :]
    box = box[: box.index('id="evidence"')]
    assert "Waiting for the customer" in box
    assert question in box
    message = Message.objects.get(case=case, direction=MessageDirection.OUTBOUND)
    assert message.body == question
    assert message.channel == Channel.STAFF


def test_text_evidence_is_shown_escaped_and_other_files_only_downloaded(client, handler, case):
    transcript = add_item(case, content=b"Agent: <script>alert(1)</script> the engine stalled.")
    picture = evidence_add(
        case=case, actor=SYSTEM, name="shot.png", content=png(), channel=Channel.WEB
    )
    client.force_login(handler)

    html = client.get(evidence_url(transcript)).content.decode()
    assert 'id="evidence-text"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; the engine stalled." in html
    assert "<script>alert(1)</script>" not in html
    html = client.get(evidence_url(picture)).content.decode()
    assert 'id="evidence-text"' not in html
    assert reverse("admin:cases_case_evidence_download", args=[case.pk, picture.pk]) in html
    assert CaseEvent.objects.filter(case=case, type="evidence.viewed").count() == 2
