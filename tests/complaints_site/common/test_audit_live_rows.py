"""The chain covers live rows against their latest history, and back-dated rows are named
(issue 11, finding 9)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from cases import roles
from cases.models import CaseEvent, CaseRecusal
from cases.models.recusal import CheckOutcome, RecusalCheck
from complaints_site.common.audit import (
    audit_chain_verify,
    backdated_rows_verify,
    history_pairs,
    live_rows_verify,
    tracked_columns,
)
from complaints_site.common.services import audit_seal_pending
from tests.factories.cases import make_case, make_staff, make_team

pytestmark = pytest.mark.django_db


def _raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _case_with_recusal():
    team = make_team("complaints", "Complaints")
    handler = make_staff(roles.CASE_HANDLER, teams=[team])
    case = make_case(team=team, assignee=handler)
    recusal = CaseRecusal(case=case, user=handler, rule="test", detail="x")
    recusal.save()
    return case, recusal


def test_intact_data_has_no_live_mismatch_and_no_backdated_row():
    _case_with_recusal()
    assert live_rows_verify() is None
    assert backdated_rows_verify() is None
    audit_seal_pending()
    assert audit_chain_verify().intact


def test_tracked_columns_are_what_history_copies():
    pairs = {live._meta.label: (live, history) for live, history in history_pairs()}
    live, history = pairs["cases.Case"]
    columns = tracked_columns(live, history)
    assert columns[0] == "id"
    assert "state" in columns
    assert "team_id" in columns
    assert "updated_at" not in columns  # excluded from the case's history
    assert not [c for c in columns if c.startswith("history_")]
    assert {"cases.CaseRecusal", "cases.Evidence", "cases.Message"} <= pairs.keys()


@pytest.mark.postgres
def test_a_raw_update_of_a_live_case_is_named(capsys):
    case, _ = _case_with_recusal()
    call_command("verify_audit_chain")
    _raw("UPDATE cases_case SET subject = %s WHERE id = %s", ["forged", case.pk])

    brk = live_rows_verify()
    assert (brk.kind, brk.table, brk.row_id) == (
        "live row differs from its history",
        "cases_case",
        case.pk,
    )
    assert "subject" in brk.detail
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain")
    assert exc.value.returncode == 1
    assert f"live row differs from its history: table cases_case, row {case.pk}" in str(exc.value)


@pytest.mark.postgres
def test_a_raw_update_of_a_recusal_is_named():
    _, recusal = _case_with_recusal()
    _raw(
        "UPDATE cases_caserecusal SET lifted_at = now(), lift_reason = 'x' WHERE id = %s",
        [recusal.pk],
    )
    brk = live_rows_verify()
    assert (brk.kind, brk.table, brk.row_id) == (
        "live row differs from its history",
        "cases_caserecusal",
        recusal.pk,
    )
    assert "lifted_at" in brk.detail
    assert "lift_reason" in brk.detail


@pytest.mark.postgres
def test_a_live_row_inserted_or_deleted_without_history_is_named():
    case, recusal = _case_with_recusal()
    _raw(
        "INSERT INTO cases_caserecusal (case_id, user_id, rule, detail, created_at, lift_reason) "
        "VALUES (%s, %s, 'forged', '', now(), '') RETURNING id",
        [case.pk, recusal.user_id],
    )
    brk = live_rows_verify()
    assert (brk.kind, brk.table, brk.detail) == (
        "live row differs from its history",
        "cases_caserecusal",
        "no history row",
    )


def test_the_live_check_reads_in_bounded_chunks():
    for _ in range(5):
        make_case()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert live_rows_verify(chunk_size=2) is None
    # Two queries per chunk per tracked table, never one per row: 5 cases in chunks of 2 make
    # 3 chunks of the case table; every other table (a few rows at most) 1 to 3 chunks.
    tables = len(history_pairs())
    assert len(queries) <= 2 * 3 * tables, len(queries)


@pytest.mark.postgres
def test_a_back_dated_forged_event_is_named_by_the_verifier_and_the_sealer(caplog):
    case = make_case()
    CaseEvent.objects.create(case=case, type="test", actor_label="system:tests")
    call_command("verify_audit_chain")
    forged_time = timezone.now() - dt.timedelta(days=20)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_caseevent (case_id, type, actor_label, from_state, to_state, "
            "reason, data, created_at) VALUES (%s, 'case.acknowledged', 'system:intake', '', '', "
            "'', '{}', %s) RETURNING id",
            [case.pk, forged_time],
        )
        forged_id = cursor.fetchone()[0]

    with caplog.at_level("ERROR", logger="complaints_site.common.services"):
        audit_seal_pending()
    assert f"back-dated row: table cases_caseevent, row {forged_id}" in caplog.text

    brk = audit_chain_verify().first_break
    assert (brk.kind, brk.table, brk.row_id) == ("back-dated row", "cases_caseevent", forged_id)
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit_chain")
    assert f"back-dated row: table cases_caseevent, row {forged_id}" in str(exc.value)


def test_rows_within_the_tolerance_are_not_back_dated(settings):
    case = make_case()
    user = make_staff(roles.CASE_HANDLER)
    RecusalCheck.objects.create(
        case=case, user=user, act="a", outcome=CheckOutcome.ALLOWED, actor_label="x"
    )
    RecusalCheck.objects.create(
        case=case,
        user=user,
        act="b",
        outcome=CheckOutcome.ALLOWED,
        actor_label="x",
        created_at=timezone.now() - dt.timedelta(seconds=30),
    )
    settings.AUDIT_BACKDATE_TOLERANCE = 60
    assert backdated_rows_verify() is None
    settings.AUDIT_BACKDATE_TOLERANCE = 10
    brk = backdated_rows_verify()
    assert (brk.kind, brk.table) == ("back-dated row", "cases_recusalcheck")
