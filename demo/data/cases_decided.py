"""Demo cases with a finding: responsibility determined (an offer awaiting its approver), a
resolution proposed, accepted, being executed or resolved.

In the order `seed_demo` opens them (references follow it)."""

from __future__ import annotations

from cases.enums import (
    ActionKind,
    Category,
    Channel,
    Locale,
    OfferOutcome,
    Priority,
    ResponsibilityParty,
)
from demo.data.people import ACCOUNTS
from demo.data.walks import (
    ACCEPTED,
    EXECUTE,
    Action,
    Approval,
    DemoCase,
    advise,
    compensate,
    find,
    propose,
    refund,
    rejected,
    resolved,
    voucher,
)

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
            # Worth 1,495.25 USD: the 'standard' tier, waiting for one approver.
            propose(
                "You could not add margin while our margin service was read-only during "
                "maintenance, yet the liquidation engine kept running. We compensate the "
                "realised loss of your BTCUSDT long, 1,480.00 USDT, and refund the "
                "liquidation fee of 15.25 USDT, both to your futures wallet.",
                compensate("1480.00", detail="Realised loss of FUT-LIQ-3310284."),
                refund("15.25", detail="Liquidation fee of FUT-TRD-3310284."),
                justification=(
                    "No liquidation during a maintenance window has been compensated before. "
                    "Both add-margin requests were refused by our read-only margin service, so "
                    "the whole realised loss and the fee are ours."
                ),
                send=False,
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
            propose(
                "Our settlement job posted the taker fee of your order ORD-5517730012 twice "
                "after a retry. We refund the duplicate fee of 3.12 USDT to your spot wallet.",
                refund("3.12", detail="Duplicate fee line of ORD-5517730012."),
                justification=(
                    "The refund is exactly the duplicate fee posting shown in the fee ledger."
                ),
            ),
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
            propose(
                "行情剧烈波动时，我们的触发服务比标记价格延迟了 41 秒，您的止盈单本应在 3,200 "
                "USDT 触发。我们按 3,200 USDT 的触发价格补偿差额 612.40 USDT 至您的现货账户。",
                compensate("612.40", detail="ORD-5524419908: fill vs. the 3,200 trigger."),
                justification=(
                    "Trigger lag is our fault; the amount is the difference between the fill "
                    "and the 3,200 USDT trigger on the order's quantity."
                ),
            ),
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
            propose(
                "The risk review of your withdrawal WD-88104432 was completed on the first day, "
                "but the release step was never done. We release it today, refund its 1 USDT "
                "network fee and credit a 20 USDT voucher for the wait.",
                Action(
                    kind=ActionKind.UNFREEZE,
                    target="WD-88104432",
                    detail="Release the withdrawal held by the risk review.",
                ),
                refund("1.00", detail="Network fee of WD-88104432."),
                voucher("20.00", detail="For the five days without an answer."),
                justification=(
                    "A withdrawal left unreleased after an approved review is a staff error; "
                    "fee and voucher as our service-recovery guideline says."
                ),
            ),
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
            # Worth about 2,500 USD at today's ETH price: one approver (the 'standard' tier).
            propose(
                "Our support staff re-assigned your ETH deposit address to your trading-bot "
                "sub-account by mistake. We move the 0.85 ETH deposit from sub-account "
                "SUB-24471106-BOT to your main account.",
                Action(
                    kind=ActionKind.REVERSE_TRANSACTION,
                    asset="ETH",
                    amount="0.85",
                    target="0x7d2a9c4e1b3f5a6d8c0e2b4a6f8d0c2e4a6b8d0f2c4e6a8b0d2f4c6e8a0b2d4f",
                    detail="Reverse the credit to SUB-24471106-BOT; credit the main account.",
                ),
                justification=(
                    "The deposit itself is moved, nothing more: the operation log shows the "
                    "address re-assignment by support."
                ),
                approvals=(
                    Approval(
                        "approver",
                        "Deposit DEP-24471106-1 sits on SUB-24471106-BOT; the re-assignment "
                        "on the 2nd was ours.",
                    ),
                ),
            ),
            # Accepted: carrying it out waits for a worker (demo.seed holds the task back).
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
            propose(
                "The app showed the quote as expired after our server had accepted it, and you "
                "confirmed twice. We share the difference: half of it, 18.75 USDT, to your "
                "spot wallet.",
                compensate("18.75", detail="Half the rate difference of CNV-771029384."),
                outcome=OfferOutcome.PARTLY_UPHELD,
                justification=(
                    "Shared responsibility (app race, user confirmed twice): half the "
                    "difference, as for shared findings."
                ),
            ),
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
            propose(
                "Your stop request reached us but not the bot scheduler. We refund half of the "
                "loss of the two hours, 206.25 USDT.",
                refund("206.25", detail="Half of the losses of BOT-GRID-90417 after the stop."),
                outcome=OfferOutcome.PARTLY_UPHELD,
                justification=(
                    "First bot-scheduler case; half because the bot kept its grid settings."
                ),
            ),
            rejected("The bot ignored my stop for two hours. I want the whole loss back."),
            propose(
                "You are right: the stop was acknowledged, so every loss after it is ours. We "
                "refund the full loss of 412.50 USDT.",
                refund("412.50", detail="Losses of BOT-GRID-90417 after the stop (6 trades)."),
                justification=(
                    "Revised after the customer's objection: the stop was acknowledged, so the "
                    "whole loss after it is ours."
                ),
            ),
            ACCEPTED,
            # The refund is queued at the exchange; no worker has taken it yet.
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
            propose(
                "Your date of birth and nationality differ from the listed person. We lift the "
                "freeze on your account today and note on your profile that you are not that "
                "person, so the screening does not stop you again.",
                Action(
                    kind=ActionKind.UNFREEZE,
                    target="FRZ-26630048-1",
                    detail="Lift the account freeze of the sanctions name match.",
                ),
                advise(
                    ActionKind.TECHNICAL_SUPPORT,
                    "False-positive note added to the screening profile (list entry 4471).",
                ),
                justification=(
                    "A freeze without comparing date of birth and nationality is a staff "
                    "error; lifting it is the only remedy asked."
                ),
            ),
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
                propose(
                    "Your 640 XRP deposit arrived without its destination tag. Our deposits team "
                    "matched it to your account after you signed a message from the sending "
                    "address: 630 XRP are credited, after the 10 XRP recovery fee.",
                    advise(
                        ActionKind.TECHNICAL_SUPPORT,
                        "Deposit DEP-48213377-0788 matched and credited by the deposits team "
                        "(640 XRP less the 10 XRP recovery fee). Always copy the destination "
                        "tag shown next to the XRP address.",
                    ),
                    outcome=OfferOutcome.NOT_UPHELD,
                    justification=(
                        "User error: the deposit is recovered as a service, with the standard "
                        "recovery fee."
                    ),
                ),
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
                propose(
                    "活动发放程序漏掉了通过 API 充值的用户。我们补发 8 月充值返利活动奖励 20 "
                    "USDT 至您的现货账户。",
                    compensate("20.00", detail="August deposit bonus not paid."),
                    justification=(
                        "The campaign promised 20 USDT for this deposit; the job skipped API "
                        "deposits."
                    ),
                ),
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
                propose(
                    "Your 2FA reset was approved but never carried out. We complete it today and "
                    "help you set up an authenticator app.",
                    advise(
                        ActionKind.TECHNICAL_SUPPORT,
                        "2FA reset completed by the security team; sign in with your password "
                        "and follow the setup screen.",
                    ),
                    advise(
                        ActionKind.SECURITY_ADVICE,
                        "Use an authenticator app rather than SMS, and keep its recovery codes "
                        "offline.",
                    ),
                    justification="Nothing to pay: the reset is done and the user is guided.",
                ),
            ),
        ),
    ),
]
