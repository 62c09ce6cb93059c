"""PostgreSQL itself refuses illegal state changes and any change to history (raw SQL too)."""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from cases.enums import CaseState
from cases.models import CaseEvent
from tests.support.lifecycle import path_to

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _history_models():
    return [m for m in apps.get_models() if m.__name__.startswith("Historical")]


def test_illegal_raw_state_update_is_refused(case_factory):
    case = case_factory()
    with (
        pytest.raises(DatabaseError, match="Invalid transition"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE cases_case SET state = 'closed' WHERE id = %s", [case.pk])
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED


def test_queryset_update_of_state_is_refused(case_factory, team):
    from cases.models import Case

    case = case_factory(team=team, state_path=path_to(CaseState.INVESTIGATING))
    with pytest.raises(DatabaseError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(state=CaseState.RESOLVED)  # the trap, on purpose
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING


def test_every_history_table_and_the_event_ledger_carry_the_guard():
    tables = [m._meta.db_table for m in _history_models()] + [CaseEvent._meta.db_table]
    assert len(tables) >= 6
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND (t.tgname LIKE 'pgtrigger_history_append_only%%' "
            "OR t.tgname LIKE 'pgtrigger_case_event_append_only%%')"
        )
        guarded = {row[0] for row in cursor.fetchall()}
    assert set(tables) <= guarded


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET history_change_reason = 'forged' WHERE history_id = %s",
        "DELETE FROM {t} WHERE history_id = %s",
    ],
)
def test_history_rows_cannot_be_changed_or_deleted(case_factory, statement):
    case = case_factory()
    record = case.history.latest()
    table = case.history.model._meta.db_table
    with (
        pytest.raises(DatabaseError, match="Cannot"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(t=table), [record.history_id])
    # Re-read (refresh_from_db would trip the protected state field copied into history).
    again = case.history.model.objects.get(history_id=record.history_id)
    assert again.history_change_reason != "forged"


def test_history_of_every_tracked_model_refuses_update(case_factory, team, staff):
    from cases.services.conflicts import staff_profile_ensure

    member = staff(None, teams=[team])
    staff_profile_ensure(user=member, actor=member, languages=["en"])
    case_factory(team=team, related_transactions=["0xabc"])
    for model in _history_models():
        # Every history table carries the trigger, whether or not this test wrote a row to it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND tgname LIKE 'pgtrigger_history_append_only%%'",
                [model._meta.db_table],
            )
            assert cursor.fetchone()[0] >= 1, model
        row = model.objects.first()
        if row is None:
            continue
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {model._meta.db_table} SET history_change_reason = 'x' "  # noqa: S608
                "WHERE history_id = %s",
                [row.history_id],
            )


def test_events_cannot_be_changed_or_deleted(case_factory):
    case = case_factory()
    event = CaseEvent.objects.get(case=case)
    for sql in (
        "UPDATE cases_caseevent SET reason = 'forged' WHERE id = %s",
        "DELETE FROM cases_caseevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.reason == ""


def test_a_case_cannot_be_inserted_past_received(case_factory):
    case = case_factory()
    with (
        pytest.raises(DatabaseError, match="case_starts_received"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO cases_case (reference, state, state_before_pause, category, priority,"
            " channel, subject, description, complainant_account_id, complainant_email,"
            " complainant_locale, out_of_scope_referral, responsibility,"
            " responsibility_rationale, resolution_summary, final_response_text, received_at,"
            " paused_total, created_at, updated_at)"
            " SELECT 'CX-FORGED', 'closed', '', category, priority, channel, subject,"
            " description, complainant_account_id, complainant_email, complainant_locale, '', '',"
            " '', '', '', received_at, paused_total, created_at, updated_at"
            " FROM cases_case WHERE id = %s",
            [case.pk],
        )
