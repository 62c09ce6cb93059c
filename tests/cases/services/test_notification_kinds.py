"""The notifications the customer gets for every change that matters to them (issue 14,
"Notifications"): each kind renders in English and Chinese; the answer to an offer, each action
carried out at the exchange, a moved deadline and a regulatory letter each have their own,
queued once per cause by the service that makes the change."""

import re

import pytest
from django.core import mail
from django.utils import translation

from cases.models import Notification
from cases.services.execution import action_execute, execution_start
from cases.services.notifications import (
    notification_deliver,
    notification_queue,
    notification_render,
    notification_title,
)
from cases.services.offers import customer_actor, offer_decide
from tests.factories.cases import SYSTEM, make_case
from tests.support.execution import ADVICE, REFUND, UNFREEZE, accepted_case, exchange_actions
from tests.support.notifications import CONTEXTS, customer_kinds
from tests.support.offers import offered_case, sent_offer

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def rendered(case, kind, locale, *, channel="email", context=None):
    notification = Notification(
        case=case,
        kind=kind,
        channel=channel,
        locale=locale,
        context=CONTEXTS[kind] if context is None else context,
    )
    return notification_render(notification)


def test_every_customer_kind_has_a_test_context():
    assert set(CONTEXTS) == set(customer_kinds())


@pytest.mark.parametrize("kind", customer_kinds())
@pytest.mark.parametrize("channel", ["email", "portal"])
def test_every_kind_renders_in_english_and_in_chinese(kind, channel):
    case = make_case()
    en_subject, en_body = rendered(case, kind, "en", channel=channel)
    zh_subject, zh_body = rendered(case, kind, "zh-hans", channel=channel)
    assert case.reference in en_subject
    assert case.reference in zh_subject
    assert not CHINESE.search(en_subject + en_body)
    assert CHINESE.search(zh_body), zh_body
    assert zh_body != en_body
    if kind != "case.letter":  # its subject is the letter's own, in the letter's language
        assert CHINESE.search(zh_subject), zh_subject


# --- The answer to an offer ------------------------------------------------------------------


def _decision_rows(case):
    return Notification.objects.filter(case=case, kind="case.decision_recorded")


@pytest.mark.parametrize("accept", [True, False])
def test_the_customers_answer_is_confirmed_once(accept):
    case = offered_case()
    offer = sent_offer(case)
    answer = {"accept": accept, "reason": "" if accept else "Too little."}
    offer_decide(offer=offer, channel="portal", actor=customer_actor("portal"), **answer)
    # The same answer again (a double click, the email link after the portal) changes nothing.
    offer_decide(offer=offer, channel="api", actor=customer_actor("api"), **answer)
    rows = _decision_rows(case)
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "portal"]
    email = rows.get(channel="email")
    assert email.dedupe_key.endswith(f":offer-{offer.pk}-decision:email")
    assert email.context == {"offer_id": offer.pk, "version": 1, "accepted": accept}
    subject, body = notification_render(email)
    if accept:
        assert subject == f"[{case.reference}] You accepted our offer"
        assert f"you accepted version 1 of our offer on your case {case.reference}" in body
        assert "We are now carrying it out at the exchange." in body
    else:
        assert subject == f"[{case.reference}] You rejected our offer"
        assert "you rejected version 1" in body
        assert "a revised offer or with our final response" in body


def test_the_answer_is_confirmed_in_the_customers_language():
    case = offered_case(complainant_locale="zh-hans")
    offer_decide(
        offer=sent_offer(case), accept=True, channel="portal", actor=customer_actor("portal")
    )
    subject, body = notification_render(_decision_rows(case).get(channel="email"))
    assert subject == f"[{case.reference}] 您已接受我们的方案"
    assert f"您接受了我们就您的案件 {case.reference} 提出的第 1 版方案" in body


# --- Each action carried out ----------------------------------------------------------------


def test_each_action_carried_out_is_told_once_with_its_amount_and_reference():
    case = accepted_case(actions=[REFUND, UNFREEZE, ADVICE])
    assert execution_start(case_id=case.pk) == "queued"
    refund, unfreeze = exchange_actions(case)
    assert action_execute(action_id=refund.pk) == "done"
    assert action_execute(action_id=refund.pk) == "skipped"  # a redelivered task
    assert action_execute(action_id=unfreeze.pk) == "done"

    rows = Notification.objects.filter(case=case, kind="case.payment_done", channel="email")
    assert rows.count() == 2  # the refund and the unfreeze; the advice needs nothing done
    by_action = {row.context["action_id"]: row for row in rows}
    refund.refresh_from_db()
    row = by_action[refund.pk]
    assert row.dedupe_key.endswith(f":action-{refund.pk}-done:email")
    assert row.context == {
        "action_id": refund.pk,
        "kind": "refund",
        "amount": "25.5 USDT",
        "reference": refund.ledger_reference,
    }
    subject, body = notification_render(row)
    assert subject == f"[{case.reference}] Done at the exchange: Refund"
    assert "Refund: 25.5 USDT" in body
    assert f"Exchange reference: {refund.ledger_reference}" in body
    subject, body = notification_render(by_action[unfreeze.pk])
    assert subject == f"[{case.reference}] Done at the exchange: Account unfreeze"
    assert "\nAccount unfreeze\n" in body  # no amount to show
    # Then the summary, once.
    assert Notification.objects.filter(case=case, kind="case.resolved").count() == 2


def test_the_action_is_named_in_chinese():
    case = make_case(complainant_locale="zh-hans")
    notification_queue(
        case=case,
        kind="case.payment_done",
        cause="action-1-done",
        actor=SYSTEM,
        context=CONTEXTS["case.payment_done"],
    )
    row = Notification.objects.get(case=case, kind="case.payment_done", channel="email")
    subject, body = notification_render(row)
    with translation.override("zh-hans"):
        from cases.enums import ActionKind

        refund = str(ActionKind.REFUND.label)
    assert subject == f"[{case.reference}] 已在交易所完成：{refund}"
    assert f"{refund}: 25.5 USDT" in body


# --- A moved deadline and a regulatory letter -------------------------------------------------


def test_a_moved_deadline_states_the_reasons_and_the_new_date_in_both_languages():
    case = make_case()
    _subject, en = rendered(case, "case.deadline_extended", "en")
    assert "We wait for a bank." in en
    assert "We now expect to send you our response by March 1, 2027." in en
    zh_subject, zh = rendered(case, "case.deadline_extended", "zh-hans")
    assert zh_subject == f"[{case.reference}] 我们需要更多时间处理您的投诉"
    assert "我们现在预计在 2027年3月1日 之前向您发送答复。" in zh
    assert "We wait for a bank." in zh


def test_a_moved_deadline_without_a_valid_date_still_renders():
    case = make_case()
    _subject, body = rendered(
        case, "case.deadline_extended", "en", context={"expected_date": "soon", "reasons": ""}
    )
    assert "We now expect" not in body
    assert "Why we need more time" not in body


def test_a_regulatory_letter_carries_its_text_and_subject(settings):
    case = make_case()
    notification_queue(
        case=case,
        kind="case.letter",
        cause="reg-letter-7",
        actor=SYSTEM,
        context=CONTEXTS["case.letter"],
    )
    row = Notification.objects.get(case=case, kind="case.letter", channel="email")
    assert notification_deliver(notification_id=row.pk, actor=SYSTEM) == "sent"
    sent = mail.outbox[-1]
    assert sent.subject == f"[{case.reference}] Holding reply"
    assert "Holding reply text." in sent.body
    assert f"/portal/cases/{case.reference}/" in sent.body
    portal = Notification.objects.get(case=case, kind="case.letter", channel="portal")
    assert notification_title(portal) == "Holding reply"


@pytest.mark.parametrize("kind", customer_kinds())
def test_every_kind_has_an_inbox_title_in_words(kind):
    case = make_case()
    portal = Notification(case=case, kind=kind, channel="portal", context=CONTEXTS[kind])
    title = notification_title(portal)
    assert title
    assert case.reference not in title
    assert not title.endswith(":")
    with translation.override("zh-hans"):
        chinese = notification_title(portal)
    if kind != "case.letter":
        assert CHINESE.search(chinese), chinese
    if kind == "case.payment_done":
        assert title == "Done at the exchange: Refund"
