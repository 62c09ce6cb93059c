"""One SLA sweep (`clocks_sweep`) over 100,000 and 1,000,000 open cases: seconds and queries.

    .venv/bin/python bench/sla_sweep.py [--sizes 100000,1000000] [--share 0.01] [--explain]
        [--wait-load 1.5]

Creates its own database (complaints_bench_sla, dropped and re-created; BENCH_PG as in
admin_lists.py), migrates, and makes seven teams, each with a lead and ten handlers (all with
an email; staff profiles in English, in Chinese, or none). That database is copied once as a
template (`<db>_base`, dropped at the end), and each size starts from a fresh copy of it, so the
sizes do not see each other's sweeps.

Each size is filled FAST in SQL (`INSERT ... SELECT generate_series`, with
`session_replication_role = replica` so the FSM triggers let cases start in any state): open
complaints in every working state over seven teams, received over the last 60 days, each with
the clocks an intake makes (first response, resolution and the FCA's eight-week final
response, `reg_final`), its current lifecycle step, its `case.received` event and its
acknowledgement email. The state of each clock is what a sweep running every minute would have
left at the moment T of the measured sweep: first responses mostly met, the clocks of cases
awaiting the customer paused, and every clock whose warning time or due time passed before T
already warned or breached. Then one case in 100 (`--share`) has one clock crossing a line: half
of them a clock inside its warning window that has not been warned, half a clock that was
warned and just went past due; the clock kinds and the teams in turn, one in ten of those cases
without an assignee (the escalation then reaches the lead alone). VACUUM ANALYZE and a
CHECKPOINT, so that the sweep does not pay for writing out the bulk load. It prints the load
average as the sweep starts; --wait-load L first waits for it to fall under L (a shared
machine).

Then it runs `clocks_sweep(now=T)` once, timed (wall time around the call, its commit
included), with Django's CaptureQueriesContext around it: its SQL statements (BEGIN and
COMMIT included) and the time of each; and a second sweep at once, which must find nothing. A
markdown table per size; the statements of the first sweep; PASS/FAIL against 5 s per size
(the target is for one million) and whether the query counts are equal at every size. Exits
non-zero when the counts differ, when the first sweep did not warn and escalate exactly the
clocks planted, or when the second sweep changed anything.

--explain also prints EXPLAIN (ANALYZE, BUFFERS) of each statement of an extra sweep run
before the measured one, inside a transaction that is rolled back (then VACUUM ANALYZE and
CHECKPOINT again).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from datetime import datetime

import psycopg
from _common import PG, empty_broker, migrate, quiet, recreate_database, setup_django

DB = os.environ.get("BENCH_DB", "complaints_bench_sla")
BASE = f"{DB}_base"
CEILING_SECONDS = 5.0

# The working states an open case is in; one case in ten is awaiting the customer instead.
WORKING = [
    "received",
    "assessing",
    "investigating",
    "responsibility_determined",
    "resolution_proposed",
    "resolution_accepted",
    "executing",
    "proposal_rejected",
    "reopened",
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
HANDLERS_PER_TEAM = 10


def prepare() -> dict:
    """The migrated database with teams, leads and handlers, copied as the template."""
    recreate_database(DB)
    setup_django(DB)
    quiet("celery", "kombu")
    migrate()
    from django.contrib.auth.models import Group
    from django.db import connections

    from cases.roles import CASE_HANDLER
    from cases.services.assignment import team_create, team_member_add
    from cases.services.conflicts import staff_profile_ensure
    from complaints_site.common.actors import SystemActor
    from tests.factories.cases import UserFactory

    system = SystemActor("bench")
    handler_group = Group.objects.get(name=CASE_HANDLER)
    handlers: list[int] = []
    for t, (code, name) in enumerate(TEAMS):
        lead = UserFactory(username=f"bench_lead_{code}", is_staff=True)
        lead.groups.add(handler_group)
        staff_profile_ensure(user=lead, actor=system, languages=["zh-hans" if t % 2 else "en"])
        team = team_create(code=code, name=name, actor=system, lead=lead)
        team_member_add(team=team, user=lead, actor=system)
        for j in range(HANDLERS_PER_TEAM):
            user = UserFactory(username=f"bench_{code}_{j}", is_staff=True)
            user.groups.add(handler_group)
            team_member_add(team=team, user=user, actor=system)
            # English, Chinese first, or no staff profile at all (the sweep falls back to en).
            if j % 3 < 2:
                languages = ["en"] if j % 3 == 0 else ["zh-hans", "en"]
                staff_profile_ensure(user=user, actor=system, languages=languages)
            handlers.append(user.pk)
    from cases.models import Team

    teams = list(Team.objects.order_by("pk").values_list("pk", flat=True))
    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BASE}" TEMPLATE "{DB}"')
    return {"teams": teams, "handlers": handlers}


def fresh_copy() -> None:
    """The measured database again as the template left it."""
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}" TEMPLATE "{BASE}"')


def drop_base() -> None:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BASE}" WITH (FORCE)')


def _array(values: list, cast: str = "") -> str:
    if cast:
        return "ARRAY[" + ",".join(str(v) for v in values) + f"]::{cast}[]"
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


# Per case g (1..size), in SQL: everything the cases, clocks, steps, events and emails are
# made of. `tk` marks the planted cases: 0-2 a first-response / resolution / reg_final clock in
# its warning window, 3-5 one of them just past due (warned before).
_PLAN = """
CREATE TEMP TABLE plan ON COMMIT DROP AS
SELECT g, team_i, prio, state, received, tk,
  CASE WHEN (g / 100) % 10 = 9 THEN NULL
       ELSE ({handlers})[1 + team_i * {per_team} + (g / 7) % {per_team}] END AS assignee,
  CASE WHEN state = 'awaiting_customer'
       THEN t - ((g::bigint * 7919) % 86400) * interval '20 seconds' END AS paused,
  CASE tk WHEN 0 THEN t + interval '2 hours' WHEN 3 THEN t - interval '5 minutes'
       ELSE received + fr END AS fr_due,
  CASE tk WHEN 0 THEN t - interval '10 minutes' WHEN 3 THEN t - interval '1 hour'
       ELSE received + fr * 0.75 END AS fr_warn,
  CASE WHEN tk IN (0, 3) THEN NULL WHEN received + fr * 0.5 <= t THEN received + fr * 0.5
       END AS fr_met,
  CASE tk WHEN 1 THEN t + interval '6 hours' WHEN 4 THEN t - interval '5 minutes'
       ELSE received + res END AS res_due,
  CASE tk WHEN 1 THEN t - interval '10 minutes' WHEN 4 THEN t - interval '1 day'
       ELSE received + res * 0.75 END AS res_warn,
  CASE tk WHEN 2 THEN t + interval '3 days' WHEN 5 THEN t - interval '5 minutes'
       ELSE received + interval '56 days' END AS reg_due,
  CASE tk WHEN 2 THEN t - interval '10 minutes' WHEN 5 THEN t - interval '5 days'
       ELSE received + interval '51 days' END AS reg_warn
FROM (
  SELECT g, g % 7 AS team_i, 1 + (g / 7) % 4 AS prio,
    CASE WHEN g % 10 = 3 THEN 'awaiting_customer'
         ELSE ({working})[1 + (g / 11) % {n_working}] END AS state,
    t - ((g::bigint * 7919) % 86400) * interval '1 minute' AS received,
    CASE WHEN g % {step} = 0 THEN (g / {step}) % 6 END AS tk,
    (ARRAY[interval '1 hour', interval '4 hours', interval '24 hours', interval '72 hours'])
      [1 + (g / 7) % 4] AS fr,
    (ARRAY[interval '2 days', interval '7 days', interval '15 days', interval '30 days'])
      [1 + (g / 7) % 4] AS res,
    t
  FROM generate_series({start}, {stop}) AS g, (SELECT '{t}'::timestamptz AS t) AS now
) AS base
"""

_CASES = """
INSERT INTO cases_case (
  id, reference, state, state_before_pause, category, priority, channel, subject, description,
  complainant_account_id, complainant_email, complainant_locale, out_of_scope_referral,
  responsibility, responsibility_rationale, resolution_summary, final_response_text,
  received_at, first_response_due_at, first_response_at, resolution_due_at,
  final_response_due_at, paused_at, paused_total, created_at, updated_at, assignee_id, team_id,
  classification_note, is_complaint, redactions, counterparty_account_id, info_request,
  responsibility_evidence, fraud_or_abuse, jurisdiction, regime, next_due_at)
SELECT g, 'BX-' || lpad(g::text, 9, '0'), state,
  CASE WHEN state = 'awaiting_customer' THEN 'investigating' ELSE '' END,
  ({categories})[1 + (g / 3) % {n_categories}], 'P' || prio,
  ({channels})[1 + (g / 5) % {n_channels}],
  'Bench case ' || g, 'Generated for the SLA sweep benchmark.',
  'UID' || (g % 500000), 'user' || (g % 500000) || '@example.com',
  CASE WHEN g % 4 = 1 THEN 'zh-hans' ELSE 'en' END, '', '', '', '', '',
  received, fr_due, fr_met, res_due, reg_due, paused, interval '0', received, received,
  assignee, ({teams})[1 + team_i], '', true, '{{}}', '', '', '[]', false, 'GB', 'fca',
  CASE WHEN paused IS NULL
       THEN LEAST(CASE WHEN fr_met IS NULL THEN fr_due END, res_due, reg_due)
       ELSE reg_due END
FROM plan
"""

# Flags as a sweep every minute left them: warned and breached a minute after the line, unless
# the clock stopped (met) or paused first; the planted clocks not yet.
_CLOCKS = """
INSERT INTO cases_caseclock (
  case_id, kind, regime, started_at, due_at, warn_at, paused_at, met_at, met_by, warned_at,
  breached_at, breached_in)
SELECT g, c.kind, c.regime, received, c.due, c.warn, c.paused, c.met,
  CASE WHEN c.met IS NULL THEN '' ELSE 'reply' END,
  CASE WHEN c.warn_pending THEN NULL
       WHEN c.warn <= c.cutoff THEN LEAST(c.warn + interval '1 minute', c.cutoff) END,
  CASE WHEN c.breach_pending THEN NULL
       WHEN c.due <= c.cutoff THEN LEAST(c.due + interval '1 minute', c.cutoff) END,
  CASE WHEN c.due <= c.cutoff AND NOT c.breach_pending
       THEN CASE WHEN state = 'awaiting_customer' THEN 'investigating' ELSE state END
       ELSE '' END
FROM plan CROSS JOIN LATERAL (
  SELECT v.*, LEAST('{t}'::timestamptz, v.met, v.paused) AS cutoff
  FROM (VALUES
    ('first_response', '', fr_due, fr_warn, fr_met, CASE WHEN fr_met IS NULL THEN paused END,
     tk IS NOT DISTINCT FROM 0, tk IS NOT DISTINCT FROM 3),
    ('resolution', '', res_due, res_warn, NULL::timestamptz, paused,
     tk IS NOT DISTINCT FROM 1, tk IS NOT DISTINCT FROM 4),
    ('reg_final', 'fca', reg_due, reg_warn, NULL::timestamptz, NULL::timestamptz,
     tk IS NOT DISTINCT FROM 2, tk IS NOT DISTINCT FROM 5)
  ) AS v(kind, regime, due, warn, met, paused, warn_pending, breach_pending)
) AS c
"""

_STEPS = """
INSERT INTO cases_casestep (case_id, state, entered_at, left_at)
SELECT g, state, CASE WHEN paused IS NULL THEN received ELSE paused END, NULL FROM plan
"""

_EVENTS = """
INSERT INTO cases_caseevent (case_id, type, actor_label, from_state, to_state, reason, data,
                             created_at)
SELECT g, 'case.received', 'system:intake', '', 'received', 'Received', '{{}}', received
FROM plan
"""

_MAILS = """
INSERT INTO cases_notification (
  case_id, channel, kind, locale, recipient_email, context, dedupe_key, status, attempts,
  next_attempt_at, last_error, sent_at, email_message_id, created_at)
SELECT g, 'email', 'case.acknowledged', CASE WHEN g % 4 = 1 THEN 'zh-hans' ELSE 'en' END,
  'user' || (g % 500000) || '@example.com', '{{}}', 'case.acknowledged:' || g || ':opened:email',
  'sent', 1, received, '', received + interval '1 minute',
  '<bench-' || g || '@example.com>', received
FROM plan
"""


def fill(ids: dict, size: int, share: float, at: datetime) -> tuple[float, dict]:
    """Cases 1..size with their clocks and the rest, in SQL; what was planted."""
    t0 = time.perf_counter()
    step = max(1, round(1 / share))
    names = {
        "handlers": _array(ids["handlers"], "int"),
        "teams": _array(ids["teams"], "bigint"),
        "per_team": HANDLERS_PER_TEAM,
        "working": _array(WORKING),
        "n_working": len(WORKING),
        "categories": _array(CATEGORIES),
        "n_categories": len(CATEGORIES),
        "channels": _array(CHANNELS),
        "n_channels": len(CHANNELS),
        "step": step,
        "start": 1,
        "stop": size,
        "t": at.isoformat(),
    }
    with psycopg.connect(f"{PG}/{DB}") as conn:
        conn.execute("SET session_replication_role = replica")
        for sql in (_PLAN, _CASES, _CLOCKS, _STEPS, _EVENTS, _MAILS):
            conn.execute(sql.format(**names))
        planted = conn.execute(
            """
            SELECT count(*) FILTER (WHERE tk < 3),
                   count(*) FILTER (WHERE tk >= 3),
                   count(*) FILTER (WHERE tk < 3 AND assignee IS NOT NULL)
                     + count(*) FILTER (WHERE tk >= 3 AND assignee IS NOT NULL)
                     + count(*) FILTER (WHERE tk >= 3)
            FROM plan WHERE tk IS NOT NULL
            """
        ).fetchone()
        for table in (
            "cases_case",
            "cases_caseclock",
            "cases_casestep",
            "cases_caseevent",
            "cases_notification",
        ):
            last = f"SELECT max(id) FROM {table}"  # noqa: S608 (constant names)
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({last}))")
        clocks = conn.execute("SELECT count(*) FROM cases_caseclock").fetchone()[0]
        conn.commit()
    settle()
    expected = {"warned": planted[0], "breached": planted[1], "notified": planted[2]}
    return time.perf_counter() - t0, {**expected, "clocks": clocks}


def settle() -> None:
    """VACUUM ANALYZE, then a CHECKPOINT: the sweep runs on a database whose statistics are
    current and whose bulk load is written out, as in production, instead of paying for writing
    out the loading's dirty pages itself."""
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        conn.execute("CHECKPOINT")


class Explainer:
    """An execute wrapper that first runs each statement under EXPLAIN (ANALYZE, BUFFERS) in a
    savepoint it rolls back, then for real; on the raw cursor, so nothing counts it."""

    def __init__(self) -> None:
        self.plans: list[tuple[str, str]] = []

    def __call__(self, execute, sql, params, many, context):
        if not many and sql.lstrip()[:6].upper() in ("SELECT", "UPDATE", "INSERT"):
            raw = context["cursor"].cursor
            raw.execute("SAVEPOINT bench_explain")
            raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            self.plans.append((sql, "\n".join(row[0] for row in raw.fetchall())))
            raw.execute("ROLLBACK TO SAVEPOINT bench_explain")
        return execute(sql, params, many, context)


def _what(sql: str) -> str:
    """A statement in a few words: its verb and table."""
    if len(sql) < 40:
        return sql.strip()
    words = sql.split()
    verb = words[0].upper()
    table = ""
    for keyword in ("UPDATE", "INTO", "FROM"):
        if keyword in (w.upper() for w in words):
            i = [w.upper() for w in words].index(keyword)
            table = words[i + 1].strip('"')
            break
    return f"{verb} {table}"


def sweep(at: datetime, explainer: Explainer | None = None) -> tuple[object, float, list]:
    """One `clocks_sweep` at `at`: what it did, its wall time (commit included) and its
    statements with their times, as CaptureQueriesContext records them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services.clocks import clocks_sweep

    wrap = connection.execute_wrapper(explainer) if explainer else contextlib.nullcontext()
    with CaptureQueriesContext(connection) as queries, wrap:
        t0 = time.perf_counter()
        result = clocks_sweep(now=at)
        seconds = time.perf_counter() - t0
    return result, seconds, [(q["sql"], float(q["time"])) for q in queries.captured_queries]


def explain(at: datetime) -> None:
    """EXPLAIN ANALYZE each statement of a sweep that is then rolled back."""
    from django.db import transaction

    class Undo(Exception):
        pass

    explainer = Explainer()
    try:
        with transaction.atomic():
            sweep(at, explainer)
            raise Undo
    except Undo:
        pass
    for sql, plan in explainer.plans:
        print(f"\n<!-- {_what(sql)}\n{plan}\n-->", flush=True)
    settle()


def wait_for_quiet(limit: float | None, most: float = 900) -> float:
    """The one-minute load average when the sweep starts; with `limit`, first wait (up to
    `most` seconds) until it is under `limit` (other work on a shared machine)."""
    deadline = time.monotonic() + most
    while limit is not None and os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def run(ids: dict, size: int, share: float, with_explain: bool, wait_load: float | None) -> dict:
    from django.utils import timezone

    at = timezone.now().replace(microsecond=0)
    seconds, planted = fill(ids, size, share, at)
    print(
        f"<!-- {size:,} cases, {planted['clocks']:,} clocks filled in {seconds:.0f} s; "
        f"planted: {planted['warned']:,} to warn, {planted['breached']:,} to breach, "
        f"{planted['notified']:,} emails -->",
        flush=True,
    )
    if with_explain:
        explain(at)
    load = wait_for_quiet(wait_load)
    print(f"<!-- load average {load:.2f} (1 minute) as the sweep starts -->", flush=True)
    first, first_s, first_q = sweep(at)
    second, second_s, second_q = sweep(at)
    row = {
        "size": size,
        "clocks": planted["clocks"],
        "first": (first, first_s, first_q),
        "second": (second, second_s, second_q),
        "planted": planted,
    }
    for label, (result, secs, statements) in (
        ("first", row["first"]),
        ("second", row["second"]),
    ):
        print(
            f"| {size:>9,} | {planted['clocks']:>9,} | {label:<6} | {secs:7.3f} "
            f"| {len(statements):>3} | {result.warned:>6,} | {result.breached:>6,} "
            f"| {result.notified:>6,} |",
            flush=True,
        )
    return row


def report(rows: list[dict]) -> bool:
    print("\nStatements of the first sweep (seconds each):\n")
    heads = [_what(sql) for sql, _ in rows[0]["first"][2]]
    print("| open cases | " + " | ".join(heads) + " | rest (Python) |")
    print("|---:|" + "---:|" * (len(heads) + 1))
    for row in rows:
        _, total, statements = row["first"]
        times = [s for _, s in statements]
        cells = [f"{s:.3f}" for s in times] + [f"{total - sum(times):.3f}"]
        print(f"| {row['size']:,} | " + " | ".join(cells) + " |")
    print()
    ok = True
    for row in rows:
        result, secs, _ = row["first"]
        verdict = "PASS" if secs < CEILING_SECONDS else "FAIL"
        print(
            f"{row['size']:>9,} open cases: {secs:.2f} s, {verdict} (ceiling {CEILING_SECONDS:g} s)"
        )
        planted = row["planted"]
        got = {"warned": result.warned, "breached": result.breached, "notified": result.notified}
        wanted = {k: planted[k] for k in got}
        if got != wanted:
            print(f"  the first sweep did {got}, planted {wanted}")
            ok = False
        again = row["second"][0]
        if (again.warned, again.breached, again.notified) != (0, 0, 0):
            print(f"  the second sweep did something: {again}")
            ok = False
    firsts = {len(row["first"][2]) for row in rows}
    seconds = {len(row["second"][2]) for row in rows}
    equal = len(firsts) == 1 and len(seconds) == 1
    print(
        "query counts equal at every size: "
        + ("yes" if equal else "NO")
        + f" (first sweep {sorted(firsts)}, second sweep {sorted(seconds)})"
    )
    print("second sweep found nothing: " + ("yes" if ok else "NO"))
    return ok and equal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument(
        "--share", type=float, default=0.01, help="cases with a clock crossing a line"
    )
    parser.add_argument("--explain", action="store_true", help="print the statements' plans")
    parser.add_argument(
        "--wait-load",
        type=float,
        help="before each measured sweep, wait (up to 15 minutes) for the one-minute load "
        "average to fall under this",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ids = prepare()
    rows = []
    print("| open cases | clocks | sweep | seconds | queries | warned | breached | notified |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|")
    try:
        for n, size in enumerate(sizes):
            if n:
                fresh_copy()
            rows.append(run(ids, size, args.share, args.explain, args.wait_load))
        ok = report(rows)
    finally:
        empty_broker()
        drop_base()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
