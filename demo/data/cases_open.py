"""Demo cases still at the start: received, being assessed, under investigation or waiting
for the customer.

In the order `seed_demo` opens them (references follow it)."""

from __future__ import annotations

from cases.enums import Category, Channel, Locale, Priority
from demo.data.people import ACCOUNTS
from demo.data.walks import DemoCase, Step, accept, answered, ask, assess

OPEN_CASES: list[DemoCase] = [
    # --- received --------------------------------------------------------------------------
    DemoCase(
        subject="USDT deposit via TRC20 not credited after 6 hours",
        description=(
            "I deposited 1,250 USDT from my hardware wallet on the TRON network. The transaction "
            "has 400+ confirmations on Tronscan but my spot wallet still shows 0. Please credit "
            "it; I need the funds for a position."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="alice@example.com",
        account_id=ACCOUNTS["alice"],
        customer="alice",
        transactions=("9f3c1e0b7a5d4c2e8b6a1f0d3c5e7a9b2d4f6e8a0c1b3d5f7e9a2c4b6d8f0e1a",),
    ),
    DemoCase(
        subject="提现手续费比页面显示的高",
        description="我在 App 上提现 0.05 BTC，页面显示手续费 0.0002 BTC，但实际扣了 0.0005 BTC。"
        "请解释差额并退还多扣的部分。",
        category=Category.FEES,
        priority=Priority.P4,
        channel=Channel.EMAIL,
        email="wang.lei88@example.cn",
        account_id="UID30917752",
        locale=Locale.ZH_HANS,
    ),
    DemoCase(
        subject="Support chat closed my conversation without an answer",
        description=(
            "Third time this week the live chat says 'conversation ended' while I am waiting for "
            "an agent. I only want to know why my withdrawal is pending."
        ),
        category=Category.SERVICE_QUALITY,
        priority=Priority.P3,
        channel=Channel.SOCIAL,
        email="jonas.berg@example.org",
        account_id="UID28840215",
        team="support",
    ),
    # --- assessing -------------------------------------------------------------------------
    DemoCase(
        subject="Stop-limit order triggered but never filled during BTC drop",
        description=(
            "My stop-limit sell on BTC/USDT (stop 61,200, limit 61,000) was triggered at 14:02 UTC "
            "but sat unfilled while the price fell to 58,900. I lost about 900 USDT more than "
            "planned. Was the order book frozen?"
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P3,
        channel=Channel.CHAT,
        email="r.patel@example.com",
        account_id="UID19283746",
        transactions=("ORD-5531087261",),
        team="support",
        assignee="agent",
        steps=(*assess(),),
    ),
    DemoCase(
        subject="账户被冻结，KYC 资料已提交两周无回复",
        description=(
            "我的账户两周前被冻结，客服要求重新提交 KYC。我已上传身份证和住址证明，至今没有任何回复"
            "，账户里还有约 3,000 USDT 无法提取。"
        ),
        category=Category.ACCOUNT_FREEZE_KYC,
        priority=Priority.P2,
        channel=Channel.API,
        email="zhao.min@example.cn",
        account_id="UID40028871",
        locale=Locale.ZH_HANS,
        team="support",
        assignee="agent",
        steps=(*assess(),),
    ),
    DemoCase(
        subject="Request to delete my account data",
        description="I closed my account last month. Please confirm that my personal data has been "
        "deleted, or tell me what you keep and for how long.",
        category=Category.OTHER,
        priority=Priority.P4,
        channel=Channel.WEB,
        email="c.dubois@example.fr",
        account_id="UID22109384",
        team="support",
        assignee="agent",
        steps=(*assess(),),
    ),
    # --- investigating ---------------------------------------------------------------------
    DemoCase(
        subject="ETH/USDT market order filled 4% away from the last price",
        description=(
            "I placed a market buy of 12 ETH. The last price was 2,410 but the average fill was "
            "2,507. There was no warning about low liquidity. I expect the difference refunded."
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="alice@example.com",
        account_id=ACCOUNTS["alice"],
        customer="alice",
        transactions=("ORD-5529910473",),
        team="complaints",
        assignee="handler",
        steps=(*accept(),),
    ),
    DemoCase(
        subject="BTC withdrawal marked completed but not received",
        description=(
            "Withdrawal of 0.42 BTC shows 'Completed' since yesterday but the txid you show does "
            "not exist on any block explorer. The receiving address is my own Ledger."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P1,
        channel=Channel.EMAIL,
        email="m.tanaka@example.jp",
        account_id="UID11873920",
        transactions=("WD-88120457",),
        team="complaints",
        assignee="handler",
        steps=(
            *accept("Funds possibly lost in transit: P1."),
            ask(
                "Please send a screenshot of the receiving wallet and of the address book "
                "entry you withdrew to."
            ),
            answered(),
        ),
    ),
    DemoCase(
        subject="Unrecognised login followed by API key creation",
        description=(
            "I got an email about a login from a new device in Vietnam and then an API key was "
            "created with trading rights. I did not do this. I have changed my password, please "
            "check what was done with my account."
        ),
        category=Category.ACCOUNT_SECURITY,
        priority=Priority.P1,
        channel=Channel.CHAT,
        email="s.okonkwo@example.ng",
        account_id="UID33094418",
        team="security",
        assignee="handler",
        steps=(*accept("Possible account takeover: Security team."),),
    ),
    DemoCase(
        subject="P2P 卖家已收款但未放币",
        description=(
            "我在 P2P 向卖家购买 2,000 USDT，已通过银行转账付款并上传凭证，卖家超过 3 小时未放币，"
            "订单现在显示申诉中。"
        ),
        category=Category.P2P_DISPUTE,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="bob@example.com",
        account_id=ACCOUNTS["bob"],
        locale=Locale.ZH_HANS,
        customer="bob",
        transactions=("P2P-20240811-77310",),
        team="complaints",
        assignee="handler",
        steps=(
            *assess(),
            ask(
                "请提供银行转账回单（截图或 PDF），以便我们核对付款记录。",
                "已请用户提供银行转账回单。",
            ),
            answered("用户已上传银行回单。"),
            Step(transition="accept", reason="Payment proof received; P2P dispute opened."),
        ),
    ),
    # --- awaiting_customer -----------------------------------------------------------------
    DemoCase(
        subject="SOL deposit sent without memo",
        description=(
            "I sent 35 SOL to the deposit address but the exchange app on my phone did not show "
            "the memo field. The deposit is not in my account."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P3,
        channel=Channel.WEB,
        email="l.fernandez@example.es",
        account_id="UID27746105",
        transactions=("5xKq9vJr2LmP8sWcT4nH7bYd3fGa6eZu1oQiRtXy",),
        team="support",
        assignee="agent",
        steps=(
            *accept(),
            ask("Please send the address you deposited from and a message signed with its key."),
        ),
    ),
    DemoCase(
        subject="护照过期导致账户受限",
        description=(
            "系统提示我的护照已过期，账户只能卖出不能提现。我已经换了新护照，但上传页面一直报错。"
        ),
        category=Category.ACCOUNT_FREEZE_KYC,
        priority=Priority.P3,
        channel=Channel.EMAIL,
        email="liu.yang@example.cn",
        account_id="UID45510983",
        locale=Locale.ZH_HANS,
        team="support",
        assignee="agent",
        steps=(
            *assess(),
            ask("请通过邮件或在门户上传新护照的照片页。", "已请用户发送新护照的照片页。"),
        ),
    ),
    DemoCase(
        subject="Maker rebate not applied on VIP 2 tier",
        description=(
            "My 30-day volume qualifies for VIP 2 since the 3rd but my maker orders are still "
            "charged 0.08% instead of receiving the rebate."
        ),
        category=Category.FEES,
        priority=Priority.P4,
        channel=Channel.API,
        email="bob@example.com",
        account_id=ACCOUNTS["bob"],
        customer="bob",
        team="complaints",
        assignee="handler",
        steps=(*accept(), ask("Which sub-account did you place these orders from?")),
    ),
]
