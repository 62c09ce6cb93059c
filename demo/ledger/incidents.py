"""Which exchange events each demo case is about: the table `INCIDENTS`, keyed by a stable part of
the case's subject, gives when the event happened (relative to when the case was received),
the window a handler pulls around it, the record kinds that matter and the builder that writes
its records (`demo.ledger.deposits`, `.trading`, `.security`, `.p2p`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cases.gateway.port import RecordKind
from demo.data import DemoCase
from demo.data.timeline import received_at
from demo.ledger.book import AccountBook
from demo.ledger.deposits import (
    btc_fee,
    btc_not_received,
    card_double_charge,
    chat_pending,
    closed,
    earn_fee,
    eth_unstake,
    frozen_withdrawal,
    rebate_campaign,
    refund_fee,
    risk_review,
    sol_memo,
    trc20_fee,
    trc20_pending,
    wrong_network,
    wrong_subaccount,
    xrp_tag,
)
from demo.ledger.p2p import (
    p2p_cancelled,
    p2p_forged,
    p2p_not_released,
    p2p_reversed,
)
from demo.ledger.security import (
    kyc_frozen,
    passport,
    phished,
    sanctions,
    sim_swap,
    takeover_api,
    twofa_stuck,
)
from demo.ledger.trading import (
    api_timeouts,
    convert,
    cpi_slippage,
    delisting,
    duplicate_fee,
    eth_market,
    grid_bot,
    liquidation,
    margin_call,
    price_drop,
    stop_limit,
    take_profit,
    vip_rebate,
)
from demo.models import LedgerAccountStatus

DEFAULT_KINDS = [RecordKind.DEPOSITS.value, RecordKind.WITHDRAWALS.value, RecordKind.TRADES.value]


DEFAULT_WINDOW = timedelta(days=7)


HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def before_received(**delta: float) -> Callable[[datetime], datetime]:
    return lambda received: received - timedelta(**delta)


def time_of_day_before(
    hour: int, minute: int, *, margin: timedelta
) -> Callable[[datetime], datetime]:
    """The last hour:minute UTC at least `margin` before the case was received (a case that
    names the time of day of its event)."""

    def anchor(received: datetime) -> datetime:
        limit = received - margin
        at = limit.replace(hour=hour, minute=minute, second=0, microsecond=0)
        return at if at <= limit else at - timedelta(days=1)

    return anchor


@dataclass(frozen=True)
class Incident:
    anchor: Callable[[datetime], datetime]  # received -> the moment of the event
    window: tuple[timedelta, timedelta]  # pulled around the anchor: (before, after)
    kinds: tuple[str, ...]
    build: Callable[[AccountBook, datetime], None]  # (book, anchor)
    status: str = ""  # the account's status after the incident, if it changed


INCIDENTS: dict[str, Incident] = {
    "USDT deposit via TRC20 not credited": Incident(
        anchor=before_received(hours=6, minutes=30),
        window=(12 * HOUR, 6.5 * HOUR),
        kinds=(RecordKind.DEPOSITS, RecordKind.OPERATIONS),
        build=trc20_pending,
    ),
    "提现手续费比页面显示的高": Incident(
        anchor=before_received(hours=5),
        window=(DAY, 5 * HOUR),
        kinds=(RecordKind.WITHDRAWALS, RecordKind.OPERATIONS),
        build=btc_fee,
    ),
    "Support chat closed my conversation": Incident(
        anchor=before_received(days=2),
        window=(DAY, 2 * DAY),
        kinds=(RecordKind.WITHDRAWALS,),
        build=chat_pending,
    ),
    "Stop-limit order triggered but never filled": Incident(
        anchor=time_of_day_before(14, 2, margin=3 * HOUR),
        window=(2 * HOUR, 3 * HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS, RecordKind.PRICES),
        build=stop_limit,
    ),
    "账户被冻结，KYC": Incident(
        anchor=before_received(days=15),
        window=(DAY, 15 * DAY),
        kinds=(RecordKind.FREEZES, RecordKind.OPERATIONS),
        build=kyc_frozen,
        status=LedgerAccountStatus.FROZEN,
    ),
    "Request to delete my account data": Incident(
        anchor=before_received(days=33),
        window=(2 * DAY, DAY),
        kinds=(RecordKind.WITHDRAWALS, RecordKind.OPERATIONS),
        build=closed,
        status=LedgerAccountStatus.CLOSED,
    ),
    "ETH/USDT market order filled 4%": Incident(
        anchor=before_received(days=1),
        window=(2 * HOUR, 2 * HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.PRICES),
        build=eth_market,
    ),
    "BTC withdrawal marked completed but not received": Incident(
        anchor=before_received(hours=30),
        window=(DAY, DAY),
        kinds=(RecordKind.WITHDRAWALS, RecordKind.OPERATIONS),
        build=btc_not_received,
    ),
    "Unrecognised login followed by API key": Incident(
        anchor=before_received(hours=8),
        window=(DAY, 8 * HOUR),
        kinds=(
            RecordKind.LOGINS,
            RecordKind.OPERATIONS,
            RecordKind.ORDERS,
            RecordKind.TRADES,
            RecordKind.FREEZES,
        ),
        build=takeover_api,
        status=LedgerAccountStatus.FROZEN,
    ),
    "P2P 卖家已收款但未放币": Incident(
        anchor=before_received(hours=5),
        window=(HOUR, 5 * HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS),
        build=p2p_not_released,
    ),
    "SOL deposit sent without memo": Incident(
        anchor=before_received(days=1),
        window=(DAY, DAY),
        kinds=(RecordKind.DEPOSITS,),
        build=sol_memo,
    ),
    "护照过期导致账户受限": Incident(
        anchor=before_received(days=3),
        window=(DAY, 3 * DAY),
        kinds=(RecordKind.FREEZES, RecordKind.OPERATIONS),
        build=passport,
        status=LedgerAccountStatus.RESTRICTED,
    ),
    "Maker rebate not applied on VIP 2": Incident(
        anchor=before_received(days=2),
        window=(6 * DAY, 2 * DAY),
        kinds=(RecordKind.TRADES, RecordKind.ORDERS, RecordKind.OPERATIONS),
        build=vip_rebate,
    ),
    "Futures position liquidated during maintenance": Incident(
        anchor=time_of_day_before(2, 14, margin=6 * HOUR),
        window=(6 * HOUR, 2 * HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS, RecordKind.PRICES),
        build=liquidation,
    ),
    "USDC sent on the wrong network": Incident(
        anchor=before_received(days=2),
        window=(DAY, DAY),
        kinds=(RecordKind.WITHDRAWALS, RecordKind.OPERATIONS),
        build=wrong_network,
    ),
    "Funds withdrawn after SIM-swap attack": Incident(
        anchor=time_of_day_before(21, 52, margin=DAY),
        window=(2 * HOUR, DAY),
        kinds=(
            RecordKind.LOGINS,
            RecordKind.OPERATIONS,
            RecordKind.WITHDRAWALS,
            RecordKind.FREEZES,
        ),
        build=sim_swap,
    ),
    "Charged taker fee twice on one spot order": Incident(
        anchor=before_received(days=1),
        window=(HOUR, HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS),
        build=duplicate_fee,
    ),
    "止盈单未按设定价格执行": Incident(
        anchor=before_received(days=2),
        window=(11 * HOUR, 5 * HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS, RecordKind.PRICES),
        build=take_profit,
    ),
    "Withdrawal held for risk review for 5 days": Incident(
        anchor=before_received(days=5, hours=2),
        window=(HOUR, 5 * DAY + 2 * HOUR),
        kinds=(RecordKind.WITHDRAWALS, RecordKind.OPERATIONS, RecordKind.LOGINS),
        build=risk_review,
    ),
    "Deposit of 0.85 ETH credited to the wrong sub-account": Incident(
        anchor=before_received(days=2),
        window=(4 * DAY, DAY),
        kinds=(RecordKind.DEPOSITS, RecordKind.OPERATIONS),
        build=wrong_subaccount,
    ),
    "Convert quote expired but the trade still executed": Incident(
        anchor=before_received(days=1),
        window=(HOUR, HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS),
        build=convert,
    ),
    "Grid trading bot kept running after I stopped it": Incident(
        anchor=time_of_day_before(11, 2, margin=DAY),
        window=(HOUR, 3 * HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS),
        build=grid_bot,
    ),
    "Account frozen after a sanctions-screening false match": Incident(
        anchor=before_received(days=4),
        window=(DAY, 4 * DAY),
        kinds=(RecordKind.FREEZES, RecordKind.OPERATIONS),
        build=sanctions,
        status=LedgerAccountStatus.FROZEN,
    ),
    "XRP deposit missing destination tag": Incident(
        anchor=before_received(days=1),
        window=(DAY, DAY),
        kinds=(RecordKind.DEPOSITS,),
        build=xrp_tag,
    ),
    "充值返利活动奖励未到账": Incident(
        anchor=before_received(days=12),
        window=(2 * DAY, 2 * DAY),
        kinds=(RecordKind.DEPOSITS, RecordKind.OPERATIONS),
        build=rebate_campaign,
    ),
    "2FA reset request stuck for a week": Incident(
        anchor=before_received(days=7, hours=2),
        window=(HOUR, 7 * DAY + 2 * HOUR),
        kinds=(RecordKind.OPERATIONS, RecordKind.LOGINS),
        build=twofa_stuck,
    ),
    "Limit order cancelled without notice during delisting": Incident(
        anchor=before_received(days=2),
        window=(4 * DAY, 2 * DAY),
        kinds=(RecordKind.ORDERS, RecordKind.OPERATIONS),
        build=delisting,
    ),
    "API 交易接口频繁超时导致损失": Incident(
        anchor=before_received(days=6),
        window=(HOUR, 6 * DAY),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS),
        build=api_timeouts,
    ),
    "P2P buyer's bank transfer reversed": Incident(
        anchor=before_received(days=4),
        window=(HOUR, 4 * DAY),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS),
        build=p2p_reversed,
    ),
    "Margin call email arrived after liquidation": Incident(
        anchor=before_received(days=1),
        window=(11 * HOUR, 2 * HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS, RecordKind.PRICES),
        build=margin_call,
    ),
    "P2P 买家付款后取消订单": Incident(
        anchor=before_received(days=2),
        window=(HOUR, 2 * DAY),
        kinds=(RecordKind.ORDERS, RecordKind.OPERATIONS),
        build=p2p_cancelled,
    ),
    "Phishing site drained my account": Incident(
        anchor=before_received(days=3),
        window=(6 * HOUR, 3 * DAY),
        kinds=(
            RecordKind.LOGINS,
            RecordKind.OPERATIONS,
            RecordKind.WITHDRAWALS,
            RecordKind.FREEZES,
        ),
        build=phished,
    ),
    "Slippage on stop-market order during CPI release": Incident(
        anchor=time_of_day_before(12, 30, margin=DAY),
        window=(4 * HOUR, 2 * HOUR),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.PRICES),
        build=cpi_slippage,
    ),
    "P2P 交易对方提供伪造付款凭证": Incident(
        anchor=before_received(days=3),
        window=(HOUR, DAY),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.OPERATIONS),
        build=p2p_forged,
    ),
    "Withdrawal of 2.4 BTC frozen for 70 days": Incident(
        anchor=before_received(days=70),
        window=(DAY, 70 * DAY),
        kinds=(RecordKind.WITHDRAWALS, RecordKind.FREEZES, RecordKind.OPERATIONS),
        build=frozen_withdrawal,
    ),
    "Refund for failed withdrawal returned minus network fee": Incident(
        anchor=before_received(days=3),
        window=(HOUR, 3 * DAY),
        kinds=(RecordKind.WITHDRAWALS, RecordKind.OPERATIONS),
        build=refund_fee,
    ),
    "理财产品提前赎回被收取手续费": Incident(
        anchor=before_received(days=2),
        window=(DAY, 2 * DAY),
        kinds=(RecordKind.OPERATIONS,),
        build=earn_fee,
    ),
    "Withdrawal fee for USDT on TRC20 changed": Incident(
        anchor=before_received(days=1),
        window=(7 * DAY, DAY),
        kinds=(RecordKind.WITHDRAWALS,),
        build=trc20_fee,
    ),
    "ETH 质押赎回后本金未到账": Incident(
        anchor=before_received(days=10),
        window=(DAY, 10 * DAY),
        kinds=(RecordKind.OPERATIONS,),
        build=eth_unstake,
    ),
    "Card purchase of 500 EUR charged twice": Incident(
        anchor=before_received(days=2),
        window=(HOUR, 2 * DAY),
        kinds=(RecordKind.DEPOSITS, RecordKind.OPERATIONS),
        build=card_double_charge,
    ),
    "BTC price dropped right after I bought": Incident(
        anchor=before_received(days=1),
        window=(HOUR, DAY),
        kinds=(RecordKind.ORDERS, RecordKind.TRADES, RecordKind.PRICES),
        build=price_drop,
    ),
}


def find_incident(spec: DemoCase) -> Incident | None:
    """The incident of the case, or None when the demo ledger has none for it."""
    for key, incident in INCIDENTS.items():
        if key in spec.subject:
            return incident
    return None


def received_utc(spec: DemoCase, now: datetime) -> datetime:
    return received_at(spec, now=now).astimezone(UTC)


def incident_anchor(incident: Incident, received: datetime) -> datetime:
    return incident.anchor(received).replace(second=0, microsecond=0)


def incident_window(spec: DemoCase, *, now: datetime) -> tuple[datetime, datetime]:
    """The [start, end) a handler would pull for this case: around its incident, or the week
    before the case was received when the demo ledger has no incident for it."""
    received = received_utc(spec, now)
    incident = find_incident(spec)
    if incident is None:
        return received - DEFAULT_WINDOW, received
    anchor = incident_anchor(incident, received)
    before, after = incident.window
    return anchor - before, anchor + after


def incident_kinds(spec: DemoCase) -> list[str]:
    """The record kinds (`cases.gateway.port.RecordKind` values) most relevant to the case."""
    incident = find_incident(spec)
    return [str(kind) for kind in incident.kinds] if incident else list(DEFAULT_KINDS)
