"""Demo cases received at exact moments, so that when the demo starts the case list shows a
deadline about to pass, one the warning has flagged, and a regulator's deadline already missed;
one for each regime's customer (Carol in the US: CFPB).

Opened last (their references follow every other demo case)."""

from __future__ import annotations

from cases.enums import Category, Channel, Priority
from demo.data.people import ACCOUNTS
from demo.data.walks import DemoCase, accept

CLOCK_CASES: list[DemoCase] = [
    # P1 account security: the first response is due within the hour (the P1 policy), 40
    # minutes after the demo starts. The CFPB's 15 and 60 days run from receipt.
    DemoCase(
        subject="Someone reset my 2FA and tried to withdraw",
        description=(
            "I got an email that my authenticator was reset, but I did not ask for it. A minute "
            "later there was a withdrawal request for 0.8 BTC to an address I do not know. "
            "Please lock my account now."
        ),
        category=Category.ACCOUNT_SECURITY,
        priority=Priority.P1,
        channel=Channel.WEB,
        email="carol@example.com",
        account_id=ACCOUNTS["carol"],
        customer="carol",
        team="security",
        received_hours_ago=0.35,
    ),
    # Under investigation for 11 and a half days: the CFPB's 15-day response is 3 to 4 days
    # away and its warning went out on day 10 (REGULATORY_WARN_DAYS).
    DemoCase(
        subject="USD wire withdrawal returned by my bank but not credited back",
        description=(
            "My bank returned a USD 4,800 wire (wrong intermediary details on your side). The "
            "return arrived at your bank on the 2nd according to my bank, but my fiat balance "
            "still shows the withdrawal as completed."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="carol@example.com",
        account_id=ACCOUNTS["carol"],
        customer="carol",
        transactions=("WIRE-20261121-5531",),
        team="complaints",
        assignee="handler",
        received_hours_ago=11.5 * 24,
        steps=(*accept("US customer, fiat withdrawal: Complaints team."),),
    ),
    # Received 59 days ago and still under investigation: the FCA's 8 weeks have passed, so the
    # sweep records the regulatory breach in the "Investigating" step.
    DemoCase(
        subject="Copy-trading lead closed my positions at a loss without notice",
        description=(
            "The lead trader I copied closed all positions during the outage on the evening of "
            "the 4th. My copies were closed at market with 1,950 USDT lost; the lead's own "
            "positions were closed an hour later at a much better price."
        ),
        category=Category.TRADE_DISPUTE,
        priority=Priority.P3,
        channel=Channel.EMAIL,
        email="t.hughes@example.co.uk",
        account_id="UID29984410",
        team="complaints",
        assignee="handler",
        received_hours_ago=59 * 24,
        steps=(*accept("Copy-trading loss during the outage."),),
    ),
]
