"""The demo data `python manage.py seed_demo` loads: teams, one login per role, and cases in
every state of the lifecycle, each walked there through the real services so that it has its
reference, history rows and events like a case a person worked on.

Seeding is idempotent: teams are keyed by code, users by username, cases by (complainant email,
subject); whatever already exists is left exactly as it is, so a second run writes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases import roles
from cases.enums import CaseState, Category, Channel, Locale, Priority, ResponsibilityParty
from cases.models import Case, ConflictDeclaration, CustomerProfile, StaffProfile, Team
from cases.models.case import lifecycle_edges
from cases.models.recusal import ConflictKind
from cases.services.assignment import case_assign, team_create, team_member_add
from cases.services.conflicts import conflict_declaration_submit, staff_profile_ensure
from cases.services.intake import (
    IncomingFile,
    IntakeReply,
    IntakeSubmission,
    intake_reply,
    intake_submit,
    message_post_staff,
)
from cases.services.lifecycle import case_transition
from complaints_site.common.actors import SystemActor
from demo.routing import seed_routing_rules

ACTOR = SystemActor("seed_demo")
DEMO_PASSWORD = "demo1234"  # noqa: S105 - the published password of the demo logins
# Any fixed value: the spread of dates must be the same on every run and every machine.
SEED = 20240917

C, P, Ch, L, R, S = Category, Priority, Channel, Locale, ResponsibilityParty, CaseState


# --- Teams and people ------------------------------------------------------------------------

TEAMS: list[tuple[str, str]] = [
    ("support", "Customer support"),
    ("complaints", "Complaints"),
    ("tech", "Tech"),
    ("security", "Security"),
    ("legal", "Legal"),
    ("compliance", "Compliance"),
    ("arbitration", "Arbitration"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    role: str  # a role group of cases.roles, or "" for superusers and portal users
    role_label: str  # as shown in the logins table
    teams: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    staff: bool = True
    superuser: bool = False
    languages: tuple[str, ...] = ("en",)
    skills: tuple[str, ...] = ()
    exchange_account_id: str = ""


ALL_CATEGORIES = tuple(Category.values)

USERS: list[DemoUser] = [
    DemoUser(
        "admin",
        "Ada",
        "Admin",
        "admin@exchange.example",
        "",
        "Superuser",
        superuser=True,
        languages=("en", "zh-hans"),
    ),
    DemoUser(
        "agent",
        "Mia",
        "Wong",
        "mia.wong@exchange.example",
        roles.SUPPORT_AGENT,
        roles.SUPPORT_AGENT,
        teams=("support",),
        languages=("en", "zh-hans"),
        skills=(C.TRADE_DISPUTE, C.DEPOSIT_WITHDRAWAL, C.FEES, C.SERVICE_QUALITY, C.OTHER),
        exchange_account_id="UID70010021",
    ),
    DemoUser(
        "handler",
        "Daniel",
        "Okafor",
        "daniel.okafor@exchange.example",
        roles.CASE_HANDLER,
        roles.CASE_HANDLER,
        teams=("complaints",),
        skills=(
            C.TRADE_DISPUTE,
            C.DEPOSIT_WITHDRAWAL,
            C.ACCOUNT_SECURITY,
            C.ACCOUNT_FREEZE_KYC,
            C.P2P_DISPUTE,
        ),
        exchange_account_id="UID70010034",
    ),
    DemoUser(
        "lead",
        "Priya",
        "Shah",
        "priya.shah@exchange.example",
        roles.TEAM_LEAD,
        roles.TEAM_LEAD,
        teams=("support", "complaints"),
        leads=("support", "complaints", "tech"),
        skills=ALL_CATEGORIES,
        exchange_account_id="UID70010047",
    ),
    DemoUser(
        "approver",
        "Lukas",
        "Weber",
        "lukas.weber@exchange.example",
        roles.APPROVER,
        roles.APPROVER,
        teams=("complaints",),
        languages=("en",),
        skills=(C.TRADE_DISPUTE, C.DEPOSIT_WITHDRAWAL, C.FEES),
    ),
    DemoUser(
        "auditor",
        "Grace",
        "Liu",
        "grace.liu@exchange.example",
        roles.AUDITOR,
        roles.AUDITOR,
        languages=("en", "zh-hans"),
    ),
    DemoUser(
        "compliance",
        "Omar",
        "Haddad",
        "omar.haddad@exchange.example",
        roles.COMPLIANCE_OFFICER,
        roles.COMPLIANCE_OFFICER,
        teams=("compliance",),
        skills=(C.ACCOUNT_FREEZE_KYC,),
    ),
    DemoUser(
        "editor",
        "Elena",
        "Rossi",
        "elena.rossi@exchange.example",
        roles.CONTENT_EDITOR,
        roles.CONTENT_EDITOR,
        languages=("en", "zh-hans"),
    ),
    DemoUser(
        "arbitration",
        "Kenji",
        "Sato",
        "kenji.sato@exchange.example",
        roles.ARBITRATION_LIAISON,
        roles.ARBITRATION_LIAISON,
        teams=("arbitration",),
        languages=("en", "zh-hans"),
        skills=(C.P2P_DISPUTE, C.TRADE_DISPUTE),
    ),
    DemoUser(
        "specialist",
        "Sofia",
        "Novak",
        "sofia.novak@exchange.example",
        roles.SPECIALIST,
        roles.SPECIALIST,
        teams=("tech", "security"),
        languages=("en",),
    ),
    DemoUser(
        "alice",
        "Alice",
        "Martin",
        "alice@example.com",
        "",
        "Portal user (customer)",
        staff=False,
    ),
    DemoUser(
        "bob",
        "Bob",
        "Chen",
        "bob@example.com",
        "",
        "Portal user (customer)",
        staff=False,
    ),
]

# The exchange accounts of the two portal users (the complainant_account_id of their cases).
ACCOUNTS = {"alice": "UID48213377", "bob": "UID51990420"}
PORTAL_LOCALES = {"alice": Locale.EN, "bob": Locale.ZH_HANS}
# The service account of the exchange's own systems (API token: `issue_api_token`).
API_CLIENT_USERNAME = "exchange-backend"


# --- Cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One transition run through `case_transition`, with its reason and inputs."""

    transition: str
    reason: str
    inputs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reassign:
    """A hand-over through `case_assign` in the middle of the walk."""

    team: str | None
    assignee: str | None
    reason: str


@dataclass(frozen=True)
class DemoCase:
    subject: str
    description: str
    category: str
    priority: str
    channel: str
    email: str
    account_id: str
    steps: tuple[Step | Reassign, ...] = ()
    locale: str = Locale.EN
    customer: str = ""  # username of a portal user
    transactions: tuple[str, ...] = ()
    team: str = ""
    assignee: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.email, self.subject)


def assess() -> list[Step | Reassign]:
    return [Step("start_assessment", "Picked up from the intake queue.")]


def accept(reason: str = "In scope; triaged and routed.") -> list[Step | Reassign]:
    return [*assess(), Step("accept", reason)]


def find(party: str, rationale: str) -> list[Step | Reassign]:
    return [
        *accept(),
        Step(
            "determine_responsibility",
            "Investigation complete; finding recorded.",
            {"responsibility": party, "responsibility_rationale": rationale},
        ),
    ]


def propose(summary: str, reason: str = "Proposal sent to the customer.") -> Step:
    return Step("propose_resolution", reason, {"resolution_summary": summary})


def ask(question: str, reason: str = "Asked the customer for information.") -> Step:
    return Step("request_info", reason, {"info_request": question})


def answered(reason: str = "Customer replied with the requested documents.") -> Step:
    return Step("resume", reason)


ACCEPTED = Step("record_acceptance", "Customer accepted the proposal in the portal.")
REJECTED = Step("record_rejection", "Customer rejected the proposal by email.")
EXECUTE = Step("start_execution", "Execution requested through the exchange gateway.")
DONE = Step("complete_execution", "Gateway confirmed every action; customer notified.")
CLOSE = Step("close", "Follow-up window over; no further contact from the customer.")


def final(text: str, reason: str = "Deadlock: the exchange's final position sent.") -> Step:
    return Step("issue_final_response", reason, {"final_response_text": text})


def resolved(party: str, rationale: str, summary: str) -> list[Step | Reassign]:
    return [*find(party, rationale), propose(summary), ACCEPTED, EXECUTE, DONE]


CASES: list[DemoCase] = [
    # --- received --------------------------------------------------------------------------
    DemoCase(
        "USDT deposit via TRC20 not credited after 6 hours",
        "I deposited 1,250 USDT from my hardware wallet on the TRON network. The transaction "
        "has 400+ confirmations on Tronscan but my spot wallet still shows 0. Please credit "
        "it; I need the funds for a position.",
        C.DEPOSIT_WITHDRAWAL,
        P.P2,
        Ch.WEB,
        "alice@example.com",
        ACCOUNTS["alice"],
        customer="alice",
        transactions=("9f3c1e0b7a5d4c2e8b6a1f0d3c5e7a9b2d4f6e8a0c1b3d5f7e9a2c4b6d8f0e1a",),
    ),
    DemoCase(
        "提现手续费比页面显示的高",
        "我在 App 上提现 0.05 BTC，页面显示手续费 0.0002 BTC，但实际扣了 0.0005 BTC。"
        "请解释差额并退还多扣的部分。",
        C.FEES,
        P.P4,
        Ch.EMAIL,
        "wang.lei88@example.cn",
        "UID30917752",
        locale=L.ZH_HANS,
    ),
    DemoCase(
        "Support chat closed my conversation without an answer",
        "Third time this week the live chat says 'conversation ended' while I am waiting for "
        "an agent. I only want to know why my withdrawal is pending.",
        C.SERVICE_QUALITY,
        P.P3,
        Ch.SOCIAL,
        "jonas.berg@example.org",
        "UID28840215",
        team="support",
    ),
    # --- assessing -------------------------------------------------------------------------
    DemoCase(
        "Stop-limit order triggered but never filled during BTC drop",
        "My stop-limit sell on BTC/USDT (stop 61,200, limit 61,000) was triggered at 14:02 UTC "
        "but sat unfilled while the price fell to 58,900. I lost about 900 USDT more than "
        "planned. Was the order book frozen?",
        C.TRADE_DISPUTE,
        P.P3,
        Ch.CHAT,
        "r.patel@example.com",
        "UID19283746",
        transactions=("ORD-5531087261",),
        team="support",
        assignee="agent",
        steps=(*assess(),),
    ),
    DemoCase(
        "账户被冻结，KYC 资料已提交两周无回复",
        "我的账户两周前被冻结，客服要求重新提交 KYC。我已上传身份证和住址证明，至今没有任何回复，"
        "账户里还有约 3,000 USDT 无法提取。",
        C.ACCOUNT_FREEZE_KYC,
        P.P2,
        Ch.API,
        "zhao.min@example.cn",
        "UID40028871",
        locale=L.ZH_HANS,
        team="support",
        assignee="agent",
        steps=(*assess(),),
    ),
    DemoCase(
        "Request to delete my account data",
        "I closed my account last month. Please confirm that my personal data has been "
        "deleted, or tell me what you keep and for how long.",
        C.OTHER,
        P.P4,
        Ch.WEB,
        "c.dubois@example.fr",
        "UID22109384",
        team="support",
        assignee="agent",
        steps=(*assess(),),
    ),
    # --- investigating ---------------------------------------------------------------------
    DemoCase(
        "ETH/USDT market order filled 4% away from the last price",
        "I placed a market buy of 12 ETH. The last price was 2,410 but the average fill was "
        "2,507. There was no warning about low liquidity. I expect the difference refunded.",
        C.TRADE_DISPUTE,
        P.P2,
        Ch.WEB,
        "alice@example.com",
        ACCOUNTS["alice"],
        customer="alice",
        transactions=("ORD-5529910473",),
        team="complaints",
        assignee="handler",
        steps=(*accept(),),
    ),
    DemoCase(
        "BTC withdrawal marked completed but not received",
        "Withdrawal of 0.42 BTC shows 'Completed' since yesterday but the txid you show does "
        "not exist on any block explorer. The receiving address is my own Ledger.",
        C.DEPOSIT_WITHDRAWAL,
        P.P1,
        Ch.EMAIL,
        "m.tanaka@example.jp",
        "UID11873920",
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
        "Unrecognised login followed by API key creation",
        "I got an email about a login from a new device in Vietnam and then an API key was "
        "created with trading rights. I did not do this. I have changed my password, please "
        "check what was done with my account.",
        C.ACCOUNT_SECURITY,
        P.P1,
        Ch.CHAT,
        "s.okonkwo@example.ng",
        "UID33094418",
        team="security",
        assignee="handler",
        steps=(*accept("Possible account takeover: Security team."),),
    ),
    DemoCase(
        "P2P 卖家已收款但未放币",
        "我在 P2P 向卖家购买 2,000 USDT，已通过银行转账付款并上传凭证，卖家超过 3 小时未放币，"
        "订单现在显示申诉中。",
        C.P2P_DISPUTE,
        P.P2,
        Ch.WEB,
        "bob@example.com",
        ACCOUNTS["bob"],
        locale=L.ZH_HANS,
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
            Step("accept", "Payment proof received; P2P dispute opened."),
        ),
    ),
    # --- awaiting_customer -----------------------------------------------------------------
    DemoCase(
        "SOL deposit sent without memo",
        "I sent 35 SOL to the deposit address but the exchange app on my phone did not show "
        "the memo field. The deposit is not in my account.",
        C.DEPOSIT_WITHDRAWAL,
        P.P3,
        Ch.WEB,
        "l.fernandez@example.es",
        "UID27746105",
        transactions=("5xKq9vJr2LmP8sWcT4nH7bYd3fGa6eZu1oQiRtXy",),
        team="support",
        assignee="agent",
        steps=(
            *accept(),
            ask("Please send the address you deposited from and a message signed with its key."),
        ),
    ),
    DemoCase(
        "护照过期导致账户受限",
        "系统提示我的护照已过期，账户只能卖出不能提现。我已经换了新护照，但上传页面一直报错。",
        C.ACCOUNT_FREEZE_KYC,
        P.P3,
        Ch.EMAIL,
        "liu.yang@example.cn",
        "UID45510983",
        locale=L.ZH_HANS,
        team="support",
        assignee="agent",
        steps=(
            *assess(),
            ask("请通过邮件或在门户上传新护照的照片页。", "已请用户发送新护照的照片页。"),
        ),
    ),
    DemoCase(
        "Maker rebate not applied on VIP 2 tier",
        "My 30-day volume qualifies for VIP 2 since the 3rd but my maker orders are still "
        "charged 0.08% instead of receiving the rebate.",
        C.FEES,
        P.P4,
        Ch.API,
        "bob@example.com",
        ACCOUNTS["bob"],
        customer="bob",
        team="complaints",
        assignee="handler",
        steps=(*accept(), ask("Which sub-account did you place these orders from?")),
    ),
    # --- responsibility_determined -------------------------------------------------------
    DemoCase(
        "Futures position liquidated during maintenance window",
        "My BTCUSDT perpetual long was liquidated at 02:14 UTC while the site showed the "
        "maintenance banner and I could not add margin.",
        C.TRADE_DISPUTE,
        P.P2,
        Ch.WEB,
        "a.novak@example.cz",
        "UID38812047",
        transactions=("FUT-LIQ-3310284",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.PLATFORM_SYSTEM_FAULT,
                "Ops log shows the margin service was read-only from 02:05 to 02:31 UTC while "
                "the liquidation engine kept running; the user's add-margin requests at 02:09 "
                "and 02:12 were rejected (gateway log snapshot attached).",
            ),
        ),
    ),
    DemoCase(
        "USDC sent on the wrong network",
        "I withdrew 800 USDC choosing BEP20 to an address that only supports ERC20. Can you "
        "recover it?",
        C.DEPOSIT_WITHDRAWAL,
        P.P3,
        Ch.CHAT,
        "t.mueller@example.de",
        "UID29930571",
        transactions=("0x4be1c2f09a7d3e5b6c8a1f2e0d9c7b5a3e1f4d6c8b0a2e4f6d8c0b2a4e6f8d0c",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.USER_OPERATION_ERROR,
                "The withdrawal form showed the network warning and the user confirmed it; "
                "the destination is an external wallet we do not control.",
            ),
        ),
    ),
    DemoCase(
        "Funds withdrawn after SIM-swap attack",
        "My phone number was hijacked and 1.9 ETH and 4,000 USDT were withdrawn within 20 "
        "minutes. I had SMS 2FA only.",
        C.ACCOUNT_SECURITY,
        P.P1,
        Ch.EMAIL,
        "d.kim@example.kr",
        "UID50218834",
        transactions=("WD-88093110", "WD-88093117"),
        team="security",
        assignee="handler",
        steps=(
            *find(
                R.THIRD_PARTY_HACK,
                "Carrier confirmed a SIM swap at 21:40; login from a new device at 21:52 passed "
                "SMS 2FA; withdrawal whitelist was off. No platform fault found.",
            ),
        ),
    ),
    # --- resolution_proposed ---------------------------------------------------------------
    DemoCase(
        "Charged taker fee twice on one spot order",
        "Order ORD-5517730012 shows two fee lines of 3.12 USDT each for a single fill.",
        C.FEES,
        P.P3,
        Ch.WEB,
        "alice@example.com",
        ACCOUNTS["alice"],
        customer="alice",
        transactions=("ORD-5517730012",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.PLATFORM_SYSTEM_FAULT,
                "Fee ledger shows a duplicate posting caused by a retry in the settlement job.",
            ),
            propose("Refund the duplicate taker fee of 3.12 USDT to the spot wallet."),
        ),
    ),
    DemoCase(
        "止盈单未按设定价格执行",
        "我设置了 ETH 止盈单 3,200 USDT，价格已经到达 3,215，但订单没有触发，之后价格回落，"
        "损失约 600 USDT。",
        C.TRADE_DISPUTE,
        P.P2,
        Ch.WEB,
        "chen.jie@example.cn",
        "UID41187725",
        locale=L.ZH_HANS,
        transactions=("ORD-5524419908",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.PLATFORM_SYSTEM_FAULT,
                "Trigger service lagged 41 s behind the mark price during the spike "
                "(monitoring snapshot); the order should have triggered at 3,200.",
            ),
            propose("按 3,200 USDT 的触发价格补偿差额 612.40 USDT 至现货账户。"),
        ),
    ),
    DemoCase(
        "Withdrawal held for risk review for 5 days without explanation",
        "My withdrawal has been 'under review' for five days. Nobody tells me why or how "
        "long it will take.",
        C.SERVICE_QUALITY,
        P.P4,
        Ch.CHAT,
        "k.adeyemi@example.com",
        "UID36650119",
        team="support",
        assignee="handler",
        steps=(
            *find(
                R.PLATFORM_STAFF_ERROR,
                "Review was completed on day 1 but the release step was not done; the ticket "
                "was left unassigned after a shift change.",
            ),
            propose("Release the withdrawal, waive its fee and credit a 20 USDT voucher."),
        ),
    ),
    # --- resolution_accepted ---------------------------------------------------------------
    DemoCase(
        "Deposit of 0.85 ETH credited to the wrong sub-account",
        "My ETH deposit went to my trading-bot sub-account instead of the main account I "
        "generated the address for.",
        C.DEPOSIT_WITHDRAWAL,
        P.P2,
        Ch.EMAIL,
        "p.rossi@example.it",
        "UID24471106",
        transactions=("0x7d2a9c4e1b3f5a6d8c0e2b4a6f8d0c2e4a6b8d0f2c4e6a8b0d2f4c6e8a0b2d4f",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.PLATFORM_STAFF_ERROR,
                "An address re-assignment done by support on the 2nd mapped the address to "
                "the sub-account (operation log).",
            ),
            propose("Move 0.85 ETH from the sub-account to the main account."),
            ACCEPTED,
        ),
    ),
    DemoCase(
        "Convert quote expired but the trade still executed",
        "The Convert screen said the quote had expired, I pressed back, and the conversion "
        "went through anyway at a worse rate.",
        C.FEES,
        P.P3,
        Ch.WEB,
        "n.ivanova@example.bg",
        "UID31120956",
        transactions=("CNV-771029384",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.SHARED,
                "The client showed 'expired' after the server had accepted the quote "
                "(race in app 5.12); the user confirmed twice.",
            ),
            propose("Compensate half the rate difference: 18.75 USDT."),
            ACCEPTED,
        ),
    ),
    # --- executing -------------------------------------------------------------------------
    DemoCase(
        "Grid trading bot kept running after I stopped it",
        "I stopped my grid bot on BTC/USDT but it kept placing orders for two more hours and "
        "lost 412.50 USDT.",
        C.TRADE_DISPUTE,
        P.P2,
        Ch.WEB,
        "bob@example.com",
        ACCOUNTS["bob"],
        customer="bob",
        transactions=("BOT-GRID-90417",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.PLATFORM_SYSTEM_FAULT,
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
        "Account frozen after a sanctions-screening false match",
        "My account was frozen because my name matches someone on a sanctions list. I sent "
        "my passport and proof of address.",
        C.ACCOUNT_FREEZE_KYC,
        P.P2,
        Ch.STAFF,
        "m.hussain@example.co.uk",
        "UID26630048",
        team="compliance",
        assignee="handler",
        steps=(
            *find(
                R.PLATFORM_STAFF_ERROR,
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
        "XRP deposit missing destination tag",
        "I forgot the destination tag when depositing 640 XRP. Can you find and credit it?",
        C.DEPOSIT_WITHDRAWAL,
        P.P3,
        Ch.WEB,
        "alice@example.com",
        ACCOUNTS["alice"],
        customer="alice",
        transactions=("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",),
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                R.USER_OPERATION_ERROR,
                "Deposit arrived without tag; ownership proven by a signed message from the "
                "sending address.",
                "Credit 640 XRP minus the 10 XRP recovery fee.",
            ),
        ),
    ),
    DemoCase(
        "充值返利活动奖励未到账",
        "我参加了 8 月的充值返利活动，充值满 1,000 USDT，活动页面承诺 20 USDT 奖励，至今未到账。",
        C.FEES,
        P.P4,
        Ch.SOCIAL,
        "huang.xin@example.cn",
        "UID47790312",
        locale=L.ZH_HANS,
        team="support",
        assignee="handler",
        steps=(
            *resolved(
                R.PLATFORM_SYSTEM_FAULT,
                "Campaign job skipped users who deposited through the API.",
                "补发 20 USDT 活动奖励至现货账户。",
            ),
        ),
    ),
    DemoCase(
        "2FA reset request stuck for a week",
        "I lost my phone and requested a 2FA reset with a selfie. It has said 'in progress' "
        "for seven days.",
        C.ACCOUNT_SECURITY,
        P.P2,
        Ch.CHAT,
        "e.walsh@example.ie",
        "UID35501274",
        team="security",
        assignee="handler",
        steps=(
            *resolved(
                R.PLATFORM_STAFF_ERROR,
                "Request was approved but the reset was never triggered (operation log).",
                "Complete the 2FA reset and walk the user through setting up an authenticator.",
            ),
        ),
    ),
    # --- closed ----------------------------------------------------------------------------
    DemoCase(
        "Limit order cancelled without notice during delisting",
        "My open limit orders on XYZ/USDT were cancelled when the pair was delisted. I never "
        "got an email.",
        C.TRADE_DISPUTE,
        P.P3,
        Ch.EMAIL,
        "g.silva@example.br",
        "UID21038857",
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                R.PLATFORM_STAFF_ERROR,
                "The delisting notice went to the announcement page only; the email "
                "campaign was not sent to holders of open orders.",
                "Apologise and credit a 10 USDT fee voucher.",
            ),
            CLOSE,
        ),
    ),
    DemoCase(
        "API 交易接口频繁超时导致损失",
        "最近一周下单接口经常返回 504，我的量化策略因此多次下单失败，估计损失 150 USDT。",
        C.SERVICE_QUALITY,
        P.P3,
        Ch.API,
        "sun.hao@example.cn",
        "UID43318806",
        locale=L.ZH_HANS,
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                R.SHARED,
                "Gateway timeouts confirmed for 3% of requests; the client retried without "
                "idempotency keys, which doubled some orders.",
                "提供 API 技术支持，说明幂等键用法，并补偿 75 USDT。",
            ),
            CLOSE,
        ),
    ),
    DemoCase(
        "P2P buyer's bank transfer reversed after I released the coins",
        "I released 1,500 USDT to a P2P buyer after the payment arrived; two days later the "
        "bank reversed the transfer as fraudulent.",
        C.P2P_DISPUTE,
        P.P2,
        Ch.WEB,
        "o.adams@example.com",
        "UID39928150",
        transactions=("P2P-20240719-55102",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.THIRD_PARTY_FRAUD,
                "Buyer's account was opened with stolen identity documents; the reversal was "
                "initiated by the victim's bank.",
            ),
            final(
                "The buyer's account is closed and reported to the police. Under the P2P terms "
                "the seller bears the risk of payment reversal; we cannot reimburse the loss."
            ),
            Step("close", "The customer did not take the case to arbitration."),
        ),
    ),
    DemoCase(
        "LUNA balance not migrated after the chain halt",
        "My LUNA balance was never converted to the new token although the announcement "
        "said all balances would be.",
        C.DEPOSIT_WITHDRAWAL,
        P.P3,
        Ch.EMAIL,
        "h.larsen@example.dk",
        "UID20017739",
        team="complaints",
        assignee="handler",
        steps=(
            *accept(),
            Reassign("arbitration", "handler", "Deadlock expected: arbitration team prepares."),
            final("Balances held in margin at the snapshot were excluded, as announced."),
            Step("refer_to_arbitration", "Customer referred the case to the partner institution."),
            Step("close", "Award received and enforced; case closed."),
        ),
    ),
    # --- proposal_rejected -----------------------------------------------------------------
    DemoCase(
        "Margin call email arrived after liquidation",
        "The margin call email came 12 minutes after my position was liquidated, so I had no "
        "chance to add collateral.",
        C.TRADE_DISPUTE,
        P.P2,
        Ch.EMAIL,
        "f.okoro@example.com",
        "UID37749921",
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.SHARED,
                "Email queue was delayed 9 minutes; in-app alert was on time; the position "
                "was at 96% margin ratio for an hour before.",
            ),
            propose("Compensate 50 USDT for the delayed notification."),
            REJECTED,
        ),
    ),
    DemoCase(
        "P2P 买家付款后取消订单，币被退回",
        "我作为卖家已经收到买家的付款，但买家随后取消了订单，系统把币退回到我的账户，"
        "买家现在要求我退款，我不确定该怎么处理。",
        C.P2P_DISPUTE,
        P.P3,
        Ch.CHAT,
        "zhou.ping@example.cn",
        "UID46630578",
        locale=L.ZH_HANS,
        transactions=("P2P-20240822-90233",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.THIRD_PARTY_P2P_COUNTERPARTY,
                "Buyer cancelled after paying; funds and coins are both with the seller.",
            ),
            propose("请将买家付款原路退回，平台确认后关闭争议订单。"),
            REJECTED,
        ),
    ),
    # --- final_response --------------------------------------------------------------------
    DemoCase(
        "Phishing site drained my account",
        "I logged in through a fake site from a search ad and 2.1 BTC were withdrawn. You "
        "should have blocked a withdrawal to a new address.",
        C.ACCOUNT_SECURITY,
        P.P1,
        Ch.WEB,
        "v.petrov@example.com",
        "UID32287764",
        transactions=("WD-87990312",),
        team="security",
        assignee="handler",
        steps=(
            *find(
                R.THIRD_PARTY_PHISHING,
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
        "Slippage on stop-market order during CPI release",
        "My stop-market order filled 1.8% below the stop during the CPI release. I want the "
        "slippage refunded.",
        C.TRADE_DISPUTE,
        P.P3,
        Ch.WEB,
        "alice@example.com",
        ACCOUNTS["alice"],
        customer="alice",
        transactions=("ORD-5509920117",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.USER_OPERATION_ERROR,
                "Matching engine latency normal; the fill reflects the order book during "
                "the release; stop-market orders carry no price guarantee.",
            ),
            propose("Goodwill fee voucher of 15 USDT; no refund of slippage."),
            REJECTED,
            final(
                "Your order was executed correctly at the best prices available. Our offer of "
                "a 15 USDT voucher stands; you may refer this decision to arbitration."
            ),
        ),
    ),
    # --- in_arbitration --------------------------------------------------------------------
    DemoCase(
        "P2P 交易对方提供伪造付款凭证",
        "买家上传的付款截图是伪造的，我没有收到钱，但客服判定我必须放币，我损失了 5,000 USDT。",
        C.P2P_DISPUTE,
        P.P2,
        Ch.WEB,
        "bob@example.com",
        ACCOUNTS["bob"],
        locale=L.ZH_HANS,
        customer="bob",
        transactions=("P2P-20240706-31877",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                R.UNDETERMINED,
                "Bank records requested from both parties; the buyer's bank has not answered "
                "within the P2P deadline.",
            ),
            Reassign("arbitration", "handler", "Both parties refuse settlement; arbitration."),
            final("平台无法确认付款真实性。您可以将本案提交至合作仲裁机构。"),
            Step("refer_to_arbitration", "用户申请仲裁，材料已提交合作机构。"),
        ),
    ),
    DemoCase(
        "Withdrawal of 2.4 BTC frozen for 70 days",
        "My 2.4 BTC withdrawal has been frozen for 70 days for a 'compliance review'. I have "
        "provided every document asked.",
        C.DEPOSIT_WITHDRAWAL,
        P.P1,
        Ch.EMAIL,
        "r.cohen@example.com",
        "UID23361190",
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
            Reassign("arbitration", "handler", "Final-response deadline near; arbitration."),
            final("The funds remain frozen under a court order; we cannot release them."),
            Step("refer_to_arbitration", "Eligible: final response issued; customer referred."),
        ),
    ),
    # --- reopened --------------------------------------------------------------------------
    DemoCase(
        "Refund for failed withdrawal returned minus network fee",
        "My withdrawal failed and was refunded, but 1 USDT network fee was kept although "
        "nothing was sent.",
        C.DEPOSIT_WITHDRAWAL,
        P.P3,
        Ch.WEB,
        "alice@example.com",
        ACCOUNTS["alice"],
        customer="alice",
        transactions=("WD-88001276",),
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                R.PLATFORM_SYSTEM_FAULT,
                "Refund job returned the principal only.",
                "Refund the 1 USDT network fee.",
            ),
            Step("reopen", "Customer says the fee refund went to the wrong wallet."),
        ),
    ),
    DemoCase(
        "理财产品提前赎回被收取手续费",
        "活动页面写明灵活理财随时赎回无手续费，但我赎回 5,000 USDT 时被扣了 0.5%。",
        C.FEES,
        P.P4,
        Ch.EMAIL,
        "lin.na@example.cn",
        "UID48876521",
        locale=L.ZH_HANS,
        team="support",
        assignee="handler",
        steps=(
            *resolved(
                R.PLATFORM_SYSTEM_FAULT,
                "Product was mislabelled as fixed-term in the fee table.",
                "退还赎回手续费 25 USDT。",
            ),
            Step("reopen", "用户表示另一笔赎回同样被收费。"),
        ),
    ),
    # --- reopened and investigated again ---------------------------------------------------
    DemoCase(
        "ETH staking rewards lower than the advertised APR",
        "The Earn page advertised 4.1% APR on ETH staking; my rewards over 30 days work out "
        "to 2.9%.",
        C.OTHER,
        P.P3,
        Ch.WEB,
        "j.moreau@example.fr",
        "UID30041187",
        team="complaints",
        assignee="handler",
        steps=(
            *resolved(
                R.USER_OPERATION_ERROR,
                "APR is variable and shown as such; the user's stake started mid-epoch.",
                "Explain the reward calculation; no compensation.",
            ),
            Step("reopen", "Customer sent a screenshot of the page without the 'variable' note."),
            Step("reinvestigate", "Checking the page version the customer saw."),
        ),
    ),
    # --- out_of_scope ----------------------------------------------------------------------
    DemoCase(
        "BTC price dropped right after I bought",
        "I bought BTC and the price fell 8% the same day. The exchange should compensate "
        "beginners for such losses.",
        C.OTHER,
        P.P4,
        Ch.SOCIAL,
        "b.jones@example.com",
        "UID25580034",
        team="support",
        assignee="agent",
        steps=(
            *assess(),
            Step(
                "reject_out_of_scope",
                "Market movement is not a service failure.",
                {
                    "out_of_scope_referral": "Market losses are not covered. Our guide "
                    "'Understanding volatility' and the risk notice on the trade page explain "
                    "the risks; the help centre has beginner tutorials."
                },
            ),
        ),
    ),
    DemoCase(
        "我在其他交易所的资产被盗",
        "我在另一家交易所的账户被盗，资产被转走，请你们帮我追回。",
        C.ACCOUNT_SECURITY,
        P.P4,
        Ch.CHAT,
        "qian.wei@example.cn",
        "UID49901256",
        locale=L.ZH_HANS,
        team="support",
        assignee="agent",
        steps=(
            *assess(),
            Step(
                "reject_out_of_scope",
                "涉及的是其他平台的账户。",
                {
                    "out_of_scope_referral": "该账户不属于本平台。请联系该交易所的客服并向当地"
                    "警方报案；如有链上地址，可提供给我们以便标记可疑资金。"
                },
            ),
        ),
    ),
    # --- withdrawn -------------------------------------------------------------------------
    DemoCase(
        "Mobile app crashes when opening the futures tab",
        "Since the last update the Android app closes as soon as I open Futures.",
        C.SERVICE_QUALITY,
        P.P4,
        Ch.CHAT,
        "y.haddad@example.com",
        "UID34452290",
        team="support",
        assignee="agent",
        steps=(
            *assess(),
            Step("withdraw", "Customer reports the 5.13 update fixed it and withdrew."),
        ),
    ),
    DemoCase(
        "Withdrawal fee for USDT on TRC20 changed without notice",
        "The TRC20 USDT withdrawal fee went from 1 to 2.5 USDT overnight with no announcement.",
        C.FEES,
        P.P3,
        Ch.STAFF,
        "bob@example.com",
        ACCOUNTS["bob"],
        customer="bob",
        team="complaints",
        assignee="handler",
        steps=(*accept(), Step("withdraw", "Customer found the announcement and withdrew.")),
    ),
]

# How long ago a case in each final state was received, in days (older as it gets further).
AGE_DAYS: dict[str, tuple[float, float]] = {
    S.RECEIVED: (0.05, 1.5),
    S.ASSESSING: (0.5, 3),
    S.AWAITING_CUSTOMER: (3, 10),
    S.INVESTIGATING: (2, 12),
    S.RESPONSIBILITY_DETERMINED: (8, 18),
    S.RESOLUTION_PROPOSED: (10, 22),
    S.PROPOSAL_REJECTED: (14, 28),
    S.RESOLUTION_ACCEPTED: (12, 25),
    S.EXECUTING: (14, 28),
    S.RESOLVED: (18, 35),
    S.REOPENED: (25, 40),
    S.FINAL_RESPONSE: (25, 45),
    S.IN_ARBITRATION: (40, 58),
    S.CLOSED: (35, 60),
    S.OUT_OF_SCOPE: (3, 30),
    S.WITHDRAWN: (3, 30),
}


# --- Seeding ---------------------------------------------------------------------------------


@dataclass
class SeedResult:
    users_created: list[str] = field(default_factory=list)
    teams_created: list[str] = field(default_factory=list)
    cases_created: list[str] = field(default_factory=list)
    cases_present: int = 0


class _PasswordHash:
    """One hash of the demo password, computed at most once per run (hashing is slow on
    purpose, and every demo login has the same published password)."""

    def __init__(self) -> None:
        self._value = ""

    def __str__(self) -> str:
        if not self._value:
            self._value = make_password(DEMO_PASSWORD)
        return self._value


def _seed_users(result: SeedResult) -> dict[str, Any]:
    User = get_user_model()
    password = _PasswordHash()
    users = {}
    for spec in USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": spec.email,
                "is_staff": spec.staff or spec.superuser,
                "is_superuser": spec.superuser,
            },
        )
        if created:
            user.password = str(password)
            user.save(update_fields=["password"])
            if spec.role:
                user.groups.add(Group.objects.get(name=spec.role))
            result.users_created.append(spec.username)
        users[spec.username] = user
    for username, account_id in ACCOUNTS.items():
        if not CustomerProfile.objects.filter(user=users[username]).exists():
            CustomerProfile.objects.create(
                user=users[username],
                exchange_account_id=account_id,
                locale=PORTAL_LOCALES[username],
            )
    client, created = User.objects.get_or_create(
        username=API_CLIENT_USERNAME, defaults={"first_name": "Exchange", "last_name": "backend"}
    )
    if created:
        client.set_unusable_password()
        client.save(update_fields=["password"])
        client.groups.add(Group.objects.get(name=roles.API_CLIENT))
        result.users_created.append(API_CLIENT_USERNAME)
    users[API_CLIENT_USERNAME] = client
    return users


def _seed_teams(users: dict[str, Any], result: SeedResult) -> dict[str, Team]:
    existing = {team.code: team for team in Team.objects.filter(code__in=[c for c, _ in TEAMS])}
    leads = {code: users[u.username] for u in USERS for code in u.leads}
    teams = {}
    for code, name in TEAMS:
        team = existing.get(code)
        if team is None:
            team = team_create(code=code, name=name, actor=ACTOR, lead=leads.get(code))
            result.teams_created.append(code)
        teams[code] = team
    return teams


def _seed_staff(users: dict[str, Any], teams: dict[str, Team], result: SeedResult) -> None:
    profiles = StaffProfile.objects.filter(user__in=users.values())
    with_profile = set(profiles.values_list("user__username", flat=True))
    for spec in USERS:
        # Only for users this run created: a demo login changed by hand since is left alone.
        if not spec.staff or spec.username not in result.users_created:
            continue
        user = users[spec.username]
        for code in spec.teams:
            team_member_add(team=teams[code], user=user, actor=ACTOR)
        if spec.username not in with_profile:
            staff_profile_ensure(
                user=user,
                actor=ACTOR,
                languages=list(spec.languages),
                skills=[str(s) for s in spec.skills],
                exchange_account_id=spec.exchange_account_id,
            )


def final_state(spec: DemoCase) -> str:
    """The state the demo case's walk ends in, followed along the edges the code declares.

    Raises ValueError for a walk the lifecycle does not allow (a mistake in the demo data).
    """
    moves: dict[tuple[str, str], list[str]] = {}
    for source, target, name in lifecycle_edges():
        moves.setdefault((source, name), []).append(target)
    state, paused_from = str(S.RECEIVED), ""
    for step in spec.steps:
        if isinstance(step, Reassign):
            continue
        targets = moves.get((state, step.transition))
        if not targets:
            raise ValueError(f"{spec.subject!r}: no {step.transition!r} from {state!r}")
        if step.transition == "request_info":
            paused_from = state
        # `resume` returns to the step that asked (its target is a RETURN_VALUE).
        state = paused_from if len(targets) > 1 and paused_from in targets else targets[0]
    return state


def received_at(spec: DemoCase, *, now: datetime) -> datetime:
    """A fixed point in the past for this case: the same offset on every run."""
    rng = random.Random(f"{SEED}:{spec.email}:{spec.subject}")  # noqa: S311 - not security
    low, high = AGE_DAYS[final_state(spec)]
    return now - timedelta(days=rng.uniform(low, high))


def _seed_case(spec: DemoCase, *, users: dict[str, Any], teams: dict[str, Team], now: datetime):
    received = received_at(spec, now=now)
    customer = users[spec.customer] if spec.customer else None
    # Through the intake door, like a real submission: redaction, classification, the first
    # message, routing and the acknowledgement. Cases "from the API" carry the API client.
    result = intake_submit(
        submission=IntakeSubmission(
            channel=spec.channel,
            subject=spec.subject,
            description=spec.description,
            email=spec.email,
            account_id=spec.account_id,
            category=spec.category,
            locale=spec.locale,
            related_transactions=spec.transactions,
            customer=customer,
            priority=spec.priority,
            received_at=received,
            source={"type": "demo", "channel": spec.channel},
            intake_client=users[API_CLIENT_USERNAME] if spec.channel == Ch.API else None,
        ),
        actor=ACTOR,
    )
    case = result.case
    if spec.team or spec.assignee:
        case = case_assign(
            case=case,
            actor=ACTOR,
            reason="Routed by the intake rules.",
            team=teams[spec.team] if spec.team else None,
            assignee=users[spec.assignee] if spec.assignee else None,
        )
    for step in spec.steps:
        if isinstance(step, Reassign):
            case = case_assign(
                case=case,
                actor=ACTOR,
                reason=step.reason,
                team=teams[step.team] if step.team else None,
                assignee=users[step.assignee] if step.assignee else None,
            )
        else:
            inputs = dict(step.inputs)
            if step.transition == "determine_responsibility":
                # The finding cites what the investigation pulled from the exchange.
                snapshot = _pull_snapshot(spec, case=case, now=now)
                inputs["responsibility_evidence"] = [snapshot.pk]
                if case.assignee is not None:
                    from cases.services.evidence import evidence_review

                    evidence_review(
                        evidence=snapshot,
                        actor=case.assignee,
                        relevance="relevant",
                        note="The records the finding rests on.",
                    )
            case = case_transition(
                case=case,
                transition=step.transition,
                actor=ACTOR,
                reason=step.reason,
                **inputs,
            )
    _seed_investigation(spec, case=case, users=users, teams=teams, now=now)
    _seed_correspondence(spec, case=case, users=users)
    return case


def _pull_snapshot(spec: DemoCase, *, case: Case, now: datetime):
    """The handler's snapshot of the incident window, through the demo exchange gateway."""
    from cases.services.snapshots import snapshot_pull
    from demo.gateway import DemoExchangeGateway
    from demo.ledger import incident_kinds, incident_window

    start, end = incident_window(spec, now=now)
    return snapshot_pull(
        case=case,
        actor=ACTOR,
        account_id=spec.account_id,
        kinds=incident_kinds(spec),
        start=start,
        end=end,
        gateway=DemoExchangeGateway(),
    )


def _first_reply(spec: DemoCase) -> str:
    if spec.locale == Locale.ZH_HANS:
        return "您好，我们已收到您的投诉，正在核查相关记录，有进展会第一时间通知您。"
    return (
        "Hello, thank you for your patience. We are checking the records of your account and "
        "will update you here as soon as we know more."
    )


def _seed_correspondence(spec: DemoCase, *, case: Case, users: dict[str, Any]) -> None:
    """A first staff reply on every case someone has picked up, an internal note, and for the
    portal users' cases a file and an answer of their own, so the portal and the case page
    show real correspondence."""
    if case.state == S.RECEIVED:
        return
    staff_author = case.assignee or users["agent"]
    message_post_staff(case=case, actor=staff_author, body=_first_reply(spec))
    message_post_staff(
        case=case,
        actor=staff_author,
        body="Checked the account's recent activity; nothing unusual beyond what is described.",
        internal=True,
    )
    # A case waiting for the customer shows the question unanswered (an answer would resume it).
    if spec.customer and case.state not in (S.WITHDRAWN, S.OUT_OF_SCOPE, S.AWAITING_CUSTOMER):
        customer = users[spec.customer]
        intake_reply(
            reply=IntakeReply(
                case=case,
                channel=Ch.WEB,
                body=(
                    "谢谢，我附上了截图。"
                    if spec.locale == Locale.ZH_HANS
                    else "Thanks. I attach the screenshot and my trade export."
                ),
                attachments=(
                    IncomingFile("screenshot.png", _demo_png()),
                    IncomingFile("trades.csv", _demo_csv(spec)),
                ),
                author=customer,
            ),
            actor=customer,
        )


def _demo_png() -> bytes:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 120), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 310, 110), outline=(40, 80, 160), width=2)
    draw.text((24, 30), "Withdrawal  USDT  500.00", fill=(20, 20, 20))
    draw.text((24, 60), "Status: Processing", fill=(160, 40, 40))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _demo_csv(spec: DemoCase) -> bytes:
    rows = ["time_utc,pair,side,price,amount"]
    rows += [f"2026-10-0{i + 1}T09:3{i}:00Z,BTC/USDT,buy,6{i}250.10,0.0{i + 1}" for i in range(4)]
    return ("\n".join(rows) + "\n").encode()


@dataclass(frozen=True)
class DemoConsultation:
    team: str
    question: str
    asked_days_ago: int
    due_days: int
    answer: str = ""


# Questions the handlers asked other teams (by case subject): one answered, one overdue for the
# team lead's view, one still within its time.
CONSULTATIONS: dict[str, list[DemoConsultation]] = {
    "BTC withdrawal marked completed but not received": [
        DemoConsultation(
            "tech",
            "Our withdrawal record shows the transaction as completed. Was it actually "
            "broadcast, and in which block was it confirmed?",
            asked_days_ago=2,
            due_days=3,
            answer="Broadcast at once and confirmed two blocks later; the destination address "
            "is the one in the withdrawal record. Node log export attached to the ticket.",
        )
    ],
    "ETH/USDT market order filled 4% away from the last price": [
        DemoConsultation(
            "tech",
            "Was the ETH/USDT order book thin at the time of the order, or did the matching "
            "engine lag? Please send the depth snapshot for that second.",
            asked_days_ago=5,
            due_days=2,
        )
    ],
    "P2P 卖家已收款但未放币": [
        DemoConsultation(
            "legal",
            "The seller confirms payment but refuses to release. May we release the escrowed "
            "USDT to the buyer on the bank receipt alone?",
            asked_days_ago=0,
            due_days=3,
        )
    ],
}


# Identity documents the customer sent (by case subject), stored as sensitive evidence.
SENSITIVE_UPLOADS = {
    "账户被冻结，KYC 资料已提交两周无回复": "Passport photo page (identity document)",
}


def _seed_investigation(
    spec: DemoCase, *, case: Case, users: dict[str, Any], teams: dict[str, Team], now: datetime
) -> None:
    """What the handler did while investigating: a snapshot of the incident window (reviewed,
    with a note) on every open investigation, and the consultations of `CONSULTATIONS`."""
    from cases.services.consultations import consultation_answer, consultation_request
    from cases.services.evidence import evidence_add, evidence_review

    if spec.subject in SENSITIVE_UPLOADS:
        # An identity document: the support agent sees it listed but not opened (a lead can).
        evidence_add(
            case=case,
            actor=ACTOR,
            name="passport.png",
            content=_demo_png(),
            channel=Ch.WEB,
            description=SENSITIVE_UPLOADS[spec.subject],
            is_sensitive=True,
        )
    handler = users.get(spec.assignee) if spec.assignee else None
    if handler is None:
        return
    if case.state == S.INVESTIGATING:
        snapshot = _pull_snapshot(spec, case=case, now=now)
        evidence_review(
            evidence=snapshot,
            actor=handler,
            relevance="relevant",
            note="Covers the incident window; matches what the customer describes.",
        )
    for item in CONSULTATIONS.get(spec.subject, []):
        asked = now - timedelta(days=item.asked_days_ago, hours=2)
        consultation = consultation_request(
            case=case,
            actor=handler,
            team=teams[item.team],
            question=item.question,
            asked_at=asked,
            due_at=asked + timedelta(days=item.due_days),
        )
        if item.answer:
            consultation_answer(
                consultation=consultation, actor=users["specialist"], answer=item.answer
            )


def demo_seed() -> SeedResult:
    """Create whatever of the demo data is missing; never change what exists.

    Each case is opened and walked in its own transaction, so an error leaves no half-walked
    case behind (it would be skipped as present by the next run).
    """
    result = SeedResult()
    now = timezone.now()
    with transaction.atomic():
        users = _seed_users(result)
        teams = _seed_teams(users, result)
        _seed_staff(users, teams, result)
        seed_routing_rules(teams=teams, actor=ACTOR)
        from demo.ledger import ledger_seed

        ledger_seed(now=now)
    present = set(
        Case.objects.filter(complainant_email__in={c.email for c in CASES}).values_list(
            "complainant_email", "subject"
        )
    )
    for spec in CASES:
        if spec.key in present:
            result.cases_present += 1
            continue
        with transaction.atomic():
            case = _seed_case(spec, users=users, teams=teams, now=now)
        result.cases_created.append(case.reference)
    with transaction.atomic():
        _seed_conflict(users)
    return result


# A conflict the specialist declares: a relative's account on the Security team's takeover case.
# It bars them from that case at once and waits for review, so the `compliance` login finds a
# declaration to review and a recusal it may override (four eyes: never its own).
DEMO_CONFLICT = {
    "staff": "specialist",
    "exchange_account_id": "UID33094418",
    "related_party": "S. Okonkwo, brother-in-law",
    "details": "My sister's husband trades on the exchange under this account.",
}


def _seed_conflict(users: dict[str, Any]) -> None:
    staff = users[DEMO_CONFLICT["staff"]]
    if ConflictDeclaration.objects.filter(staff=staff).exists():
        return
    conflict_declaration_submit(
        staff=staff,
        actor=staff,
        kind=ConflictKind.RELATIONSHIP,
        exchange_account_id=DEMO_CONFLICT["exchange_account_id"],
        related_party=DEMO_CONFLICT["related_party"],
        details=DEMO_CONFLICT["details"],
    )
