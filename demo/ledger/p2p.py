"""P2P trades: escrow released or not, payments reversed or forged, orders cancelled after paying.

Each builder writes one incident into the account's book at `anchor`, the moment of the event;
`demo.ledger.incidents` says which case it belongs to and which window a handler pulls.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from demo.ledger.book import AccountBook, minutes_after


def p2p_not_released(book: AccountBook, anchor: datetime) -> None:
    seller = "UID60412298"
    book.order(
        "P2P-20240811-77310",
        anchor,
        market="p2p",
        symbol="USDT/CNY",
        side="buy",
        type="p2p",
        price="7.18",
        quantity="2000.00",
        status="appeal",
    )
    book.operation(
        f"OPS-{book.number}-P1",
        anchor,
        "p2p_order_created",
        f"P2P-20240811-77310: buy 2000.00 USDT @ 7.18 CNY from seller {seller}",
    )
    book.operation(
        f"OPS-{book.number}-P2",
        minutes_after(anchor, 14),
        "p2p_marked_paid",
        "Bank transfer 14360.00 CNY; payment proof uploaded",
    )
    book.operation(
        f"OPS-{book.number}-P3",
        minutes_after(anchor, 74),
        "p2p_reminder_sent",
        f"Release reminder sent to {seller}",
    )
    book.operation(
        f"OPS-{book.number}-P4",
        minutes_after(anchor, 195),
        "p2p_appeal_opened",
        "Buyer appeal: seller has not released after 3 hours",
    )


def p2p_release(
    book: AccountBook, anchor: datetime, *, order_id: str, amount: str, price: str, buyer: str
) -> None:
    fiat = (Decimal(amount) * Decimal(price)).quantize(Decimal("0.01"))
    book.order(
        order_id,
        anchor,
        market="p2p",
        symbol="USDT/CNY",
        side="sell",
        type="p2p",
        price=price,
        quantity=amount,
        status="completed",
    )
    book.operation(
        f"OPS-{order_id}-1",
        anchor,
        "p2p_order_created",
        f"{order_id}: sell {amount} USDT @ {price} to buyer {buyer}",
    )
    book.operation(
        f"OPS-{order_id}-2",
        minutes_after(anchor, 9),
        "p2p_marked_paid",
        f"Buyer marked paid: bank transfer {fiat}, screenshot uploaded",
    )
    book.trade(
        f"TRD-{order_id}",
        minutes_after(anchor, 41),
        order_id=order_id,
        market="p2p",
        symbol="USDT/CNY",
        side="sell",
        price=price,
        quantity=amount,
        fee="0.00",
        counterparty=buyer,
    )
    book.operation(
        f"OPS-{order_id}-3",
        minutes_after(anchor, 41),
        "p2p_released",
        f"{amount} USDT released from escrow",
    )


def p2p_forged(book: AccountBook, anchor: datetime) -> None:
    order_id = "P2P-20240706-31877"
    p2p_release(
        book, anchor, order_id=order_id, amount="5000.00", price="7.25", buyer="UID61177043"
    )
    book.operation(
        f"OPS-{order_id}-4",
        minutes_after(anchor, 25),
        "p2p_appeal_opened",
        "Seller appeal: no payment received; buyer's screenshot disputed",
    )
    book.operation(
        f"OPS-{order_id}-5",
        minutes_after(anchor, 38),
        "p2p_appeal_ruling",
        "Support ruled for the buyer on the screenshot; seller to release",
        ip="10.0.0.10",
    )


def p2p_reversed(book: AccountBook, anchor: datetime) -> None:
    order_id = "P2P-20240719-55102"
    p2p_release(
        book, anchor, order_id=order_id, amount="1500.00", price="0.92", buyer="UID61502277"
    )
    book.operation(
        f"OPS-{order_id}-4",
        minutes_after(anchor, 2 * 1440 + 70),
        "p2p_payment_reversed",
        "Seller reports the bank reversed the 1380.00 transfer as fraudulent",
    )
    book.operation(
        f"OPS-{order_id}-5",
        minutes_after(anchor, 2 * 1440 + 80),
        "p2p_appeal_opened",
        "Seller appeal after payment reversal",
    )


def p2p_cancelled(book: AccountBook, anchor: datetime) -> None:
    order_id = "P2P-20240822-90233"
    buyer = "UID62019345"
    book.order(
        order_id,
        anchor,
        market="p2p",
        symbol="USDT/CNY",
        side="sell",
        type="p2p",
        price="7.20",
        quantity="1000.00",
        status="cancelled_by_buyer",
    )
    book.operation(
        f"OPS-{order_id}-1",
        anchor,
        "p2p_order_created",
        f"{order_id}: sell 1000.00 USDT @ 7.20 CNY to buyer {buyer}",
    )
    book.operation(
        f"OPS-{order_id}-2",
        minutes_after(anchor, 11),
        "p2p_marked_paid",
        "Buyer marked paid: 7200.00 CNY",
    )
    book.operation(
        f"OPS-{order_id}-3", minutes_after(anchor, 26), "p2p_cancelled", "Cancelled by the buyer"
    )
    book.operation(
        f"OPS-{order_id}-4",
        minutes_after(anchor, 26),
        "p2p_escrow_returned",
        "1000.00 USDT back to the seller",
    )
    book.operation(
        f"OPS-{order_id}-5",
        minutes_after(anchor, 200),
        "p2p_appeal_opened",
        "Buyer asks for the 7200.00 CNY back",
    )
