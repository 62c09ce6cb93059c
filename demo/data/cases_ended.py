"""Demo cases that ended or left the normal path: resolved and in follow-up (one survey
answered), closed, proposal rejected, final response, in arbitration, reopened by the customer,
out of scope, withdrawn.

In the order `seed_demo` opens them (references follow it)."""

from __future__ import annotations

from cases.enums import (
    ActionKind,
    Category,
    Channel,
    Locale,
    OfferOutcome,
    OutcomeReason,
    Priority,
    ProcessReason,
    ResponsibilityParty,
)
from demo.data.people import ACCOUNTS
from demo.data.walks import (
    DemoCase,
    Reassign,
    Step,
    SurveyAnswer,
    accept,
    advise,
    answered,
    ask,
    assess,
    compensate,
    final,
    find,
    propose,
    refund,
    rejected,
    reopen,
    resolved,
    voucher,
)

ENDED_CASES: list[DemoCase] = [
    # --- resolved, in follow-up (a case closes once the 14-day reopening window has passed,
    # so the demo shows these resolved; the sweep closes them later) ---------------------------
    DemoCase(
        subject="Limit order cancelled without notice during delisting",
        description=(
            "My open limit orders on XYZ/USDT were cancelled when the pair was delisted. I never "
            "got an email."
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P3,
        channel=Channel.EMAIL,
        email="g.silva@example.br",
        account_id="UID21038857",
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                ResponsibilityParty.PLATFORM_STAFF_ERROR,
                "The delisting notice went to the announcement page only; the email "
                "campaign was not sent to holders of open orders.",
                propose(
                    "We are sorry: the delisting notice for XYZ/USDT went to the announcement "
                    "page only and never reached you by email. We credit a 10 USDT fee voucher.",
                    voucher("10.00", detail="Fee voucher for the missing delisting email."),
                    outcome=OfferOutcome.PARTLY_UPHELD,
                    justification=(
                        "The cancellation itself was correct; the missing email is ours, "
                        "hence a voucher."
                    ),
                ),
            ),
        ),
    ),
    DemoCase(
        subject="API 交易接口频繁超时导致损失",
        description=(
            "最近一周下单接口经常返回 504，我的量化策略因此多次下单失败，估计损失 150 USDT。"
        ),
        category=Category.SERVICE_QUALITY,
        priority=Priority.P3,
        channel=Channel.API,
        email="sun.hao@example.cn",
        account_id="UID43318806",
        locale=Locale.ZH_HANS,
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                ResponsibilityParty.SHARED,
                "Gateway timeouts confirmed for 3% of requests; the client retried without "
                "idempotency keys, which doubled some orders.",
                propose(
                    "过去一周下单接口约 3% 的请求超时，这是我们的问题；您的程序在超时后"
                    "未带幂等键重试，导致部分订单重复。我们为您提供 API 技术支持，并补偿 "
                    "75 USDT。",
                    advise(
                        ActionKind.TECHNICAL_SUPPORT,
                        "API 团队已说明下单接口幂等键（newClientOrderId）的用法：超时后用同一个"
                        "键重试，不会重复下单。",
                    ),
                    compensate("75.00", detail="Half the estimated loss of 150 USDT."),
                    outcome=OfferOutcome.PARTLY_UPHELD,
                    justification=(
                        "Shared finding: half of the estimated 150 USDT loss, with API support."
                    ),
                ),
            ),
            # The satisfaction survey sent at resolution, answered through the email's link.
            SurveyAnswer(
                process_score=4,
                process_reasons=(ProcessReason.KEPT_INFORMED, ProcessReason.HELPFUL_STAFF),
                outcome_score=3,
                outcome_reasons=(OutcomeReason.WELL_EXPLAINED, OutcomeReason.AMOUNT_LOW),
                comment="处理很及时，技术支持讲得很清楚；但补偿只有损失的一半，偏低。",
            ),
        ),
    ),
    # --- closed ----------------------------------------------------------------------------
    DemoCase(
        subject="P2P buyer's bank transfer reversed after I released the coins",
        description=(
            "I released 1,500 USDT to a P2P buyer after the payment arrived; two days later the "
            "bank reversed the transfer as fraudulent."
        ),
        category=Category.P2P_DISPUTE,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="o.adams@example.com",
        account_id="UID39928150",
        transactions=("P2P-20240719-55102",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.THIRD_PARTY_FRAUD,
                "Buyer's account was opened with stolen identity documents; the reversal was "
                "initiated by the victim's bank.",
            ),
            final(
                "The buyer's account is closed and reported to the police. Under the P2P terms "
                "the seller bears the risk of payment reversal; we cannot reimburse the loss."
            ),
            Step(transition="close", reason="The customer did not take the case to arbitration."),
        ),
    ),
    DemoCase(
        subject="LUNA balance not migrated after the chain halt",
        description=(
            "My LUNA balance was never converted to the new token although the announcement said "
            "all balances would be."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P3,
        channel=Channel.EMAIL,
        email="h.larsen@example.dk",
        account_id="UID20017739",
        team="complaints",
        assignee="handler",
        steps=(
            *accept(),
            Reassign(
                team="arbitration",
                assignee="handler",
                reason="Deadlock expected: arbitration team prepares.",
            ),
            final("Balances held in margin at the snapshot were excluded, as announced."),
            Step(
                transition="refer_to_arbitration",
                reason="Customer referred the case to the partner institution.",
            ),
            Step(transition="close", reason="Award received and enforced; case closed."),
        ),
    ),
    # --- proposal_rejected -----------------------------------------------------------------
    DemoCase(
        subject="Margin call email arrived after liquidation",
        description=(
            "The margin call email came 12 minutes after my position was liquidated, so I had no "
            "chance to add collateral."
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P2,
        channel=Channel.EMAIL,
        email="f.okoro@example.com",
        account_id="UID37749921",
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.SHARED,
                "Email queue was delayed 9 minutes; in-app alert was on time; the position "
                "was at 96% margin ratio for an hour before.",
            ),
            propose(
                "Our margin-call email was delayed 9 minutes; the in-app alert was on time. We "
                "compensate 50 USDT for the delayed email.",
                compensate("50.00", detail="Delayed margin-call email."),
                outcome=OfferOutcome.PARTLY_UPHELD,
                justification=(
                    "Shared: the in-app alert was on time and the position sat at 96% for an "
                    "hour; 50 USDT for the late email."
                ),
            ),
            rejected("50 USDT does not cover a liquidation the email should have warned of."),
        ),
    ),
    DemoCase(
        subject="P2P 买家付款后取消订单，币被退回",
        description="我作为卖家已经收到买家的付款，但买家随后取消了订单，系统把币退回到我的账户，"
        "买家现在要求我退款，我不确定该怎么处理。",
        category=Category.P2P_DISPUTE,
        priority=Priority.P3,
        channel=Channel.CHAT,
        email="zhou.ping@example.cn",
        account_id="UID46630578",
        locale=Locale.ZH_HANS,
        transactions=("P2P-20240822-90233",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.THIRD_PARTY_P2P_COUNTERPARTY,
                "Buyer cancelled after paying; funds and coins are both with the seller.",
            ),
            propose(
                "买家付款后取消了订单，目前付款和币都在您这里。请将买家的付款原路退回，平台确认后"
                "关闭争议订单。",
                advise(
                    ActionKind.NO_ACTION,
                    "平台无需划转资金：请将买家付款原路退回并在订单页上传退款凭证，我们核实后关闭"
                    "争议。",
                ),
                outcome=OfferOutcome.NOT_UPHELD,
                justification=(
                    "Nothing to pay: both the payment and the coins are with the seller."
                ),
            ),
            rejected("我担心退款后买家不认账，希望平台直接处理这笔退款。"),
        ),
    ),
    # --- final_response --------------------------------------------------------------------
    DemoCase(
        subject="Phishing site drained my account",
        description=(
            "I logged in through a fake site from a search ad and 2.1 BTC were withdrawn. You "
            "should have blocked a withdrawal to a new address."
        ),
        category=Category.ACCOUNT_SECURITY,
        priority=Priority.P1,
        channel=Channel.WEB,
        email="v.petrov@example.com",
        account_id="UID32287764",
        transactions=("WD-87990312",),
        team="security",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.THIRD_PARTY_PHISHING,
                "Credentials and 2FA code were entered on a phishing domain; the new "
                "address passed the 24-hour whitelist delay the user had disabled.",
            ),
            final(
                "We have reported the domain and the receiving addresses. Our systems worked "
                "as configured by you; we cannot reimburse the loss. You may refer this "
                "decision to our arbitration partner."
            ),
        ),
    ),
    DemoCase(
        subject="Slippage on stop-market order during CPI release",
        description=(
            "My stop-market order filled 1.8% below the stop during the CPI release. I want the "
            "slippage refunded."
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P3,
        channel=Channel.WEB,
        email="alice@example.com",
        account_id=ACCOUNTS["alice"],
        customer="alice",
        transactions=("ORD-5509920117",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.USER_OPERATION_ERROR,
                "Matching engine latency normal; the fill reflects the order book during "
                "the release; stop-market orders carry no price guarantee.",
            ),
            propose(
                "Your stop-market order filled at the best prices the order book had during "
                "the CPI release; stop-market orders carry no price guarantee. As a goodwill "
                "gesture we offer a 15 USDT fee voucher.",
                voucher("15.00", detail="Goodwill: no slippage refund."),
                outcome=OfferOutcome.NOT_UPHELD,
                justification=(
                    "Not our fault (normal latency, thin book); a small goodwill voucher only."
                ),
            ),
            rejected("A voucher is not a refund of the 1.8% slippage."),
            final(
                "Your order was executed correctly at the best prices available. Our offer of "
                "a 15 USDT voucher stands; you may refer this decision to arbitration."
            ),
        ),
    ),
    # --- in_arbitration --------------------------------------------------------------------
    DemoCase(
        subject="P2P 交易对方提供伪造付款凭证",
        description=(
            "买家上传的付款截图是伪造的，我没有收到钱，但客服判定我必须放币，我损失了 5,000 USDT。"
        ),
        category=Category.P2P_DISPUTE,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="bob@example.com",
        account_id=ACCOUNTS["bob"],
        locale=Locale.ZH_HANS,
        customer="bob",
        transactions=("P2P-20240706-31877",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.UNDETERMINED,
                "Bank records requested from both parties; the buyer's bank has not answered "
                "within the P2P deadline.",
            ),
            Reassign(
                team="arbitration",
                assignee="handler",
                reason="Both parties refuse settlement; arbitration.",
            ),
            final("平台无法确认付款真实性。您可以将本案提交至合作仲裁机构。"),
            Step(transition="refer_to_arbitration", reason="用户申请仲裁，材料已提交合作机构。"),
        ),
    ),
    DemoCase(
        subject="Withdrawal of 2.4 BTC frozen for 70 days",
        description=(
            "My 2.4 BTC withdrawal has been frozen for 70 days for a 'compliance review'. I have "
            "provided every document asked."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P1,
        channel=Channel.EMAIL,
        email="r.cohen@example.com",
        account_id="UID23361190",
        transactions=("WD-87710054",),
        team="compliance",
        assignee="handler",
        steps=(
            *accept(),
            ask(
                "Please upload documents showing the source of the funds "
                "(bank statements, payslips)."
            ),
            answered(),
            Reassign(
                team="arbitration",
                assignee="handler",
                reason="Final-response deadline near; arbitration.",
            ),
            final("The funds remain frozen under a court order; we cannot release them."),
            Step(
                transition="refer_to_arbitration",
                reason="Eligible: final response issued; customer referred.",
            ),
        ),
    ),
    # --- reopened --------------------------------------------------------------------------
    DemoCase(
        subject="Refund for failed withdrawal returned minus network fee",
        description=(
            "My withdrawal failed and was refunded, but 1 USDT network fee was kept although "
            "nothing was sent."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P3,
        channel=Channel.WEB,
        email="alice@example.com",
        account_id=ACCOUNTS["alice"],
        customer="alice",
        transactions=("WD-88001276",),
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "Refund job returned the principal only.",
                propose(
                    "Our refund job returned the principal of your failed withdrawal WD-88001276 "
                    "but kept its network fee. We refund the 1 USDT fee.",
                    refund("1.00", detail="Network fee of the failed WD-88001276."),
                    justification="The refund is exactly the fee the refund job kept back.",
                ),
            ),
            reopen(
                "The 1 USDT came back to my funding wallet, not the spot wallet the withdrawal "
                "left from.",
                channel="portal",
            ),
        ),
    ),
    DemoCase(
        subject="理财产品提前赎回被收取手续费",
        description="活动页面写明灵活理财随时赎回无手续费，但我赎回 5,000 USDT 时被扣了 0.5%。",
        category=Category.FEES,
        priority=Priority.P4,
        channel=Channel.EMAIL,
        email="lin.na@example.cn",
        account_id="UID48876521",
        locale=Locale.ZH_HANS,
        team="support",
        assignee="handler",
        steps=(
            *resolved(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "Product was mislabelled as fixed-term in the fee table.",
                propose(
                    "灵活理财在费率表中被错误标为定期产品。我们退还您赎回时被扣的手续费 25 USDT。",
                    refund("25.00", detail="0.5% fee on the 5,000 USDT redemption."),
                    justification="The refund is exactly the 0.5% fee charged by mistake.",
                ),
            ),
            reopen("我另一笔 3,000 USDT 的赎回同样被扣了 0.5% 手续费，也应退还。"),
        ),
    ),
    # --- reopened and investigated again ---------------------------------------------------
    DemoCase(
        subject="ETH staking rewards lower than the advertised APR",
        description=(
            "The Earn page advertised 4.1% APR on ETH staking; my rewards over 30 days work out to "
            "2.9%."
        ),
        category=Category.OTHER,
        priority=Priority.P3,
        channel=Channel.WEB,
        email="j.moreau@example.fr",
        account_id="UID30041187",
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                ResponsibilityParty.USER_OPERATION_ERROR,
                "APR is variable and shown as such; the user's stake started mid-epoch.",
                propose(
                    "The 4.1% on the Earn page is a variable rate, and your stake started in the "
                    "middle of an epoch, so its first days earned nothing. Your rewards are "
                    "correct; we explain the calculation below.",
                    advise(
                        ActionKind.NO_ACTION,
                        "Rewards follow the network's rate, shown as variable; a stake starts "
                        "earning at the next epoch.",
                    ),
                    outcome=OfferOutcome.NOT_UPHELD,
                    justification="Nothing to pay: the rewards match the variable rate.",
                ),
            ),
            # Reopened by the customer, with their reason; the handler looks again.
            reopen(
                "The page I subscribed on did not say 'variable': I attach the screenshot I "
                "took that day."
            ),
            Step(transition="reinvestigate", reason="Checking the page version the customer saw."),
        ),
    ),
    # --- out_of_scope ----------------------------------------------------------------------
    DemoCase(
        subject="BTC price dropped right after I bought",
        description=(
            "I bought BTC and the price fell 8% the same day. The exchange should compensate "
            "beginners for such losses."
        ),
        category=Category.OTHER,
        priority=Priority.P4,
        channel=Channel.SOCIAL,
        email="b.jones@example.com",
        account_id="UID25580034",
        team="support",
        assignee="agent",
        steps=(
            *assess(),
            Step(
                transition="reject_out_of_scope",
                reason="Market movement is not a service failure.",
                inputs={
                    "out_of_scope_referral": "Market losses are not covered. Our guide "
                    "'Understanding volatility' and the risk notice on the trade page explain "
                    "the risks; the help centre has beginner tutorials."
                },
            ),
        ),
    ),
    DemoCase(
        subject="我在其他交易所的资产被盗",
        description="我在另一家交易所的账户被盗，资产被转走，请你们帮我追回。",
        category=Category.ACCOUNT_SECURITY,
        priority=Priority.P4,
        channel=Channel.CHAT,
        email="qian.wei@example.cn",
        account_id="UID49901256",
        locale=Locale.ZH_HANS,
        team="support",
        assignee="agent",
        steps=(
            *assess(),
            Step(
                transition="reject_out_of_scope",
                reason="涉及的是其他平台的账户。",
                inputs={
                    "out_of_scope_referral": "该账户不属于本平台。请联系该交易所的客服并向当地"
                    "警方报案；如有链上地址，可提供给我们以便标记可疑资金。"
                },
            ),
        ),
    ),
    # --- withdrawn -------------------------------------------------------------------------
    DemoCase(
        subject="Mobile app crashes when opening the futures tab",
        description="Since the last update the Android app closes as soon as I open Futures.",
        category=Category.SERVICE_QUALITY,
        priority=Priority.P4,
        channel=Channel.CHAT,
        email="y.haddad@example.com",
        account_id="UID34452290",
        team="support",
        assignee="agent",
        steps=(
            *assess(),
            Step(
                transition="withdraw",
                reason="Customer reports the 5.13 update fixed it and withdrew.",
            ),
        ),
    ),
    DemoCase(
        subject="Withdrawal fee for USDT on TRC20 changed without notice",
        description=(
            "The TRC20 USDT withdrawal fee went from 1 to 2.5 USDT overnight with no announcement."
        ),
        category=Category.FEES,
        priority=Priority.P3,
        channel=Channel.STAFF,
        email="bob@example.com",
        account_id=ACCOUNTS["bob"],
        customer="bob",
        team="complaints",
        assignee="handler",
        steps=(
            *accept(),
            Step(transition="withdraw", reason="Customer found the announcement and withdrew."),
        ),
    ),
]
