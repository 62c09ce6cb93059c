"""Demo cases with a finding: responsibility determined, a resolution proposed, accepted,
being executed or resolved.

In the order `seed_demo` opens them (references follow it)."""

from __future__ import annotations

from cases.enums import Category, Channel, Locale, Priority, ResponsibilityParty
from demo.data.people import ACCOUNTS
from demo.data.walks import ACCEPTED, EXECUTE, REJECTED, DemoCase, find, propose, resolved

DECIDED_CASES: list[DemoCase] = [
    # --- responsibility_determined -------------------------------------------------------
    DemoCase(
        subject="Futures position liquidated during maintenance window",
        description=(
            "My BTCUSDT perpetual long was liquidated at 02:14 UTC while the site showed the "
            "maintenance banner and I could not add margin."
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="a.novak@example.cz",
        account_id="UID38812047",
        transactions=("FUT-LIQ-3310284",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "Ops log shows the margin service was read-only from 02:05 to 02:31 UTC while "
                "the liquidation engine kept running; the user's add-margin requests at 02:09 "
                "and 02:12 were rejected (gateway log snapshot attached).",
            ),
        ),
    ),
    DemoCase(
        subject="USDC sent on the wrong network",
        description=(
            "I withdrew 800 USDC choosing BEP20 to an address that only supports ERC20. Can you "
            "recover it?"
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P3,
        channel=Channel.CHAT,
        email="t.mueller@example.de",
        account_id="UID29930571",
        transactions=("0x4be1c2f09a7d3e5b6c8a1f2e0d9c7b5a3e1f4d6c8b0a2e4f6d8c0b2a4e6f8d0c",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.USER_OPERATION_ERROR,
                "The withdrawal form showed the network warning and the user confirmed it; "
                "the destination is an external wallet we do not control.",
            ),
        ),
    ),
    DemoCase(
        subject="Funds withdrawn after SIM-swap attack",
        description=(
            "My phone number was hijacked and 1.9 ETH and 4,000 USDT were withdrawn within 20 "
            "minutes. I had SMS 2FA only."
        ),
        category=Category.ACCOUNT_SECURITY,
        priority=Priority.P1,
        channel=Channel.EMAIL,
        email="d.kim@example.kr",
        account_id="UID50218834",
        transactions=("WD-88093110", "WD-88093117"),
        team="security",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.THIRD_PARTY_HACK,
                "Carrier confirmed a SIM swap at 21:40; login from a new device at 21:52 passed "
                "SMS 2FA; withdrawal whitelist was off. No platform fault found.",
            ),
        ),
    ),
    # --- resolution_proposed ---------------------------------------------------------------
    DemoCase(
        subject="Charged taker fee twice on one spot order",
        description="Order ORD-5517730012 shows two fee lines of 3.12 USDT each for a single fill.",
        category=Category.FEES,
        priority=Priority.P3,
        channel=Channel.WEB,
        email="alice@example.com",
        account_id=ACCOUNTS["alice"],
        customer="alice",
        transactions=("ORD-5517730012",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "Fee ledger shows a duplicate posting caused by a retry in the settlement job.",
            ),
            propose("Refund the duplicate taker fee of 3.12 USDT to the spot wallet."),
        ),
    ),
    DemoCase(
        subject="止盈单未按设定价格执行",
        description=(
            "我设置了 ETH 止盈单 3,200 USDT，价格已经到达 3,215，但订单没有触发，之后价格回落，损失"
            "约 600 USDT。"
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="chen.jie@example.cn",
        account_id="UID41187725",
        locale=Locale.ZH_HANS,
        transactions=("ORD-5524419908",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "Trigger service lagged 41 s behind the mark price during the spike "
                "(monitoring snapshot); the order should have triggered at 3,200.",
            ),
            propose("按 3,200 USDT 的触发价格补偿差额 612.40 USDT 至现货账户。"),
        ),
    ),
    DemoCase(
        subject="Withdrawal held for risk review for 5 days without explanation",
        description=(
            "My withdrawal has been 'under review' for five days. Nobody tells me why or how long "
            "it will take."
        ),
        category=Category.SERVICE_QUALITY,
        priority=Priority.P4,
        channel=Channel.CHAT,
        email="k.adeyemi@example.com",
        account_id="UID36650119",
        team="support",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_STAFF_ERROR,
                "Review was completed on day 1 but the release step was not done; the ticket "
                "was left unassigned after a shift change.",
            ),
            propose("Release the withdrawal, waive its fee and credit a 20 USDT voucher."),
        ),
    ),
    # --- resolution_accepted ---------------------------------------------------------------
    DemoCase(
        subject="Deposit of 0.85 ETH credited to the wrong sub-account",
        description=(
            "My ETH deposit went to my trading-bot sub-account instead of the main account I "
            "generated the address for."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P2,
        channel=Channel.EMAIL,
        email="p.rossi@example.it",
        account_id="UID24471106",
        transactions=("0x7d2a9c4e1b3f5a6d8c0e2b4a6f8d0c2e4a6b8d0f2c4e6a8b0d2f4c6e8a0b2d4f",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_STAFF_ERROR,
                "An address re-assignment done by support on the 2nd mapped the address to "
                "the sub-account (operation log).",
            ),
            propose("Move 0.85 ETH from the sub-account to the main account."),
            ACCEPTED,
        ),
    ),
    DemoCase(
        subject="Convert quote expired but the trade still executed",
        description=(
            "The Convert screen said the quote had expired, I pressed back, and the conversion "
            "went through anyway at a worse rate."
        ),
        category=Category.FEES,
        priority=Priority.P3,
        channel=Channel.WEB,
        email="n.ivanova@example.bg",
        account_id="UID31120956",
        transactions=("CNV-771029384",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.SHARED,
                "The client showed 'expired' after the server had accepted the quote "
                "(race in app 5.12); the user confirmed twice.",
            ),
            propose("Compensate half the rate difference: 18.75 USDT."),
            ACCEPTED,
        ),
    ),
    # --- executing -------------------------------------------------------------------------
    DemoCase(
        subject="Grid trading bot kept running after I stopped it",
        description=(
            "I stopped my grid bot on BTC/USDT but it kept placing orders for two more hours and "
            "lost 412.50 USDT."
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="bob@example.com",
        account_id=ACCOUNTS["bob"],
        customer="bob",
        transactions=("BOT-GRID-90417",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "Stop request was acknowledged but never reached the bot scheduler (queue "
                "outage 11:02-13:15).",
            ),
            propose("Refund 50% of the loss: 206.25 USDT."),
            REJECTED,
            propose(
                "Revised: refund the full loss of 412.50 USDT.",
                "Revised proposal after the customer's objection.",
            ),
            ACCEPTED,
            EXECUTE,
        ),
    ),
    DemoCase(
        subject="Account frozen after a sanctions-screening false match",
        description=(
            "My account was frozen because my name matches someone on a sanctions list. I sent my "
            "passport and proof of address."
        ),
        category=Category.ACCOUNT_FREEZE_KYC,
        priority=Priority.P2,
        channel=Channel.STAFF,
        email="m.hussain@example.co.uk",
        account_id="UID26630048",
        team="compliance",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_STAFF_ERROR,
                "Date of birth and nationality differ from the listed person; the analyst "
                "did not compare them before freezing.",
            ),
            propose("Unfreeze the account and add the false-positive note to the profile."),
            ACCEPTED,
            EXECUTE,
        ),
    ),
    # --- resolved --------------------------------------------------------------------------
    DemoCase(
        subject="XRP deposit missing destination tag",
        description=(
            "I forgot the destination tag when depositing 640 XRP. Can you find and credit it?"
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P3,
        channel=Channel.WEB,
        email="alice@example.com",
        account_id=ACCOUNTS["alice"],
        customer="alice",
        transactions=("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",),
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                ResponsibilityParty.USER_OPERATION_ERROR,
                "Deposit arrived without tag; ownership proven by a signed message from the "
                "sending address.",
                "Credit 640 XRP minus the 10 XRP recovery fee.",
            ),
        ),
    ),
    DemoCase(
        subject="充值返利活动奖励未到账",
        description=(
            "我参加了 8 月的充值返利活动，充值满 1,000 USDT，活动页面承诺 20 USDT 奖励，至今未到账"
            "。"
        ),
        category=Category.FEES,
        priority=Priority.P4,
        channel=Channel.SOCIAL,
        email="huang.xin@example.cn",
        account_id="UID47790312",
        locale=Locale.ZH_HANS,
        team="support",
        assignee="handler",
        steps=(
            *resolved(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "Campaign job skipped users who deposited through the API.",
                "补发 20 USDT 活动奖励至现货账户。",
            ),
        ),
    ),
    DemoCase(
        subject="2FA reset request stuck for a week",
        description=(
            "I lost my phone and requested a 2FA reset with a selfie. It has said 'in progress' "
            "for seven days."
        ),
        category=Category.ACCOUNT_SECURITY,
        priority=Priority.P2,
        channel=Channel.CHAT,
        email="e.walsh@example.ie",
        account_id="UID35501274",
        team="security",
        assignee="handler",
        steps=(
            *resolved(
                ResponsibilityParty.PLATFORM_STAFF_ERROR,
                "Request was approved but the reset was never triggered (operation log).",
                "Complete the 2FA reset and walk the user through setting up an authenticator.",
            ),
        ),
    ),
]
