"""Investigation pages: pulling a snapshot, the evidence page of a large snapshot, the case page.

    .venv/bin/python bench/investigation.py [--records 1000,20000] [--requests 20]

Creates its own database (complaints_bench_investigation, dropped and re-created; BENCH_PG as
in admin_lists.py), migrates, makes a team, a case handler in it and two cases on that team
opened through `case_open` and walked to `investigating` with `case_transition`: one for the
snapshots, one for the case page. Evidence files go to a throw-away folder.

For each N in --records the complainant's demo exchange account (`LedgerAccount`) is filled
in bulk with N trades of one symbol spread over a 30-day window (amounts as decimal strings)
and N/10 prices of that symbol; where N + N/10 is over SNAPSHOT_MAX_RECORDS (20,000: what one
snapshot may hold) the trades are cut to make room for the prices. It then times
`snapshot_pull` of trades and prices through `DemoExchangeGateway` as the handler (3 runs: min
and median wall time, queries of one run, the size of the stored canonical JSON), and the
evidence page of the last snapshot (first page and a middle page `?p_trades=K`, 200 rows a
page) as the handler.

Last, the case page (the admin change view) of a case with 50 messages, 200 evidence items each
with a note (every tenth with a snapshot row), 3 open consultations and 500+ events, as the
handler and as a superuser.

Latency is measured in-process with Django's test Client (no network, no server): p50/p95 over
N requests after two warm-up requests, and the queries of one request counted with an execute
wrapper. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from datetime import timedelta
from decimal import Decimal

from _common import (
    count_queries,
    empty_broker,
    measure,
    migrate,
    quiet,
    recreate_database,
    setup_django,
)

DB = os.environ.get("BENCH_DB", "complaints_bench_investigation")
SYMBOL = "BTCUSDT"
WINDOW = timedelta(days=30)
PULLS = 3


def prepare(evidence_dir: str) -> dict:
    recreate_database(DB)
    setup_django(DB, EVIDENCE_STORAGE=evidence_dir)
    quiet("celery", "kombu")
    migrate()
    from django.contrib.auth.models import Group

    from cases.enums import Category, Channel
    from cases.roles import CASE_HANDLER
    from cases.services.assignment import team_create, team_member_add
    from cases.services.cases import CaseDraft, case_open
    from cases.services.lifecycle import case_transition
    from complaints_site.common.actors import SystemActor
    from tests.factories.cases import UserFactory

    system = SystemActor("bench")
    team = team_create(code="investigations", name="Investigations", actor=system)
    handler = UserFactory(username="bench_handler", is_staff=True)
    handler.groups.add(Group.objects.get(name=CASE_HANDLER))
    team_member_add(team=team, user=handler, actor=system)
    admin = UserFactory(username="bench_admin", is_staff=True, is_superuser=True)

    def open_case(n: int):
        case = case_open(
            draft=CaseDraft(
                category=Category.TRADE_DISPUTE,
                subject=f"Order not filled {n}",
                description="My limit order did not fill at the quoted price.",
                complainant_account_id=f"UID{100000 + n}",
                complainant_email=f"customer{n}@example.com",
                channel=Channel.WEB,
                team=team,
                assignee=handler,
            ),
            actor=system,
        )
        for step in ("start_assessment", "accept"):
            case = case_transition(case=case, transition=step, actor=system, reason=f"bench {step}")
        assert case.state == "investigating", case.state
        return case

    return {
        "handler": handler.pk,
        "admin": admin.pk,
        "team": team.pk,
        "snapshot_case": open_case(1).pk,
        "page_case": open_case(2).pk,
    }


def fill_ledger(account_id: str, n: int, prices: int, start, end) -> float:
    """The account afresh with `n` trades and `prices` prices of SYMBOL in [start, end)."""
    from django.db import connection

    from demo.models import LedgerAccount, LedgerPrice, LedgerRecord, LedgerRecordKind

    t0 = time.perf_counter()
    LedgerRecord.objects.filter(account__account_id=account_id).delete()
    LedgerAccount.objects.filter(account_id=account_id).delete()
    LedgerPrice.objects.filter(symbol=SYMBOL).delete()
    account = LedgerAccount.objects.create(
        account_id=account_id, email="customer@example.com", kyc_level=2, opened_at=start
    )
    step = (end - start) / n
    LedgerRecord.objects.bulk_create(
        (
            LedgerRecord(
                account=account,
                kind=LedgerRecordKind.TRADE,
                record_id=f"T{n}-{i:07d}",
                occurred_at=start + step * i,
                data={
                    "order_id": f"O{n}-{i // 2:07d}",
                    "market": "spot",
                    "symbol": SYMBOL,
                    "side": "buy" if i % 2 else "sell",
                    "price": str(Decimal("64000.5") + Decimal(i % 997) / 10),
                    "quantity": str(Decimal("0.0125") + Decimal(i % 13) / 1000),
                    "fee": "0.80005",
                    "fee_asset": "USDT",
                    "realized_pnl": str(Decimal(i % 41 - 20) / 4),
                    "counterparty": "",
                },
            )
            for i in range(n)
        ),
        batch_size=5000,
    )
    price_step = (end - start) / prices
    LedgerPrice.objects.bulk_create(
        (
            LedgerPrice(
                symbol=SYMBOL,
                at=start + price_step * i,
                price=Decimal("64000") + Decimal(i % 500) / 4,
            )
            for i in range(prices)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_ledgerrecord")
        cursor.execute("ANALYZE cases_ledgerprice")
    return time.perf_counter() - t0


def pull(case, handler, account_id: str, start, end) -> dict:
    from cases.services.snapshots import snapshot_pull
    from demo.gateway import DemoExchangeGateway

    gateway = DemoExchangeGateway()
    times, queries, evidence = [], 0, None
    for _ in range(PULLS):
        t0 = time.perf_counter()
        evidence, queries = count_queries(
            lambda: snapshot_pull(
                case=case,
                actor=handler,
                account_id=account_id,
                kinds=["trades", "prices"],
                start=start,
                end=end,
                gateway=gateway,
            )
        )
        times.append((time.perf_counter() - t0) * 1000)
    return {
        "min": min(times),
        "median": statistics.median(times),
        "queries": queries,
        "bytes": evidence.size,
        "evidence": evidence,
    }


def grow_case_page(case, handler) -> int:
    """50 messages, 200 evidence items (every tenth with a snapshot row) with a note each,
    3 open consultations and events up to 500+; returns the case's event count."""
    from cases.models import CaseEvent
    from cases.services.intake import message_post_staff
    from tests.support.investigation import investigation_bulk_add

    for i in range(50):
        message_post_staff(case=case, actor=handler, body=f"note {i}", internal=i % 2 == 1)
    investigation_bulk_add(case, handler=handler, evidence=200, label="bench")
    missing = max(0, 520 - CaseEvent.objects.filter(case=case).count())
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, type="evidence.viewed", actor_label="bench", data={"evidence": 1})
        for _ in range(missing)
    )
    return CaseEvent.objects.filter(case=case).count()


def row(what: str, size: str, r: dict) -> str:
    p50 = f"{r['p50']:.1f}" if "p50" in r else ""
    p95 = f"{r['p95']:.1f}" if "p95" in r else ""
    pulled = f"{r['min']:.0f} / {r['median']:.0f}" if "min" in r else ""
    size_bytes = f"{r['bytes']:,}" if "bytes" in r else ""
    return (
        f"| {what:<34} | {size:<30} | {p50:>7} | {p95:>7} | {r['queries']:>3} "
        f"| {pulled:>11} | {size_bytes:>11} |"
    )


def run(ids: dict, records: list[int], requests: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from cases.admin.investigation import SNAPSHOT_ROWS_PER_PAGE
    from cases.models import Case, CaseEvent

    users = get_user_model().objects.in_bulk([ids["handler"], ids["admin"]])
    handler = users[ids["handler"]]
    clients = {}
    for name, pk in (("handler", ids["handler"]), ("superuser", ids["admin"])):
        client = Client()
        client.force_login(users[pk])
        clients[name] = client

    print(
        "| what | size | p50 ms | p95 ms | queries | pull min / median ms | stored bytes |",
        flush=True,
    )
    print("|---|---|---:|---:|---:|---:|---:|", flush=True)
    case = Case.objects.get(pk=ids["snapshot_case"])
    account_id = case.complainant_account_id
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=1)
    start = end - WINDOW
    for wanted in records:
        # A snapshot holds at most SNAPSHOT_MAX_RECORDS records, prices included: at the limit
        # the trades make room for the prices (20,000 -> 18,000 trades + 2,000 prices).
        prices = max(1, wanted // 10)
        n = min(wanted, settings.SNAPSHOT_MAX_RECORDS - prices)
        if n < wanted:
            print(
                f"<!-- {wanted:,} trades + {prices:,} prices is over SNAPSHOT_MAX_RECORDS "
                f"({settings.SNAPSHOT_MAX_RECORDS:,}): {n:,} trades instead -->",
                flush=True,
            )
        seconds = fill_ledger(account_id, n, prices, start, end)
        print(f"<!-- {n:,} trades and {prices:,} prices loaded in {seconds:.1f} s -->", flush=True)
        size = f"{n:,} trades + {prices:,} prices"
        result = pull(case, handler, account_id, start, end)
        print(row(f"snapshot_pull ({PULLS} runs)", size, result), flush=True)
        page_url = reverse("admin:cases_case_evidence", args=[case.pk, result["evidence"].pk])
        pages = -(-n // SNAPSHOT_ROWS_PER_PAGE)
        middle = pages // 2 + 1 if pages > 1 else 1
        for label, url in (
            ("evidence page, first page", page_url),
            (f"evidence page, ?p_trades={middle} of {pages}", f"{page_url}?p_trades={middle}"),
        ):
            r = measure(clients["handler"], url, requests)
            assert r["status"] == 200, (url, r["status"])
            print(row(label, f"{n:,} trades", r), flush=True)

    page_case = Case.objects.get(pk=ids["page_case"])
    events = grow_case_page(page_case, handler)
    assert CaseEvent.objects.filter(case=page_case).count() >= 500
    url = reverse("admin:cases_case_change", args=[page_case.pk])
    html = clients["handler"].get(url).content.decode()
    assert html.count('class="evidence"') == 200, html.count('class="evidence"')
    for name in ("handler", "superuser"):
        r = measure(clients[name], url, requests)
        assert r["status"] == 200, (url, r["status"])
        print(
            row(f"case page as {name}", f"50 msg, 200 ev, {events} events", r),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", default="1000,20000")
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    records = [int(s) for s in args.records.split(",")]
    evidence_dir = tempfile.mkdtemp(prefix="complaints-bench-evidence-")
    try:
        t0 = time.perf_counter()
        ids = prepare(evidence_dir)
        quiet("django.request", "axes")
        print(f"<!-- database ready in {time.perf_counter() - t0:.0f} s -->", flush=True)
        run(ids, records, args.requests)
        print(f"<!-- total {time.perf_counter() - t0:.0f} s -->", flush=True)
    finally:
        empty_broker()
        shutil.rmtree(evidence_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
