"""Writing the demo ledger: plan every account's book (background, then its cases' incidents in
the order the cases were received), then create only what is missing; then the daily USD prices
that value offers (`demo.ledger.prices`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from demo.data import CASES, DemoCase
from demo.ledger.book import AccountBook, background_history
from demo.ledger.incidents import DAY, find_incident, incident_anchor, incident_window, received_utc
from demo.ledger.prices import (
    DAILY,
    DAYS_AFTER,
    DAYS_BEFORE,
    NEAR,
    REFILL_WITHIN,
    daily_points,
    midnight,
)
from demo.models import LedgerAccount, LedgerPrice, LedgerRecord


def plan_books(now: datetime) -> tuple[dict[str, AccountBook], dict[str, datetime], list[tuple]]:
    """Every account's records and prices; prices carry the (kind, record id) of their
    incident's first record, so they are written only with it."""
    by_account: dict[str, list[DemoCase]] = {}
    for spec in CASES:
        by_account.setdefault(spec.account_id, []).append(spec)
    books: dict[str, AccountBook] = {}
    opened: dict[str, datetime] = {}
    prices: list[tuple] = []
    for account_id, specs in by_account.items():
        received = {spec.subject: received_utc(spec, now) for spec in specs}
        first = min(incident_window(spec, now=now)[0] for spec in specs)
        book = AccountBook(account_id, specs[0].email, limit=min(received.values()))
        opened[account_id] = background_history(book, end=first - DAY)
        for spec in sorted(specs, key=lambda s: received[s.subject]):
            incident = find_incident(spec)
            if incident is None:
                continue
            book.limit = received[spec.subject]
            mark, price_mark = len(book.rows), len(book.prices)
            incident.build(book, incident_anchor(incident, book.limit))
            owner = (book.rows[mark][0], book.rows[mark][1])
            prices += [(*p, owner) for p in book.prices[price_mark:]]
            if incident.status:
                book.status = incident.status
        books[account_id] = book
    return books, opened, prices


def ledger_seed(*, now: datetime) -> int:
    """Create whatever of the demo ledger is missing for the accounts of `demo.seed.CASES`, and
    the daily USD prices around `now`; never change what exists. Returns the number of rows
    created (accounts, records, prices)."""
    books, opened, prices = plan_books(now)
    with transaction.atomic():
        existing_accounts = dict(
            LedgerAccount.objects.filter(account_id__in=books).values_list("account_id", "id")
        )
        new_accounts = [
            LedgerAccount(
                account_id=account_id,
                email=book.email,
                status=book.status,
                kyc_level=2,
                opened_at=opened[account_id],
            )
            for account_id, book in books.items()
            if account_id not in existing_accounts
        ]
        LedgerAccount.objects.bulk_create(new_accounts)
        accounts = dict(
            LedgerAccount.objects.filter(account_id__in=books).values_list("account_id", "id")
        )
        planned = [(aid, *row) for aid, book in books.items() for row in book.rows]
        present = set(
            LedgerRecord.objects.filter(record_id__in={r[2] for r in planned}).values_list(
                "kind", "record_id"
            )
        )
        new_records, seen = [], set(present)
        for account_id, kind, record_id, at, data in planned:
            if (kind, record_id) in seen:
                continue
            seen.add((kind, record_id))
            new_records.append(
                LedgerRecord(
                    account_id=accounts[account_id],
                    kind=kind,
                    record_id=record_id,
                    occurred_at=at,
                    data=data,
                )
            )
        LedgerRecord.objects.bulk_create(new_records)
        new_prices, taken = [], set()
        if prices:
            taken = set(
                LedgerPrice.objects.filter(
                    symbol__in={p[0] for p in prices},
                    at__gte=min(p[1] for p in prices),
                    at__lte=max(p[1] for p in prices),
                ).values_list("symbol", "at")
            )
        for symbol, at, price, owner in prices:
            if owner in present or (symbol, at) in taken:
                continue
            taken.add((symbol, at))
            new_prices.append(LedgerPrice(symbol=symbol, at=at, price=price))
        LedgerPrice.objects.bulk_create(new_prices)
        daily = daily_prices_missing(now)
        LedgerPrice.objects.bulk_create(daily)
    return len(new_accounts) + len(new_records) + len(new_prices) + len(daily)


def daily_prices_missing(now: datetime) -> list[LedgerPrice]:
    """The daily USD prices (`demo.ledger.prices`) of every symbol whose series runs out within
    REFILL_WITHIN of `now`: none on a later run while a seeded series lasts."""
    today = midnight(now)
    stocked = set(
        LedgerPrice.objects.filter(symbol__in=DAILY, at__gte=today + REFILL_WITHIN).values_list(
            "symbol", flat=True
        )
    )
    start = today - timedelta(days=DAYS_BEFORE) - NEAR
    end = today + timedelta(days=DAYS_AFTER) + NEAR
    rows = []
    for symbol in sorted(set(DAILY) - stocked):
        present = list(
            LedgerPrice.objects.filter(symbol=symbol, at__gte=start, at__lte=end)
            .order_by("at")
            .values_list("at", "price")
        )
        rows += [
            LedgerPrice(symbol=symbol, at=at, price=price)
            for symbol, at, price in daily_points(symbol, now=now, present=present)
        ]
    return rows
