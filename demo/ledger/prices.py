"""Daily US-dollar prices of the assets the exchange pays in, so that the demo can value an offer
(`cases.services.money.usd_rates` reads prices no older than USD_PRICE_MAX_AGE) on any day it
runs: one price at midnight UTC per day and symbol, from 30 days before the seed to 400 days
after it.

Each day's price is a function of the symbol and the date alone (a slow swing and a CRC32
wobble, within 4% of a base level close to the incidents' prices), so every run and machine
writes the same value for the same day, whatever its `now`; only a midnight within 12 hours of
an incident's own prices takes the nearest of them instead, so the chart of that incident shows
no jump. Decimal arithmetic only.
"""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from demo.ledger.book import stable_hash

# Symbol -> (base level, places).
DAILY: dict[str, tuple[Decimal, Decimal]] = {
    "BTCUSDT": (Decimal("61500.00"), Decimal("0.01")),
    "ETHUSDT": (Decimal("2900.00"), Decimal("0.01")),
    "SOLUSDT": (Decimal("145.000"), Decimal("0.001")),
    "EURUSD": (Decimal("1.08500"), Decimal("0.00001")),
    "GBPUSD": (Decimal("1.27000"), Decimal("0.00001")),
    "CNYUSD": (Decimal("0.138500"), Decimal("0.000001")),
}
DAYS_BEFORE, DAYS_AFTER = 30, 400
# A later seed writes a series again only when the ledger holds less than this ahead of it
# (no price this far ahead).
REFILL_WITHIN = timedelta(days=30)
# An incident's price this close to a midnight sets that midnight's price.
NEAR = timedelta(hours=12)


def daily_price(symbol: str, day: date) -> Decimal:
    """The price of `symbol` at midnight UTC of `day`: within 4% of its base level."""
    base, places = DAILY[symbol]
    n = day.toordinal()
    swing = abs(n % 120 - 60) * 500 // 60 - 250  # -250..250 basis points over 120 days
    wobble = stable_hash(f"{symbol}:{day.isoformat()}") % 301 - 150  # -150..150
    return (base * (10000 + swing + wobble) / 10000).quantize(places)


def midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date(), time(), tzinfo=UTC)


def daily_series(symbol: str, *, now: datetime) -> list[tuple[str, datetime, Decimal]]:
    """(symbol, time, price) for every day from DAYS_BEFORE before `now` to DAYS_AFTER after."""
    today = midnight(now)
    points = []
    for offset in range(-DAYS_BEFORE, DAYS_AFTER + 1):
        at = today + timedelta(days=offset)
        points.append((symbol, at, daily_price(symbol, at.date())))
    return points


def daily_points(
    symbol: str, *, now: datetime, present: list[tuple[datetime, Decimal]]
) -> list[tuple[str, datetime, Decimal]]:
    """The points of `symbol`'s series the ledger lacks, given the prices it holds around the
    series (`present`: (time, price), sorted): a midnight already priced is skipped, one near
    other prices takes the nearest of them."""
    times = [at for at, _price in present]
    points = []
    for _symbol, at, price in daily_series(symbol, now=now):
        i = bisect.bisect_left(times, at)
        if i < len(times) and times[i] == at:
            continue
        near = [j for j in (i - 1, i) if 0 <= j < len(times) and abs(times[j] - at) <= NEAR]
        if near:
            price = present[min(near, key=lambda j: abs(times[j] - at))][1]
        points.append((symbol, at, price))
    return points
