"""Demo data of the intake channels, loaded by `seed_demo` after the cases' demo data:
mail through the real pipe (a new complaint in English, one in GB2312-encoded Chinese, a reply
threaded by its signed token, an auto-reply that is dropped, a message that is quarantined),
a live chat turned into a case, and social-media mentions in every triage state.

Idempotent like the rest of the demo: mail is deduplicated by Message-ID, chats are keyed by
topic and mentions by (platform, post id).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.enums import Category
from cases.lib.reply_tokens import reply_token
from cases.models import Case
from channels.models import ChatSession, InboundEmail, InboundEmailSource, SocialMention
from channels.services.chat import chat_accept, chat_convert_to_case, chat_post, chat_start
from channels.services.email import inbound_email_process
from channels.services.social import (
    MentionPayload,
    mention_convert,
    mention_identify,
    mention_receive,
    mention_reply,
)
from complaints_site.common.actors import SystemActor

ACTOR = SystemActor("seed_demo")


@dataclass
class ChannelSeedResult:
    emails: list[str] = field(default_factory=list)
    chats: int = 0
    mentions: int = 0


def _gb2312_b64(text: str) -> str:
    return base64.encodebytes(text.encode("gb2312")).decode("ascii")


NEW_COMPLAINT = b"""Received: from mail-wr1-f41.google.com (mail-wr1-f41.google.com [209.85.221.41])
\tby mx.exchange.example with ESMTPS id 7f3c2a; Mon, 02 Nov 2026 09:14:02 +0000
From: Carlos Mendes <carlos.mendes@example.org>
To: complaints@exchange.example
Subject: Deposit of 0.35 ETH not credited
Date: Mon, 02 Nov 2026 10:13:55 +0100
Message-ID: <CAF3kq9demo0001@mail.gmail.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="000000000000demo01"

--000000000000demo01
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Hello,

I sent 0.35 ETH to my deposit address two days ago. The transaction has 300+ c=
onfirmations on Etherscan but my balance still shows nothing.

Tx: 0x9f1c2b7e4d0a6c3f8b5e1d2a7c9f0b3e6d4a8c1f2e5b9d7a0c3f6e8b1d4a7c2f
Account: UID63305518

Please credit it or tell me what is wrong.
Carlos

--000000000000demo01
Content-Type: text/html; charset="UTF-8"

<div>Hello,<br><br>I sent 0.35 ETH to my deposit address two days ago.</div>

--000000000000demo01--
"""

CHINESE_COMPLAINT = (
    """Received: from smtpbgsg2.qq.com (smtpbgsg2.qq.com [54.254.200.128])
\tby mx.exchange.example with ESMTPS id 4XkQ1m; Tue, 03 Nov 2026 08:01:44 +0000
From: =?gb2312?B?wO7P/g==?= <lixiang1990@foxmail.com>
To: complaints <complaints@exchange.example>
Subject: =?gb2312?B?zOHP1sO709C1vdXLo6zH676hv+y0psDt?=
Date: Tue, 03 Nov 2026 16:01:37 +0800
X-Mailer: Foxmail 7.2.25.228[cn]
Mime-Version: 1.0
Message-ID: <202611031601371932517demo@foxmail.com>
Content-Type: text/plain; charset="GB2312"
Content-Transfer-Encoding: base64

"""
    + _gb2312_b64(
        "您好：\n\n我于11月1日提现2000 USDT（TRC20），页面一直显示处理中，至今没有到账。"
        "请尽快处理并告知原因。\n\n李响\n"
    )
).encode("ascii")

AUTO_REPLY = b"""From: Carlos Mendes <carlos.mendes@example.org>
To: complaints@exchange.example
Subject: Out of office: Deposit of 0.35 ETH not credited
Date: Mon, 02 Nov 2026 11:00:00 +0100
Message-ID: <ooo-demo-0001@example.org>
Auto-Submitted: auto-replied
X-Autoreply: yes
Content-Type: text/plain; charset="UTF-8"

I am out of the office until Monday.
"""

UNREADABLE = b"""From: undisclosed-recipients:;
To: complaints@exchange.example
Subject: (no subject)
Message-ID: <garbage-demo-0001@unknown>
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

////AAAA====
"""


def _reply_by_token(case: Case) -> bytes:
    token = reply_token(case.reference)
    return f"""From: Carlos Mendes <carlos.mendes@example.org>
To: complaints+{token}@exchange.example
Subject: Re: [{case.reference}] We have received your complaint
Date: Tue, 03 Nov 2026 09:30:00 +0100
Message-ID: <CAF3kq9demo0002@mail.gmail.com>
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"

The deposit went to 0x4b2e...91ac, the address shown in my account on 28 October.
I attach nothing else; the transaction hash is in my first mail.
""".encode()


def _seed_email(result: ChannelSeedResult) -> None:
    for raw in (NEW_COMPLAINT, CHINESE_COMPLAINT, AUTO_REPLY, UNREADABLE):
        row = inbound_email_process(raw=raw, source=InboundEmailSource.MTA, actor=ACTOR)
        result.emails.append(row.status)
    first = InboundEmail.objects.filter(rfc_message_id__icontains="CAF3kq9demo0001").first()
    if first is not None and first.case_id:
        row = inbound_email_process(
            raw=_reply_by_token(first.case), source=InboundEmailSource.IMAP, actor=ACTOR
        )
        result.emails.append(row.status)


def _seed_chat(users: dict[str, Any], result: ChannelSeedResult) -> None:
    topic = "Futures position liquidated during maintenance"
    if ChatSession.objects.filter(topic=topic).exists():
        return
    bob, agent = users["bob"], users["agent"]
    session = chat_start(customer=bob, actor=bob, topic=topic, locale="zh-hans")
    chat_post(
        session=session, actor=bob, body="我的合约仓位在系统维护期间被强平了，维护公告里没有提到。"
    )
    session = chat_accept(session=session, actor=agent)
    chat_post(
        session=session,
        actor=agent,
        body="您好，我是客服 Mia。请问是哪一个交易对、大约什么时间？",
    )
    chat_post(session=session, actor=bob, body="BTCUSDT 永续，11月5日 02:10 左右（UTC）。")
    chat_post(
        session=session,
        actor=agent,
        body="谢谢。我会为您登记为正式投诉，由投诉团队核查维护期间的强平记录。",
    )
    chat_convert_to_case(
        session=session,
        actor=agent,
        category=Category.TRADE_DISPUTE,
        subject="合约在系统维护期间被强平",
    )
    result.chats += 1


MENTIONS = [
    (
        "x",
        "1853001",
        "crypto_sam",
        "@exchange my withdrawal has been stuck for 3 days, support is useless. Anyone else?",
        "new",
    ),
    (
        "weibo",
        "4990213377",
        "小鱼不吃鱼",
        "@交易所 充值两天了还没到账，客服一直没回复，太差了",
        "replied",
    ),
    (
        "x",
        "1853177",
        "jmiller_trades",
        "@exchange you froze my account with no explanation and my funds are locked",
        "converted",
    ),
]


def _seed_social(users: dict[str, Any], result: ChannelSeedResult) -> None:
    now = timezone.now()
    agent = users["agent"]
    for n, (platform, post_id, handle, text, target) in enumerate(MENTIONS):
        if SocialMention.objects.filter(platform=platform, post_id=post_id).exists():
            continue
        mention, _created = mention_receive(
            payload=MentionPayload(
                platform=platform,
                post_id=post_id,
                author_handle=handle,
                text=text,
                posted_at=now - timedelta(hours=5 - n),
                url=f"https://{platform}.example/{handle}/status/{post_id}",
            ),
            actor=ACTOR,
        )
        if target in ("replied", "converted"):
            mention = mention_reply(mention=mention, actor=agent)
        if target == "converted":
            mention = mention_identify(
                mention=mention,
                actor=agent,
                account_id="UID72001964",
                email="j.miller@example.net",
            )
            mention_convert(mention=mention, actor=agent)
        result.mentions += 1


def channels_demo_seed() -> ChannelSeedResult:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["agent", "bob"])}
    result = ChannelSeedResult()
    _seed_email(result)
    _seed_chat(users, result)
    _seed_social(users, result)
    return result
