"""Triage of social mentions: the standard reply, identifying the author, converting to a case
(exactly once), dismissing; and the admin queue that drives them."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from cases.models import Case, Evidence, EvidenceKind, Team
from cases.roles import AUDITOR, CASE_HANDLER, SUPPORT_AGENT, TEAM_LEAD
from channels.models import MentionStatus, SocialMention
from channels.services.social import (
    MentionPayload,
    mention_convert,
    mention_dismiss,
    mention_dismiss_reason,
    mention_guess_category,
    mention_identify,
    mention_locale,
    mention_receive,
    mention_reply,
    mention_reply_text,
)
from complaints_site.common.exceptions import ApplicationError, ConflictError
from tests.factories.cases import SYSTEM, make_team
from tests.support.threads import run_together

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/intake_channels/socialmention/"
# Measured on PostgreSQL: 7 for a support agent with 3 and 40 mentions and with a case
# column; plus one.
CHANGELIST_BUDGET = 8

# What a public reply must never ask for, in either language.
FORBIDDEN_EN = re.compile(
    r"\b(send|share|post|give|provide|tell|dm)\b[^.]*\b(account|uid|id|e-?mail|phone|"
    r"screenshot|password|code|phrase|address)\b",
    re.I,
)
FORBIDDEN_ZH = re.compile(
    r"(发送|提供|告诉|私信|留下|贴出|发给|发布|公开).{0,12}(账号|账户|UID|邮箱|电话|手机|截图|密码|验证码|助记词|个人信息)"
)
# A sentence may name those things only to warn against sharing them.
NEGATION = re.compile(r"\b(not|never|don't)\b|不要|切勿|请勿|绝不|不会|决不", re.I)


def asks_for_personal_data(text: str) -> list[str]:
    """The sentences of `text` that request personal data (and do not warn against it)."""
    sentences = re.split(r"(?<=[.!?。！？])\s*", text)
    return [
        s
        for s in sentences
        if (FORBIDDEN_EN.search(s) or FORBIDDEN_ZH.search(s)) and not NEGATION.search(s)
    ]


def test_the_detector_catches_a_request():
    assert asks_for_personal_data("Sorry! Please DM us your UID and email.")
    assert asks_for_personal_data("请私信提供您的账号和截图。")
    assert not asks_for_personal_data("Please do not post your account details here.")


def receive(post_id="p-1", text="@exchange my withdrawal is stuck for 3 days", **kw):
    mention, _created = mention_receive(
        payload=MentionPayload(
            platform=kw.pop("platform", "x"),
            post_id=post_id,
            author_handle=kw.pop("author_handle", "angry_trader"),
            text=text,
            url=kw.pop("url", f"https://x.com/angry_trader/status/{post_id}"),
            posted_at=datetime(2025, 5, 1, 8, 30, tzinfo=UTC),
        ),
        actor=SYSTEM,
    )
    return mention


@pytest.fixture(autouse=True)
def support_team(db):
    # Intake routes new cases to the default team.
    return make_team("support", "Support")


@pytest.fixture
def agent(staff, support_team):
    return staff(SUPPORT_AGENT, teams=[support_team])


# --- the standard reply --------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en", "zh-hans"])
def test_reply_template_asks_for_no_personal_data(locale):
    text = mention_reply_text(locale=locale)
    assert asks_for_personal_data(text) == []
    # It does send the person somewhere official.
    assert re.search(r"portal|chat|email|门户|在线客服|邮箱|官方", text, re.I)


def test_chinese_translation_of_the_reply_asks_for_no_personal_data():
    from tools.translations.social import ZH

    with translation.override("en"):
        english = mention_reply_text(locale="en")
    chinese = ZH[english]
    assert re.search(r"[\u4e00-\u9fff]", chinese)
    assert asks_for_personal_data(chinese) == []
    assert "官方" in chinese


def test_language_follows_the_post():
    assert mention_locale(text="提现三天了还没到账！") == "zh-hans"
    assert mention_locale(text="withdrawal stuck @exchange 3 days") == "en"


def test_reply_is_in_the_posts_language_and_recorded(agent):
    english = mention_reply(mention=receive("en-1"), actor=agent)
    chinese = mention_reply(mention=receive("zh-1", text="@交易所 提现三天了还没到账"), actor=agent)
    assert english.status == chinese.status == MentionStatus.REPLIED
    assert english.reply_text == mention_reply_text(locale="en")
    assert chinese.reply_text == mention_reply_text(locale="zh-hans")
    assert english.handled_by == agent
    assert english.handled_at is not None
    latest = english.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Standard public reply"
    assert latest.history_actor.endswith(agent.username)


def test_reply_to_a_chinese_post_is_in_chinese(agent):
    reply = mention_reply(mention=receive("zh-2", text="提现三天了还没到账"), actor=agent)
    assert re.search(r"[\u4e00-\u9fff]", reply.reply_text)
    assert reply.reply_text != mention_reply_text(locale="en")


def test_second_reply_keeps_the_first(agent, staff):
    mention = mention_reply(mention=receive(), actor=agent)
    again = mention_reply(mention=mention, actor=staff(TEAM_LEAD))
    assert again.handled_by == agent
    assert mention.history.count() == 2  # received, replied


# --- identify, convert, dismiss --------------------------------------------------------------


def test_convert_is_refused_before_the_author_is_identified(agent):
    mention = receive()
    with pytest.raises(ApplicationError, match="Identify the author"):
        mention_convert(mention=mention, actor=agent)
    assert Case.objects.count() == 0
    mention.refresh_from_db()
    assert mention.status == MentionStatus.NEW


def test_identify_needs_both_fields(agent):
    with pytest.raises(ApplicationError) as info:
        mention_identify(mention=receive(), actor=agent, account_id=" ", email="nope")
    assert set(info.value.extra["errors"]) == {"account_id", "email"}


def test_convert_opens_exactly_one_case_with_the_post_as_evidence(agent):
    mention = receive(text="@exchange my withdrawal is stuck for 3 days, not credited")
    mention_identify(mention=mention, actor=agent, account_id="UID-77", email="Trader@Example.com")
    converted = mention_convert(mention=mention, actor=agent)

    case = Case.objects.get()
    assert converted.status == MentionStatus.CONVERTED
    assert converted.case == case
    assert case.channel == "social"
    assert case.category == "deposit_withdrawal"
    assert case.complainant_account_id == "UID-77"
    assert case.complainant_email == "trader@example.com"
    assert case.team == Team.objects.get(code="support")
    first = case.messages.get()
    assert first.source == {
        "type": "social",
        "platform": "x",
        "post_id": "p-1",
        "url": "https://x.com/angry_trader/status/p-1",
        "mention": mention.pk,
    }
    evidence = Evidence.objects.get(case=case)
    assert evidence.kind == EvidenceKind.SOCIAL_POST
    assert evidence.content_type == "application/json"
    assert evidence.message == first
    record = json.loads(evidence.file.open("rb").read())
    assert record["post_id"] == "p-1"
    assert record["text"] == mention.text

    with pytest.raises(ConflictError):
        mention_convert(mention=mention, actor=agent)
    assert Case.objects.count() == 1


def test_unmatched_post_becomes_category_other():
    assert mention_guess_category(text="hello @exchange") == "other"
    assert mention_guess_category(text="我的账户被盗了") == "account_security"


def test_dismiss_needs_a_reason_and_closes_the_mention(agent):
    mention = receive()
    with pytest.raises(ApplicationError):
        mention_dismiss(mention=mention, actor=agent, reason="  ")
    dismissed = mention_dismiss(mention=mention, actor=agent, reason="Spam, not a customer")
    assert dismissed.status == MentionStatus.DISMISSED
    assert mention_dismiss_reason(mention=dismissed) == "Spam, not a customer"
    for act in (
        lambda: mention_reply(mention=mention, actor=agent),
        lambda: mention_identify(mention=mention, actor=agent, account_id="U", email="a@b.c"),
        lambda: mention_convert(mention=mention, actor=agent),
    ):
        with pytest.raises(ConflictError):
            act()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_converting_at_once_open_one_case(staff):
    make_team("support", "Support")
    agent = staff(SUPPORT_AGENT)
    mention = receive(post_id="race-2")
    mention_identify(mention=mention, actor=agent, account_id="UID-9", email="a@example.com")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def convert():
        try:
            barrier.wait()
            mention_convert(mention=mention, actor=agent)
            outcomes.append("converted")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    run_together(convert, times=4)
    assert sorted(outcomes) == ["conflict"] * 3 + ["converted"]
    assert Case.objects.count() == 1
    assert Evidence.objects.filter(kind=EvidenceKind.SOCIAL_POST).count() == 1


# --- admin ---------------------------------------------------------------------------------


def act_url(mention, name):
    return reverse("admin:intake_channels_socialmention_act", args=[mention.pk, name])


def test_queue_is_for_triage_roles_only(client, staff, agent):
    receive()
    client.force_login(agent)
    assert client.get(CHANGELIST).status_code == 200
    client.force_login(staff(TEAM_LEAD))
    assert client.get(CHANGELIST).status_code == 200
    client.force_login(staff(AUDITOR))
    assert client.get(CHANGELIST).status_code == 403
    assert client.post(act_url(SocialMention.objects.get(), "reply")).status_code == 403


def test_admin_offers_no_add_edit_or_delete(client, agent):
    mention = receive()
    client.force_login(agent)
    page = client.get(reverse("admin:intake_channels_socialmention_change", args=[mention.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="text"' not in html
    assert 'data-action="reply"' in html
    assert 'data-action="convert"' not in html  # not identified yet
    assert client.get(CHANGELIST + "add/").status_code == 403
    delete = reverse("admin:intake_channels_socialmention_delete", args=[mention.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SocialMention.objects.count() == 1


def test_admin_identify_then_convert_through_the_forms(client, agent):
    mention = receive()
    client.force_login(agent)
    bad = client.post(act_url(mention, "identify"), {"account_id": "", "email": "x"})
    assert bad.status_code == 200
    assert "This field is required." in bad.content.decode()
    ok = client.post(
        act_url(mention, "identify"), {"account_id": "UID-5", "email": "u@example.com"}
    )
    assert ok.status_code == 302
    client.post(act_url(mention, "convert"))
    mention.refresh_from_db()
    assert mention.status == MentionStatus.CONVERTED
    assert mention.case is not None
    # A second POST (double click) opens nothing more and says why.
    again = client.post(act_url(mention, "convert"))
    assert "already a case" in again.content.decode()
    assert Case.objects.count() == 1


def test_admin_list_actions_reply_and_refuse_unidentified_convert(client, agent):
    first, second = receive("a-1"), receive("a-2")
    client.force_login(agent)
    client.post(
        CHANGELIST,
        {"action": "convert_selected", "_selected_action": [first.pk, second.pk]},
    )
    assert Case.objects.count() == 0
    client.post(CHANGELIST, {"action": "reply_selected", "_selected_action": [first.pk, second.pk]})
    assert set(SocialMention.objects.values_list("status", flat=True)) == {"replied"}


def test_admin_dismiss_requires_a_reason(client, agent):
    mention = receive()
    client.force_login(agent)
    assert client.post(act_url(mention, "dismiss"), {"reason": ""}).status_code == 200
    mention.refresh_from_db()
    assert mention.status == MentionStatus.NEW
    client.post(act_url(mention, "dismiss"), {"reason": "Praise, nothing to do"})
    mention.refresh_from_db()
    assert mention.status == MentionStatus.DISMISSED


def test_admin_actions_are_post_only_for_changes(client, agent):
    mention = receive()
    client.force_login(agent)
    assert client.get(act_url(mention, "reply")).status_code == 200  # confirmation page
    mention.refresh_from_db()
    assert mention.status == MentionStatus.NEW
    assert client.get(act_url(mention, "nope")).status_code == 404


def test_admin_list_query_budget(client, staff, agent, django_assert_max_num_queries):
    handler = staff(CASE_HANDLER)
    client.force_login(agent)
    counts = []
    for n in (3, 40):
        for i in range(n):
            m = receive(f"q-{n}-{i}", platform="x" if i % 2 else "weibo")
            if i % 3 == 0:
                mention_reply(mention=m, actor=handler)
        with django_assert_max_num_queries(CHANGELIST_BUDGET) as captured:
            response = client.get(CHANGELIST + "?status__exact=replied")
        assert response.status_code == 200
        counts.append(len(captured))
    # One converted mention with its case: the case column must not add a query per row.
    identified = receive("q-case")
    mention_identify(mention=identified, actor=agent, account_id="U1", email="u1@example.com")
    mention_convert(mention=identified, actor=agent)
    with django_assert_max_num_queries(CHANGELIST_BUDGET) as captured:
        response = client.get(CHANGELIST)
    counts.append(len(captured))
    assert response.content.decode().count(Case.objects.get().reference) == 1
    assert len(set(counts)) == 1, counts
    print(f"mention list queries: {counts}")
