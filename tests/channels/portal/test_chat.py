"""Live chat: presence decides whether chat is offered, redaction before storage, the agent
console (take, answer, convert to a case with the transcript as evidence), and access."""

import pytest
from django.utils import timezone

from cases.models import Case, EvidenceKind
from channels.models import ChatAgentPresence, ChatMessage, ChatSession, ChatStatus
from channels.services.chat import (
    chat_accept,
    chat_agent_seen,
    chat_convert_to_case,
    chat_post,
    chat_start,
)
from complaints_site.common.exceptions import ConflictError, PermissionDeniedError

pytestmark = pytest.mark.django_db
SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


@pytest.fixture
def agent(staff):
    return staff("Support agent")


def test_no_agent_online_offers_the_complaint_form(client, alice, agent):
    client.force_login(alice)
    page = client.get("/portal/chat/").content.decode()
    assert 'id="chat-offline"' in page
    assert "/portal/cases/new/" in page
    assert client.post("/portal/chat/start/").url == "/portal/chat/"
    assert not ChatSession.objects.exists()
    # An agent seen 2 minutes ago is not online either.
    chat_agent_seen(actor=agent)
    presence = ChatAgentPresence.objects.get(agent=agent)
    presence.last_seen_at = timezone.now() - timezone.timedelta(minutes=2)
    presence.save()
    assert 'id="chat-offline"' in client.get("/portal/chat/").content.decode()


def test_with_an_agent_online_the_user_starts_one_chat(client, alice, agent):
    chat_agent_seen(actor=agent)
    client.force_login(alice)
    assert 'id="start-chat"' in client.get("/portal/chat/").content.decode()
    first = client.post("/portal/chat/start/", {"topic": "Withdrawal stuck"})
    second = client.post("/portal/chat/start/", {"topic": "again"})
    session = ChatSession.objects.get(customer=alice)
    assert first.url == second.url == f"/portal/chat/{session.pk}/"
    assert session.status == ChatStatus.WAITING
    assert session.history.count() == 1


def test_chat_text_is_redacted_before_storage(alice, agent):
    session = chat_start(customer=alice, actor=alice)
    message = chat_post(session=session, actor=alice, body=f"my words: {SEED}")
    stored = ChatMessage.objects.get(pk=message.pk)
    assert "abandon ability" not in stored.body
    assert stored.redactions


def test_poll_returns_messages_after_an_id(client, alice, agent):
    session = chat_start(customer=alice, actor=alice)
    chat_accept(session=session, actor=agent)
    first = chat_post(session=session, actor=alice, body="hello")
    chat_post(session=session, actor=agent, body="Hi, how can I help?")
    client.force_login(alice)
    data = client.get(f"/portal/chat/{session.pk}/messages/?after={first.pk}").json()
    assert [m["body"] for m in data["messages"]] == ["Hi, how can I help?"]
    assert data["status"] == "active"


def test_customer_posts_through_the_portal(client, alice):
    session = chat_start(customer=alice, actor=alice)
    client.force_login(alice)
    response = client.post(f"/portal/chat/{session.pk}/post/", {"body": "anyone there?"})
    assert response.status_code == 201
    assert ChatMessage.objects.get(session=session).author == alice
    assert client.get(f"/portal/chat/{session.pk}/post/").status_code == 405


def test_someone_elses_chat_is_404(client, alice, portal_user):
    session = chat_start(customer=alice, actor=alice)
    client.force_login(portal_user("bob"))
    assert client.get(f"/portal/chat/{session.pk}/").status_code == 404
    assert client.get(f"/portal/chat/{session.pk}/messages/").status_code == 404
    assert client.post(f"/portal/chat/{session.pk}/post/", {"body": "x"}).status_code == 404


def test_only_agents_may_take_chats_and_only_once(alice, agent, staff):
    session = chat_start(customer=alice, actor=alice)
    with pytest.raises(PermissionDeniedError):
        chat_accept(session=session, actor=staff("Approver"))
    chat_accept(session=session, actor=agent)
    with pytest.raises(ConflictError):
        chat_accept(session=session, actor=staff("Support agent"))
    with pytest.raises(PermissionDeniedError):
        chat_post(session=session, actor=staff("Case handler"), body="hi")


def test_agent_console_take_answer_and_convert(client, alice, agent):
    session = chat_start(customer=alice, actor=alice, topic="Deposit missing")
    chat_post(session=session, actor=alice, body="My deposit tx-42 is missing.")
    client.force_login(agent)
    console = client.get("/admin/intake_channels/chatsession/")
    assert console.status_code == 200
    assert f"#{session.pk}" in console.content.decode()
    assert ChatAgentPresence.objects.filter(agent=agent).exists()
    assert client.get(f"/admin/intake_channels/chatsession/{session.pk}/accept/").status_code == 405
    client.post(f"/admin/intake_channels/chatsession/{session.pk}/accept/")
    response = client.post(
        f"/admin/intake_channels/chatsession/{session.pk}/post/", {"body": "Let me check."}
    )
    assert response.status_code == 201
    client.post(
        f"/admin/intake_channels/chatsession/{session.pk}/convert/",
        {"category": "deposit_withdrawal", "subject": "Deposit missing"},
    )
    session.refresh_from_db()
    case = Case.objects.get(pk=session.case_id)
    assert case.customer == alice
    assert case.channel == "chat"
    assert case.category == "deposit_withdrawal"
    transcript = case.evidence.get(kind=EvidenceKind.CHAT_TRANSCRIPT)
    assert transcript.content_type == "text/plain; charset=utf-8"
    text = transcript.file.open("rb").read().decode()
    assert "My deposit tx-42 is missing." in text
    assert "Let me check." in text
    assert session.status == ChatStatus.CLOSED
    # Converting again returns the same case.
    assert chat_convert_to_case(session=session, actor=agent) == case
    assert Case.objects.filter(customer=alice).count() == 1
    reasons = list(session.history.values_list("history_change_reason", flat=True))
    assert f"Converted to case {case.reference}" in reasons


def test_console_is_closed_to_staff_who_do_not_handle_cases(client, staff, alice):
    session = chat_start(customer=alice, actor=alice)
    client.force_login(staff("Approver"))
    assert client.get("/admin/intake_channels/chatsession/").status_code == 403
    assert client.get(f"/admin/intake_channels/chatsession/{session.pk}/answer/").status_code == 403
    client.force_login(alice)
    assert client.get("/admin/intake_channels/chatsession/").status_code == 302


def test_console_query_budget(client, agent, portal_user, django_assert_max_num_queries):
    client.force_login(agent)

    def count():
        with django_assert_max_num_queries(15) as captured:
            assert client.get("/admin/intake_channels/chatsession/").status_code == 200
        return len(captured.captured_queries)

    for i in range(3):
        user = portal_user(f"c{i}")
        chat_start(customer=user, actor=user)
    count()  # the first visit creates the presence row
    few = count()
    for i in range(3, 20):
        user = portal_user(f"c{i}")
        chat_start(customer=user, actor=user)
    assert count() == few
