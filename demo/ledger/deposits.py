"""Deposits and withdrawals: coins that did not arrive, fees, holds and refunds.

Each builder writes one incident into the account's book at `anchor`, the moment of the event;
`demo.ledger.incidents` says which case it belongs to and which window a handler pulls.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from demo.ledger.book import (
    AccountBook,
    btc_address,
    evm_address,
    minutes_after,
    tron_address,
    txid_for,
)


def trc20_pending(book: AccountBook, anchor: datetime) -> None:
    book.login(f"LGN-{book.number}-TRC1", minutes_after(anchor, -25))
    book.operation(
        f"OPS-{book.number}-TRC1",
        minutes_after(anchor, -20),
        "deposit_address_viewed",
        "USDT / TRC20 (TRON)",
    )
    book.deposit(
        "DEP-48213377-0912",
        anchor,
        asset="USDT",
        network="TRC20",
        amount="1250.00",
        txid="9f3c1e0b7a5d4c2e8b6a1f0d3c5e7a9b2d4f6e8a0c1b3d5f7e9a2c4b6d8f0e1a",
        confirmations="412",
        status="pending",
        credited_at=None,
    )
    book.operation(
        f"OPS-{book.number}-TRC2",
        minutes_after(anchor, 190),
        "deposit_status_checked",
        "Deposit DEP-48213377-0912 pending: credit job queue backlog on TRON",
    )


def btc_fee(book: AccountBook, anchor: datetime) -> None:
    book.login(f"LGN-{book.number}-FEE1", minutes_after(anchor, -6))
    book.operation(
        f"OPS-{book.number}-FEE1",
        minutes_after(anchor, -2),
        "withdrawal_fee_quoted",
        "0.05000000 BTC on BTC: page quote fee 0.00020000 BTC",
    )
    book.withdrawal(
        "WD-88140021",
        anchor,
        asset="BTC",
        network="BTC",
        amount="0.05000000",
        fee="0.00050000",
        address=btc_address("wang"),
        txid=txid_for("WD-88140021"),
        status="completed",
        note="Fee recalculated at submission (network congestion); quote was 0.00020000",
    )


def chat_pending(book: AccountBook, anchor: datetime) -> None:
    book.withdrawal(
        "WD-88131877",
        anchor,
        asset="USDT",
        network="ERC20",
        amount="1800.00",
        fee="4.50",
        address=evm_address("jonas"),
        status="processing",
        note="Queued for hot-wallet top-up",
    )
    book.login(f"LGN-{book.number}-CH1", minutes_after(anchor, 1500))


def closed(book: AccountBook, anchor: datetime) -> None:
    book.withdrawal(
        "WD-87912260",
        minutes_after(anchor, -60),
        asset="USDT",
        network="TRC20",
        amount="412.37",
        fee="1.00",
        address=tron_address("dubois"),
        txid=txid_for("WD-87912260"),
        status="completed",
    )
    book.operation(
        f"OPS-{book.number}-CL1",
        anchor,
        "account_closed",
        "Closed at the user's request; balance 0",
    )


def btc_not_received(book: AccountBook, anchor: datetime) -> None:
    address = btc_address("tanaka-ledger")
    book.operation(
        f"OPS-{book.number}-WD0",
        anchor - timedelta(days=40),
        "withdrawal_address_added",
        f"Address book: 'My Ledger' {address}",
    )
    book.withdrawal(
        "WD-88120457",
        anchor,
        asset="BTC",
        network="BTC",
        amount="0.42000000",
        fee="0.00020000",
        address=address,
        txid=txid_for("WD-88120457"),
        status="completed",
        note="Marked completed by the signer; broadcast unconfirmed",
    )


def sol_memo(book: AccountBook, anchor: datetime) -> None:
    book.deposit(
        "DEP-27746105-1",
        anchor,
        asset="SOL",
        network="SOL",
        amount="35.000000000",
        txid="5xKq9vJr2LmP8sWcT4nH7bYd3fGa6eZu1oQiRtXy",
        confirmations="32",
        status="unmatched_missing_memo",
    )


def wrong_network(book: AccountBook, anchor: datetime) -> None:
    book.operation(
        f"OPS-{book.number}-NW1",
        minutes_after(anchor, -1),
        "withdrawal_network_warning_acknowledged",
        "BEP20 selected; warning 'make sure the address supports BEP20' confirmed",
    )
    book.withdrawal(
        "WD-88109934",
        anchor,
        asset="USDC",
        network="BEP20",
        amount="800.00",
        fee="0.29",
        address=evm_address("mueller"),
        txid="0x4be1c2f09a7d3e5b6c8a1f2e0d9c7b5a3e1f4d6c8b0a2e4f6d8c0b2a4e6f8d0c",
        status="completed",
    )


def risk_review(book: AccountBook, anchor: datetime) -> None:
    book.withdrawal(
        "WD-88104432",
        anchor,
        asset="USDT",
        network="TRC20",
        amount="2400.00",
        fee="1.00",
        address=tron_address("adeyemi"),
        status="pending_review",
        note="Held by risk review",
    )
    book.operation(
        f"OPS-{book.number}-RR1",
        minutes_after(anchor, 2),
        "risk_review_opened",
        "WD-88104432: first withdrawal to a new address above 2,000.00 USDT",
        ip="10.0.0.6",
    )
    book.operation(
        f"OPS-{book.number}-RR2",
        minutes_after(anchor, 1310),
        "risk_review_approved",
        "WD-88104432 approved by analyst; release step pending",
        ip="10.0.0.6",
    )
    book.operation(
        f"OPS-{book.number}-RR3",
        minutes_after(anchor, 1445),
        "risk_ticket_unassigned",
        "Shift change: ticket returned to the queue unassigned",
        ip="10.0.0.6",
    )
    for i in range(3):
        book.login(f"LGN-{book.number}-RR{i}", minutes_after(anchor, 1440 * (i + 2) + 35))


def wrong_subaccount(book: AccountBook, anchor: datetime) -> None:
    book.operation(
        f"OPS-{book.number}-SA1",
        anchor - timedelta(days=3),
        "deposit_address_reassigned",
        "ETH address re-assigned by support from main account to sub-account SUB-24471106-BOT",
        ip="10.0.0.7",
    )
    book.deposit(
        "DEP-24471106-1",
        anchor,
        asset="ETH",
        network="ERC20",
        amount="0.850000000000000000",
        txid="0x7d2a9c4e1b3f5a6d8c0e2b4a6f8d0c2e4a6b8d0f2c4e6a8b0d2f4c6e8a0b2d4f",
        confirmations="64",
        status="credited_to_subaccount SUB-24471106-BOT",
        credited_at=minutes_after(anchor, 14),
    )


def xrp_tag(book: AccountBook, anchor: datetime) -> None:
    book.deposit(
        "DEP-48213377-0788",
        anchor,
        asset="XRP",
        network="XRP",
        amount="640.000000",
        txid="E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        confirmations="1",
        status="unmatched_missing_tag",
    )


def rebate_campaign(book: AccountBook, anchor: datetime) -> None:
    book.operation(
        f"OPS-{book.number}-CP1",
        minutes_after(anchor, -60),
        "campaign_enrolled",
        "August deposit bonus: 20.00 USDT",
    )
    book.deposit(
        "DEP-47790312-1",
        anchor,
        asset="USDT",
        network="TRC20",
        amount="1000.00",
        txid=txid_for("DEP-47790312-1"),
        confirmations="20",
        status="credited",
        credited_at=minutes_after(anchor, 3),
    )
    book.operation(
        f"OPS-{book.number}-CP2",
        minutes_after(anchor, 1),
        "deposit_source",
        "Deposit made through the API",
    )


def frozen_withdrawal(book: AccountBook, anchor: datetime) -> None:
    book.withdrawal(
        "WD-87710054",
        anchor,
        asset="BTC",
        network="BTC",
        amount="2.40000000",
        fee="0.00020000",
        address=btc_address("cohen"),
        status="frozen",
        note="Compliance review",
    )
    book.freeze(
        "FRZ-23361190-1",
        minutes_after(anchor, 30),
        scope="withdrawal WD-87710054",
        reason="Compliance review (source of funds)",
        by="Compliance",
    )
    book.operation(
        f"OPS-{book.number}-FZ1",
        minutes_after(anchor, 35),
        "sof_requested",
        "Source-of-funds documents",
        ip="10.0.0.12",
    )
    book.operation(
        f"OPS-{book.number}-FZ2",
        minutes_after(anchor, 4 * 1440),
        "sof_documents_uploaded",
        "Bank statements, payslips",
    )
    book.operation(
        f"OPS-{book.number}-FZ3",
        minutes_after(anchor, 30 * 1440),
        "court_order_received",
        "Funds held under a court order",
        ip="10.0.0.12",
    )


def refund_fee(book: AccountBook, anchor: datetime) -> None:
    book.withdrawal(
        "WD-88001276",
        anchor,
        asset="USDT",
        network="TRC20",
        amount="200.00",
        fee="1.00",
        address=tron_address("alice-refund"),
        status="failed",
        note="Refunded 200.00 USDT; network fee 1.00 USDT kept",
    )
    book.operation(
        f"OPS-{book.number}-RF1",
        minutes_after(anchor, 35),
        "withdrawal_refunded",
        "WD-88001276: principal 200.00 only",
        ip="10.0.0.13",
    )


def earn_fee(book: AccountBook, anchor: datetime) -> None:
    book.operation(
        f"OPS-{book.number}-ER1",
        anchor,
        "earn_redeemed",
        "Flexible savings: 5000.00 USDT redeemed, fee 25.00 USDT (0.5%)",
    )


def trc20_fee(book: AccountBook, anchor: datetime) -> None:
    for i, (days, fee) in enumerate([(6, "1.00"), (0, "2.50")]):
        record_id = f"WD-8813{book.number[-4:]}{i}"
        book.withdrawal(
            record_id,
            anchor - timedelta(days=days),
            asset="USDT",
            network="TRC20",
            amount="300.00",
            fee=fee,
            address=tron_address("bob"),
            txid=txid_for(record_id),
            status="completed",
        )


def eth_unstake(book: AccountBook, anchor: datetime) -> None:
    """4.2875 ETH unstaked: shown as redeemed, but the validator exit failed and the principal
    stayed in the staking wallet."""
    book.operation(
        f"OPS-{book.number}-ST0",
        anchor - timedelta(days=20),
        "earn_subscribed",
        "ETH staking: 4.2875 ETH at 3.6% APR",
    )
    book.operation(
        f"OPS-{book.number}-ST1",
        anchor,
        "earn_redeem_requested",
        "ETH staking: redeem 4.2875 ETH; product page status 'redeemed'",
    )
    book.operation(
        f"OPS-{book.number}-ST2",
        minutes_after(anchor, 95),
        "validator_exit_failed",
        "Exit batch of 37 accounts failed; principal held in the staking hot wallet",
        ip="10.0.0.9",
    )


def card_double_charge(book: AccountBook, anchor: datetime) -> None:
    """A card purchase of 500 EUR the exchange recorded once, while the card gateway's retry
    made the processor charge the card twice (the second charge is not in this ledger)."""
    book.deposit(
        "CARD-77310452",
        anchor,
        asset="EUR",
        network="CARD",
        amount="500.00",
        txid="CARD-77310452",
        confirmations="1",
        status="credited",
        credited_at=minutes_after(anchor, 1),
    )
    book.operation(
        f"OPS-{book.number}-CD1",
        minutes_after(anchor, 0.5),
        "card_capture_retried",
        "Card gateway timeout after 30 s; capture retried (processor reference not recorded)",
        ip="10.0.0.11",
    )
    book.operation(
        f"OPS-{book.number}-CD2",
        minutes_after(anchor, 2),
        "card_purchase_filled",
        "500.00 EUR -> 541.20 USDT",
    )
