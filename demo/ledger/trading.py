"""Trading: orders and fills, liquidations, bots, fees on trades, and the price series around them.

Each builder writes one incident into the account's book at `anchor`, the moment of the event;
`demo.ledger.incidents` says which case it belongs to and which window a handler pulls.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from demo.ledger.book import AccountBook, minutes_after, percent_fee


def stop_limit(book: AccountBook, anchor: datetime) -> None:
    book.order(
        "ORD-5531087261",
        minutes_after(anchor, -95),
        symbol="BTCUSDT",
        side="sell",
        type="stop_limit",
        price="61000.00",
        quantity="0.42800000",
        status="cancelled",
    )
    book.operation(
        f"OPS-{book.number}-SL1",
        anchor,
        "order_triggered",
        "ORD-5531087261: stop 61200.00 reached, limit sell 61000.00 placed",
        ip="10.0.0.1",
    )
    book.operation(
        f"OPS-{book.number}-SL2",
        minutes_after(anchor, 71),
        "order_cancelled",
        "ORD-5531087261 cancelled by user",
    )
    book.filled_order(
        "ORD-5531087402",
        minutes_after(anchor, 72),
        trade_id="TRD-5531087402",
        symbol="BTCUSDT",
        side="sell",
        order_type="market",
        price="58900.00",
        quantity="0.42800000",
        status="filled",
        fee="25.21",
    )
    book.series(
        "BTCUSDT",
        anchor,
        [(-120, "61780.00"), (0, "61200.00"), (3, "60950.00"), (70, "58900.00"), (150, "59450.00")],
    )


def eth_market(book: AccountBook, anchor: datetime) -> None:
    book.order(
        "ORD-5529910473",
        anchor,
        symbol="ETHUSDT",
        side="buy",
        type="market",
        price="2507.00",
        quantity="12.00000000",
        status="filled",
    )
    fills = [
        ("2411.00", "2.00000000", "4.82"),
        ("2468.00", "3.00000000", "7.40"),
        ("2520.00", "4.00000000", "10.08"),
        ("2592.67", "3.00000000", "7.78"),
    ]
    for i, (price, qty, fee) in enumerate(fills):
        book.trade(
            f"TRD-5529910473-{i + 1}",
            minutes_after(anchor, i * 0.05),
            order_id="ORD-5529910473",
            symbol="ETHUSDT",
            side="buy",
            price=price,
            quantity=qty,
            fee=fee,
        )
    book.series(
        "ETHUSDT", anchor, [(-90, "2402.00"), (-5, "2410.00"), (5, "2585.00"), (60, "2440.00")]
    )


def vip_rebate(book: AccountBook, anchor: datetime) -> None:
    book.operation(
        f"OPS-{book.number}-VIP1",
        minutes_after(anchor, -5 * 1440),
        "vip_tier_changed",
        "VIP 1 -> VIP 2 (30-day spot volume 5,120,000.00 USDT): maker -0.005%",
        ip="10.0.0.3",
    )
    for i, (price, quantity) in enumerate([("65010.00", "0.20000000"), ("65200.00", "0.15000000")]):
        book.filled_order(
            f"ORD-5528{book.number[-4:]}{i}",
            minutes_after(anchor, i * 600),
            trade_id=f"TRD-5528{book.number[-4:]}{i}",
            trade_at=minutes_after(anchor, i * 600 + 40),
            symbol="BTCUSDT",
            side="buy",
            order_type="limit_maker",
            price=price,
            quantity=quantity,
            # Charged the VIP 1 maker fee instead of the VIP 2 rebate (the complaint).
            fee=percent_fee(price, quantity, rate="0.0008"),
        )


def liquidation(book: AccountBook, anchor: datetime) -> None:
    book.filled_order(
        "FUT-ORD-3310002",
        minutes_after(anchor, -300),
        trade_id="FUT-TRD-3310002",
        market="futures",
        symbol="BTCUSDT",
        side="buy",
        order_type="market",
        price="63950.00",
        quantity="0.50000000",
        leverage="20",
        status="filled",
        fee="12.79",
        realized_pnl="0.00",
    )
    book.operation(
        f"OPS-{book.number}-LQ1",
        minutes_after(anchor, -5),
        "add_margin_rejected",
        "Add 500.00 USDT to BTCUSDT long: margin service read-only (maintenance)",
    )
    book.operation(
        f"OPS-{book.number}-LQ2",
        minutes_after(anchor, -2),
        "add_margin_rejected",
        "Add 800.00 USDT to BTCUSDT long: margin service read-only (maintenance)",
    )
    book.filled_order(
        "FUT-LIQ-3310284",
        anchor,
        trade_id="FUT-TRD-3310284",
        market="futures",
        symbol="BTCUSDT",
        side="sell",
        order_type="liquidation",
        price="60990.00",
        quantity="0.50000000",
        leverage="20",
        status="filled",
        fee="15.25",
        realized_pnl="-1480.00",
    )
    book.series(
        "BTCUSDT",
        anchor,
        [
            (-360, "64120.00"),
            (-300, "63950.00"),
            (-120, "63410.00"),
            (-30, "62200.00"),
            (0, "60850.00"),
            (25, "61420.00"),
            (120, "61760.00"),
        ],
    )


def duplicate_fee(book: AccountBook, anchor: datetime) -> None:
    book.filled_order(
        "ORD-5517730012",
        anchor,
        trade_id="TRD-5517730012-1",
        symbol="BTCUSDT",
        side="buy",
        order_type="market",
        price="62400.00",
        quantity="0.05000000",
        status="filled",
        fee="3.12",
    )
    book.operation(
        f"OPS-{book.number}-FEE1",
        minutes_after(anchor, 1),
        "fee_posted",
        "Taker fee 3.12 USDT for TRD-5517730012-1",
        ip="10.0.0.4",
    )
    book.operation(
        f"OPS-{book.number}-FEE2",
        minutes_after(anchor, 6),
        "fee_posted",
        "Taker fee 3.12 USDT for TRD-5517730012-1 (settlement job retry)",
        ip="10.0.0.4",
    )


def take_profit(book: AccountBook, anchor: datetime) -> None:
    book.order(
        "ORD-5524419908",
        minutes_after(anchor, -600),
        symbol="ETHUSDT",
        side="sell",
        type="take_profit",
        price="3200.00",
        quantity="2.50000000",
        status="cancelled",
    )
    book.operation(
        f"OPS-{book.number}-TP1",
        minutes_after(anchor, 1),
        "trigger_lag_alert",
        "Trigger service 41 s behind mark price",
        ip="10.0.0.5",
    )
    book.filled_order(
        "ORD-5524421133",
        minutes_after(anchor, 240),
        trade_id="TRD-5524421133",
        symbol="ETHUSDT",
        side="sell",
        order_type="market",
        price="2955.04",
        quantity="2.50000000",
        status="filled",
        fee="7.39",
    )
    book.series(
        "ETHUSDT",
        anchor,
        [(-60, "3168.00"), (0, "3215.00"), (30, "3150.00"), (240, "2955.00"), (270, "2962.00")],
    )


def convert(book: AccountBook, anchor: datetime) -> None:
    book.operation(
        f"OPS-{book.number}-CV1",
        minutes_after(anchor, -0.2),
        "convert_quote_issued",
        "1.50000000 ETH -> USDT at 2480.00, valid 10 s",
    )
    book.operation(
        f"OPS-{book.number}-CV2",
        minutes_after(anchor, -0.1),
        "convert_confirmed",
        "Quote accepted by the server",
    )
    book.filled_order(
        "CNV-771029384",
        anchor,
        trade_id="TRD-771029384",
        market="convert",
        symbol="ETHUSDT",
        side="sell",
        order_type="convert",
        price="2455.00",
        quantity="1.50000000",
        status="filled",
        fee="0.00",
    )


def grid_bot(book: AccountBook, anchor: datetime) -> None:
    book.operation(
        f"OPS-{book.number}-BOT1",
        anchor,
        "bot_stop_requested",
        "BOT-GRID-90417 (BTCUSDT): stop acknowledged",
    )
    pnls = ["-62.40", "-81.15", "-55.20", "-90.35", "-48.90", "-74.50"]
    for i, pnl in enumerate(pnls):
        at = minutes_after(anchor, 10 + i * 22)
        side = "sell" if i % 2 else "buy"
        price = str(Decimal("63800.00") - Decimal(i * 180))
        order_id = f"BOT-GRID-90417-{i + 1}"
        book.filled_order(
            order_id,
            at,
            trade_id=f"TRD-90417-{i + 1}",
            trade_at=minutes_after(at, 3),
            symbol="BTCUSDT",
            side=side,
            order_type="limit",
            price=f"{price}",
            trade_price=price,
            quantity="0.08000000",
            status="filled",
            fee="5.10",
            realized_pnl=pnl,
        )
    book.operation(
        f"OPS-{book.number}-BOT2",
        minutes_after(anchor, 133),
        "bot_stopped",
        "BOT-GRID-90417 stopped by the scheduler",
    )


def delisting(book: AccountBook, anchor: datetime) -> None:
    for i, price in enumerate(["0.07900", "0.07450"]):
        order_id = f"ORD-5511{book.number[-4:]}{i}"
        book.order(
            order_id,
            minutes_after(anchor, -4000 - i * 900),
            symbol="XYZUSDT",
            side="buy",
            type="limit",
            price=price,
            quantity="20000.0",
            status="cancelled_delisting",
        )
    book.operation(
        f"OPS-{book.number}-DL1",
        anchor,
        "orders_cancelled_delisting",
        "2 open XYZUSDT orders cancelled",
        ip="10.0.0.9",
    )


def api_timeouts(book: AccountBook, anchor: datetime) -> None:
    for i in range(4):
        at = minutes_after(anchor, i * 1500)
        book.operation(
            f"OPS-{book.number}-API{i}",
            at,
            "api_error",
            "POST /api/v3/order: HTTP 504",
            ip="192.0.2.15",
        )
        order_id = f"ORD-5519{book.number[-4:]}{i}"
        book.filled_order(
            order_id,
            minutes_after(at, 0.5),
            trade_id=f"TRD-5519{book.number[-4:]}{i}",
            trade_at=minutes_after(at, 1),
            symbol="ETHUSDT",
            side="buy",
            order_type="limit",
            price="2650.00",
            quantity="0.40000000",
            status="filled",
            fee="1.06",
        )


def margin_call(book: AccountBook, anchor: datetime) -> None:
    book.order(
        "FUT-ORD-3298871",
        minutes_after(anchor, -600),
        market="futures",
        symbol="ETHUSDT",
        side="buy",
        type="limit",
        price="2680.00",
        quantity="6.00000000",
        leverage="10",
        status="filled",
    )
    book.operation(
        f"OPS-{book.number}-MC1",
        minutes_after(anchor, -70),
        "margin_alert_in_app",
        "Margin ratio 96%",
        ip="10.0.0.11",
    )
    book.filled_order(
        "FUT-LIQ-3299014",
        anchor,
        trade_id="FUT-TRD-3299014",
        market="futures",
        symbol="ETHUSDT",
        side="sell",
        order_type="liquidation",
        price="2437.10",
        quantity="6.00000000",
        leverage="10",
        status="filled",
        fee="7.31",
        realized_pnl="-1457.40",
    )
    book.operation(
        f"OPS-{book.number}-MC2",
        minutes_after(anchor, 12),
        "margin_call_email_sent",
        "Queued 9 min; sent 12 min late",
        ip="10.0.0.11",
    )
    book.series(
        "ETHUSDT", anchor, [(-120, "2520.00"), (-60, "2470.00"), (0, "2432.00"), (60, "2455.00")]
    )


def cpi_slippage(book: AccountBook, anchor: datetime) -> None:
    book.filled_order(
        "ORD-5509920117",
        minutes_after(anchor, -200),
        trade_id="TRD-5509920117",
        trade_at=minutes_after(anchor, 0.5),
        symbol="BTCUSDT",
        side="sell",
        order_type="stop_market",
        price="60000.00",
        trade_price="58920.00",
        quantity="0.20000000",
        status="filled",
        fee="11.78",
    )
    book.series(
        "BTCUSDT",
        anchor,
        [(-60, "60420.00"), (-1, "60110.00"), (1, "58900.00"), (30, "59300.00"), (90, "59650.00")],
    )


def price_drop(book: AccountBook, anchor: datetime) -> None:
    book.filled_order(
        "ORD-5520077341",
        anchor,
        trade_id="TRD-5520077341",
        symbol="BTCUSDT",
        side="buy",
        order_type="market",
        price="65400.00",
        quantity="0.03000000",
        status="filled",
        fee="1.96",
    )
