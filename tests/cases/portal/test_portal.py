"""The customer portal through Django's test client: sign-in, own cases only, the complaint
form (once per token), replies, evidence, 404 for anything foreign, query budgets, Chinese."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from cases.enums import Channel
from cases.models import Case, CaseEvent, Evidence, IdempotencyKey, Message, MessageDirection
from cases.services.intake import message_post_staff
from tests.factories.cases import SYSTEM, make_case
from tests.factories.portal import PASSWORD
from tests.support.portal import complaint_data, disguised_upload, png_upload, reply_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(portal_user):
    return portal_user("alice")


@pytest.fixture
def bob(portal_user):
    return portal_user("bob")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def own_case(user, **overrides):
    return make_case(
        customer=user,
        complainant_email=user.email,
        complainant_account_id=user.customer_profile.exchange_account_id,
        **overrides,
    )


# --- Sign-in ------------------------------------------------------------------------------


def test_sign_in_by_email_and_password(client, alice):
    response = client.post("/portal/sign-in/", {"email": "ALICE@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal:case_list")
    assert client.get("/portal/").context["user"] == alice


def test_wrong_password_is_refused_with_one_message(client, alice):
    response = client.post("/portal/sign-in/", {"email": alice.email, "password": "nope-nope"})
    assert response.status_code == 200
    assert "The email address or password is not correct." in response.content.decode()
    assert not response.context["user"].is_authenticated
    unknown = client.post("/portal/sign-in/", {"email": "x@example.com", "password": PASSWORD})
    assert "The email address or password is not correct." in unknown.content.decode()


def test_inactive_and_staff_users_cannot_sign_in_to_the_portal(client, portal_user, staff):
    portal_user("carol", active=False)
    response = client.post("/portal/sign-in/", {"email": "carol@example.com", "password": PASSWORD})
    assert not response.context["user"].is_authenticated
    agent = staff("Support agent")
    response = client.post("/portal/sign-in/", {"email": agent.email, "password": PASSWORD})
    assert not response.context["user"].is_authenticated


def test_sign_out_is_post_only(alice_client):
    assert alice_client.get("/portal/sign-out/").status_code == 405
    response = alice_client.post("/portal/sign-out/")
    assert response.status_code == 302
    assert alice_client.get("/portal/").status_code == 302


@pytest.mark.parametrize(
    "url",
    ["/portal/", "/portal/cases/new/", "/portal/cases/CX-1/", "/portal/chat/"],
)
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/portal/sign-in/?next=")


def test_next_parameter_cannot_leave_the_site(client, alice):
    response = client.post(
        "/portal/sign-in/",
        {"email": alice.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("portal:case_list")


# --- My cases -----------------------------------------------------------------------------


def test_my_cases_lists_only_my_own(alice_client, alice, bob):
    mine = own_case(alice, subject="Alice's trade")
    theirs = own_case(bob, subject="Bob's withdrawal")
    page = alice_client.get("/portal/").content.decode()
    assert mine.reference in page
    assert theirs.reference not in page
    assert "Bob&#x27;s withdrawal" not in page


def test_case_list_is_paginated(alice_client, alice):
    for _ in range(25):
        own_case(alice)
    first = alice_client.get("/portal/")
    assert len(first.context["rows"]) == 20
    second = alice_client.get("/portal/?page=2")
    assert len(second.context["rows"]) == 5


def test_user_text_is_escaped(alice_client, alice):
    case = own_case(alice, subject="<script>alert(1)</script>")
    for url in ("/portal/", f"/portal/cases/{case.reference}/"):
        page = alice_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- New complaint --------------------------------------------------------------------------


def test_new_complaint_opens_a_case_for_me_and_shows_the_reference(alice_client, alice):
    data = complaint_data(alice_client)
    data["attachments"] = [png_upload("one.png"), png_upload("two.png")]
    response = alice_client.post("/portal/cases/new/", data, follow=True)
    assert response.status_code == 200
    case = Case.objects.get(customer=alice)
    assert case.channel == Channel.WEB
    assert case.complainant_account_id == alice.customer_profile.exchange_account_id
    assert case.complainant_email == alice.email
    assert sorted(case.transactions.values_list("txid", flat=True)) == ["tx-aaa111", "tx-bbb222"]
    assert case.evidence.count() == 2
    page = response.content.decode()
    assert f"registered under the reference {case.reference}" in page
    assert response.redirect_chain[-1][0] == f"/portal/cases/{case.reference}/"


def test_refused_attachments_and_redaction_are_reported(alice_client, alice):
    phrase = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    data = complaint_data(alice_client, description=f"My seed is {phrase} please help")
    data["attachments"] = [png_upload("good.png"), disguised_upload("bad.png")]
    page = alice_client.post("/portal/cases/new/", data, follow=True).content.decode()
    case = Case.objects.get(customer=alice)
    assert case.evidence.count() == 1
    assert "bad.png was not accepted" in page
    assert "We removed them before storing it" in page
    assert "abandon ability" not in case.description


def test_double_submission_creates_one_case(alice_client, alice):
    data = complaint_data(alice_client)
    first = alice_client.post("/portal/cases/new/", data)
    second = alice_client.post("/portal/cases/new/", data)
    assert Case.objects.filter(customer=alice).count() == 1
    case = Case.objects.get(customer=alice)
    assert first.url == second.url == f"/portal/cases/{case.reference}/"
    assert IdempotencyKey.objects.filter(client=alice, case=case).count() == 1


def test_a_token_not_issued_to_this_session_is_refused(alice_client, alice):
    data = complaint_data(alice_client)
    data["form_token"] = "9b0c7f5e-0000-4000-8000-000000000000"
    response = alice_client.post("/portal/cases/new/", data)
    assert response.status_code == 302
    assert response.url == "/portal/cases/new/"
    assert not Case.objects.filter(customer=alice).exists()


def test_invalid_complaint_shows_errors_and_creates_nothing(alice_client, alice):
    response = alice_client.post(
        "/portal/cases/new/", complaint_data(alice_client, subject="", category="bogus")
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"subject", "category"}
    assert not Case.objects.exists()


# --- Case page ------------------------------------------------------------------------------


def test_case_page_shows_public_messages_timeline_and_notifications(alice_client, alice, team):
    case = own_case(alice, team=team, state_path=["start_assessment", "accept"])
    message_post_staff(case=case, actor=SYSTEM, body="Please send a screenshot.")
    message_post_staff(case=case, actor=SYSTEM, body="SECRET internal note", internal=True)
    response = alice_client.get(f"/portal/cases/{case.reference}/")
    page = response.content.decode()
    assert "Please send a screenshot." in page
    assert "SECRET internal note" not in page
    assert [s.title for s in response.context["timeline"]] == [
        "Received",
        "Being reviewed",
        "Investigating",
    ]
    assert "There is a new message about your case" in page
    assert "system:tests" not in page


def test_reply_adds_my_message(alice_client, alice):
    case = own_case(alice)
    response = alice_client.post(
        f"/portal/cases/{case.reference}/reply/",
        {
            "body": "Here is more detail.",
            "attachments": [png_upload()],
            "form_token": reply_token(alice_client, case),
        },
    )
    assert response.status_code == 302
    message = Message.objects.filter(case=case, direction=MessageDirection.INBOUND).last()
    assert message.body == "Here is more detail."
    assert message.author == alice
    assert message.channel == Channel.WEB
    assert message.evidence.count() == 1


def test_reply_requires_post(alice_client, alice):
    case = own_case(alice)
    assert alice_client.get(f"/portal/cases/{case.reference}/reply/").status_code == 405


def test_evidence_upload_good_png_accepted(alice_client, alice):
    case = own_case(alice)
    page = alice_client.post(
        f"/portal/cases/{case.reference}/evidence/",
        {"file": png_upload("receipt.png"), "description": "bank receipt"},
        follow=True,
    ).content.decode()
    evidence = Evidence.objects.get(case=case)
    assert evidence.channel == Channel.WEB
    assert evidence.added_by == alice
    assert "the file was added to your case" in page
    assert "receipt.png" in page


def test_evidence_upload_disguised_file_refused_with_a_message(alice_client, alice):
    case = own_case(alice)
    page = alice_client.post(
        f"/portal/cases/{case.reference}/evidence/",
        {"file": disguised_upload("photo.png")},
        follow=True,
    ).content.decode()
    assert not Evidence.objects.filter(case=case).exists()
    assert "photo.png was not accepted" in page


def test_download_own_evidence_is_an_attachment_and_logged(alice_client, alice):
    case = own_case(alice)
    alice_client.post(f"/portal/cases/{case.reference}/evidence/", {"file": png_upload("a.png")})
    evidence = Evidence.objects.get(case=case)
    response = alice_client.get(f"/portal/cases/{case.reference}/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    event = CaseEvent.objects.get(case=case, type="evidence.downloaded")
    assert event.actor == alice
    assert event.data["via"] == "portal"


# --- Foreign ids ----------------------------------------------------------------------------


def test_foreign_case_and_evidence_are_404_everywhere(client, alice, bob):
    theirs = own_case(bob)
    client.force_login(bob)
    client.post(f"/portal/cases/{theirs.reference}/evidence/", {"file": png_upload()})
    evidence = Evidence.objects.get(case=theirs)
    mine = own_case(alice)
    client.force_login(alice)
    ref = theirs.reference
    assert client.get(f"/portal/cases/{ref}/").status_code == 404
    assert client.get(f"/portal/cases/{ref.lower()}/").status_code == 404
    assert client.post(f"/portal/cases/{ref}/reply/", {"body": "x"}).status_code == 404
    assert client.post(f"/portal/cases/{ref}/evidence/", {"file": png_upload()}).status_code == 404
    assert client.get(f"/portal/cases/{ref}/evidence/{evidence.pk}/").status_code == 404
    # Bob's file through Alice's own case URL: still 404.
    assert client.get(f"/portal/cases/{mine.reference}/evidence/{evidence.pk}/").status_code == 404
    assert not Message.objects.filter(case=theirs).exists()
    assert Evidence.objects.filter(case=theirs).count() == 1


def test_staff_cannot_use_the_portal(client, staff):
    client.force_login(staff("Support agent"))
    assert client.get("/portal/").status_code == 403


# --- Query budgets --------------------------------------------------------------------------


def _queries(client, url, django_assert_max_num_queries, budget):
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_case_list_query_budget_is_flat(alice_client, alice, django_assert_max_num_queries):
    for _ in range(5):
        own_case(alice)
    few = _queries(alice_client, "/portal/", django_assert_max_num_queries, 8)
    for _ in range(45):
        own_case(alice)
    many = _queries(alice_client, "/portal/", django_assert_max_num_queries, 8)
    assert few == many


def test_case_page_query_budget_is_flat(alice_client, alice, django_assert_max_num_queries):
    case = own_case(alice)
    url = f"/portal/cases/{case.reference}/"

    def add(n):
        for i in range(n):
            message_post_staff(case=case, actor=SYSTEM, body=f"Update {i}")
            alice_client.post(f"/portal/cases/{case.reference}/evidence/", {"file": png_upload()})

    add(5)
    few = _queries(alice_client, url, django_assert_max_num_queries, 12)
    add(45)
    many = _queries(alice_client, url, django_assert_max_num_queries, 12)
    assert few == many


# --- Language ------------------------------------------------------------------------------


def test_language_switch_shows_chinese(alice_client, alice):
    own_case(alice)
    response = alice_client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/portal/cases/new/"}
    )
    assert response.status_code == 302
    page = alice_client.get("/portal/cases/new/").content.decode()
    assert 'lang="zh-Hans"' in page
    # Category names come from the shared catalogue.
    assert "充值" in page or "交易纠纷" in page
    english = alice_client.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert english.status_code == 302
    assert "Trade dispute" in alice_client.get("/portal/cases/new/").content.decode()


# --- A request for information ------------------------------------------------------------


def test_question_is_shown_and_my_answer_resumes_the_case(alice_client, alice, team):
    case = own_case(alice, team=team, state_path=["start_assessment", "accept", "request_info"])
    assert case.state == "awaiting_customer"
    page = alice_client.get(f"/portal/cases/{case.reference}/").content.decode()
    assert 'id="info-request"' in page
    assert escape(case.info_request) in page
    assert "Waiting for you" in page

    response = alice_client.post(
        f"/portal/cases/{case.reference}/reply/",
        {"body": "The txid is 0xabc123.", "form_token": reply_token(alice_client, case)},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "investigating"
    assert case.paused_at is None
    resumed = CaseEvent.objects.get(case=case, type="case.transition.resume")
    assert resumed.actor_label == "system:intake:reply"
    page = alice_client.get(f"/portal/cases/{case.reference}/").content.decode()
    assert 'id="info-request"' not in page
