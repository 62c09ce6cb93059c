"""Demo cases added for steps 5 and 6 (issue 13): an offer in the 'senior' approval tier with one
of its two approvals given, and an action the exchange refused, waiting on the lead's attention
queue. Opened after every other demo case, so the earlier references stay as they were.

In the order `seed_demo` opens them (references follow it)."""

from __future__ import annotations

from cases.enums import ActionKind, Category, Channel, Locale, Priority, ResponsibilityParty
from demo.data.walks import (
    ACCEPTED,
    EXECUTE,
    Action,
    Approval,
    Attempt,
    DemoCase,
    compensate,
    find,
    propose,
    refund,
)

# The card processor's reference of the second capture, as the customer's bank statement shows
# it: the exchange's own ledger has no such transaction, so it refuses to reverse it.
DUPLICATE_CAPTURE = "CAP-5517-0932-B"


RESOLUTION_CASES: list[DemoCase] = [
    # --- responsibility_determined, offer awaiting its second approval ('senior' tier) -------
    DemoCase(
        subject="ETH 质押赎回后本金未到账",
        description=(
            "我在 Earn 里赎回了 4.2875 ETH 的质押，页面一直显示“已赎回”，但十天过去了本金还没有"
            "回到现货账户，客服只说在处理。"
        ),
        category=Category.OTHER,
        priority=Priority.P2,
        channel=Channel.WEB,
        email="wu.lei@example.cn",
        account_id="UID44120987",
        locale=Locale.ZH_HANS,
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "The validator exit batch failed for 37 accounts; the principal is still in the "
                "staking hot wallet (operation log) and rewards stopped at the request.",
            ),
            # About 12,000 USD at today's ETH price: two approvers, one of them a team lead.
            # The lead has approved; the offer waits for `approver` (or `compliance`).
            propose(
                "验证节点退出批次失败，您的质押本金一直留在质押钱包中。我们将 4.2875 ETH 本金退回"
                "您的现货账户，并按 3.6% 年化补偿赎回后 10 天的质押收益 0.00422876712328767 ETH。",
                refund("4.2875", "ETH", detail="Staking principal held after the failed exit."),
                # 17 places; 15 significant digits, which SQLite (`make run`) also keeps exactly.
                compensate(
                    "0.00422876712328767",
                    "ETH",
                    detail="10 days of rewards at 3.6% APR on 4.2875 ETH.",
                ),
                justification=(
                    "No unstaking failure has been resolved before. The principal is returned "
                    "in full and the ten days of rewards are paid at the advertised 3.6% APR."
                ),
                approvals=(
                    Approval(
                        "lead",
                        "Checked against the staking ledger: principal and ten days of rewards "
                        "at 3.6% APR.",
                    ),
                ),
                send=False,
            ),
        ),
    ),
    # --- executing, the exchange refused the action: needs attention ------------------------
    DemoCase(
        subject="Card purchase of 500 EUR charged twice",
        description=(
            "I bought USDT with my card for 500 EUR. My bank statement shows two charges of "
            "500 EUR in the same minute, but I received the USDT only once."
        ),
        category=Category.DEPOSIT_WITHDRAWAL,
        priority=Priority.P2,
        channel=Channel.EMAIL,
        email="s.lindqvist@example.se",
        account_id="UID45530219",
        transactions=("CARD-77310452",),
        team="complaints",
        assignee="handler",
        steps=(
            *find(
                ResponsibilityParty.PLATFORM_SYSTEM_FAULT,
                "The card gateway timed out and retried the capture: the processor charged the "
                "card twice while our ledger holds one purchase, CARD-77310452.",
            ),
            propose(
                "Our card gateway retried a payment that had already gone through, so your card "
                "was charged twice. We reverse the second charge of 500.00 EUR; the money is "
                "back on your card within five working days.",
                Action(
                    kind=ActionKind.REVERSE_TRANSACTION,
                    asset="EUR",
                    amount="500.00",
                    target=DUPLICATE_CAPTURE,
                    detail="The second capture, as on the customer's bank statement.",
                ),
                justification=(
                    "No duplicate card capture has been resolved before; the amount is exactly "
                    "the second charge on the bank statement."
                ),
            ),
            ACCEPTED,
            EXECUTE,
            # The exchange refuses: it has no transaction CAP-5517-0932-B (the duplicate lives
            # at the card processor). The action waits for a lead to retry or cancel it.
            Attempt(),
        ),
    ),
]
