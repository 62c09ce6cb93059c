"""The demo teams, one login per role (the table `seed_demo` prints), the portal customers
with their exchange accounts, and the exchange's own API client."""

from __future__ import annotations

from dataclasses import dataclass

from cases import roles
from cases.enums import Category, Locale
from complaints_site.common.actors import SystemActor

# Who the demo's writes are recorded as (history rows, events).
ACTOR = SystemActor("seed_demo")
DEMO_PASSWORD = "demo1234"  # noqa: S105 - the published password of the demo logins

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
        username="admin",
        first_name="Ada",
        last_name="Admin",
        email="admin@exchange.example",
        role="",
        role_label="Superuser",
        superuser=True,
        languages=("en", "zh-hans"),
    ),
    DemoUser(
        username="agent",
        first_name="Mia",
        last_name="Wong",
        email="mia.wong@exchange.example",
        role=roles.SUPPORT_AGENT,
        role_label=roles.SUPPORT_AGENT,
        teams=("support",),
        languages=("en", "zh-hans"),
        skills=(
            Category.TRADE_DISPUTE,
            Category.DEPOSIT_WITHDRAWAL,
            Category.FEES,
            Category.SERVICE_QUALITY,
            Category.OTHER,
        ),
        exchange_account_id="UID70010021",
    ),
    DemoUser(
        username="handler",
        first_name="Daniel",
        last_name="Okafor",
        email="daniel.okafor@exchange.example",
        role=roles.CASE_HANDLER,
        role_label=roles.CASE_HANDLER,
        # Every team whose cases the demo gives this login: a case goes only to a member.
        teams=("complaints", "security", "support", "compliance", "arbitration"),
        skills=(
            Category.TRADE_DISPUTE,
            Category.DEPOSIT_WITHDRAWAL,
            Category.ACCOUNT_SECURITY,
            Category.ACCOUNT_FREEZE_KYC,
            Category.P2P_DISPUTE,
        ),
        exchange_account_id="UID70010034",
    ),
    DemoUser(
        username="lead",
        first_name="Priya",
        last_name="Shah",
        email="priya.shah@exchange.example",
        role=roles.TEAM_LEAD,
        role_label=roles.TEAM_LEAD,
        teams=("support", "complaints"),
        leads=("support", "complaints", "tech"),
        skills=ALL_CATEGORIES,
        exchange_account_id="UID70010047",
    ),
    DemoUser(
        username="approver",
        first_name="Lukas",
        last_name="Weber",
        email="lukas.weber@exchange.example",
        role=roles.APPROVER,
        role_label=roles.APPROVER,
        teams=("complaints",),
        languages=("en",),
        skills=(Category.TRADE_DISPUTE, Category.DEPOSIT_WITHDRAWAL, Category.FEES),
    ),
    DemoUser(
        username="auditor",
        first_name="Grace",
        last_name="Liu",
        email="grace.liu@exchange.example",
        role=roles.AUDITOR,
        role_label=roles.AUDITOR,
        languages=("en", "zh-hans"),
    ),
    DemoUser(
        username="compliance",
        first_name="Omar",
        last_name="Haddad",
        email="omar.haddad@exchange.example",
        role=roles.COMPLIANCE_OFFICER,
        role_label=roles.COMPLIANCE_OFFICER,
        teams=("compliance",),
        skills=(Category.ACCOUNT_FREEZE_KYC,),
    ),
    DemoUser(
        username="editor",
        first_name="Elena",
        last_name="Rossi",
        email="elena.rossi@exchange.example",
        role=roles.CONTENT_EDITOR,
        role_label=roles.CONTENT_EDITOR,
        languages=("en", "zh-hans"),
    ),
    DemoUser(
        username="arbitration",
        first_name="Kenji",
        last_name="Sato",
        email="kenji.sato@exchange.example",
        role=roles.ARBITRATION_LIAISON,
        role_label=roles.ARBITRATION_LIAISON,
        teams=("arbitration",),
        languages=("en", "zh-hans"),
        skills=(Category.P2P_DISPUTE, Category.TRADE_DISPUTE),
    ),
    DemoUser(
        username="specialist",
        first_name="Sofia",
        last_name="Novak",
        email="sofia.novak@exchange.example",
        role=roles.SPECIALIST,
        role_label=roles.SPECIALIST,
        teams=("tech", "security"),
        languages=("en",),
    ),
    DemoUser(
        username="alice",
        first_name="Alice",
        last_name="Martin",
        email="alice@example.com",
        role="",
        role_label="Portal user (customer)",
        staff=False,
    ),
    DemoUser(
        username="bob",
        first_name="Bob",
        last_name="Chen",
        email="bob@example.com",
        role="",
        role_label="Portal user (customer)",
        staff=False,
    ),
    DemoUser(
        username="carol",
        first_name="Carol",
        last_name="Jones",
        email="carol@example.com",
        role="",
        role_label="Portal user (customer)",
        staff=False,
    ),
]


# The exchange accounts of the portal users (the complainant_account_id of their cases).
ACCOUNTS = {"alice": "UID48213377", "bob": "UID51990420", "carol": "UID63310582"}


PORTAL_LOCALES = {"alice": Locale.EN, "bob": Locale.ZH_HANS, "carol": Locale.EN}

# Where each portal user lives, so the demo shows each regime's deadlines (docs/clocks.md):
# the UK FCA's for Alice, the EU MiCA rules for Bob in Germany, the US CFPB's for Carol.
PORTAL_JURISDICTIONS = {"alice": "GB", "bob": "DE", "carol": "US"}


# The service account of the exchange's own systems (API token: `issue_api_token`).
API_CLIENT_USERNAME = "exchange-backend"
