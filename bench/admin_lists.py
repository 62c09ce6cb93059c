"""Admin case list and the auditor's history search at 100,000 and 1,000,000 cases.

    .venv/bin/python bench/admin_lists.py [--sizes 100000,1000000] [--requests 30]

Creates its own database (complaints_bench_admin, dropped and re-created), migrates, makes
seven teams, a superuser, an auditor and a limited agent (a case handler in one team, so
object permissions give them ~1/7 of the cases), then fills cases FAST in SQL
(`INSERT ... SELECT generate_series`): cases spread over teams, states, categories,
priorities and channels; the team's guardian group permissions (view and change, as the
assignment service grants them); one history row per case (and a second, an assignment by a
named person, for every fifth) and one domain event per case. Loading runs with
`session_replication_role = replica` (this database only) so the FSM triggers let cases
start in any state.

It then measures in-process with Django's test Client (no network, no server): p50/p95
latency over N requests after two warm-up requests, and the queries of one page
(counted with an execute wrapper), for the admin case list (default page, a filter, an exact search)
as the superuser and as the limited agent, and for the auditor's history search (first page,
a later keyset page, a person filter, a case filter) as the superuser and as an auditor; the
limited agent gets 403 there by design.
"""

from __future__ import annotations

import argparse
import os
import time

import psycopg
from _common import (
    PG,
    empty_broker,
    measure,
    migrate,
    quiet,
    recreate_database,
    setup_django,
)

DB = os.environ.get("BENCH_DB", "complaints_bench_admin")

STATES = [
    "received",
    "assessing",
    "investigating",
    "awaiting_customer",
    "responsibility_determined",
    "resolution_proposed",
    "executing",
    "resolved",
    "closed",
    "final_response",
]
CATEGORIES = [
    "trade_dispute",
    "deposit_withdrawal",
    "account_security",
    "account_freeze_kyc",
    "p2p_dispute",
    "fees",
    "service_quality",
    "other",
]
CHANNELS = ["web", "api", "email", "chat", "social"]
TEAMS = [
    ("support", "Customer support"),
    ("complaints", "Complaints"),
    ("tech", "Tech"),
    ("security", "Security"),
    ("legal", "Legal"),
    ("compliance", "Compliance"),
    ("arbitration", "Arbitration"),
]


def prepare() -> dict:
    recreate_database(DB)
    setup_django(DB)
    quiet("celery")
    migrate()
    from django.contrib.auth.models import Group

    from cases.roles import AUDITOR, CASE_HANDLER
    from cases.services.assignment import team_create, team_member_add
    from complaints_site.common.actors import SystemActor
    from tests.factories.cases import UserFactory

    system = SystemActor("bench")
    teams = [team_create(code=c, name=n, actor=system) for c, n in TEAMS]
    admin = UserFactory(username="bench_admin", is_staff=True, is_superuser=True)
    auditor = UserFactory(username="bench_auditor", is_staff=True)
    auditor.groups.add(Group.objects.get(name=AUDITOR))
    agent = UserFactory(username="bench_agent", is_staff=True)
    agent.groups.add(Group.objects.get(name=CASE_HANDLER))
    team_member_add(team=teams[1], user=agent, actor=system)
    handlers = []
    for i in range(14):
        user = UserFactory(username=f"bench_handler{i}", is_staff=True)
        user.groups.add(Group.objects.get(name=CASE_HANDLER))
        team_member_add(team=teams[i % 7], user=user, actor=system)
        handlers.append(user.pk)
    return {
        "teams": [t.pk for t in teams],
        "groups": [t.group_id for t in teams],
        "admin": admin.pk,
        "auditor": auditor.pk,
        "agent": agent.pk,
        "handlers": handlers,
    }


def _array(values: list) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def fill(ids: dict, start: int, stop: int) -> float:
    """Cases start..stop-1 with their permissions, history and events, in SQL."""
    t0 = time.perf_counter()
    teams = "ARRAY[" + ",".join(str(t) for t in ids["teams"]) + "]::bigint[]"
    groups = "ARRAY[" + ",".join(str(g) for g in ids["groups"]) + "]::int[]"
    handlers = "ARRAY[" + ",".join(str(h) for h in ids["handlers"]) + "]::int[]"
    series = f"generate_series({start}, {stop - 1}) AS g"
    with psycopg.connect(f"{PG}/{DB}") as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            f"""
            INSERT INTO cases_case (
              id, reference, state, state_before_pause, category, priority, channel, subject,
              description, complainant_account_id, complainant_email, complainant_locale,
              out_of_scope_referral, responsibility, responsibility_rationale,
              resolution_summary, final_response_text, received_at, first_response_due_at,
              paused_total, created_at, updated_at, assignee_id, team_id, classification_note,
              is_complaint, redactions, counterparty_account_id, info_request,
              responsibility_evidence, jurisdiction, regime, next_due_at)
            SELECT g, 'BX-' || lpad(g::text, 9, '0'),
              ({_array(STATES)})[1 + g % {len(STATES)}], '',
              ({_array(CATEGORIES)})[1 + (g / 7) % {len(CATEGORIES)}],
              'P' || (1 + g % 4), ({_array(CHANNELS)})[1 + (g / 3) % {len(CHANNELS)}],
              'Bench case ' || g, 'Generated for the admin list benchmark.',
              'UID' || (g % 500000), 'user' || (g % 500000) || '@example.com', 'en',
              '', '', '', '', '',
              now() - g * interval '20 seconds',
              now() - g * interval '20 seconds' + interval '1 day',
              interval '0', now() - g * interval '20 seconds', now(),
              CASE WHEN g % 5 = 0 THEN ({handlers})[1 + (g / 5) % 14] END,
              ({teams})[1 + g % 7], '', g % 2 = 0, '{{}}', '', '', '[]', 'GB', 'fca',
              CASE WHEN ({_array(STATES)})[1 + g % {len(STATES)}] <> 'closed'
                   THEN now() - g * interval '20 seconds' + interval '1 day' END
            FROM {series}
            """  # noqa: S608 (numbers and constants only)
        )
        conn.execute(
            f"""
            INSERT INTO cases_casegroupobjectpermission
              (content_object_id, group_id, permission_id)
            SELECT g, ({groups})[1 + g % 7], p.id
            FROM {series}, auth_permission p
            JOIN django_content_type ct ON ct.id = p.content_type_id
            WHERE ct.app_label = 'cases' AND ct.model = 'case'
              AND p.codename IN ('view_case', 'change_case')
            """  # noqa: S608
        )
        conn.execute(
            f"""
            INSERT INTO cases_historicalcase (
              id, history_actor, reference, state, state_before_pause, category, priority,
              channel, subject, description, complainant_account_id, complainant_email,
              complainant_locale, out_of_scope_referral, responsibility,
              responsibility_rationale, resolution_summary, final_response_text, received_at,
              first_response_due_at, paused_total, created_at, history_date,
              history_change_reason, history_type, assignee_id, history_user_id, team_id,
              classification_note, is_complaint, redactions, counterparty_account_id,
              info_request, responsibility_evidence, jurisdiction, regime, next_due_at)
            SELECT c.id, v.actor, reference, state, state_before_pause, category, priority,
              channel, subject, description, complainant_account_id, complainant_email,
              complainant_locale, out_of_scope_referral, responsibility,
              responsibility_rationale, resolution_summary, final_response_text, received_at,
              first_response_due_at, paused_total, created_at, c.received_at + v.later,
              v.reason, v.kind, CASE WHEN v.kind = '~' THEN assignee_id END, v.who, team_id,
              classification_note, is_complaint, redactions, counterparty_account_id,
              info_request, responsibility_evidence, jurisdiction, regime, next_due_at
            FROM cases_case c
            CROSS JOIN LATERAL (
              SELECT 'system:intake' AS actor, 'Received' AS reason, '+' AS kind,
                     NULL::int AS who, interval '0' AS later
              UNION ALL
              SELECT 'user:' || c.assignee_id || ':bench_handler', 'Assigned', '~',
                     c.assignee_id, interval '1 hour'
              WHERE c.assignee_id IS NOT NULL
            ) v
            WHERE c.id >= {start} AND c.id < {stop}
            """  # noqa: S608
        )
        conn.execute(
            f"""
            INSERT INTO cases_caseevent (case_id, type, actor_label, from_state, to_state,
                                         reason, data, created_at)
            SELECT id, 'case.received', 'system:intake', '', 'received', 'Received', '{{}}',
                   received_at
            FROM cases_case WHERE id >= {start} AND id < {stop}
            """  # noqa: S608
        )
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
            "(SELECT max(id) FROM cases_case))"
        )
        conn.commit()
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - t0


def run(ids: dict, size: int, requests: int) -> list[tuple]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from cases.selectors.audit import HistoryFilters, history_search

    users = get_user_model().objects.in_bulk([ids["admin"], ids["auditor"], ids["agent"]])
    clients = {}
    for name, pk in (
        ("superuser", ids["admin"]),
        ("auditor", ids["auditor"]),
        ("agent", ids["agent"]),
    ):
        client = Client()
        client.force_login(users[pk])
        clients[name] = client
    changelist = reverse("admin:cases_case_changelist")
    search = reverse("admin:cases_case_audit_search")
    # A case of the agent's team (team index 1: ids with id % 7 == 1), half-way down.
    ref = f"BX-{(size // 2) // 7 * 7 + 1:09d}"
    second = history_search(filters=HistoryFilters(), reader=users[ids["auditor"]]).next_cursor
    later = f"{search}?after={second.encode()}" if second else search
    pages = [
        ("case list, default page", changelist, ("superuser", "agent")),
        ("case list, state filter", f"{changelist}?state=investigating", ("superuser", "agent")),
        ("case list, exact search", f"{changelist}?q={ref}", ("superuser", "agent")),
        ("history search, first page", search, ("superuser", "auditor", "agent")),
        ("history search, page 2 (keyset)", later, ("superuser", "auditor")),
        ("history search, person", f"{search}?person=bench_handler3", ("superuser", "auditor")),
        ("history search, case", f"{search}?case={ref}", ("superuser", "auditor")),
    ]
    rows = []
    for label, url, who in pages:
        for name in who:
            result = measure(clients[name], url, requests)
            rows.append((size, label, name, result))
            print(_line(rows[-1]), flush=True)
    return rows


def _line(row: tuple) -> str:
    size, label, who, r = row
    if r["status"] != 200:
        return f"| {size:>9,} | {label:<32} | {who:<9} | {r['status']} (by design) | | |"
    return (
        f"| {size:>9,} | {label:<32} | {who:<9} | {r['p50']:7.1f} | {r['p95']:7.1f} "
        f"| {r['queries']:>3} |"
    )


def _existing_ids() -> dict:
    from django.contrib.auth import get_user_model

    names = get_user_model().objects.in_bulk(
        ["bench_admin", "bench_auditor", "bench_agent"], field_name="username"
    )
    return {key: names[f"bench_{key}"].pk for key in ("admin", "auditor", "agent")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database as it is (no re-fill)"
    )
    args = parser.parse_args()
    if args.reuse:
        setup_django(DB)
        quiet("django.request", "celery", "axes")
        from cases.models import Case

        try:
            run(_existing_ids(), Case.objects.count(), args.requests)
        finally:
            empty_broker()
        return
    ids = prepare()
    quiet("django.request", "axes")  # the agent's 403s are expected; sign-ins are logged
    filled = 1
    print("| cases | page | as | p50 ms | p95 ms | queries |")
    print("|---:|---|---|---:|---:|---:|")
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            seconds = fill(ids, filled, size + 1)
            filled = size + 1
            print(f"<!-- filled to {size:,} cases in {seconds:.0f} s -->", flush=True)
            run(ids, size, args.requests)
    finally:
        empty_broker()


if __name__ == "__main__":
    main()
